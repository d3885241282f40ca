"""When the context window fills (notebook 08): memory pressure, full blocks, and summaries.

- **Memory pressure.** A warning that the conversation history will soon be trimmed (the course's
  system message "Warning: the conversation history will soon reach its maximum length ...", or
  Letta's system alert) that the tutor has not answered yet: it saves the facts stated in the
  context's earlier user messages that are in neither core memory nor an archival insert the context
  shows, each to core memory if its block has room, else to archival memory, asking for a heartbeat;
  then it carries on with the user's message as if the warning had not come.
- **Full blocks.** An append refused because the block is full goes to archival memory instead; when
  saving under pressure, the block's size in the system prompt (`<human characters="380/420">`) decides.
- **Summaries.** A request with no tools whose instruction asks to summarize (a conversation, in at most
  N words) gets an extractive summary: the facts about the human the messages state (the latest value
  of each), what the human asked to remember, and the topics of the rest, carried over from the previous
  summary when one is given, one sentence a line, within N words.

Like the rest of the tutor, it reads only the request.
"""

from __future__ import annotations

import json
import re
from typing import Any

from helpers.offline.context import Conversation, is_alert, message_text, spoken_text
from helpers.offline.language import Fact, record
from helpers.offline.questions import keywords
from helpers.offline.statements import read_message
from helpers.offline.tools import Decision, ToolCall, archival_tool, call, memory_tool

PRESSURE = re.compile(r"will soon reach its maximum length", re.I)
PRESSURE_THOUGHT = "My context is nearly full: saving what I have not saved yet, before it is trimmed."
FULL_THOUGHT = "That block of core memory is full; saving it to archival memory instead."
BLOCK_SIZE = re.compile(r'<(?P<label>[A-Za-z_][\w\-]*) characters="(?P<used>\d+)/(?P<limit>\d+)"[^>]*>')
SUMMARIZE = re.compile(r"\bsummari[sz]e\b", re.I)
WORD_LIMIT = re.compile(r"\b(?:at most|no more than|fewer than|less than|under|within|up to|maximum of)\s+(?P<n>\d+)\s+words\b", re.I)
DEFAULT_WORDS = 100  # Letta's summarizer asks for fewer than 100 words
LINE = re.compile(r"^(?P<role>user|assistant|system|tool|function)\b[^:\n]*:\s*(?P<text>.*)$", re.I)

# ---------------------------------------------------------------------------------------------
# Full blocks
# ---------------------------------------------------------------------------------------------


def block_room(conversation: Conversation, label: str) -> int | None:
    """How many characters block `label` still has, as the system prompt shows it (None if it does not say)."""
    for message in conversation.messages:
        if message.get("role") in ("system", "developer"):
            for size in BLOCK_SIZE.finditer(message_text(message.get("content"))):
                if size.group("label") == label:
                    return int(size.group("limit")) - int(size.group("used"))
    return None


def archival_call(conversation: Conversation, content: str, *, thought: str, heartbeat: bool) -> ToolCall | None:
    """A call that saves `content` to archival memory, if the tool is offered."""
    insert = archival_tool(conversation.tools, "insert")
    return call(insert, {"content": content}, thought=thought, heartbeat=heartbeat) if insert else None


def core_has_room(conversation: Conversation, text: str, label: str = "human", taken: int = 0) -> bool:
    """Whether a line of `text` fits block `label` (after `taken` characters already planned); yes if unknown."""
    room = block_room(conversation, label)
    return room is None or len(text) + 1 + taken <= room


def refused_for_size(failed_result: str) -> bool:
    """Whether a memory edit failed because the block would go over its limit."""
    return bool(re.search(r"\bover (?:its|the) limit\b|\bis full\b|\btoo long\b|\bexceed", failed_result, re.I))


# ---------------------------------------------------------------------------------------------
# Memory pressure
# ---------------------------------------------------------------------------------------------


def _is_warning(message: dict[str, Any]) -> bool:
    """Whether a message warns that the conversation history will soon be trimmed."""
    text = message_text(message.get("content"))
    return message.get("role") in ("system", "developer", "user") and is_alert(text) and bool(PRESSURE.search(text))


def unanswered_warning(conversation: Conversation) -> bool:
    """Whether a memory-pressure warning came after the tutor's last answer."""
    last_answer = max((i for i, m in enumerate(conversation.messages) if m.get("role") == "assistant"), default=-1)
    return any(_is_warning(m) for m in conversation.messages[last_answer + 1:])


def _saved_text(conversation: Conversation) -> str:
    """Everything the context shows as saved: core memory lines, and what memory tools were given to save."""
    saved = [line.text for line in conversation.memory]
    for message in conversation.messages:
        for made in message.get("tool_calls") or [] if message.get("role") == "assistant" else []:
            function = made.get("function") or {}
            if "memory" in str(function.get("name")) and "search" not in str(function.get("name")):
                try:
                    arguments = json.loads(function.get("arguments") or "{}")
                except (TypeError, ValueError):
                    continue
                saved.extend(str(value) for value in (arguments.values() if isinstance(arguments, dict) else []))
    return "\n".join(saved).lower()


def unsaved_facts(conversation: Conversation) -> list[Fact]:
    """Facts stated in earlier user messages of the context that no memory holds (latest value of each)."""
    stated: dict[str, Fact] = {}
    for message in conversation.earlier:
        text = message_text(message.get("content"))
        if message.get("role") != "user" or is_alert(text):
            continue
        for fact in read_message(spoken_text(text)).facts:
            stated[fact.key if fact.single else f"{fact.key}|{fact.value.lower()}"] = fact
    saved = _saved_text(conversation)
    current = {fact.key for fact in read_message(conversation.user_text).facts}  # the turn's own flow saves these
    return [fact for fact in stated.values() if fact.value.lower() not in saved and fact.key not in current]


def relieve_pressure(conversation: Conversation) -> Decision | None:
    """Under an unanswered warning: calls saving every unsaved fact (core if it fits, else archival)."""
    if not unanswered_warning(conversation):
        return None
    calls, taken = [], 0
    append = memory_tool(conversation.tools)
    for fact in unsaved_facts(conversation):
        if append and core_has_room(conversation, fact.saved(), taken=taken):
            calls.append(call(append, {"content": fact.saved()}, thought=PRESSURE_THOUGHT, heartbeat=True))
            taken += len(fact.saved()) + 1
        elif made := archival_call(conversation, fact.saved(), thought=PRESSURE_THOUGHT, heartbeat=True):
            calls.append(made)
    return Decision(content=PRESSURE_THOUGHT, tool_calls=calls) if calls else None


def carried_on(conversation: Conversation) -> list[Any]:
    """This turn's tool calls, without those made to relieve memory pressure (the turn goes on from before them)."""
    flags = [message.get("content") == PRESSURE_THOUGHT
             for message in conversation.this_turn if message.get("role") == "assistant"
             for _ in message.get("tool_calls") or []]
    return [made for made, relief in zip(conversation.calls(), flags) if not relief]


# ---------------------------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------------------------


def summary_words(messages: list[dict[str, Any]], tools: dict[str, Any]) -> int | None:
    """The word limit of a summarization request (no tools, an instruction to summarize), else None."""
    if tools:
        return None
    instructions = [message_text(m.get("content")) for m in messages if m.get("role") in ("system", "developer")]
    asked = next((text for text in instructions if SUMMARIZE.search(text)), None)
    if asked is None:
        return None
    limit = WORD_LIMIT.search(asked)
    return int(limit.group("n")) if limit else DEFAULT_WORDS


def _given(messages: list[dict[str, Any]]) -> tuple[list[str], list[tuple[str, str]]]:
    """The previous summary's lines, and (role, text) of each message to summarize, from the request."""
    previous: list[str] = []
    lines: list[tuple[str, str]] = []
    for message in messages:
        if message.get("role") not in ("user",):
            continue
        text = message_text(message.get("content"))
        before, _, rest = text.partition("Messages:\n") if "Messages:\n" in text else ("", "", text)
        if before.strip().lower().startswith("previous summary:"):
            previous += [line.strip() for line in before.strip().splitlines()[1:] if line.strip()]
        for line in rest.splitlines():
            match = LINE.match(line.strip())
            if match:
                lines.append((match.group("role").lower(), spoken_text(match.group("text").strip())))
    return previous, lines


def _fact_key(fact: Fact) -> str:
    """What makes two facts the same: the key of a one-value fact (name), else key and value (likes tea)."""
    return fact.key if fact.single else f"{fact.key}|{fact.value.lower()}"


def extractive_summary(messages: list[dict[str, Any]], words: int) -> str:
    """Facts about the human (latest value of each), what they asked to remember, and topics: at most `words` words."""
    previous, lines = _given(messages)
    facts: dict[str, str] = {}  # key -> sentence, in the order first seen, the latest value kept
    kept: list[str] = []  # lines of the previous summary that are not facts (remembered words, topics)
    topics: list[str] = []
    for line in previous:
        fact = None if line.startswith("Topics: ") else record(line.rstrip("."))
        if fact:
            facts[_fact_key(fact)] = fact.sentence
        elif line.startswith("Topics: "):
            topics += [topic.strip() for topic in line.removeprefix("Topics: ").rstrip(".").split(",") if topic.strip()]
        else:
            kept.append(line)
    for role, text in lines:
        if role != "user" or is_alert(text):
            continue
        reading = read_message(text)
        for fact in reading.facts:
            facts.pop(_fact_key(fact), None)  # the latest statement wins, and goes last
            facts[_fact_key(fact)] = fact.sentence
        if reading.remember and not reading.facts:
            kept.append(f'The human asked me to remember: "{reading.remember}".')
        topics += [question.key or " ".join(question.keywords) for question in reading.questions]
        if not (reading.facts or reading.remember or reading.questions or reading.greeting or reading.thanks or reading.bye):
            topics += [word for word in keywords(text) if len(word) > 3]
    sentences = [f"{sentence}." for sentence in facts.values()] + list(dict.fromkeys(kept))
    topics = list(dict.fromkeys(topic for topic in topics if re.search(r"[^\W\d_]{2}", topic)))[-12:]
    if topics:
        sentences.append(f"Topics: {', '.join(topics)}.")
    summary: list[str] = []
    for sentence in sentences:  # the most important first; stop at the word limit
        if sum(len(line.split()) for line in summary) + len(sentence.split()) > words:
            continue
        summary.append(sentence)
    return "\n".join(summary) or "Nothing to note."
