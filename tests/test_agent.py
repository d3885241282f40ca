"""The agentic loop against the offline tutor model: save, then reply, in one agent step."""

from __future__ import annotations

import pytest

from helpers.agent import agent_step, print_event
from helpers.backend import make_client
from helpers.memory import new_memory


@pytest.fixture(scope="module")
def client():
    return make_client()


def test_one_step_saves_then_replies(client):
    memory = new_memory()
    events: list[dict] = []
    reply = agent_step(client, "My name is Bob", memory, on_event=events.append)
    assert memory == {"human": "The human's name is Bob", "agent": ""}
    assert [event["type"] for event in events] == ["tool_call", "reply"]
    assert events[0]["name"] == "core_memory_save" and events[0]["step"] == 1
    assert events[0]["result"].startswith("Saved to 'human'")
    assert events[1] == {"type": "reply", "step": 2, "content": reply}
    assert "Bob" in reply


def test_the_next_step_answers_from_saved_memory(client):
    memory = new_memory()
    agent_step(client, "My name is Bob", memory)
    assert agent_step(client, "What is my name?", memory) == "Your name is Bob."


def test_the_correction_scenario(client):
    memory = {"human": "The human's name is Sarah", "agent": ""}
    reply = agent_step(client, "My name is actually Charles, not Sarah", memory)
    assert "Charles" in reply
    assert memory["human"].endswith("The human's name is Charles, not Sarah")
    assert agent_step(client, "What is my name?", memory) == "Your name is Charles."


def test_a_question_needs_no_tool(client):
    events: list[dict] = []
    memory = {"human": "The human's name is Ann", "agent": ""}
    assert agent_step(client, "who am I?", memory, on_event=events.append) == "Your name is Ann."
    assert [event["type"] for event in events] == ["reply"]
    assert memory == {"human": "The human's name is Ann", "agent": ""}


def test_print_event_shows_calls_and_replies(client, capsys):
    agent_step(client, "I live in Oslo", new_memory(), on_event=print_event)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == '[step 1] tool call: core_memory_save({"section": "human", "memory": "The human lives in Oslo"})'
    assert out[1].startswith("[step 1] tool result: Saved to 'human'")
    assert out[2].startswith("[step 2] reply:") and "Oslo" in out[2]


def test_max_steps_ends_the_step_and_keeps_what_was_saved(client):
    memory = new_memory()
    reply = agent_step(client, "My name is Bob", memory, max_steps=1)
    assert reply.startswith("(Stopped after 1 model call without a final reply.")
    assert memory["human"] == "The human's name is Bob"
