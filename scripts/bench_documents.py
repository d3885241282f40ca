"""Print figures for notebook 11: how long loading a document into archival memory takes, offline.

A 50-page document (about 150,000 characters, 35,000 tokens) is made from the Constitution in
notebooks/data/, each copy's paragraphs numbered apart so that no two passages are the same text. Loading
it (read, cut into passages, embed in batches, insert) is timed against a floor measured in the same run:
counting the tokens of the whole text once, cold, the least any loader measuring in tokens must do.

Run with `.venv/bin/python scripts/bench_documents.py` (`make bench` runs it too). Figures to read, not tests.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ["MEMORY_LAB_OFFLINE"] = "1"

from helpers.archival import new_archive  # noqa: E402
from helpers.backend import make_client  # noqa: E402
from helpers.documents import chunk_document, load_document, read_document  # noqa: E402
from helpers.tokens import count_tokens  # noqa: E402

CONSTITUTION = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "constitution.txt"
PAGE = 3000  # characters on a printed page of prose, roughly
PAGES = 50


def fifty_pages() -> str:
    """The Constitution's paragraphs, copy after copy, each numbered apart, to 50 pages."""
    paragraphs = [p for p in read_document(CONSTITUTION).split("\n\n") if p.strip()]
    out, size, n = [], 0, 0
    while size < PAGES * PAGE:
        out.append(f"({n // len(paragraphs) + 1}.{n % len(paragraphs) + 1}) {paragraphs[n % len(paragraphs)]}")
        size, n = size + len(out[-1]) + 2, n + 1
    return "\n\n".join(out) + "\n"


def main() -> None:
    client = make_client()
    text = fifty_pages()
    count_tokens("warm up the tokenizer")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fifty-pages.txt"
        path.write_text(text, encoding="utf-8")
        floors, cuts, loads = [], [], []
        for run in range(5):
            variant = text.replace("(", f"[{run}](")  # new text each run: no cached token counts help
            path.write_text(variant, encoding="utf-8")
            started = time.perf_counter()
            count_tokens(variant + " ")
            floors.append(time.perf_counter() - started)
            started = time.perf_counter()
            chunks = chunk_document(variant, path.name)
            cuts.append(time.perf_counter() - started)
            path.write_text(variant.replace("[", "{"), encoding="utf-8")
            started = time.perf_counter()
            ids = load_document(client, new_archive(), path)
            loads.append(time.perf_counter() - started)
    floor, cut, load = (statistics.median(x) for x in (floors, cuts, loads))
    print(f"document: {len(text):,} characters ({len(text) / PAGE:.0f} pages of {PAGE:,}), {count_tokens(text):,} tokens")
    print(f"passages: {len(chunks)} of at most 200 tokens ({len(ids)} loaded)")
    print(f"floor, counting its tokens once:      median {floor * 1000:7.1f} ms")
    print(f"cutting it into passages:             median {cut * 1000:7.1f} ms  ({cut / floor:.1f} x the floor)")
    print(f"loading it (read, cut, embed, insert): median {load * 1000:7.1f} ms  ({load / floor:.1f} x the floor)")


if __name__ == "__main__":
    main()
