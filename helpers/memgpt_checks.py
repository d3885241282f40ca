"""Checkers for the exercises of notebooks 05-07: run the learner's function, print friendly feedback."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from helpers.checkers import _short, run_checks, uses_global, watch
from helpers.memgpt import new_agent
from helpers.recall import new_recall, recall_add, ticking_clock
from helpers.tool_schema import function_tool

# ----- 05: the MemGPT agent ------------------------------------------------------------------


def check_core_memory_rewrite(fn: Callable[..., Any]) -> bool:
    """Check `core_memory_rewrite(agent, label, new_value)`: its generated schema, and what it does."""
    learner, (fn, returned) = fn, watch(fn)

    def schema() -> str | None:
        parameters = function_tool(learner, skip=("agent",))["function"]["parameters"]
        properties = parameters["properties"]
        if set(properties) != {"label", "new_value"}:
            return f"the tool's arguments should be label and new_value (agent is left out), got {sorted(properties)}"
        if sorted(properties["label"].get("enum", [])) != ["human", "persona"]:
            return "annotate label as Literal['persona', 'human'] so the schema lists the two blocks as an enum"
        if not all(properties[name].get("description") for name in properties):
            return "describe both arguments in an 'Args:' section of the docstring, one line each"
        return None

    def rewrites() -> str | None:
        agent = new_agent(human="The human's name is Sarah\nThe human likes tea")
        result = fn(agent, "human", "The human's name is Charles")
        if agent["blocks"]["human"]["value"] != "The human's name is Charles":
            problem = f"the human block should hold exactly the new value, got {agent['blocks']['human']['value']!r}"
            return uses_global(learner, "agent", problem)
        if not isinstance(result, str) or not result:
            return f"return a short sentence saying what was done, got {_short(result)}"
        return None

    def respects_the_limit() -> str | None:
        agent = new_agent(human="short", limit=20)
        try:
            result = fn(agent, "human", "x" * 21)
        except ValueError:
            result = "Error"
        if agent["blocks"]["human"]["value"] != "short":
            return "a value over the block's limit must change nothing"
        if not (isinstance(result, str) and result.startswith("Error")):
            return f"over the limit, raise ValueError or return 'Error: ...', got {_short(result)}"
        return None

    return run_checks("core_memory_rewrite", [schema, rewrites, respects_the_limit],
                      returned=returned, returns="a short sentence saying what was rewritten")


ToolCalls = list[tuple[str, dict[str, Any], str]]

# (what the case is, the tool calls of one model message as (name, arguments, result), the answer)
STEP_CASES: list[tuple[str, ToolCalls, bool]] = [
    ("send_message without a heartbeat", [("send_message", {"message": "Hi", "request_heartbeat": False}, "Sent.")], False),
    ("send_message with a heartbeat", [("send_message", {"message": "Hi", "request_heartbeat": True}, "Sent.")], True),
    ("a memory edit asking for a heartbeat", [("core_memory_append", {"request_heartbeat": True}, "Done.")], True),
    ("a memory edit without one", [("core_memory_append", {"request_heartbeat": False}, "Done.")], False),
    ("a failed tool, no heartbeat asked", [("core_memory_replace", {"request_heartbeat": False}, "Error: not found")], True),
    ("two calls, one asking for a heartbeat",
     [("core_memory_append", {"request_heartbeat": True}, "Done."), ("send_message", {"request_heartbeat": False}, "Sent.")], True),
    ("no tool call at all (inner monologue only)", [], False),
    ("a call with no request_heartbeat at all (missing means false; the tool still ran)",
     [("core_memory_append", {"label": "human", "content": "Likes tea"}, "Done.")], False),
    ("a heartbeat given as the string 'true' (Letta reads it as true)",
     [("core_memory_append", {"request_heartbeat": "true"}, "Done.")], True),
    ("the string ' True ' (any case, spaces around it: still true)",
     [("core_memory_append", {"request_heartbeat": " True "}, "Done.")], True),
    ("the string 'false' (a non-empty string, yet false)", [("core_memory_append", {"request_heartbeat": "false"}, "Done.")], False),
    ("the number 1 (not a boolean, so false, as in Letta)", [("core_memory_append", {"request_heartbeat": 1}, "Done.")], False),
]


def check_step_continues(fn: Callable[[ToolCalls], bool]) -> bool:
    """Check `step_continues(calls)`: whether the agent gets another model call after these tool calls."""
    fn, returned = watch(fn)

    def case(label: str, calls: ToolCalls, expected: bool) -> Callable[[], str | None]:
        def run() -> str | None:
            try:
                got = fn(calls)
            except KeyError as error:
                return f"{label}: step_continues raised KeyError {error}; read arguments with .get(), since a call may leave it out"
            return None if got is expected else f"{label}: should give {expected}, got {_short(got)}"

        return run

    return run_checks("step_continues", [case(*item) for item in STEP_CASES],
                      returned=returned, returns="True or False")


# ----- 06: archival memory -------------------------------------------------------------------


def _scores(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    """The rows' cosine similarities to `query`, in float64."""
    rows = np.asarray(matrix, dtype=np.float64)
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)) @ (query / np.linalg.norm(query))


def _ranking(scores: np.ndarray) -> list[int]:
    """Every row index, most similar first; equal similarities in row order."""
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))


def _indices(got: Any, name: str) -> list[int]:
    """The learner's result as a list of ints, or a ValueError saying what came back instead."""
    try:
        return [int(i) for i in got]
    except (TypeError, ValueError):
        raise ValueError(f"{name} should return a list of row indices, got {_short(got)}") from None


def _order_problem(got: list[int], want: list[int], scores: np.ndarray, label: str) -> str:
    """Say how `got` differs from the right ranking `want`: wrong rows, not best first, or ties out of order."""
    got_scores, want_scores = [scores[i] for i in got], [scores[i] for i in want]
    same_scores = len(got) == len(want) and np.allclose(sorted(got_scores), sorted(want_scores), atol=1e-6)
    if not same_scores:
        return f"{label}: expected rows {want}, got {got}"
    if any(a < b - 1e-6 for a, b in zip(got_scores, got_scores[1:])):
        return f"{label}: the right rows, but not best first. Sort them by similarity, highest first: expected {want}, got {got}"
    return (f"{label}: rows with equal similarity should come in row order (lower index first), so that every "
            f"search ranks them the same way: expected {want}, got {got}")


def check_top_k(fn: Callable[[np.ndarray, np.ndarray, int], Any]) -> bool:
    """Check `top_k(matrix, query, k)`: the indices of the k rows most cosine-similar to query, best first."""
    fn, returned = watch(fn)
    rng = np.random.default_rng(6)

    def on(matrix: np.ndarray, query: np.ndarray, k: int, label: str) -> str | None:
        scores = _scores(matrix, query)
        want = _ranking(scores)[:k]
        got = _indices(fn(matrix, query, k), "top_k")
        return None if got == want else _order_problem(got, want, scores, label)

    def small() -> str | None:
        matrix = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32)
        return on(matrix, np.array([1, 0.2], dtype=np.float32), 2, "three 2-d rows, k=2")

    def best_last() -> str | None:
        matrix = np.array([[1, 8 - i] for i in range(8)], dtype=np.float32)  # row 7 is the most similar
        return on(matrix, np.array([1, 0], dtype=np.float32), 3, "eight rows, the best ones last, k=3")

    def unnormalized() -> str | None:
        matrix = np.array([[10, 0], [0.6, 0.8], [0, 5]], dtype=np.float32)
        return on(matrix, np.array([0.6, 0.8], dtype=np.float32), 3,
                  "rows of different lengths (cosine, not dot product: normalize first)")

    def random() -> str | None:
        matrix = rng.normal(size=(500, 16)).astype(np.float32)
        return on(matrix, rng.normal(size=16).astype(np.float32), 5, "500 random rows, k=5")

    def k_too_big() -> str | None:
        matrix = rng.normal(size=(3, 4)).astype(np.float32)
        return on(matrix, rng.normal(size=4).astype(np.float32), 10, "k larger than the number of rows")

    return run_checks("top_k", [small, best_last, unnormalized, random, k_too_big], returned=returned, returns="the list of row indices")


def _tied_rows() -> tuple[np.ndarray, np.ndarray]:
    """24 rows against the query [1, 0, 0]: two exact 1s, one 0.6, and 21 rows at exactly 0 (ties)."""
    rows = [[0, 1 + i % 4, i % 3] for i in range(24)]  # orthogonal to the query: similarity exactly 0
    rows[5], rows[17], rows[11] = [3, 0, 0], [1, 0, 0], [3, 4, 0]  # 1.0, 1.0 (tied), 0.6
    return np.array(rows, dtype=np.float32), np.array([1, 0, 0], dtype=np.float32)


def check_search_page(fn: Callable[[np.ndarray, np.ndarray, int, int], Any]) -> bool:
    """Check `search_page(matrix, query, page, page_size)`: ranked pages that neither repeat nor skip a row."""
    fn, returned = watch(fn)

    def pages(matrix: np.ndarray, query: np.ndarray, page_size: int, label: str) -> str | None:
        scores = _scores(matrix, query)
        want = _ranking(scores)
        count = -(-len(want) // page_size)
        got = [_indices(fn(matrix, query, page, page_size), "search_page") for page in range(count)]
        flat = [row for page in got for row in page]
        seen: dict[int, int] = {}
        for page, rows in enumerate(got):
            for row in rows:
                if row in seen:
                    return f"{label}: row {row} is on page {seen[row]} and again on page {page}; pages must not repeat a row (they got {got})"
                seen[row] = page
        missing = sorted(set(want) - set(flat))
        if missing:
            return f"{label}: rows {missing} are on no page; together the pages must hold every row once (they got {got})"
        for page, rows in enumerate(got):
            expected = want[page * page_size : (page + 1) * page_size]
            if rows != expected:
                return _order_problem(rows, expected, scores, f"{label}, page {page} ({page_size} a page)")
        return None

    def ties() -> str | None:
        return pages(*_tied_rows(), 5, "24 rows, 21 of them tied at similarity 0")

    def unnormalized() -> str | None:
        matrix = np.array([[10, 0], [0.6, 0.8], [0, 5], [1, 1], [-2, 1]], dtype=np.float32)
        return pages(matrix, np.array([0.6, 0.8], dtype=np.float32), 2,
                     "rows of different lengths (cosine, not dot product: normalize first)")

    def past_the_end() -> str | None:
        matrix, query = _tied_rows()
        got = _indices(fn(matrix, query, 5, 5), "search_page")
        return None if got == [] else f"page 5 of 24 rows, 5 a page, is past the end: return an empty list, got {got}"

    return run_checks("search_page", [ties, unnormalized, past_the_end],
                      returned=returned, returns="the list of row indices on that page")


# ----- 07: recall memory ---------------------------------------------------------------------


def _sample_recall() -> list[dict[str, Any]]:
    """24 messages three hours apart over three days, user and agent in turn, and one tool result."""
    clock = ticking_clock(datetime(2026, 3, 1, 0, 30, tzinfo=timezone.utc), timedelta(hours=3))
    recall = new_recall()
    for n in range(24):
        role = "user" if n % 2 == 0 else "assistant"
        recall_add(recall, role, f"message {n}", now=clock)
        if n == 5:
            recall_add(recall, "tool", "a tool result", now=clock)
    return recall


def check_messages_between(fn: Callable[[list[dict[str, Any]], str, str], list[str]]) -> bool:
    """Check `messages_between(recall, start, end)`: texts of user/assistant messages dated start..end."""
    fn, returned = watch(fn)
    recall = _sample_recall()

    def expected(start: str, end: str) -> list[str]:
        return [e["text"] for e in recall if e["role"] in ("user", "assistant") and start <= e["timestamp"][:10] <= end]

    def case(start: str, end: str, label: str) -> Callable[[], str | None]:
        def run() -> str | None:
            got = fn(recall, start, end)
            want = expected(start, end)
            return None if list(got) == want else f"{label} ({start} to {end}): expected {_short(want)}, got {_short(got)}"

        return run

    return run_checks("messages_between", [
        case("2026-03-02", "2026-03-02", "one whole day, both ends included"),
        case("2026-03-01", "2026-03-02", "two days, oldest first, without tool results"),
        case("2026-03-05", "2026-03-06", "days with no messages"),
    ], returned=returned, returns="the list of texts")


HEARTBEAT_EVENT = json.dumps({
    "type": "heartbeat",
    "reason": "[This is an automated system message hidden from the user] Function called using request_heartbeat=true, returning control",
    "time": "2026-03-02 09:00:00 UTC",
})


def is_users(message: dict[str, Any]) -> bool:
    """Whether a message is the user speaking: user-role, and not a heartbeat event the loop wrote."""
    return message["role"] == "user" and '"type": "heartbeat"' not in str(message.get("content"))


def _turn(user: str, *tools: str, in_progress: bool = False) -> list[dict[str, Any]]:
    """One turn as memgpt_step keeps it: the user's message, each tool call with its result, a heartbeat
    event between calls (and after the last one while the turn is still in progress)."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": user}]
    for n, name in enumerate(tools):
        if n:
            messages.append({"role": "user", "content": HEARTBEAT_EVENT})
        call_id = f"call_{sum(map(ord, user))}_{n}"
        call = {"id": call_id, "type": "function", "function": {"name": name, "arguments": "{}"}}
        messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        messages.append({"role": "tool", "tool_call_id": call_id, "content": f"{name} done."})
    return messages + ([{"role": "user", "content": HEARTBEAT_EVENT}] if in_progress else [])


def sample_context() -> list[dict[str, Any]]:
    """Five turns (3, 6, 6, 3 and 4 messages); the last one, a search, is still in progress."""
    return [
        *_turn("I'm planning a trip to Lisbon in May", "send_message"),
        *_turn("My name is Charles", "core_memory_append", "send_message"),
        *_turn("I live in Leeds", "core_memory_append", "send_message"),
        *_turn("Hello!", "send_message"),
        *_turn("What did I tell you about my trip?", "conversation_search", in_progress=True),
    ]


def _fitted(messages: list[dict[str, Any]], window: int) -> list[dict[str, Any]]:
    """The right answer: drop the oldest whole turns while over the window, never the last turn."""
    kept = list(messages)
    while len(kept) > window:
        next_turn = next((i for i in range(1, len(kept)) if is_users(kept[i])), None)
        if next_turn is None:
            break
        kept = kept[next_turn:]
    return kept


def _turn_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last turn: from the user's last message to the end."""
    return messages[max(i for i, message in enumerate(messages) if is_users(message)):]


def check_fit_context(fn: Callable[[list[dict[str, Any]], int], list[dict[str, Any]]]) -> bool:
    """Check `fit_context(messages, window)`: the latest whole turns that fit, never cutting a turn in two."""
    fn, returned = watch(fn)

    def fits(window: int, label: str) -> Callable[[], str | None]:
        def run() -> str | None:
            messages = sample_context()
            got, want = fn(messages, window), _fitted(messages, window)
            if not isinstance(got, list):
                return f"fit_context should return a list of messages, got {_short(got)}"
            if got == want:
                return None
            where = f"{label} (window {window}, {len(messages)} messages)"
            if got != messages[len(messages) - len(got):]:
                return f"{where}: keep the latest messages as they are, in order (the end of the list); got {len(got)} messages that are not"
            if got and got[0]["role"] == "user" and not is_users(got[0]):
                return (f"{where}: the kept messages start with a heartbeat event. It is in the user's role, but the "
                        "loop wrote it, in the middle of a turn: only the user's own messages start a turn")
            if got and got[0]["role"] != "user":
                return (f"{where}: the kept messages start with a message of role {got[0]['role']!r}, so a turn was cut in two; "
                        "remove whole turns (from a user message to the next), or the API rejects a tool result without its call")
            if len(got) > len(want):
                return f"{where}: {len(got)} messages kept is still over the window; remove the oldest turns until it fits"
            if len(want) == len(_turn_messages(messages)) and len(got) < len(want):
                return f"{where}: the turn in progress is over the window on its own; keep it whole anyway, or the agent loses what it is doing"
            return f"{where}: {len(got)} messages kept, but {len(want)} fit: remove only as many old turns as needed"

        return run

    def keeps_input() -> str | None:
        messages = sample_context()
        fn(messages, 10)
        if messages != sample_context():
            return "fit_context should not change the list it is given: return a new list"
        return None

    cases = [fits(30, "everything fits"), fits(16, "two old turns must go"), fits(12, "three old turns must go"),
             fits(3, "only the turn in progress is left, though it is over the window"), keeps_input]
    return run_checks("fit_context", cases, returned=returned, returns="the list of messages that stay")
