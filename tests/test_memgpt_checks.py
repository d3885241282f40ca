"""The checkers of notebooks 05-07 reject typical mistakes (their solutions pass: test_checkers.py)."""

from __future__ import annotations

import numpy as np

from helpers import memgpt_checks


def test_an_untyped_rewrite_is_told_to_use_literal(capsys) -> None:
    def core_memory_rewrite(agent: dict, label: str, new_value: str) -> str:
        """Rewrite a block.

        Args:
            label: The block.
            new_value: The text.
        """
        agent["blocks"][label]["value"] = new_value
        return "ok"

    assert memgpt_checks.check_core_memory_rewrite(core_memory_rewrite) is False
    out = capsys.readouterr().out
    assert "Literal['persona', 'human']" in out and "limit" in out


def test_forgetting_failed_tools_is_caught(capsys) -> None:
    def step_continues(calls):
        return any(arguments.get("request_heartbeat") for _, arguments, _ in calls)

    assert memgpt_checks.check_step_continues(step_continues) is False
    out = capsys.readouterr().out
    assert "a failed tool" in out and "the string 'true'" in out


def test_dot_product_instead_of_cosine_is_caught(capsys) -> None:
    def top_k(matrix, query, k):
        return list(np.argsort(-(matrix @ query))[:k])

    assert memgpt_checks.check_top_k(top_k) is False
    assert "normalize first" in capsys.readouterr().out


def test_an_exclusive_end_date_is_caught(capsys) -> None:
    def messages_between(recall, start, end):
        return [e["text"] for e in recall if e["role"] != "tool" and start <= e["timestamp"][:10] < end]

    assert memgpt_checks.check_messages_between(messages_between) is False
    assert "both ends included" in capsys.readouterr().out
