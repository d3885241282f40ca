"""Crash safety and processes on one SQLite file, tested with real processes and real SIGKILLs.

- A process stepping two agents is killed at random moments, again and again. After each kill the
  file passes `PRAGMA integrity_check`, both agents load, and each is exactly what a replay of its
  first n scripted steps gives, for some n: whole steps, never a part of one.
- Two processes step an agent each in the same file at once: no "database is locked", nothing lost.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from helpers.backend import make_client
from helpers.memgpt import new_agent
from helpers.store import export_agent, open_store
from tests.store_fixtures import SMALL_WINDOW, steps_done, take_step

ROOT = Path(__file__).resolve().parents[1]
AGENTS = ("Ann", "Bob")
MAX_STEPS = 30  # per agent: the worker stops there, so the replayed snapshots stay few
KILLS = 36

pytestmark = [pytest.mark.skipif(not hasattr(os, "fork"), reason="SIGKILL and fork are POSIX-only"), pytest.mark.slow]

# A forking server: it imports everything once, then forks a fresh worker on each line it reads
# and prints the worker's pid. A worker opens the store, creates or loads both agents and steps
# them in turn until each has MAX_STEPS steps, adding a byte to the progress file after each step.
# Forking keeps each kill round to milliseconds.
FORK_SERVER = textwrap.dedent(
    """
    import os, signal, sys
    from helpers.backend import make_client
    from helpers.store import open_store
    from tests.store_fixtures import SMALL_WINDOW, steps_done, take_step

    url, names, most, progress = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), sys.argv[4]
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the system
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            store, client = open_store(url), make_client()
            agents = [store.load_agent(n) if n in store.list_agents()
                      else store.create_agent(n, context_window=SMALL_WINDOW) for n in names]
            done = os.open(progress, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            while any(steps_done(agent) < most for agent in agents):
                for agent in agents:
                    if steps_done(agent) < most:
                        take_step(client, agent, store=store)
                        os.write(done, b".")
            os._exit(0)
        print(pid, flush=True)
    """
)

WORKER = textwrap.dedent(
    """
    import json, sys
    from helpers.backend import make_client
    from helpers.store import export_agent, open_store
    from tests.store_fixtures import SMALL_WINDOW, take_step

    url, name, steps, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    store, client = open_store(url), make_client()
    agent = store.create_agent(name, context_window=SMALL_WINDOW)
    for _ in range(steps):
        take_step(client, agent, store=store)
    with open(out, "w", encoding="utf-8") as file:
        json.dump(export_agent(agent), file)
    """
)


def replay(name: str, steps: int) -> list[dict]:
    """What the agent called `name` is after 0, 1, ..., `steps` scripted steps, in memory (no store)."""
    client, agent = make_client(), new_agent(context_window=SMALL_WINDOW)
    agent["name"] = name
    snapshots = [export_agent(agent)]
    for _ in range(steps):
        take_step(client, agent)
        snapshots.append(export_agent(agent))
    return snapshots


def python(*args: str, **options) -> subprocess.Popen:
    """A Python process from the project folder, offline."""
    env = {**os.environ, "MEMORY_LAB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", *args], cwd=ROOT, env=env, text=True, **options)


def alive(pid: int) -> bool:
    """Whether process `pid` still exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_gone(pid: int, timeout: float = 10.0) -> None:
    """Wait until process `pid` no longer exists."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return
        time.sleep(0.002)
    raise AssertionError(f"worker {pid} still exists {timeout} s after SIGKILL")


def steps_seen(progress: Path) -> int:
    """How many steps the workers have reported (one byte each)."""
    return progress.stat().st_size if progress.exists() else 0


def test_sigkill_mid_step_leaves_whole_steps_only(tmp_path) -> None:
    url, progress = f"sqlite:///{(tmp_path / 'agents.sqlite').as_posix()}", tmp_path / "progress"
    started = time.perf_counter()
    snapshots = {name: replay(name, MAX_STEPS) for name in AGENTS}
    step_time = (time.perf_counter() - started) / (len(AGENTS) * MAX_STEPS)  # this machine, now
    server = python(FORK_SERVER, url, ",".join(AGENTS), str(MAX_STEPS), str(progress),
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    rng, seen_steps = random.Random(13), []
    try:
        for kill in range(KILLS):
            server.stdin.write("go\n")
            server.stdin.flush()
            pid = int(server.stdout.readline())
            # Let it finish 0-2 whole steps, then kill it at a random moment within about one more.
            target, deadline = steps_seen(progress) + rng.randint(0, 2), time.monotonic() + 60
            while steps_seen(progress) < target and alive(pid) and time.monotonic() < deadline:
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, 2 * step_time))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass  # it had already finished its steps
            wait_gone(pid)
            with open_store(url) as store:
                assert store._connection().execute("PRAGMA integrity_check").fetchall() == [("ok",)], f"kill {kill}"
                names = store.list_agents()
                loaded = {name: store.load_agent(name) for name in names}
            for name, agent in loaded.items():
                n = steps_done(agent)
                assert export_agent(agent) == snapshots[name][n], f"kill {kill}: {name} holds a part of step {n + 1}"
            seen_steps.append(sum(steps_done(agent) for agent in loaded.values()))
    finally:
        server.stdin.close()
        server.wait(timeout=10)
    assert seen_steps[-1] > seen_steps[0], "the workers should make progress between kills"
    assert len(set(seen_steps)) > KILLS // 4, f"the kills should land at many different moments: {seen_steps}"


def test_two_processes_step_two_agents_in_one_file(tmp_path) -> None:
    url, steps = f"sqlite:///{(tmp_path / 'agents.sqlite').as_posix()}", 300
    outputs = {name: tmp_path / f"{name}.json" for name in AGENTS}
    workers = {name: python(WORKER, url, name, str(steps), str(outputs[name]), stderr=subprocess.PIPE)
               for name in AGENTS}
    for name, worker in workers.items():
        _, errors = worker.communicate(timeout=300)
        assert worker.returncode == 0, f"{name}'s process failed:\n{errors}"
        assert "locked" not in errors
    with open_store(url) as store:
        for name, path in outputs.items():
            agent = store.load_agent(name)
            assert steps_done(agent) == steps
            assert export_agent(agent) == json.loads(path.read_text(encoding="utf-8")), f"{name} lost something"
