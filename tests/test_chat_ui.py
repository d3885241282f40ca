"""The chat widget, headless: send messages through its handlers and read what it shows."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from helpers.backend import make_client
from helpers.chat_ui import describe_event, make_chat, memory_chat
from helpers.memgpt import HEARTBEAT_REASON
from helpers.memory import new_memory


@pytest.fixture()
def client():
    return make_client()


def test_my_name_is_bob_saves_then_replies(client) -> None:
    memory = new_memory()
    chat = memory_chat(client, memory)
    assert chat.panel_values() == {"memory['human']": "", "memory['agent']": ""}
    reply = chat.send("My name is Bob")
    assert "Bob" in memory["human"]
    assert chat.panel_values()["memory['human']"] == memory["human"]
    assert "Bob" in chat.views.panels["memory['human']"].value
    assert chat.transcript[0] == ("user", "My name is Bob")
    assert chat.transcript[1] == ("assistant", reply)
    assert [event["type"] for event in chat.trace] == ["tool_call", "reply"]
    assert chat.trace[0]["name"] == "core_memory_save"
    assert "Bob" in chat.views.transcript.value
    assert "core_memory_save" in chat.views.trace.value
    assert chat.views.accordion.get_title(0) == "Trace: 1 tool call"


def test_send_button_and_enter_both_send(client) -> None:
    memory = new_memory()
    chat = memory_chat(client, memory)
    chat.views.input.value = "My name is Bob"
    chat.views.send.click()
    assert chat.transcript[0] == ("user", "My name is Bob")
    assert chat.views.input.value == ""
    chat.views.input.value = "What is my name?"
    chat.views.input._handle_string_msg(None, {"event": "submit"}, None)  # what pressing Enter sends
    assert chat.transcript[2] == ("user", "What is my name?")
    assert "Bob" in chat.transcript[3][1]
    assert not chat.views.input.disabled and not chat.views.send.disabled


def test_correction_updates_the_memory_panel(client) -> None:
    memory = {"human": "The human's name is Sarah", "agent": ""}
    chat = memory_chat(client, memory)
    before = chat.panel_values()["memory['human']"]
    chat.send("My name is actually Charles, not Sarah")
    after = chat.panel_values()["memory['human']"]
    assert after != before and "Charles" in after
    chat.send("What is my name?")
    assert "Charles" in chat.transcript[-1][1]


def test_blank_messages_are_ignored(client) -> None:
    chat = memory_chat(client, new_memory())
    assert chat.send("   ") is None
    assert chat.transcript == [] and chat.trace == []


def test_an_error_in_the_agent_is_shown_not_raised() -> None:
    def respond(text: str, on_event) -> str:
        raise RuntimeError("the server is down")

    chat = make_chat(respond, lambda: {"notes": "x"})
    assert chat.send("hello") is None
    assert chat.transcript[-1] == ("error", "RuntimeError: the server is down")
    assert "the server is down" in chat.views.transcript.value
    assert chat.send("again") is None  # the widget still works afterwards
    assert len(chat.transcript) == 4


def test_generic_chat_shows_panels_and_every_event() -> None:
    notes: list[str] = []

    def respond(text: str, on_event) -> str:
        notes.append(text)
        on_event({"type": "tool_call", "call": 1, "name": "note", "arguments": "{}", "result": "ok"})
        on_event({"type": "reply", "call": 2, "content": "noted"})
        return "noted"

    chat = make_chat(respond, lambda: {"Notes": "\n".join(notes)}, title="Notes <demo>")
    chat.send("buy <milk>")
    assert chat.panel_values() == {"Notes": "buy <milk>"}
    assert "buy &lt;milk&gt;" in chat.views.panels["Notes"].value  # text is escaped, not HTML
    assert len(chat.trace) == 2
    assert chat.views.trace.value == "<code>[call 1] note({}) -&gt; ok</code><br><code>[call 2] reply: noted</code>"


def test_a_send_while_the_agent_is_busy_does_nothing() -> None:
    inner: list[str | None] = []

    def respond(text: str, on_event) -> str:
        inner.append(chat.send("sent while busy"))  # e.g. a second Enter while the model is thinking
        return "ok"

    chat = make_chat(respond, lambda: {})
    assert chat.send("hello") == "ok"
    assert inner == [None]
    assert chat.transcript == [("user", "hello"), ("assistant", "ok")]
    assert not chat.busy and not chat.views.input.disabled


@pytest.mark.parametrize(
    ("event", "line"),
    [
        ({"type": "tool_call", "call": 2, "name": "save", "arguments": '{"a": 1}', "result": "Saved."},
         '[call 2] save({"a": 1}) -> Saved.'),
        ({"type": "reply", "call": 3, "content": "Hi!"}, "[call 3] reply: Hi!"),
        ({"type": "thinking", "call": 1, "content": "Hmm."}, "[call 1] inner monologue: Hmm."),
        ({"type": "heartbeat", "call": 1, "content": HEARTBEAT_REASON},
         "[call 1] heartbeat event: Function called using request_heartbeat=true, returning control"),
        ({"type": "custom"}, "[call ?] {'type': 'custom'}"),
    ],
)
def test_each_event_is_one_line_labelled_with_its_model_call(event, line) -> None:
    assert describe_event(event) == line


def test_widget_carries_the_css_classes() -> None:
    chat = make_chat(lambda text, on_event: "ok", lambda: {"A": ""})
    assert isinstance(chat.widget, widgets.VBox)
    classes = set()
    stack = [chat.widget]
    while stack:
        widget = stack.pop()
        classes.update(widget._dom_classes)
        stack.extend(getattr(widget, "children", ()))
    expected = {"memory-lab-input", "memory-lab-send", "memory-lab-transcript", "memory-lab-panel", "memory-lab-trace"}
    assert expected <= classes
    assert chat.views.accordion.selected_index is None  # the trace starts collapsed
