"""A MemGPT-style agent, as plain data and functions: every action is a tool, memory has tiers.

- Agent state is a dict (typed below as `Agent`): core memory blocks ({"persona", "human"}, each a
  `Block`), the messages in the context window, recall memory (every message) and archival memory.
- The model replies to the user only through `send_message`; its plain `content` is inner
  monologue, shown to the learner (through `on_event`) but never to the user.
- Every tool schema has a boolean `request_heartbeat`. After a model call's tool calls the step goes
  on only if one of them asked for a heartbeat or failed (the model then gets a turn to fix it);
  otherwise, and whenever the model answers with no tool call, the step ends. This is Letta's rule.
  Before that next call the loop adds Letta's heartbeat event, a user-role message saying why.
"""

from __future__ import annotations

import copy
import inspect
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypedDict

import numpy as np
import openai

from helpers.agent import (
    EMPTY_RESPONSE_NOTE,
    Event,
    ToolCallError,
    ToolFunction,
    call_model,
    call_tool,
    message_dict,
    model_calls,
    read_tool_call,
    tool_call_parts,
)
from helpers.archival import Archive, archival_insert, archival_search, format_archival_results, new_archive
from helpers.backend import backend_name, model_for
from helpers.embeddings import embed as embed_texts
from helpers.embeddings import embedding_model_for
from helpers.memory import MEMORY_IS_DATA, SECTION_LIMIT, find_copied, render_block
from helpers.paging import paginate
from helpers.recall import Clock, RecallEntry, format_recall_results, new_recall, recall_add, recall_search, utc_now
from helpers.tool_schema import function_tool

Embedder = Callable[[list[str]], np.ndarray]

CONTEXT_WINDOW = 24  # messages kept in the context window (Letta counts tokens; we count messages)
DEFAULT_PERSONA = "I am Sam, a friendly assistant with a memory I manage myself. I keep my messages short."
PERSONA_DESCRIPTION = "Who you are: your name, your character and how you talk. Yours to keep and refine."
HUMAN_DESCRIPTION = "What you know about the person you talk with: facts they told you, kept up to date."
CONTEXT_ARGUMENTS = ("agent", "embed")  # given by the agent loop, never by the model

MEMGPT_SYSTEM_PROMPT = """You are a MemGPT-style agent: a language model that manages its own memory with tools.

How you act:
- Everything you do is a tool call. Your plain text (the message content) is your inner monologue: \
private notes the user never sees. Keep it to one or two sentences.
- The user hears you only through send_message. Every reply to the user goes through it.
- Every tool has a request_heartbeat argument. Set it to true when you need another turn right after \
the tool runs (for example to send_message an answer after editing or searching memory). Set it to \
false when you are done: you then wait for the user's next message. If a tool fails, you get another \
turn anyway, to put it right. Such a turn starts with a heartbeat event: a message from the system, \
not from the user, saying why you have it.

Your memory has three tiers:
- Core memory (below) is always in your context: the persona block (who you are) and the human block \
(what you know about the user). Each block has a character limit. Add to a block with \
core_memory_append; change or correct something with core_memory_replace, copying old_content exactly \
as it appears in the block.
- Recall memory holds every message of this conversation, also those no longer in your context. \
Search it with conversation_search.
- Archival memory is a store of passages outside your context, of any size. Save to it with \
archival_memory_insert and search it with archival_memory_search.
When the user asks about something that is not in your context, search recall or archival memory \
before saying you don't know."""

HEARTBEAT_DESCRIPTION = (
    "true to get another turn right after this tool runs (to call another tool or send a message); "
    "false to wait for the user's next message."
)

# Letta's heartbeat events (letta/constants.py): why the model is called again, with no user message.
AUTOMATED_PREFIX = "[This is an automated system message hidden from the user] "
HEARTBEAT_REASON = f"{AUTOMATED_PREFIX}Function called using request_heartbeat=true, returning control"
FAILED_REASON = f"{AUTOMATED_PREFIX}Function call failed, returning control"


# ---------------------------------------------------------------------------------------------
# Agent state and core memory.
# ---------------------------------------------------------------------------------------------


class Block(TypedDict):
    """A block of core memory: its text, its size limit, what it is for, and whether the agent may edit it."""

    value: str
    limit: int  # characters
    description: str
    read_only: bool


class Agent(TypedDict):
    """Everything a MemGPT agent is: instructions, core memory, the context window, settings, recall, archival."""

    name: str  # "" until a store names it
    system: str  # the instructions
    blocks: dict[str, Block]  # core memory, by label
    messages: list[dict[str, Any]]  # the context window, as OpenAI message dicts
    summary: str  # a summary of messages evicted from the context ("" until there is one)
    context_window: int  # how many messages the context window holds
    model: str | None  # None: the backend's default (helpers.backend.model_name())
    embedding_model: str | None  # None: the backend's default (helpers.embeddings.embedding_model_name())
    recall: list[RecallEntry]  # every message, with its time
    archival: Archive  # passages outside the context


def new_agent(
    persona: str = DEFAULT_PERSONA, human: str = "", *, limit: int = SECTION_LIMIT,
    context_window: int = CONTEXT_WINDOW, system: str = MEMGPT_SYSTEM_PROMPT,
    model: str | None = None, embedding_model: str | None = None,
) -> Agent:
    """A fresh agent: persona and human blocks, an empty context, empty recall and archival memory."""
    return {
        "name": "",
        "system": system,
        "blocks": {
            "persona": {"value": persona, "limit": limit, "description": PERSONA_DESCRIPTION, "read_only": False},
            "human": {"value": human, "limit": limit, "description": HUMAN_DESCRIPTION, "read_only": False},
        },
        "messages": [],
        "summary": "",
        "context_window": context_window,
        "model": model,
        "embedding_model": embedding_model,
        "recall": new_recall(),
        "archival": new_archive(),
    }


def _editable_block(agent: Agent, label: str) -> Block:
    """The core memory block called `label`, for editing; a ValueError if there is none or it is read-only."""
    if label not in agent["blocks"]:
        raise ValueError(f"There is no core memory block {label!r}. The blocks are: {', '.join(agent['blocks'])}.")
    block = agent["blocks"][label]
    if block.get("read_only"):
        raise ValueError(f"Block {label!r} is read-only: you can read it but not change it. Nothing was changed.")
    return block


def _set_block(agent: Agent, label: str, value: str) -> str:
    """Write a block's new value if it fits its limit; say how full it is."""
    block = _editable_block(agent, label)
    if len(value) > block["limit"]:
        raise ValueError(
            f"Block {label!r} would hold {len(value)} characters, over its limit of {block['limit']}. "
            "Nothing was changed. Shorten it with core_memory_replace, or move details to archival memory."
        )
    block["value"] = value
    return f"Block {label!r} now holds {len(value)}/{block['limit']} characters."


# ---------------------------------------------------------------------------------------------
# The tools. Their signatures and docstrings are the schemas the model sees (see function_tool).
# ---------------------------------------------------------------------------------------------


def send_message(agent: Agent, message: str) -> str:
    """Send a message to the user. It is the only way the user hears from you.

    Args:
        message: The message the user will read.
    """
    if not message.strip():
        raise ValueError("The message is empty: put the text for the user in 'message'.")
    return "Message sent to the user."


def core_memory_append(agent: Agent, label: str, content: str) -> str:
    """Add a line to a block of core memory (persona or human).

    Args:
        label: The block to add to: 'persona' (about you) or 'human' (about the user).
        content: What to add, as a short sentence.
    """
    if not content.strip():
        raise ValueError("There is nothing to add: put the text in 'content'.")
    current = _editable_block(agent, label)["value"]
    return _set_block(agent, label, f"{current}\n{content}" if current else content)


def core_memory_replace(agent: Agent, label: str, old_content: str, new_content: str) -> str:
    """Replace text in a block of core memory, e.g. to correct a fact. An empty new_content deletes it.

    Args:
        label: The block to edit: 'persona' or 'human'.
        old_content: The exact text to replace, copied from the block.
        new_content: The text to put in its place.
    """
    current = _editable_block(agent, label)["value"]
    old = find_copied(current, old_content, agent["blocks"])  # as written, or as the prompt shows it
    if old is None:
        raise ValueError(
            f"{old_content!r} is not in block {label!r}. Copy old_content exactly as the block shows it."
        )
    return _set_block(agent, label, current.replace(old, new_content).strip())


def archival_memory_insert(agent: Agent, embed: Embedder, content: str) -> str:
    """Save a passage to archival memory, outside your context, to search for later.

    Args:
        content: The passage to save. Make it complete enough to make sense on its own.
    """
    if not content.strip():
        raise ValueError("There is nothing to save: put the passage in 'content'.")
    (passage_id,) = archival_insert(agent["archival"], [content], embed([content]))
    return f"Saved as passage {passage_id}; archival memory holds {len(agent['archival']['passages'])} passages."


def archival_memory_search(agent: Agent, embed: Embedder, query: str, page: int = 0) -> str:
    """Search archival memory for the passages most similar in meaning to a query.

    Args:
        query: What to look for, in a few words.
        page: Which page of results to show; 0 is the first (most similar).
    """
    if not agent["archival"]["passages"]:  # nothing to compare with: no need to embed the query
        return format_archival_results(paginate([], page=page))
    return format_archival_results(archival_search(agent["archival"], embed([query])[0], page=page))


def conversation_search(agent: Agent, query: str, page: int = 0) -> str:
    """Search the whole conversation history (recall memory) for messages containing the query's words.

    Args:
        query: Words to look for.
        page: Which page of results to show; 0 is the first.
    """
    return format_recall_results(recall_search(agent["recall"], query, page=page))


def conversation_search_date(agent: Agent, start_date: str, end_date: str, page: int = 0) -> str:
    """Search the conversation history (recall memory) for messages sent between two dates.

    Args:
        start_date: The first day to include, as YYYY-MM-DD.
        end_date: The last day to include, as YYYY-MM-DD.
        page: Which page of results to show; 0 is the first.
    """
    return format_recall_results(recall_search(agent["recall"], start=start_date, end=end_date, page=page))


# Letta's base tools. `conversation_search_date` is extra: pass it in `functions` to offer it.
MEMGPT_FUNCTIONS: list[Callable[..., str]] = [
    send_message,
    core_memory_append,
    core_memory_replace,
    archival_memory_insert,
    archival_memory_search,
    conversation_search,
]


def with_heartbeat(tool: dict[str, Any]) -> dict[str, Any]:
    """A copy of a tool schema with the required boolean `request_heartbeat` argument added."""
    tool = copy.deepcopy(tool)
    parameters = tool["function"]["parameters"]
    parameters["properties"]["request_heartbeat"] = {"type": "boolean", "description": HEARTBEAT_DESCRIPTION}
    parameters["required"] = [*parameters.get("required", []), "request_heartbeat"]
    return tool


def memgpt_tools(functions: list[Callable[..., str]] | None = None) -> list[dict[str, Any]]:
    """The tool schemas for the agent's functions, generated from them, each with `request_heartbeat`."""
    return [with_heartbeat(function_tool(fn, skip=CONTEXT_ARGUMENTS)) for fn in functions or MEMGPT_FUNCTIONS]


def _bind(fn: Callable[..., str], context: dict[str, Any]) -> ToolFunction:
    """`fn` with the agent (and embedder) filled in; `request_heartbeat` is read by the loop, not passed."""

    def call(request_heartbeat: bool = False, **arguments: Any) -> str:
        return fn(**context, **arguments)

    return call


def bind_tools(agent: Agent, embed: Embedder, functions: list[Callable[..., str]] | None = None) -> dict[str, ToolFunction]:
    """The agent's tool functions by name, ready for `execute_tool_call`."""
    available = {"agent": agent, "embed": embed}
    bound = {}
    for fn in functions or MEMGPT_FUNCTIONS:
        wanted = inspect.signature(fn).parameters
        bound[fn.__name__] = _bind(fn, {k: v for k, v in available.items() if k in wanted})
    return bound


# ---------------------------------------------------------------------------------------------
# Context compilation: the system prompt with core memory and the memory metadata.
# ---------------------------------------------------------------------------------------------


def render_core_memory(agent: Agent) -> str:
    """Each core memory block as a tagged section with its size and limit."""
    blocks = agent["blocks"]
    return "\n".join(render_block(label, block["value"], block["limit"], labels=blocks) for label, block in blocks.items())


def memory_metadata(agent: Agent, moment: datetime | None = None) -> str:
    """The memory-metadata lines: the time, and how much is in recall and archival memory."""
    recalled, in_context = len(agent["recall"]), len(agent["messages"])
    lines = [f"Current time: {moment:%Y-%m-%d %H:%M %Z}".rstrip()] if moment else []
    lines.append(
        f"Recall memory: {recalled} messages, {max(recalled - in_context, 0)} of them no longer in your "
        "context (search with conversation_search)."
    )
    lines.append(
        f"Archival memory: {len(agent['archival']['passages'])} passages (search with archival_memory_search)."
    )
    return "\n".join(lines)


def build_memgpt_system_prompt(agent: Agent, moment: datetime | None = None) -> str:
    """The system message: instructions, then memory metadata and core memory (context compilation)."""
    return (
        f"{agent['system']}\n\n{MEMORY_IS_DATA}\n<memory_metadata>\n{memory_metadata(agent, moment)}\n"
        f"</memory_metadata>\n<core_memory>\n{render_core_memory(agent)}\n</core_memory>"
    )


# ---------------------------------------------------------------------------------------------
# Heartbeat events, the context window and recall memory.
# ---------------------------------------------------------------------------------------------


def letta_time(moment: datetime) -> str:
    """A time as Letta writes it in its events (get_local_time): "2026-03-02 09:00:00 AM UTC+0000"."""
    half = "AM" if moment.hour < 12 else "PM"  # not %p, which follows the computer's language
    return f"{moment:%Y-%m-%d %I:%M:%S} {half} {moment:%Z%z}".strip()


def heartbeat_event(reason: str, moment: datetime) -> dict[str, Any]:
    """Letta's heartbeat event: a user-role message whose content is JSON saying why the model is called."""
    return {"role": "user", "content": json.dumps({"type": "heartbeat", "reason": reason, "time": letta_time(moment)})}


def is_loop_message(message: dict[str, Any]) -> bool:
    """Whether a user-role message comes from the loop (a heartbeat event, a note), not from the user."""
    content = message.get("content")
    if message.get("role") != "user" or not isinstance(content, str):
        return False
    if content == EMPTY_RESPONSE_NOTE:
        return True
    try:
        event = json.loads(content)
    except ValueError:
        return False
    return isinstance(event, dict) and event.get("type") == "heartbeat"


def _recall_text(message: dict[str, Any]) -> str:
    """What a message says, for searching: a user's text, what the agent sent the user, a tool result.

    The agent's inner monologue stays in the stored message but is not searched: it is not what was said.
    Nor are the loop's own messages (heartbeat events): nobody said them.
    """
    if is_loop_message(message):
        return ""
    if message.get("role") == "assistant":
        sent = [_arguments(call).get("message") for call in message.get("tool_calls") or []
                if tool_call_parts(call)[1] == "send_message"]
        return " ".join(text for text in sent if isinstance(text, str))
    return str(message.get("content") or "")


def remember(agent: Agent, message: dict[str, Any], now: Clock = utc_now) -> None:
    """Add a message to the context window and, with a timestamp, to recall memory."""
    agent["messages"].append(message)
    recall_add(agent["recall"], message["role"], _recall_text(message), now=now, message=message)


def trim_context(agent: Agent) -> int:
    """Evict the oldest whole turns until the context fits its window; return how many messages left it.

    They stay in recall memory. A turn starts at a user's message, so tool calls stay with their
    results and heartbeat events with the calls that asked for them.
    """
    messages, evicted = agent["messages"], 0
    while len(messages) > agent["context_window"]:
        next_user = next((i for i in range(1, len(messages))
                          if messages[i].get("role") == "user" and not is_loop_message(messages[i])), None)
        if next_user is None:
            break  # only the current turn is left: never cut into it
        del messages[:next_user]
        evicted += next_user
    return evicted


# ---------------------------------------------------------------------------------------------
# One step.
# ---------------------------------------------------------------------------------------------


def _arguments(tool_call: Any) -> dict[str, Any]:
    """A tool call's arguments as a dict ({} if they are not a JSON object)."""
    try:
        arguments = json.loads(tool_call_parts(tool_call)[2] or "{}")
    except (TypeError, ValueError, RecursionError):
        return {}
    return arguments if isinstance(arguments, dict) else {}


def heartbeat_requested(value: Any) -> bool:
    """Letta's reading of `request_heartbeat`: true, or the string "true" in any case; anything else is false."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def run_tool_call(tool_call: Any, functions: dict[str, ToolFunction], tools: list[dict[str, Any]]) -> tuple[str, bool]:
    """Run one tool call, `request_heartbeat` taken out first; return the result and whether it asked for one."""
    # `tools` are the schemas without request_heartbeat: a call that leaves it out still runs (it means false).
    try:
        name, arguments = read_tool_call(tool_call, functions)
    except ToolCallError as error:
        return str(error), False
    asked = heartbeat_requested(arguments.pop("request_heartbeat", None))
    return call_tool(name, arguments, functions, tools), asked


def print_memgpt_event(event: Event) -> None:
    """Print one event of a MemGPT step, labelled with its model call: monologue, tool calls, heartbeats."""
    label = f"[call {event['call']}]"
    if event["type"] == "thinking":
        print(f"{label} inner monologue: {event['content']}")
    elif event["type"] == "tool_call":
        heartbeat = "heartbeat requested" if event["heartbeat"] else "no heartbeat"
        print(f"{label} {event['name']}({event['arguments']})")
        print(f"{label}   -> {event['result']}  ({heartbeat})")
    elif event["type"] == "heartbeat":
        print(f"{label} heartbeat event: {event['content'].removeprefix(AUTOMATED_PREFIX)}")
    else:
        print(f"{label} {event['content']}")


def memgpt_step(
    client: openai.OpenAI,
    agent: Agent,
    user_message: str,
    *,
    model: str | None = None,
    functions: list[Callable[..., str]] | None = None,
    embedding_model: str | None = None,
    max_steps: int = 10,
    now: Clock = utc_now,
    on_event: Callable[[Event], None] | None = None,
) -> str:
    """Handle one user message in at most `max_steps` model calls; return what the agent sent the user."""
    if max_steps < 1:
        raise ValueError(f"max_steps must be at least 1, not {max_steps}.")
    functions = functions or MEMGPT_FUNCTIONS
    # Each model: the argument, else the agent's setting, else the backend's default (.env read once per step).
    backend = backend_name()
    model = model or agent.get("model") or model_for(backend)
    embedding_model = embedding_model or agent.get("embedding_model") or embedding_model_for(backend)
    schemas = [function_tool(fn, skip=CONTEXT_ARGUMENTS) for fn in functions]  # to check what the tools get
    tools = [with_heartbeat(schema) for schema in schemas]  # what the model sees

    def embed(texts: list[str]) -> np.ndarray:
        return embed_texts(client, texts, model=embedding_model)

    def report(event: Event) -> None:
        if on_event:
            on_event(event)

    bound = bind_tools(agent, embed, functions)
    remember(agent, {"role": "user", "content": user_message}, now)
    sent: list[str] = []
    for call in range(1, max_steps + 1):
        trim_context(agent)
        messages = [{"role": "system", "content": build_memgpt_system_prompt(agent, now())}, *agent["messages"]]
        message = call_model(client, model=model, messages=messages, tools=tools)
        if message is None:  # neither monologue nor tool call: say so, and let the model try again
            remember(agent, {"role": "user", "content": EMPTY_RESPONSE_NOTE}, now)
            report({"type": "note", "call": call, "content": EMPTY_RESPONSE_NOTE})
            continue
        remember(agent, message_dict(message), now)
        if (message.content or "").strip():
            report({"type": "thinking", "call": call, "content": message.content})
        if not message.tool_calls:
            break  # inner monologue only: the step ends and the user hears nothing
        failed = asked = False
        for tool_call in message.tool_calls:
            result, heartbeat = run_tool_call(tool_call, bound, schemas)
            _, name, arguments = tool_call_parts(tool_call)
            failed, asked = failed or result.startswith("Error"), asked or heartbeat
            if name == "send_message" and not result.startswith("Error"):
                sent.append(_arguments(tool_call)["message"])
            remember(agent, {"role": "tool", "tool_call_id": tool_call.id, "content": result}, now)
            report({"type": "tool_call", "call": call, "name": name, "arguments": arguments, "result": result,
                    "heartbeat": heartbeat})
        if not (failed or asked):
            break
        if call < max_steps:  # the next call starts with Letta's heartbeat event (a failure comes first)
            moment = now()
            reason = FAILED_REASON if failed else HEARTBEAT_REASON
            remember(agent, heartbeat_event(reason, moment), lambda: moment)
            report({"type": "heartbeat", "call": call, "content": reason})
    else:
        report({"type": "stopped", "call": max_steps,
                "content": f"(Stopped after {model_calls(max_steps)}: raise max_steps if the agent needs more.)"})
    trim_context(agent)
    return "\n".join(sent)
