"""The MemGPT agent: core memory tools, context compilation, the heartbeat rule and events, recall and the window.

The model is scripted (tests/conftest.py): each test lists what the model answers, so these tests
check the loop, not what a tutor would say.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import httpx2
import pytest

import helpers.backend
from helpers.agent import EMPTY_RESPONSE_NOTE, execute_tool_call
from helpers.backend import make_client, model_name
from helpers.embeddings import embedding_model_name
from helpers.errors import AgentAPIError
from helpers.memgpt import (
    AUTOMATED_PREFIX,
    FAILED_REASON,
    HEARTBEAT_REASON,
    HUMAN_DESCRIPTION,
    MEMGPT_FUNCTIONS,
    PERSONA_DESCRIPTION,
    archival_memory_insert,
    bind_tools,
    build_memgpt_system_prompt,
    conversation_search,
    core_memory_append,
    core_memory_replace,
    heartbeat_requested,
    letta_time,
    memgpt_step,
    memgpt_tools,
    new_agent,
    print_memgpt_event,
    send_message,
)
from helpers.recall import ticking_clock

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def clock():
    return ticking_clock(START, timedelta(minutes=1))


def call(name: str, heartbeat: object = None, **arguments) -> tuple[str, dict]:
    """A tool call for the script; `heartbeat` None leaves request_heartbeat out."""
    if heartbeat is not None:
        arguments["request_heartbeat"] = heartbeat
    return name, arguments


def run(model, agent, text="Hi", **kwargs):
    events: list[dict] = []
    kwargs.setdefault("model", "scripted")
    reply = memgpt_step(model.client, agent, text, now=clock(), on_event=events.append, **kwargs)
    return reply, events


def heartbeat_events(request: dict) -> list[dict]:
    """The heartbeat events among a request's messages, parsed."""
    found = []
    for message in request["messages"]:
        if message["role"] == "user" and message["content"].startswith("{"):
            found.append(json.loads(message["content"]))
    return found


# --- the heartbeat rule ------------------------------------------------------------------------

HEARTBEAT_CASES = [
    # (what the model does, in order; model calls expected; what the user sees)
    ("send_message without heartbeat ends the step",
     [("Reply.", [call("send_message", False, message="Hello")])], 1, "Hello"),
    ("send_message with heartbeat gets another call",
     [("Say hi first.", [call("send_message", True, message="One moment")]),
      ("Done.", [call("send_message", False, message="Here it is")])], 2, "One moment\nHere it is"),
    ("an edit with heartbeat, then a reply",
     [("Save.", [call("core_memory_append", True, label="human", content="Likes tea")]),
      ("Reply.", [call("send_message", False, message="Noted")])], 2, "Noted"),
    ("an edit without heartbeat ends the step: the user hears nothing",
     [("Save.", [call("core_memory_append", False, label="human", content="Likes tea")])], 1, ""),
    ("inner monologue only ends the step",
     [("Just thinking.", [])], 1, ""),
    ("a failed tool gets another call even without heartbeat",
     [("Fix.", [call("core_memory_replace", False, label="human", old_content="absent", new_content="x")]),
      ("Tell.", [call("send_message", False, message="Sorry")])], 2, "Sorry"),
    ("bad arguments count as a failure",
     [("Oops.", [call("send_message", False)]),
      ("Again.", [call("send_message", False, message="Hi")])], 2, "Hi"),
    ("one heartbeat among several calls is enough",
     [("Both.", [call("core_memory_append", True, label="human", content="A"), call("send_message", False, message="B")]),
      ("Done.", [])], 2, "B"),
]


@pytest.mark.parametrize(("label", "turns", "calls", "seen"), HEARTBEAT_CASES, ids=[c[0] for c in HEARTBEAT_CASES])
def test_the_heartbeat_rule(label, turns, calls, seen, scripted_model) -> None:
    model = scripted_model(*turns)
    reply, events = run(model, new_agent())
    assert len(model.requests) == calls
    assert reply == seen


@pytest.mark.parametrize(
    ("value", "counts"),
    [(True, True), ("true", True), (" TRUE\n", True), ("True", True),
     (False, False), (None, False), (1, False), (0, False), ("yes", False), ("1", False), ("false", False),
     ("", False), ([True], False), ({"value": True}, False), (1.0, False)],
)
def test_request_heartbeat_is_true_or_the_string_true_and_nothing_else(value, counts, scripted_model) -> None:
    assert heartbeat_requested(value) is counts
    arguments = {"label": "human", "content": "Likes tea", "request_heartbeat": value}
    if value is None:
        del arguments["request_heartbeat"]  # left out: means false, and the call still runs
    model = scripted_model(("Save.", [("core_memory_append", arguments)]), ("Reply.", [call("send_message", False, message="Ok")]))
    agent = new_agent()
    reply, events = run(model, agent)
    assert agent["blocks"]["human"]["value"] == "Likes tea"  # it ran, whatever request_heartbeat said
    assert not events[1]["result"].startswith("Error")
    assert events[1]["heartbeat"] is counts
    assert len(model.requests) == (2 if counts else 1)
    assert reply == ("Ok" if counts else "")


def test_max_steps_bounds_a_model_that_always_asks_for_more(scripted_model) -> None:
    model = scripted_model(*[("Again.", [call("core_memory_append", True, label="human", content="x")])] * 5)
    agent = new_agent()
    reply, events = run(model, agent, max_steps=3)
    assert len(model.requests) == 3 and reply == ""
    assert events[-1] == {"type": "stopped", "call": 3,
                          "content": "(Stopped after 3 model calls: raise max_steps if the agent needs more.)"}
    assert [e["call"] for e in events if e["type"] == "heartbeat"] == [1, 2]  # none after the last call
    assert agent["messages"][-1]["role"] == "tool"


@pytest.mark.parametrize("max_steps", [0, -1])
def test_max_steps_below_one_is_refused_before_anything_happens(max_steps, scripted_model) -> None:
    model = scripted_model()
    agent = new_agent()
    with pytest.raises(ValueError, match="max_steps must be at least 1"):
        run(model, agent, max_steps=max_steps)
    assert model.requests == [] and agent["messages"] == [] and agent["recall"] == []


# --- heartbeat events -------------------------------------------------------------------------


def test_a_heartbeat_event_comes_before_the_next_call(scripted_model) -> None:
    model = scripted_model(("Save.", [call("core_memory_append", True, label="human", content="Likes tea")]),
                           ("Reply.", [call("send_message", False, message="Noted")]))
    agent = new_agent()
    run(model, agent)
    assert heartbeat_events(model.requests[0]) == []
    last = model.requests[1]["messages"][-1]
    assert last["role"] == "user"
    # user message 09:00, system prompt 09:01, assistant 09:02, tool result 09:03, heartbeat 09:04
    assert last["content"] == json.dumps({
        "type": "heartbeat",
        "reason": "[This is an automated system message hidden from the user] "
                  "Function called using request_heartbeat=true, returning control",
        "time": "2026-03-02 09:04:00 AM UTC+0000",
    })
    assert [m["role"] for m in model.requests[1]["messages"]] == ["system", "user", "assistant", "tool", "user"]
    assert [m["role"] for m in agent["messages"]] == ["user", "assistant", "tool", "user", "assistant", "tool"]


def test_after_a_failure_the_event_says_the_call_failed(scripted_model) -> None:
    failing = call("core_memory_replace", True, label="human", old_content="absent", new_content="x")
    model = scripted_model(("Fix.", [call("core_memory_append", True, label="human", content="A"), failing]),
                           ("Tell.", [call("send_message", False, message="Sorry")]))
    _, events = run(model, new_agent())
    assert heartbeat_events(model.requests[1])[0]["reason"] == FAILED_REASON  # a failure wins over a request
    assert FAILED_REASON == f"{AUTOMATED_PREFIX}Function call failed, returning control"
    assert {"type": "heartbeat", "call": 1, "content": FAILED_REASON} in events


def test_heartbeat_events_go_to_recall_but_no_search_finds_them(scripted_model) -> None:
    model = scripted_model(("Save.", [call("core_memory_append", True, label="human", content="Likes tea")]),
                           ("Reply.", [call("send_message", False, message="Noted")]))
    agent = new_agent()
    run(model, agent, "I like tea")
    entry = agent["recall"][3]
    assert entry["role"] == "user" and entry["message"] == agent["messages"][3]
    assert entry["text"] == ""  # nobody said it
    assert entry["timestamp"] == "2026-03-02T09:04:00+00:00"  # the time the event states
    for query in ("heartbeat", "function called returning control", "automated system message"):
        assert conversation_search(agent, query).startswith("No messages")
    assert conversation_search(agent, "tea").splitlines()[1:] == ["[2026-03-02 09:00] user: I like tea"]


def test_events_and_the_printed_trace_label_model_calls(scripted_model, capsys) -> None:
    model = scripted_model(("Saving.", [call("core_memory_append", True, label="human", content="A")]),
                           ("Replying.", [call("send_message", False, message="Hi")]))
    _, events = run(model, new_agent())
    assert [(e["type"], e["call"], e.get("heartbeat")) for e in events] == [
        ("thinking", 1, None), ("tool_call", 1, True), ("heartbeat", 1, None),
        ("thinking", 2, None), ("tool_call", 2, False),
    ]
    assert events[2] == {"type": "heartbeat", "call": 1, "content": HEARTBEAT_REASON}
    for event in events:
        print_memgpt_event(event)
    assert capsys.readouterr().out.splitlines() == [
        "[call 1] inner monologue: Saving.",
        '[call 1] core_memory_append({"label": "human", "content": "A", "request_heartbeat": true})',
        "[call 1]   -> Block 'human' now holds 1/2000 characters.  (heartbeat requested)",
        "[call 1] heartbeat event: Function called using request_heartbeat=true, returning control",
        "[call 2] inner monologue: Replying.",
        '[call 2] send_message({"message": "Hi", "request_heartbeat": false})',
        "[call 2]   -> Message sent to the user.  (no heartbeat)",
    ]


def test_letta_time_reads_like_letta_s() -> None:
    assert letta_time(datetime(2026, 3, 2, 9, 4, tzinfo=timezone.utc)) == "2026-03-02 09:04:00 AM UTC+0000"
    assert letta_time(datetime(2026, 3, 2, 0, 5)) == "2026-03-02 12:05:00 AM"
    later = datetime(2026, 3, 2, 21, 30, 15, tzinfo=timezone(timedelta(hours=-8), "PST"))
    assert letta_time(later) == "2026-03-02 09:30:15 PM PST-0800"


# --- what the model sends that the loop must not pass on ---------------------------------------

EMPTY = {"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": []}


@pytest.mark.parametrize("empty", [None, "", "   ", EMPTY], ids=["content null", "content empty", "content blank", "no choices"])
def test_an_empty_answer_is_not_stored_and_the_model_is_told(empty, scripted_model) -> None:
    model = scripted_model(empty, ("Reply.", [call("send_message", False, message="Hi")]))
    agent = new_agent()
    reply, events = run(model, agent)
    assert reply == "Hi" and len(model.requests) == 2
    assert model.requests[1]["messages"][1:] == [{"role": "user", "content": "Hi"},
                                                 {"role": "user", "content": EMPTY_RESPONSE_NOTE}]
    assert all(m.get("content") or m.get("tool_calls") for m in agent["messages"] if m["role"] == "assistant")
    assert events[0] == {"type": "note", "call": 1, "content": EMPTY_RESPONSE_NOTE}
    assert agent["recall"][1]["text"] == ""  # the note is the loop's, not the user's


def test_only_empty_answers_stop_at_max_steps(scripted_model) -> None:
    model = scripted_model(None, EMPTY)
    reply, events = run(model, new_agent(), max_steps=2)
    assert reply == "" and len(model.requests) == 2
    assert [e["type"] for e in events] == ["note", "note", "stopped"]


# --- settings: the models, resolved once per step ----------------------------------------------


def test_the_agents_models_are_used_unless_the_call_names_others(scripted_model) -> None:
    turns = [("Save.", [call("archival_memory_insert", False, content="The human's cat is Tom")])]
    agent = new_agent(model="agent-chat", embedding_model="agent-embed")
    model = scripted_model(*turns * 2)
    memgpt_step(model.client, agent, "Remember my cat", now=clock())
    memgpt_step(model.client, agent, "Remember my cat", model="chat-arg", embedding_model="embed-arg", now=clock())
    assert [r["model"] for r in model.requests] == ["agent-chat", "chat-arg"]
    assert [r["model"] for r in model.embedding_requests] == ["agent-embed", "embed-arg"]


def test_without_settings_the_backends_defaults_are_used_and_env_is_read_once(scripted_model, monkeypatch) -> None:
    reads: list[int] = []
    monkeypatch.setattr(helpers.backend, "load_env", lambda: reads.append(1))
    model = scripted_model(
        ("Save.", [call("archival_memory_insert", True, content="The human's cat is Tom")]),
        ("Look.", [call("archival_memory_search", True, query="cat")]),
        ("Reply.", [call("send_message", False, message="Tom")]),
    )
    memgpt_step(model.client, new_agent(), "Remember my cat", now=clock())
    assert len(model.requests) == 3 and len(model.embedding_requests) == 2
    assert len(reads) == 1  # one .env read for the whole step
    assert {r["model"] for r in model.requests} == {model_name()}
    assert {r["model"] for r in model.embedding_requests} == {embedding_model_name()}


def test_new_agents_have_every_key_of_the_state() -> None:
    agent = new_agent(model="m")
    assert set(agent) == {"name", "system", "blocks", "messages", "summary", "context_window", "model",
                          "embedding_model", "recall", "archival", "token_ratio"}
    assert (agent["name"], agent["summary"], agent["model"], agent["embedding_model"]) == ("", "", "m", None)
    for block in agent["blocks"].values():
        assert set(block) == {"value", "limit", "description", "read_only"}
        assert block["description"] and "\n" not in block["description"] and block["read_only"] is False


# --- every request -------------------------------------------------------------------------------


def test_every_request_offers_all_tools_with_a_required_heartbeat_and_fresh_memory(scripted_model) -> None:
    model = scripted_model(("Save.", [call("core_memory_append", True, label="human", content="Likes tea")]),
                           ("Reply.", [call("send_message", False, message="Noted")]))
    run(model, new_agent())
    for request in model.requests:
        names = [tool["function"]["name"] for tool in request["tools"]]
        assert names == [fn.__name__ for fn in MEMGPT_FUNCTIONS]
        for tool in request["tools"]:
            parameters = tool["function"]["parameters"]
            assert parameters["properties"]["request_heartbeat"]["type"] == "boolean"
            assert "request_heartbeat" in parameters["required"]
            assert "agent" not in parameters["properties"] and "embed" not in parameters["properties"]
    # the second call sees the edit made by the first
    assert "Likes tea" not in model.requests[0]["messages"][0]["content"]
    assert '<human characters="9/2000" description="' in model.requests[1]["messages"][0]["content"]
    assert '">\nLikes tea\n</human>' in model.requests[1]["messages"][0]["content"]


def test_functions_limit_the_tools_offered(scripted_model) -> None:
    model = scripted_model(("Reply.", [call("send_message", False, message="Hi")]))
    run(model, new_agent(), functions=[send_message, core_memory_append])
    assert [tool["function"]["name"] for tool in model.requests[0]["tools"]] == ["send_message", "core_memory_append"]


def test_api_failures_become_one_clear_error(scripted_model) -> None:
    model = scripted_model(httpx2.Response(401, json={"error": {"message": "bad key", "type": "invalid_request_error"}}))
    with pytest.raises(AgentAPIError, match="OPENAI_API_KEY"):
        run(model, new_agent())


# --- core memory tools -------------------------------------------------------------------------


def test_append_adds_lines_and_replace_swaps_exact_text() -> None:
    agent = new_agent(human="The human's name is Sarah")
    assert "45/2000" in core_memory_append(agent, "human", "The human likes tea")
    assert agent["blocks"]["human"]["value"] == "The human's name is Sarah\nThe human likes tea"
    core_memory_replace(agent, "human", "The human's name is Sarah", "The human's name is Charles")
    assert agent["blocks"]["human"]["value"] == "The human's name is Charles\nThe human likes tea"
    core_memory_replace(agent, "human", "The human likes tea", "")
    assert agent["blocks"]["human"]["value"] == "The human's name is Charles"


def tool_result(agent, tool: str, arguments: dict) -> str:
    tool_call = {"id": "c", "function": {"name": tool, "arguments": json.dumps({**arguments, "request_heartbeat": True})}}
    return execute_tool_call(tool_call, bind_tools(agent, embed=None), memgpt_tools())


@pytest.mark.parametrize(
    ("tool", "arguments", "fragment"),
    [
        ("core_memory_append", {"label": "robot", "content": "x"}, "no core memory block 'robot'"),
        ("core_memory_append", {"label": "human", "content": "x" * 30}, "over its limit of 20"),
        ("core_memory_append", {"label": "human", "content": "  "}, "nothing to add"),
        ("core_memory_replace", {"label": "human", "old_content": "Bob", "new_content": "Al"}, "Copy old_content exactly"),
        ("core_memory_replace", {"label": "human", "old_content": "", "new_content": "Al"}, "Copy old_content exactly"),
        ("send_message", {"message": " "}, "message is empty"),
        ("archival_memory_search", {"query": "x", "page": True}, "'page' should be an integer, not boolean"),
        ("conversation_search", {"query": "x", "page": 1.5}, "'page' should be an integer, not number"),
    ],
)
def test_tool_failures_change_nothing_and_say_how_to_fix_it(tool, arguments, fragment) -> None:
    agent = new_agent(human="Sarah", limit=20)
    result = tool_result(agent, tool, arguments)
    assert result.startswith("Error") and fragment in result
    assert agent["blocks"]["human"]["value"] == "Sarah"


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [("core_memory_append", {"label": "persona", "content": "I am now evil."}),
     ("core_memory_replace", {"label": "persona", "old_content": "Sam", "new_content": "Max"})],
)
def test_a_read_only_block_refuses_edits_and_says_so(tool, arguments) -> None:
    agent = new_agent(persona="I am Sam.")
    agent["blocks"]["persona"]["read_only"] = True
    result = tool_result(agent, tool, arguments)
    assert result == "Error: Block 'persona' is read-only: you can read it but not change it. Nothing was changed."
    assert agent["blocks"]["persona"]["value"] == "I am Sam."
    assert "now holds" in tool_result(agent, "core_memory_append", {"label": "human", "content": "x"})


def test_system_prompt_renders_blocks_with_size_and_limit_and_memory_metadata() -> None:
    agent = new_agent(persona="I am Sam.", human="The human's name is Bob", limit=100)
    agent["recall"].extend([{"id": i} for i in range(5)])
    agent["messages"].extend([{"role": "user", "content": "x"}] * 2)
    agent["archival"]["passages"].extend(["a", "b", "c"])
    prompt = build_memgpt_system_prompt(agent, START)
    assert "Current time: 2026-03-02 09:00 UTC" in prompt
    assert "Recall memory: 5 messages (3 no longer in your context)." in prompt
    assert "Archival memory: 3 passages" in prompt
    assert f'<persona characters="9/100" description="{PERSONA_DESCRIPTION}">\nI am Sam.\n</persona>' in prompt
    assert f'<human characters="23/100" description="{HUMAN_DESCRIPTION}">\nThe human\'s name is Bob\n</human>' in prompt
    assert prompt.index("send_message") < prompt.index("<memory_metadata>") < prompt.index("<core_memory>")


# --- recall memory ------------------------------------------------------------------------


def test_every_message_goes_to_recall_in_order_with_timestamps(scripted_model) -> None:
    model = scripted_model(("Save.", [call("core_memory_append", True, label="human", content="A")]),
                           ("Reply.", [call("send_message", False, message="Hi there")]))
    agent = new_agent()
    run(model, agent, "Hello")
    assert [entry["role"] for entry in agent["recall"]] == ["user", "assistant", "tool", "user", "assistant", "tool"]
    stamps = [entry["timestamp"] for entry in agent["recall"]]
    assert stamps == sorted(stamps) and stamps[0] == "2026-03-02T09:00:00+00:00"
    assert agent["recall"][4]["text"] == "Hi there"  # what the agent said, not its monologue
    assert agent["recall"][4]["message"]["content"] == "Reply."  # the monologue is kept too
    assert [entry["message"] for entry in agent["recall"]] == agent["messages"]


def test_the_offline_agent_answers_through_send_message() -> None:
    agent = new_agent()
    reply = memgpt_step(make_client(), agent, "Hello there", now=clock())
    assert reply and agent["messages"][-1]["role"] == "tool"
    assert any(call["function"]["name"] == "send_message" for call in agent["messages"][-2]["tool_calls"])


def test_archival_insert_tool_embeds_with_the_given_embedder() -> None:
    agent = new_agent()
    seen: list[list[str]] = []

    def embed(texts):
        seen.append(texts)
        return [[1.0, 0.0]]

    assert archival_memory_insert(agent, embed, "The human's cat is Tom").startswith("Saved as passage 0")
    assert seen == [["The human's cat is Tom"]]
