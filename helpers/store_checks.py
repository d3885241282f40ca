"""Checkers for the exercises of notebook 09: run the learner's function on a scratch store, print feedback."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np

from helpers.archival import archival_insert
from helpers.checkers import _short, run_checks
from helpers.recall import recall_add, ticking_clock
from helpers.store import Store, export_agent, open_store

TRICKY_NAME = "O'Brien's agent; DROP TABLE agents; --"
TRICKY_TEXT = "Zoë said: \"it's 'quoted'\" 🧠 東京\nnext line"


def _scratch_store(folder: Path) -> Store:
    """A store with two agents whose messages fall on different days."""
    store = open_store(folder / "agents.sqlite")
    for name, start, count in ((TRICKY_NAME, datetime(2026, 3, 2, 22, 0, tzinfo=timezone.utc), 7),
                               ("Other", datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc), 5)):
        agent = store.create_agent(name)
        clock = ticking_clock(start, timedelta(minutes=30))
        for n in range(count):
            recall_add(agent["recall"], ("user", "assistant", "tool")[n % 3], f"message {n}", now=clock)
        store.save(agent)
    return store


def check_messages_per_day(fn: Callable[[sqlite3.Connection, str], dict[str, int]]) -> bool:
    """Check `messages_per_day(db, agent_name)`: the agent's user and assistant messages counted by day."""

    def run(folder: Path, name: str) -> Any:
        store = _scratch_store(folder)
        store.close()
        db = sqlite3.connect(folder / "agents.sqlite")
        try:
            return fn(db, name)
        finally:
            db.close()

    def counts_by_day() -> str | None:
        with tempfile.TemporaryDirectory() as folder:
            got = run(Path(folder), TRICKY_NAME)
        want = {"2026-03-02": 3, "2026-03-03": 2}
        if got == {"2026-03-02": 4, "2026-03-03": 3}:
            return "count only the user's and the agent's messages (role 'user' or 'assistant'), not tool results"
        if isinstance(got, dict) and sum(got.values()) > 5:
            return f"count only this agent's messages: join recall to agents and filter on the name; got {_short(got)}"
        if got != want:
            return f"for an agent with 7 messages over two days, expected {want}, got {_short(got)}"
        return None

    def unknown_agent() -> str | None:
        with tempfile.TemporaryDirectory() as folder:
            got = run(Path(folder), "Nobody")
        return None if got == {} else f"an agent with no messages (or no such agent) should give {{}}, got {_short(got)}"

    return run_checks("messages_per_day", [counts_by_day, unknown_agent])


def check_agent_file(save_fn: Callable[[dict[str, Any], Path], Any],
                     load_fn: Callable[[Store, Path, str], dict[str, Any]]) -> bool:
    """Check `save_agent_file(agent, path)` and `load_agent_file(store, path, name)`: a byte-exact round trip."""

    def round_trip() -> str | None:
        with tempfile.TemporaryDirectory() as folder:
            store = open_store(Path(folder) / "agents.sqlite")
            try:
                agent = store.create_agent("Sam", human=TRICKY_TEXT)
                recall_add(agent["recall"], "user", TRICKY_TEXT, now=ticking_clock(datetime(2026, 3, 2, tzinfo=timezone.utc)))
                archival_insert(agent["archival"], [TRICKY_TEXT], np.linspace(-1, 1, 8, dtype=np.float32))
                store.save(agent)
                path = Path(folder) / "Sam.json"
                try:
                    save_fn(agent, path)
                except TypeError as error:
                    return f"save_agent_file raised TypeError ({error}): turn the agent into JSON-ready data with export_agent(agent) first"
                if not path.exists():
                    return "save_agent_file should write the file at `path`"
                try:
                    json.loads(path.read_bytes().decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    return "the file should be JSON in UTF-8: open it with encoding='utf-8' (Windows' default is not UTF-8)"
                copy = load_fn(store, path, "Sam 2")
                if not isinstance(copy, dict) or copy.get("name") != "Sam 2":
                    return f"load_agent_file should return the imported agent, named 'Sam 2', got {_short(copy)}"
                if store.list_agents() != ["Sam", "Sam 2"]:
                    return f"load_agent_file should import the agent into the store; it holds {store.list_agents()}"
                if export_agent(copy) != {**export_agent(agent), "name": "Sam 2"}:
                    return "the imported agent differs from the one saved: every field should come back exactly"
                return None
            finally:
                store.close()

    return run_checks("save_agent_file and load_agent_file", [round_trip])
