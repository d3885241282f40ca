"""`make test-live` (scripts/test_live.py), without a network: what it says when nothing is set, and
that its pytest run reaches the notebooks with the live settings, lax, and sums up per notebook."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("memory_lab_test_live", ROOT / "scripts" / "test_live.py")
assert spec is not None and spec.loader is not None
test_live = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(test_live)

# A port nothing listens on: the live settings point here, so no request could leave the machine.
NOWHERE = "http://127.0.0.1:9/v1"


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any backend setting, plus `settings`."""
    names = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "MEMORY_LAB_OFFLINE")
    return {**{k: v for k, v in os.environ.items() if k not in names}, **settings}


def test_with_nothing_set_it_says_what_to_set_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert test_live.main([], env=clean_env(), root=tmp_path) == 2
    err = capsys.readouterr().err
    assert "OPENAI_API_KEY" in err and "OPENAI_BASE_URL" in err and "make test-live" in err


def test_blank_settings_count_as_unset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".env").write_text("OPENAI_API_KEY=\nOPENAI_BASE_URL=  \n", encoding="utf-8")
    assert test_live.main([], env=clean_env(OPENAI_API_KEY=" "), root=tmp_path) == 2
    assert "nothing to test against" in capsys.readouterr().err


def test_forcing_the_offline_model_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = clean_env(OPENAI_BASE_URL=NOWHERE, MEMORY_LAB_OFFLINE="1")
    assert test_live.main([], env=env, root=tmp_path) == 2
    assert "Unset it" in capsys.readouterr().err


def test_a_key_in_dotenv_counts_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("OPENAI_API_KEY=sk-" "from-dotenv\nOPENAI_MODEL=dotenv-model\n", encoding="utf-8")
    found = test_live.settings(clean_env(OPENAI_MODEL="env-model"), tmp_path / ".env")
    assert found["OPENAI_API_KEY"] == "sk-" "from-dotenv" and found["OPENAI_MODEL"] == "env-model"
    assert test_live.not_ready(found) is None


def test_the_pytest_command_is_lax_and_skips_the_offline_conftest(tmp_path: Path) -> None:
    command = test_live.pytest_command(["notebooks/01_plain_chat.ipynb"], tmp_path / "r.xml")
    assert command[1:4] == ["-m", "pytest", "notebooks/01_plain_chat.ipynb"]
    assert "--nbval-lax" in command and "--nbval" not in command
    assert "--noconftest" in command and command[command.index("-o") + 1] == "addopts="


def notebook(path: Path, cells: list[tuple[str, str]]) -> None:
    """Write a notebook of code cells, each with a stored output (which a lax run does not compare)."""
    book = nbformat.v4.new_notebook()
    for count, (source, shown) in enumerate(cells, start=1):
        cell = nbformat.v4.new_code_cell(source, execution_count=count)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=shown)]
        book.cells.append(cell)
    nbformat.write(book, path)


def test_the_summary_has_a_line_per_notebook(tmp_path: Path) -> None:
    junit = tmp_path / "r.xml"
    junit.write_text(
        '<testsuites><testsuite>'
        '<testcase classname="notebooks.01_plain_chat.ipynb" name="Cell 0" time="1.5"/>'
        '<testcase classname="notebooks.01_plain_chat.ipynb" name="Cell 1" time="0.5"/>'
        '<testcase classname="notebooks.02_x.ipynb" name="Cell 0" time="2"><failure message="Notebook cell '
        'execution failed">#x1B[94mCell 0: Cell execution caused an exception\n'
        '#x1B[31mAPIConnectionError#x1B[39m: Connection error.</failure></testcase>'
        '</testsuite></testsuites>', encoding="utf-8")
    assert test_live.summary(junit) == [
        "  01_plain_chat.ipynb: 2 cells, 2.0 s, ok",
        "  02_x.ipynb: 1 cell, 2.0 s, FAILED at Cell 0: APIConnectionError: Connection error.",
        "test-live: 1 of 2 notebooks ran without an error",
    ]


@pytest.mark.slow
def test_a_live_run_reaches_the_notebooks_with_the_live_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In a scratch copy of the project (its conftest.py forces offline, its pyproject.toml is strict),
    the kernel must still see OPENAI_BASE_URL, a stale output must not matter, and an error must fail."""
    for name in ("conftest.py", "pyproject.toml"):
        shutil.copyfile(ROOT / name, tmp_path / name)
    (tmp_path / "notebooks").mkdir()
    notebook(tmp_path / "notebooks" / "probe.ipynb", [
        ("import os\nassert 'MEMORY_LAB_OFFLINE' not in os.environ\nprint(os.environ['OPENAI_BASE_URL'])",
         "an output from another run\n"),
        ("from helpers.backend import backend_name\nassert backend_name() == 'custom', backend_name()", ""),
        ("raise ValueError('the model said no')", ""),
    ])
    code = test_live.main([], env=clean_env(OPENAI_BASE_URL=NOWHERE, OPENAI_MODEL="tiny"), root=tmp_path)
    out = capsys.readouterr().out
    assert code == 1, out
    assert f"1 notebook against {NOWHERE}, tiny" in out
    assert "  probe.ipynb: 3 cells, " in out and "FAILED at Cell 2: ValueError: the model said no" in out, out
    assert "test-live: 0 of 1 notebook ran without an error" in out
