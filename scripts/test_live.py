"""`make test-live`: run every notebook against your model, not the offline tutor.

With OPENAI_API_KEY or OPENAI_BASE_URL set (in the environment or in .env), every notebook runs top
to bottom with `pytest --nbval-lax`: a cell that raises fails the run, but outputs are not compared
(a real model words things its own way). It ends with one line per notebook. It calls your model, so
it may cost money, and it never runs under `make test`.

    .venv/bin/python scripts/test_live.py [notebooks/01_plain_chat.ipynb ...]
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"(\x1b|#x1B)\[[0-9;]*m")  # JUnit XML writes the escape character as "#x1B"
EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Timeout)\b.*")
CELL_TIMEOUT_S = 300  # a local model can be slow to load; a hung cell still ends the run
NOTHING_SET = """\
test-live: nothing to test against. Set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (any
OpenAI-compatible server, e.g. Ollama at http://localhost:11434/v1) in .env or the environment,
and OPENAI_MODEL to a model it serves, then run `make test-live` again."""
FORCED_OFFLINE = """\
test-live: MEMORY_LAB_OFFLINE is set, so the notebooks would use the offline tutor model, which
`make test` already checks. Unset it (in .env or the environment) to test against your model."""


def settings(env: dict[str, str], dotenv: Path) -> dict[str, str]:
    """The backend settings as the notebooks will see them: the environment first, then .env."""
    names = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "MEMORY_LAB_OFFLINE")
    found = {name: env.get(name, "").strip() for name in names}
    if dotenv.exists():
        from dotenv import dotenv_values

        for name, value in dotenv_values(dotenv).items():
            if name in found and not found[name]:
                found[name] = (value or "").strip()
    return found


def not_ready(found: dict[str, str]) -> str | None:
    """Why a live run cannot start (what to set or unset), or None."""
    if found["MEMORY_LAB_OFFLINE"] not in ("", "0", "false", "False"):
        return FORCED_OFFLINE
    if not found["OPENAI_API_KEY"] and not found["OPENAI_BASE_URL"]:
        return NOTHING_SET
    return None


def pytest_command(notebooks: list[str], junit: Path) -> list[str]:
    """pytest on the notebooks, lax: errors fail, outputs are not compared; without the suite's
    conftest.py files, which switch every run to the offline tutor model."""
    return [
        sys.executable, "-m", "pytest", *notebooks,
        "-o", "addopts=",  # drop the strict --nbval and the sanitizer from pyproject.toml
        "--noconftest",
        "-p", "nbval.plugin",  # the one plugin needed (main() turns autoloading off)
        "--nbval-lax", "--nbval-current-env", f"--nbval-cell-timeout={CELL_TIMEOUT_S}",
        "-p", "no:cacheprovider", "-q", f"--junitxml={junit}",
    ]


@dataclass
class NotebookResult:
    """What one notebook's cells did in a live run."""

    cells: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


def results(junit: Path) -> dict[str, NotebookResult]:
    """Per notebook (file name), its cells from pytest's JUnit XML: count, time, failures."""
    found: dict[str, NotebookResult] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        # nbval's class name is the notebook's dotted path: notebooks.01_plain_chat.ipynb
        stem = (case.get("classname") or "?").removesuffix(".ipynb").rsplit(".", 1)[-1]
        result = found.setdefault(f"{stem}.ipynb", NotebookResult())
        result.cells += 1
        result.seconds += float(case.get("time") or 0)
        for problem in [*case.iter("failure"), *case.iter("error")]:
            result.failures.append(f"{case.get('name')}: {error_line(problem.text or problem.get('message') or '')}")
    return found


def error_line(report: str) -> str:
    """The exception a failed cell raised ("APIConnectionError: Connection error."), from nbval's report."""
    lines = [ANSI.sub("", line).strip() for line in report.splitlines()]
    raised = [line for line in lines if EXCEPTION.match(line)]
    said = [line.split(":", 1)[1].strip() for line in lines if re.match(r"^Cell \d+: ", line)]  # nbval's reason
    chosen = raised[-1] if raised else said[0] if said else next((line for line in lines if line), "failed")
    return chosen[:160]


def plural(count: int, word: str) -> str:
    """'1 cell', '2 cells'."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary(junit: Path) -> list[str]:
    """One line per notebook (cells, seconds, ok or the first failure), then the count."""
    if not junit.exists():
        return ["test-live: pytest wrote no results (see its output above)"]
    found = results(junit)
    lines = [
        f"  {name}: {plural(result.cells, 'cell')}, {result.seconds:.1f} s, "
        + (f"FAILED at {result.failures[0]}" if result.failures else "ok")
        for name, result in sorted(found.items())
    ]
    good = sum(1 for result in found.values() if not result.failures)
    return [*lines, f"test-live: {good} of {plural(len(found), 'notebook')} ran without an error"]


def main(argv: list[str], env: dict[str, str] | None = None, root: Path = ROOT) -> int:
    """Check the settings, run the notebooks against the model, print the summary; pytest's exit code."""
    env = dict(os.environ if env is None else env)
    found = settings(env, root / ".env")
    problem = not_ready(found)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    where = found["OPENAI_BASE_URL"] or "OpenAI"
    model = found["OPENAI_MODEL"] or "gpt-4o-mini (the default; set OPENAI_MODEL to change it)"
    notebooks = argv or sorted(str(path.relative_to(root)) for path in (root / "notebooks").glob("*.ipynb"))
    count = plural(len(notebooks), "notebook")
    print(f"test-live: {count} against {where}, {model} (errors fail; outputs not compared)")
    env.pop("MEMORY_LAB_OFFLINE", None)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the suite's other plugins only slow the start
    with tempfile.TemporaryDirectory() as scratch:
        junit = Path(scratch) / "live.xml"
        started = time.monotonic()
        code = subprocess.run(pytest_command(notebooks, junit), cwd=root, env=env).returncode
        print("\n".join(summary(junit)))
    print(f"test-live: finished in {time.monotonic() - started:.0f} s, exit code {code}")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
