"""The chat widget of notebook 04 around the MemGPT agent: panels for its three tiers of memory, and a
stacked bar of its context window (what each part costs in tokens, and where the warning comes)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import openai

from helpers.agent import Event
from helpers.chat_ui import Chat, make_chat
from helpers.context import WARNING_FRACTION, context_breakdown
from helpers.memgpt import Agent, memgpt_step, memgpt_tools
from helpers.recall import Clock, utc_now

SHOWN_PASSAGES = 5  # the archival panel lists the latest few passages
# One colour per part of the context, in the order the request holds them.
PART_COLORS = {"instructions": "#9a9996", "memory metadata": "#c0bfbc", "core memory": "#26a269",
               "tools": "#1a5fb4", "summary": "#e5a50a", "messages": "#c061cb"}


def context_text(parts: dict[str, int]) -> str:
    """The context window as text: how full it is, then tokens per part."""
    window = parts["window"]
    used = sum(tokens for name, tokens in parts.items() if name != "window")
    lines = [f"{used:,} of {window:,} tokens ({used / window:.0%}); the warning comes at {WARNING_FRACTION:.0%}"]
    lines += [f"{name}: {tokens:,}" for name, tokens in parts.items() if name != "window"]
    return "\n".join(lines)


def context_gauge(parts: dict[str, int]) -> str:
    """The context window as an HTML stacked bar, one coloured segment per part, a line at the warning."""
    window = parts["window"]
    segments = "".join(
        f"<div title='{escape(name)}: {tokens:,} tokens' style='width:{100 * tokens / window:.2f}%; "
        f"background:{PART_COLORS.get(name, '#777')}'></div>"
        for name, tokens in parts.items() if name != "window" and tokens
    )
    marker = f"<div style='position:absolute; left:{WARNING_FRACTION:.0%}; top:-3px; bottom:-3px; border-left:2px dashed #c01c28'></div>"
    legend = " ".join(f"<span style='color:{PART_COLORS.get(name, '#777')}'>&#9632;</span>&nbsp;{escape(name)}"
                      for name in PART_COLORS)
    return (f"<b>Context window</b><div style='position:relative; display:flex; height:14px; margin:4px 0; "
            f"background:#f6f5f4; border:1px solid #ccc; overflow:visible'>{segments}{marker}</div>"
            f"<div style='font-size:11px; color:#555'>{legend}</div>")


def memgpt_panels(agent: Agent, tools: list[dict[str, Any]] | None = None) -> dict[str, str]:
    """Panel title -> text: each core memory block, the latest archival passages, recall counts, the context.

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
    panels["Context window"] = context_text(context_breakdown(agent, tools))
    return panels


def memgpt_chat(
    client: openai.OpenAI, agent: Agent, *, model: str | None = None, now: Clock = utc_now, **step_options: Any
) -> Chat:
    """A chat widget running `memgpt_step` on `agent`; the reply shown is what it sent with send_message."""

    def respond(user_text: str, on_event: Callable[[Event], None]) -> str:
        reply = memgpt_step(client, agent, user_text, model=model, now=now, on_event=on_event, **step_options)
        return reply or "(The agent sent no message this time: see its inner monologue in the trace.)"

    tools = memgpt_tools(step_options.get("functions"))
    return make_chat(respond, lambda: memgpt_panels(agent, tools), title="Chat with a MemGPT agent",
                     gauge=lambda: context_gauge(context_breakdown(agent, tools)))
