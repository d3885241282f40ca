"""Checkers for the exercises of notebook 13 (does memory help?): run the learner's code, print feedback."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from helpers.checkers import _short, run_checks, watch
from helpers.evaluation.agents import Settings
from helpers.evaluation.dataset import Session
from helpers.evaluation.scoring import abstains
from helpers.offline import OFFLINE_MODEL, offline_client

# (expected answer, reply, right?) for a counting question such as "How many pets do I have?"
COUNT_CASES = [
    ("2", "You have two pets.", True),
    ("2", "You have 2 pets: a dog called Rex and a cat called Luna.", True),
    ("3", "THREE!", True),
    ("1", "Just one: a cat.", True),
    ("2", "Two pets, Rex and Luna: that makes 2.", True),
    ("2", "You have 12 pets.", False),
    ("2", "Two or three, I think.", False),
    ("2", "You have a dog and a cat.", False),
    ("2", "I don't know how many pets you have.", False),
]


def check_score_count(fn: Callable[[str, str], Any]) -> bool:
    """Check `score_count(answer, reply)`: right when the numbers the reply names are all the expected one."""
    fn, returned = watch(fn)

    def case(answer: str, reply: str, right: bool) -> Callable[[], str | None]:
        def run() -> str | None:
            got = fn(answer, reply)
            if not isinstance(got, bool):
                return f"score_count({answer!r}, {reply!r}) should return True or False, got {_short(got)}"
            if got != right:
                why = "" if right else (" (a reply must name the number, and no other)" if "or" in reply or "12" in reply
                                        else " (it names no number at all)" if "don't" not in reply else "")
                return f"score_count({answer!r}, {reply!r}) returned {got}, expected {right}{why}"
            return None

        return run

    return run_checks("score_count", [case(*row) for row in COUNT_CASES], returned=returned, returns="True or False")


SESSIONS: list[Session] = [
    {"date": "2026-03-02", "messages": [{"role": "user", "content": "My cat is called Mochi."},
                                        {"role": "assistant", "content": "What a sweet name!"}]},
    {"date": "2026-03-09", "messages": [{"role": "user", "content": "Hello again!"},
                                        {"role": "assistant", "content": "Hi!"},
                                        {"role": "user", "content": "I live in Leeds."},
                                        {"role": "assistant", "content": "Noted."}]},
]


def check_last_session(live: Callable[..., Any], ask: Callable[..., Any]) -> bool:
    """Check the `last_session` agent: it keeps the latest session only, and asking leaves it as it was."""
    live, lived = watch(live)
    ask, asked = watch(ask)
    client, settings = offline_client(), Settings(model=OFFLINE_MODEL)
    history: list[dict[str, Any]] = []

    def lives() -> str | None:
        for session in SESSIONS:
            live(client, history, session, settings)
        said = [message.get("content") for message in history if message.get("role") == "user"]
        if "My cat is called Mochi." in said:
            return "after two sessions the history still holds the first one's 'My cat is called Mochi.': start afresh"
        if said != ["Hello again!", "I live in Leeds."]:
            return f"after the last session the user's messages kept should be its two, in order; got {_short(said)}"
        if [message.get("role") for message in history][1::2] != ["assistant", "assistant"]:
            return "each of the user's messages should be followed by the model's reply, added to the history"
        return None

    def answers(question: str, check: Callable[[str], bool], problem: str) -> Callable[[], str | None]:
        def run() -> str | None:
            before = copy.deepcopy(history)
            reply = ask(client, history, question, "2026-03-20", settings)
            if history != before:
                return f"asking {question!r} changed the history: ask the question on a copy (or a new list)"
            if not isinstance(reply, str):
                return f"ask_last_session should return the reply's text, got {_short(reply)}"
            return None if check(reply) else f"{question!r} got {reply!r}: {problem}"

        return run

    cases = [
        lives,
        answers("Where do I live?", lambda reply: "Leeds" in reply,
                "Leeds was said in the last session, so the question should come after its messages"),
        answers("What's my cat called?", abstains,
                "the cat was named in the first session, which this agent forgets: it should not know"),
    ]
    passed = run_checks("the last_session agent", cases, returned=lived + asked, returns="(ask) the reply's text")
    return passed
