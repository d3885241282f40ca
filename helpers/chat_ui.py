"""A small chat widget for any agent: text box, Send button, transcript, live panels and a trace.

The logic (`Chat.send`, `Chat.panel_values`, the transcript and trace lists) works without a
browser, so it is unit-tested headless; `Chat.widget` is the ipywidgets view to display.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

import ipywidgets as widgets
import openai

from helpers.agent import Event, agent_step
from helpers.memgpt import AUTOMATED_PREFIX, describe_context_event

Respond = Callable[[str, Callable[[Event], None]], str]
Panels = Callable[[], dict[str, str]]

SPEAKERS = {"user": "You", "assistant": "Agent", "error": "Error"}
COLORS = {"user": "#1a5fb4", "assistant": "#26a269", "error": "#c01c28"}


class ChatBox(widgets.VBox):
    """The chat's container; its plain-text form is one line instead of every child's repr."""

    def __repr__(self) -> str:
        return "memory-lab chat widget (run the notebook to use it)"


@dataclass
class ChatViews:
    """The widgets a chat draws into."""

    input: widgets.Text
    send: widgets.Button
    transcript: widgets.HTML
    panels: dict[str, widgets.HTML]  # one per panel title
    trace: widgets.HTML
    accordion: widgets.Accordion  # holds the trace, collapsed at first
    gauge: widgets.HTML  # an optional picture above the panels (e.g. how full the context window is)


@dataclass(eq=False)
class Chat:
    """One chat: what was said, what the agent did, and the widgets that show it."""

    respond: Respond
    panels: Panels
    widget: ChatBox
    views: ChatViews
    transcript: list[tuple[str, str]] = field(default_factory=list)
    trace: list[Event] = field(default_factory=list)
    panel_text: dict[str, str] = field(default_factory=dict)  # what each panel shows, by title
    busy: bool = False
    gauge: Callable[[], str] | None = None  # HTML drawn above the panels, redrawn with them

    def send(self, text: str) -> str | None:
        """Send one user message: run the agent, record the reply (or the error), refresh the view."""
        text = text.strip()
        if not text or self.busy:  # busy: a message is still being answered
            return None
        self.busy = True
        self._set_enabled(False)
        self.transcript.append(("user", text))
        self._render()
        reply: str | None = None
        try:
            reply = self.respond(text, self._on_event)
            self.transcript.append(("assistant", reply))
        except Exception as error:  # shown in the transcript, so the widget keeps working
            self.transcript.append(("error", f"{type(error).__name__}: {error}"))
        finally:
            self.busy = False
            self.views.input.value = ""
            self._set_enabled(True)
            self._render()
        return reply

    def panel_values(self) -> dict[str, str]:
        """What each panel currently shows, by title."""
        return dict(self.panel_text)

    def _on_event(self, event: Event) -> None:
        """Record one agent event and refresh, so a save shows up in the panels at once."""
        self.trace.append(event)
        self._render()

    def _set_enabled(self, enabled: bool) -> None:
        """Grey out the input while the agent is working."""
        self.views.input.disabled = not enabled
        self.views.send.disabled = not enabled

    def _render(self) -> None:
        """Redraw the transcript, the panels and the trace from the chat's data."""
        self.views.transcript.value = render_transcript(self.transcript)
        self.panel_text = self.panels()
        for title, text in self.panel_text.items():
            view = self.views.panels.get(title)
            if view is not None:
                view.value = render_panel(title, text)
        self.views.trace.value = render_trace(self.trace)
        if self.gauge is not None:
            self.views.gauge.value = self.gauge()
        calls = sum(1 for event in self.trace if event.get("type") == "tool_call")
        self.views.accordion.set_title(0, f"Trace: {calls} tool call{'s' if calls != 1 else ''}")


def render_transcript(transcript: list[tuple[str, str]]) -> str:
    """The transcript as HTML, one line per message, text escaped."""
    if not transcript:
        return "<div style='color:#777'>Say something, e.g. “My name is Bob”, then press Enter.</div>"
    lines = [
        f"<div class='memory-lab-{role}'><b style='color:{COLORS.get(role, '#000')}'>"
        f"{SPEAKERS.get(role, role)}:</b> {escape(text)}</div>"
        for role, text in transcript
    ]
    return "<div style='max-height:320px; overflow-y:auto'>" + "".join(lines) + "</div>"


def render_panel(title: str, text: str) -> str:
    """One panel as HTML: its title, then its text as is (or "(empty)")."""
    body = escape(text) if text else "<i style='color:#777'>(empty)</i>"
    return f"<b>{escape(title)}</b><pre style='white-space:pre-wrap; margin:2px 0'>{body}</pre>"


def describe_event(event: Event) -> str:
    """One agent event as a line of text, labelled with its model call (and, in a team, its agent and hop)."""
    label = f"[call {event.get('call', '?')}]"
    if "agent" in event:  # a team's event (helpers.multi_agent): whose it is, how many hops from the user
        call = f", call {event['call']}" if "call" in event else ""
        label = f"[{event['agent']}, hop {event.get('hop', 0)}{call}]"
    if event.get("type") == "agent_message":
        return f"{label} message to {event['to']}: {event['content']}"
    if event.get("type") == "tool_call":
        return f"{label} {event['name']}({event['arguments']}) -> {event['result']}"
    if event.get("type") == "heartbeat":
        return f"{label} heartbeat event: {event['content'].removeprefix(AUTOMATED_PREFIX)}"
    if event.get("type") == "thinking":
        return f"{label} inner monologue: {event['content']}"
    if event.get("type") in ("warning", "summary"):
        return f"{label} {describe_context_event(event)}"
    if "content" in event:  # a reply, or a note from the loop
        return f"{label} {event.get('type', 'event')}: {event['content']}"
    return f"{label} {event}"


def render_trace(trace: list[Event]) -> str:
    """The trace as HTML, one line per event."""
    if not trace:
        return "<i style='color:#777'>No tool calls yet.</i>"
    return "<br>".join(f"<code>{escape(describe_event(event))}</code>" for event in trace)


def make_chat(
    respond: Respond, panels: Panels, *, title: str = "Chat with your agent", gauge: Callable[[], str] | None = None
) -> Chat:
    """A chat widget around `respond(user_text, on_event) -> reply`, with `panels()` (and a `gauge()`) beside it."""
    text_box = widgets.Text(placeholder="Type a message and press Enter", layout=widgets.Layout(width="70%"))
    send_button = widgets.Button(description="Send", button_style="primary")
    transcript_view = widgets.HTML()
    panel_views = {name: widgets.HTML() for name in panels()}
    trace_view = widgets.HTML()
    accordion = widgets.Accordion(children=[trace_view], selected_index=None)
    text_box.add_class("memory-lab-input")
    send_button.add_class("memory-lab-send")
    transcript_view.add_class("memory-lab-transcript")
    for view in panel_views.values():
        view.add_class("memory-lab-panel")
    accordion.add_class("memory-lab-trace")
    gauge_view = widgets.HTML()
    gauge_view.add_class("memory-lab-gauge")
    side = widgets.VBox([gauge_view, *panel_views.values()], layout=widgets.Layout(width="40%", padding="0 0 0 12px"))
    transcript_view.layout = widgets.Layout(width="60%")
    box = ChatBox([
        widgets.HTML(f"<h3 style='margin:4px 0'>{escape(title)}</h3>"),
        widgets.HBox([transcript_view, side]),
        widgets.HBox([text_box, send_button]),
        accordion,
    ])
    box.add_class("memory-lab-chat")
    views = ChatViews(input=text_box, send=send_button, transcript=transcript_view, panels=panel_views,
                      trace=trace_view, accordion=accordion, gauge=gauge_view)
    chat = Chat(respond=respond, panels=panels, widget=box, views=views, gauge=gauge)
    send_button.on_click(lambda _button: chat.send(text_box.value))
    with warnings.catch_warnings():
        # ipywidgets 8 calls on_submit deprecated, but it is the one event that means "Enter".
        warnings.simplefilter("ignore", DeprecationWarning)
        text_box.on_submit(lambda _box: chat.send(text_box.value))
    chat._render()
    return chat


def memory_chat(client: openai.OpenAI, memory: dict[str, str], *, model: str | None = None) -> Chat:
    """A chat with the lesson's agent (`helpers.agent_step`), one panel per memory section."""

    def respond(user_text: str, on_event: Callable[[Event], None]) -> str:
        return agent_step(client, user_text, memory, model=model, on_event=on_event)

    def panels() -> dict[str, str]:
        return {f"memory[{section!r}]": text for section, text in memory.items()}

    return make_chat(respond, panels, title="Chat with a memory agent")
