"""The lesson-1 policy (notebooks 01-04): reply in plain text, or call a memory tool first, then reply."""

from __future__ import annotations

from helpers.offline.context import Call, Conversation
from helpers.offline.reasoning import (
    answers,
    append_instead,
    facts_reply,
    join,
    other_reply,
    read,
    remember_call,
    save_call,
    saved_facts,
)
from helpers.offline.tools import Decision, memory_tool

SAVING = "The user told me something about themselves; saving it first."


def decide_chat(conversation: Conversation) -> Decision:
    """The policy of the lesson's agent: save what the user states with a memory tool, then reply."""
    reading, plan = read(conversation)
    calls = conversation.calls()
    if calls:
        return _after_tools(conversation, calls)
    edits = [made for fact in plan.new if (made := save_call(conversation, fact, thought=SAVING, heartbeat=True))]
    if not edits and reading.remember and not reading.facts:
        made = remember_call(conversation, reading.remember, thought=SAVING, heartbeat=True)
        edits = [made] if made else []
    reply = facts_reply(plan.new, reading.correction) if edits and plan.new else None
    if edits:
        return Decision(tool_calls=edits, reply=reply or "I'll remember that.")
    text = other_reply(conversation, reading, plan, saves=memory_tool(conversation.tools) is not None)
    return Decision(content=text, reply=text)


def _after_tools(conversation: Conversation, calls: list[Call]) -> Decision:
    """Reply once this turn's tools have answered: with what was saved, or with what went wrong."""
    failed = [made for made in calls if made.result.failed]
    if failed:
        retry = append_instead(conversation, calls, failed[-1], heartbeat=True)
        if retry:
            return Decision(tool_calls=[retry])
        text = f"I tried to update my memory, but the tool said: {failed[-1].result.text}"
        return Decision(content=text, reply=text)
    reading, _ = read(conversation)
    facts, corrected = saved_facts(calls, reading)
    text = join([facts_reply(facts, corrected) or "Done, my memory is updated.", *answers(conversation, reading)])
    return Decision(content=text, reply=text)

