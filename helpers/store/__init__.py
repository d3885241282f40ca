"""Agents that outlive the kernel: whole agents kept in a database, SQLite by default, Postgres by URL.

    store = open_store()          # MEMORY_LAB_DATABASE_URL if set, else the project's SQLite file
    agent = store.create_agent("Sam")
    memgpt_step(client, agent, "My name is Bob", store=store)   # saved at the step's end: all or nothing
    agent = store.load_agent("Sam")                             # later, in a fresh kernel or process

Where the default file is: `.memory-lab/agents.sqlite` in the project folder (the folder holding
`helpers/` when the package is installed editable, as `make lab` does), else in the current folder.
Git ignores `.memory-lab/`. MEMORY_LAB_DATA_DIR names another folder (the test suite sets it, so
tests and the notebooks they run never touch yours).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from helpers.backend import load_env
from helpers.store.base import AgentNotFoundError, Store, StoreError, agent_from_file, export_agent
from helpers.store.sqlite import SQLiteStore

DATABASE_URL_SETTING = "MEMORY_LAB_DATABASE_URL"
DATA_DIR_SETTING = "MEMORY_LAB_DATA_DIR"  # the folder instead of .memory-lab/ (the test suite sets it)
DEFAULT_FOLDER = ".memory-lab"
DEFAULT_FILE = "agents.sqlite"
URL_FORMS = (
    "sqlite:///relative/path.sqlite, sqlite:////absolute/path.sqlite, "
    "or postgresql://user:password@host:5432/database"
)


def project_root() -> Path:
    """The project folder when `helpers` runs from a checkout (an editable install), else the current folder."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "helpers").is_dir():
        return checkout
    return Path.cwd()


def default_database_path() -> Path:
    """Where `open_store()` keeps agents when no URL is set: .memory-lab/agents.sqlite in the project.

    MEMORY_LAB_DATA_DIR, if set, names another folder for it (the tests use a temporary one).
    """
    folder = os.environ.get(DATA_DIR_SETTING, "").strip()
    return (Path(folder) if folder else project_root() / DEFAULT_FOLDER) / DEFAULT_FILE


def hide_password(url: str) -> str:
    """The URL with its password, if any, replaced by ***, for messages and reprs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def sqlite_path(url: str) -> Path:
    """The file a sqlite:/// URL names: three slashes then a relative path, four for an absolute one."""
    if not url.startswith("sqlite:///") or url in ("sqlite:///", "sqlite:///:memory:"):
        raise StoreError(f"{url!r} does not name a SQLite file. Write it as {URL_FORMS}.")
    path = unquote(url.removeprefix("sqlite:///").split("?", 1)[0])
    return Path(path).expanduser()


def open_store(url: str | os.PathLike[str] | None = None) -> Store:
    """Open (or create) the store at `url`: a sqlite:/// or postgresql:// URL, or a SQLite file's path.

    With no argument: MEMORY_LAB_DATABASE_URL (from the environment or .env), else the default file.
    """
    if url is None:
        load_env()
        url = os.environ.get(DATABASE_URL_SETTING, "").strip() or None
        if url is None:
            path = default_database_path()
            return SQLiteStore(path, f"sqlite:///{path.as_posix()}")
    if not isinstance(url, (str, os.PathLike)) or not str(url).strip():
        raise StoreError(f"open_store() takes a database URL or a file path, not {url!r}. Write it as {URL_FORMS}.")
    if isinstance(url, os.PathLike) or "://" not in url:  # a plain path: a SQLite file
        path = Path(url).expanduser()
        return SQLiteStore(path, f"sqlite:///{path.as_posix()}")
    url = url.strip()
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme == "sqlite":
        return SQLiteStore(sqlite_path(url), url)
    if scheme.split("+", 1)[0] in ("postgresql", "postgres"):
        from helpers.store.postgres import PostgresStore

        return PostgresStore(url)
    raise StoreError(
        f"{hide_password(url)!r} is not a database URL memory-lab can open (set in {DATABASE_URL_SETTING} or "
        f"passed to open_store). Write it as {URL_FORMS}."
    )


__all__ = [
    "AgentNotFoundError",
    "DATABASE_URL_SETTING",
    "Store",
    "StoreError",
    "agent_from_file",
    "default_database_path",
    "export_agent",
    "open_store",
]
