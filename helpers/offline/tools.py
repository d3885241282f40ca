"""Tools as a model reads them: which offered tool fits a purpose, and its arguments filled from the schema.

Property names, types, enums and descriptions decide what goes where (allowed values may be given only
in a description: "Where to save: 'human' or 'agent'."). Every required argument gets a sensible value;
a thought-like argument (inner_thoughts, thinking, reasoning) gets a short thought, never a saved fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Tools = dict[str, dict[str, Any]]
ToolCall = tuple[str, dict[str, Any]]  # a tool's name and its arguments


@dataclass
class Decision:
    """What the tutor answers: text content and/or tool calls (name, arguments)."""

    content: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    reply: str | None = None  # what it would say to the user, if tools were not allowed


def _text(tool: dict[str, Any]) -> str:
    """A tool's name and description, lowercased, for matching words."""
    return f"{tool.get('name', '')} {tool.get('description') or ''}".lower().replace("_", " ")


def _is(tool: dict[str, Any], *words: str) -> bool:
    """Whether a tool's name holds any of `words`."""
    name = str(tool.get("name", "")).lower()
    return any(word in name for word in words)


REPLY_WORDS = ("send_message", "send message", "reply", "respond", "answer", "say", "message_user", "talk")
SAVE_WORDS = ("save", "append", "add", "write", "remember", "store", "insert", "note", "memorize", "memorise", "record")


def reply_tool(tools: Tools) -> dict[str, Any] | None:
    """The tool that sends a message to the user (send_message), if one is offered."""
    if "send_message" in tools:
        return tools["send_message"]
    return next((t for t in tools.values() if _is(t, *REPLY_WORDS) and not _is(t, "memory", "search")), None)


# What a memory tool's name or description speaks of; a tool that adds to a to-do list or a calendar does not.
ABOUT_MEMORY = re.compile(r"\b(?:memory|memories|facts?|information|info|human|profile|remember\w*|about the user)\b")


def memory_tool(tools: Tools, replace: bool = False) -> dict[str, Any] | None:
    """The offered tool that saves a fact about the human in core memory (a replace tool if asked)."""
    core = {name: t for name, t in tools.items() if not _is(t, "archival", "search", "delete", "send", "conversation")
            and ABOUT_MEMORY.search(_text(t))}
    if replace:
        return next((t for t in core.values() if _is(t, "replace", "edit", "update", "correct", "rewrite")), None)
    for preferred in ("core_memory_save", "core_memory_append"):
        if preferred in core:
            return core[preferred]
    return next((t for t in core.values() if _is(t, *SAVE_WORDS) and not _is(t, "replace", "rewrite")), None)


def archival_tool(tools: Tools, action: str) -> dict[str, Any] | None:
    """archival_memory_insert or archival_memory_search, if offered."""
    return tools.get(f"archival_memory_{action}")


# ---------------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------------

ROLES: dict[str, tuple[str, ...]] = {
    "heartbeat": ("request_heartbeat",),
    "thought": ("inner_thoughts", "inner_thought", "thoughts", "thought", "thinking", "reasoning", "rationale",
                "inner_monologue", "monologue", "reason", "explanation"),
    "section": ("section", "label", "block", "block_label", "category", "target", "memory_type", "where", "key", "block_name"),
    "old": ("old_content", "old", "old_text", "old_memory", "old_str", "old_string", "old_value", "find", "original"),
    "new": ("new_content", "new", "new_text", "new_memory", "new_str", "new_string", "new_value", "replacement"),
    "message": ("message", "reply", "response", "answer", "msg"),
    "content": ("content", "memory", "text", "fact", "information", "info", "value", "note", "data", "entry",
                "passage", "observation", "detail", "details"),
    "query": ("query", "search", "keywords", "q", "question", "search_query", "term", "terms", "search_term"),
    "page": ("page", "page_number", "offset"),
}


def property_role(name: str, spec: dict[str, Any], tool: dict[str, Any]) -> str | None:
    """What an argument is for, by its name (then its description): "content", "section", "thought", ..."""
    key = name.lower()
    for role, names in ROLES.items():
        if key in names:
            if role == "content" and key == "text" and reply_tool({tool["name"]: tool}):
                return "message"
            return role
    description = str(spec.get("description") or "").lower()
    if re.search(r"\b(?:inner|private) (?:thought|monologue)|\breasoning\b|\bthink\b", description):
        return "thought"
    if re.search(r"\b(?:section|block)\b|\bpersona\b.*\bhuman\b|\bhuman\b.*\bpersona\b", description):
        return "section"  # Letta 0.4 called the block argument "name": "Section of the memory to be edited"
    if re.search(r"\bsearch|query\b", description):
        return "query"
    return None


# A list of options in words: "Allowed values: happy, sad, neutral", "one of light, dark or sepia", or a
# description that is only the list ("low, medium or high"); each option one short word.
OPTION = r"[\w\-]{1,20}"
LISTED = re.compile(rf"(?i)(?:(?:allowed values?|possible values?|valid values?|options?|choices?|one of|must be|either)"
                    rf"(?: are| is)?\s*:?\s+|^\s*)({OPTION}(?:\s*,\s*{OPTION})+(?:,?\s+(?:or|and)\s+{OPTION})?"
                    rf"|{OPTION}\s+or\s+{OPTION})\s*(?:[.;)]|$)")


def listed_values(text: str) -> list[str]:
    """The options a sentence lists in words, unquoted (none if it lists none)."""
    found = LISTED.search(text)
    return [o for o in re.split(r"\s*,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+", found.group(1)) if o] if found else []


def allowed_values(spec: dict[str, Any]) -> list[str]:
    """The values an argument allows: its enum, or the options its description lists (quoted, or in words)."""
    options = [o for o in spec.get("enum") or [] if isinstance(o, str)]
    if options:
        return options
    description = str(spec.get("description") or "")
    if re.search(r"\b(?:or|one of|either|options?|allowed|must be)\b", description, re.I):
        quoted = re.findall(r"['\"`]([\w\- ]{1,30})['\"`]", description)
        listed = re.search(r"\((\w+)(?:, (\w+))*,? or (\w+)\)", description)  # "(persona or human)"
        return quoted or ([word for word in listed.groups() if word] if listed else listed_values(description))
    return listed_values(description)


def section_value(spec: dict[str, Any]) -> str:
    """Which memory section to write to: the one about the human, by enum or description."""
    options = allowed_values(spec)
    for option in options:
        if any(word in option.lower() for word in ("human", "user", "people")) or option.lower() == "person":
            return option
    return options[0] if options else "human"


def default_value(spec: dict[str, Any]) -> Any:
    """A harmless value of an argument's type: its default, its first allowed value, 0, false, ""."""
    if "default" in spec:
        return spec["default"]
    options = allowed_values(spec)
    if options:
        return options[0]
    kind = spec.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    return {"integer": spec.get("minimum", 0), "number": spec.get("minimum", 0), "boolean": False, "array": [],
            "object": {}, "null": None}.get(kind if isinstance(kind, str) else "string", "")


def fill_arguments(tool: dict[str, Any], values: dict[str, Any], *, thought: str, heartbeat: bool) -> dict[str, Any]:
    """Arguments for `tool` from `values` by role ("content", "query", "message", ...), its schema deciding.

    Every required argument is filled; an optional one only when there is a value meant for it.
    """
    schema = tool.get("parameters") or {}
    properties: dict[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    arguments: dict[str, Any] = {}
    for name, spec in properties.items():
        spec = spec if isinstance(spec, dict) else {}
        role = property_role(name, spec, tool)
        if role == "heartbeat":
            arguments[name] = heartbeat
        elif role == "thought":
            if name in required or "thought" in values:
                arguments[name] = values.get("thought", thought)
        elif role == "section":
            arguments[name] = values.get("section") or section_value(spec)
        elif role == "new" and "new" not in values and "content" in values:
            arguments[name] = values["content"]
        elif role in values and values[role] is not None:
            arguments[name] = values[role]
        elif spec.get("type") == "boolean" and name in required:
            arguments[name] = heartbeat if "heartbeat" in name.lower() else False
        elif name in required:
            arguments[name] = values.get("fallback") if spec.get("type", "string") == "string" and values.get("fallback") else default_value(spec)
    return arguments


def call(tool: dict[str, Any], values: dict[str, Any], *, thought: str, heartbeat: bool) -> ToolCall:
    """A call of `tool` with arguments filled from `values`."""
    return tool["name"], fill_arguments(tool, values, thought=thought, heartbeat=heartbeat)


def best_tool(tools: Tools, text: str) -> dict[str, Any]:
    """The offered tool whose name and description share the most words with `text` (the first on a tie)."""
    words = set(re.findall(r"[a-z]{3,}", text.lower()))

    def score(tool: dict[str, Any]) -> int:
        return len(words & set(re.findall(r"[a-z]{3,}", _text(tool))))

    return max(tools.values(), key=score)
