"""Running the suite on several workers (root conftest.py): each notebook's cells stay on one worker
and in order, and a service started with `start_once` is started once and stopped after its last user."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A stand-in for nbval in a scratch project: each *.ipynb file holds cells that must run in order in
# one process (cell n checks that cell n-1 ran in the same worker), and each records where it ran.
FAKE_NOTEBOOKS_PLUGIN = '''

import json as _json


class _Cell(pytest.Item):
    def runtest(self):
        done = self.config.stash.setdefault(_DONE, {})
        cells = done.setdefault(self.parent.name, [])
        assert cells == list(range(self.index)), f"{self.nodeid} ran after cells {cells} in this worker"
        cells.append(self.index)
        with open(self.config.rootpath / "ran.jsonl", "a") as log:
            log.write(_json.dumps([self.parent.name, self.index, os.environ.get("PYTEST_XDIST_WORKER")]) + "\\n")


class _Notebook(pytest.File):
    def collect(self):
        for index in range(int(self.path.read_text())):
            cell = _Cell.from_parent(self, name=f"Cell {index}")
            cell.index = index
            yield cell


_DONE = pytest.StashKey[dict]()


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".ipynb":
        return _Notebook.from_parent(parent, path=file_path)
'''


BROWSER_TESTS = '''
import pytest


def test_records_a_timing(timings):
    timings["07"] = 1.25


def test_skips():
    pytest.skip("no browser today")
'''


@pytest.mark.slow
def test_under_workers_notebooks_stay_whole_and_browser_checks_reach_the_summary(tmp_path: Path) -> None:
    """One `pytest -n 2 -rfEs` run under CI on a scratch project (the real conftest.py files, fake
    notebooks, plain tests, fake browser tests): each notebook's cells ran on one worker, in order,
    the notebooks kept both workers busy; the browser figures printed; a skipped browser test failed."""
    conftest = (ROOT / "conftest.py").read_text(encoding="utf-8") + FAKE_NOTEBOOKS_PLUGIN
    (tmp_path / "conftest.py").write_text(conftest, encoding="utf-8")
    for name, cells in {"a.ipynb": 6, "b.ipynb": 5, "c.ipynb": 7}.items():
        (tmp_path / name).write_text(str(cells), encoding="utf-8")
    tests = "\n".join(f"def test_{i}():\n    import time; time.sleep(0.05)\n" for i in range(12))
    (tmp_path / "test_plain.py").write_text(tests, encoding="utf-8")
    (tmp_path / "tests" / "browser").mkdir(parents=True)
    shutil.copyfile(ROOT / "tests" / "browser" / "conftest.py", tmp_path / "tests" / "browser" / "conftest.py")
    (tmp_path / "tests" / "browser" / "test_fake.py").write_text(BROWSER_TESTS, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "xdist.plugin", "-n", "2", "-p", "no:cacheprovider", "-rfEs"],
        cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "CI": "true"},  # xdist alone starts faster
    )
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]
    assert "1 failed, 31 passed" in run.stdout, run.stdout[-3000:]
    assert "no browser today; under CI (CI=true) or for screenshots the browser suite must run" in run.stdout
    assert "browser suite: 07 1.2 s; sum 1.2 s" in run.stdout, run.stdout[-3000:]
    ran = [json.loads(line) for line in (tmp_path / "ran.jsonl").read_text().splitlines()]
    assert len(ran) == 18
    for name in ("a.ipynb", "b.ipynb", "c.ipynb"):
        cells = [(index, worker) for notebook, index, worker in ran if notebook == name]
        assert [index for index, _ in cells] == sorted(index for index, _ in cells)
        assert len({worker for _, worker in cells}) == 1, f"{name} was split over workers: {cells}"
    assert {worker for _, _, worker in ran} == {"gw0", "gw1"}, "the notebooks should keep both workers busy"


SERVICE_USER = textwrap.dedent('''
    import importlib.util, os, sys, time
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("root_conftest", sys.argv[1])
    root_conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(root_conftest)
    folder, hold, users = Path(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])

    def note(event):
        with open(folder / "events.log", "a") as log:
            log.write(f"{event} {os.getpid()}\\n")

    def start():
        note("start")
        time.sleep(0.3)  # a slow start: the other process waits at the lock meanwhile
        return {"by": os.getpid()}, lambda: note("stop")

    with root_conftest.shared_service("svc", start, folder) as info:
        note(f"use-from-{info['by']}")
        deadline = time.monotonic() + 30  # wait until every user is in, so that they overlap
        while (folder / "events.log").read_text().count("use-from") < users and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(hold)
        note("done")
''')


def run_users(folder: Path, holds: list[float]) -> list[tuple[str, int]]:
    """Run one process per hold time, at once, each using the shared service until all are in, then
    for its hold time; return the events."""
    script = folder / "user.py"
    script.write_text(SERVICE_USER, encoding="utf-8")
    command = [sys.executable, str(script), str(ROOT / "conftest.py"), str(folder)]
    processes = [subprocess.Popen([*command, str(hold), str(len(holds))]) for hold in holds]
    assert [process.wait(timeout=60) for process in processes] == [0] * len(holds)
    lines = (folder / "events.log").read_text().splitlines()
    return [(event, int(pid)) for event, pid in (line.split() for line in lines)]


@pytest.mark.slow
def test_start_once_starts_one_service_for_all_and_stops_it_after_the_last_user(tmp_path: Path) -> None:
    events = run_users(tmp_path, [0.1, 0.6])
    starts = [pid for event, pid in events if event == "start"]
    assert len(starts) == 1, events
    owner = starts[0]
    assert sorted(event for event, _ in events if event.startswith("use")) == [f"use-from-{owner}"] * 2
    names = [event for event, _ in events]
    assert names.count("stop") == 1 and names.index("stop") > max(i for i, n in enumerate(names) if n == "done"), events
    assert [pid for event, pid in events if event == "stop"] == [owner]


@pytest.mark.slow
def test_start_once_starts_its_own_when_the_owner_recorded_is_gone(tmp_path: Path) -> None:
    run_users(tmp_path, [0.0])
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / "svc.json").write_text(json.dumps(
        {"info": {"by": 1}, "owner": int(dead.stdout), "users": [int(dead.stdout)], "running": True}
    ))
    events = run_users(tmp_path, [0.0])
    assert [event for event, _ in events].count("start") == 2, events
    assert [event for event, _ in events].count("stop") == 2, events

