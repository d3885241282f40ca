"""Root pytest configuration: the whole suite runs against the offline tutor model.

`make test` runs the suite on several workers (pytest-xdist, `-n auto`). What here makes that safe
and quick: every notebook's cells stay together on one worker, in order (they share one kernel);
tests marked `slow` are handed out first; and `start_once` lets a slow service (the JupyterLab
server of tests/browser) be started once for the whole run and shared by every worker.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Set before any test or notebook kernel starts, so a learner's .env with a real
# key never makes `make test` call a paid API. Kernels inherit this environment.
os.environ["MEMORY_LAB_OFFLINE"] = "1"
# Each test process (and the notebook kernels and JupyterLab it starts) keeps agents in a folder of
# its own (helpers.store.default_database_path), never in the project's .memory-lab/, and never in a
# folder another worker is writing at the same time.
os.environ["MEMORY_LAB_DATA_DIR"] = tempfile.mkdtemp(prefix="memory-lab-data-")


def notebook_scope(nodeid: str) -> str:
    """The unit of work a worker takes: a whole notebook for nbval's cells, else the single test."""
    path = nodeid.split("::", 1)[0]
    return path if path.endswith(".ipynb") else nodeid


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `slow` first (otherwise in order): on several workers, a long test that starts
    last keeps one worker busy while the others wait."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With `-n` (and --dist load, the default, or worksteal): tests spread one by one over the
    workers, each notebook's cells sent together to one worker. Other --dist modes are left alone."""
    if config.getoption("dist") not in ("load", "worksteal"):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class NotebookScheduling(LoadScopeScheduling):
        """xdist's scope scheduling, with a notebook as the scope of its cells (the longest go first)."""

        def _split_scope(self, nodeid: str) -> str:
            return notebook_scope(nodeid)

    return NotebookScheduling(config, log)


TIMINGS_PREFIX = "timings: "


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the step timings a suite attached to its tests' reports as ("timings: <suite>", {step:
    seconds}) user properties: reports reach this process from every worker, fixtures' figures don't."""
    suites: dict[str, dict[str, float]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, steps in getattr(report, "user_properties", []):
                if isinstance(name, str) and name.startswith(TIMINGS_PREFIX):
                    suites.setdefault(name.removeprefix(TIMINGS_PREFIX), {}).update(steps)
    for suite, steps in suites.items():
        if not steps:
            continue
        order = sorted(steps, key=lambda step: (not step.startswith("server"), step))
        figures = ", ".join(f"{step} {steps[step]:.1f} s" for step in order)
        # With several workers the steps overlap in time: the sum is work done, not time waited.
        terminalreporter.write_line(f"{suite}: {figures}; sum {sum(steps.values()):.1f} s")


# --- Starting a slow service once for all the workers ---------------------------------------------

Starter = Callable[[], tuple[dict[str, Any], Callable[[], None]]]
LOCK_TIMEOUT_S = 180.0  # longer than any service takes to start
RELEASE_TIMEOUT_S = 900.0  # how long the worker that started a service waits for the others to finish


def pid_alive(pid: int) -> bool:
    """Whether a process is still running (psutil comes with Jupyter's kernel)."""
    import psutil

    return psutil.pid_exists(pid)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold a lock file (created exclusively) shared by the workers; a dead holder's lock is taken over."""
    deadline = time.monotonic() + LOCK_TIMEOUT_S
    while True:
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            try:
                holder = int(path.read_text() or "0")
            except (OSError, ValueError):
                holder = 0
            if holder and not pid_alive(holder):
                path.unlink(missing_ok=True)
                continue
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path} held by process {holder} for over {LOCK_TIMEOUT_S:.0f} s") from None
            time.sleep(0.05)
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def shared_service(name: str, start: Starter, folder: Path) -> Iterator[dict[str, Any]]:
    """Start a service once for every worker of the run, or join the one another worker started.

    `start()` returns (info, stop): `info` (JSON) is what the users get, `stop()` ends the service.
    The worker that started it stops it after every worker that joined has left."""
    me = os.getpid()
    state_file, lock = folder / f"{name}.json", folder / f"{name}.lock"
    with locked(lock):
        state = json.loads(state_file.read_text()) if state_file.exists() else {}
        if state.get("running") and pid_alive(state["owner"]):
            state["users"].append(me)
            stop = None
        else:
            info, stop = start()  # the others wait at the lock meanwhile
            state = {"info": info, "owner": me, "users": [me], "running": True}
        state_file.write_text(json.dumps(state))
    try:
        yield state["info"]
    finally:
        deadline = time.monotonic() + RELEASE_TIMEOUT_S
        while True:
            with locked(lock):
                state = json.loads(state_file.read_text())
                state["users"] = [pid for pid in state["users"] if pid != me and pid_alive(pid)]
                last = stop is None or not state["users"] or time.monotonic() > deadline
                if stop is not None and last:
                    state["running"] = False  # from now on a worker that wants it starts its own
                state_file.write_text(json.dumps(state))
            if last:
                break
            time.sleep(0.2)
        if stop is not None:
            stop()


@pytest.fixture(scope="session")
def start_once(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Any]:
    """`with start_once("name", start) as info:` runs `start()` once for the whole run, even on many
    workers (see shared_service); in a plain run it simply starts the service and stops it after."""
    if not hasattr(request.config, "workerinput"):  # not an xdist worker: nothing to share
        @contextlib.contextmanager
        def alone(name: str, start: Starter) -> Iterator[dict[str, Any]]:
            info, stop = start()
            try:
                yield info
            finally:
                stop()

        return alone
    folder = tmp_path_factory.getbasetemp().parent  # the same folder for every worker of this run
    return lambda name, start: shared_service(name, start, folder)
