"""The benchmark from the command line: python -m helpers.evaluation --help

    python -m helpers.evaluation                                   # every agent, the default dataset
    python -m helpers.evaluation --data FILE --agents no_memory,memgpt --out results.json

It uses the backend the settings select (the offline tutor, OpenAI, or a compatible server; see the
README), writes the results as JSON and a chart next to them, and caches each finished conversation in
a `cache` folder beside the output, so an interrupted run picks up where it stopped.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from helpers.errors import AgentAPIError
from helpers.evaluation.agents import AGENTS, DEFAULT_CONTEXT_WINDOW
from helpers.evaluation.dataset import DatasetError, load_dataset
from helpers.evaluation.generator import DEFAULT_DATASET
from helpers.evaluation.harness import describe_dataset, evaluate


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(prog="python -m helpers.evaluation",
                                     description="Does memory help? Run agents through multi-session conversations "
                                                 "and score their answers.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATASET,
                        help="a JSONL file of conversations (default: the generated benchmark)")
    parser.add_argument("--agents", default=",".join(AGENTS), help=f"comma-separated (default: {','.join(AGENTS)})")
    parser.add_argument("--out", type=Path, default=Path("results/eval.json"),
                        help="where to write the results JSON (default: results/eval.json)")
    parser.add_argument("--chart", type=Path, default=None, help="where to write the chart (default: --out as .png)")
    parser.add_argument("--context-window", type=int, default=DEFAULT_CONTEXT_WINDOW,
                        help=f"tokens, for full_history and memgpt alike (default: {DEFAULT_CONTEXT_WINDOW})")
    parser.add_argument("--limit", type=int, default=None, help="only the first N conversations")
    parser.add_argument("--judge", action="store_true",
                        help="also grade each reply with an LLM judge (the same model; needs a real model)")
    parser.add_argument("--fresh", action="store_true", help="ignore the cache and run every conversation again")
    parser.add_argument("--jobs", type=int, default=1, help="conversations run at once, in worker processes (default: 1)")
    parser.add_argument("--no-chart", action="store_true", help="write no chart")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark as the options say; 0 on success, 1 (with one line saying why) on failure."""
    options = parse_arguments(argv)
    agents = [name.strip() for name in options.agents.split(",") if name.strip()]
    try:
        conversations = load_dataset(options.data)[: options.limit]
        results = evaluate(conversations, agents, context_window=options.context_window,
                           cache_dir=options.out.parent / "cache", fresh=options.fresh, use_judge=options.judge,
                           jobs=options.jobs)
    except (DatasetError, AgentAPIError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    agents_results = results.pop("agents")  # the dataset first, then the agents' figures
    results.update(dataset=describe_dataset(options.data, conversations), agents=agents_results)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {options.out}")
    if not options.no_chart:
        from helpers.evaluation.chart import save_chart  # matplotlib is imported only when a chart is drawn

        chart = options.chart or options.out.with_suffix(".png")
        save_chart(results, chart)
        print(f"Wrote {chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
