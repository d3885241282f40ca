"""The agentic loop: call the model, run the tools it asks for, feed back results, until it replies."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import openai
from openai.types.chat import ChatCompletion, ChatCompletionMessage

from helpers.backend import model_name
from helpers.errors import explain_api_errors
from helpers.memory import AGENT_SYSTEM_PROMPT, CORE_MEMORY_SAVE_TOOL, build_system_prompt, core_memory_save
from helpers.paging import how_many
from helpers.schema_check import json_type_name, schema_problems  # noqa: F401 - notebooks import schema_problems from here

ToolFunction = Callable[..., str]
# What on_event receives, "call" being the model call's number within the agent step (1, 2, ...):
# {"type": "tool_call", "call", "name", "arguments", "result"}, {"type": "reply", "call", "content"},
# or {"type": "note", "call", "content"} (the loop's own remarks).
Event = dict[str, Any]

EMPTY_RESPONSE_NOTE = (
    "(Note from the agent loop, not from the user: your last response had neither a reply nor a tool "
    "call. Reply to the user, or call a tool.)"
)


class ToolCallError(ValueError):
    """A tool call the loop cannot run; its message is the "Error: ..." text the model gets back."""


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


def read_tool_call(tool_call: Any, functions: Mapping[str, ToolFunction]) -> tuple[str, dict[str, Any]]:
    """The tool's name and the arguments as a dict; a ToolCallError if the tool or the JSON is wrong."""
    _, name, raw_arguments = tool_call_parts(tool_call)
    if name not in functions:
        raise ToolCallError(f"Error: there is no tool called {name!r}. Call one of these instead: {', '.join(functions)}.")
    try:
        arguments = json.loads(raw_arguments or "{}")
    except (TypeError, ValueError, RecursionError) as error:
        raise ToolCallError(
            f"Error: the arguments for {name} are not valid JSON ({error}). Nothing was changed. Send a JSON object."
        ) from None
    if not isinstance(arguments, dict):
        raise ToolCallError(
            f"Error: the arguments for {name} must be a JSON object, not {json_type_name(arguments)}. "
            "Nothing was changed."
        )
    return name, arguments


def call_tool(name: str, arguments: dict[str, Any], functions: Mapping[str, ToolFunction], tools: list[dict[str, Any]]) -> str:
    """Check the arguments against the tool's schema, then run it; any problem comes back as "Error: ..."."""
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


def execute_tool_call(tool_call: Any, functions: Mapping[str, ToolFunction], tools: list[dict[str, Any]]) -> str:
    """Run one tool call and return its result; any problem comes back as an "Error: ..." string."""
    try:
        name, arguments = read_tool_call(tool_call, functions)
    except ToolCallError as error:
        return str(error)
    return call_tool(name, arguments, functions, tools)


def memory_functions(agent_memory: dict[str, str]) -> dict[str, ToolFunction]:
    """The tool functions of the lesson's agent, bound to one memory dict, by tool name."""

    def save(section: str, memory: str) -> str:
        # Same argument names as the tool's JSON schema, so `save(**arguments)` works.
        return core_memory_save(agent_memory, section, memory)

    return {"core_memory_save": save}


def complete(
    client: openai.OpenAI, *, model: str, messages: list[Any], tools: list[dict[str, Any]] | None = None
) -> ChatCompletion:
    """One chat completion (with `usage`, the server's token counts); any API failure is one AgentAPIError."""
    # Retries and timeouts come from the client (make_client); what is left becomes an AgentAPIError.
    with explain_api_errors():
        return client.chat.completions.create(model=model, messages=messages, tools=tools or openai.omit)


def reply_message(response: ChatCompletion) -> ChatCompletionMessage | None:
    """A response's message, or None if it holds neither text nor a tool call."""
    message = response.choices[0].message if response.choices else None
    if message is None or not (message.tool_calls or (message.content or "").strip()):
        return None  # never to be sent back: the API rejects an assistant message with neither
    return message


def call_model(
    client: openai.OpenAI, *, model: str, messages: list[Any], tools: list[dict[str, Any]]
) -> ChatCompletionMessage | None:
    """One model call; its message, or None if the answer holds neither text nor a tool call."""
    return reply_message(complete(client, model=model, messages=messages, tools=tools))


def message_dict(message: ChatCompletionMessage) -> dict[str, Any]:
    """An assistant message as the dict to send back: role, content and tool calls, no empty extras."""
    return message.model_dump(exclude_none=True, exclude={"refusal", "annotations", "audio"})


def model_calls(count: int) -> str:
    """How many model calls, in words: "1 model call", "3 model calls"."""
    return how_many(count, "model call")


def print_event(event: Event) -> None:
    """Print one event of an agent step, labelled with its model call: tool calls, their results, the reply."""
    label = f"[call {event['call']}]"
    if event["type"] == "tool_call":
        print(f"{label} tool call: {event['name']}({event['arguments']})")
        print(f"{label} tool result: {event['result']}")
    else:
        print(f"{label} {event['type']}: {event['content']}")


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
    """Handle one user message (one agent step): model calls and tool calls, at most `max_steps` calls."""
    if max_steps < 1:
        raise ValueError(f"max_steps must be at least 1, not {max_steps}.")
    model = model or model_name()  # .env is read once per step, not once per model call
    messages: list[Any] = [
        {"role": "system", "content": build_system_prompt(memory, system_prompt or AGENT_SYSTEM_PROMPT)},
        {"role": "user", "content": user_message},
    ]
    tools = [CORE_MEMORY_SAVE_TOOL]
    functions = memory_functions(memory)
    for call in range(1, max_steps + 1):
        message = call_model(client, model=model, messages=messages, tools=tools)
        if message is None:
            messages.append({"role": "user", "content": EMPTY_RESPONSE_NOTE})
            if on_event:
                on_event({"type": "note", "call": call, "content": EMPTY_RESPONSE_NOTE})
            continue
        messages.append(message_dict(message))
        if not message.tool_calls:
            reply = message.content or ""
            if on_event:
                on_event({"type": "reply", "call": call, "content": reply})
            return reply
        # Every tool call gets its own answer, in order: the API rejects a request with one left unanswered.
        for tool_call in message.tool_calls:
            result = execute_tool_call(tool_call, functions, tools)
            if on_event:
                _, name, arguments = tool_call_parts(tool_call)
                on_event({"type": "tool_call", "call": call, "name": name, "arguments": arguments, "result": result})
            messages.append({"role": "tool", "tool_call_id": tool_call.id, "content": result})
    reply = (
        f"(Stopped after {model_calls(max_steps)} without a final reply. What was saved to memory stays saved. "
        "Raise max_steps, or make the system prompt say when to stop calling tools.)"
    )
    if on_event:
        on_event({"type": "reply", "call": max_steps, "content": reply})
    return reply
