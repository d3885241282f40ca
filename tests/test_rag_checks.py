"""The checkers of notebook 11 accept its solutions and catch typical mistakes with the right words."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

from helpers import rag_checks

SOLUTIONS = runpy.run_path(str(Path(__file__).resolve().parents[1] / "notebooks" / "solutions" / "11_agentic_rag.py"))


def test_solutions_pass(capsys) -> None:
    assert rag_checks.check_split_words(SOLUTIONS["split_words"]) is True
    assert rag_checks.check_cite(SOLUTIONS["cite"]) is True
    assert capsys.readouterr().out.count("✅ Well done") == 2


def words_joined(text, size, overlap):
    """Passages rebuilt by joining words with spaces: their text is no longer text[start:end]."""
    words = list(re.finditer(r"\S+", text))
    step = size - overlap
    return [{"text": " ".join(w.group() for w in words[i:i + size]), "start": words[i].start(),
             "end": words[min(i + size, len(words)) - 1].end()} for i in range(0, max(len(words) - overlap, 1), step)
            if words]


def no_overlap(text, size, overlap):
    return SOLUTIONS["split_words"](text, size, 0)


def one_too_many(text, size, overlap):
    words = list(re.finditer(r"\S+", text))
    passages = []
    for first in range(0, len(words), size - overlap):  # never stops early: the last passage repeats words
        last = min(first + size, len(words)) - 1
        passages.append({"text": text[words[first].start():words[last].end()], "start": words[first].start(),
                         "end": words[last].end()})
    return passages


def too_big(text, size, overlap):
    return SOLUTIONS["split_words"](text, size + 1, overlap)


def test_mistakes_are_named(capsys) -> None:
    for fn, words in ((words_joined, "spacing and line breaks included"), (no_overlap, "should start with the last"),
                      (one_too_many, "only repeats words of the one before"), (too_big, "over the size")):
        assert rag_checks.check_split_words(fn) is False
        assert words in capsys.readouterr().out, fn.__name__


def test_a_missing_return_and_a_wrong_citation(capsys) -> None:
    assert rag_checks.check_split_words(lambda text, size, overlap: None) is False
    assert "returned None every time" in capsys.readouterr().out
    assert rag_checks.check_cite(lambda meta: f"[{meta['source']}, passage {meta['passage']}]") is False
    out = capsys.readouterr().out
    assert "should be '[notes.md, passage 3, lines 12-20]'" in out and "cite raised TypeError" in out
