"""Facts about the human as memory holds them, and the grammar of person: I/my -> the human, the human -> you.

Facts come in the first person ("My dog is called Rex", "I'm allergic to peanuts") and are saved in the
user's own words turned into the third person ("The human's dog is called Rex", "The human is allergic to
peanuts"). Memory and tool results hold them in the third person, and are read back with `record`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.offline.dates import DATE

# A word in any script: letters, with inner apostrophes or hyphens (José, O'Brien, Jean-Luc, Łukasz).
WORD = r"[^\W\d_]+(?:['\-][^\W\d_]+)*"
SUBJECT = "The human"


def normalize(text: str) -> str:
    """Straight quotes and apostrophes, single spaces."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"[ \t]+", " ", text)


# ---------------------------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One thing known about the human, e.g. Fact("The human's name is Bob", "name", "Bob")."""

    sentence: str  # third person, as memory holds it: "The human's dog is called Rex"
    key: str  # what it is about: "name", "home", "dog name", "likes jazz"
    value: str  # the part that answers a question: "Rex"
    single: bool = True  # one value at a time: a new one replaces the old
    old: str | None = None  # the value it corrects, if the context knows one

    def saved(self) -> str:
        """The sentence to save: with ", not <old>" when it corrects an old value."""
        return f"{self.sentence}, not {self.old}" if self.old else self.sentence

    def to_you(self) -> str:
        """The fact said back to the human: "your dog is called Rex"."""
        return second_person(self.sentence)

    def corrected(self, old: str | None) -> Fact:
        """The same fact, marked as correcting `old`."""
        return Fact(self.sentence, self.key, self.value, self.single, old)

    def with_value(self, value: str) -> Fact:
        """The same fact with another value ("lives in Paris" -> "lives in Oslo")."""
        head = self.sentence[: self.sentence.rfind(self.value)] if self.value in self.sentence else f"{self.sentence} "
        return record(f"{head}{value}") or Fact(f"{head}{value}", self.key, value, self.single)


# "on June 12", "now on the 12th of June": when something planned happens.
SCHEDULED = re.compile(rf"^(?:now |still )?(?:on|for) (?P<date>{DATE.pattern})\W*$", re.I)
# Keys that hold one value at a time, and the words that ask for them.
ATTRIBUTE_NOUNS = set(
    """name birthday job age address email number phone hometown nationality occupation profession surname
    nickname pronouns height weight salary major school university college employer colour color city
    country team song film movie book food drink sport band artist show game language hobby code pin
    password username""".split()
)


def _key_for(np: str, verb: str, rest: str) -> tuple[str, str, bool]:
    """(key, value, single) for "<np> <verb> <rest>" where np is "" for the human themselves."""
    lead = f"{np} " if np else ""
    words = rest.split()
    if verb in ("is", "are", "'s") and words and words[0] in ("called", "named"):
        return f"{lead}name", " ".join(words[1:]), True
    if np.endswith("name") and verb in ("is", "are", "'s"):
        return np.replace("'s ", " "), rest, True
    if verb in ("lives", "live", "lived", "moved") and words and words[0] in ("in", "to", "at"):
        return f"{lead}home", " ".join(words[1:]), True
    if verb in ("works", "work") and words and words[0] in ("as", "at", "for", "in"):
        return f"{lead}work", " ".join(words[1:]), True
    if verb in ("teaches", "teach") and words:  # "The human teaches chemistry" answers "What's my job?"
        return f"{lead}work", f"teaching {rest}", True
    scheduled = SCHEDULED.match(rest)
    if np and verb in ("is", "'s") and scheduled:  # "my trip to Rome is on June 12": one date at a time
        return np, scheduled.group("date"), True
    if not np and verb in ("is", "are", "'s") and words and words[0].isdigit():
        return "age", rest, True  # "The human is 34"; "the locker code is 4821" is no age
    if not np and verb == "is" and words and words[0] == "from":
        return "from", " ".join(words[1:]), True
    if not np and verb == "was" and words[:1] == ["born"]:
        return "born", " ".join(words[2:] if len(words) > 2 else words[1:]), True
    if np and verb in ("is", "are", "'s") and (
        np.split()[-1] in ATTRIBUTE_NOUNS or np.startswith(("favourite", "favorite"))
    ):
        return np, rest, True
    if np in ("job", "occupation", "profession"):
        return "work", rest, True
    return f"{lead}{verb} {rest}".lower(), rest, False


THIRD_PERSON = re.compile(
    r"^(?:the )?(?:human|user|person)(?P<own>'s)?\s+(?P<body>.+?)\s*$|^(?P<their>their|his|her)\s+(?P<tbody>.+?)\s*$",
    re.I,
)
VERB_AFTER_SUBJECT = re.compile(
    r"^(?:(?:also|really|usually|often|never|always|still|sometimes|now|currently) )*(?P<verb>[^\s,]+)\s*(?P<rest>.*)$"
)
CORRECTION_TAIL = re.compile(r"\s*,?\s+not\s+(?P<old>[^,.;]+?)\s*$", re.I)
KEY_VALUE = re.compile(r"^\s*(?P<k>[A-Za-z][A-Za-z' ]{0,30}?)\s*[:=]\s*(?P<v>[^\n]+?)\s*$")
KEY_ALIASES = {
    "name": "name", "first name": "name", "full name": "name", "lives in": "home", "location": "home", "city": "home",
    "home": "home", "lives": "home", "birthday": "birthday", "date of birth": "birthday", "born": "born",
    "job": "work", "occupation": "work", "profession": "work", "works as": "work", "likes": "likes",
    "age": "age", "from": "from",
}


def record(line: str, *, any_key: bool = True) -> Fact | None:
    """The fact a third-person line of memory states: "The human's name is Bob", "Name: Bob".

    `any_key=False` reads a "Key: value" line only for keys it knows (name, lives in, birthday, ...): outside
    a memory block, "Rules: be kind" or "Recall memory: 3 messages" are not facts about the human.
    """
    text = normalize(line).strip().rstrip(".!").strip()
    text = re.sub(r"^(?:human|user)\s*:\s*", "", text, flags=re.I)
    tail = CORRECTION_TAIL.search(text)
    old = tail.group("old").strip() if tail else None
    if tail:
        text = text[: tail.start()]
    match = THIRD_PERSON.match(text)
    if match:
        own = bool(match.group("own") or match.group("their"))
        body = match.group("body") or match.group("tbody")
        fact = _record_body(text, body, own)
        return fact.corrected(old) if fact and old else fact
    pair = KEY_VALUE.match(text)
    if pair:
        key = pair.group("k").strip().lower()
        value = pair.group("v").strip().strip("\"'")
        kind = KEY_ALIASES.get(key)
        if not value or len(value) > 80 or not (kind or any_key):
            return None
        sentence = {
            "name": f"{SUBJECT}'s name is {value}", "home": f"{SUBJECT} lives in {value}",
            "birthday": f"{SUBJECT}'s birthday is {value}", "born": f"{SUBJECT} was born on {value}",
            "work": f"{SUBJECT} works as {value}", "likes": f"{SUBJECT} likes {value}",
            "age": f"{SUBJECT} is {value}", "from": f"{SUBJECT} is from {value}",
        }.get(kind or "", f"{SUBJECT}'s {key} is {value}")
        return record(sentence)
    return None


def _record_body(text: str, body: str, own: bool) -> Fact | None:
    """A fact from the words after "The human" ("lives in Paris") or "The human's" ("dog is called Rex")."""
    sentence = f"{SUBJECT}{chr(39) + 's' if own else ''} {body}"
    if own:
        match = re.match(
            r"^(?P<np>[^\W\d][\w' \-]{0,40}?)\s+(?P<verb>is|are|was|were|'s|lives|live|works|work|"
            r"likes|like|loves|love|has|have|plays|play|goes|go)\s+(?P<rest>.+)$",
            body,
            re.I,
        )
        if not match:
            return None
        np, verb, rest = match.group("np").lower(), match.group("verb").lower(), match.group("rest")
        if np == "name":
            value = rest.strip()
            return Fact(sentence, "name", value, True) if value else None
        key, value, single = _key_for(np, verb, rest)
        return Fact(sentence, key, value.strip(), single) if value.strip() else None
    match = VERB_AFTER_SUBJECT.match(body)
    if not match or not match.group("rest"):
        return None
    verb, rest = match.group("verb").lower(), match.group("rest")
    if verb in ("is", "was") and rest.lower().startswith(("called ", "named ")):
        return Fact(sentence, "name", rest.split(None, 1)[1].strip(), True)
    key, value, single = _key_for("", verb, rest)
    return Fact(sentence, key, value.strip(), single) if value.strip() else None


# ---------------------------------------------------------------------------------------------
# Person: first to third, third to second
# ---------------------------------------------------------------------------------------------

IRREGULAR_THIRD = {"have": "has", "do": "does", "go": "goes", "be": "is", "am": "is", "don't": "doesn't"}
IRREGULAR_SECOND = {"is": "are", "was": "were", "has": "have", "does": "do", "doesn't": "don't", "isn't": "aren't",
                    "wasn't": "weren't", "hasn't": "haven't", "'s": "are"}
ADVERBS = set("also really usually often never always still sometimes now currently mostly just even".split())
# Pronouns inside a clause, from the first person to the third, from the third to the second, and from the first
# to the second (to say back what the human said).
THIRD_FROM_FIRST = {"my": "their", "me": "them", "myself": "themselves", "mine": "theirs"}
SECOND_FROM_THIRD = {"their": "your", "them": "you", "themselves": "yourself", "theirs": "yours"}
SECOND_FROM_FIRST = {"my": "your", "me": "you", "myself": "yourself", "mine": "yours"}


def swap_pronouns(text: str, mapping: dict[str, str]) -> str:
    """Each pronoun of `mapping` in `text` replaced by its counterpart: swap_pronouns("my cat", THIRD_FROM_FIRST)."""
    pattern = r"\b(" + "|".join(mapping) + r")\b"
    return re.sub(pattern, lambda m: mapping[m.group(1).lower()], text, flags=re.I)


def third_person_verb(verb: str) -> str:
    """live -> lives, study -> studies, watch -> watches, have -> has; past forms stay as they are."""
    lower = verb.lower()
    if lower in IRREGULAR_THIRD:
        return IRREGULAR_THIRD[lower]
    if re.search(r"[^aeiou]y$", lower):
        return verb[:-1] + "ies"
    if re.search(r"(?:s|sh|ch|x|z|o)$", lower):
        return verb + "es"
    return verb + "s"


def base_verb(verb: str) -> str:
    """lives -> live, studies -> study, watches -> watch (the form after "you")."""
    lower = verb.lower()
    if lower in IRREGULAR_SECOND:
        return IRREGULAR_SECOND[lower]
    if len(lower) > 4 and lower.endswith("ies"):
        return verb[:-3] + "y"
    if re.search(r"(?:ss|sh|ch|x|z|o)es$", lower):
        return verb[:-2]
    if lower.endswith("s") and not lower.endswith("ss") and len(lower) > 2:
        return verb[:-1]
    return verb


def second_person(sentence: str) -> str:
    """A third-person sentence about the human, said to them: "The human lives in Oslo" -> "you live in Oslo"."""
    text = normalize(sentence).strip().rstrip(".")
    text = re.sub(r"^(?:the )?(?:human|user|person)'s\s+", "your ", text, flags=re.I)
    match = re.match(r"^(?:the )?(?:human|user|person)\s+(.*)$", text, re.I)
    if match:
        words = match.group(1).split()
        for index, word in enumerate(words):
            if word.lower() not in ADVERBS:
                words[index] = base_verb(word)
                break
        text = "you " + " ".join(words)
    text = swap_pronouns(text, SECOND_FROM_THIRD)
    return re.sub(r"\bthe (?:human|user)'s\b", "your", re.sub(r"\bthe (?:human|user)\b", "you", text))


def capitalised(text: str) -> str:
    """The text with its first letter in upper case."""
    return text[:1].upper() + text[1:]


