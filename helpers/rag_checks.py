"""Checkers for the exercises of notebook 11: passages with overlap, and citations."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from helpers.checkers import _short, run_checks, watch

TEXT = "We the People of the United States,\nin Order to form  a more perfect Union,\n\nestablish Justice."


def _words(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in re.finditer(r"\S+", text)]


def _problem(text: str, size: int, overlap: int, got: Any) -> str | None:
    """What is wrong with `got` as the passages of `text`, or None."""
    case = f"split_words({_short(text)}, {size}, {overlap})"
    if not isinstance(got, list) or not all(isinstance(p, dict) and {"text", "start", "end"} <= p.keys() for p in got):
        return f"{case} should return a list of dicts with 'text', 'start' and 'end', got {_short(got)}"
    words = _words(text)
    if not words:
        return None if got == [] else f"{case}: a text with no words has no passages; expected [], got {_short(got)}"
    for n, passage in enumerate(got):
        if passage["text"] != text[passage["start"]:passage["end"]]:
            return (f"{case}: passage {n}'s text should be exactly text[start:end] ({passage['start']}:{passage['end']}), "
                    f"spacing and line breaks included; got {_short(passage['text'])}")
        if not passage["text"].strip():
            return f"{case}: passage {n} is empty; every passage holds at least one word"
        inside = [i for i, (start, end) in enumerate(words) if start >= passage["start"] and end <= passage["end"]]
        if not inside or words[inside[0]][0] != passage["start"] or words[inside[-1]][1] != passage["end"]:
            return f"{case}: passage {n} should start where a word starts and end where a word ends; got {_short(passage['text'])}"
        if len(inside) > size:
            return f"{case}: passage {n} has {len(inside)} words, over the size of {size}"
        passage["words"] = inside
    covered = sorted({i for p in got for i in p["words"]})
    if covered != list(range(len(words))):
        missing = [text[words[i][0]:words[i][1]] for i in range(len(words)) if i not in covered]
        return f"{case}: some words are in no passage: {_short(missing)}"
    for n, (first, second) in enumerate(zip(got, got[1:])):
        shared = [i for i in second["words"] if i in first["words"]]
        if shared != first["words"][len(first["words"]) - overlap:] or len(shared) != overlap:
            return (f"{case}: passage {n + 1} should start with the last {overlap} words of passage {n}; "
                    f"it shares {len(shared)}")
    if len(got) > 1 and set(got[-1]["words"]) <= set(got[-2]["words"]):
        return f"{case}: the last passage only repeats words of the one before; stop once a passage reaches the last word"
    return None


def check_split_words(fn: Callable[[str, int, int], list[dict[str, Any]]]) -> bool:
    """Check `split_words(text, size, overlap)`: sizes, overlap, positions, every word, no empty passage."""
    fn, returned = watch(fn)
    cases = [(TEXT, 5, 2), (TEXT, 4, 0), (TEXT, 3, 1), (TEXT, 100, 10), ("  one  ", 2, 1), ("", 3, 1),
             (" \n ", 3, 1), ("a b c d e f g h", 4, 3), ("a b c d e f", 3, 1)]

    def case(text: str, size: int, overlap: int) -> Callable[[], str | None]:
        return lambda: _problem(text, size, overlap, fn(text, size, overlap))

    return run_checks("split_words", [case(*args) for args in cases], returned=returned,
                      returns="the list of passages")


def check_cite(fn: Callable[[dict[str, Any] | None], str]) -> bool:
    """Check `cite(metadata)` on passages with and without their place in a document."""
    fn, returned = watch(fn)
    cases = [
        ({"source": "notes.md", "passage": 3, "lines": [12, 20]}, "[notes.md, passage 3, lines 12-20]"),
        ({"source": "constitution.txt", "passage": 6, "lines": [56, 70], "chars": [1, 2]},
         "[constitution.txt, passage 6, lines 56-70]"),
        ({"source": "notes.md", "passage": 1, "lines": [7, 7]}, "[notes.md, passage 1, line 7]"),
        ({"source": "notes.md"}, "[notes.md]"),
        (None, ""),
        ({"passage": 2, "lines": [1, 3]}, ""),
    ]

    def case(metadata: dict[str, Any] | None, want: str) -> Callable[[], str | None]:
        def run() -> str | None:
            got = fn(None if metadata is None else dict(metadata))
            return None if got == want else f"cite({_short(metadata)}) should be {want!r}, got {_short(got)}"
        return run

    return run_checks("cite", [case(*args) for args in cases], returned=returned, returns="the citation text")
