"""The context window in tokens: what each part costs, memory pressure, and the flush with its summary.

This is MemGPT's "virtual context management" (the paper; Letta does it every day), in four parts:

- **What the model sees** (`compile_context`): the system message (instructions, memory metadata, core
  memory), then, once messages have left the context, a system note with the summary of them
  ("Note: prior messages (N of M total messages) have been hidden ..."), then the messages themselves.
  `context_breakdown` says what each part costs in tokens.
- **Counting** (`helpers.tokens`): before each call the loop counts the request it is about to send.
  The server's `usage.prompt_tokens` is the truth; `agent["token_ratio"]` (server tokens per counted
  token, from the last response) turns our count into an estimate for a model with another tokenizer.
- **Memory pressure**: a request past WARNING_FRACTION of the window gets one system alert, starting
  "Warning:", so that the agent saves what matters before it leaves the context. One per episode: an
  episode ends when a flush brings the context back under the threshold.
- **Flush**: a request over the window (or one the server refuses as too long: then flush and retry
  once) first makes room. The oldest whole turns leave the context for recall memory (a tool call
  stays with its result) until summary and messages fill at most FLUSH_TARGET of the room the fixed
  part leaves, and the model folds them into a recursive summary:
  new summary = summarize(previous summary + evicted messages), at most `summary_limit` tokens.

Core memory counts against the window too, so block limits default to a share of it (`block_limit`),
and `check_window` refuses, with one clear error, a window too small for the fixed part.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import openai
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion

from helpers.agent import Event, complete, tool_call_parts
from helpers.errors import AgentAPIError
from helpers.memgpt import (
    Agent,
    build_memgpt_system_prompt,
    is_loop_message,
    memgpt_tools,
    memory_sections,
    remember,
)
from helpers.memory import SECTION_LIMIT
from helpers.tokens import REPLY_PRIMING, count_message, count_request, count_tokens, count_tools

WARNING_FRACTION = 0.75  # Letta's MESSAGE_SUMMARY_WARNING_FRAC
FLUSH_TARGET = 0.5  # after a flush, summary + messages fill at most half the room the fixed part leaves
FIXED_SHARE_MAX = 0.8  # instructions, tools, full core memory and a full summary: at most this share
BLOCK_SHARE = 0.07  # a core memory block's default limit: 7% of the window (at most SECTION_LIMIT characters)
CHARS_PER_TOKEN = 4  # English text runs at about 4 characters a token: for limits set in characters
SUMMARY_SHARE, SUMMARY_MAX = 0.1, 400  # the summary: at most 10% of the window, and 400 tokens
SHORT_RESULT = 40  # tokens left of a result already read, when the turn in progress alone overflows

MEMORY_PRESSURE_WARNING = (
    "Warning: the conversation history will soon reach its maximum length and be trimmed. Make sure to "
    "save any important information from the conversation to your memory before it is removed."
)
SUMMARY_NOTE = (
    "Note: prior messages ({hidden} of {total} total messages) have been hidden from view due to "
    "conversation memory constraints."
)
SUMMARY_FOLLOWS = "The following is a summary of the previous messages:"
NO_SUMMARY = "They are in recall memory: search them with conversation_search."
SHORTENED = " ... (shortened to fit the context window)"
SUMMARIZER_PROMPT = (
    "Summarize the conversation below between an AI assistant and a human: these messages are leaving "
    "the assistant's context window. Write at most {words} words, in the first person as the assistant. "
    "Keep facts about the human, names, dates and plans, and what was done. Fold the previous summary, "
    "if there is one, into yours. Answer with the summary only."
)
# Counted with a time of the usual shape when no time is given: every such time costs the same tokens.
SAMPLE_MOMENT = datetime(2000, 1, 1, tzinfo=timezone.utc)

Report = Callable[[Event], None]


class ContextWindowError(ValueError):
    """The context window cannot hold what it must; the message says what takes the room and what to change."""


class TurnTooLarge(ContextWindowError):
    """The turn in progress cannot fit the window even with every older turn evicted: its request is not sent."""


# ---------------------------------------------------------------------------------------------
# Sizes: block limits, the summary's limit, the window check.
# ---------------------------------------------------------------------------------------------


def block_limit(window: int) -> int:
    """The default limit of a core memory block, in characters, for a window of `window` tokens."""
    return max(0, min(SECTION_LIMIT, int(window * BLOCK_SHARE * CHARS_PER_TOKEN)))


def summary_limit(window: int) -> int:
    """How many tokens the summary may take in a window of `window` tokens."""
    return min(SUMMARY_MAX, int(window * SUMMARY_SHARE))


def token_ratio(agent: Agent) -> float:
    """Server tokens per token we count, from the last response (1.0 until one says otherwise)."""
    ratio = agent.get("token_ratio", 1.0)
    return ratio if isinstance(ratio, (int, float)) and ratio > 0 else 1.0


def estimate(agent: Agent, tokens: int) -> int:
    """What `tokens` of our count will cost on the agent's server (our count times `token_ratio`)."""
    return math.ceil(tokens * token_ratio(agent))


def _tools(tools: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The tool schemas given, or the agent's default ones."""
    return memgpt_tools() if tools is None else tools


def fixed_tokens(agent: Agent, tools: list[dict[str, Any]] | None = None, moment: datetime | None = None) -> int:
    """What every request costs before any summary or message: system message, tools, reply start."""
    system = {"role": "system", "content": build_memgpt_system_prompt(agent, moment or SAMPLE_MOMENT)}
    return count_request([system], _tools(tools))


def full_memory_tokens(agent: Agent, tools: list[dict[str, Any]] | None = None) -> int:
    """The fixed part with every editable core memory block filled to its limit (at CHARS_PER_TOKEN)."""
    growth = sum(max(0, block["limit"] - len(block["value"])) for block in agent["blocks"].values()
                 if not block.get("read_only"))
    return fixed_tokens(agent, tools) + math.ceil(growth / CHARS_PER_TOKEN)


def summary_cost(window: int) -> int:
    """What the summary note costs at most: its fixed words and a summary at its limit."""
    note = {"role": "system", "content": f"{SUMMARY_NOTE.format(hidden=9999, total=99999)}\n{SUMMARY_FOLLOWS}\n"}
    return count_message(note) + summary_limit(window)


def not_a_size(window: Any) -> str | None:
    """What is wrong with a context_window that is not a positive whole number (None if it is one)."""
    if isinstance(window, bool) or not isinstance(window, int) or window <= 0:
        return f"context_window must be a whole number of tokens, e.g. 8192, not {window!r}."
    return None


def window_problem(agent: Agent, tools: list[dict[str, Any]] | None = None) -> str | None:
    """Why the agent's window cannot hold its fixed part, a full summary and room for messages (None if it can)."""
    window = agent["context_window"]
    if not_a_size(window):
        return not_a_size(window)
    fixed, summary = full_memory_tokens(agent, tools), summary_cost(window)
    if estimate(agent, fixed + summary) <= FIXED_SHARE_MAX * window:
        return None
    return (
        f"A context window of {window:,} tokens is too small for this agent: its instructions, tools and core "
        f"memory (blocks full) take about {fixed:,} tokens and the summary up to {summary:,}, and together they "
        f"may fill at most {FIXED_SHARE_MAX:.0%} of the window (the rest is for messages)."
    )


def check_window(agent: Agent, tools: list[dict[str, Any]] | None = None) -> None:
    """Raise a ContextWindowError if the window cannot hold the fixed part, a full summary and some messages."""
    problem = window_problem(agent, tools)
    if problem:
        raise ContextWindowError(
            f"{problem} Give the agent a larger context_window, or smaller block limits (the 'limit' of "
            "each agent['blocks'][label]), or shorter instructions."
        )


def smallest_window(fits: Callable[[int], bool], start: int) -> int:
    """The smallest window, in steps of 100 tokens above `start`, for which `fits(window)` holds."""
    window = max(100, math.ceil(start / 100) * 100)
    while not fits(window) and window < 10_000_000:
        window += 100
    return window


# ---------------------------------------------------------------------------------------------
# What the model sees, and what each part costs.
# ---------------------------------------------------------------------------------------------


def hidden_messages(agent: Agent) -> int:
    """How many messages of the conversation are in recall memory but no longer in the context."""
    return max(len(agent["recall"]) - len(agent["messages"]), 0)


def summary_note(agent: Agent, *, with_summary: bool = True) -> dict[str, Any] | None:
    """The system note first among the messages once some have left the context: counts and summary."""
    hidden = hidden_messages(agent)
    if not hidden and not agent["summary"]:
        return None
    note = SUMMARY_NOTE.format(hidden=hidden, total=len(agent["recall"]))
    rest = f"{SUMMARY_FOLLOWS}\n{agent['summary']}" if agent["summary"] and with_summary else NO_SUMMARY
    return {"role": "system", "content": f"{note}\n{rest}"}


def compile_context(agent: Agent, moment: datetime | None = None, *, with_summary: bool = True) -> list[dict[str, Any]]:
    """The messages of the next request: the system message, the summary note if any, the context window.

    `with_summary=False` leaves the summary's text out of the note (for a turn too large to fit with it).
    """
    note = summary_note(agent, with_summary=with_summary)
    system = {"role": "system", "content": build_memgpt_system_prompt(agent, moment)}
    return [system, *([note] if note else []), *agent["messages"]]


def context_breakdown(
    agent: Agent, tools: list[dict[str, Any]] | None = None, moment: datetime | None = None
) -> dict[str, int]:
    """Tokens per part of the next request (they add up to all of it), and the window.

    `tools`: the schemas the agent is offered (default: `memgpt_tools()`). `moment`: the time the
    metadata shows (default: a sample time, which costs what any time costs).
    """
    moment = moment or SAMPLE_MOMENT
    sections = {name: count_tokens(text) for name, text in memory_sections(agent, moment).items()}
    system = count_message({"role": "system", "content": build_memgpt_system_prompt(agent, moment)})
    note = summary_note(agent)
    return {
        "instructions": system - sum(sections.values()),  # with the line saying memory is data
        **sections,
        "tools": count_tools(_tools(tools)),
        "summary": count_message(note) if note else 0,
        "messages": REPLY_PRIMING + sum(count_message(message) for message in agent["messages"]),
        "window": agent["context_window"],
    }


def context_tokens(agent: Agent, tools: list[dict[str, Any]] | None = None, moment: datetime | None = None) -> int:
    """What the next request costs in all: the sum of the breakdown's parts."""
    return sum(tokens for name, tokens in context_breakdown(agent, tools, moment).items() if name != "window")


# ---------------------------------------------------------------------------------------------
# Eviction: whole turns, oldest first.
# ---------------------------------------------------------------------------------------------


def turn_starts(messages: list[dict[str, Any]]) -> list[int]:
    """Where each turn starts: the index of every message from the user (not from the loop)."""
    return [i for i, message in enumerate(messages) if message.get("role") == "user" and not is_loop_message(message)]


def evictable(messages: list[dict[str, Any]], budget: float) -> int:
    """How many of the oldest messages to evict, whole turns at a time, so that the rest costs at most `budget`.

    Never the current turn (from the latest user message on): it is what the model is answering.
    A turn keeps its tool calls with their results and its heartbeat events with the calls that asked.
    """
    costs = [count_message(message) for message in messages]
    left, cut = sum(costs), 0
    for start in turn_starts(messages):
        if left <= budget:
            break
        if start > cut:
            left -= sum(costs[cut:start])
            cut = start
    return cut


def pairs_intact(messages: list[dict[str, Any]]) -> bool:
    """Whether every tool result follows its call and every call has its result, as the API demands."""
    pending: set[str] = set()
    for message in messages:
        if message.get("role") == "tool":
            if message.get("tool_call_id") not in pending:
                return False
            pending.discard(message["tool_call_id"])
        elif pending:
            return False
        pending.update(str(call.get("id")) for call in message.get("tool_calls") or [] if isinstance(call, dict))
    return not pending


def is_memory_warning(message: dict[str, Any]) -> bool:
    """Whether a message is the loop's memory-pressure warning."""
    content = message.get("content")
    return message.get("role") == "system" and isinstance(content, str) and content.startswith(MEMORY_PRESSURE_WARNING[:40])


# ---------------------------------------------------------------------------------------------
# The recursive summary.
# ---------------------------------------------------------------------------------------------


def _arguments_text(raw: Any) -> dict[str, Any] | str:
    """A tool call's arguments without request_heartbeat, as a dict (or the raw text if not JSON)."""
    try:
        arguments = json.loads(raw or "{}")
    except (TypeError, ValueError, RecursionError):
        return str(raw)
    if isinstance(arguments, dict):
        arguments.pop("request_heartbeat", None)
    return arguments


def transcript(messages: list[dict[str, Any]]) -> list[str]:
    """The messages as lines for a summarizer: what the user said, what the agent thought, did and said.

    The loop's own messages (heartbeat events, warnings) are left out, and so is "Message sent".
    """
    lines, sent_ids = [], set()
    for message in messages:
        role, content = message.get("role"), message.get("content")
        text = content if isinstance(content, str) else json.dumps(content) if content else ""
        if is_loop_message(message):
            continue
        if role == "assistant":
            if text.strip():
                lines.append(f"assistant (thinking): {text.strip()}")
            for call in message.get("tool_calls") or []:
                call_id, name, raw = tool_call_parts(call)
                arguments = _arguments_text(raw)
                if name == "send_message" and isinstance(arguments, dict) and isinstance(arguments.get("message"), str):
                    lines.append(f"assistant: {arguments['message']}")
                    sent_ids.add(call_id)
                else:
                    lines.append(f"assistant called {name}({json.dumps(arguments)})")
        elif role == "tool":
            if message.get("tool_call_id") not in sent_ids:
                lines.append(f"tool result: {text}")
        elif text:
            lines.append(f"{role}: {text}")
    return lines


def clip_tokens(text: str, limit: int) -> str:
    """`text` cut at a word so that it costs at most `limit` tokens ("..." marks a cut)."""
    if count_tokens(text) <= limit:
        return text
    words = text.split()
    low, high = 0, len(words)  # the longest prefix of words that fits, found by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if count_tokens(" ".join(words[:middle]) + " ...") <= limit:
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low]) + " ..." if low else ""


def summary_request(previous: str, lines: list[str], words: int) -> list[dict[str, Any]]:
    """The messages asking a model to fold `lines` into the previous summary, in at most `words` words."""
    given = f"Previous summary:\n{previous}\n\n" if previous else ""
    return [
        {"role": "system", "content": SUMMARIZER_PROMPT.format(words=words)},
        {"role": "user", "content": f"{given}Messages:\n" + "\n".join(lines)},
    ]


def _chunks(lines: list[str], budget: int) -> list[list[str]]:
    """The lines in consecutive chunks of at most `budget` tokens each (a longer line is clipped to fit)."""
    chunks: list[list[str]] = [[]]
    used = 0
    for line in lines:
        line = clip_tokens(line, budget)
        cost = count_tokens(line) + 1
        if chunks[-1] and used + cost > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(line)
        used += cost
    return [chunk for chunk in chunks if chunk]


def summarize(
    client: openai.OpenAI, agent: Agent, evicted: list[dict[str, Any]], *, model: str
) -> str:
    """The new summary: the previous one and the evicted messages, folded by the model into `summary_limit` tokens.

    One request per chunk that fits the window (with room for the answer), each folding its chunk into
    the summary so far. A model that writes too much is cut to the limit; one that writes nothing
    leaves the summary as it was (the messages are in recall memory either way).
    """
    window = agent["context_window"]
    limit = summary_limit(window)
    words = limit * 3 // 4  # about 1.3 tokens a word
    empty = count_request(summary_request("", [], words))
    budget = int(window / token_ratio(agent)) - limit - empty - limit  # the answer, and the summary given
    summary = agent["summary"]
    for chunk in _chunks(transcript(evicted), max(budget, 1)):
        request = summary_request(summary, chunk, words)
        response = complete(client, model=model, messages=request)
        calibrate(agent, count_request(request), response.usage)
        answer = response.choices[0].message.content if response.choices else None
        if answer and answer.strip():
            summary = clip_tokens(answer.strip(), limit)
    return summary


# ---------------------------------------------------------------------------------------------
# The flush, the warning, and one model call within the window.
# ---------------------------------------------------------------------------------------------


def calibrate(agent: Agent, counted: int, usage: CompletionUsage | None) -> None:
    """Learn the server's tokens per counted token from a response's `usage` (kept if it has none)."""
    if usage is not None and usage.prompt_tokens and counted:
        agent["token_ratio"] = usage.prompt_tokens / counted


def flush(
    client: openai.OpenAI, agent: Agent, tools: list[dict[str, Any]], *, model: str, moment: datetime,
    call: int = 1, report: Report | None = None, everything: bool = False,
) -> int:
    """Make room: evict the oldest whole turns to recall memory and fold them into the summary.

    Evicts until summary and messages fill at most FLUSH_TARGET of the room the fixed part leaves, or,
    with `everything`, every turn but the current one. Returns how many messages left the context.
    If the summary request fails, nothing has changed.
    """
    messages = agent["messages"]
    window = agent["context_window"]
    before = count_request(compile_context(agent, moment), tools)
    room = window / token_ratio(agent) - fixed_tokens(agent, tools, moment)
    budget = FLUSH_TARGET * room - summary_cost(window)
    starts = turn_starts(messages)
    cut = (starts[-1] if starts else 0) if everything else evictable(messages, budget)
    if cut == 0:
        return 0
    summary = summarize(client, agent, messages[:cut], model=model)
    del messages[:cut]
    agent["summary"] = summary
    after = count_request(compile_context(agent, moment), tools)
    if estimate(agent, after) < WARNING_FRACTION * window:  # the episode of memory pressure is over
        messages[:] = [message for message in messages if not is_memory_warning(message)]
        after = count_request(compile_context(agent, moment), tools)
    if report:
        report({"type": "summary", "call": call, "content": summary, "evicted": cut,
                "hidden": hidden_messages(agent), "total": len(agent["recall"]), "tokens": [before, after]})
    return cut


def fit_window(
    client: openai.OpenAI, agent: Agent, tools: list[dict[str, Any]], *, model: str, moment: datetime,
    call: int = 1, report: Report | None = None,
) -> int:
    """Leave the context within its window between steps: flush if the next request would be over it."""
    if estimate(agent, count_request(compile_context(agent, moment), tools)) <= agent["context_window"]:
        return 0
    return flush(client, agent, tools, model=model, moment=moment, call=call, report=report)


def shorten_results(agent: Agent) -> int:
    """Shorten the results the model has already read in the turn in progress; return how many were shortened.

    For a turn too large for the window on its own (several searches, say). Each result keeps SHORT_RESULT
    tokens and stays with its call; recall memory keeps it whole (the context gets a shortened copy).
    """
    messages = agent["messages"]
    starts = turn_starts(messages)
    last_call = max((i for i, m in enumerate(messages) if m.get("role") == "assistant"), default=-1)
    shortened = 0
    for i in range(starts[-1] if starts else 0, last_call):
        content = messages[i].get("content")
        if messages[i].get("role") == "tool" and isinstance(content, str) and count_tokens(content) > SHORT_RESULT:
            messages[i] = {**messages[i], "content": clip_tokens(content, SHORT_RESULT) + SHORTENED}
            shortened += 1
    return shortened


def _too_big(agent: Agent, tools: list[dict[str, Any]], moment: datetime, tokens: int) -> TurnTooLarge:
    """The error for a request that does not fit even with every older turn evicted."""
    fixed = fixed_tokens(agent, tools, moment)
    return TurnTooLarge(
        f"This request needs about {estimate(agent, tokens):,} tokens, more than the context window of "
        f"{agent['context_window']:,}, even with every earlier turn evicted: the fixed part (instructions, "
        f"tools, core memory) takes {fixed:,} and this turn's messages the rest. The request was not sent; "
        "what is saved stays saved. Send a shorter message, or give the agent a larger context_window."
    )


def prepare_request(
    client: openai.OpenAI, agent: Agent, tools: list[dict[str, Any]], *, model: str, moment: datetime,
    call: int = 1, report: Report | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The next request's messages and their token count: flushed if over the window, warned if past the threshold.

    Over the window: the oldest turns are flushed; if the turn in progress alone is still too large, the
    results it has already read are shortened, then the summary's text is left out of this request. If
    even that is over, a TurnTooLarge error: the request is not sent.
    """
    window = agent["context_window"]
    request = compile_context(agent, moment)
    tokens = count_request(request, tools)
    with_summary = True
    for make_room in ("flush", "shorten", "no summary"):
        if estimate(agent, tokens) <= window:
            break
        if make_room == "flush":
            flush(client, agent, tools, model=model, moment=moment, call=call, report=report)
        elif make_room == "shorten":
            shorten_results(agent)
        else:
            with_summary = False
        request = compile_context(agent, moment, with_summary=with_summary)
        tokens = count_request(request, tools)
    if estimate(agent, tokens) > window:
        raise _too_big(agent, tools, moment, tokens)
    warning = {"role": "system", "content": MEMORY_PRESSURE_WARNING}
    pressed = estimate(agent, tokens) >= WARNING_FRACTION * window
    if pressed and not any(map(is_memory_warning, agent["messages"])) and \
            estimate(agent, tokens + count_message(warning)) <= window:
        remember(agent, warning, lambda: moment)
        if report:
            report({"type": "warning", "call": call, "content": MEMORY_PRESSURE_WARNING,
                    "tokens": estimate(agent, tokens), "window": window})
        request = compile_context(agent, moment, with_summary=with_summary)
        tokens = count_request(request, tools)
    return request, tokens


def is_context_overflow(error: BaseException) -> bool:
    """Whether an API error says the request was too long for the model's context window."""
    cause = error.__cause__ if isinstance(error, AgentAPIError) else error
    if not isinstance(cause, openai.APIStatusError) or cause.status_code not in (400, 413):
        return False
    body = cause.body if isinstance(cause.body, dict) else {}
    message = str(body.get("message") or cause.message).lower()
    return cause.code == "context_length_exceeded" or "maximum context length" in message or "context window" in message


def call_within_window(
    client: openai.OpenAI, agent: Agent, tools: list[dict[str, Any]], *, model: str, moment: datetime,
    call: int = 1, report: Report | None = None,
) -> ChatCompletion:
    """One model call that fits the window: warn or flush first; if the server still says too long, flush and retry once."""
    request, tokens = prepare_request(client, agent, tools, model=model, moment=moment, call=call, report=report)
    try:
        response = complete(client, model=model, messages=request, tools=tools)
    except AgentAPIError as error:
        if not is_context_overflow(error):
            raise
        if not flush(client, agent, tools, model=model, moment=moment, call=call, report=report, everything=True):
            raise _too_big(agent, tools, moment, tokens) from error
        request = compile_context(agent, moment)
        tokens = count_request(request, tools)
        try:
            response = complete(client, model=model, messages=request, tools=tools)
        except AgentAPIError as again:
            if not is_context_overflow(again):
                raise
            raise ContextWindowError(
                f"The server still says the request is too long after older messages were evicted: the model's "
                f"own window is smaller than this agent's context_window ({agent['context_window']:,} tokens). "
                "Set the agent's context_window to the model's window (see your server's settings)."
            ) from again
    calibrate(agent, tokens, response.usage)
    return response
