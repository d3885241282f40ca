"""Every committed notebook is valid, clean and executed top to bottom (what `make notebooks` writes)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
# Machine paths that must never reach a committed output.
MACHINE_PATH = re.compile(r"(/work/|/root/|/home/|/Users/|/tmp/|[A-Za-z]:\\\\)")
TIMING_KEYS = ("execution", "ExecuteTime")


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]


@pytest.fixture(params=NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def notebook(request) -> nbformat.NotebookNode:
    return load(request.param)


def test_valid_json_and_schema(notebook) -> None:
    nbformat.validate(notebook)


def test_kernelspec_is_python3(notebook) -> None:
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3"


def test_no_volatile_metadata(notebook) -> None:
    assert "widgets" not in notebook.metadata, "widget state (random model ids): run `make notebooks`"
    for index, cell in enumerate(notebook.cells):
        for key in TIMING_KEYS:
            assert key not in cell.metadata, f"cell {index} has execution timing metadata: run `make notebooks`"
        for output in cell.get("outputs", []):
            assert "execution" not in output.get("metadata", {}), f"cell {index}: timing in output metadata"


def test_no_machine_paths_in_outputs(notebook) -> None:
    for index, cell in enumerate(code_cells(notebook)):
        text = json.dumps(cell.get("outputs", []))
        match = MACHINE_PATH.search(text)
        assert match is None, f"cell {index} output shows a machine path ({match.group(0)!r}...)"


def test_executed_in_order_from_the_top(notebook) -> None:
    counts = [cell.execution_count for cell in code_cells(notebook)]
    assert None not in counts, "some code cells were never executed: run `make notebooks`"
    assert counts == list(range(1, len(counts) + 1)), f"cells were not run top to bottom once: {counts}"


def test_printing_cells_have_their_outputs(notebook) -> None:
    for index, cell in enumerate(code_cells(notebook)):
        prints = any(line.startswith(("print(", "display(")) for line in cell.source.splitlines())
        if prints:
            assert cell.get("outputs"), f"code cell {index} prints but has no committed output: run `make notebooks`"


def test_no_cell_is_skipped(notebook) -> None:
    for index, cell in enumerate(code_cells(notebook)):
        assert "NBVAL_SKIP" not in cell.source, f"code cell {index} hides itself from nbval with NBVAL_SKIP"


# How each notebook reads (issues 4 and 6): title, goals, one setup cell, prose before code, short
# cells, a recap and exercises.
MAX_CELL_LINES = 18  # "about 15 lines at most"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_notebook_structure(path: Path) -> None:
    notebook = load(path)
    first = notebook.cells[0].source
    assert first.startswith(f"# {path.name[:2]} · "), f"{path.name} should open with '# {path.name[:2]} · Title'"
    goals = first.split("## Goals", 1)[1] if "## Goals" in first else ""
    count = sum(1 for line in goals.splitlines() if line.startswith("- "))
    assert 2 <= count <= 4, f"{path.name} should list 2-4 goals under '## Goals', found {count}"
    setups = [cell for cell in code_cells(notebook) if "print(describe_backend())" in cell.source]
    assert len(setups) == 1 and "client = make_client()" in setups[0].source, f"{path.name}: one setup cell"
    headings = [line for cell in notebook.cells if cell.cell_type == "markdown" for line in cell.source.splitlines()]
    assert "## Recap" in headings and "## Exercises" in headings, f"{path.name} should end with a recap and exercises"
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert index > 0 and notebook.cells[index - 1].cell_type == "markdown", f"{path.name} cell {index} has no prose before it"
            lines = len(cell.source.splitlines())
            assert lines <= MAX_CELL_LINES, f"{path.name} cell {index} has {lines} lines; split it"
            assert "gpt-4o-mini" not in cell.source, f"{path.name} cell {index} names a model: use `model`"
            assert "offline" not in cell.source.lower(), f"{path.name} cell {index} depends on the offline model"


def test_stream_outputs_are_merged(notebook) -> None:
    """Where the kernel split printed text depends on timing; `make notebooks` joins the pieces."""
    for index, cell in enumerate(code_cells(notebook)):
        kinds = [(o.output_type, o.get("name")) for o in cell.get("outputs", [])]
        for first, second in zip(kinds, kinds[1:]):
            assert not (first == second and first[0] == "stream"), f"code cell {index}: split {first[1]} output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_every_exercise_has_staged_hints_before_its_solution(path: Path) -> None:
    """Help in stages: a nudge, then the approach, each folded until opened, then where the solution is."""
    notebook = load(path)
    exercises = [index for index, cell in enumerate(notebook.cells)
                 if cell.cell_type == "code" and re.search(r"^passed = check_\w+\(", cell.source, re.M)]
    assert exercises, f"{path.name} has no exercise with a checker"
    for index in exercises:
        prose = notebook.cells[index - 1].source
        hints = [prose.find(f"<details><summary>Hint {n} ") for n in (1, 2)]
        pointer = prose.find("solutions/")
        where = f"{path.name} cell {index}"
        assert -1 not in hints, f"{where}: the prose before an exercise needs <details> hints 1 and 2"
        assert hints[0] < hints[1] < pointer, f"{where}: hint 1, then hint 2, then the pointer to solutions/"
        assert prose.count("<details>") == prose.count("</details>"), f"{where}: a <details> block is not closed"
