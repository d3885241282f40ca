"""Solutions to the exercises of 11_agentic_rag.ipynb."""

import re


def split_words(text, size, overlap):
    """Passages of at most `size` words, each starting with the last `overlap` words of the one before."""
    words = list(re.finditer(r"\S+", text))
    passages = []
    for first in range(0, len(words), size - overlap):
        last = min(first + size, len(words)) - 1
        passages.append({"text": text[words[first].start():words[last].end()],
                         "start": words[first].start(), "end": words[last].end()})
        if last == len(words) - 1:
            break
    return passages


def cite(metadata):
    """A passage's citation: "[source, passage n, lines a-b]", or "" without a source."""
    if not metadata or not metadata.get("source"):
        return ""
    parts = [metadata["source"]]
    if metadata.get("passage") is not None:
        parts.append(f"passage {metadata['passage']}")
    if metadata.get("lines"):
        first, last = metadata["lines"]
        parts.append(f"line {first}" if first == last else f"lines {first}-{last}")
    return f"[{', '.join(parts)}]"
