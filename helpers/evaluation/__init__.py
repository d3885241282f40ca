"""Does memory help? A memory benchmark a learner can run (notebook 13, `make eval`).

- `dataset`: the JSONL format (one conversation a line), read and checked;
- `generator`: the default conversations, generated from a seed (`benchmark.jsonl` is its output);
- `agents`: the contestants (no_memory, full_history, core_memory, memgpt), one model for all;
- `scoring`: is the expected answer in the reply (or, for `abstention`, does it say it doesn't know?),
  and the optional LLM judge;
- `harness`: each agent through each conversation, measured (calls, prompt tokens, seconds), cached;
- `chart`: accuracy by category and tokens per question, as a PNG;
- `python -m helpers.evaluation`: all of it from the command line.
"""

from helpers.evaluation.agents import AGENTS, DEFAULT_CONTEXT_WINDOW, Settings
from helpers.evaluation.dataset import Conversation, DatasetError, load_dataset, parse_dataset
from helpers.evaluation.generator import DEFAULT_DATASET, generate
from helpers.evaluation.harness import evaluate, run_agents, summarize
from helpers.evaluation.scoring import CATEGORIES, abstains, normalize, score

__all__ = [
    "AGENTS",
    "CATEGORIES",
    "DEFAULT_CONTEXT_WINDOW",
    "DEFAULT_DATASET",
    "Conversation",
    "DatasetError",
    "Settings",
    "abstains",
    "evaluate",
    "generate",
    "load_dataset",
    "normalize",
    "parse_dataset",
    "run_agents",
    "score",
    "summarize",
]
