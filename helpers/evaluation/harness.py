"""Running the benchmark: each agent through each conversation, measured, cached, summed up.

What is measured, per question: the reply, whether it is right (`scoring.score`), and what answering
it cost: model calls and prompt tokens (read from each response's `usage`, as the server counts them),
and seconds. Living through the sessions is measured apart (calls, prompt tokens and seconds per
conversation): it is what a memory agent spends to remember.

The counting happens at the HTTP level (`Meter`, an httpx2 event hook on the client's responses), so
it sees every model call whoever makes it: the agent loop, a retry after a tool error, a summary.

Resumable: each (backend, model, agent, context window, conversation) is cached as one JSON file in
`cache_dir` as soon as the conversation is done, written to a temporary file and renamed, so an
interrupted run leaves only whole conversations behind and a rerun skips them. The cache keeps the
replies, not the scores: scoring is redone on every run, so a change to the scoring rule needs no rerun.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import httpx2
import openai

from helpers.backend import backend_name, make_client, model_for
from helpers.evaluation.agents import AGENTS, DEFAULT_CONTEXT_WINDOW, Contestant, Settings
from helpers.evaluation.dataset import Conversation, fingerprint, question_date
from helpers.evaluation.scoring import CATEGORIES, judge, score
from helpers.offline import OFFLINE_BASE_URL, offline_transport


# Where `make eval` writes the offline results; the repository keeps them (notebook 13 shows them).
MAKE_EVAL_RESULTS = Path(__file__).resolve().parents[2] / "results" / "eval-offline.json"


class Answer(TypedDict):
    """One question asked of one agent: the reply and what it cost (and the judge's verdict, if asked)."""

    question: str
    category: str
    answer: str
    reply: str
    calls: int
    prompt_tokens: int
    seconds: float
    judge: bool | None


class Cost(TypedDict):
    """What a stretch of work cost: model calls, prompt tokens, seconds."""

    calls: int
    prompt_tokens: int
    seconds: float


class Record(TypedDict):
    """One agent through one conversation: what living through the sessions cost, then every answer."""

    id: str
    fingerprint: str
    agent: str
    sessions: Cost
    answers: list[Answer]


# ---------------------------------------------------------------------------------------------
# Counting calls and tokens at the HTTP level.
# ---------------------------------------------------------------------------------------------


@dataclass
class Meter:
    """Counts chat completions and their prompt tokens (from `usage`) as responses come back."""

    calls: int = 0
    prompt_tokens: int = 0
    without_usage: int = 0  # responses with no usage (some local servers): their tokens are not counted

    def record(self, response: httpx2.Response) -> None:
        """An httpx2 response hook: count a successful chat completion and its prompt tokens."""
        if response.status_code != 200 or not response.request.url.path.endswith("/chat/completions"):
            return
        response.read()
        usage = response.json().get("usage") or {}
        self.calls += 1
        self.prompt_tokens += int(usage.get("prompt_tokens") or 0)
        self.without_usage += 0 if usage else 1

    def since(self, start: tuple[int, int, float]) -> Cost:
        """What was spent since `start` (from `mark`)."""
        calls, tokens, began = start
        return {"calls": self.calls - calls, "prompt_tokens": self.prompt_tokens - tokens,
                "seconds": round(time.perf_counter() - began, 3)}

    def mark(self) -> tuple[int, int, float]:
        """The counts and the time now, to measure from."""
        return self.calls, self.prompt_tokens, time.perf_counter()


def metered_client(meter: Meter) -> openai.OpenAI:
    """A client for the selected backend (as `make_client`) whose chat completions `meter` counts."""
    hooks = {"response": [meter.record]}
    if backend_name() == "offline":
        http_client = httpx2.Client(transport=offline_transport(), event_hooks=hooks)
        return openai.OpenAI(api_key="offline", base_url=OFFLINE_BASE_URL, http_client=http_client)
    return make_client(http_client=openai.DefaultHttpxClient(event_hooks=hooks))


# ---------------------------------------------------------------------------------------------
# One agent, one conversation.
# ---------------------------------------------------------------------------------------------


def run_conversation(client: openai.OpenAI, meter: Meter, agent: Contestant, conversation: Conversation,
                     settings: Settings) -> Record:
    """Live through the sessions, then ask each question of the agent as the sessions left it."""
    state = agent.new(settings)
    start = meter.mark()
    for session in conversation["sessions"]:
        agent.live(client, state, session, settings)
    lived = meter.since(start)
    day, answers = question_date(conversation), []
    for item in conversation["questions"]:
        start = meter.mark()
        reply = agent.ask(client, state, item["question"], day, settings)
        answers.append({**item, "reply": reply, **meter.since(start), "judge": None})
    return {"id": conversation["id"], "fingerprint": fingerprint(conversation), "agent": agent.name,
            "sessions": lived, "answers": answers}


def add_verdicts(client: openai.OpenAI, model: str, record: Record) -> bool:
    """Ask the judge about every answer not judged yet; return whether any verdict was added."""
    added = False
    for answer in record["answers"]:
        if answer.get("judge") is None:
            answer["judge"] = judge(client, model, answer["category"], answer["question"], answer["answer"],
                                    answer["reply"])
            added = True
    return added


# ---------------------------------------------------------------------------------------------
# The cache: one file per (backend, model, agent, window, conversation).
# ---------------------------------------------------------------------------------------------


def _safe(name: str) -> str:
    """A name safe in a file path on any system ("llama3.1:8b" -> "llama3.1-8b")."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "unnamed"


def cache_path(cache_dir: Path, backend: str, settings: Settings, agent: str, conversation: Conversation) -> Path:
    """Where one agent's run through one conversation is cached; the conversation's content is in the name."""
    folder = cache_dir / f"{_safe(backend)}-{_safe(settings.model)}" / f"{_safe(agent)}-window{settings.context_window}"
    return folder / f"{_safe(conversation['id'])}-{fingerprint(conversation)}.json"


def read_cached(path: Path) -> Record | None:
    """A cached record, or None if there is none (or it is unreadable: then it is run again)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename, so no half-written file is ever left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------------
# Every agent through every conversation, then the figures.
# ---------------------------------------------------------------------------------------------

Progress = Callable[[str], None]


def print_progress(line: str) -> None:
    """Print a progress line on stderr (stdout stays for results)."""
    print(line, file=sys.stderr, flush=True)


def accuracy(records: Iterable[Record]) -> tuple[int, int]:
    """(right answers, questions) over some records, by the scoring rule."""
    scores = [score(a["category"], a["answer"], a["reply"]) for record in records for a in record["answers"]]
    return sum(scores), len(scores)


@dataclass(frozen=True)
class Task:
    """One agent through one conversation, to run here or in a worker process."""

    agent: str
    conversation: Conversation
    settings: Settings


def run_task(task: Task) -> Record:
    """Run one task with a metered client of its own (so tasks can run in separate processes)."""
    meter = Meter()
    return run_conversation(metered_client(meter), meter, AGENTS[task.agent], task.conversation, task.settings)


def run_tasks(tasks: list[Task], jobs: int) -> Iterator[tuple[Task, Record]]:
    """Each task with its record as it finishes: in this process, or in `jobs` worker processes."""
    if jobs <= 1:
        yield from ((task, run_task(task)) for task in tasks)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_task, task): task for task in tasks}
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        except BaseException:
            pool.shutdown(cancel_futures=True)  # what finished is cached; a rerun goes on from there
            raise


def run_agents(conversations: list[Conversation], agents: list[str], settings: Settings, *, backend: str,
               cache_dir: Path | None = None, fresh: bool = False, jobs: int = 1,
               progress: Progress | None = print_progress) -> dict[str, list[Record]]:
    """Every agent through every conversation; a conversation in the cache is not run again (unless `fresh`)."""
    done: dict[str, dict[str, Record]] = {name: {} for name in agents}

    def finished(name: str, record: Record, cached: bool) -> None:
        done[name][record["id"]] = record
        if progress:
            right, asked = accuracy(done[name].values())
            progress(f"{name}: {len(done[name])}/{len(conversations)} conversations, accuracy so far "
                     f"{right / asked:.2f} ({right}/{asked}){' (cached)' if cached else ''}")

    tasks = []
    for name in agents:
        for conversation in conversations:
            path = cache_path(cache_dir, backend, settings, name, conversation) if cache_dir else None
            record = None if fresh or path is None else read_cached(path)
            if record is None:
                tasks.append(Task(name, conversation, settings))
            else:
                finished(name, record, cached=True)
    for task, record in run_tasks(tasks, jobs):
        if cache_dir:
            save_record(cache_path(cache_dir, backend, settings, task.agent, task.conversation), record)
        finished(task.agent, record, cached=False)
    return {name: [done[name][conversation["id"]] for conversation in conversations] for name in agents}


def save_record(path: Path, record: Record) -> None:
    """Cache one record (atomically)."""
    write_atomically(path, json.dumps(record, indent=1, ensure_ascii=False))


def _rate(part: float, whole: int) -> float:
    """part / whole, rounded for reading; 0.0 when there is nothing to divide."""
    return round(part / whole, 3) if whole else 0.0


def summarize(records: list[Record]) -> dict[str, Any]:
    """One agent's figures: accuracy overall and by category, and what a question and a conversation cost."""
    answers = [answer for record in records for answer in record["answers"]]
    right, asked = accuracy(records)
    by_category = {}
    for category in CATEGORIES:
        scored = [score(a["category"], a["answer"], a["reply"]) for a in answers if a["category"] == category]
        if scored:
            by_category[category] = {"accuracy": _rate(sum(scored), len(scored)), "correct": sum(scored),
                                     "questions": len(scored)}
    sessions = [record["sessions"] for record in records]
    summary: dict[str, Any] = {
        "accuracy": _rate(right, asked), "correct": right, "questions": asked, "by_category": by_category,
        "prompt_tokens_per_question": _rate(sum(a["prompt_tokens"] for a in answers), asked),
        "calls_per_question": _rate(sum(a["calls"] for a in answers), asked),
        "seconds_per_question": _rate(sum(a["seconds"] for a in answers), asked),
        "session_prompt_tokens_per_conversation": _rate(sum(s["prompt_tokens"] for s in sessions), len(records)),
        "session_calls_per_conversation": _rate(sum(s["calls"] for s in sessions), len(records)),
        "wall_seconds": round(sum(s["seconds"] for s in sessions) + sum(a["seconds"] for a in answers), 1),
    }
    verdicts = [a["judge"] for a in answers if a.get("judge") is not None]
    if verdicts:
        summary["judge_accuracy"] = _rate(sum(verdicts), asked)
        summary["judge_unreadable"] = sum(1 for a in answers if a.get("judge") is None)
    return summary


def describe_dataset(path: Path, conversations: list[Conversation]) -> dict[str, Any]:
    """Which data a run used: the file (relative to here when it is below), its SHA-256, what was run of it."""
    path = Path(path)
    try:
        shown = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    return {"path": shown, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "conversations": len(conversations),
            "questions": sum(len(conversation["questions"]) for conversation in conversations)}


def evaluate(conversations: list[Conversation], agents: Iterable[str] = tuple(AGENTS), *,
             context_window: int = DEFAULT_CONTEXT_WINDOW, cache_dir: Path | None = None, fresh: bool = False,
             use_judge: bool = False, jobs: int = 1, progress: Progress | None = print_progress) -> dict[str, Any]:
    """Run the agents through the conversations with the current backend; the results as a JSON-ready dict.

    `jobs` > 1 runs conversations in that many worker processes (each with its own client).
    """
    agents = list(agents)
    backend = backend_name()
    settings = Settings(model=model_for(backend), context_window=context_window)
    if use_judge and backend == "offline":
        raise ValueError("The offline tutor cannot judge answers: run --judge with a real model (set OPENAI_API_KEY).")
    unknown = [name for name in agents if name not in AGENTS]
    if unknown:
        raise ValueError(f"No agent called {', '.join(map(repr, unknown))}. The agents are: {', '.join(AGENTS)}.")
    records = run_agents(conversations, agents, settings, backend=backend, cache_dir=cache_dir, fresh=fresh, jobs=jobs,
                         progress=progress)
    if use_judge:
        judge_all(records, settings, backend=backend, cache_dir=cache_dir, conversations=conversations)
    return {"backend": backend, "model": settings.model, "context_window": context_window, "judge": use_judge,
            "agents": {name: summarize(records[name]) for name in agents}}


def judge_all(records: dict[str, list[Record]], settings: Settings, *, backend: str, cache_dir: Path | None,
              conversations: list[Conversation]) -> None:
    """Add the judge's verdicts to every answer without one, caching each record that got new verdicts."""
    client = metered_client(Meter())  # the judge's calls are not counted as the agents' cost
    for name, agent_records in records.items():
        for conversation, record in zip(conversations, agent_records):
            if add_verdicts(client, settings.model, record) and cache_dir:
                save_record(cache_path(cache_dir, backend, settings, name, conversation), record)
