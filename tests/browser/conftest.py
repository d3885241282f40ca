"""Browser tests: the course in JupyterLab, in headless Chromium, as a learner sees it.

One JupyterLab server (loopback, token, throwaway config/data/settings/workspace/runtime dirs) serves
the whole run, shared by the test workers; each worker drives its own headless Chromium. Without
Chromium the suite skips, saying why (pytest lists skip reasons: -rs is in addopts); under CI (CI=true) a skipped
browser test fails the run instead.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# The notebooks JupyterLab serves; overridable only to develop these tests against a scratch folder.
NOTEBOOKS = Path(os.environ.get("MEMORY_LAB_BROWSER_NOTEBOOKS", ROOT / "notebooks")).resolve()
ARTIFACTS = HERE / "artifacts"
CHAT_SCREENSHOT = ROOT / "docs" / "chat.png"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT_S = 60.0
_TIMINGS = pytest.StashKey[dict[str, float]]()  # seconds per step of the browser suite, in this process
SERVER_STOP_TIMEOUT_S = 10.0

# JupyterLab user settings written into the throwaway settings dir (plugin id -> file contents).
LAB_SETTINGS = {
    # No news prompt and no update check: nothing may reach outside, nothing pops over the page.
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    # Never write the executed notebooks back into the repository.
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}


def find_chromium() -> str | None:
    """Debian's Chromium at /usr/bin/chromium, else `chromium` on PATH, else None."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def unavailable_reason() -> str | None:
    """Why the browser suite cannot run on this machine, in one line, or None if it can."""
    if find_chromium() is None:
        return (
            "Chromium not found (/usr/bin/chromium or `chromium` on PATH); "
            "install it with `apt-get install chromium` to run them"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the `playwright` package is missing; install requirements-dev.txt"
    return None


def must_run() -> bool:
    """Whether a skipped browser suite is a failure: under CI (CI=true) and for `make screenshots`."""
    return (
        os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
        or os.environ.get("MEMORY_LAB_UPDATE_SCREENSHOTS", "") == "1"
    )


def is_browser_test(nodeid: str) -> bool:
    """Whether a test id belongs to this folder's suite."""
    return nodeid.replace("\\", "/").startswith("tests/browser/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the browser tests cleanly where they can't run (under CI the `lab` fixture fails them)."""
    reason = unavailable_reason()
    if reason is None or must_run():
        return
    for item in items:
        if is_browser_test(item.nodeid):
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


TIMINGS_PROPERTY = "timings: browser suite"  # printed by the root conftest.py at the end of the run


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """What a browser test's reports carry. With several workers (pytest-xdist) reports are all that
    reaches the process printing the summary, so the checks and figures travel in them:
    - under CI (or for screenshots) a skipped browser test is a failure, saying why it skipped;
    - the teardown report carries the timings so far (server start, each notebook)."""
    outcome = yield
    if not is_browser_test(item.nodeid):
        return
    report = outcome.get_result()
    if report.skipped and must_run() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"{reason}; under CI (CI=true) or for screenshots the browser suite must run"
    if call.when == "teardown":
        report.user_properties.append((TIMINGS_PROPERTY, dict(item.config.stash.get(_TIMINGS, {}))))


def notebook_files() -> list[str]:
    """The course's notebooks, in order (file names relative to NOTEBOOKS)."""
    return sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))


def chat_notebook() -> str:
    """Notebook 04's file name: the one with the chat widget."""
    return next((name for name in notebook_files() if name.startswith("04")), "04-*.ipynb (missing)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a test with a `notebook` argument once per notebook, except 04 and 09 (they have their own tests)."""
    if "notebook" in metafunc.fixturenames:
        names = [name for name in notebook_files() if name != chat_notebook() and not name.startswith("09")]
        metafunc.parametrize("notebook", names)


@pytest.fixture(scope="session")
def paths() -> dict[str, Any]:
    """Where the notebooks are, where screenshots go, and which notebook has the chat."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return {"notebooks": NOTEBOOKS, "artifacts": ARTIFACTS, "chat_screenshot": CHAT_SCREENSHOT,
            "chat_notebook": chat_notebook()}


@pytest.fixture(scope="session")
def timings(request: pytest.FixtureRequest) -> dict[str, float]:
    """Seconds taken by each step of the browser suite (server start, each notebook), for the summary."""
    return request.config.stash.setdefault(_TIMINGS, {})


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_settings(settings_dir: Path) -> None:
    """Write LAB_SETTINGS as JupyterLab user-settings files."""
    for plugin, values in LAB_SETTINGS.items():
        path = settings_dir / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2), encoding="utf-8")


def log_tail(path: Path, lines: int = 30) -> str:
    """The last lines of the server log, to put in a failure message."""
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def api(base: str, token: str, path: str, method: str = "GET") -> Any:
    """Call the Jupyter server's REST API; returns the parsed JSON (None for an empty body)."""
    request = urllib.request.Request(
        f"{base}{path}", method=method, headers={"Authorization": f"token {token}"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        body = response.read()
    return json.loads(body) if body else None


def wait_until_up(base: str, token: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until the server answers /api/status, or fail with its log."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with code {process.returncode}:\n{log_tail(log)}", pytrace=False)
        try:
            api(base, token, "/api/status")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"JupyterLab did not answer within {SERVER_START_TIMEOUT_S:.0f} s:\n{log_tail(log)}", pytrace=False)


def stop_server(process: subprocess.Popen[bytes], base: str, token: str) -> None:
    """Shut down its kernels, then stop the server by its PID (SIGTERM, then SIGKILL)."""
    try:
        for kernel in api(base, token, "/api/kernels") or []:
            api(base, token, f"/api/kernels/{kernel['id']}", method="DELETE")
    except (OSError, ValueError):
        pass  # the server is already gone or unhappy; stopping it below is what matters
    if process.poll() is None:
        process.terminate()  # SIGTERM to its PID: the server shuts down cleanly
        try:
            process.wait(timeout=SERVER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=SERVER_STOP_TIMEOUT_S)


@pytest.fixture(scope="session")
def lab(
    start_once: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory, timings: dict[str, float]
) -> Iterator[dict[str, str]]:
    """A JupyterLab server on the course's notebooks: {"url": ..., "token": ...}.

    One server for the whole run: with several test workers (`make test`), the first worker that
    needs it starts it and the others share it (see `start_once` in the root conftest.py)."""
    reason = unavailable_reason()
    if reason is not None:  # only under CI: elsewhere the tests were marked skipped at collection
        pytest.fail(f"the browser suite must run here (CI=true or screenshots), but: {reason}", pytrace=False)
    home = tmp_path_factory.mktemp("jupyterlab")

    def start() -> tuple[dict[str, str], Callable[[], None]]:
        started = time.monotonic()
        process, base, token, log = start_server(home)

        def stop() -> None:
            stop_server(process, base, token)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(log, ARTIFACTS / "jupyterlab.log")

        try:
            wait_until_up(base, token, process, log)
        except BaseException:
            stop()
            raise
        timings["server start"] = time.monotonic() - started
        return {"url": base, "token": token}, stop

    with start_once("jupyterlab", start) as server:
        yield server


def start_server(home: Path) -> tuple[subprocess.Popen[bytes], str, str, Path]:
    """Start JupyterLab on a loopback port with throwaway dirs under `home`; return it, its URL, token, log."""
    dirs = {name: home / name for name in ("config", "data", "settings", "workspaces", "runtime", "checkpoints")}
    for path in dirs.values():
        path.mkdir()
    write_settings(dirs["settings"])
    log = home / "jupyterlab.log"
    port, token = free_port(), secrets.token_hex(24)
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),  # no per-user kernels or extensions, only the venv's
        "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
        "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "MEMORY_LAB_OFFLINE": "1",
    }
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={NOTEBOOKS}",
        # Opening a notebook takes a checkpoint; keep those out of the repository too.
        f"--FileCheckpoints.checkpoint_dir={dirs['checkpoints']}",
        "--LabApp.expose_app_in_browser=True",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    with open(log, "wb") as log_file:
        process = subprocess.Popen(command, env=env, cwd=NOTEBOOKS, stdout=log_file, stderr=subprocess.STDOUT)
    return process, base, token, log


@pytest.fixture(scope="session")
def browser(lab: dict[str, str]) -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
