"""What a sentence states or asks: facts about the human, names, corrections, questions.

Facts come in the first person ("My dog is called Rex", "I'm allergic to peanuts") and are saved in the
user's own words turned into the third person ("The human's dog is called Rex", "The human is allergic to
peanuts"). Memory and tool results hold them in the third person, and are read back with `record`.
Precision first: a clause it cannot read with certainty gives no fact (maybe something understood).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from helpers.offline.lexicon import (
    CLAUSE_ENDERS,
    FUNCTION_WORDS,
    NAME_PARTICLES,
    PEOPLES,
    STATES,
    TITLES,
    VERBS,
    is_name_word,
)

# A word in any script: letters, with inner apostrophes or hyphens (José, O'Brien, Jean-Luc, Łukasz).
WORD = r"[^\W\d_]+(?:['\-][^\W\d_]+)*"
SUBJECT = "The human"

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


# Keys that hold one value at a time, and the words that ask for them.
ATTRIBUTE_NOUNS = set(
    """name birthday job age address email number phone hometown nationality occupation profession surname
    nickname pronouns height weight salary major school university college employer colour color city
    country team song film movie book food drink sport band artist show game language hobby""".split()
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
    if verb in ("is", "are", "'s") and words and words[0].isdigit():
        return f"{lead}age", rest, True
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
VERB_AFTER_SUBJECT = re.compile(r"^(?:(?:also|really|usually|often|never|always|still|sometimes|now|currently) )*(?P<verb>[^\s,]+)\s*(?P<rest>.*)$")
CORRECTION_TAIL = re.compile(r"\s*,?\s+not\s+(?P<old>[^,.;]+?)\s*$", re.I)
KEY_VALUE = re.compile(r"^\s*(?P<k>[A-Za-z][A-Za-z' ]{0,30}?)\s*[:=]\s*(?P<v>[^\n]+?)\s*$")
KEY_ALIASES = {
    "name": "name", "first name": "name", "full name": "name", "lives in": "home", "location": "home", "city": "home",
    "home": "home", "lives": "home", "birthday": "birthday", "date of birth": "birthday", "born": "born",
    "job": "work", "occupation": "work", "profession": "work", "works as": "work", "likes": "likes",
    "age": "age", "from": "from",
}


def record(line: str) -> Fact | None:
    """The fact a third-person line of memory states: "The human's name is Bob", "Name: Bob"."""
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
        if not value or len(value) > 80:
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
OBJECT_PRONOUNS = {"my": "their", "me": "them", "myself": "themselves", "mine": "theirs"}


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


def _base_verb(verb: str) -> str:
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


def objects_in_third_person(text: str) -> str:
    """my -> their, me -> them, myself -> themselves, inside the rest of a clause."""
    return re.sub(r"\b(my|me|myself|mine)\b", lambda m: OBJECT_PRONOUNS[m.group(1).lower()], text, flags=re.I)


def second_person(sentence: str) -> str:
    """A third-person sentence about the human, said to them: "The human lives in Oslo" -> "you live in Oslo"."""
    text = normalize(sentence).strip().rstrip(".")
    text = re.sub(r"^(?:the )?(?:human|user|person)'s\s+", "your ", text, flags=re.I)
    match = re.match(r"^(?:the )?(?:human|user|person)\s+(.*)$", text, re.I)
    if match:
        words = match.group(1).split()
        for index, word in enumerate(words):
            if word.lower() not in ADVERBS:
                words[index] = _base_verb(word)
                break
        text = "you " + " ".join(words)
    replacements = {"their": "your", "them": "you", "themselves": "yourself", "theirs": "yours"}
    text = re.sub(r"\b(their|them|themselves|theirs)\b", lambda m: replacements[m.group(1).lower()], text)
    return re.sub(r"\bthe (?:human|user)'s\b", "your", re.sub(r"\bthe (?:human|user)\b", "you", text))


def capitalised(text: str) -> str:
    """The text with its first letter in upper case."""
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

NAME_WORD = re.compile(rf"\s*(?P<word>{WORD})")
CLAUSE_END = re.compile(r"^\s*(?:$|[.,!?;:)(…\-–—\"]|[^\w\s'])")


def _is_capitalised(word: str) -> bool:
    """Capitalised in a cased script: José, Łukasz, O'Brien (not "bob", not "李")."""
    return word[:1].isupper()


def _tidy_name(word: str) -> str:
    """BOB and bob become Bob, o'brien becomes O'Brien; McKay and José stay as written."""
    if word.isupper() or word.islower():
        return re.sub(r"(^|['\-])(\w)", lambda m: m.group(1) + m.group(2).upper(), word.lower())
    return word


def read_name(text: str, *, lowercase: bool) -> tuple[str, int] | None:
    """A name at the start of `text` and where it ends: 1-3 capitalised words that end their clause.

    `lowercase` accepts lowercase words too (after "my name is", in a message typed without capitals).
    """
    words: list[str] = []
    position = 0
    title = re.match(r"\s*(?P<t>[A-Za-z]+)\.?(?=\s)", text)
    if title and title.group("t").lower() in TITLES and _is_capitalised(title.group("t")):
        words.append(title.group("t"))
        position = title.end()
    while len([w for w in words if w.lower() not in NAME_PARTICLES]) < 3:
        match = NAME_WORD.match(text, position)
        if not match:
            break
        word = match.group("word")
        lower = word.lower()
        if lower in CLAUSE_ENDERS or lower in FUNCTION_WORDS and lower not in NAME_PARTICLES:
            break
        if words and lower in NAME_PARTICLES and not _is_capitalised(word):
            following = NAME_WORD.match(text, match.end())
            if following and _is_capitalised(following.group("word")):
                words.append(word)
                position = match.end()
                continue
            break
        if not (_is_capitalised(word) or lowercase):
            break
        parts = [part for part in re.split(r"[-']", lower) if part]
        if not is_name_word(word) or any(not is_name_word(part) for part in parts if len(part) > 2):
            if words:
                break
            return None
        if lower.endswith("'s"):
            return None  # "I'm Bob's sister": a possessive, not a name
        words.append(word)
        position = match.end()
    names = [w for w in words if w.lower() not in TITLES]
    if not names:
        return None
    rest = text[position:]
    following = NAME_WORD.match(rest)
    if not CLAUSE_END.match(rest) and not (following and following.group("word").lower() in CLAUSE_ENDERS):
        return None
    return " ".join(_tidy_name(w) if w.lower() not in NAME_PARTICLES else w for w in words), position


# ---------------------------------------------------------------------------------------------
# Reading one message: clauses, then what each states or asks
# ---------------------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Straight quotes and apostrophes, single spaces."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"[ \t]+", " ", text)


QUESTION_WORD = r"(?:how|what|what's|who|where|when|why|which|can you|could you|do you|are you|is it)"
ABBREVIATIONS = TITLES | {"st", "jr", "sr", "mt", "vs", "etc"}
FIRST_PERSON_START = r"(?:i|i'm|im|i've|i'd|i'll|my|i am|call me|name's|it's|it is)\b"


def clauses(text: str) -> list[tuple[str, bool]]:
    """The clauses of a message, each with whether it is a question.

    Sentences split at . ! ? ; and line breaks; a sentence splits again at ", " or " and "/" but "
    when a new first-person clause starts there ("I'm Bob and I live in Paris").
    """
    pieces: list[tuple[str, bool]] = []
    start = 0
    for match in re.finditer(r"[.!?;]+(?=\s|$)|\n+", text):
        before = re.search(r"(\w+)$", text[start : match.start()])
        if match.group().startswith(".") and before and before.group(1).lower() in ABBREVIATIONS:
            continue
        pieces.append((text[start : match.start()], "?" in match.group()))
        start = match.end()
    pieces.append((text[start:], False))
    split = re.compile(
        rf"(?:,\s*|\s+)(?:and|but|so|also)\s+(?={FIRST_PERSON_START})|,\s+(?={FIRST_PERSON_START}|{QUESTION_WORD}\b)", re.I
    )
    out = []
    for piece, asked in pieces:
        parts = [part.strip() for part in split.split(piece) if part and re.search(r"\w", part)]
        out.extend((part, asked and index == len(parts) - 1) for index, part in enumerate(parts))
    return out


GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|howdy|greetings|yo|good (?:morning|afternoon|evening|day)|dear \w+)"
    r"(?: there| again| everyone| all)?\b[\s,!.:-]*)+",
    re.I,
)
FILLERS = re.compile(
    r"^(?:(?:well|so|oh|ok|okay|alright|right|and|also|btw|by the way|just so you know|fyi|"
    r"for the record|for your information|ps|p\.s\.|please note|oh and|anyway|um|uh|hmm|also,)\b[\s,:-]*)+",
    re.I,
)
CORRECTION_OPENERS = re.compile(
    r"^(?:(?:actually|no|nope|nah|sorry|oops|wait|hold on|correction|i misspoke|i made a mistake|my mistake|"
    r"my bad|i meant(?: to say)?|i mean|i said|that's wrong|that is wrong|that's not right|that is not right|"
    r"that's not correct|wrong|not quite|you got (?:it|that|my name) wrong|you've got (?:it|that|my name) wrong|"
    r"let me correct (?:that|myself)|to correct myself|i was wrong|i typed it wrong|typo)\b[\s,.:;!-]*)+",
    re.I,
)
HEDGES = re.compile(
    r"\b(?:maybe|perhaps|probably|might|i think|i guess|i suppose|i believe|not sure|if|would|i wish|i hope|hopefully|"
    r"pretend|imagine|suppose|what if|let's say|kidding|joking|jk|could be|sometimes)\b|\"",
    re.I,
)
TRAILING_FILLERS = re.compile(
    r"(?:[\s,]+(?:eh|lol|haha|hehe|lmao|thanks|thank you|please|you know|btw|by the way|ok|okay|right|innit|x|xx|"
    r":\)|:-\)|:d|;\)|<3))+\s*$",
    re.I,
)
NEGATION = re.compile(r"\b(?:not|n't|never|no longer)\b", re.I)
REMEMBER = re.compile(
    r"^(?:(?:please|can you|could you|would you|will you|i want you to|i'd like you to)\s+)?"
    r"(?:remember|note|keep in mind|make a note|take note|save|store|memori[sz]e|don't forget|do not forget|"
    r"never forget)(?:\s+(?:that|this|the fact that|of this))?\s*[:,]?\s+(?P<content>.+?)\W*$",
    re.I | re.S,
)
ABOUT_ME = re.compile(
    r"\b(?:what|tell me|anything|everything|things?)\b.*\b(?:know|remember|saved|stored|learn(?:ed|t)|"
    r"have|got|noted|recall)\b.*\b(?:about|on) me\b|\btell me about myself\b|\bwhat(?:'s| is) in your memory\b|"
    r"\bwhat do you (?:know|remember)\s*$|\bwhat have you (?:saved|stored|remembered)\b|"
    r"\bwho do you think i am\b|\bwhat do you know of me\b",
    re.I,
)
QUESTION_START = re.compile(
    r"^(?:what|what's|whats|when|when's|where|where's|who|who's|which|how|why|whose|do|does|did|am|is|are|"
    r"can|could|will|would|have|has|tell me|remind me)\b",
    re.I,
)
THANKS = re.compile(r"^(?:thanks|thank you|thx|ty|cheers|great,? thanks)\b", re.I)
BYE = re.compile(r"^(?:bye|goodbye|good night|see you|see ya|cya|farewell)\b", re.I)


@dataclass(frozen=True)
class Question:
    """A question the human asks: about a kind of fact (key), or answered by word overlap."""

    text: str
    key: str | None
    about_me: bool  # mentions the human (I, me, my), so memory may answer it
    keywords: tuple[str, ...]


@dataclass
class Reading:
    """What one user message says, clause by clause."""

    facts: list[Fact] = field(default_factory=list)
    correction: bool = False  # "actually", "no, ...", "..., not Sarah", "I misspoke"
    bare: list[str] = field(default_factory=list)  # "No, it's Charles": a value whose key the context tells
    olds: list[str] = field(default_factory=list)  # values the human says are wrong ("not Sarah")
    understood: list[str] = field(default_factory=list)  # second person, not saved: "you're tired"
    unsure_name: str | None = None  # "im bob": maybe a name, typed without a capital
    remember: str | None = None  # "remember that ...": the words to remember
    questions: list[Question] = field(default_factory=list)
    about_me: bool = False  # "What do you know about me?"
    greeting: bool = False
    thanks: bool = False
    bye: bool = False

    @property
    def understood_anything(self) -> bool:
        """Whether any part of the message was read."""
        return bool(self.facts or self.bare or self.understood or self.unsure_name or self.remember
                    or self.questions or self.about_me or self.greeting or self.thanks or self.bye)


NAME_MARKERS = re.compile(
    r"^(?:my (?:first |full |real |actual |given )?name(?:'s| is)(?: actually| really| now)?"
    r"|(?:the )?name's|(?:you can |please |just )?call me|(?:people|everyone|everybody|friends|my friends|"
    r"they|most people|folks|everybody) (?:call|calls) me|i go by(?: the name(?: of)?)?"
    r"|i(?:'m| am|m) (?:called|named|known as)|i(?:'m| am) (?:also |usually )?known as"
    r"|(?:you may|you can|you could|feel free to|please|just) call me|i(?:'d)? prefer(?: to be called| to go by)"
    r"|i(?:'d)? like to be called)\s+",
    re.I,
)
WEAK_NAME_MARKERS = re.compile(r"^(?:i'm|i am|im|this is)(?: actually| really)?\s+", re.I)
IT_IS = re.compile(r"^(?:it's|it is|its|that's|that is)(?: actually)?\s+", re.I)
NEGATED_NAME = re.compile(
    r"^(?:my name (?:isn't|is not|ain't)|i'm not|i am not|im not|it's not|it is not|not)\s+(?P<old>.+)$", re.I
)


def case_says_nothing(text: str) -> bool:
    """Whether capitals carry no meaning in a text: all lowercase, all capitals, or Title Case Typing.

    Then a capitalised word after "I'm" is not a sign of a name ("This Is Fun", "I'M BOB").
    """
    if not any(ch.isupper() for ch in text) or text.upper() == text:
        return True
    for clause, _ in clauses(text):
        words = re.findall(WORD, clause)[1:]
        if any(w[0].isupper() and w.lower() in (FUNCTION_WORDS | VERBS) - {"i", "i'm", "i've", "i'd", "i'll"} for w in words):
            return True
    return False


def read_message(text: str) -> Reading:
    """Read a user message: the facts it states, corrections, questions, requests."""
    text = normalize(text).strip()
    reading = Reading()
    all_lower = case_says_nothing(text)
    body = text
    remember = REMEMBER.match(FILLERS.sub("", GREETING.sub("", text)))
    if remember:
        reading.remember = remember.group("content").strip()
        body = reading.remember
    for index, (clause, asked) in enumerate(clauses(body)):
        _read_clause(clause, asked, reading, all_lower, first=index == 0)
    if reading.remember:
        reading.questions.clear()
    return reading


def _read_clause(clause: str, asked: bool, reading: Reading, all_lower: bool, first: bool) -> None:
    """Add what one clause states or asks to `reading`."""
    if first and GREETING.match(clause):
        reading.greeting = True
    clause = FILLERS.sub("", GREETING.sub("", clause)).strip()
    opened = CORRECTION_OPENERS.match(clause)
    if opened:
        reading.correction = True
        clause = clause[opened.end() :].strip()
    clause = FILLERS.sub("", clause).strip()
    if not clause:
        return
    if re.search(r"\s*,?\s*\b(?:actually|instead)\s*$", clause, re.I):
        reading.correction = True
        clause = re.sub(r"\s*,?\s*\b(?:actually|instead)\s*$", "", clause, flags=re.I)
    clause = TRAILING_FILLERS.sub("", clause).strip()
    if THANKS.match(clause):
        reading.thanks = True
        return
    if BYE.match(clause):
        reading.bye = True
        return
    if asked or QUESTION_START.match(clause):
        if ABOUT_ME.search(clause):
            reading.about_me = True
        else:
            reading.questions.append(read_question(clause))
        return
    tail = CORRECTION_TAIL.search(clause)
    if tail:
        reading.correction = True
        reading.olds.append(tail.group("old").strip())
        clause = clause[: tail.start()].strip()
    negated = NEGATED_NAME.match(clause)
    if negated:
        old = read_name(negated.group("old"), lowercase=True)
        if old:
            reading.correction = True
            reading.olds.append(old[0])
        return
    if HEDGES.search(clause):
        return
    _read_statement(clause, reading, all_lower)


def _read_statement(clause: str, reading: Reading, all_lower: bool) -> None:
    """The fact (or the thing understood) in one affirmative clause."""
    marker = NAME_MARKERS.match(clause)
    if marker:
        name = read_name(clause[marker.end() :], lowercase=True)
        if name:
            reading.facts.append(Fact(f"{SUBJECT}'s name is {name[0]}", "name", name[0]))
        return
    weak = WEAK_NAME_MARKERS.match(clause)
    if weak:
        rest = clause[weak.end() :]
        name = read_name(rest, lowercase=False) if not all_lower else None
        if name:
            reading.facts.append(Fact(f"{SUBJECT}'s name is {name[0]}", "name", name[0]))
            return
        if clause.lower().startswith("this is"):
            return
        _read_i_am(rest, reading, all_lower)
        return
    here = re.match(r"^(?:it's |it is )?(?P<rest>.+?)\s+here$", clause, re.I)
    if here:
        name = read_name(here.group("rest"), lowercase=False) if not all_lower else None
        if name and name[1] >= len(here.group("rest")):
            reading.facts.append(Fact(f"{SUBJECT}'s name is {name[0]}", "name", name[0]))
            return
    it_is = IT_IS.match(clause)
    if it_is and reading.correction:
        value = clause[it_is.end() :].strip()
        if value and len(value.split()) <= 4 and not NEGATION.search(value):
            reading.bare.append(value)
        return
    if reading.correction and not reading.facts:
        name = read_name(clause, lowercase=False)
        if name and name[1] >= len(clause.rstrip()):
            reading.bare.append(name[0])
            return
    if NEGATION.search(clause) and not re.match(r"^i (?:don't|do not|never|can't|cannot)\b", clause, re.I):
        return
    fact = _read_my(clause) or _read_i_verb(clause)
    if fact:
        reading.facts.append(fact)


# What may follow "I'm" and be saved: lasting states (not "tired", "cold", "happy").
LASTING = PEOPLES | set(
    """vegan vegetarian pescatarian allergic married single divorced engaged widowed separated pregnant retired
    unemployed self-employed diabetic deaf blind asthmatic epileptic autistic dyslexic gay straight bi bisexual
    lesbian trans transgender queer nonbinary non-binary left-handed right-handed colourblind colorblind
    colour-blind color-blind lactose gluten gluten-free sober introverted extroverted religious atheist agnostic
    fluent bilingual trilingual""".split()
)
NUMBER_WORDS = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred)")
INTENSIFIERS = set("so very really quite pretty super extremely totally kinda rather too incredibly absolutely "
                   "completely a bit little feeling".split())
NOT_A_ROLE = re.compile(r"^an? (?:bit|little|tad|lot|few|couple|bit of|kind of|sort of)\b", re.I)
VALUE_OK = re.compile(r"^[^\"{}\[\]<>]{1,120}$")
YOU = re.compile(r"\b(?:you|your|yours|yourself|u|ur)\b", re.I)


def _value_ok(rest: str) -> bool:
    """A value worth saving: short, plain, not about "you" (the assistant), at most 16 words."""
    return bool(VALUE_OK.match(rest)) and not YOU.search(rest) and 0 < len(rest.split()) <= 16


def _read_i_am(rest: str, reading: Reading, all_lower: bool) -> None:
    """What follows "I'm": a role, a lasting state, an age, where from; or something understood."""
    rest = rest.strip()
    lowered = rest.lower()
    first = lowered.split()[0].strip(",;:") if lowered.split() else ""
    if not _value_ok(rest):
        return
    you = f"you're {objects_second(rest)}"
    if re.match(rf"^(?:\d{{1,3}}|{NUMBER_WORDS}(?:-{NUMBER_WORDS})?)(?: years? old| yo)?$", lowered):
        reading.facts.append(_fact(f"{SUBJECT} is {rest}"))
    elif re.match(r"^an? ", lowered) and not NOT_A_ROLE.match(lowered):
        reading.facts.append(_fact(f"{SUBJECT} is {objects_in_third_person(rest)}"))
    elif first == "from" and len(rest.split()) > 1:
        reading.facts.append(_fact(f"{SUBJECT} is {objects_in_third_person(rest)}"))
    elif first in LASTING or (first in ("also", "very", "strictly", "happily", "recently", "now") and
                              len(lowered.split()) > 1 and lowered.split()[1] in LASTING):
        reading.facts.append(_fact(f"{SUBJECT} is {objects_in_third_person(rest)}"))
    elif first in STATES or first in INTENSIFIERS or first in ("a", "in", "at", "on", "here", "back", "not") \
            or first.endswith("ing") or first in VERBS:
        reading.understood.append(you)
    elif all_lower and is_name_word(first) and len(lowered.split()) == 1:
        reading.unsure_name = rest


def objects_second(text: str) -> str:
    """my -> your, me -> you, inside words said back to the human."""
    mapping = {"my": "your", "me": "you", "myself": "yourself", "mine": "yours"}
    return re.sub(r"\b(my|me|myself|mine)\b", lambda m: mapping[m.group(1).lower()], text, flags=re.I)


def _fact(sentence: str) -> Fact:
    """The fact of a third-person sentence built here (always readable by `record`)."""
    fact = record(sentence)
    assert fact is not None, sentence
    return fact


NOT_ABOUT_THEM = set("bad mistake fault pleasure question questions point guess turn god goodness gosh problem issue "
                     "idea opinion thoughts advice request answer reply message bet word".split())
MY_VERBS = ("is|are|'s|lives|live|works|work|likes|like|loves|love|has|have|plays|play|goes|go|studies|study|"
            "speaks|speak|teaches|teach|owns|own|runs|run|drives|drive")
MY_CLAUSE = re.compile(
    rf"^my (?P<np>(?:[^\W\d][\w\-]*(?:'s)? ){{0,3}}?[^\W\d][\w\-]*?)(?P<poss>'s)?\s+(?P<verb>{MY_VERBS})\s+(?P<rest>.+)$",
    re.I,
)


def _read_my(clause: str) -> Fact | None:
    """ "my <thing> is/lives/has ...": my dog is called Rex, my sister Alice lives in Oslo."""
    match = MY_CLAUSE.match(clause)
    if not match:
        return None
    np, verb, rest = match.group("np"), match.group("verb").lower(), match.group("rest").strip()
    if match.group("poss"):  # "my dog's called Rex": 's is "is"; "my dog's name is Rex" was matched whole
        verb, rest = "is", f"{verb} {rest}"
        if rest.split()[0].lower() not in ("called", "named", "from", "in", "at", "a", "an", "the", "very", "so"):
            return None
    words = np.lower().split()
    if not words or words[0] in NOT_ABOUT_THEM or words[-1] in NOT_ABOUT_THEM or words[0] in FUNCTION_WORDS:
        return None
    if words == ["name"] or not _value_ok(rest) or re.search(r"\bi\b", rest, re.I):
        return None
    if verb == "'s":
        verb = "is"
    return _fact(f"{SUBJECT}'s {np} {verb} {objects_in_third_person(rest)}")


DURABLE_VERBS = set(
    """live work like love enjoy prefer hate dislike adore have own speak play study teach drink eat cook drive ride
    swim read write collect grow keep use know support follow watch listen practise practice volunteer attend go
    run sing paint dance bake climb code knit garden train wear""".split()
)
PAST_VERBS = set("used moved grew lived worked studied graduated married adopted bought started joined retired quit "
                 "got learned learnt taught".split())
HAVE_NOT_FACTS = re.compile(
    r"^(?:to|been|had|got to|gotta|no|nothing|some questions?|an? (?:question|problem|idea|doubt|suggestion|"
    r"feeling|headache|cold|moment|minute|second|look|go|try|quick question|request|issue))\b",
    re.I,
)
BAD_OBJECT = re.compile(r"^(?:it|this|that|these|those|them|him|her|one|so|too|to be|something|anything|nothing|"
                        r"what|how|when|where|why|if)\b", re.I)
I_VERB = re.compile(
    r"^i(?P<have>'ve)?\s+(?P<adv>(?:(?:also|really|usually|often|always|still|sometimes|now|currently|mostly|"
    r"absolutely|totally|just)\s+)*)(?P<neg>(?:don't|do not|never|can't|cannot|can)\s+)?(?P<verb>[a-z]+)"
    r"(?P<rest>(?:\s+.*)?)$",
    re.I,
)


def _read_i_verb(clause: str) -> Fact | None:
    """ "I <verb> ...": I live in Oslo, I have a cat, I moved to York, I don't eat meat, I was born on ..."""
    born = re.match(r"^i was born (?P<rest>(?:on|in) .+)$", clause, re.I)
    if born and _value_ok(born.group("rest")):
        return _fact(f"{SUBJECT} was born {born.group('rest')}")
    match = I_VERB.match(clause)
    if not match:
        return None
    verb, rest = match.group("verb"), match.group("rest").strip()
    lower = verb.lower()
    adverbs = match.group("adv") or ""
    negation = (match.group("neg") or "").strip().lower()
    if match.group("have"):
        if lower == "got":
            verb, lower, rest = "has got", "has got", rest
        else:
            return None  # "I've been ...", "I've moved ...": perfect tenses are events, not facts
    if lower in PAST_VERBS and not negation:
        conjugated = verb
        if lower == "grew" and not rest.lower().startswith("up") or lower == "used" and not rest.lower().startswith("to "):
            return None
    elif lower in DURABLE_VERBS or lower == "has got":
        if negation in ("don't", "do not"):
            conjugated = f"{'doesn' + chr(39) + 't' if negation == 'don' + chr(39) + 't' else 'does not'} {verb}"
        elif negation == "never":
            conjugated = f"never {third_person_verb(verb)}"
        elif negation:
            conjugated = f"{negation} {verb}"
        else:
            conjugated = verb if lower == "has got" else third_person_verb(verb)
    else:
        return None
    if lower in ("have", "has got", "got") and (HAVE_NOT_FACTS.match(rest) or not rest):
        return None
    if lower in ("go", "use", "know", "keep", "run", "wear", "train", "got") and not rest:
        return None
    if rest and (BAD_OBJECT.match(rest) or not _value_ok(rest)) or re.search(r"\bi\b", rest, re.I):
        return None
    if lower in ("live", "work", "moved", "lived", "worked") and not re.match(r"^(?:in|at|as|for|to|with|from|near|on)\b", rest, re.I):
        return None
    sentence = f"{SUBJECT} {adverbs}{conjugated} {objects_in_third_person(rest)}".strip()
    return _fact(re.sub(r"\s+", " ", sentence))


# ---------------------------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------------------------

QUESTION_KEYS: list[tuple[str, str]] = [
    ("name", r"\b(?:what(?:'s| is|s| was)|tell me|say|do you (?:know|remember)|remind me(?: of)?|you know) my (?:first |full |real )?name\b"
             r"|\bwho am i\b|\bwhat am i called\b|\bwhat (?:do|did|should) (?:people|you|they|my friends) call me\b"
             r"|\bwhat do i go by\b|\bdo you know who i am\b|\bwhat(?:'s| is) my name\b"),
    ("home", r"\bwhere (?:do|did) i (?:live|stay|reside|move(?: to)?)\b|\bwhere am i living\b"
             r"|\bwhere(?:'s| is) my (?:home|house|place)\b|\b(?:what|which) (?:city|town|country|place) do i live in\b"),
    ("birthday", r"\bwhen(?:'s| is|s) my birthday\b|\bwhen was i born\b|\b(?:know|remember) my birthday\b"
                 r"|\bwhat(?:'s| is) my (?:birthday|date of birth)\b"),
    ("likes", r"\bwhat do i (?:like|love|enjoy)\b|\bwhat are my (?:hobbies|interests)\b|\bwhat am i into\b"),
    ("work", r"\bwhat(?:'s| is) my (?:job|occupation|profession|line of work)\b|\bwhat do i do for (?:a )?(?:living|work)\b"
             r"|\bwhat do i work as\b|\bwhere do i work\b|\bwhat do i do\s*$"),
    ("age", r"\bhow old am i\b|\bwhat(?:'s| is) my age\b"),
    ("from", r"\bwhere am i from\b|\bwhere do i come from\b"),
]
MY_THING = re.compile(
    r"\b(?:what(?:'s| is| are|'re)|who(?:'s| is)|tell me|remind me of|do you (?:know|remember)(?: what)?) my "
    r"(?P<np>[^\W\d][\w\- ]{0,30}?)(?P<called>(?:'s name)| called| named| name)?\s*\??$",
    re.I,
)
MY_THING_LIVES = re.compile(r"\bwhere (?:does|do) my (?P<np>[^\W\d][\w\- ]{0,30}?) live\b", re.I)
MY_THING_WORKS = re.compile(r"\bwhat (?:does|do) my (?P<np>[^\W\d][\w\- ]{0,30}?) do(?: for (?:a )?(?:living|work))?\b", re.I)
MY_THING_AGE = re.compile(r"\bhow old (?:is|are) my (?P<np>[^\W\d][\w\- ]{0,30}?)\b", re.I)

# Words a question is made of that say nothing about what it is about.
QUESTION_WORDS = FUNCTION_WORDS | set(
    """what's whats who's where's when's why how tell told say said mention mentioned remember know knew recall
    again ever do did does can could would should will am is are was were be been have has had get got
    like likes liked love loves about name names called call named please remind me my i i'm im you your
    thing things stuff anything something much many""".split()
)
STEM = re.compile(r"(?:'s|ing|ed|es|s)$")


def stem(word: str) -> str:
    """A rough stem, so that lives/lived/living and dogs/dog meet: "liv", "dog"."""
    word = word.lower().removesuffix("'s")
    stemmed = STEM.sub("", word) if len(word) > 4 else word.rstrip("s") if len(word) > 3 else word
    return stemmed.rstrip("e") if len(stemmed) > 3 else stemmed


def keywords(text: str) -> tuple[str, ...]:
    """The words of a question that say what it is about ("dog" in "What is my dog called?")."""
    words = [w.lower().removesuffix("'s") for w in re.findall(WORD + r"|\d+", normalize(text))]
    return tuple(dict.fromkeys(w for w in words if w and w not in QUESTION_WORDS))


def overlap(question: tuple[str, ...], text: str) -> int:
    """How many of a question's keywords a text holds (by stem: live/lives, dog/dogs)."""
    stems = {stem(w) for w in re.findall(WORD + r"|\d+", normalize(text))}
    return sum(1 for word in question if stem(word) in stems)


def enough_overlap(question: tuple[str, ...], score: int) -> bool:
    """Whether a best match is good enough to answer with: one word of two, two of four, ..."""
    return score >= 1 and score * 2 >= len(question) - 1


def read_question(text: str) -> Question:
    """What a question asks about: a key ("name", "dog name", "sister home") or keywords."""
    clean = normalize(text).strip()
    about_me = bool(re.search(r"\b(?:i|me|my|mine|myself|i'm|i've|im)\b", clean, re.I))
    key = next((key for key, pattern in QUESTION_KEYS if re.search(pattern, clean, re.I)), None)
    if key is None:
        for pattern, suffix in ((MY_THING_LIVES, " home"), (MY_THING_WORKS, " work"), (MY_THING_AGE, " age")):
            match = pattern.search(clean)
            if match:
                key = match.group("np").lower().strip() + suffix
                break
    if key is None:
        match = MY_THING.search(clean)
        if match and not re.search(r"\b(?:you|your)\b", match.group("np"), re.I):
            np = match.group("np").lower().strip()
            key = f"{np} name" if match.group("called") else np
    return Question(clean, key, about_me, keywords(clean))


def question_label(key: str) -> str:
    """How to name what a question asks, in "I don't know ...": "your name", "where your sister lives"."""
    fixed = {"name": "your name", "home": "where you live", "birthday": "your birthday", "born": "your birthday",
             "likes": "what you like", "work": "your job", "age": "how old you are", "from": "where you're from"}
    if key in fixed:
        return fixed[key]
    for suffix, template in ((" home", "where your {} lives"), (" work", "what your {} does"),
                             (" age", "how old your {} is"), (" name", "your {}'s name")):
        if key.endswith(suffix):
            return template.format(key.removesuffix(suffix))
    return f"your {key}"


def key_matches(question_key: str, fact_key: str) -> bool:
    """Whether a fact answers a question about `question_key`."""
    if question_key == "birthday":
        return fact_key in ("birthday", "born")
    if question_key == "likes":
        return fact_key.split()[0] in ("likes", "loves", "enjoys", "adores", "prefers")
    if question_key == "work":
        return fact_key == "work" or fact_key.startswith("is a")
    if fact_key == question_key:
        return True
    asked, held = question_key.split(), fact_key.split()
    # "sister home" is answered by "sister alice home" (my sister Alice lives in Oslo)
    return len(asked) > 1 and len(held) > 1 and asked[-1] == held[-1] and set(asked[:-1]) <= set(held[:-1])


SEARCH_WORDS = {"name": "name", "home": "live", "birthday": "birthday", "born": "born", "likes": "like",
                "work": "work", "age": "age", "from": "from"}


def search_words(key: str) -> str:
    """What to search memory for to answer a question about `key`."""
    return SEARCH_WORDS.get(key, key.replace(" home", " live").replace(" work", " job"))
