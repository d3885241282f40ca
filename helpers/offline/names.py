"""Names: one to three capitalised words, in any cased script, that end their clause."""

from __future__ import annotations

import re

from helpers.offline.language import WORD
from helpers.offline.lexicon import CLAUSE_ENDERS, FUNCTION_WORDS, NAME_PARTICLES, TITLES, WORD_NAMES, is_name_word

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
        word_name = not words and lower in WORD_NAMES and _is_capitalised(word)
        if not word_name and (lower in CLAUSE_ENDERS or lower in FUNCTION_WORDS and lower not in NAME_PARTICLES):
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
        if not word_name and (not is_name_word(word) or any(not is_name_word(p) for p in parts if len(p) > 2)):
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
