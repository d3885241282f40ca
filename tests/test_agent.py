"""The agentic loop: save, then reply, in one agent step (offline tutor and scripted model)."""

from __future__ import annotations

import json

import pytest

import helpers.backend
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
    assert events[0]["name"] == "core_memory_save" and events[0]["call"] == 1
    assert events[0]["result"].startswith("Saved to 'human'")
    assert events[1] == {"type": "reply", "call": 2, "content": reply}
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


def test_print_event_labels_each_line_with_its_model_call(scripted_model, capsys):
    arguments = {"section": "human", "memory": "The human lives in Oslo"}
    model = scripted_model((None, [("core_memory_save", arguments)]), "Oslo is lovely.")
    agent_step(model.client, "I live in Oslo", new_memory(), model="scripted", on_event=print_event)
    assert capsys.readouterr().out.splitlines() == [
        f"[call 1] tool call: core_memory_save({json.dumps(arguments)})",
        "[call 1] tool result: Saved to 'human' (23/2000 characters).",
        "[call 2] reply: Oslo is lovely.",
    ]


def test_the_model_and_env_are_resolved_once_per_step(scripted_model, monkeypatch):
    reads: list[int] = []
    monkeypatch.setattr(helpers.backend, "load_env", lambda: reads.append(1))
    model = scripted_model((None, [("core_memory_save", {"section": "human", "memory": "x"})]), "Done.")
    agent_step(model.client, "hi", new_memory())
    assert len(model.requests) == 2 and len(reads) == 1
    assert [request["model"] for request in model.requests] == [helpers.backend.model_name()] * 2


def test_max_steps_ends_the_step_and_keeps_what_was_saved(client):
    memory = new_memory()
    reply = agent_step(client, "My name is Bob", memory, max_steps=1)
    assert reply.startswith("(Stopped after 1 model call without a final reply.")
    assert memory["human"] == "The human's name is Bob"
