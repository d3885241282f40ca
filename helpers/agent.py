"""The agentic loop: call the model, run the tools it asks for, feed back results, until it replies."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import openai

from helpers.backend import model_name
from helpers.errors import explain_api_errors
from helpers.memory import AGENT_SYSTEM_PROMPT, CORE_MEMORY_SAVE_TOOL, build_system_prompt, core_memory_save

ToolFunction = Callable[..., str]
# What on_event receives: {"type": "tool_call", "step", "name", "arguments", "result"},
# {"type": "reply", "step", "content"}, or {"type": "note", "step", "content"} (the loop's own remarks).
Event = dict[str, Any]

JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


def _field(item: Any, name: str) -> Any:
    """Read a field from an SDK object or a plain dict alike."""
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def tool_call_parts(tool_call: Any) -> tuple[str, str, str]:
    """The id, tool name and raw JSON arguments of a tool call (SDK object or dict)."""
    function = _field(tool_call, "function") or {}
    return (
        str(_field(tool_call, "id") or ""),
        str(_field(function, "name") or ""),
        _field(function, "arguments") or "",
    )


def json_type_name(value: Any) -> str:
    """The JSON name of a parsed value's type, as the model knows it ("array", not "list")."""
    for kind, types in JSON_TYPES.items():
        if isinstance(value, types) and not (isinstance(value, bool) and kind in ("integer", "number")):
            return kind
    return type(value).__name__


def schema_problems(arguments: dict[str, Any], schema: Mapping[str, Any]) -> list[str]:
    """What is wrong with `arguments` for a tool's JSON schema (an empty list if nothing)."""
    properties: Mapping[str, Any] = schema.get("properties") or {}
    problems = [f"missing required argument {name!r}" for name in schema.get("required") or [] if name not in arguments]
    for name, value in arguments.items():
        spec = properties.get(name)
        if spec is None:
            expected = ", ".join(repr(p) for p in properties) or "none"
            problems.append(f"unexpected argument {name!r} (expected: {expected})")
            continue
        kind = spec.get("type")
        allowed = JSON_TYPES.get(kind, (object,)) if isinstance(kind, str) else (object,)
        wrong_bool = isinstance(value, bool) and kind in ("integer", "number")
        if not isinstance(value, allowed) or wrong_bool:
            problems.append(f"argument {name!r} should be a {kind}, not {json_type_name(value)}")
        elif "enum" in spec and value not in spec["enum"]:
            options = ", ".join(repr(option) for option in spec["enum"])
            problems.append(f"argument {name!r} must be one of {options}, not {value!r}")
    return problems


def execute_tool_call(tool_call: Any, functions: Mapping[str, ToolFunction], tools: list[dict[str, Any]]) -> str:
    """Run one tool call and return its result; any problem comes back as an "Error: ..." string."""
    _, name, raw_arguments = tool_call_parts(tool_call)
    if name not in functions:
        return f"Error: there is no tool called {name!r}. Call one of these instead: {', '.join(functions)}."
    try:
        arguments = json.loads(raw_arguments or "{}")
    except (TypeError, ValueError, RecursionError) as error:
        return f"Error: the arguments for {name} are not valid JSON ({error}). Nothing was changed. Send a JSON object."
    if not isinstance(arguments, dict):
        return (
            f"Error: the arguments for {name} must be a JSON object, not {json_type_name(arguments)}. "
            "Nothing was changed."
        )
    schemas = {tool["function"]["name"]: tool["function"].get("parameters") or {} for tool in tools}
    problems = schema_problems(arguments, schemas.get(name, {}))
    if problems:
        return f"Error: {name} was called with bad arguments: {'; '.join(problems)}. Nothing was changed."
    try:
        return str(functions[name](**arguments))
    except ValueError as error:
        # Tools raise ValueError for what the model can fix (an unknown section, a full section).
        return f"Error: {error}"
    except Exception as error:  # noqa: BLE001 - a failing tool must not end the conversation
        return f"Error: the tool {name} failed ({type(error).__name__}: {error})."


def memory_functions(agent_memory: dict[str, str]) -> dict[str, ToolFunction]:
    """The tool functions of the lesson's agent, bound to one memory dict, by tool name."""

    def save(section: str, memory: str) -> str:
        # Same argument names as the tool's JSON schema, so `save(**arguments)` works.
        return core_memory_save(agent_memory, section, memory)

    return {"core_memory_save": save}


def print_event(event: Event) -> None:
    """Print one step of the loop the way the lesson does: tool calls and their results."""
    if event["type"] == "tool_call":
        print(f"[step {event['step']}] tool call: {event['name']}({event['arguments']})")
        print(f"[step {event['step']}] tool result: {event['result']}")
    else:
        print(f"[step {event['step']}] {event['type']}: {event['content']}")


EMPTY_RESPONSE_NOTE = (
    "(Note from the agent loop, not from the user: your last response had neither a reply nor a tool "
    "call. Reply to the user, or call a tool.)"
)


def agent_step(
    client: openai.OpenAI,
    user_message: str,
    memory: dict[str, str],
    *,
    model: str | None = None,
    system_prompt: str | None = None,
    max_steps: int = 10,
    on_event: Callable[[Event], None] | None = None,
) -> str:
    """Handle one user message: loop model calls and tool calls until the model replies."""
    if max_steps < 1:
        raise ValueError(f"max_steps must be at least 1, not {max_steps}.")
    messages: list[Any] = [
        {"role": "system", "content": build_system_prompt(memory, system_prompt or AGENT_SYSTEM_PROMPT)},
        {"role": "user", "content": user_message},
    ]
    tools = [CORE_MEMORY_SAVE_TOOL]
    functions = memory_functions(memory)
    for step in range(1, max_steps + 1):
        # Retries and timeouts come from the client (make_client); what is left becomes an AgentAPIError.
        with explain_api_errors():
            response = client.chat.completions.create(model=model or model_name(), messages=messages, tools=tools)
        message = response.choices[0].message if response.choices else None
        if message is None or not (message.tool_calls or (message.content or "").strip()):
            # An empty assistant message would be rejected if sent back, so only the note is added.
            messages.append({"role": "user", "content": EMPTY_RESPONSE_NOTE})
            if on_event:
                on_event({"type": "note", "step": step, "content": EMPTY_RESPONSE_NOTE})
            continue
        messages.append(message.model_dump(exclude_none=True))
        if not message.tool_calls:
            reply = message.content or ""
            if on_event:
                on_event({"type": "reply", "step": step, "content": reply})
            return reply
        # Every tool call gets its own answer, in order: the API rejects a request with one left unanswered.
        for tool_call in message.tool_calls:
            result = execute_tool_call(tool_call, functions, tools)
            if on_event:
                _, name, arguments = tool_call_parts(tool_call)
                on_event({"type": "tool_call", "step": step, "name": name, "arguments": arguments, "result": result})
            messages.append({"role": "tool", "tool_call_id": tool_call.id, "content": result})
    reply = (
        f"(Stopped after {max_steps} model call{'' if max_steps == 1 else 's'} without a final reply. What was saved to memory "
        "stays saved. Raise max_steps, or make the system prompt say when to stop calling tools.)"
    )
    if on_event:
        on_event({"type": "reply", "step": max_steps, "content": reply})
    return reply
