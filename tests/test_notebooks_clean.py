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


pytestmark = pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks yet")


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
