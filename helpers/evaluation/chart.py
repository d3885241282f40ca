"""The benchmark's chart: accuracy per category for each agent, and what a question costs in tokens.

Drawn with matplotlib's Figure and its Agg canvas (no pyplot, so no window and no global state), and
saved without the "Software" stamp, so the same results always give the same PNG bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from helpers.evaluation.scoring import CATEGORIES

COLOURS = {"no_memory": "#9e9e9e", "full_history": "#f4a259", "core_memory": "#5b8e7d", "memgpt": "#bc4b51"}
OTHER_COLOUR = "#6c8ead"


def draw_chart(results: dict[str, Any]) -> Figure:
    """A figure of two panels: accuracy by category (grouped bars), and prompt tokens per question."""
    agents = list(results["agents"])
    groups = [*CATEGORIES, "overall"]
    figure = Figure(figsize=(11, 4.2), dpi=100, layout="constrained")
    accuracy, tokens = figure.subplots(1, 2, width_ratios=[3, 1])
    width = 0.8 / max(len(agents), 1)
    for index, name in enumerate(agents):
        summary = results["agents"][name]
        values = [summary["by_category"].get(group, {}).get("accuracy", 0.0) for group in CATEGORIES]
        values.append(summary["accuracy"])
        positions = [group + (index - (len(agents) - 1) / 2) * width for group in range(len(groups))]
        accuracy.bar(positions, values, width, label=name, color=COLOURS.get(name, OTHER_COLOUR))
    accuracy.set_xticks(range(len(groups)), [group.replace("_", "\n") for group in groups])
    accuracy.set_ylim(0, 1.15)  # room above the bars for the legend
    accuracy.set_yticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"])
    accuracy.set_title(f"Accuracy by category ({results['model']}, window {results['context_window']:,} tokens)")
    accuracy.legend(loc="upper center", ncols=len(agents), fontsize="small", frameon=False)
    costs = [results["agents"][name]["prompt_tokens_per_question"] for name in agents]
    tokens.bar(range(len(agents)), costs, color=[COLOURS.get(name, OTHER_COLOUR) for name in agents])
    tokens.set_xticks(range(len(agents)), agents, rotation=30, ha="right")
    tokens.set_title("Prompt tokens per question")
    return figure


def save_chart(results: dict[str, Any], path: str | Path) -> Path:
    """Draw the chart and save it as a PNG (same results, same bytes); return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    draw_chart(results).savefig(path, format="png", metadata={"Software": None})
    return path
