"""Checkers for the exercises of notebook 12 (agents that share memory): run the learner's function, print feedback.

They run on the offline tutor model whatever the backend (`offline_client()`), so the checks are the
same for everyone and cost nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from helpers.checkers import _short, run_checks
from helpers.memgpt import Agent, memgpt_tools, new_agent
from helpers.multi_agent import CONTEXT, Team, new_team, share_block
from helpers.offline import offline_client
from helpers.recall import ticking_clock

ROLES = {"writer": "drafts short texts (taglines, emails) in our voice", "evaluator": "checks a draft against our rules"}


def _trio() -> dict[str, Agent]:
    """Three agents sharing their human block."""
    agents = {name: new_agent(f"I am {name}.") for name in ("ann", "bob", "cy")}
    agents["ann"]["blocks"]["human"]["value"] = "The human's name is Ada"
    share_block("human", *agents.values())
    return agents


def check_unshare(fn: Callable[[Agent, str], Any]) -> bool:
    """Check `unshare(agent, label)`: the agent gets its own copy of a shared block; the others keep sharing."""

    def own_copy() -> str | None:
        agents = _trio()
        shared = agents["ann"]["blocks"]["human"]
        fn(agents["bob"], "human")
        mine = agents["bob"]["blocks"].get("human")
        if mine is None:
            return "after unshare(bob, 'human') bob has no 'human' block any more: it should keep its own copy"
        if mine is shared:
            return ("bob's block is still the very same dict as ann's (`is`): put a copy in its place, "
                    "e.g. dict(block), so that the two are equal but not the same object")
        if mine != shared:
            return f"bob's copy should hold what the shared block held ({_short(shared)}), got {_short(mine)}"
        if agents["cy"]["blocks"]["human"] is not shared:
            return "cy should still share ann's block: change only the agent given"
        return None

    def edits_stay_apart() -> str | None:
        agents = _trio()
        fn(agents["bob"], "human")
        agents["ann"]["blocks"]["human"]["value"] = "The human's name is Ada\nThe human lives in Leeds"
        agents["bob"]["blocks"]["human"]["value"] = "The human's name is Bea"
        if "Leeds" in agents["bob"]["blocks"]["human"]["value"] or "Bea" in agents["ann"]["blocks"]["human"]["value"]:
            return "an edit still reaches the other agent: bob's copy should be a new dict"
        if "Leeds" not in agents["cy"]["blocks"]["human"]["value"]:
            return "cy should still see ann's edits: it shares ann's block"
        return None

    def not_shared() -> str | None:
        agent = new_agent()
        before = dict(agent["blocks"]["persona"])
        fn(agent, "persona")
        if agent["blocks"].get("persona") != before:
            return f"a block that was not shared should stay as it was, got {_short(agent['blocks'].get('persona'))}"
        return None

    return run_checks("unshare", [own_copy, edits_stay_apart, not_shared])


def _office() -> Team:
    """A team of three on the offline tutor: the sender ("boss"), a writer and an evaluator who message no one."""
    agents = {"boss": new_agent("I am the boss."), "writer": new_agent("I am the writer: I draft short texts."),
              "evaluator": new_agent("I am the evaluator: I check drafts against our rules.")}
    clock = ticking_clock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    return new_team(offline_client(), agents, ROLES, contacts={"boss": ["writer", "evaluator"]}, now=clock)


def check_ask_all(fn: Callable[..., Any]) -> bool:
    """Check `ask_all(agent, team, hop, message)`: every other agent's reply, one a line, within the hop limit."""

    def schema() -> str | None:
        try:
            (tool,) = memgpt_tools([fn], CONTEXT)
        except (TypeError, ValueError) as error:
            return f"ask_all cannot be a tool yet: {error}"
        properties = tool["function"]["parameters"]["properties"]
        if set(properties) != {"message", "request_heartbeat"}:
            return (f"the model should see one argument, message, but the schema has {sorted(properties)}: "
                    "name the others agent, team and hop, the loop fills those in")
        return None

    def replies() -> str | None:
        team = _office()
        got = fn(team.agents["boss"], team, 0, "Draft a tagline for the poetry night")
        if not isinstance(got, str):
            return f"ask_all should return the replies as one string, one a line, not {type(got).__name__}"
        lines = got.splitlines()
        if len(lines) != 2 or not lines[0].startswith("writer replied:") or not lines[1].startswith("evaluator replied:"):
            return ("expected two lines, 'writer replied: ...' then 'evaluator replied: ...' (every agent but the "
                    f"sender, in the team's order), got {_short(got)}")
        if team.calls != 2:
            return f"each of the two agents should take one step of one model call; the team made {team.calls}"
        return None

    def hop_limit() -> str | None:
        team = _office()
        try:
            got = fn(team.agents["boss"], team, team.max_hops, "Draft a tagline")
        except ValueError as error:
            return None if "hop limit" in str(error) else f"ask_all raised ValueError, but not the hop limit's: {error}"
        if team.calls:
            return (f"at hop {team.max_hops} (the limit) no message may go out, but {team.calls} model calls were made: "
                    "send each message with send_message_to_agent, which checks the hop")
        return f"at the hop limit, send_message_to_agent raises a ValueError: let it go up, not {_short(got)}"

    return run_checks("ask_all", [schema, replies, hop_limit])
