"""What a question asks: a kind of fact (its key), or words to match against memory by overlap."""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.offline.language import WORD, base_verb, normalize
from helpers.offline.lexicon import FUNCTION_WORDS
from helpers.offline.phrasings import TIME_WORDS, more_question_key, verb_key_matches


@dataclass(frozen=True)
class Question:
    """A question the human asks: about a kind of fact (key), or answered by word overlap."""

    text: str
    key: str | None
    about_me: bool  # mentions the human (I, me, my), so memory may answer it
    keywords: tuple[str, ...]


QUESTION_KEYS: list[tuple[str, str]] = [
    ("name", r"\b(?:what(?:'s| is|s| was)|tell me|say|do you (?:know|remember)|remind me(?: of)?|you know) "
             r"my (?:first |full |real )?name\b"
             r"|\bwho am i\b|\bwhat am i called\b|\bwhat (?:do|did|should) (?:people|you|they|my friends) call me\b"
             r"|\bwhat do i go by\b|\bdo you know who i am\b|\bwhat(?:'s| is) my name\b|\bwhat my (?:first |full )?name is\b"),
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
# "Any idea what my dog's name is?"
MY_THING_IS = re.compile(r"\bwhat my (?P<np>[^\W\d][\w\- ]{0,30}?)(?P<called>'s name| name)? is\b", re.I)
MY_THING_LIVES = re.compile(r"\bwhere (?:does|do) my (?P<np>[^\W\d][\w\- ]{0,30}?) live\b", re.I)
MY_THING_WORKS = re.compile(r"\bwhat (?:does|do) my (?P<np>[^\W\d][\w\- ]{0,30}?) do(?: for (?:a )?(?:living|work))?\b", re.I)
MY_THING_AGE = re.compile(r"\bhow old (?:is|are) my (?P<np>[^\W\d][\w\- ]{0,30}?)\b", re.I)

# Words a question is made of that say nothing about what it is about.
QUESTION_WORDS = FUNCTION_WORDS | set(
    """what's whats who's where's when's why how tell told say said mention mentioned remember know knew recall
    again ever do did does can could would should will am is are was were be been have has had get got
    like likes liked love loves about name names called call named please remind me my i i'm im you your
    thing things stuff anything something much many ask asks asked asking""".split()
)
STEM = re.compile(r"(?:'s|ing|ed|es|s)$")
TAIL = re.compile(r"(?:ic|i|y)$")


def stem(word: str) -> str:
    """A rough stem, so that lives/lived/living, dogs/dog and allergy/allergies/allergic meet: "liv", "dog", "allerg"."""
    word = word.lower().removesuffix("'s")
    stemmed = STEM.sub("", word) if len(word) > 4 else word.rstrip("s") if len(word) > 3 else word
    if len(stemmed) >= 4:
        stemmed = TAIL.sub("", stemmed)  # study/studies, allergy/allergic
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
    """Whether a best match is good enough to answer with: one word of two or three, two of four or five, ..."""
    return score >= 1 and score * 2 >= len(question) - 1


def read_question(text: str) -> Question:
    """What a question asks about: a key ("name", "dog name", "sister home") or keywords."""
    clean = normalize(text).strip()
    about_me = bool(re.search(r"\b(?:i|me|my|mine|myself|i'm|i've|im)\b", clean, re.I))
    keyed = TIME_WORDS.sub("", clean.rstrip("?!. ")) + "?"  # "... at the moment?": the key is the same
    key = next((key for key, pattern in QUESTION_KEYS if re.search(pattern, keyed, re.I)), None)
    key = key or more_question_key(keyed)
    if key is None:
        for pattern, suffix in ((MY_THING_LIVES, " home"), (MY_THING_WORKS, " work"), (MY_THING_AGE, " age")):
            match = pattern.search(keyed)
            if match:
                key = match.group("np").lower().strip() + suffix
                break
    if key is None:
        match = MY_THING.search(keyed) or MY_THING_IS.search(keyed)
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
    if key.startswith("verb:"):
        return f"what you {base_verb(key.removeprefix('verb:'))}"
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
    if question_key.startswith("verb:"):
        return verb_key_matches(question_key, fact_key)
    if question_key.endswith(" work") and re.match(rf"{re.escape(question_key[:-5])}(?: \S+)? is an? ", fact_key):
        return True  # "What does my sister do?": "The human's sister Ines is a pilot" (as "work" by "is a")
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
