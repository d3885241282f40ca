"""The SQLite store: one file holds every agent, through Python's standard `sqlite3`.

- WAL journal: readers never block the writer, and a commit is one append to the log. With
  `synchronous = NORMAL` a killed process never loses a committed step (a power cut may lose the
  last few, never corrupt the file).
- Every write is `BEGIN IMMEDIATE` (it takes the write lock first) and waits up to BUSY_TIMEOUT_S
  for another process's step to finish, so two processes can step agents in one file.
- Embeddings are float32 BLOBs; archival search is the NumPy top-k on the loaded agent.
- The schema version is the file's `PRAGMA user_version`; MIGRATIONS upgrades older files in place.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np

from helpers.store.base import Store, StoreError, Transaction, to_json

BUSY_TIMEOUT_S = 30.0

# Each entry upgrades the schema by one version; a new file runs them all. Never edit one once
# released: add the next instead (a learner's file may be at any version).
MIGRATIONS = [
    # 1: agents, their blocks (shareable: linked through agent_blocks), context, recall, archival.
    """
    CREATE TABLE agents (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        system TEXT NOT NULL,
        model TEXT,
        embedding_model TEXT,
        context_window INTEGER NOT NULL,
        summary TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE blocks (
        id INTEGER PRIMARY KEY,
        label TEXT NOT NULL,
        value TEXT NOT NULL,
        char_limit INTEGER NOT NULL,
        description TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE agent_blocks (
        agent_id INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        block_id INTEGER NOT NULL REFERENCES blocks (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (agent_id, block_id)
    );
    CREATE INDEX agent_blocks_by_block ON agent_blocks (block_id);
    CREATE TABLE messages (
        agent_id INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (agent_id, position)
    );
    CREATE TABLE recall (
        agent_id INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        id INTEGER NOT NULL,
        timestamp TEXT NOT NULL,
        role TEXT NOT NULL,
        text TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (agent_id, id)
    );
    CREATE TABLE passages (
        agent_id INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        id INTEGER NOT NULL,
        text TEXT NOT NULL,
        embedding BLOB NOT NULL,
        PRIMARY KEY (agent_id, id)
    );
    """,
    # 2: read-only blocks; passages may carry JSON metadata (e.g. the document and place they came from).
    """
    ALTER TABLE blocks ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE passages ADD COLUMN metadata TEXT;
    """,
    # 3: the agent's token ratio: server tokens per token we count (helpers.context, notebook 08).
    """
    ALTER TABLE agents ADD COLUMN token_ratio REAL NOT NULL DEFAULT 1.0;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(connection: sqlite3.Connection, path: Path, target: int = SCHEMA_VERSION) -> int:
    """Bring the file's schema up to `target` in one transaction; return the version it had."""
    connection.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait, then find it done
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{path} was written by a newer memory-lab (schema {version}; this one knows up to "
                f"{len(MIGRATIONS)}). Update memory-lab (git pull, then make lab) to open it."
            )
        for number in range(version, target):
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number + 1}")  # an int we wrote: no value from outside
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return int(version)


class SQLiteStore(Store):
    """Agents in one SQLite file."""

    kind = "SQLite"

    def __init__(self, path: Path, url: str) -> None:
        super().__init__(url)
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            migrate(self._connection(), path)
        except sqlite3.DatabaseError as error:
            self.close()
            raise StoreError(
                f"Could not open {path} as a SQLite store ({error}). Check the path in the URL "
                "(sqlite:///relative/path.sqlite or sqlite:////absolute/path.sqlite); it must be a "
                "file this user can write, and a SQLite database if it exists."
            ) from None
        except (OSError, StoreError):
            self.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we write BEGIN ourselves; check_same_thread=False: close() may run anywhere.
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")
        return connection

    def _explain(self, error: BaseException) -> StoreError | None:
        if isinstance(error, UnicodeEncodeError):
            return StoreError(f"Text with a lone surrogate character ({error.object[error.start:error.end]!r}) cannot "
                              "be stored as UTF-8; remove it. Nothing was saved.")
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            return StoreError(f"{self.path} stayed locked by another process for over {BUSY_TIMEOUT_S:.0f} s. "
                              "Nothing was saved; close the other program using it and try again.")
        return None

    def _begin(self, connection: sqlite3.Connection, write: bool, snapshot: bool) -> sqlite3.Cursor:
        connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")  # in WAL, a read transaction is a snapshot
        return connection.cursor()

    def _insert_passages(self, tx: Transaction, agent_id: int, first: int, texts: list[str],
                         vectors: np.ndarray, metadata: list[Any]) -> None:
        tx.many(
            "INSERT INTO passages (agent_id, id, text, embedding, metadata) VALUES (?, ?, ?, ?, ?)",
            [(agent_id, first + n, text, np.asarray(vector, dtype="<f4").tobytes(), None if meta is None else to_json(meta))
             for n, (text, vector, meta) in enumerate(zip(texts, vectors, metadata))],
        )

    def _load_passages(self, tx: Transaction, agent_id: int) -> tuple[list[str], np.ndarray, list[Any]]:
        rows = tx.rows("SELECT text, embedding, metadata FROM passages WHERE agent_id = ? ORDER BY id", (agent_id,))
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32), []
        width = len(rows[0][1]) // 4
        if any(len(blob) != width * 4 for _, blob, _ in rows):
            raise StoreError(f"Agent {agent_id}'s passages have embeddings of different lengths in {self.path}; "
                             "every passage of an agent needs the same embedding model.")
        vectors = np.frombuffer(b"".join(blob for _, blob, _ in rows), dtype="<f4").astype(np.float32).reshape(len(rows), width)
        return [text for text, _, _ in rows], vectors, [None if m is None else json.loads(m) for _, _, m in rows]
