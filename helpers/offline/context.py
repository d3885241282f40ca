"""The request as the tutor reads it: who is speaking, what memory holds, what the tools answered.

Messages that are not the user speaking (Letta's heartbeat events and system alerts, the course's
memory warnings, the agent loop's own notes) never start a new user turn. Letta's JSON wrappers are
unwrapped: a user message's "message", a tool result's "status" and "message".
"""

from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from helpers.offline.language import Fact, record
from helpers.offline.phrasings import link_people, people_in
from helpers.offline.statements import read_message
from helpers.tokens import content_text as message_text  # one reading of a message's content, shared

ALERT_TYPES = ("heartbeat", "system_alert", "login")
ALERT_OPENINGS = (
    "[This is an automated system message hidden from the user]",
    "Warning: the conversation history will soon reach its maximum length",
    "Note: prior messages (",
    "(Note from the agent loop",
)
SUMMARY_OPENING = "Note: prior messages ("


def _json_object(text: str) -> dict[str, Any] | None:
    """The JSON object a text holds, if it is one."""
    stripped = text.strip()
    if not stripped.startswith("{"):
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def is_alert(text: str) -> bool:
    """Whether a user- or system-role text is an event, not the user speaking (heartbeat, alert, warning)."""
    packed = _json_object(text)
    if packed is not None and packed.get("type") in ALERT_TYPES:
        return True
    return text.lstrip().startswith(ALERT_OPENINGS)


def spoken_text(text: str) -> str:
    """What the user said: Letta's {"type": "user_message", "message": ...} unwrapped, else the text."""
    packed = _json_object(text)
    if packed is not None and packed.get("type") == "user_message" and isinstance(packed.get("message"), str):
        return packed["message"]
    return text


@dataclass(frozen=True)
class ToolResult:
    """A tool result, unwrapped: Letta's {"status": "OK"|"Failed", "message": ...} or plain text."""

    text: str
    failed: bool


def tool_result(content: Any) -> ToolResult:
    """Read a tool message's content: a Letta status wrapper, or text ("Error: ..." means it failed)."""
    text = message_text(content)
    packed = _json_object(text)
    if packed is not None and "status" in packed:
        message = packed.get("message")
        inner = message if isinstance(message, str) else json.dumps(message) if message is not None else ""
        status = str(packed.get("status")).lower()
        return ToolResult(inner, status not in ("ok", "success", "succeeded") or inner.lstrip().lower().startswith("error"))
    return ToolResult(text, text.lstrip().lower().startswith("error"))


@dataclass(frozen=True)
class Call:
    """A tool call made in this turn, with its result."""

    name: str
    arguments: dict[str, Any]
    result: ToolResult


# ---------------------------------------------------------------------------------------------
# Memory in the system prompt
# ---------------------------------------------------------------------------------------------

PERSONA_LABELS = ("persona", "agent", "assistant", "self", "system")
BLOCK = re.compile(r"<(?P<label>[A-Za-z_][\w\-]*)(?P<attrs>[^>]*)>\n?(?P<body>.*?)\n?</(?P=label)>", re.S)
CONTAINERS = ("memory", "core_memory", "memory_blocks")
LINE_NUMBER = re.compile(r"^Line \d+: ")
HUMAN_LABEL = re.compile(r"(?i)human|user|person|people|profile|customer|client|friend|fact|preference")
ABOUT_THE_HUMAN = re.compile(r"(?i)\b(?:about|of) (?:the |this )?(?:user|human|person|people)\b|\b(?:user|human|person)'s\b"
                             r"|\bwhat you know\b")


@dataclass(frozen=True)
class MemoryLine:
    """One line of a memory block, exactly as the block holds it."""

    block: str
    text: str


def _description(attributes: str, body: str) -> str:
    """A block's description: the course's description="..." attribute, or Letta's <description> element."""
    found = re.search(r'description="([^"]*)"', attributes) or re.search(r"<description>\n?(.*?)\n?</description>", body, re.S)
    return html.unescape(found.group(1)).strip() if found else ""


def memory_blocks(text: str) -> list[tuple[str, str, str]]:
    """(label, description, value) of each memory block in a system prompt, in any of the layouts it reads."""
    found: list[tuple[str, str, str]] = []
    for container in CONTAINERS:
        for region in re.finditer(rf"<{container}>(.*?)</{container}>", text, re.S):
            for block in BLOCK.finditer(region.group(1)):
                body = block.group("body")
                value = re.search(r"<value>\n?(.*?)\n?</value>", body, re.S)  # Letta 0.12+ layout
                found.append((block.group("label"), _description(block.group("attrs"), body), value.group(1) if value else body))
    classic = re.search(r"Core memory shown below[^\n]*\n(.*)", text, re.S)  # Letta 0.5 layout
    if classic and not found:
        found.extend((block.group("label"), "", block.group("body")) for block in BLOCK.finditer(classic.group(1)))
    return found


def about_the_human(label: str, description: str) -> bool:
    """Whether a block holds what is known about the human: its label or description says so, or it has none.

    A block of tasks, notes or rules (notebook 10) says what it is for, and is not read as facts about the human.
    """
    if label.lower() in PERSONA_LABELS:
        return False
    return not description or bool(HUMAN_LABEL.search(label) or ABOUT_THE_HUMAN.search(description))


def memory_lines(text: str) -> list[MemoryLine]:
    """The lines of memory about the human in a system prompt; loose prompts give every line."""
    blocks = memory_blocks(text)
    lines: list[MemoryLine] = []
    if blocks:
        for label, description, value in blocks:
            if not about_the_human(label, description):
                continue
            for line in html.unescape(value).splitlines():
                line = LINE_NUMBER.sub("", line.strip())
                if line and not line.startswith("# NOTE: Line numbers"):
                    lines.append(MemoryLine(label, line))
        return lines
    packed = _json_object(text[text.find("{") :]) if "{" in text else None
    for key, value in (packed or {}).items():
        if isinstance(value, str) and key.lower() not in PERSONA_LABELS:
            lines.extend(MemoryLine(key, line.strip()) for line in value.splitlines() if line.strip())
    lines.extend(MemoryLine("", line.strip()) for line in text.splitlines() if record(line, any_key=False))
    return lines


# ---------------------------------------------------------------------------------------------
# Search results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One search result: its text, who said it (recall) and when, if the result says."""

    text: str
    role: str | None = None
    time: str | None = None


COURSE_LINE = re.compile(
    r"^(?:\d+\.\s*)?(?:\(similarity [^)]*\)\s*)?(?:\[(?P<time>[^\]]*)\]\s*)?(?:(?P<role>user|assistant):\s*)?(?P<text>.*\S)\s*$"
)
LETTA_ENTRY = re.compile(r"^timestamp: (?P<time>[^,]*), (?:memory: |(?P<role>user|assistant|tool|system) - )(?P<text>.*)$", re.S)
EMPTY_RESULT = re.compile(r"^(?:no results|no messages|archival memory is empty|nothing found|\[\]$)", re.I)


TIME = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<hm>\d{1,2}:\d{2})(?::\d{2}(?:\.\d+)?)?\s*(?P<ampm>[AP]M)?")


def tidy_time(stamp: Any) -> str | None:
    """A timestamp as "2024-09-30 18:12" (or "... 06:12 PM" as Letta writes it), or None."""
    match = TIME.search(str(stamp)) if stamp else None
    if not match:
        return str(stamp) if stamp else None
    return f"{match.group('date')} {match.group('hm')}" + (f" {match.group('ampm')}" if match.group("ampm") else "")


def _hit_from_dict(entry: dict[str, Any]) -> Hit | None:
    """A hit from a dict result (newer Letta): content/text/memory/message, timestamp, role."""
    for name in ("content", "text", "memory", "message", "passage"):
        value = entry.get(name)
        if isinstance(value, str) and value.strip():
            role = entry.get("role") if isinstance(entry.get("role"), str) else None
            time = entry.get("timestamp") or entry.get("time") or entry.get("created_at")
            return Hit(spoken_text(value).strip(), role, tidy_time(time))
    return None


def _hits_from_json(value: Any) -> list[Hit]:
    """Hits from a parsed JSON result: a list of strings or dicts, or {"results": [...]}."""
    if isinstance(value, dict):
        for name in ("results", "passages", "messages", "data"):
            if isinstance(value.get(name), list):
                return _hits_from_json(value[name])
        hit = _hit_from_dict(value)
        return [hit] if hit else []
    hits: list[Hit] = []
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, dict):
            hit = _hit_from_dict(entry)
        elif isinstance(entry, str) and (letta := LETTA_ENTRY.match(entry)):
            hit = Hit(spoken_text(letta.group("text")).strip(), letta.group("role"), tidy_time(letta.group("time")))
        elif isinstance(entry, str):
            hit = Hit(entry)
        else:
            hit = None
        if hit and hit.text:
            hits.append(hit)
    return hits


def search_hits(result: str) -> list[Hit]:
    """The hits in a search tool's result, in the order given, in any of the formats it reads."""
    text = result.strip()
    if not text or EMPTY_RESULT.match(text):
        return []
    if text[0] in "[{":
        try:
            return _hits_from_json(json.loads(text))
        except ValueError:
            pass
    showing = re.match(r"^Showing \d+ (?:of \d+ )?results[^:]*:\s*(?P<list>\[.*\])\s*$", text, re.S)
    if showing:
        try:
            return _hits_from_json(json.loads(showing.group("list")))
        except ValueError:
            return []
    lines = text.splitlines()
    if lines and lines[0].rstrip().endswith(":"):
        lines = lines[1:]  # the course's header line
    hits = []
    for line in lines:
        match = COURSE_LINE.match(line)
        if match:
            hits.append(Hit(match.group("text"), match.group("role"), match.group("time")))
    return hits


# ---------------------------------------------------------------------------------------------
# The conversation
# ---------------------------------------------------------------------------------------------


@dataclass
class Conversation:
    """What one request holds, sorted the way the tutor reasons about it."""

    messages: list[dict[str, Any]]
    tools: dict[str, dict[str, Any]]
    last_user: int = -1  # index of the latest message in which the user speaks, -1 if none
    memory: list[MemoryLine] = field(default_factory=list)  # core memory about the human, in order
    summary: list[MemoryLine] = field(default_factory=list)  # lines of a summary of hidden messages
    known: dict[str, list[Fact]] = field(default_factory=dict)  # every fact in context by key, oldest first

    @property
    def user_text(self) -> str:
        """What the user said in their latest message."""
        if self.last_user < 0:
            return ""
        return spoken_text(message_text(self.messages[self.last_user].get("content")))

    @property
    def this_turn(self) -> list[dict[str, Any]]:
        """The messages after the latest user message: tool calls, results, heartbeats."""
        return self.messages[self.last_user + 1 :] if self.last_user >= 0 else self.messages

    @property
    def earlier(self) -> list[dict[str, Any]]:
        """The messages before the latest user message."""
        return self.messages[: max(self.last_user, 0)]

    def latest(self, key: str) -> Fact | None:
        """The newest fact in context about `key` (the latest statement wins)."""
        facts = self.known.get(key)
        return facts[-1] if facts else None

    def calls(self) -> list[Call]:
        """This turn's tool calls, in order, each with its (unwrapped) result."""
        results = {m.get("tool_call_id"): tool_result(m.get("content")) for m in self.this_turn if m.get("role") == "tool"}
        calls = []
        for message in self.this_turn:
            if message.get("role") != "assistant":
                continue
            for call in message.get("tool_calls") or []:
                function = call.get("function") or {}
                try:
                    arguments = json.loads(function.get("arguments") or "{}")
                except (TypeError, ValueError):
                    arguments = {}
                result = results.get(call.get("id"), ToolResult("", False))
                calls.append(Call(str(function.get("name")), arguments if isinstance(arguments, dict) else {}, result))
        return calls

    def memory_line(self, value: str) -> MemoryLine | None:
        """The newest line of core memory that holds `value` as a fact."""
        for line in reversed(self.memory):
            fact = record(line.text)
            if fact and fact.value.lower() == value.lower():
                return line
        return next((line for line in reversed(self.memory) if value.lower() in line.text.lower()), None)

    def last_reply(self) -> str:
        """The text of the assistant's latest reply before this turn (content or send_message)."""
        for message in reversed(self.earlier):
            if message.get("role") != "assistant":
                continue
            texts = [message_text(message.get("content"))]
            for call in message.get("tool_calls") or []:
                try:
                    texts.append(str(json.loads((call.get("function") or {}).get("arguments") or "{}").get("message", "")))
                except (TypeError, ValueError, AttributeError):
                    pass
            joined = " ".join(t for t in texts if t)
            if joined:
                return joined
        return ""


@functools.lru_cache(maxsize=4096)
def said_facts(text: str, people: tuple[tuple[str, str], ...] = ()) -> tuple[Fact, ...]:
    """The facts a user's words state, people known by name linked ("Ines moved ..." -> "My sister Ines ...").

    Cached: a long conversation is read again at every model call, and the same words always say the same.
    """
    return tuple(read_message(link_people(text, dict(people))).facts)


def _facts_in(message: dict[str, Any], people: dict[str, str]) -> list[Fact]:
    """The facts a message holds: a user's statements, the assistant's tool calls, tool results.

    `people` (name -> relation) are the human's people known so far: "Ines moved to Oslo" is about the sister.
    """
    role = message.get("role")
    text = message_text(message.get("content"))
    if role == "user":
        return [] if is_alert(text) else list(said_facts(spoken_text(text), tuple(people.items())))
    facts: list[Fact] = []
    if role in ("tool", "function"):
        result = tool_result(message.get("content"))
        for hit in search_hits(result.text) if not result.failed else []:
            if hit.role == "user":
                facts.extend(said_facts(hit.text, tuple(people.items())))
            else:
                facts.extend(fact for fact in [record(hit.text, any_key=False)] if fact)
    for call in message.get("tool_calls") or [] if role == "assistant" else []:
        try:
            arguments = json.loads((call.get("function") or {}).get("arguments") or "{}")
        except (TypeError, ValueError):
            continue
        for name, value in arguments.items() if isinstance(arguments, dict) else []:
            if isinstance(value, str) and not name.startswith(("old", "inner", "thinking", "reason")) and name != "message":
                facts.extend(fact for line in value.splitlines() if (fact := record(line)))
    return facts


def read_conversation(messages: list[dict[str, Any]], tools: dict[str, dict[str, Any]]) -> Conversation:
    """Build the tutor's view of a request: the latest user message and every fact in context."""
    conversation = Conversation(messages=messages, tools=tools)
    for index, message in enumerate(messages):
        if message.get("role") == "user" and not is_alert(message_text(message.get("content"))):
            conversation.last_user = index
    for index, message in enumerate(messages):
        if message.get("role") in ("system", "developer"):
            text = message_text(message.get("content"))
            lines = memory_lines(text)
            if not is_alert(text):  # a summary note or a warning is context, not core memory
                conversation.memory.extend(lines)
            elif text.lstrip().startswith(SUMMARY_OPENING):
                conversation.summary.extend(lines)
            facts = [fact for line in lines if (fact := record(line.text))]
        elif index == conversation.last_user:
            continue  # the newest message is judged separately: is it new information?
        else:
            facts = _facts_in(message, people_in(conversation.known))
        for fact in facts:
            conversation.known.setdefault(fact.key, []).append(fact)
    return conversation
