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


def test_a_rewrite_of_the_notebook_blocks_is_told_so(capsys) -> None:
    namespace = {"blocks": {"human": {"value": "", "limit": 2000}}}
    exec(
        "from typing import Literal\n"
        "def core_memory_rewrite(agent: dict, label: Literal['persona', 'human'], new_value: str) -> str:\n"
        "    '''Rewrite a block.\n\n    Args:\n        label: The block.\n        new_value: The text.\n    '''\n"
        "    blocks[label]['value'] = new_value\n"
        "    return 'ok'\n",
        namespace,
    )
    assert memgpt_checks.check_core_memory_rewrite(namespace["core_memory_rewrite"]) is False
    assert "global `blocks` instead of its `agent` argument" in capsys.readouterr().out


def test_forgetting_failed_tools_is_caught(capsys) -> None:
    def step_continues(calls):
        return any(arguments.get("request_heartbeat") is True for _, arguments, _ in calls)

    assert memgpt_checks.check_step_continues(step_continues) is False
    out = capsys.readouterr().out
    assert "a failed tool" in out and "the string 'true'" in out


def test_truthy_heartbeats_are_caught(capsys) -> None:
    def step_continues(calls):
        return any(bool(arguments.get("request_heartbeat")) or result.startswith("Error") for _, arguments, result in calls)

    assert memgpt_checks.check_step_continues(step_continues) is False
    out = capsys.readouterr().out
    assert "the string 'false'" in out and "the number 1" in out and "missing" not in out


def test_a_missing_heartbeat_must_not_raise(capsys) -> None:
    def step_continues(calls):
        return any(arguments["request_heartbeat"] is True or result.startswith("Error") for _, arguments, result in calls)

    assert memgpt_checks.check_step_continues(step_continues) is False
    out = capsys.readouterr().out
    assert "missing means false" in out and "KeyError" in out and ".get()" in out


def test_dot_product_instead_of_cosine_is_caught(capsys) -> None:
    def top_k(matrix, query, k):
        return list(np.argsort(-(matrix @ query))[:k])

    assert memgpt_checks.check_top_k(top_k) is False
    assert "normalize first" in capsys.readouterr().out


def test_an_unsorted_top_k_is_caught(capsys) -> None:
    def top_k(matrix, query, k):
        scores = (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)) @ query
        return sorted(int(i) for i in np.argsort(-scores)[:k])  # the right rows, in row order

    assert memgpt_checks.check_top_k(top_k) is False
    assert "the right rows, but not best first" in capsys.readouterr().out


def ranked(matrix: np.ndarray, query: np.ndarray, ties_reversed: bool = False) -> list[int]:
    """Row indices by cosine similarity, best first; equal scores in row order, or reversed."""
    scores = (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)) @ (query / np.linalg.norm(query))
    return sorted(range(len(scores)), key=lambda i: (-scores[i], -i if ties_reversed else i))


def test_ties_out_of_row_order_are_caught(capsys) -> None:
    def search_page(matrix, query, page, page_size):
        return ranked(matrix, query, ties_reversed=True)[page * page_size : (page + 1) * page_size]

    assert memgpt_checks.check_search_page(search_page) is False
    assert "rows with equal similarity should come in row order" in capsys.readouterr().out


def test_pages_that_repeat_a_row_are_caught(capsys) -> None:
    def search_page(matrix, query, page, page_size):
        return ranked(matrix, query)[page * page_size : (page + 1) * page_size + 1]  # one too many

    assert memgpt_checks.check_search_page(search_page) is False
    assert "and again on page 1" in capsys.readouterr().out


def test_pages_that_skip_rows_are_caught(capsys) -> None:
    def search_page(matrix, query, page, page_size):
        first = page * (page_size + 1)  # steps over one row between pages
        return ranked(matrix, query)[first : first + page_size]

    assert memgpt_checks.check_search_page(search_page) is False
    assert "are on no page" in capsys.readouterr().out


def test_an_exclusive_end_date_is_caught(capsys) -> None:
    def messages_between(recall, start, end):
        return [e["text"] for e in recall if e["role"] != "tool" and start <= e["timestamp"][:10] < end]

    assert memgpt_checks.check_messages_between(messages_between) is False
    assert "both ends included" in capsys.readouterr().out


def test_cutting_a_turn_in_two_is_caught(capsys) -> None:
    def fit_context(messages, window):
        return messages[-window:]

    assert memgpt_checks.check_fit_context(fit_context) is False
    assert "a turn was cut in two" in capsys.readouterr().out


def test_a_heartbeat_event_taken_for_a_turn_is_caught(capsys) -> None:
    def fit_context(messages, window):
        kept = list(messages)
        while len(kept) > window:
            starts = [i for i, message in enumerate(kept) if message["role"] == "user" and i > 0]
            if not starts:
                break
            kept = kept[starts[0]:]
        return kept

    assert memgpt_checks.check_fit_context(fit_context) is False
    assert "start with a heartbeat event" in capsys.readouterr().out


def test_removing_more_than_needed_is_caught(capsys) -> None:
    def fit_context(messages, window):
        return memgpt_checks._turn_messages(messages)  # only the last turn, whatever the window

    assert memgpt_checks.check_fit_context(fit_context) is False
    assert "remove only as many old turns as needed" in capsys.readouterr().out


def test_changing_the_given_context_is_caught(capsys) -> None:
    good = memgpt_checks._fitted

    def fit_context(messages, window):
        kept = good(messages, window)
        del messages[: len(messages) - len(kept)]
        return messages

    assert memgpt_checks.check_fit_context(fit_context) is False
    assert "should not change the list it is given" in capsys.readouterr().out
