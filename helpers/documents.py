"""Documents in archival memory: read a .txt or .md file, cut it into passages, embed them, keep where each came from.

- Sizes are in tokens (`helpers.tokens.count_tokens`, as the context window is measured): a passage
  holds at most `max_tokens` (PASSAGE_TOKENS by default) and begins with the last words of the one
  before it, at most `overlap` tokens, so a sentence cut at a boundary is whole in one of the two.
- A passage ends, by preference, where a paragraph ends (a blank line), else where a sentence ends,
  provided that leaves it at least half full; else after the last word that fits. A word longer than
  a whole passage (a pasted URL, a hash) is cut by characters.
- Each passage keeps its place as metadata: the file's name, its number in the document (from 1), its
  characters (`text[start:end]` of the text as read, line endings as "\\n") and its first and last line.
  The archive keeps the metadata beside the passages (`archive["metadata"]`), and so does the store.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any, TypedDict

import openai

from helpers.archival import Archive, archival_insert
from helpers.embeddings import embed
from helpers.tokens import count_tokens

# Letta loads documents in passages of 300 tokens (its embedding_chunk_size); ours are smaller, so
# that a page of five search results costs about 1,000 tokens of the agent's 8,192-token window.
PASSAGE_TOKENS = 200
OVERLAP_TOKENS = 40
EXTENSIONS = (".txt", ".md")
WORD = re.compile(r"\S+")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
SENTENCE_END = re.compile(r"[.!?;:][\"')\]]*$")


class DocumentError(ValueError):
    """A document that cannot be loaded, in one sentence that says what to fix."""


class Chunk(TypedDict):
    """One passage of a document, and where it is in it."""

    text: str
    source: str  # the file's name
    passage: int  # its number in the document, from 1
    start: int  # its characters are text[start:end] of the document as read
    end: int
    first_line: int  # its first and last line, from 1
    last_line: int


def read_document(path: str | Path) -> str:
    """The text of a .txt or .md file (UTF-8, line endings as "\\n"); a DocumentError saying what to fix."""
    path = Path(path).expanduser()
    if path.suffix.lower() not in EXTENSIONS:
        raise DocumentError(f"{path.name} is not a .txt or .md file: save it as plain text (UTF-8) and load that.")
    if not path.is_file():
        where = "a folder, not a file" if path.is_dir() else "not there"
        raise DocumentError(f"{path} is {where}. Check the path (relative paths start from {Path.cwd().name}/).")
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: a byte-order mark from Windows' Notepad is dropped
    except UnicodeDecodeError as error:
        raise DocumentError(f"{path.name} is not UTF-8 text (byte {error.start} is not): save it as UTF-8 "
                            "and load it again.") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DocumentError(f"{path.name} is empty: there is nothing to load.")
    return text


# ---------------------------------------------------------------------------------------------
# Cutting a text into passages.
# ---------------------------------------------------------------------------------------------


def _pieces(text: str, max_tokens: int) -> list[tuple[int, int]]:
    """The (start, end) of each word; a word over `max_tokens` is cut into pieces that fit."""
    spans = []
    for match in WORD.finditer(text):
        start, end = match.span()
        while count_tokens(text[start:end]) > max_tokens:
            low, high = start + 1, end  # the longest piece from `start` that fits
            while low < high:
                middle = (low + high + 1) // 2
                low, high = (middle, high) if count_tokens(text[start:middle]) <= max_tokens else (low, middle - 1)
            spans.append((start, low))
            start = low
        spans.append((start, end))
    return spans


def _tokens(text: str, words: list[tuple[int, int]], first: int, last: int) -> int:
    """How many tokens the text from word `first` to word `last` is."""
    return count_tokens(text[words[first][0] : words[last][1]])


def _break(text: str, words: list[tuple[int, int]], first: int, last: int, after: int = -1) -> int:
    """Where to end a passage from word `first` to `last`, past word `after`: a paragraph's end, a sentence's, or `last`."""
    half = max(first + (last - first) // 2, after + 1)
    for ends in (lambda i: PARAGRAPH_BREAK.search(text, words[i][1], words[i + 1][0]),
                 lambda i: SENTENCE_END.search(text, words[i][0], words[i][1])):
        found = next((i for i in range(last, half - 1, -1) if ends(i)), None)
        if found is not None:
            return found
    return last


def passage_spans(text: str, max_tokens: int = PASSAGE_TOKENS, overlap: int = OVERLAP_TOKENS) -> list[tuple[int, int]]:
    """Where to cut `text` into passages: (start, end) of each, at most `max_tokens` each, `overlap` tokens shared."""
    if not isinstance(max_tokens, int) or max_tokens < 1:
        raise ValueError(f"max_tokens must be a whole number of at least 1, not {max_tokens!r}.")
    if not isinstance(overlap, int) or not 0 <= overlap < max_tokens:
        raise ValueError(f"overlap must be at least 0 and less than max_tokens ({max_tokens}), not {overlap!r}.")
    words = _pieces(text, max_tokens)
    spans: list[tuple[int, int]] = []
    first, previous = 0, -1  # `previous`: the last word of the passage before
    while first < len(words):
        # The most words that fit (at most max_tokens of them: each word is a token or more), by bisection.
        low, high = first, min(first + max_tokens, len(words)) - 1
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if _tokens(text, words, first, middle) <= max_tokens else (low, middle - 1)
        if low <= previous:  # the overlap leaves no room for a new word: start after the passage before instead
            first = previous + 1
            continue
        last = low if low == len(words) - 1 else _break(text, words, first, low, previous)
        spans.append((words[first][0], words[last][1]))
        if last == len(words) - 1:
            break
        # The next passage starts with as many of this one's last words as fit in `overlap` tokens (bisection).
        low, high = max(first + 1, last - overlap + 1), last + 1
        while low < high:
            middle = (low + high) // 2
            low, high = (low, middle) if _tokens(text, words, middle, last) <= overlap else (middle + 1, high)
        first, previous = low, last
    return spans


def chunk_document(text: str, source: str, max_tokens: int = PASSAGE_TOKENS, overlap: int = OVERLAP_TOKENS) -> list[Chunk]:
    """`text` cut into passages, each with its source, number, characters and lines."""
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
    return [
        {"text": text[start:end], "source": source, "passage": number, "start": start, "end": end,
         "first_line": bisect.bisect_right(line_starts, start), "last_line": bisect.bisect_right(line_starts, end - 1)}
        for number, (start, end) in enumerate(passage_spans(text, max_tokens, overlap), start=1)
    ]


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    """What the archive keeps about a passage's place: JSON-ready, so the store saves it as it is."""
    return {"source": chunk["source"], "passage": chunk["passage"], "chars": [chunk["start"], chunk["end"]],
            "lines": [chunk["first_line"], chunk["last_line"]]}


# ---------------------------------------------------------------------------------------------
# Loading into archival memory.
# ---------------------------------------------------------------------------------------------


def loaded_passages(archive: Archive, source: str) -> list[int]:
    """The ids of the passages in `archive` that came from the document called `source`."""
    return [i for i, meta in enumerate(archive.get("metadata") or []) if meta and meta.get("source") == source]


def load_document(
    client: openai.OpenAI, archive: Archive, path: str | Path, *, embedding_model: str | None = None,
    max_tokens: int = PASSAGE_TOKENS, overlap: int = OVERLAP_TOKENS,
) -> list[int]:
    """Read a .txt or .md file, cut it into passages, embed them in batches and insert them; return their ids.

    Loading the same file again changes nothing (its ids are returned); another file of the same name is refused.
    """
    path = Path(path)
    chunks = chunk_document(read_document(path), path.name, max_tokens, overlap)
    there = loaded_passages(archive, path.name)
    if there:
        if [archive["passages"][i] for i in there] == [chunk["text"] for chunk in chunks]:
            return there
        raise DocumentError(f"Archival memory already holds another {path.name} (passages {there[0]} to "
                            f"{there[-1]}): rename the file to load it beside that one.")
    texts = [chunk["text"] for chunk in chunks]
    return archival_insert(archive, texts, embed(client, texts, model=embedding_model),
                           metadata=[chunk_metadata(chunk) for chunk in chunks])
