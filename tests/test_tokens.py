"""Token counts: o200k_base text counts, and one way of counting a whole request everywhere."""

from __future__ import annotations

import json

import pytest

from helpers.memgpt import memgpt_tools
from helpers.offline import chat_completion
from helpers.tokens import (
    MESSAGE_OVERHEAD,
    REPLY_PRIMING,
    TOOL_CALL_OVERHEAD,
    content_text,
    count_completion,
    count_message,
    count_request,
    count_tokens,
    count_tools,
    render_tools,
)

# Counts from an independent o200k_base implementation (the Rust `bpe-openai` crate).
KNOWN = [
    ("Hello world", 2),
    ("Zanzibar", 2),
    ("The human's name is Bob", 6),
    ('{"message": "Hi"}', 6),
    ("Ça va? 🙂 東京", 5),
    ("<|endoftext|>", 7),  # a special token's text is counted as plain text
    ("", 0),
]


@pytest.mark.parametrize("text, tokens", KNOWN)
def test_text_counts_are_o200k_base(text: str, tokens: int) -> None:
    assert count_tokens(text) == tokens


def test_a_message_costs_its_framing_role_and_content() -> None:
    message = {"role": "user", "content": "Hello world"}
    assert count_message(message) == MESSAGE_OVERHEAD + count_tokens("user") + 2
    assert count_message({"role": "user", "content": [{"type": "text", "text": "Hello world"}]}) == count_message(message)
    assert count_message({"role": "assistant", "content": None}) == MESSAGE_OVERHEAD + count_tokens("assistant")


def test_tool_calls_cost_their_name_and_arguments() -> None:
    call = {"id": "call_1", "type": "function", "function": {"name": "send_message", "arguments": '{"message": "Hi"}'}}
    message = {"role": "assistant", "content": "Replying.", "tool_calls": [call, call]}
    one_call = TOOL_CALL_OVERHEAD + count_tokens("send_message") + count_tokens('{"message": "Hi"}')
    assert count_message(message) == MESSAGE_OVERHEAD + count_tokens("assistant") + count_tokens("Replying.") + 2 * one_call
    assert count_completion("Replying.", [call]) == count_tokens("Replying.") + one_call


def test_a_request_is_its_messages_its_tools_and_the_reply_start() -> None:
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    tools = memgpt_tools()
    assert count_request(messages) == REPLY_PRIMING + sum(map(count_message, messages))
    assert count_request(messages, tools) == count_request(messages) + count_tools(tools)
    assert count_tools([]) == count_tools(None) == 0


def test_tools_are_counted_as_the_typed_namespace_a_model_reads() -> None:
    tool = {"type": "function", "function": {
        "name": "search", "description": "Search memory.",
        "parameters": {"type": "object", "required": ["query"], "properties": {
            "query": {"type": "string", "description": "Words to look for."},
            "page": {"type": "integer"},
            "kind": {"type": "string", "enum": ["archival", "recall"]},
            "tags": {"type": "array", "items": {"type": "string"}},
        }},
    }}
    assert render_tools([tool, {"type": "function", "function": {"name": "ping"}}]) == "\n".join([
        "# Tools", "", "## functions", "", "namespace functions {", "",
        "// Search memory.", "type search = (_: {", "// Words to look for.", "query: string,", "page?: number,",
        'kind?: "archival" | "recall",', "tags?: string[],", "}) => any;", "",
        "type ping = () => any;", "",
        "} // namespace functions",
    ])
    assert count_tools([tool]) < count_tokens(json.dumps([tool]))  # the schema's JSON punctuation is not read


@pytest.mark.parametrize("junk", [None, 3, "x", {"function": "x"}, {"function": {"name": "f", "parameters": 7}}])
def test_odd_tools_and_contents_never_break_the_count(junk) -> None:
    assert count_tools([junk]) >= 0
    assert count_message({"role": "user", "content": {"odd": junk}}) > 0
    assert content_text([{"text": "a"}, "b", {"text": 3}]) == "a"


def test_the_offline_tutors_usage_is_this_count_of_the_same_request() -> None:
    body = {"model": "m", "tools": memgpt_tools(), "messages": [
        {"role": "system", "content": "You are Sam."}, {"role": "user", "content": "My name is Bob"}]}
    response = chat_completion(body)
    usage, message = response["usage"], response["choices"][0]["message"]
    assert usage["prompt_tokens"] == count_request(body["messages"], body["tools"])
    assert usage["completion_tokens"] == count_completion(message["content"], message.get("tool_calls", []))
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
