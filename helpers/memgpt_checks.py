"""Checkers for the exercises of notebooks 05-07: run the learner's function, print friendly feedback."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from helpers.archival import cosine_top_k
from helpers.checkers import _short, run_checks
from helpers.embeddings import normalize
from helpers.memgpt import new_agent
from helpers.recall import new_recall, recall_add, ticking_clock
from helpers.tool_schema import function_tool

# ----- 05: the MemGPT agent ------------------------------------------------------------------


def check_core_memory_rewrite(fn: Callable[..., Any]) -> bool:
    """Check `core_memory_rewrite(agent, label, new_value)`: its generated schema, and what it does."""

    def schema() -> str | None:
        parameters = function_tool(fn, skip=("agent",))["function"]["parameters"]
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
            return f"the human block should hold exactly the new value, got {agent['blocks']['human']['value']!r}"
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

    return run_checks("core_memory_rewrite", [schema, rewrites, respects_the_limit])


STEP_CASES: list[tuple[str, list[tuple[str, dict[str, Any], str]], bool]] = [
    ("send_message without a heartbeat", [("send_message", {"message": "Hi", "request_heartbeat": False}, "Sent.")], False),
    ("send_message with a heartbeat", [("send_message", {"message": "Hi", "request_heartbeat": True}, "Sent.")], True),
    ("a memory edit asking for a heartbeat", [("core_memory_append", {"request_heartbeat": True}, "Done.")], True),
    ("a memory edit without one", [("core_memory_append", {"request_heartbeat": False}, "Done.")], False),
    ("a failed tool, no heartbeat asked", [("core_memory_replace", {"request_heartbeat": False}, "Error: not found")], True),
    ("two calls, one asking for a heartbeat",
     [("core_memory_append", {"request_heartbeat": True}, "Done."), ("send_message", {"request_heartbeat": False}, "Sent.")], True),
    ("no tool call at all (inner monologue only)", [], False),
    ("a heartbeat given as the string 'true'", [("core_memory_append", {"request_heartbeat": "true"}, "Done.")], False),
]


def check_step_continues(fn: Callable[[list[tuple[str, dict[str, Any], str]]], bool]) -> bool:
    """Check `step_continues(calls)`: whether the agent gets another turn after these tool calls."""

    def case(label: str, calls: list[tuple[str, dict[str, Any], str]], expected: bool) -> Callable[[], str | None]:
        def run() -> str | None:
            got = fn(calls)
            return None if got is expected else f"{label}: should give {expected}, got {_short(got)}"

        return run

    return run_checks("step_continues", [case(*item) for item in STEP_CASES])


# ----- 06: archival memory -------------------------------------------------------------------


def check_top_k(fn: Callable[[np.ndarray, np.ndarray, int], Any]) -> bool:
    """Check `top_k(matrix, query, k)`: the indices of the k rows most cosine-similar to query, best first."""
    rng = np.random.default_rng(6)

    def on(matrix: np.ndarray, query: np.ndarray, k: int, label: str) -> str | None:
        expected = [int(i) for i in cosine_top_k(normalize(matrix), query, k)[0]]
        got = [int(i) for i in fn(matrix, query, k)]
        return None if got == expected else f"{label}: expected rows {expected}, got {_short(got)}"

    def small() -> str | None:
        matrix = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32)
        return on(matrix, np.array([1, 0.2], dtype=np.float32), 2, "three 2-d rows, k=2")

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

    return run_checks("top_k", [small, unnormalized, random, k_too_big])


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
    ])
