"""Bad tool calls: each is answered with a role="tool" message, the loop goes on, memory is kept.

The model here is scripted (tests/conftest.py): it answers with the turns each test lists, in order,
and records every request the agent sent, so the tests can check exactly what the model was told.
"""

from __future__ import annotations

from typing import Any

import pytest

from helpers.agent import EMPTY_RESPONSE_NOTE, agent_step, execute_tool_call, memory_functions
from helpers.memory import CORE_MEMORY_SAVE_TOOL


def assert_every_call_answered(request: dict[str, Any]) -> None:
    """What the real API checks: each assistant tool call is followed by a tool message with its id."""
    messages = request["messages"]
    for index, message in enumerate(messages):
        if message["role"] == "assistant":
            assert message.get("content") or message.get("tool_calls"), "empty assistant message sent"
        ids = [call["id"] for call in message.get("tool_calls") or []]
        answers = [m["tool_call_id"] for m in messages[index + 1 : index + 1 + len(ids)] if m["role"] == "tool"]
        assert answers == ids


def tool_messages(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The role="tool" messages of one request."""
    return [message for message in request["messages"] if message["role"] == "tool"]


SAVE = "core_memory_save"

# (case name, tool name, raw arguments, a phrase the error must contain)
BAD_CALLS = [
    ("invalid JSON", SAVE, '{"section": "human", "memory": ', "not valid JSON"),
    ("JSON with trailing text", SAVE, '{"section": "human", "memory": "x"} and more', "not valid JSON"),
    ("single quotes, not JSON", SAVE, "{'section': 'human', 'memory': 'x'}", "not valid JSON"),
    ("deeply nested JSON", SAVE, "[" * 100_000, "not valid JSON"),
    ("JSON array", SAVE, '["human", "Likes tea"]', "must be a JSON object, not array"),
    ("JSON string", SAVE, '"human"', "must be a JSON object, not string"),
    ("JSON number", SAVE, "42", "must be a JSON object, not integer"),
    ("JSON null", SAVE, "null", "must be a JSON object, not null"),
    ("missing memory", SAVE, '{"section": "human"}', "missing required argument 'memory'"),
    ("missing section", SAVE, '{"memory": "Likes tea"}', "missing required argument 'section'"),
    ("empty object", SAVE, "{}", "missing required argument 'section'"),
    ("empty arguments string", SAVE, "", "missing required argument 'memory'"),
    ("memory is a number", SAVE, '{"section": "human", "memory": 42}', "'memory' should be a string, not integer"),
    ("memory is null", SAVE, '{"section": "human", "memory": null}', "'memory' should be a string, not null"),
    ("section is a list", SAVE, '{"section": ["human"], "memory": "x"}', "'section' should be a string, not array"),
    ("memory is a boolean", SAVE, '{"section": "human", "memory": true}', "should be a string, not boolean"),
    ("extra argument", SAVE, '{"section": "human", "memory": "x", "priority": "high"}', "unexpected argument 'priority'"),
    ("unknown section", SAVE, '{"section": "pets", "memory": "Has a cat"}', "must be one of 'human', 'agent'"),
    ("section in the wrong case", SAVE, '{"section": "Human", "memory": "x"}', "must be one of 'human', 'agent'"),
    ("blank memory text", SAVE, '{"section": "human", "memory": "   "}', "nothing to save"),
    ("unknown tool", "core_memory_delete", '{"section": "human"}', "no tool called 'core_memory_delete'"),
    ("empty tool name", "", "{}", "no tool called ''"),
    ("tool name with spaces", " core_memory_save", "{}", "no tool called ' core_memory_save'"),
]


@pytest.mark.parametrize(("case", "name", "arguments", "phrase"), BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
def test_bad_tool_call_is_answered_and_the_loop_goes_on(case: str, name: str, arguments: str, phrase: str,
                                                        scripted_model) -> None:
    memory = {"human": "Name: Bob", "agent": "I am helpful."}
    before = dict(memory)
    model = scripted_model((None, [(name, arguments, "call_1")]), "Noted.")
    sent = model.requests

    reply = agent_step(model.client, "I like tea", memory, model="scripted")

    assert reply == "Noted."
    assert len(sent) == 2
    [answer] = tool_messages(sent[1])
    assert answer["tool_call_id"] == "call_1"
    assert answer["content"].startswith("Error: ")
    assert phrase in answer["content"]
    assert memory == before
    assert_every_call_answered(sent[1])


def test_section_missing_from_memory_names_the_sections_that_exist(scripted_model) -> None:
    memory = {"human": "Name: Bob"}  # a memory without the 'agent' section the schema allows
    model = scripted_model((None, [(SAVE, '{"section": "agent", "memory": "I like jokes"}', "call_1")]), "Ok.")
    sent = model.requests
    assert agent_step(model.client, "hi", memory, model="scripted") == "Ok."
    [answer] = tool_messages(sent[1])
    assert "no memory section called 'agent'" in answer["content"]
    assert "The sections are: human." in answer["content"]
    assert memory == {"human": "Name: Bob"}


def test_several_tool_calls_run_in_order_and_each_gets_its_own_answer(scripted_model) -> None:
    memory = {"human": "", "agent": ""}
    calls = [
        (SAVE, '{"section": "human", "memory": "Name: Ada"}', "call_a"),
        ("search_the_web", '{"query": "Ada"}', "call_b"),
        (SAVE, '{"section": "human", "memory": "Lives in Leeds"}', "call_c"),
        (SAVE, "not json", "call_d"),
        (SAVE, '{"section": "agent", "memory": "I call her Ada"}', "call_e"),
    ]
    model = scripted_model((None, calls), "Hello Ada!")
    sent = model.requests

    assert agent_step(model.client, "I'm Ada from Leeds", memory, model="scripted") == "Hello Ada!"

    answers = tool_messages(sent[1])
    assert [a["tool_call_id"] for a in answers] == ["call_a", "call_b", "call_c", "call_d", "call_e"]
    assert [a["content"].startswith("Error") for a in answers] == [False, True, False, True, False]
    assert memory == {"human": "Name: Ada\nLives in Leeds", "agent": "I call her Ada"}  # in call order
    assert_every_call_answered(sent[1])


EMPTY_ANSWERS = [None, "", "  \n ", {"id": "c", "object": "chat.completion", "created": 0, "model": "m", "choices": []}]


@pytest.mark.parametrize("empty", EMPTY_ANSWERS, ids=["content null", "content empty", "content blank", "no choices"])
def test_response_with_neither_content_nor_tool_calls_is_pointed_out(empty: Any, scripted_model) -> None:
    memory = {"human": "Name: Bob", "agent": ""}
    events: list[dict[str, Any]] = []
    model = scripted_model(empty, "Hi Bob.")
    sent = model.requests

    assert agent_step(model.client, "hello", memory, model="scripted", on_event=events.append) == "Hi Bob."

    last = sent[1]["messages"]
    assert last[-1] == {"role": "user", "content": EMPTY_RESPONSE_NOTE}
    assert [m["role"] for m in last] == ["system", "user", "user"]  # the empty message itself is not sent back
    assert [e["type"] for e in events] == ["note", "reply"]
    assert memory == {"human": "Name: Bob", "agent": ""}


def test_a_model_that_never_stops_is_cut_off_at_max_steps_and_keeps_what_it_saved(scripted_model) -> None:
    saves = [(None, [(SAVE, {"section": "human", "memory": f"fact {n}"})]) for n in range(3)]
    memory = {"human": "", "agent": ""}
    events: list[dict[str, Any]] = []
    model = scripted_model(*saves)
    sent = model.requests

    reply = agent_step(model.client, "tell me everything", memory, model="scripted", max_steps=3, on_event=events.append)

    assert "Stopped after 3 model calls" in reply and "max_steps" in reply
    assert len(sent) == 3
    assert memory["human"] == "fact 0\nfact 1\nfact 2"
    assert events[-1] == {"type": "reply", "call": 3, "content": reply}
    for request in sent:
        assert_every_call_answered(request)


def test_max_steps_defaults_to_ten(scripted_model) -> None:
    memory = {"human": "Name: Bob", "agent": ""}
    model = scripted_model(*[(None, [("no_such_tool", "{}")])] * 10)
    assert "Stopped after 10 model calls" in agent_step(model.client, "hi", memory, model="scripted")
    assert len(model.requests) == 10
    assert memory == {"human": "Name: Bob", "agent": ""}


def test_only_empty_responses_also_end_at_max_steps(scripted_model) -> None:
    model = scripted_model(None, None)
    assert "Stopped after 2 model calls" in agent_step(model.client, "hi", {"human": ""}, model="scripted", max_steps=2)
    assert len(model.requests) == 2


def test_max_steps_below_one_is_refused(scripted_model) -> None:
    model = scripted_model()
    with pytest.raises(ValueError, match="max_steps must be at least 1"):
        agent_step(model.client, "hi", {"human": ""}, model="scripted", max_steps=0)
    assert model.requests == []


def test_a_tool_that_crashes_is_reported_to_the_model_not_raised() -> None:
    def broken(section: str, memory: str) -> str:
        raise RuntimeError("disk full")

    call = {"id": "call_1", "function": {"name": SAVE, "arguments": '{"section": "human", "memory": "x"}'}}
    result = execute_tool_call(call, {SAVE: broken}, [CORE_MEMORY_SAVE_TOOL])
    assert result == "Error: the tool core_memory_save failed (RuntimeError: disk full)."


def test_a_good_call_still_works_between_the_bad_ones() -> None:
    memory = {"human": "", "agent": ""}
    call = {"id": "call_1", "function": {"name": SAVE, "arguments": '{"section": "human", "memory": "Name: Bob"}'}}
    result = execute_tool_call(call, memory_functions(memory), [CORE_MEMORY_SAVE_TOOL])
    assert result == "Saved to 'human' (9/2000 characters)."
    assert memory == {"human": "Name: Bob", "agent": ""}
