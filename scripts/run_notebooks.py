"""Re-execute notebooks in place against the offline tutor model and save clean, stable JSON.

Usage: python scripts/run_notebooks.py notebooks/*.ipynb   (what `make notebooks` runs)

Each notebook runs top to bottom in a fresh python3 kernel from the notebooks/ folder. Then
everything that changes from run to run is stripped (execution timings, widget state and widget
views with their random model ids), the kernelspec is set to python3, and the file is validated
and written, so running it twice gives the same bytes.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
TIMEOUT = 120  # seconds per cell
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def merge_streams(outputs: list[nbformat.NotebookNode]) -> list[nbformat.NotebookNode]:
    """Join back-to-back stdout (or stderr) chunks: where the kernel split them depends on timing."""
    merged: list[nbformat.NotebookNode] = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def clean(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop volatile metadata and fix the kernelspec, so re-running gives the same file."""
    notebook.metadata.pop("widgets", None)  # widget state: random model ids
    notebook.metadata.pop("papermill", None)
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    language_info = notebook.metadata.get("language_info", {})
    language_info.pop("version", None)  # differs between machines
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # timestamps
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)
            data = output.get("data", {})
            if WIDGET_VIEW in data and "text/plain" in data:
                # Without its saved state the view would only say "model not found" (its id is random);
                # the plain-text line tells a reader to run the notebook. nbval ignores widget views anyway.
                del data[WIDGET_VIEW]
    return notebook


def run(path: Path) -> float:
    """Execute one notebook in place; return how long it took in seconds."""
    notebook = nbformat.read(path, as_version=4)
    env_before = os.environ.get("MEMORY_LAB_OFFLINE")
    os.environ["MEMORY_LAB_OFFLINE"] = "1"  # the kernel inherits it: never a paid API
    started = time.perf_counter()
    try:
        client = NotebookClient(
            notebook,
            timeout=TIMEOUT,
            kernel_name="python3",
            resources={"metadata": {"path": str(ROOT / "notebooks")}},
            record_timing=False,
        )
        client.execute()
    finally:
        if env_before is None:
            os.environ.pop("MEMORY_LAB_OFFLINE", None)
        else:
            os.environ["MEMORY_LAB_OFFLINE"] = env_before
    elapsed = time.perf_counter() - started
    notebook = clean(notebook)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return elapsed


def main(paths: list[str]) -> int:
    """Run every notebook given on the command line; stop at the first that fails."""
    if not paths:
        print("Usage: python scripts/run_notebooks.py notebooks/*.ipynb", file=sys.stderr)
        return 2
    for name in paths:
        path = Path(name).resolve()
        try:
            elapsed = run(path)
        except Exception as error:  # report which notebook and why, then stop
            print(f"FAILED {name}: {type(error).__name__}: {error}", file=sys.stderr)
            return 1
        print(f"ran {name} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
