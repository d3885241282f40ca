"""The team chat of notebook 12: you talk to one agent of a team; the panels show every agent's memory.

A shared block has one panel, titled with the agents that hold it; every other block has its own. The
"Between agents" panel lists the messages the agents sent each other for the latest request, and the
trace shows every event, labelled with its agent and hop. The logic runs headless, as `Chat` does.
"""

from __future__ import annotations

from collections.abc import Callable

from helpers.agent import Event
from helpers.chat_ui import Chat, make_chat
from helpers.memgpt import Block
from helpers.multi_agent import Team, shared_blocks, team_step


def block_text(block: Block) -> str:
    """A block as a panel shows it: how full it is, then its text."""
    return f"[{len(block['value'])}/{block['limit']} characters]\n{block['value']}".rstrip()


def exchange_line(event: Event) -> str | None:
    """One line of the conversation between agents, from a team event (None for the other events)."""
    indent = "  " * max(event.get("hop", 0), 0)
    if event.get("type") == "agent_message":
        return f"{indent}{event['agent']} → {event['to']} (hop {event['hop'] + 1}): {event['content']}"
    if event.get("type") == "tool_call" and event.get("name") == "send_message_to_agent":
        return f"{indent}{event['agent']} ← {event['result']}"
    return None


def team_panels(team: Team, exchanges: list[str]) -> dict[str, str]:
    """Panel title -> text: each shared block once, each agent's other blocks, the messages between agents."""
    shared = shared_blocks(team.agents)
    held = {(name, label) for label, names in shared for name in names}
    panels = {f"Shared block: {label} ({', '.join(names)})": block_text(team.agents[names[0]]["blocks"][label])
              for label, names in shared}
    for name, agent in team.agents.items():
        panels.update({f"{name}: {label}": block_text(block) for label, block in agent["blocks"].items()
                       if (name, label) not in held})
    panels["Between agents"] = "\n".join(exchanges) or "(no message between agents in the latest request)"
    return panels


def team_chat(team: Team, to: str) -> Chat:
    """A chat widget in which the user talks to the agent called `to`, which may message the others."""
    exchanges: list[str] = []

    def respond(user_text: str, on_event: Callable[[Event], None]) -> str:
        exchanges.clear()  # the panel shows the latest request's messages

        def record(event: Event) -> None:
            line = exchange_line(event)
            if line:
                exchanges.append(line)
            on_event(event)

        reply = team_step(team, to, user_text, on_event=record)
        return reply or f"({to} sent no message this time: see the trace.)"

    return make_chat(respond, lambda: team_panels(team, exchanges), title=f"Chat with a team: you talk to {to}")
