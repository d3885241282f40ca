"""The MemGPT chat widget, headless: replies, panels for the three memory tiers, the trace."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np

from helpers.archival import archival_insert
from helpers.backend import make_client
from helpers.memgpt import new_agent
from helpers.context import context_breakdown
from helpers.memgpt_chat import context_gauge, memgpt_chat, memgpt_panels
from helpers.recall import ticking_clock

SAVE_THEN_REPLY = [
    ("Saving.", [("core_memory_append", {"label": "human", "content": "The human's name is Bob", "request_heartbeat": True})]),
    ("Replying.", [("send_message", {"message": "Nice to meet you, Bob!", "request_heartbeat": False})]),
]


def chat_with(agent, client=None):
    clock = ticking_clock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc), timedelta(minutes=1))
    return memgpt_chat(client or make_client(), agent, now=clock)


def test_a_message_updates_transcript_panels_and_trace(scripted_model) -> None:
    agent = new_agent()
    chat = chat_with(agent, scripted_model(*SAVE_THEN_REPLY).client)
    before = chat.panel_values()
    assert before["Core memory: human"] == "[0/2000 characters]"
    assert before["Recall memory"].startswith("0 messages in all")
    chat.send("My name is Bob")
    assert chat.transcript == [("user", "My name is Bob"), ("assistant", "Nice to meet you, Bob!")]
    after = chat.panel_values()
    assert after["Core memory: human"] == "[23/2000 characters]\nThe human's name is Bob"
    assert after["Recall memory"] == "6 messages in all: 6 in the context window, 0 only in recall memory."
    assert [e["type"] for e in chat.trace] == ["thinking", "tool_call", "heartbeat", "thinking", "tool_call"]
    assert "[call 1] heartbeat event: Function called using request_heartbeat=true" in chat.views.trace.value
    assert list(after) == list(before)  # same panels, same order


def test_archival_panel_lists_the_latest_passages() -> None:
    agent = new_agent()
    archival_insert(agent["archival"], [f"note {n}" for n in range(7)], np.eye(7))
    text = memgpt_panels(agent)["Archival memory"]
    assert text.splitlines() == ["[7 passages]", "...", "2. note 2", "3. note 3", "4. note 4", "5. note 5", "6. note 6"]


def test_a_step_without_send_message_says_so_in_the_transcript(scripted_model) -> None:
    chat = memgpt_chat(scripted_model("Just thinking.").client, new_agent(), model="m")
    chat.send("Hello")
    assert "sent no message" in chat.transcript[-1][1]
    assert chat.trace == [{"type": "thinking", "call": 1, "content": "Just thinking."}]


def test_later_messages_see_what_earlier_ones_saved(scripted_model) -> None:
    model = scripted_model(*SAVE_THEN_REPLY, ("Answering.", [("send_message", {"message": "Bob.", "request_heartbeat": False})]))
    chat = chat_with(new_agent(), model.client)
    chat.send("My name is Bob")
    chat.send("What is my name?")
    assert chat.transcript[-1] == ("assistant", "Bob.")
    assert "The human's name is Bob" in model.requests[-1]["messages"][0]["content"]


def test_the_widget_has_the_shared_css_classes() -> None:
    chat = chat_with(new_agent())
    panels = chat.views.panels
    assert list(panels) == ["Core memory: persona", "Core memory: human", "Archival memory", "Recall memory",
                            "Context window"]
    assert all("memory-lab-panel" in view._dom_classes for view in panels.values())


def test_the_context_window_panel_and_gauge_follow_each_step(scripted_model) -> None:
    agent = new_agent(context_window=3000)
    chat = chat_with(agent, scripted_model(*SAVE_THEN_REPLY).client)
    before = chat.panel_values()["Context window"].splitlines()
    gauge = chat.views.gauge.value
    chat.send("My name is Bob")
    after = chat.panel_values()["Context window"].splitlines()
    parts = context_breakdown(agent)
    used = sum(tokens for name, tokens in parts.items() if name != "window")
    assert after[0] == f"{used:,} of 3,000 tokens ({used / 3000:.0%}); the warning comes at 75%"
    assert after[1:] == [f"{name}: {tokens:,}" for name, tokens in parts.items() if name != "window"]
    assert int(after[-1].split(": ")[1]) > int(before[-1].split(": ")[1])  # the messages grew
    assert chat.views.gauge.value != gauge and chat.views.gauge.value == context_gauge(parts)
    assert f"title='messages: {parts['messages']:,} tokens'" in chat.views.gauge.value
    assert "left:75%" in chat.views.gauge.value  # the warning line
