"""The checkers of notebook 12 accept the solutions and reject typical mistakes with the right words."""

from __future__ import annotations

import runpy
from pathlib import Path

from helpers.multi_agent import send_message_to_agent
from helpers.team_checks import check_ask_all, check_unshare

SOLUTIONS = runpy.run_path(str(Path(__file__).resolve().parents[1] / "notebooks" / "solutions" / "12_agents_that_share_memory.py"))


def test_the_solutions_pass(capsys) -> None:
    assert check_unshare(SOLUTIONS["unshare"]) is True
    assert check_ask_all(SOLUTIONS["ask_all"]) is True
    out = capsys.readouterr().out
    assert "✅ Well done: unshare passed all 3 checks." in out and "✅ Well done: ask_all passed all 3 checks." in out


def test_unshare_mistakes(capsys) -> None:
    def no_copy(agent, label):
        agent["blocks"][label] = agent["blocks"][label]

    def in_place(agent, label):
        agent["blocks"][label]["value"] = agent["blocks"][label]["value"]

    def deleted(agent, label):
        del agent["blocks"][label]

    for mistake, words in [(no_copy, "still the very same dict"), (in_place, "still the very same dict"),
                           (deleted, "has no 'human' block any more")]:
        assert check_unshare(mistake) is False
        assert words in capsys.readouterr().out


def test_ask_all_mistakes(capsys) -> None:
    def untyped(agent, team, hop, message):
        """Ask everyone."""
        return ""

    def everyone(agent, team, hop, message: str) -> str:
        """Ask every agent, the sender too."""
        return "\n".join(send_message_to_agent(agent, team, hop, name, message) for name in team.agents)

    def as_list(agent, team, hop, message: str) -> str:
        """Ask every other agent."""
        return [send_message_to_agent(agent, team, hop, name, message) for name in team.agents if name != agent["name"]]

    def swallowed(agent, team, hop, message: str) -> str:
        """Ask every other agent, hiding errors."""
        try:
            return "\n".join(send_message_to_agent(agent, team, hop, name, message)
                             for name in team.agents if name != agent["name"])
        except ValueError:
            return ""

    expected = [(untyped, "needs a type annotation"), (everyone, "is not another agent of your team"),
                (as_list, "one string, one a line, not list"), (swallowed, "let it go up")]
    for mistake, words in expected:
        assert check_ask_all(mistake) is False
        assert words in capsys.readouterr().out, mistake.__name__
