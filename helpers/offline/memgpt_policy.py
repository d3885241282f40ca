"""The MemGPT policy (notebooks 05-07): think in `content`, act with tools, talk only through send_message.

It edits core memory (append, or replace a changed line), saves "remember that ..." to archival memory,
answers from its context, and searches archival or recall memory for what is not there, asking for a
heartbeat whenever it needs another call. After a heartbeat it carries on from the latest tool result.
"""

from __future__ import annotations

import re

from helpers.offline.context import Call, Conversation, Hit, search_hits
from helpers.offline.context_window import (
    FULL_THOUGHT,
    archival_call,
    carried_on,
    refused_for_size,
    relieve_pressure,
)
from helpers.offline.documents import after_document_search, document_query
from helpers.offline.language import capitalised, record
from helpers.offline.phrasings import KIN_KEY, link_people, people_in
from helpers.offline.questions import Question, enough_overlap, key_matches, overlap, read_question, search_words
from helpers.offline.recollection import answer_in_time, is_about_time, next_page, on_topic, time_query
from helpers.offline.statements import read_message
from helpers.offline.team import decide_team
from helpers.offline.reasoning import (
    answer_from_context,
    append_instead,
    append_thought,
    answers,
    facts_reply,
    join,
    not_known,
    other_reply,
    read,
    remember_call,
    save_call,
    saved_facts,
)
from helpers.offline.tools import Decision, ToolCall, archival_tool, call, memory_tool, reply_tool

SEARCH_TOOLS = ("archival_memory_search", "conversation_search")
# Questions about the conversation itself are for recall memory; anything else, archival first.
ABOUT_THE_PAST = re.compile(
    r"\b(?:did i (?:tell|say|mention)|have i (?:told|said|mentioned)|i (?:told|said|mentioned)|"
    r"earlier|ago|last time|we (?:talked|spoke|discussed|chatted))\b",
    re.I,
)


def _send(conversation: Conversation, text: str, thought: str) -> Decision:
    """Reply to the user through send_message, with no heartbeat: the step ends."""
    tool = reply_tool(conversation.tools)
    assert tool is not None
    return Decision(content=thought, tool_calls=[call(tool, {"message": text}, thought=thought, heartbeat=False)], reply=text)


def _act(thought: str, calls: list[ToolCall], reply: str | None = None) -> Decision:
    """Tool calls with a thought; the reply is what it would say if it could not call tools."""
    return Decision(content=thought, tool_calls=calls, reply=reply)


def _search_tool(conversation: Conversation, question: str, used: set[str]) -> str | None:
    """Which search tool fits a question (recall for "did I tell you ...", else archival first)."""
    order = SEARCH_TOOLS[::-1] if ABOUT_THE_PAST.search(question) else SEARCH_TOOLS
    return next((name for name in order if name in conversation.tools and name not in used), None)


def _search(conversation: Conversation, name: str, query: str, reply: str) -> Decision:
    """Search archival or recall memory, asking for a heartbeat to answer with what is found."""
    where = "archival memory" if name == "archival_memory_search" else "my conversation history (recall memory)"
    thought = f"That is not in my context. I'll search {where} for '{query}', then answer."
    return _act(thought, [call(conversation.tools[name], {"query": query, "page": 0}, thought=thought, heartbeat=True)], reply)


def decide_memgpt(conversation: Conversation) -> Decision:
    """The policy of a MemGPT agent for one model call."""
    relief = relieve_pressure(conversation)  # warned that the context is nearly full: save what is not saved
    if relief:
        return relief
    calls = carried_on(conversation)  # then carry on as before the warning
    sent = [made for made in calls if made.name == "send_message"]
    if any(not made.result.failed for made in sent):
        return Decision(content="I have answered the user; now I wait for their next message.")
    team = decide_team(conversation, calls)  # notebook 12: messaging other agents, a worker's job, shared blocks
    if team:
        return team
    if calls:
        return _after_tools(conversation, calls)
    if not conversation.user_text.strip():
        return Decision(content="No message from the user to act on; I wait for their next message.")
    return _first_move(conversation)


def _first_move(conversation: Conversation) -> Decision:
    """A fresh user message: edit memory, save to archival, answer, or search."""
    reading, plan = read(conversation)
    insert = archival_tool(conversation.tools, "insert")
    if reading.remember and insert:
        content = f'The human asked me to remember: "{reading.remember}"'
        thought = "The user wants this remembered; it belongs in archival memory, not in my small core memory."
        return _act(thought, [call(insert, {"content": content}, thought=thought, heartbeat=True)], "I'll remember that.")
    if plan.new:
        replacing = memory_tool(conversation.tools, replace=True) is not None
        if any(fact.old for fact in plan.new) and replacing:
            thought = "The user corrected something in my core memory; replacing the old line, then I reply."
        elif any(fact.old for fact in plan.new):
            thought = "The user corrected something, but I have no replace tool; appending the correction."
        else:
            thought = "The user told me something new about themselves; saving it to core memory first."
        edits = [made for fact in plan.new if (made := save_call(conversation, fact, thought=thought, heartbeat=True))]
        if edits:
            return _act(thought, edits, facts_reply(plan.new, reading.correction))
    if reading.remember and not reading.facts:
        thought = "The user wants this remembered; I'll keep their words in core memory."
        made = remember_call(conversation, reading.remember, thought=thought, heartbeat=True)
        if made:
            return _act(thought, [made], "I'll remember that.")
    if plan.unsure or reading.unsure_name:
        return _send(conversation, other_reply(conversation, reading, plan, saves=False),
                     "I can't read that with certainty; I'll save nothing and say what I understood.")
    if reading.about_me or plan.known or plan.new:
        return _send(conversation, other_reply(conversation, reading, plan, saves=False), "I can answer from my context.")
    for question in reading.questions:
        if answer_from_context(conversation, question):
            continue
        if is_about_time(question) and "conversation_search" in conversation.tools:  # recall memory keeps the times
            query = time_query(question, []) or _query(question, conversation)
            return _search(conversation, "conversation_search", query, not_known(question))
        if question.about_me or question.key:
            search = _search_tool(conversation, question.text, set())
            if search:
                return _search(conversation, search, _query(question, conversation), not_known(question))
        query = document_query(conversation, question)  # documents in archival memory may answer it
        if query:
            return _search(conversation, "archival_memory_search", query, not_known(question))
    if reading.questions:
        text = join(answers(conversation, reading)) or other_reply(conversation, reading, plan, saves=False)
        found = any(answer_from_context(conversation, q) for q in reading.questions)
        return _send(conversation, text, "I can answer from my context." if found else "A question I can't answer; I'll say so.")
    text = other_reply(conversation, reading, plan, saves=False)  # recall memory keeps every message anyway
    if reading.understood and not reading.facts:
        return _send(conversation, text, "Not a lasting fact for core memory; it stays in recall memory anyway.")
    if reading.greeting or reading.thanks or reading.bye:
        return _send(conversation, text, "Small talk; a short reply.")
    return _send(conversation, text, "Nothing I can read in that; I'll say what I understand.")


def _query(question: Question, conversation: Conversation) -> str:
    """What to search memory for, to answer a question (a relative by their name, if the context knows it)."""
    if not question.key:
        return " ".join(question.keywords)
    kin = KIN_KEY.match(question.key)
    names = [name for name, relation in people_in(conversation.known).items() if kin and relation == kin.group("kin")]
    if kin and names:
        return names[-1]  # "Where does my sister live?" with a sister called Ines: what was said about Ines
    return search_words(question.key.removeprefix("verb:"))


def _after_tools(conversation: Conversation, calls: list[Call]) -> Decision:
    """The next move once this turn's tools have answered: reply, retry, or search elsewhere."""
    last = calls[-1]
    if last.result.failed:
        return _after_failure(conversation, calls, last)
    if last.name in SEARCH_TOOLS or "search" in last.name:
        question = read_question(conversation.user_text)
        if is_about_time(question):
            return _after_time_search(conversation, calls, question)
        from_documents = after_document_search(conversation, calls)  # quote a cited passage, or page on
        if from_documents:
            return from_documents
        found = answer_from_hits(conversation, last.name, search_hits(last.result.text), question)
        if found:
            return _send(conversation, found, "Found it in the search results; answering.")
        other = _search_tool(conversation, question.text, {made.name for made in calls})
        if other:
            query = str(last.arguments.get("query") or _query(question, conversation))
            return _search(conversation, other, query, not_known(question))
        return _send(conversation, "I searched my memory but found nothing about that. Could you tell me?",
                     "Nothing relevant in memory; I'll say so.")
    if last.name == "archival_memory_insert":
        return _send(conversation, "Done: I saved that in my archival memory.", "Saved; confirming to the user.")
    reading = read_message(conversation.user_text)
    facts, corrected = saved_facts(calls, reading)
    editors = [memory_tool(conversation.tools), memory_tool(conversation.tools, replace=True)]
    if facts or last.name in {tool["name"] for tool in editors if tool}:
        text = join([facts_reply(facts, corrected) or "Done, my memory is updated.",
                     *answers(conversation, reading)])
        return _send(conversation, text, "Memory updated; now I reply.")
    return _send(conversation, f"Done: {last.name} says: {last.result.text}", "The tool answered; I'll pass it on.")


def _after_failure(conversation: Conversation, calls: list[Call], failed: Call) -> Decision:
    """After a failed call: append instead of a failed replace, retry a failed send once, or say what failed."""
    retry = append_instead(conversation, calls, failed, heartbeat=True)
    if retry:
        return _act(append_thought(failed), [retry])
    tries = sum(1 for made in calls if made.name == failed.name)
    content = failed.arguments.get("content")
    if "memory" in failed.name and "archival" not in failed.name and refused_for_size(failed.result.text) and \
            isinstance(content, str) and content.strip():
        moved = archival_call(conversation, content, thought=FULL_THOUGHT, heartbeat=True)
        if moved:
            return _act(FULL_THOUGHT, [moved])
    if failed.name == "send_message":
        if tries == 1 and isinstance(failed.arguments.get("message"), str) and failed.arguments["message"].strip():
            return _send(conversation, failed.arguments["message"], "send_message failed; trying once more.")
        return Decision(content="send_message keeps failing; I stop here rather than loop.")
    return _send(conversation, f"I tried to use {failed.name}, but it said: {failed.result.text}",
                 "The tool failed; I'll tell the user what it said.")


MAX_TIME_SEARCHES = 6


def _after_time_search(conversation: Conversation, calls: list[Call], question: Question) -> Decision:
    """After a search for a question about time: answer, search for what is missing or on the next page, or say so."""
    found = answer_in_time(conversation, question)
    if found:
        return _send(conversation, found, "Recall memory says when; answering.")
    searches = [made for made in calls if made.name == "conversation_search"]
    hits = [hit for made in searches for hit in search_hits(made.result.text)]
    query, last = time_query(question, hits), searches[-1] if searches else None
    searched = {str(made.arguments.get("query")) for made in searches}
    if len(searches) < MAX_TIME_SEARCHES and query and query not in searched:
        return _search(conversation, "conversation_search", query, not_known(question))
    page = next_page(last.result.text, int(last.arguments.get("page") or 0)) if last and not query else None
    if len(searches) < MAX_TIME_SEARCHES and last and page is not None:
        thought = "Not on this page; I'll look at the next one."
        arguments = {"query": last.arguments.get("query", ""), "page": page}
        search = conversation.tools["conversation_search"]
        return _act(thought, [call(search, arguments, thought=thought, heartbeat=True)])
    return _send(conversation, "I searched my memory but could not find when that happened. Could you tell me?",
                 "Recall memory does not say; I'll say so.")


def answer_from_hits(conversation: Conversation, tool: str, hits: list[Hit], question: Question) -> str | None:
    """An answer to the user's question from search results, or None if they do not hold one."""
    said = conversation.user_text.strip()
    hits = [hit for hit in hits if hit.text.strip() != said and not hit.text.rstrip().endswith("?")]
    people = people_in(conversation.known)
    hits.sort(key=lambda hit: hit.role == "assistant")  # what the user said first
    source = "archival memory" if "archival" in tool else "our conversation" if "conversation" in tool else "my memory"
    if question.key:
        for hit in hits:
            if hit.role == "user":
                facts = read_message(link_people(hit.text, people)).facts
            else:
                facts = [f for f in [record(hit.text)] if f]
            fact = next((f for f in facts if key_matches(question.key, f.key)), None)
            if fact:
                when = f" on {hit.time}" if hit.time else ""
                return f"{capitalised(fact.to_you())} (I found it in {source}{when})."
    if not question.keywords:
        return None
    scored = [(overlap(question.keywords, hit.text), index) for index, hit in enumerate(hits)
              if on_topic(question, hit.text)]
    best = max(scored, key=lambda pair: (pair[0], -pair[1]), default=(0, -1))
    if not enough_overlap(question.keywords, best[0]):
        return None
    hit = hits[best[1]]
    if hit.time and hit.role == "user":
        return f'On {hit.time} you told me: "{hit.text}"'
    if hit.time and hit.role == "assistant":
        return f'On {hit.time} I said: "{hit.text}"'
    return f"Here is what I found in {source}: {hit.text}"
