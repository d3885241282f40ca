"""Print figures for notebook 08 (the context window): what the token accounting costs, what a flush costs,
and the prompt tokens per turn over a long conversation with and without memory management.

Run with `make bench` (or `.venv/bin/python scripts/bench_context.py`). Figures to read, not tests.
"""

from __future__ import annotations

import copy
import os
import statistics
import time
from datetime import datetime, timedelta, timezone

os.environ["MEMORY_LAB_OFFLINE"] = "1"

import helpers.context as context  # noqa: E402
from helpers.agent import complete  # noqa: E402
from helpers.backend import make_client, model_name  # noqa: E402
from helpers.memgpt import memgpt_step, memgpt_tools, new_agent  # noqa: E402
from helpers.recall import ticking_clock  # noqa: E402
from helpers.tokens import count_request  # noqa: E402

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
TALK = ["My name is Bob", "I live in Leeds", "I like jazz", "Hello", "What is my name?", "I work as a nurse",
        "Remember that my locker code is 4821", "Tell me a joke", "Where do I live?", "I like chess"]


def median_ms(samples: list[float]) -> str:
    """A median in milliseconds, with the spread between the quartiles."""
    q1, median, q3 = statistics.quantiles(samples, n=4)
    return f"median {median * 1000:.2f} ms (quartiles {q1 * 1000:.2f}-{q3 * 1000:.2f} ms, n={len(samples)})"


def unaccounted(client, agent, tools, *, model, moment, call=1, report=None):
    """A model call with no accounting at all: the request compiled and sent, nothing counted."""
    return complete(client, model=model, messages=context.compile_context(agent, moment), tools=tools)


def accounting_ratio(runs: int = 300) -> tuple[float, list[float], list[float]]:
    """Median time of a step (save + reply) with the accounting, over one without, measured in turns."""
    client = make_client()
    with_it, without = [], []
    checked, called = context.check_window, context.call_within_window

    def step() -> float:
        agent, clock = new_agent(), ticking_clock(START)
        start = time.perf_counter()
        memgpt_step(client, agent, "My name is Bob", now=clock)
        return time.perf_counter() - start

    step()  # warm up (loads the tokenizer)
    for n in range(runs):  # alternate, so that a busy machine slows both alike
        for accounted in ((True, False) if n % 2 else (False, True)):
            context.check_window = checked if accounted else (lambda agent, tools=None: None)
            context.call_within_window = called if accounted else unaccounted
            (with_it if accounted else without).append(step())
    context.check_window, context.call_within_window = checked, called
    return statistics.median(with_it) / statistics.median(without), with_it, without


def flush_cost(runs: int = 50) -> tuple[list[float], int, int]:
    """Time one flush in a 1,500-token window: evict old turns, one summary request, note rebuilt."""
    client, model = make_client(), model_name()
    agent, clock = new_agent(context_window=1500), ticking_clock(START, timedelta(minutes=1))
    # Talk until the context is nearly full. The loop's own flush may come first, so keep the fullest state seen.
    fullest, most = copy.deepcopy(agent), 0
    for n in range(100):
        memgpt_step(client, agent, TALK[n % len(TALK)], now=clock)
        used = count_request(context.compile_context(agent, START), memgpt_tools())
        if used > most:
            fullest, most = copy.deepcopy(agent), used
        if used > 1500 * 0.95:
            break
    samples, evicted = [], 0
    for _ in range(runs):
        trial = copy.deepcopy(fullest)
        start = time.perf_counter()
        evicted = context.flush(client, trial, memgpt_tools(), model=model, moment=START)
        samples.append(time.perf_counter() - start)
    return samples, evicted, most


def tokens_per_turn(turns: int = 200, window: int = 1500) -> tuple[list[int], list[int]]:
    """The context's tokens after each turn: MemGPT in `window` tokens, and with no management at all."""
    series = []
    for size in (window, 10_000_000):  # the second never fills: the prompt grows with the conversation
        client, clock = make_client(), ticking_clock(START, timedelta(minutes=1))
        agent, firsts = new_agent(context_window=size), []
        for n in range(turns):
            memgpt_step(client, agent, TALK[n % len(TALK)], now=clock)
            firsts.append(count_request(context.compile_context(agent, START), memgpt_tools()))
        series.append(firsts)
    return series[0], series[1]


if __name__ == "__main__":
    ratio, with_it, without = accounting_ratio()
    print(f"token accounting per step: {ratio:.3f} x a step without it  [target <= 1.1]"
          f"  (with: {median_ms(with_it)}; without: {median_ms(without)})")
    samples, evicted, used = flush_cost()
    print(f"one flush in a 1,500-token window holding {used:,} tokens ({evicted} messages evicted, one summary request): "
          f"{median_ms(samples)}")
    managed, unmanaged = tokens_per_turn()
    marks = [1, 25, 50, 100, 150, 200]
    print("context tokens after turn " + ", ".join(map(str, marks)) + " of 200:")
    print("  MemGPT, 1,500-token window: " + ", ".join(f"{managed[m - 1]:,}" for m in marks) + f"  (max {max(managed):,})")
    print("  no management:              " + ", ".join(f"{unmanaged[m - 1]:,}" for m in marks) + f"  (max {max(unmanaged):,})")
