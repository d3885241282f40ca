"""The checkers of notebook 13: a right answer passes, each typical mistake gets its own line."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from helpers.evaluation_checks import check_last_session, check_score_count

SOLUTIONS = Path(__file__).resolve().parents[1] / "notebooks" / "solutions" / "13_does_memory_help.py"
spec = importlib.util.spec_from_file_location("solutions_13", SOLUTIONS)
solutions = importlib.util.module_from_spec(spec)
spec.loader.exec_module(solutions)


def test_the_solutions_pass(capsys):
    assert check_score_count(solutions.score_count)
    assert check_last_session(solutions.live_last_session, solutions.ask_last_session)
    assert capsys.readouterr().out.count("✅") == 2


@pytest.mark.parametrize(("wrong", "message"), [
    (lambda answer, reply: answer in reply, "'You have 12 pets.') returned True, expected False"),
    (lambda answer, reply: answer in reply.replace("two", "2"), "'THREE!') returned False, expected True"),
    (lambda answer, reply: None, "returned None every time"),
    (lambda answer, reply: "yes", "should return True or False"),
])
def test_score_count_mistakes(capsys, wrong, message):
    assert not check_score_count(wrong)
    assert message in capsys.readouterr().out


def test_a_last_session_agent_that_keeps_everything(capsys):
    def live(client, history, session, settings):
        solutions.live_last_session(client, copy := [], session, settings)
        history.extend(copy)

    assert not check_last_session(live, solutions.ask_last_session)
    out = capsys.readouterr().out
    assert "still holds the first one's 'My cat is called Mochi.'" in out
    assert "which this agent forgets: it should not know" in out


def test_a_last_session_agent_whose_question_stays_in_the_history(capsys):
    def ask(client, history, question, day, settings):
        history.append({"role": "user", "content": question})
        return solutions.ask_last_session(client, history[:-1], question, day, settings)

    assert not check_last_session(solutions.live_last_session, ask)
    assert "changed the history" in capsys.readouterr().out


def test_not_written_yet(capsys):
    def live(client, history, session, settings):
        raise NotImplementedError

    assert not check_last_session(live, solutions.ask_last_session)
    assert "Not yet" in capsys.readouterr().out
