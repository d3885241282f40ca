"""What every store shares: the agent as rows, saving a step in one transaction, the agent file.

A backend (SQLite, Postgres) supplies its connections, its transactions and the few statements
that differ (embeddings, searches); this module holds everything else, written once.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import numpy as np

from helpers.archival import archive_matrix, new_archive
from helpers.paging import Page, paginate
from helpers.memgpt import Agent, new_agent
from helpers.memory import SECTION_LIMIT as BLOCK_LIMIT

AGENT_FILE_VERSION = 1  # the "memory_lab_agent_file" number written by export_agent
Row = tuple[Any, ...]
BLOCK_FIELDS = ("value", "limit", "description", "read_only")  # a block's fields, in the order of block_parts
BlockFields = tuple[str, int, str, bool]


class StoreError(RuntimeError):
    """A store problem, in one sentence that says what to fix."""


class AgentNotFoundError(StoreError, LookupError):
    """No agent of that name in the store."""


class Transaction:
    """One open transaction: run statements written with `?` placeholders, values always as parameters."""

    def __init__(self, cursor: Any, placeholder: str = "?") -> None:
        self.cursor, self.placeholder = cursor, placeholder

    def _sql(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row a statement returns."""
        self.cursor.execute(self._sql(sql), tuple(params))
        return list(self.cursor.fetchall()) if self.cursor.description else []

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row a statement returns, or None."""
        rows = self.rows(sql, params)
        return rows[0] if rows else None

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run a statement that returns nothing."""
        self.cursor.execute(self._sql(sql), tuple(params))

    def many(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""
        if params:
            self.cursor.executemany(self._sql(sql), [tuple(p) for p in params])


def block_parts(block: dict[str, Any]) -> BlockFields:
    """A block's value, limit, description and read-only flag (defaults for blocks made before they existed)."""
    return (str(block["value"]), int(block.get("limit", BLOCK_LIMIT)), str(block.get("description") or ""),
            bool(block.get("read_only", False)))


def _block_fields(value: Any, limit: Any, description: Any, read_only: Any) -> BlockFields:
    """A block row's columns as `block_parts` gives a block's fields (read_only is 0/1 in SQLite)."""
    return (value, int(limit), description, bool(read_only))


def to_json(value: Any) -> str:
    """JSON text as stored: Unicode as is (not \\u escapes), so the tables read as the agent wrote them."""
    return json.dumps(value, ensure_ascii=False)


def as_moment(timestamp: str) -> datetime:
    """A recall timestamp as an aware datetime (naive times are UTC, as recall_search reads them)."""
    moment = datetime.fromisoformat(timestamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Store:
    """A database of whole agents, each under its name. Open one with `open_store(url)`.

    Every statement is scoped by agent and passes values as parameters, never pasted into SQL.
    Each thread gets its own connection, so threads may step different agents at once.
    """

    kind = "database"
    placeholder = "?"
    # "FOR UPDATE" where the backend locks rows (Postgres); SQLite locks the whole file instead.
    lock_rows = ""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._connections: list[Any] = []
        self._guard = threading.Lock()
        # (name, id of the dict) -> the agent's version when this copy was created, loaded or saved
        self._versions: dict[tuple[str, int], int] = {}
        # block row id -> (the dict last loaded or saved for it, its fields as the database holds them): so that
        # agents sharing a row get one dict, and a dict put in another agent is linked to the same row
        self._blocks: dict[int, tuple[dict[str, Any], BlockFields]] = {}

    # ----- what a backend provides ---------------------------------------------------------

    def _connect(self) -> Any:
        raise NotImplementedError

    def _begin(self, connection: Any, write: bool, snapshot: bool) -> Any:
        """Start a transaction on `connection` (`snapshot`: every read sees the same moment); return a cursor."""
        raise NotImplementedError

    def _explain(self, error: BaseException) -> StoreError | None:
        """A database error as one clear StoreError, or None to let it through as it is."""
        return None

    def _insert_passages(self, tx: Transaction, agent_id: int, first: int, texts: list[str],
                         vectors: np.ndarray, metadata: list[Any]) -> None:
        raise NotImplementedError

    def _load_passages(self, tx: Transaction, agent_id: int) -> tuple[list[str], np.ndarray, list[Any]]:
        raise NotImplementedError

    def _insert_recall(self, tx: Transaction, agent_id: int, entries: list[dict[str, Any]]) -> None:
        tx.many(
            "INSERT INTO recall (agent_id, id, timestamp, role, text, message) VALUES (?, ?, ?, ?, ?, ?)",
            [(agent_id, e["id"], e["timestamp"], e["role"], e["text"], to_json(e["message"])) for e in entries],
        )

    def tools_for(self, agent: Agent, functions: list[Callable[..., str]] | None) -> list[Callable[..., str]] | None:
        """The tool functions for a step of `agent` (a backend may swap in searches that run in the database)."""
        self.agent_id(agent.get("name", ""))  # fails now, before any model call, if the agent is not here
        return functions

    # ----- connections and transactions --------------------------------------------------------

    def _connection(self) -> Any:
        """This thread's connection, opened on first use."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
            self._local.connection = connection
            with self._guard:
                self._connections.append(connection)
        return connection

    @contextmanager
    def transaction(self, write: bool = False, snapshot: bool = False) -> Iterator[Transaction]:
        """One transaction on this thread's connection: committed at the end, rolled back on any error."""
        connection = self._connection()
        cursor = self._begin(connection, write, snapshot)
        try:
            yield Transaction(cursor, self.placeholder)
            connection.commit()
        except BaseException as error:
            try:
                connection.rollback()
            except Exception:  # noqa: BLE001 - a lost connection cannot roll back; the error below says why
                pass
            explained = self._explain(error)
            if explained is not None:
                raise explained from None
            raise

    def close(self) -> None:
        """Close every connection this store opened (from any thread)."""
        with self._guard:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        self._local = threading.local()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{self.kind} store {self.url}>"

    # ----- agents --------------------------------------------------------------------------------

    def _agent_id(self, tx: Transaction, name: str, lock: bool = False) -> int:
        """The row id of the agent called `name`, or AgentNotFoundError listing the agents there are."""
        if not isinstance(name, str) or not name:
            raise StoreError(
                "This agent has no name, so the store cannot tell which agent it is: create it with "
                "store.create_agent(name) or load it with store.load_agent(name)."
            )
        row = tx.one(f"SELECT id FROM agents WHERE name = ?{' ' + self.lock_rows if lock else ''}", (name,))
        if row is None:
            names = [r[0] for r in tx.rows("SELECT name FROM agents ORDER BY name")]
            there = f"The agents there are: {', '.join(map(repr, names))}." if names else "It holds no agent yet."
            raise AgentNotFoundError(
                f"There is no agent called {name!r} in {self.url}. {there} "
                f"Create it with store.create_agent({name!r}), or check the name and the store's URL."
            )
        return int(row[0])

    def agent_id(self, name: str) -> int:
        """The row id of the agent called `name` (the key its rows carry in every table)."""
        with self.transaction() as tx:
            return self._agent_id(tx, name)

    def list_agents(self) -> list[str]:
        """The names of the agents in the store, in alphabetical order."""
        with self.transaction() as tx:
            return [row[0] for row in tx.rows("SELECT name FROM agents ORDER BY name")]

    def create_agent(self, name: str, **options: Any) -> Agent:
        """A new agent called `name` (options as for `new_agent`), saved at once; an error if the name is taken."""
        if not isinstance(name, str) or not name.strip():
            raise StoreError(f"An agent needs a name (a non-empty string) to be found again, not {name!r}.")
        agent = new_agent(**options)
        agent["name"] = name
        self._insert_agent(agent)
        return agent

    def _insert_agent(self, agent: Agent) -> None:
        """Insert a whole agent under agent["name"] in one transaction."""
        name = agent["name"]
        with self.transaction(write=True) as tx:
            if tx.one("SELECT id FROM agents WHERE name = ?", (name,)) is not None:
                raise StoreError(
                    f"There is already an agent called {name!r} in {self.url}. Load it with "
                    f"store.load_agent({name!r}), pick another name, or delete it first with "
                    f"store.delete_agent({name!r})."
                )
            now = datetime.now(timezone.utc).isoformat(timespec="seconds")
            row = tx.one(
                "INSERT INTO agents (name, system, model, embedding_model, context_window, summary, token_ratio, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (name, agent["system"], agent.get("model"), agent.get("embedding_model"), agent["context_window"],
                 agent.get("summary", ""), float(agent.get("token_ratio", 1.0)), now, now),
            )
            assert row is not None
            written = self._write_changes(tx, int(row[0]), agent, saved_recall=0, saved_passages=0)
        self._versions[(name, id(agent))] = 0
        self._blocks.update(written)

    def load_agent(self, name: str) -> Agent:
        """The agent called `name`, whole, as the plain dict `memgpt_step` works on."""
        with self.transaction(snapshot=True) as tx:
            agent_id = self._agent_id(tx, name)
            system, model, embedding_model, context_window, summary, token_ratio, version = tx.one(
                "SELECT system, model, embedding_model, context_window, summary, token_ratio, version FROM agents "
                "WHERE id = ?", (agent_id,)) or ()
            blocks = {}
            for block_id, label, value, limit, description, read_only, agents in tx.rows(
                "SELECT b.id, b.label, b.value, b.char_limit, b.description, b.read_only, "
                "(SELECT COUNT(*) FROM agent_blocks x WHERE x.block_id = b.id) FROM blocks b "
                "JOIN agent_blocks ab ON ab.block_id = b.id WHERE ab.agent_id = ? ORDER BY ab.position",
                (agent_id,),
            ):
                blocks[label] = self._loaded_block(int(block_id), _block_fields(value, limit, description, read_only),
                                                   shared=agents > 1)
            messages = [json.loads(m) for (m,) in tx.rows(
                "SELECT message FROM messages WHERE agent_id = ? ORDER BY position", (agent_id,))]
            recall = [
                {"id": int(i), "timestamp": ts, "role": role, "text": text, "message": json.loads(message)}
                for i, ts, role, text, message in tx.rows(
                    "SELECT id, timestamp, role, text, message FROM recall WHERE agent_id = ? ORDER BY id", (agent_id,))
            ]
            texts, vectors, metadata = self._load_passages(tx, agent_id)
        archive = new_archive()
        if texts:
            archive = {"passages": texts, "vectors": vectors}
            if any(m is not None for m in metadata):
                archive["metadata"] = metadata
        agent = {
            "name": name, "system": system, "blocks": blocks, "messages": messages, "summary": summary or "",
            "context_window": int(context_window), "model": model, "embedding_model": embedding_model,
            "recall": recall, "archival": archive, "token_ratio": float(token_ratio),
        }
        self._versions[(name, id(agent))] = int(version)
        return agent

    def delete_agent(self, name: str) -> None:
        """Delete the agent called `name` and all its rows (a block shared with another agent stays theirs)."""
        with self.transaction(write=True) as tx:
            agent_id = self._agent_id(tx, name, lock=True)
            tx.run("DELETE FROM agents WHERE id = ?", (agent_id,))  # its rows go with it (ON DELETE CASCADE)
            tx.run("DELETE FROM blocks WHERE id NOT IN (SELECT block_id FROM agent_blocks)")
            kept = {int(block_id) for (block_id,) in tx.rows("SELECT id FROM blocks")}
        for key in [key for key in self._versions if key[0] == name]:
            del self._versions[key]
        for block_id in self._blocks.keys() - kept:  # a deleted row's id may be given to a new block later
            del self._blocks[block_id]

    # ----- blocks shared by several agents -------------------------------------------------------

    def _loaded_block(self, block_id: int, fields: BlockFields, shared: bool) -> dict[str, Any]:
        """The dict for a block row just read: for a row several agents share, the same dict every time.

        That one dict takes the database's fields, unless it holds an edit not saved yet (kept, to be saved).
        """
        known = self._blocks.get(block_id)
        if shared and known is not None:
            block = known[0]
            if block_parts(block) == known[1]:  # nothing waits to be saved in it
                block.update(zip(BLOCK_FIELDS, fields))
        else:
            block = dict(zip(BLOCK_FIELDS, fields))
        self._blocks[block_id] = (block, fields)
        return block

    def share_block(self, label: str, *agents: Agent) -> dict[str, Any]:
        """Share the first agent's block `label` with the other agents, in memory and in the database, and save them.

        In memory it becomes the very same dict in each agent's "blocks" (in place of a block of that label
        they had), so an edit by one is in the others' next request; saving each agent then links them all
        to one row. Agents loaded later from this store get one dict for it too. Returns the shared block.
        """
        names = [agent.get("name", "") for agent in agents]
        if len(set(names)) < 2:
            raise StoreError(f"Sharing a block takes two agents or more of this store, not {names!r}: "
                             "store.share_block('team', first_agent, second_agent).")
        from helpers.multi_agent import share_block as share_in_memory  # here: the store is used without teams

        try:
            block = share_in_memory(label, *agents)
        except ValueError as error:  # the first agent has no such block
            raise StoreError(str(error)) from None
        for agent in agents:  # the first one first: its block gets its row, which the others are linked to
            self.save(agent)
        return block

    # ----- saving a step -------------------------------------------------------------------------

    def save(self, agent: Agent) -> None:
        """Save what changed in `agent` since it was created, loaded or last saved: all of it, or nothing.

        New recall entries and passages are added; blocks, settings, summary and the messages in the
        context are written as they are now. `memgpt_step(..., store=store)` calls this at a step's end.
        """
        name = agent.get("name", "")
        with self.transaction(write=True) as tx:
            agent_id = self._agent_id(tx, name, lock=True)
            (version,) = tx.one("SELECT version FROM agents WHERE id = ?", (agent_id,)) or (0,)
            saved_recall, saved_passages = (int(n) for n in tx.one(
                "SELECT (SELECT COALESCE(MAX(id) + 1, 0) FROM recall WHERE agent_id = ?), "
                "(SELECT COALESCE(MAX(id) + 1, 0) FROM passages WHERE agent_id = ?)", (agent_id, agent_id)) or (0, 0))
            recall, passages = agent["recall"], agent["archival"]["passages"]
            if self._versions.get((name, id(agent)), version) != version or len(recall) < saved_recall or (
                len(passages) < saved_passages) or (
                saved_recall and tx.one("SELECT timestamp, text FROM recall WHERE agent_id = ? AND id = ?",
                                        (agent_id, saved_recall - 1)) != (recall[saved_recall - 1]["timestamp"],
                                                                           recall[saved_recall - 1]["text"])
            ):
                raise StoreError(
                    f"The store holds a different history for {name!r} than this copy of it (another "
                    "copy was saved since this one was loaded). Nothing was saved. Load it again with "
                    f"store.load_agent({name!r}) and go on from there."
                )
            tx.run(
                "UPDATE agents SET system = ?, model = ?, embedding_model = ?, context_window = ?, summary = ?, "
                "token_ratio = ?, version = version + 1, updated_at = ? WHERE id = ?",
                (agent["system"], agent.get("model"), agent.get("embedding_model"), agent["context_window"],
                 agent.get("summary", ""), float(agent.get("token_ratio", 1.0)), datetime.now(timezone.utc).isoformat(timespec="seconds"), agent_id),
            )
            written = self._write_changes(tx, agent_id, agent, saved_recall, saved_passages)
        self._versions[(name, id(agent))] = int(version) + 1
        self._blocks.update(written)  # committed: what the database now holds for each block

    def _write_changes(self, tx: Transaction, agent_id: int, agent: Agent, saved_recall: int,
                       saved_passages: int) -> dict[int, tuple[dict[str, Any], BlockFields]]:
        """Write blocks that changed, the messages in context, and the recall entries and passages not saved yet.

        Returns the agent's blocks as written: row id -> (block, fields).
        """
        written = self._write_blocks(tx, agent_id, agent["blocks"])
        tx.run("DELETE FROM messages WHERE agent_id = ?", (agent_id,))
        tx.many("INSERT INTO messages (agent_id, position, message) VALUES (?, ?, ?)",
                [(agent_id, n, to_json(m)) for n, m in enumerate(agent["messages"])])
        new_entries = agent["recall"][saved_recall:]
        for position, entry in enumerate(new_entries, start=saved_recall):
            if entry.get("id") != position:
                raise StoreError(
                    f"Recall entry {position} has id {entry.get('id')!r}; recall ids are positions (0, 1, 2, ...). "
                    "Add entries with helpers.recall.recall_add. Nothing was saved."
                )
        self._insert_recall(tx, agent_id, new_entries)
        archive = agent["archival"]
        texts = archive["passages"][saved_passages:]
        if texts:
            metadata = list(archive.get("metadata") or [])
            metadata += [None] * (len(archive["passages"]) - len(metadata))
            self._insert_passages(tx, agent_id, saved_passages, texts,
                                  archive_matrix(archive)[saved_passages:], metadata[saved_passages:])
        return written

    def _write_blocks(self, tx: Transaction, agent_id: int,
                      blocks: dict[str, dict[str, Any]]) -> dict[int, tuple[dict[str, Any], BlockFields]]:
        """Update the blocks whose fields changed, add new ones, unlink those the agent no longer has.

        A block dict that is another agent's row (shared in memory: the same dict) is linked to that row,
        in place of a row of the agent's own. Returns the blocks as written: row id -> (block, fields).
        """
        columns = "b.id, b.value, b.char_limit, b.description, b.read_only"
        current = {label: (int(block_id), _block_fields(*fields), position)
                   for block_id, *fields, label, position in tx.rows(
                       f"SELECT {columns}, b.label, ab.position FROM blocks b JOIN agent_blocks ab ON ab.block_id = b.id "
                       "WHERE ab.agent_id = ?", (agent_id,))}
        rows_of = {id(block): block_id for block_id, (block, _) in self._blocks.items()}
        written = {}
        for position, (label, block) in enumerate(blocks.items()):
            fields = block_parts(block)
            block_id, saved, saved_position = current.get(label, (None, None, None))
            other = rows_of.get(id(block))
            if other is not None and other != block_id:
                found = tx.one(f"SELECT {columns} FROM blocks b WHERE b.id = ? AND b.label = ?", (other, label))
                if found is not None:  # shared in memory: link this agent to that row, in place of its own
                    if block_id is not None:
                        self._unlink_block(tx, agent_id, block_id)
                    tx.run("INSERT INTO agent_blocks (agent_id, block_id, position) VALUES (?, ?, ?)",
                           (agent_id, other, position))
                    block_id, saved, saved_position = other, _block_fields(*found[1:]), position
            if block_id is None:
                inserted = tx.one("INSERT INTO blocks (label, value, char_limit, description, read_only) "
                                  "VALUES (?, ?, ?, ?, ?) RETURNING id", (label, *fields))
                assert inserted is not None
                block_id, saved, saved_position = int(inserted[0]), fields, position
                tx.run("INSERT INTO agent_blocks (agent_id, block_id, position) VALUES (?, ?, ?)",
                       (agent_id, block_id, position))
            if fields != saved:  # only what changed: a block shared with another agent is not overwritten blindly
                tx.run("UPDATE blocks SET value = ?, char_limit = ?, description = ?, read_only = ? WHERE id = ?",
                       (*fields, block_id))
            if position != saved_position:
                tx.run("UPDATE agent_blocks SET position = ? WHERE agent_id = ? AND block_id = ?",
                       (position, agent_id, block_id))
            written[block_id] = (block, fields)
        for label in current.keys() - blocks.keys():
            self._unlink_block(tx, agent_id, current[label][0])
        return written

    @staticmethod
    def _unlink_block(tx: Transaction, agent_id: int, block_id: int) -> None:
        """Take a block from an agent; the row goes too unless another agent still has it."""
        tx.run("DELETE FROM agent_blocks WHERE agent_id = ? AND block_id = ?", (agent_id, block_id))
        tx.run("DELETE FROM blocks WHERE id = ? AND id NOT IN (SELECT block_id FROM agent_blocks)", (block_id,))

    # ----- agent files ----------------------------------------------------------------------------

    def import_agent(self, data: dict[str, Any], name: str | None = None) -> Agent:
        """Create an agent from an agent file's contents (see export_agent), under `name` or the file's name."""
        agent = agent_from_file(data)
        agent["name"] = name if name is not None else agent["name"]
        if not isinstance(agent["name"], str) or not agent["name"].strip():
            raise StoreError("The agent file has no name: pass one, store.import_agent(data, name='Sam').")
        self._insert_agent(agent)
        return self.load_agent(agent["name"])


# ---------------------------------------------------------------------------------------------
# The agent file: one JSON document per agent, like Letta's .af files.
# ---------------------------------------------------------------------------------------------


def export_agent(agent: Agent) -> dict[str, Any]:
    """The whole agent as a JSON-ready dict (json.dump it to a file); `store.import_agent` reads it back."""
    archive = agent["archival"]
    metadata = list(archive.get("metadata") or [])
    passages = []
    for n, (text, vector) in enumerate(zip(archive["passages"], archive_matrix(archive))):
        passage: dict[str, Any] = {"text": text, "embedding": vector.astype(np.float32).tolist()}
        if n < len(metadata) and metadata[n] is not None:
            passage["metadata"] = copy.deepcopy(metadata[n])
        passages.append(passage)
    return {
        "memory_lab_agent_file": AGENT_FILE_VERSION,
        "name": agent.get("name", ""),
        "system": agent["system"],
        "model": agent.get("model"),
        "embedding_model": agent.get("embedding_model"),
        "context_window": agent["context_window"],
        "summary": agent.get("summary", ""),
        "token_ratio": float(agent.get("token_ratio", 1.0)),
        "blocks": {
            label: dict(zip(("value", "limit", "description", "read_only"), block_parts(block)))
            for label, block in agent["blocks"].items()
        },
        "messages": copy.deepcopy(agent["messages"]),
        "recall": [{key: copy.deepcopy(entry[key]) for key in ("id", "timestamp", "role", "text", "message")}
                   for entry in agent["recall"]],
        "archival": passages,
    }


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise StoreError(f"This is not a valid agent file: {what}. Export agents with export_agent(agent).")


def agent_from_file(data: Any) -> Agent:
    """An agent dict from an agent file's contents, checked field by field."""
    _expect(isinstance(data, dict) and "memory_lab_agent_file" in data, "it has no 'memory_lab_agent_file' number")
    version = data["memory_lab_agent_file"]
    if isinstance(version, int) and version > AGENT_FILE_VERSION:
        raise StoreError(f"This agent file has format {version}, newer than this memory-lab reads "
                         f"({AGENT_FILE_VERSION}); update memory-lab (git pull) to import it.")
    _expect(version == AGENT_FILE_VERSION, f"its format number is {version!r}")
    _expect(isinstance(data.get("system"), str), "'system' should be the instructions, a string")
    _expect(isinstance(data.get("context_window"), int), "'context_window' should be a whole number")
    blocks = data.get("blocks")
    _expect(isinstance(blocks, dict) and all(isinstance(b, dict) and isinstance(b.get("value"), str)
                                             for b in blocks.values()), "'blocks' should map labels to blocks with a 'value'")
    recall = data.get("recall")
    _expect(isinstance(recall, list) and all(isinstance(e, dict) and {"id", "timestamp", "role", "text", "message"} <= e.keys()
                                             for e in recall), "each recall entry needs id, timestamp, role, text and message")
    for position, entry in enumerate(recall):
        _expect(entry["id"] == position, f"recall entry {position} has id {entry['id']!r} (ids are positions)")
        try:
            as_moment(entry["timestamp"])
        except (TypeError, ValueError):
            _expect(False, f"recall entry {position} has the timestamp {entry['timestamp']!r} (ISO 8601 expected)")
    _expect(isinstance(data.get("messages"), list), "'messages' should be a list of messages")
    passages = data.get("archival")
    _expect(isinstance(passages, list) and all(isinstance(p, dict) and isinstance(p.get("text"), str)
                                               and isinstance(p.get("embedding"), list) for p in passages),
            "'archival' should be a list of passages with 'text' and 'embedding'")
    archive = new_archive()
    if passages:
        sizes = {len(p["embedding"]) for p in passages}
        _expect(len(sizes) == 1 and 0 not in sizes, "every passage's embedding should have the same, non-zero length")
        vectors = np.array([p["embedding"] for p in passages], dtype=np.float32)
        _expect(bool(np.isfinite(vectors).all()), "an embedding holds a number that is not finite")
        archive = {"passages": [p["text"] for p in passages], "vectors": vectors}
        if any("metadata" in p for p in passages):
            archive["metadata"] = [p.get("metadata") for p in passages]
    return {
        "name": data.get("name") or "",
        "system": data["system"],
        "blocks": {label: {"value": b["value"], "limit": int(b.get("limit", BLOCK_LIMIT)),
                           "description": str(b.get("description") or ""), "read_only": bool(b.get("read_only", False))}
                   for label, b in blocks.items()},
        "messages": data["messages"],
        "summary": str(data.get("summary") or ""),
        "context_window": data["context_window"],
        "model": data.get("model"),
        "embedding_model": data.get("embedding_model"),
        "token_ratio": float(data.get("token_ratio", 1.0)),
        "recall": [dict(entry) for entry in recall],
        "archival": archive,
    }


def ranked_passages(candidates: list[tuple[float, int, str, Any]], page: int, page_size: int, total: int) -> Page:
    """One page of (score, id, text, metadata) candidates, best first (ties by id), as `archival_search` returns it."""
    ranked = sorted(candidates, key=lambda c: (-c[0], c[1]))
    return paginate([{"id": i, "score": round(s, 3), "text": t, "metadata": m} for s, i, t, m in ranked], page=page,
                    page_size=page_size, total=total)
