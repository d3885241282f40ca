"""The chat widget of notebook 04 around the MemGPT agent, with panels for its three tiers of memory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import openai

from helpers.agent import Event
from helpers.chat_ui import Chat, make_chat
from helpers.memgpt import Agent, memgpt_step
from helpers.recall import Clock, utc_now

SHOWN_PASSAGES = 5  # the archival panel lists the latest few passages


def memgpt_panels(agent: Agent) -> dict[str, str]:
    """Panel title -> text: each core memory block, the latest archival passages, recall counts.

    The titles stay the same from message to message (the widget keeps one view per title).
    """
    panels = {
        f"Core memory: {label}": f"[{len(block['value'])}/{block['limit']} characters]\n{block['value']}".rstrip()
        for label, block in agent["blocks"].items()
    }
    passages = agent["archival"]["passages"]
    latest = [f"{n}. {text}" for n, text in enumerate(passages)][-SHOWN_PASSAGES:]
    skipped = ["..."] if len(passages) > SHOWN_PASSAGES else []
    panels["Archival memory"] = "\n".join([f"[{len(passages)} passages]", *skipped, *latest])
    recalled, in_context = len(agent["recall"]), len(agent["messages"])
    panels["Recall memory"] = (
        f"{recalled} messages in all: {in_context} in the context window, "
        f"{max(recalled - in_context, 0)} only in recall memory."
    )
    return panels


def memgpt_chat(
    client: openai.OpenAI, agent: Agent, *, model: str | None = None, now: Clock = utc_now, **step_options: Any
) -> Chat:
    """A chat widget running `memgpt_step` on `agent`; the reply shown is what it sent with send_message."""

    def respond(user_text: str, on_event: Callable[[Event], None]) -> str:
        reply = memgpt_step(client, agent, user_text, model=model, now=now, on_event=on_event, **step_options)
        return reply or "(The agent sent no message this time: see its inner monologue in the trace.)"

    return make_chat(respond, lambda: memgpt_panels(agent), title="Chat with a MemGPT agent")
