"""Print timing figures for notebooks 05-07: archival search and insert at scale, and an offline MemGPT step.

Run with `.venv/bin/python scripts/bench_memgpt.py`. Figures to read, not tests: nothing fails when slow.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import datetime, timezone

os.environ["MEMORY_LAB_OFFLINE"] = "1"

import numpy as np  # noqa: E402

from helpers.archival import archival_insert, archival_search, new_archive  # noqa: E402
from helpers.backend import make_client  # noqa: E402
from helpers.embeddings import embed  # noqa: E402
from helpers.memgpt import memgpt_step, new_agent  # noqa: E402
from helpers.recall import ticking_clock  # noqa: E402

PASSAGES, DIMENSIONS, BATCH = 100_000, 384, 1_000


def median_ms(samples: list[float]) -> str:
    """A median in milliseconds, with the spread between the quartiles."""
    q1, median, q3 = statistics.quantiles(samples, n=4)
    return f"median {median * 1000:.2f} ms (quartiles {q1 * 1000:.2f}-{q3 * 1000:.2f} ms, n={len(samples)})"


def random_unit_rows(count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` random unit-length float32 rows (stand-ins for embeddings: same shape and cost)."""
    rows = rng.standard_normal((count, DIMENSIONS), dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def bench_insert(vectors: np.ndarray, runs: int = 5) -> tuple[list[float], dict]:
    """Time inserting every passage, BATCH at a time, into an empty archive."""
    texts = [f"passage {i}" for i in range(len(vectors))]
    samples, archive = [], new_archive()
    for _ in range(runs):
        archive = new_archive()
        start = time.perf_counter()
        for first in range(0, len(vectors), BATCH):
            archival_insert(archive, texts[first : first + BATCH], vectors[first : first + BATCH])
        samples.append(time.perf_counter() - start)
    return samples, archive


def bench_search(archive: dict, rng: np.random.Generator, runs: int = 200) -> list[float]:
    """Time archival_search (top 5, page 0) for random queries."""
    queries, samples = random_unit_rows(runs, rng), []
    for query in queries:
        start = time.perf_counter()
        archival_search(archive, query)
        samples.append(time.perf_counter() - start)
    return samples


def bench_offline_embedding(count: int = 2_000) -> float:
    """Seconds per passage to embed short passages with the offline embedding, through the client."""
    client = make_client()
    texts = [f"The human mentioned note number {i} about their garden and the weather" for i in range(count)]
    start = time.perf_counter()
    embed(client, texts)
    return (time.perf_counter() - start) / count


def bench_step(runs: int = 300) -> list[float]:
    """Time an offline MemGPT step: one memory edit (heartbeat), then send_message: two model calls."""
    client = make_client()
    samples = []
    for n in range(runs + 1):
        agent = new_agent()
        clock = ticking_clock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
        start = time.perf_counter()
        reply = memgpt_step(client, agent, "My name is Bob", now=clock)
        if n:  # the first run warms up
            samples.append(time.perf_counter() - start)
        assert reply == "Nice to meet you, Bob!" and agent["blocks"]["human"]["value"] == "The human's name is Bob"
    return samples


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    vectors = random_unit_rows(PASSAGES, rng)
    inserts, archive = bench_insert(vectors)
    print(f"archival insert, {PASSAGES:,} passages x {DIMENSIONS} dims in batches of {BATCH:,} "
          f"(embedding excluded): {median_ms(inserts)}  [target < 2000 ms]")
    print(f"archival_memory_search over {PASSAGES:,} passages, top 5: {median_ms(bench_search(archive, rng))}  [target < 20 ms]")
    per_passage = bench_offline_embedding()
    print(f"  embedding, separately: the offline embedding takes {per_passage * 1e6:.0f} us a passage "
          f"(~{per_passage * PASSAGES:.0f} s for {PASSAGES:,}); online it is an API call per 256 passages")
    print(f"offline MemGPT step (message in, core_memory_append + send_message out): {median_ms(bench_step())}  [target < 10 ms]")
