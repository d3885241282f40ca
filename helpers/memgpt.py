"""A MemGPT-style agent, as plain data and functions: every action is a tool, memory has tiers.

- Agent state is a dict (typed below as `Agent`): core memory blocks ({"persona", "human"}, each a
  `Block`), the messages in the context window, recall memory (every message) and archival memory.
- The model replies to the user only through `send_message`; its plain `content` is inner
  monologue, shown to the learner (through `on_event`) but never to the user.
- Every tool schema has a boolean `request_heartbeat`. After a model call's tool calls the step goes
  on only if one of them asked for a heartbeat or failed (the model then gets a turn to fix it);
  otherwise, and whenever the model answers with no tool call, the step ends. This is Letta's rule.
  Before that next call the loop adds Letta's heartbeat event, a user-role message saying why.
- The context window is measured in tokens (`context_window`); before each model call `helpers.context`
  keeps the request within it: a warning past 75%, then old turns evicted to recall with a summary.
"""

from __future__ import annotations

import copy
import inspect
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np
import openai

from helpers.agent import (
    EMPTY_RESPONSE_NOTE,
    Event,
    ToolCallError,
    ToolFunction,
    call_tool,
    message_dict,
    model_calls,
    read_tool_call,
    reply_message,
    tool_call_parts,
)
from helpers.archival import (
    Archive,
    archival_insert,
    archival_search,
    documents_in,
    format_archival_results,
    new_archive,
)
from helpers.backend import backend_name, model_for
from helpers.embeddings import embed as embed_texts
from helpers.embeddings import embedding_model_for
from helpers.memory import MEMORY_IS_DATA, find_copied, render_block
from helpers.paging import how_many, paginate
from helpers.recall import Clock, RecallEntry, format_recall_results, new_recall, recall_add, recall_search, utc_now
from helpers.tool_schema import function_tool

if TYPE_CHECKING:
    from helpers.store import Store

Embedder = Callable[[list[str]], np.ndarray]

# The default context window, in tokens: GPT-4's original 8,192 (as Letta's constants still list it).
# Small enough that a chat shows memory management within a conversation; the models themselves hold more.
CONTEXT_WINDOW = 8192
DEFAULT_PERSONA = "I am Sam, a friendly assistant with a memory I manage myself. I keep my messages short."
PERSONA_DESCRIPTION = "Who you are and how you talk."  # shown with the block: every token counts
HUMAN_DESCRIPTION = "What you know about the user."
CONTEXT_ARGUMENTS = ("agent", "embed")  # given by the agent loop, never by the model

MEMGPT_SYSTEM_PROMPT = """You are a MemGPT agent, a language model that manages its own memory with tools.
- Act only through tools. Your plain text is private inner monologue (one or two sentences); the user \
hears only send_message.
- request_heartbeat=true gives you another turn after the tool (e.g. to reply after using memory); false \
waits for the user. A failed tool also gives you a turn, to fix it. Such turns start with a heartbeat \
event from the system.
- System messages are not the user. Warned that the conversation is nearly full, save what matters to memory.
- Core memory (below) is always in context: persona (you) and human (the user), each with a character \
limit. Add with core_memory_append; correct with core_memory_replace, copying old_content exactly. When \
a block is full, use archival memory.
- Recall memory: every message, also those out of context. Search it with conversation_search.
- Archival memory: passages outside context. Save with archival_memory_insert, search with \
archival_memory_search.
- Search recall or archival memory before saying you don't know."""

HEARTBEAT_DESCRIPTION = "true: act again right after this tool."  # the system prompt says the rest

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
    context_window: int  # its size in tokens: instructions, tools, core memory, summary and messages together
    model: str | None  # None: the backend's default (helpers.backend.model_name())
    embedding_model: str | None  # None: the backend's default (helpers.embeddings.embedding_model_name())
    recall: list[RecallEntry]  # every message, with its time
    archival: Archive  # passages outside the context
    token_ratio: float  # the server's prompt tokens per token we count, from the last response (helpers.context)


def new_agent(
    persona: str = DEFAULT_PERSONA, human: str = "", *, limit: int | None = None,
    context_window: int = CONTEXT_WINDOW, system: str = MEMGPT_SYSTEM_PROMPT,
    model: str | None = None, embedding_model: str | None = None,
) -> Agent:
    """A fresh agent: persona and human blocks, an empty context, empty recall and archival memory.

    `context_window` is in tokens. Core memory counts against it, so a block's `limit` (in characters)
    defaults to a share of it (`helpers.context.block_limit`: 7%, at most 2,000 characters). A window
    too small for the instructions, tools and full blocks is refused with an error naming one that fits.
    """
    from helpers import context  # helpers.context builds on this module, so it is imported here

    if context.not_a_size(context_window):
        raise context.ContextWindowError(context.not_a_size(context_window))

    def make(window: int) -> Agent:
        size = context.block_limit(window) if limit is None else limit
        return {
            "name": "",
            "system": system,
            "blocks": {
                "persona": {"value": persona, "limit": size, "description": PERSONA_DESCRIPTION, "read_only": False},
                "human": {"value": human, "limit": size, "description": HUMAN_DESCRIPTION, "read_only": False},
            },
            "messages": [],
            "summary": "",
            "context_window": window,
            "model": model,
            "embedding_model": embedding_model,
            "recall": new_recall(),
            "archival": new_archive(),
            "token_ratio": 1.0,
        }

    agent = make(context_window)
    problem = context.window_problem(agent)
    if problem:
        fits = context.smallest_window(lambda window: context.window_problem(make(window)) is None, context_window)
        smaller = "" if limit is None else f", or a smaller limit than {limit}"
        raise context.ContextWindowError(f"{problem} Use new_agent(context_window={fits}) or more{smaller}.")
    return agent


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
    """Send a message to the user, the only way they hear from you.

    Args:
        message: What the user reads.
    """
    if not message.strip():
        raise ValueError("The message is empty: put the text for the user in 'message'.")
    return "Message sent to the user."


def core_memory_append(agent: Agent, label: str, content: str) -> str:
    """Add a line to a block of core memory.

    Args:
        label: 'persona' or 'human'.
        content: A short sentence.
    """
    if not content.strip():
        raise ValueError("There is nothing to add: put the text in 'content'.")
    current = _editable_block(agent, label)["value"]
    return _set_block(agent, label, f"{current}\n{content}" if current else content)


def core_memory_replace(agent: Agent, label: str, old_content: str, new_content: str) -> str:
    """Replace text in a block of core memory; an empty new_content deletes it.

    Args:
        label: 'persona' or 'human'.
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
    """Save a passage to archival memory, outside your context.

    Args:
        content: A passage that makes sense on its own.
    """
    if not content.strip():
        raise ValueError("There is nothing to save: put the passage in 'content'.")
    (passage_id,) = archival_insert(agent["archival"], [content], embed([content]))
    return f"Saved as passage {passage_id}; archival memory holds {how_many(len(agent['archival']['passages']), 'passage')}."


def archival_memory_search(agent: Agent, embed: Embedder, query: str, page: int = 0) -> str:
    """Search archival memory by meaning.

    Args:
        query: What to look for.
        page: Result page, from 0 (the most similar).
    """
    if not agent["archival"]["passages"]:  # nothing to compare with: no need to embed the query
        return format_archival_results(paginate([], page=page))
    return format_archival_results(archival_search(agent["archival"], embed([query])[0], page=page))


def conversation_search(agent: Agent, query: str, page: int = 0) -> str:
    """Search the whole conversation (recall memory) by words.

    Args:
        query: Words to look for.
        page: Result page, from 0.
    """
    return format_recall_results(recall_search(agent["recall"], query, page=page))


def conversation_search_date(agent: Agent, start_date: str, end_date: str, page: int = 0) -> str:
    """Search the conversation (recall memory) by date.

    Args:
        start_date: The first day, as YYYY-MM-DD.
        end_date: The last day, as YYYY-MM-DD.
        page: Result page, from 0.
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


def memgpt_tools(functions: list[Callable[..., str]] | None = None, context: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The tool schemas for the agent's functions, generated from them, each with `request_heartbeat`.

    `context` names extra arguments the loop fills in (see `memgpt_step`'s `context`): not in the schemas.
    """
    skip = (*CONTEXT_ARGUMENTS, *context)
    return [with_heartbeat(function_tool(fn, skip=skip)) for fn in functions or MEMGPT_FUNCTIONS]


def _bind(fn: Callable[..., str], context: dict[str, Any]) -> ToolFunction:
    """`fn` with the agent (and embedder) filled in; `request_heartbeat` is read by the loop, not passed."""

    def call(request_heartbeat: bool = False, **arguments: Any) -> str:
        return fn(**context, **arguments)

    return call


def bind_tools(agent: Agent, embed: Embedder, functions: list[Callable[..., str]] | None = None,
               context: dict[str, Any] | None = None) -> dict[str, ToolFunction]:
    """The agent's tool functions by name, ready for `execute_tool_call` (`context`: more arguments to fill in)."""
    available = {"agent": agent, "embed": embed, **(context or {})}
    bound = {}
    for fn in functions or MEMGPT_FUNCTIONS:
        wanted = inspect.signature(fn).parameters
        bound[fn.__name__] = _bind(fn, {k: v for k, v in available.items() if k in wanted})
    return bound


# ---------------------------------------------------------------------------------------------
# Context compilation: the system prompt with core memory and the memory metadata.
# ---------------------------------------------------------------------------------------------


def render_core_memory(agent: Agent) -> str:
    """Each core memory block as a tagged section with its size, limit, description and read-only flag."""
    blocks = agent["blocks"]
    return "\n".join(
        render_block(label, block["value"], block["limit"], labels=blocks, description=block.get("description", ""),
                     read_only=bool(block.get("read_only")))
        for label, block in blocks.items()
    )


def memory_metadata(agent: Agent, moment: datetime | None = None) -> str:
    """The memory-metadata lines: the time, and how much is in recall and archival memory."""
    recalled, in_context = len(agent["recall"]), len(agent["messages"])
    lines = [f"Current time: {moment:%Y-%m-%d %H:%M %Z}".rstrip()] if moment else []
    lines.append(f"Recall memory: {how_many(recalled, 'message')} ({max(recalled - in_context, 0)} no longer in your context).")
    archived, documents = len(agent["archival"]["passages"]), documents_in(agent["archival"])
    loaded = f", {sum(documents.values())} of them from documents: {', '.join(documents)}" if documents else ""
    lines.append(f"Archival memory: {how_many(archived, 'passage')}{loaded}.")
    return "\n".join(lines)


def memory_sections(agent: Agent, moment: datetime | None = None) -> dict[str, str]:
    """The tagged memory sections of the system message, by name: memory metadata, then core memory."""
    return {
        "memory metadata": f"<memory_metadata>\n{memory_metadata(agent, moment)}\n</memory_metadata>",
        "core memory": f"<core_memory>\n{render_core_memory(agent)}\n</core_memory>",
    }


def build_memgpt_system_prompt(agent: Agent, moment: datetime | None = None) -> str:
    """The system message: instructions, then memory metadata and core memory (context compilation)."""
    return "\n".join([f"{agent['system']}\n\n{MEMORY_IS_DATA}", *memory_sections(agent, moment).values()])


# ---------------------------------------------------------------------------------------------
# Heartbeat events and recall memory (helpers.context keeps the context within its window).
# ---------------------------------------------------------------------------------------------


def letta_time(moment: datetime) -> str:
    """A time as Letta writes it in its events (get_local_time): "2026-03-02 09:00:00 AM UTC+0000"."""
    half = "AM" if moment.hour < 12 else "PM"  # not %p, which follows the computer's language
    return f"{moment:%Y-%m-%d %I:%M:%S} {half} {moment:%Z%z}".strip()


def heartbeat_event(reason: str, moment: datetime) -> dict[str, Any]:
    """Letta's heartbeat event: a user-role message whose content is JSON saying why the model is called."""
    return {"role": "user", "content": json.dumps({"type": "heartbeat", "reason": reason, "time": letta_time(moment)})}


def is_loop_message(message: dict[str, Any]) -> bool:
    """Whether a message in the context comes from the loop, not from the user or the model.

    The loop's messages: heartbeat events and notes (user-role), and alerts such as the memory-pressure
    warning (system-role: the user never sends a system message through the loop).
    """
    content = message.get("content")
    if message.get("role") == "system":
        return True
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
    Nor are the loop's own messages (heartbeat events, warnings): nobody said them.
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


def describe_context_event(event: Event) -> str:
    """A memory-pressure warning or a flush, in words: "memory pressure: ..." or "summary: ..."."""
    if event["type"] == "warning":
        return (f"memory pressure: the request is {event['tokens']:,} of {event['window']:,} tokens; "
                f"warning added: {event['content']}")
    before, after = event["tokens"]
    return (f"summary: {event['evicted']} messages left the context for recall memory ({event['hidden']} of "
            f"{event['total']} now hidden), {before:,} -> {after:,} tokens. Summary: {event['content']}")


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
    elif event["type"] in ("warning", "summary"):
        print(f"{label} {describe_context_event(event)}")
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
    store: Store | None = None,
    context: dict[str, Any] | None = None,
) -> str:
    """Handle one user message in at most `max_steps` model calls; return what the agent sent the user.

    With a `store`, the step is saved there at its end, in one transaction: all of it or nothing.
    `context` holds more arguments the loop fills in by name, as it fills `agent` and `embed`: a tool
    with an argument `team` gets `context["team"]` (helpers.multi_agent); the model never sees them.
    """
    if max_steps < 1:
        raise ValueError(f"max_steps must be at least 1, not {max_steps}.")
    if store is not None:
        functions = store.tools_for(agent, functions)  # checks the agent is in the store; may search there
    functions = functions or MEMGPT_FUNCTIONS
    # Each model: the argument, else the agent's setting, else the backend's default (.env read once per step).
    backend = backend_name()
    model = model or agent.get("model") or model_for(backend)
    embedding_model = embedding_model or agent.get("embedding_model") or embedding_model_for(backend)
    skip = (*CONTEXT_ARGUMENTS, *(context or {}))  # the arguments the loop fills in
    schemas = [function_tool(fn, skip=skip) for fn in functions]  # to check what the tools get
    tools = [with_heartbeat(schema) for schema in schemas]  # what the model sees

    def embed(texts: list[str]) -> np.ndarray:
        return embed_texts(client, texts, model=embedding_model)

    def report(event: Event) -> None:
        if on_event:
            on_event(event)

    bound = bind_tools(agent, embed, functions, context)
    from helpers.context import TurnTooLarge, call_within_window, check_window, fit_window  # built on this module

    check_window(agent, tools)  # a clear error now, not a refused request later
    remember(agent, {"role": "user", "content": user_message}, now)
    sent: list[str] = []
    for call in range(1, max_steps + 1):
        # The request: system message, summary note, messages. Past 75% of the window it gets a warning;
        # over the window, old turns are evicted and summarized first (see helpers.context).
        moment = now()
        try:
            response = call_within_window(client, agent, tools, model=model, moment=moment, call=call, report=report)
        except TurnTooLarge as error:  # nothing was sent; the next turn makes room for itself
            report({"type": "stopped", "call": call, "content": f"({error})"})
            break
        message = reply_message(response)
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
    fit_window(client, agent, tools, model=model, moment=moment, call=call, report=report)  # left within its window
    if store is not None:
        store.save(agent)
    return "\n".join(sent)
