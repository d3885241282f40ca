"""What both policies reason the same way: which facts are new, how to save one, how to answer from context."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from helpers.offline.context import Call, Conversation, is_alert, message_text, spoken_text
from helpers.offline.language import Fact, capitalised, record, second_person
from helpers.offline.names import read_name
from helpers.offline.phrasings import link_people, people_in
from helpers.offline.questions import Question, enough_overlap, key_matches, keywords, overlap, question_label
from helpers.offline.recollection import answer_count, answer_in_time, answer_name, is_about_time, on_topic
from helpers.offline.statements import Reading, read_message
from helpers.offline.tools import ToolCall, call, memory_tool

FALLBACK = (
    "I'm the offline tutor model: I only understand simple statements and questions about you, "
    'like "My name is Sam", "I live in Oslo" or "Where do I live?".'
)
NOT_KNOWN_TAIL = "How can I assist you today?"


@dataclass
class Plan:
    """What to do with the facts a message states."""

    new: list[Fact] = field(default_factory=list)  # to save (with .old when it changes a value the context holds)
    known: list[Fact] = field(default_factory=list)  # stated, and already in context
    unsure: str | None = None  # one sentence: what it understood, when it cannot act on it


def _is_name(value: str) -> bool:
    """Whether a value reads as a name on its own ("Charles", not "fine")."""
    name = read_name(value, lowercase=False)
    return bool(name and name[1] >= len(value.rstrip(" .!")))


def _correction_target(conversation: Conversation, reading: Reading, value: str) -> Fact | None:
    """The fact that "No, it's <value>" corrects: one the human says is wrong, one just mentioned, or the name."""
    latest = [facts[-1] for facts in conversation.known.values() if facts[-1].single]
    for old in reading.olds:
        match = next((f for f in reversed(latest) if f.value.lower() == old.lower()), None)
        if match:
            return match
    reply = conversation.last_reply().lower()
    mentioned = [f for f in latest if f.value and f.value.lower() in reply]
    if mentioned:
        return mentioned[-1]
    name = conversation.latest("name")
    return name if name and _is_name(value) else None


def plan_facts(conversation: Conversation, reading: Reading) -> Plan:
    """Sort the stated facts into new and known; resolve "No, it's X" against the context."""
    plan = Plan()
    facts = list(reading.facts)
    for value in reading.bare:
        target = _correction_target(conversation, reading, value)
        if target is None or (target.key == "name" and not _is_name(value)):
            example = f', like "My name is {value}"' if _is_name(value) else ""
            plan.unsure = f"I'm not sure what you are correcting. Could you say it in full{example}?"
            continue
        facts.append(target.with_value(value).corrected(target.value))
    for fact in facts:
        latest = conversation.latest(fact.key)
        if latest and latest.value.lower() == fact.value.lower():
            plan.known.append(fact)
        elif fact.single and latest:
            plan.new.append(fact.corrected(latest.value))
        else:
            plan.new.append(Fact(fact.sentence, fact.key, fact.value, fact.single))
    return plan


def save_call(conversation: Conversation, fact: Fact, *, thought: str, heartbeat: bool) -> ToolCall | None:
    """The tool call that saves `fact`: replace the old line if a replace tool and the line are there, else append."""
    replace = memory_tool(conversation.tools, replace=True)
    line = conversation.memory_line(fact.old) if fact.old else None
    if replace and line and fact.old:
        old_fact = record(line.text)
        if old_fact is not None and old_fact.key == fact.key and re.match(r"(?i)the (?:human|user)\b", line.text):
            new = fact.sentence  # a sentence of memory: the user's new words take its place
        else:  # "First name: Sarah", or a line with more in it: only the value changes
            new = re.sub(re.escape(fact.old), fact.value, line.text, count=1, flags=re.I)
        values = {"section": line.block or None, "old": line.text, "new": new, "content": new}
        return call(replace, values, thought=thought, heartbeat=heartbeat)
    append = memory_tool(conversation.tools)
    if append is None:
        return None
    return call(append, {"content": fact.saved()}, thought=thought, heartbeat=heartbeat)


def append_thought(failed: Call) -> str:
    """Why a failed replace is followed by an append: the old text was not found, or the block is read-only."""
    if "read-only" in failed.result.text:
        return "The replace was refused (that block is read-only); appending the new line instead."
    return "The replace failed (the old text was not found); appending the new line instead."


def append_instead(conversation: Conversation, calls: list[Call], failed: Call, *, heartbeat: bool) -> ToolCall | None:
    """After a first failed replace (the old text was not found), the call that appends the new text instead."""
    append = memory_tool(conversation.tools)
    tries = sum(1 for made in calls if made.name == failed.name)
    new = next((v for k, v in failed.arguments.items() if k.lower().startswith("new") and isinstance(v, str)), "")
    if "replace" not in failed.name or tries > 1 or append is None or not new.strip():
        return None
    return call(append, {"content": new}, thought=append_thought(failed), heartbeat=heartbeat)


def remember_call(conversation: Conversation, words: str, *, thought: str, heartbeat: bool) -> ToolCall | None:
    """Save a "remember that ..." request that states no fact it can read, in the user's own words."""
    append = memory_tool(conversation.tools)
    if append is None:
        return None
    return call(append, {"content": f'The human asked me to remember: "{words}"'}, thought=thought, heartbeat=heartbeat)


# ---------------------------------------------------------------------------------------------
# Replies
# ---------------------------------------------------------------------------------------------


def join(parts: list[str | None]) -> str:
    """Reply sentences joined with single spaces."""
    return " ".join(part for part in parts if part)


def facts_reply(facts: list[Fact], corrected: bool) -> str:
    """The reply once facts are saved: "Nice to meet you, Bob!", "Sorry, Charles, I've updated my memory."."""
    parts = []
    for fact in facts:
        if fact.key == "name":
            fixed = corrected or fact.old
            parts.append(f"Sorry, {fact.value}, I've updated my memory." if fixed else f"Nice to meet you, {fact.value}!")
    others = [fact for fact in facts if fact.key != "name"]
    if others:
        said = " and ".join(fact.to_you() for fact in others)
        fixed = corrected or any(fact.old for fact in others)
        parts.append(f"Sorry, I've updated my memory: {said}." if fixed else f"Thanks, I'll remember that {said}.")
    return join(parts)


def saved_facts(calls: list[Call], reading: Reading) -> tuple[list[Fact], bool]:
    """The facts this turn's successful memory calls saved, and whether any was a correction.

    A call whose arguments hold no fact it can read stands for the facts the user's message states.
    """
    facts, corrected = [], reading.correction
    for made in calls:
        if made.result.failed:
            continue
        corrected = corrected or "replace" in made.name
        for name, value in made.arguments.items():
            if not isinstance(value, str) or name.lower().startswith(("old", "inner", "thinking", "reason")):
                continue
            fact = record(value)
            if fact:
                facts.append(fact)
                corrected = corrected or fact.old is not None
    if not facts and any(not made.result.failed for made in calls):
        facts = list(reading.facts)
    return facts, corrected


def _answer_key(conversation: Conversation, key: str) -> str | None:
    """An answer from the facts in context about `key` ("Your name is Bob.")."""
    matching = [facts for fact_key, facts in conversation.known.items() if key_matches(key, fact_key)]
    if not matching:
        return None
    if key == "likes":
        return join([capitalised(facts[-1].to_you()) + "." for facts in matching])
    latest = max((facts[-1] for facts in matching), key=lambda fact: _position(conversation, fact))
    return capitalised(latest.to_you()) + "."


def _position(conversation: Conversation, fact: Fact) -> int:
    """How late a fact comes in the context (for "the latest statement wins")."""
    order = [f for facts in conversation.known.values() for f in facts]
    return max((i for i, f in enumerate(order) if f is fact), default=-1)


def _earlier_user_texts(conversation: Conversation) -> list[str]:
    """What the user said before this message (not events, not questions)."""
    texts = []
    for message in conversation.earlier:
        text = message_text(message.get("content"))
        if message.get("role") == "user" and not is_alert(text):
            said = spoken_text(text).strip()
            if said and not said.endswith("?"):
                texts.append(said)
    return texts


def answer_from_context(conversation: Conversation, question: Question) -> str | None:
    """An answer from what the request holds: facts by key, else the best-overlapping memory line or message.

    A question about time (what came before a change, which came first) is answered by its own rules or not
    at all; an answer by overlap must name what a keyed question is about (see recollection).
    """
    if is_about_time(question):
        return answer_in_time(conversation, question)
    counted = answer_count(conversation, question)
    if counted:
        return counted
    if question.key:
        found = _answer_key(conversation, question.key) or answer_name(conversation, question)
        if found:
            return found
    if not question.keywords:
        return None
    # Candidates ranked by words shared, then by fewest other words (the line most about it), then the latest.
    candidates = [(line.text, capitalised(second_person(line.text)) + "." if record(line.text) else f"My memory says: {line.text}")
                  for line in conversation.memory]
    candidates += [(line.text, f"My summary of earlier messages says: {line.text}") for line in conversation.summary]
    candidates += [(text, f'You told me: "{text}"') for text in _earlier_user_texts(conversation)]
    candidates = [(text, answer) for text, answer in candidates if on_topic(question, text)]
    ranked = [((overlap(question.keywords, text), -len(keywords(text)), index), answer)
              for index, (text, answer) in enumerate(candidates)]
    if not ranked:
        return None
    (score, _, _), answer = max(ranked)
    # A question about the human needs a good overlap; any other ("Where does Alice live?") a full one.
    if enough_overlap(question.keywords, score) if question.about_me else score == len(question.keywords) > 1:
        return answer
    return None


def not_known(question: Question) -> str:
    """Admit not knowing: "I'm sorry, I don't know your name. How can I assist you today?"."""
    what = question_label(question.key) if question.key else "that"
    return f"I'm sorry, I don't know {what}. {NOT_KNOWN_TAIL}"


def about_me(conversation: Conversation) -> str:
    """Everything memory says about the human, said to them."""
    lines = [line.text for line in conversation.memory]
    if not lines:
        seen: dict[str, Fact] = {key: facts[-1] for key, facts in conversation.known.items()}
        lines = [fact.sentence for fact in seen.values()]
    if not lines:
        return "I don't know anything about you yet. Tell me something, like your name!"
    said: dict[str, str] = {}  # by key, so a corrected value is said once, as it is now
    for index, line in enumerate(lines):
        fact = record(line)
        key = fact.key if fact and fact.single else str(index)
        said.pop(key, None)
        said[key] = fact.to_you() if fact else line
    return f"Here is what I know about you: {'; '.join(said.values())}."


def answers(conversation: Conversation, reading: Reading) -> list[str]:
    """Answers to what the message asks about the human, from context (or admitting not knowing)."""
    parts = [about_me(conversation)] if reading.about_me else []
    for question in reading.questions:
        found = answer_from_context(conversation, question)
        if found or question.about_me:
            parts.append(found or not_known(question))
    return parts


def other_reply(conversation: Conversation, reading: Reading, plan: Plan, *, saves: bool) -> str:
    """A reply when nothing is saved: known facts, answers, what it understood, a greeting, or what it is."""
    parts: list[str] = []
    for fact in plan.known:
        parts.append(f"Yes, I remember: {fact.to_you()}.")
    for fact in plan.new:  # stated, but no tool to save it with
        if fact.key == "name":
            parts.append(f"Sorry, {fact.value}!" if fact.old else f"Nice to meet you, {fact.value}!")
        else:
            parts.append(f"Good to know that {fact.to_you()}{', not ' + fact.old if fact.old else ''}.")
    parts.extend(answers(conversation, reading))
    if plan.unsure:
        parts.append(plan.unsure)
    if reading.unsure_name:
        parts.append(f'If "{reading.unsure_name}" is your name, tell me "My name is {capitalised(reading.unsure_name)}".')
    if reading.understood and not parts:
        keep = ", but I only keep lasting facts in memory" if saves else ""
        parts.append(f"I understand that {' and '.join(reading.understood)}{keep}.")
    if reading.greeting and not parts:
        name = conversation.latest("name")
        parts.append(f"Hello{', ' + name.value if name else ''}! How can I help you today?")
    if reading.thanks and not parts:
        parts.append("You're welcome!")
    if reading.bye and not parts:
        parts.append("Goodbye!")
    return join(parts) or FALLBACK


def read(conversation: Conversation) -> tuple[Reading, Plan]:
    """The user's latest message, read, and its facts sorted against the context."""
    reading = read_message(link_people(conversation.user_text, people_in(conversation.known)))
    return reading, plan_facts(conversation, reading)
