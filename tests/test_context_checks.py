"""The checkers of notebook 08 reject typical mistakes (their solutions pass: test_checkers.py)."""

from __future__ import annotations

from helpers import context_checks
from helpers.tokens import count_message


def test_trimming_message_by_message_is_told_to_keep_whole_turns(capsys) -> None:
    def split_context(messages, budget):
        kept = list(messages)
        while sum(map(count_message, kept)) > budget and len(kept) > 1:
            kept = kept[1:]
        return messages[: len(messages) - len(kept)], kept

    assert context_checks.check_split_context(split_context) is False
    out = capsys.readouterr().out
    assert "a turn was cut in two: the API refuses a tool result without its call" in out


def test_a_heartbeat_taken_for_the_user_is_named(capsys) -> None:
    def split_context(messages, budget):
        cut = 0
        for start in [i for i, m in enumerate(messages) if m["role"] == "user" and i > 0]:
            if sum(map(count_message, messages[cut:])) <= budget:
                break
            cut = start
        return messages[:cut], messages[cut:]

    assert context_checks.check_split_context(split_context) is False
    assert "starts with a heartbeat event" in capsys.readouterr().out


def test_evicting_too_much_or_returning_one_list_is_caught(capsys) -> None:
    def split_context(messages, budget):
        return messages[:3], messages[3:]

    assert context_checks.check_split_context(split_context) is False
    assert "evict no more than needed" in capsys.readouterr().out
    assert context_checks.check_split_context(lambda messages, budget: messages) is False
    assert "should return two lists, (evicted, kept)" in capsys.readouterr().out


def test_a_pressure_test_that_warns_twice_or_misses_the_threshold_is_caught(capsys) -> None:
    def pressure(tokens, window, messages):
        return "flush" if tokens > window else "warn" if tokens > 0.75 * window else "ok"

    assert context_checks.check_pressure(pressure) is False
    out = capsys.readouterr().out
    assert "exactly 75% of the window" in out and "already holds this episode's warning" in out
