"""Print timing figures for the offline course: an agent step, and `import helpers`.

Run with `make bench`. These are figures to read, not tests: nothing here fails on a slow machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

os.environ["MEMORY_LAB_OFFLINE"] = "1"

from helpers import agent_step, make_client, new_memory  # noqa: E402


def median_ms(samples: list[float]) -> str:
    """A median in milliseconds, with the spread between the quartiles."""
    q1, median, q3 = statistics.quantiles(samples, n=4)
    return f"median {median * 1000:.2f} ms (quartiles {q1 * 1000:.2f}-{q3 * 1000:.2f} ms, n={len(samples)})"


def bench_agent_step(runs: int = 300) -> list[float]:
    """Time an offline agent step that saves a fact, then replies (two model calls, one tool call)."""
    client = make_client()
    agent_step(client, "My name is Bob", new_memory())  # warm up
    samples = []
    for _ in range(runs):
        memory = new_memory()
        start = time.perf_counter()
        agent_step(client, "My name is Bob", memory)
        samples.append(time.perf_counter() - start)
        assert memory["human"] == "The human's name is Bob"
    return samples


def bench_import(module: str, runs: int = 7) -> list[float]:
    """Time importing a module in a fresh interpreter each run."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    return [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(runs)]


if __name__ == "__main__":
    print(f"offline agent_step (save + reply): {median_ms(bench_agent_step())}  [target < 5 ms]")
    print(f"import helpers (fresh interpreter): {median_ms(bench_import('helpers'))}")
    print(f"  of which import openai alone:     {median_ms(bench_import('openai'))}")
