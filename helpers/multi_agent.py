"""Agents that share memory and message each other (notebook 12): shared blocks, a team, a hop limit.

- `share_block(label, *agents)`: one core memory block in several agents, the very same dict in each
  agent's "blocks", so an edit by one is in every other's next request (with a store, use
  `store.share_block(label, *agents)`: one row in the database, linked to each agent).
- `new_team(client, agents, roles)`: a `Team`; each agent gets the tool `send_message_to_agent`, whose
  schema names the agents it may message (an enum) and what each does (its description).
- `team_step(team, name, message)`: the user's message to one agent of the team; returns its reply.
- `send_message_to_agent(agent, team, hop, agent_name, message)`: the tool. It runs the other agent's
  `memgpt_step` on the message and returns its reply as the tool result. `team` and `hop` are context
  arguments: `memgpt_step(..., context={"team": team, "hop": hop})` fills them in; the model never sees them.
- The hop limit: the user's message is hop 0, a message an agent sends while handling hop n is hop
  n + 1, and the other agent reads its hop in the message. Past `team.max_hops` (MAX_HOPS) the tool
  returns an "Error: ..." the model reads instead of sending, so agents that keep messaging each
  other stop. Past `team.max_calls` (MAX_CALLS) model calls in one request, no agent may message
  another either; the steps under way then end within their `max_steps`.

Letta's versions: `send_message_to_agent_and_wait_for_reply(message, other_agent_id)` (0.6.20 on;
0.6.10 called it `send_message_to_specific_agent`), and blocks attached to several agents by id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import openai

from helpers.agent import Event
from helpers.chat_ui import describe_event
from helpers.memgpt import MEMGPT_FUNCTIONS, Agent, Block, memgpt_step
from helpers.memory import SECTION_LIMIT
from helpers.recall import Clock, utc_now

if TYPE_CHECKING:
    from helpers.store import Store

MAX_HOPS = 3  # messages between agents, counted from the user's message (hop 0)
MAX_CALLS = 40  # model calls in one request of the user, across the whole team
INCOMING = "[Message from agent {sender!r} (hop {hop} of at most {max_hops}); your send_message reply goes back to {sender}] "
CONTEXT = ("team", "hop")  # the arguments the loop fills in for the messaging tool


def share_block(label: str, *agents: Agent) -> Block:
    """Give every agent the first agent's block `label`: the same dict, so an edit by one is seen by all.

    Another agent's own block of that label is replaced. Returns the shared block.
    """
    if len(agents) < 2:
        raise ValueError("Sharing a block takes two agents or more: share_block('human', first, second).")
    if label not in agents[0]["blocks"]:
        raise ValueError(f"The first agent has no block {label!r} to share; its blocks are: "
                         f"{', '.join(agents[0]['blocks'])}. Add it first: agent['blocks'][{label!r}] = new_block(...).")
    block = agents[0]["blocks"][label]
    for agent in agents[1:]:
        agent["blocks"][label] = block
    return block


def new_block(value: str, description: str, *, limit: int = SECTION_LIMIT, read_only: bool = False) -> Block:
    """A core memory block to add to agents (e.g. a block about the organization, to share)."""
    return {"value": value, "limit": limit, "description": description, "read_only": read_only}


def shared_blocks(agents: dict[str, Agent]) -> list[tuple[str, list[str]]]:
    """Each block two agents or more hold (the very same dict): its label and the names of the agents that hold it."""
    holders: dict[int, tuple[str, list[str]]] = {}
    for name, agent in agents.items():
        for label, block in agent["blocks"].items():
            holders.setdefault(id(block), (label, []))[1].append(name)
    return [(label, names) for label, names in holders.values() if len(names) > 1]


# ---------------------------------------------------------------------------------------------
# A team, and the messaging tool.
# ---------------------------------------------------------------------------------------------


@dataclass
class Team:
    """Agents that may message each other, the client they run on, and the limits of one request."""

    client: openai.OpenAI
    agents: dict[str, Agent]  # by name
    roles: dict[str, str]  # what each agent does, as the others read it in their tool's description
    functions: dict[str, list[Callable[..., str]]]  # each agent's tools
    model: str | None = None
    now: Clock = utc_now
    store: Store | None = None  # with a store, each agent's step is saved at its end
    max_hops: int = MAX_HOPS
    max_calls: int = MAX_CALLS  # past this many model calls in a request, no agent may message another
    max_steps: int = 10  # model calls in one agent's step, as memgpt_step's max_steps
    calls: int = 0  # model calls so far in the current request
    report: Callable[[Event], None] | None = None  # the current request's on_event
    steps: dict[str, list[int]] = field(default_factory=dict)  # agent -> where its unfinished steps start in recall


def messaging_tool(contacts: dict[str, str]) -> Callable[..., str]:
    """`send_message_to_agent` as one agent is offered it: the agents it may message, and their roles, in its schema."""

    def tool(agent: Agent, team: Team, hop: int, agent_name: str, message: str) -> str:
        return send_message_to_agent(agent, team, hop, agent_name, message)

    who = "; ".join(f"'{name}' {role}".strip() for name, role in contacts.items())
    tool.__name__ = tool.__qualname__ = "send_message_to_agent"
    tool.__doc__ = f"""Send a message to another agent of your team and wait for its reply, which comes back as this tool's result. The agents: {who}.

    Args:
        agent_name: Which agent: {' or '.join(repr(name) for name in contacts)}.
        message: What you ask or tell it, complete in itself: it sees this message, not your conversation.
    """
    tool.__annotations__ = {"agent": Agent, "team": Team, "hop": int, "agent_name": Literal[tuple(contacts)],
                            "message": str, "return": str}
    return tool


def new_team(
    client: openai.OpenAI, agents: dict[str, Agent], roles: dict[str, str] | None = None, *,
    contacts: dict[str, list[str]] | None = None, functions: list[Callable[..., str]] | None = None,
    **settings: Any,
) -> Team:
    """A team of agents, by name. `roles`: what each does. `contacts`: whom each may message (default: all others).

    Each agent gets `functions` (default: MemGPT's) and, if it has contacts, `send_message_to_agent`.
    An agent's "name" becomes its name in the team. `settings`: model, now, store, max_hops, max_calls, max_steps.
    """
    roles = roles or {}
    named = {*roles, *(contacts or {}), *(name for names in (contacts or {}).values() for name in names)}
    unknown = sorted(named - agents.keys())
    if unknown:
        raise ValueError(f"{', '.join(map(repr, unknown))} is not an agent of this team; its agents are: {', '.join(agents)}.")
    for name, agent in agents.items():
        if agent.get("name") not in ("", name):
            raise ValueError(f"The agent under {name!r} is called {agent['name']!r}; use its own name as its key.")
        agent["name"] = name
    tools = {}
    for name in agents:
        allowed = [other for other in agents if other != name] if contacts is None else contacts.get(name, [])
        reachable = {other: roles.get(other, "") for other in allowed if other != name}
        tools[name] = [*(functions or MEMGPT_FUNCTIONS), *([messaging_tool(reachable)] if reachable else [])]
    return Team(client=client, agents=agents, roles=roles, functions=tools, **settings)


def incoming_message(sender: str, hop: int, max_hops: int, message: str) -> str:
    """A message from another agent as its receiver reads it: who sent it, its hop, where the reply goes."""
    return INCOMING.format(sender=sender, hop=hop, max_hops=max_hops) + message


def send_message_to_agent(agent: Agent, team: Team, hop: int, agent_name: str, message: str) -> str:
    """Send a message to another agent of your team and wait for its reply, which comes back as this tool's result.

    Args:
        agent_name: The name of the agent to message, as your instructions or memory name it.
        message: What you ask or tell it, complete in itself: it sees this message, not your conversation.
    """
    sender = agent["name"]
    if agent_name not in team.agents or agent_name == sender:
        others = ", ".join(repr(name) for name in team.agents if name != sender)
        raise ValueError(f"{agent_name!r} is not another agent of your team. You can message: {others}.")
    if not message.strip():
        raise ValueError("The message is empty: put what you ask or tell the agent in 'message'.")
    if hop + 1 > team.max_hops:
        raise ValueError(
            f"hop limit reached: this message would be hop {hop + 1}, and messages between agents stop after "
            f"hop {team.max_hops}. Nothing was sent to {agent_name}. Reply with what you have, using send_message."
        )
    if team.calls >= team.max_calls:
        raise ValueError(f"This request has used all {team.max_calls} model calls the team may make. Nothing was "
                         f"sent to {agent_name}. Reply with what you have, using send_message.")
    if team.report:
        team.report({"type": "agent_message", "agent": sender, "hop": hop, "to": agent_name, "content": message})
    reply = _run(team, agent_name, incoming_message(sender, hop + 1, team.max_hops, message), hop + 1)
    return f"{agent_name} replied: {reply or '(nothing: it sent no message)'}"


# ---------------------------------------------------------------------------------------------
# A request: the user's message to one agent, and every step it leads to.
# ---------------------------------------------------------------------------------------------


def team_step(team: Team, name: str, message: str, *, on_event: Callable[[Event], None] | None = None) -> str:
    """The user's message to the agent called `name` (hop 0); returns its reply. Events carry "agent" and "hop"."""
    if name not in team.agents:
        raise ValueError(f"There is no agent called {name!r} in this team; its agents are: {', '.join(team.agents)}.")
    team.calls, team.report = 0, on_event
    try:
        return _run(team, name, message, 0)
    finally:
        team.report = None


def _run(team: Team, name: str, message: str, hop: int) -> str:
    """One step of one agent of the team, within the request's budget of model calls."""
    agent = team.agents[name]
    seen: set[int] = set()

    def report(event: Event) -> None:
        if event["type"] in ("thinking", "tool_call", "note") and event["call"] not in seen:
            seen.add(event["call"])  # a model call was made
            team.calls += 1
        if team.report:
            team.report({**event, "agent": name, "hop": hop})

    with _set_aside(team, name):
        team.steps.setdefault(name, []).append(len(agent["recall"]))  # its step's first message goes there
        try:
            return memgpt_step(team.client, agent, message, model=team.model, functions=team.functions[name],
                               max_steps=max(1, min(team.max_steps, team.max_calls - team.calls)), now=team.now,
                               on_event=report, store=team.store, context={"team": team, "hop": hop})
        finally:
            team.steps[name].pop()


@contextmanager
def _set_aside(team: Team, name: str) -> Iterator[None]:
    """While an agent that waits for a reply handles a new message, its unfinished step is set aside.

    Its context then ends with a complete turn, as every request must (a tool call is always followed by
    its result); afterwards the unfinished step is put back after the new one, and goes on.
    """
    agent, waiting = team.agents[name], team.steps.get(name)
    aside: list[dict[str, Any]] = []
    if waiting:
        opening = agent["recall"][waiting[-1]]["message"]  # the message its unfinished step started with
        start = next((i for i, m in enumerate(agent["messages"]) if m is opening), None)
        if start is None:
            raise ValueError(f"{name} is busy with a step whose start left its context; try again later.")
        aside = agent["messages"][start:]
        del agent["messages"][start:]
    try:
        yield
    finally:
        agent["messages"].extend(aside)


def print_team_event(event: Event) -> None:
    """Print one event of a team's request, indented by its hop: which agent did what."""
    print("    " * event.get("hop", 0) + describe_event(event))
