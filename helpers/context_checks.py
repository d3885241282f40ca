"""Checkers for the exercises of notebook 08 (the context window): run the learner's function, print feedback."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from helpers.checkers import _short, run_checks, watch
from helpers.context import MEMORY_PRESSURE_WARNING, evictable
from helpers.tokens import count_message

HEARTBEAT = json.dumps({"type": "heartbeat", "reason": "[This is an automated system message hidden from the user] "
                        "Function called using request_heartbeat=true, returning control", "time": "2026-03-02 09:00:00 AM UTC+0000"})


def _turn(user: str, *calls: tuple[str, dict[str, Any], str], warned: bool = False) -> list[dict[str, Any]]:
    """One turn: the user's message (and the loop's warning), each tool call with its result, heartbeats between."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": user}]
    if warned:
        messages.append({"role": "system", "content": MEMORY_PRESSURE_WARNING})
    for n, (name, arguments, result) in enumerate(calls):
        if n:
            messages.append({"role": "user", "content": HEARTBEAT})
        call_id = f"call_{len(user)}_{n}"
        call = {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}
        messages.append({"role": "assistant", "content": "Thinking it over.", "tool_calls": [call]})
        messages.append({"role": "tool", "tool_call_id": call_id, "content": result})
    return messages


def sample_context() -> list[dict[str, Any]]:
    """Five turns; the second is long (a save, a search, a reply) and the fourth got the warning."""
    sent = "Message sent to the user."
    return [
        *_turn("I'm planning a trip to Lisbon in May", ("send_message", {"message": "How lovely!"}, sent)),
        *_turn("My name is Charles and I live in Leeds",
               ("core_memory_append", {"label": "human", "content": "The human's name is Charles"}, "Block 'human' now holds 27/420 characters."),
               ("archival_memory_search", {"query": "Leeds"}, "No passages in archival memory match that search."),
               ("send_message", {"message": "Nice to meet you, Charles!"}, sent)),
        *_turn("Hello!", ("send_message", {"message": "Hello, Charles!"}, sent)),
        *_turn("Remember that my locker code is 4821",
               ("archival_memory_insert", {"content": "The human's locker code is 4821"}, "Saved as passage 0."),
               ("send_message", {"message": "Saved."}, sent), warned=True),
        *_turn("What did I tell you about my trip?", ("conversation_search", {"query": "trip"}, "Recall memory: 1 match")),
    ]


def _cost(messages: list[dict[str, Any]]) -> int:
    """What messages cost in a request, by helpers.tokens.count_message."""
    return sum(count_message(message) for message in messages)


def check_split_context(fn: Callable[[list[dict[str, Any]], int], Any]) -> bool:
    """Check `split_context(messages, budget)`: (evicted, kept), oldest whole turns out until the rest fits."""
    fn, returned = watch(fn)
    messages = sample_context()
    turns = [i for i, m in enumerate(messages) if m["role"] == "user" and m["content"] != HEARTBEAT]
    last_two = _cost(messages[turns[3]:])

    def case(budget: int, label: str) -> Callable[[], str | None]:
        def run() -> str | None:
            given = sample_context()
            got = fn(given, budget)
            if not (isinstance(got, tuple) and len(got) == 2 and all(isinstance(part, list) for part in got)):
                return f"split_context should return two lists, (evicted, kept), got {_short(got)}"
            evicted, kept = got
            cut = evictable(messages, budget)
            where = f"{label} (budget {budget} tokens; the {len(messages)} messages cost {_cost(messages)})"
            if evicted + kept != messages:
                return f"{where}: evicted + kept should be the messages as given, in order (the oldest ones first)"
            if kept and kept[0]["role"] != "user":
                why = ": the API refuses a tool result without its call" if kept[0]["role"] == "tool" else ""
                return (f"{where}: kept starts with a {kept[0]['role']!r} message, so a turn was cut in two{why}. "
                        "Evict whole turns, each from one of the user's messages to the next")
            if kept and kept[0]["content"] == HEARTBEAT:
                return (f"{where}: kept starts with a heartbeat event: the loop wrote it in the middle of a turn, "
                        "so it starts none. Only the user's own messages start a turn")
            if len(evicted) > cut:
                if len(kept) < len(messages) - turns[-1]:
                    return f"{where}: the turn in progress (from the last user message) must never be evicted"
                return f"{where}: {len(evicted)} messages evicted, but evicting {cut} leaves a context that fits: evict no more than needed"
            if len(evicted) < cut:
                return f"{where}: kept costs {_cost(kept)} tokens, over the budget: evict older whole turns until it fits"
            if given != messages:
                return "split_context should not change the list it is given"
            return None

        return run

    cases = [case(10_000, "everything fits"), case(last_two, "only the last two turns fit"),
             case(last_two - 1, "only the turn in progress fits"), case(20, "even the turn in progress is over")]
    return run_checks("split_context", cases, returned=returned, returns="the tuple (evicted, kept)")


def check_pressure(fn: Callable[[int, int, list[dict[str, Any]]], Any]) -> bool:
    """Check `pressure(tokens, window, messages)`: "flush", "warn" or "ok", one warning per episode."""
    fn, returned = watch(fn)
    quiet = sample_context()[:10]
    warned = sample_context()  # holds the warning of this episode
    cases_table = [
        (500, 1500, quiet, "ok", "a third of the window, no warning yet"),
        (1200, 1500, quiet, "warn", "80% of the window and no warning in the context"),
        (1125, 1500, quiet, "warn", "exactly 75% of the window"),
        (1124, 1500, quiet, "ok", "just under 75%"),
        (1200, 1500, warned, "ok", "80%, but the context already holds this episode's warning"),
        (1501, 1500, warned, "flush", "over the window"),
        (1501, 1500, quiet, "flush", "over the window, even with no warning yet"),
        (1500, 1500, warned, "ok", "exactly the window, warned already (it still fits)"),
    ]

    def case(tokens: int, window: int, messages: list[dict[str, Any]], want: str, label: str) -> Callable[[], str | None]:
        def run() -> str | None:
            given = copy.deepcopy(messages)
            got = fn(tokens, window, given)
            if got != want:
                return f"{label} ({tokens} of {window} tokens): expected {want!r}, got {_short(got)}"
            if given != messages:
                return "pressure should not change the messages it is given"
            return None

        return run

    return run_checks("pressure", [case(*row) for row in cases_table], returned=returned,
                      returns='"flush", "warn" or "ok"')
