"""Which policy answers a request, and the request's controls: tool_choice and parallel_tool_calls."""

from __future__ import annotations

import re
from typing import Any

from helpers.offline.chat_policy import decide_chat
from helpers.offline.context import Conversation
from helpers.offline.documents import answer_from_prompt
from helpers.offline.context_window import extractive_summary, summary_words
from helpers.offline.custom_tools import decide_custom
from helpers.offline.questions import keywords
from helpers.offline.memgpt_policy import decide_memgpt
from helpers.offline.tools import Decision, ToolCall, best_tool, call, memory_tool, reply_tool

FORCED = "The request asks me to call a tool; this one fits best."
QUOTED = re.compile(r"(?:^|\s)(?P<q>['\"])(?P<words>[^'\"]+)(?P=q)(?=\s|$|[.,!?;:])")


def decide(conversation: Conversation, tool_choice: Any = "auto", parallel: bool = True) -> Decision:
    """The tutor's answer to one request, obeying `tool_choice` and `parallel_tool_calls`."""
    words = summary_words(conversation.messages, conversation.tools)
    if words is not None:  # a request to summarize a conversation (notebook 08)
        return Decision(content=extractive_summary(conversation.messages, words))
    decision = decide_custom(conversation)  # tools and blocks the course does not know (notebook 10)
    if decision is None:  # with no tools, cited passages in the request (plain RAG) are answered from first
        decision = decide_memgpt(conversation) if "send_message" in conversation.tools else (
            answer_from_prompt(conversation) or decide_chat(conversation))
    if tool_choice == "none" and (decision.tool_calls or "send_message" in conversation.tools):
        decision = Decision(content=decision.reply or decision.content)  # it can only say what it would do
    elif isinstance(tool_choice, dict):
        name = tool_choice["function"]["name"]
        chosen = [made for made in decision.tool_calls if made[0] == name]
        forced = chosen or [_forced_call(conversation, conversation.tools[name], decision)]
        decision = Decision(decision.content, forced, decision.reply)
    elif tool_choice == "required" and not decision.tool_calls and conversation.tools:
        tool = reply_tool(conversation.tools) or best_tool(conversation.tools, conversation.user_text)
        decision = Decision(decision.content, [_forced_call(conversation, tool, decision)], decision.reply)
    if not parallel:
        decision.tool_calls = decision.tool_calls[:1]
    return decision


def _forced_call(conversation: Conversation, tool: dict[str, Any], decision: Decision) -> ToolCall:
    """A call of `tool` the request insists on, with the most sensible arguments the context gives."""
    said = conversation.user_text.strip()
    reply = decision.reply or decision.content or ""
    quote = QUOTED.search(said)  # "push 'water the plants' to the queue": the quoted words are the argument
    values: dict[str, Any] = {"message": reply, "query": " ".join(keywords(said)) or said,
                              "fallback": quote.group("words") if quote else said, "page": 0}
    if tool is memory_tool(conversation.tools) and said:
        values["content"] = f'The human said: "{said}"'
    is_reply = tool is reply_tool(conversation.tools)
    return call(tool, values, thought=decision.content or FORCED, heartbeat=not is_reply)
