"""Answering from what the context holds about time and about people: a careful reader's rules.

- On topic: an answer found by word overlap must name what the question is about. "What's my favourite
  band?" is not answered by "Your favourite food is curry", nor "Where does my brother live?" by "You
  live in Leeds", nor anything by a long pasted text: better "I don't know" than a confident wrong answer.
- What came before: "Where did I live before I moved to Oslo?" is the home value that is not Oslo (a
  correction's old value counts: "The human lives in Oslo, not Leeds").
- Which came first: "Did I move to Oslo before or after I got Rex?" needs when each was said: the order
  of the messages in context, or the times search results carry. Core memory keeps no time, so its
  lines are not evidence of order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.offline.context import Conversation, Hit, is_alert, message_text, search_hits, spoken_text, tool_result
from helpers.offline.language import WORD, Fact, normalize
from helpers.offline.lexicon import FUNCTION_WORDS
from helpers.offline.phrasings import KIN_KEY, PET, people_in
from helpers.offline.questions import Question, stem

# ---------------------------------------------------------------------------------------------
# On topic
# ---------------------------------------------------------------------------------------------

FIXED_KEYS = {"name", "home", "birthday", "born", "likes", "work", "age", "from"}
# What a keyed question asks of its subject, in words an answer names ("sister home": lives, moved, ...).
SUFFIX_WORDS = {"home": {"live", "liv", "moved", "move", "home", "based", "relocat"},
                "work": {"work", "job", "career", "profession"}, "age": {"old", "age"}}


def _stems(text: str) -> set[str]:
    """The stems of a text's words."""
    return {stem(word) for word in re.findall(WORD + r"|\d+", normalize(text))}


MAX_ANSWER_WORDS = 40  # a pasted email or article is no answer about the human, whatever words it shares


def on_topic(question: Question, text: str) -> bool:
    """Whether `text` can answer a question by overlap: short, and naming what a keyed question is about."""
    key = question.key
    if len(text.split()) > MAX_ANSWER_WORDS:
        return False
    if not key or key in FIXED_KEYS:
        return True
    stems = _stems(text)
    if key.startswith("verb:"):
        return stem(key.removeprefix("verb:")) in stems
    words = key.split()
    if words[-1] == "name" and len(words) > 1:  # named: "my sister Ines", "my dog is called Rex"
        subject = r"\W+".join(map(re.escape, words[:-1]))
        return bool(re.search(rf"\b{subject}(?:'s)?(?:,? [A-Z]|\W+(?:\w+\W+)?(?:is )?(?:called|named|name)\b)", text, re.I)
                    and re.search(rf"\b{subject}\b,? [A-Z]|\b(?:called|named|name)\b", text))
    suffix = SUFFIX_WORDS.get(words[-1]) if len(words) > 1 else None
    subject_words = words[:-1] if suffix else words
    if not all(stem(word) in stems for word in subject_words if word not in FUNCTION_WORDS):
        return False
    return suffix is None or any(stem(word) in stems or any(s.startswith(word) for s in stems) for word in suffix)


def answer_name(conversation: Conversation, question: Question) -> str | None:
    """ "What's my sister called?" from any fact that names her ("The human's sister Ines lives in Oslo")."""
    kin = KIN_KEY.match(question.key or "")
    if not kin or question.key != f"{kin.group('kin')} name":
        return None
    names = [name for name, relation in people_in(conversation.known).items() if relation == kin.group("kin").lower()]
    return f"Your {kin.group('kin')} is called {names[-1]}." if names else None


HOW_MANY_PETS = re.compile(r"\bhow many pets (?:do|have) (?:i|we)(?: got| have)?\b", re.I)
PET_FACT = re.compile(rf"^(?:(?P<kind>{PET}) name|(?:has|has got|adopted|got|owns) an? (?P<has>{PET})\b.*)$", re.I)


def answer_count(conversation: Conversation, question: Question) -> str | None:
    """ "How many pets do I have?", counted from the pets the context names (None if it names none)."""
    if not HOW_MANY_PETS.search(question.text):
        return None
    named: dict[str, str] = {}  # name (or kind, if unnamed) -> kind
    for key, found in conversation.known.items():
        pet = PET_FACT.match(key)
        for fact in found if pet else []:
            kind = (pet.group("kind") or pet.group("has")).lower()
            name = re.search(r"\b(?:called|named)\s+([A-Z][^\W\d_]+)", fact.sentence) if pet.group("has") else None
            named[name.group(1) if name else fact.value if pet.group("kind") else kind] = kind
    kinds_named = {kind for label, kind in named.items() if label != kind}
    pets = {label: kind for label, kind in named.items() if label != kind or kind not in kinds_named}
    if not pets:
        return None
    listed = " and ".join(f"a {kind} called {label}" if label != kind else f"a {kind}" for label, kind in pets.items())
    return f"You have {len(pets)} pet{'s' if len(pets) > 1 else ''} that I know of: {listed}."


# ---------------------------------------------------------------------------------------------
# What came before: the value that was replaced
# ---------------------------------------------------------------------------------------------

BEFORE = re.compile(
    r"\bbefore (?:i |we )?(?:moved|moving|move|relocated|relocating|became|becoming|started|starting|switched|got)"
    r"(?: to| as| being| a new job as)? (?P<new>.+?)\s*\??$",
    re.I,
)


def _kind(question: Question) -> str | None:
    """Which value a before-question asks about: "home" or "work"."""
    text = question.text.lower()
    if re.search(r"\b(?:live|living|lived|home|city|moved|move)\b", text.split(" before ")[0]):
        return "home"
    if re.search(r"\b(?:job|work|do for|occupation|profession|career)\b", text.split(" before ")[0]):
        return "work"
    return None


def _values(conversation: Conversation, kind: str) -> list[Fact]:
    """The facts in context about the human's home or work, oldest first."""
    facts = [fact for key, found in conversation.known.items() for fact in found
             if (key == kind) or (kind == "work" and key.startswith("is a"))]
    order = [fact for found in conversation.known.values() for fact in found]
    return sorted(facts, key=lambda fact: next(i for i, f in enumerate(order) if f is fact))


def answer_before(conversation: Conversation, question: Question) -> str | None:
    """The value before a change ("Where did I live before I moved to Oslo?"), or None if the context lacks it."""
    asked, kind = BEFORE.search(question.text), _kind(question)
    if not asked or kind is None:
        return None
    new = re.sub(r"^(?:an?|the) ", "", asked.group("new").lower())
    olds = [fact.old for fact in _values(conversation, kind) if fact.old and new not in fact.old.lower()]
    others = [fact.value for fact in _values(conversation, kind) if new not in fact.value.lower()]
    found = (others or olds or [None])[-1]
    if found is None:
        return None
    if kind == "home":
        return f"Before you moved to {asked.group('new')}, you lived in {re.sub(r'^(?:in|to) ', '', found)}."
    return f"Before you became {asked.group('new')}, you worked as {found}."


# ---------------------------------------------------------------------------------------------
# Which came first
# ---------------------------------------------------------------------------------------------

ORDER = re.compile(r"\bdid (?:i|we) (?P<first>.+?) before or after (?:i |we )?(?P<second>.+?)\s*\??$", re.I)


@dataclass(frozen=True)
class Said:
    """When something was said: a time from a search result, or a position among the messages in context."""

    time: str | None
    position: int


def _names(event: str) -> list[str]:
    """The words of an event that single it out: its capitalised words ("Oslo", "Rex"), else its nouns."""
    capitalised = re.findall(r"\b[A-Z][^\W\d_]+", event)
    return capitalised or [w for w in re.findall(WORD, event.lower()) if w not in FUNCTION_WORDS and len(w) > 3]


def _mentions(text: str, names: list[str]) -> bool:
    """Whether a text mentions all of an event's names."""
    return all(re.search(rf"\b{re.escape(name)}\b", text, re.I) for name in names)


def _when_said(conversation: Conversation, names: list[str]) -> Said | None:
    """When the user first said something naming `names`: from search results (with a time) or the messages."""
    said = conversation.user_text.strip()
    for message in conversation.messages:
        if message.get("role") != "tool":
            continue
        hits = [hit for hit in search_hits(tool_result(message.get("content")).text)
                if hit.time and hit.role == "user" and hit.text.strip() != said and _mentions(hit.text, names)]
        if hits:
            return Said(min(hit.time for hit in hits if hit.time), -1)
    for index, message in enumerate(conversation.earlier):
        text = message_text(message.get("content"))
        if message.get("role") == "user" and not is_alert(text) and _mentions(spoken_text(text), names):
            return Said(None, index)
    return None


def order_parts(question: Question) -> tuple[list[str], list[str]] | None:
    """The names of the two events an order question compares, or None if it is not one."""
    asked = ORDER.search(question.text)
    if not asked:
        return None
    return _names(asked.group("first")), _names(asked.group("second"))


def answer_order(conversation: Conversation, question: Question) -> str | None:
    """"Before" or "after", from when each event was said, or None if either is not in context."""
    parts, asked = order_parts(question), ORDER.search(question.text)
    if parts is None or asked is None:
        return None
    first, second = (_when_said(conversation, names) for names in parts)
    if first is None or second is None or (first.time is None) != (second.time is None):
        return None
    a, b = (first.time, second.time) if first.time and second.time else (first.position, second.position)
    if a == b:
        return None
    when = f" (you told me on {first.time[:10]} and on {second.time[:10]})" if first.time and second.time else ""
    order = "before" if a < b else "after"
    return f"{order.capitalize()}: \"{asked.group('first')}\" came {order} \"{asked.group('second')}\"{when}."


def is_about_time(question: Question) -> bool:
    """Whether a question asks what came before a change, or which of two things came first."""
    return bool(BEFORE.search(question.text) and _kind(question)) or bool(ORDER.search(question.text))


def answer_in_time(conversation: Conversation, question: Question) -> str | None:
    """The answer to a question about time, from context, or None."""
    return answer_order(conversation, question) if ORDER.search(question.text) else answer_before(conversation, question)


def time_query(question: Question, hits_so_far: list[Hit]) -> str | None:
    """What to search recall memory for next, to answer a question about time (None: nothing new to search for)."""
    parts = order_parts(question)
    said = [hit for hit in hits_so_far if hit.role == "user" and hit.text.strip() != question.text.strip()
            and not hit.text.rstrip().endswith("?")]
    if parts:
        return next((" ".join(names) for names in parts if not any(_mentions(hit.text, names) for hit in said)), None)
    if not hits_so_far:
        return "live living lived based moved relocated" if _kind(question) == "home" else "work working job"
    return None


PAGES = re.compile(r"\bpages? \d+ to (?P<last>\d+)|\(page \d+/(?P<letta>\d+)\)")


def next_page(result: str, page: int) -> int | None:
    """The next page of a search result, if the result says there is one."""
    pages = PAGES.search(result)
    last = int(pages.group("last") or pages.group("letta")) if pages else page
    return page + 1 if page < last else None
