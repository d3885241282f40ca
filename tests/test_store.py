"""The store keeps whole agents, on SQLite and on a real Postgres: the same tests run on both.

Round trips, one transaction per step, isolation between agents, SQL parameters only, clear errors,
schema versions with an upgrade path, agent files.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from helpers.archival import archival_insert, archival_search
from helpers.backend import make_client
from helpers.memgpt import CONTEXT_WINDOW, memgpt_step, new_agent
from helpers.recall import recall_add, recall_search, ticking_clock
from helpers.store import (
    AgentNotFoundError,
    StoreError,
    default_database_path,
    export_agent,
    open_store,
)
from helpers.store import sqlite as sqlite_store
from tests.store_fixtures import SCRIPT, SMALL_WINDOW, START, steps_done, take_step
from tests.store_fixtures import postgres_server, postgres_url, sqlite_url, store, store_url  # noqa: F401 (fixtures)

NASTY = [
    "It's Bob; he said \"hi\" -- then left",
    "'; DROP TABLE agents; --",
    "Robert'); DROP TABLE recall;--",
    "emoji 🧠🐈‍⬛ and accents: Zoë, naïve, 東京, עברית, Ελληνικά",
    "back\\slash, %s %(x)s ? :name $1 {braces}",
    "tab\tnew\nline\r\nand \u2028 separators, zero width\u200b joiner",
]


@pytest.fixture(scope="module")
def client():
    return make_client()


def fill(client, agent, store, steps: int) -> None:
    """Take `steps` scripted steps, saving each in `store`."""
    for _ in range(steps):
        take_step(client, agent, store=store)


def table_counts(store, agent_id: int) -> dict[str, int]:
    with store.transaction() as tx:
        return {table: tx.one(f"SELECT COUNT(*) FROM {table} WHERE agent_id = ?", (agent_id,))[0]
                for table in ("agent_blocks", "messages", "recall", "passages")}


# ----- whole agents, saved and loaded ----------------------------------------------------------------


def test_create_step_and_load_in_a_fresh_store_gives_the_same_agent(store, store_url, client) -> None:
    agent = store.create_agent("Sam", human="The human works as a nurse", context_window=3000)
    fill(client, agent, store, 9)
    assert steps_done(agent) == 9 and agent["archival"]["passages"], "the script should save a passage"
    store.close()
    with open_store(store_url) as reopened:
        loaded = reopened.load_agent("Sam")
    assert export_agent(loaded) == export_agent(agent)
    assert loaded["name"] == "Sam" and loaded["context_window"] == 3000
    assert "nurse" in loaded["blocks"]["human"]["value"]
    assert loaded["archival"]["vectors"].dtype == np.float32
    assert np.array_equal(loaded["archival"]["vectors"], agent["archival"]["vectors"][: len(agent["archival"]["passages"])])
    assert loaded["recall"] == agent["recall"] and loaded["messages"] == agent["messages"]


def test_a_loaded_agent_goes_on_where_it_stopped(store, client) -> None:
    agent = store.create_agent("Sam")
    memgpt_step(client, agent, "My name is Bob", store=store)
    del agent
    agent = store.load_agent("Sam")
    reply = memgpt_step(client, agent, "What is my name?", store=store)
    assert "Bob" in reply
    assert len(store.load_agent("Sam")["recall"]) == len(agent["recall"])


def test_every_field_round_trips(store) -> None:
    agent = store.create_agent("Sam")
    agent.update(system="Be brief.", model="some-model", embedding_model="some-embedder", summary="We met.",
                 context_window=4096, token_ratio=1.25)
    agent["blocks"]["notes"] = {"value": "v", "limit": 99, "description": "Notes.", "read_only": True}
    agent["blocks"]["persona"]["description"] = "Who I am."
    clock = ticking_clock(START)
    recall_add(agent["recall"], "user", "hello", now=clock)
    recall_add(agent["recall"], "user", "naive time", now=lambda: START.replace(tzinfo=None))
    agent["messages"] = [{"role": "system", "content": "Note: prior messages (3 of 9 total messages) have been hidden"},
                         {"role": "user", "content": "hello"}]
    archival_insert(agent["archival"], ["a passage", "another"], np.eye(2, 8, dtype=np.float32))
    agent["archival"]["metadata"] = [{"source": "book.txt", "position": 3}, None]
    store.save(agent)
    loaded = store.load_agent("Sam")
    for key in ("system", "model", "embedding_model", "summary", "context_window", "token_ratio", "messages", "recall"):
        assert loaded[key] == agent[key], key
    assert export_agent(loaded)["blocks"] == export_agent(agent)["blocks"]
    assert loaded["blocks"]["notes"] == {"value": "v", "limit": 99, "description": "Notes.", "read_only": True}
    assert list(loaded["blocks"]) == list(agent["blocks"]), "blocks keep their order"
    assert loaded["archival"]["metadata"] == [{"source": "book.txt", "position": 3}, None]
    del agent["blocks"]["notes"]
    store.save(agent)
    assert list(store.load_agent("Sam")["blocks"]) == ["persona", "human"]


def test_list_and_delete_agents(store) -> None:
    for name in ("Zed", "Ann", "Bo"):
        store.create_agent(name)
    assert store.list_agents() == ["Ann", "Bo", "Zed"]
    agent_id = store.agent_id("Bo")
    store.delete_agent("Bo")
    assert store.list_agents() == ["Ann", "Zed"]
    assert set(table_counts(store, agent_id).values()) == {0}
    with store.transaction() as tx:
        assert tx.one("SELECT COUNT(*) FROM blocks")[0] == 4, "the deleted agent's blocks go with it"
    with pytest.raises(AgentNotFoundError, match="'Bo'.*'Ann', 'Zed'.*create_agent"):
        store.delete_agent("Bo")


def test_unknown_and_duplicate_names_are_clear_errors(store) -> None:
    with pytest.raises(AgentNotFoundError, match=r"no agent called 'Sam'.*holds no agent yet.*create_agent\('Sam'\)"):
        store.load_agent("Sam")
    store.create_agent("Sam")
    with pytest.raises(StoreError, match=r"already an agent called 'Sam'.*load_agent\('Sam'\)"):
        store.create_agent("Sam")
    with pytest.raises(StoreError, match="needs a name"):
        store.create_agent("  ")


def test_a_step_for_an_agent_not_in_the_store_fails_before_any_model_call(store, client) -> None:
    agent = new_agent()
    with pytest.raises(StoreError, match="no name"):
        memgpt_step(client, agent, "My name is Bob", store=store)
    agent["name"] = "Ghost"
    with pytest.raises(AgentNotFoundError, match="'Ghost'"):
        memgpt_step(client, agent, "My name is Bob", store=store)
    assert agent["recall"] == [] and agent["messages"] == []


def test_a_step_is_saved_whole_or_not_at_all(store, client) -> None:
    agent = store.create_agent("Sam")
    memgpt_step(client, agent, "My name is Bob", store=store)
    before = export_agent(store.load_agent("Sam"))

    def crash(event):
        if event["type"] == "tool_call":
            raise RuntimeError("the kernel died here")

    with pytest.raises(RuntimeError, match="died"):
        memgpt_step(client, agent, "I live in Leeds", store=store, on_event=crash)
    assert "Leeds" in agent["blocks"]["human"]["value"], "in memory the step got halfway"
    assert export_agent(store.load_agent("Sam")) == before, "the store holds none of it"


def test_two_copies_of_one_agent_cannot_overwrite_each_other(store, client) -> None:
    first = store.create_agent("Sam")
    second = store.load_agent("Sam")
    memgpt_step(client, first, "My name is Bob", store=store)
    with pytest.raises(StoreError, match=r"different history.*Nothing was saved.*load_agent\('Sam'\)"):
        memgpt_step(client, second, "My name is Alice", store=store)
    assert "Bob" in store.load_agent("Sam")["blocks"]["human"]["value"]


# ----- isolation, parameters, Unicode ---------------------------------------------------------------------


def test_agents_never_see_each_others_rows(store, client) -> None:
    alice, bob = store.create_agent("Alice"), store.create_agent("Bob")
    for agent, who in ((alice, "Alice"), (bob, "Bob")):
        memgpt_step(client, agent, f"Please remember that {who}'s cat is called Tom", store=store)
        memgpt_step(client, agent, f"My name is {who}", store=store)
    alice, bob = store.load_agent("Alice"), store.load_agent("Bob")
    assert all("Bob" not in entry["text"] for entry in alice["recall"])
    assert all("Bob" not in text for text in alice["archival"]["passages"]) and alice["archival"]["passages"]
    search = getattr(store, "archival_search", None)
    if search is not None:  # Postgres searches in the database: scoped by agent there too
        query = bob["archival"]["vectors"][0]
        assert {r["text"] for r in search(alice, query)["results"]} == set(alice["archival"]["passages"])
        assert all("Alice" not in r["text"] for r in store.recall_search(bob, "cat Tom Alice")["results"])
    reply = memgpt_step(client, alice, "What is my cat called?", store=store)
    assert "Tom" in reply


def test_quotes_sql_and_unicode_are_stored_byte_exactly(store) -> None:
    name = "O'Brien \"; DROP TABLE agents; -- 🧠"
    agent = store.create_agent(name, persona=NASTY[0], human=NASTY[3])
    clock = ticking_clock(START)
    for text in NASTY:
        recall_add(agent["recall"], "user", text, now=clock)
        agent["messages"].append({"role": "user", "content": text})
    archival_insert(agent["archival"], NASTY, np.random.default_rng(0).standard_normal((len(NASTY), 16)))
    agent["summary"] = NASTY[1]
    store.save(agent)
    loaded = store.load_agent(name)
    assert export_agent(loaded) == export_agent(agent)
    assert [e["text"].encode() for e in loaded["recall"]] == [t.encode() for t in NASTY]
    assert store.list_agents() == [name]
    with store.transaction() as tx:
        tables = {"agents", "blocks", "agent_blocks", "messages", "recall", "passages"}
        assert all(tx.one(f"SELECT COUNT(*) FROM {table}")[0] >= 1 for table in tables)


# ----- errors that name the fix ------------------------------------------------------------------


@pytest.mark.parametrize("url", ["mysql://root@localhost/agents", "sqlite://agents.sqlite", "sqlite:///:memory:",
                                 "file:///agents.sqlite", "", "   ", 42])
def test_a_bad_url_is_one_clear_error(url) -> None:
    with pytest.raises(StoreError, match=r"sqlite:///relative/path\.sqlite.*postgresql://"):
        open_store(url)


def test_a_plain_path_opens_a_sqlite_file(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for where in ("agents.sqlite", str(tmp_path / "absolute.sqlite"), tmp_path / "as-path.sqlite"):
        with open_store(where) as store:
            store.create_agent("Sam")
        assert Path(tmp_path / Path(where).name).exists()
        with open_store(f"sqlite:///{Path(where).as_posix()}") as store:
            assert store.list_agents() == ["Sam"]


def test_the_chat_widget_saves_each_message_in_the_store(store, client) -> None:
    from helpers.memgpt_chat import memgpt_chat

    chat = memgpt_chat(client, store.create_agent("Sam"), store=store)
    chat.send("My name is Bob")
    assert "Bob" in store.load_agent("Sam")["blocks"]["human"]["value"]


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("not a database, just some text " * 100)
    with pytest.raises(StoreError, match="notes.txt as a SQLite store.*Check the path"):
        open_store(tmp_path / "notes.txt")


def test_an_unreachable_postgres_is_one_clear_error_without_the_password() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://learner:s3cret-pass@127.0.0.1:1/agents")
    message = str(caught.value)
    assert "Could not connect to Postgres at postgresql://learner:***@127.0.0.1:1/agents" in message
    assert "s3cret" not in message and "MEMORY_LAB_DATABASE_URL" in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_postgres_without_pgvector_is_told_where_to_get_it(postgres_url, monkeypatch) -> None:
    from helpers.store import postgres

    monkeypatch.setattr(postgres, "MIGRATIONS", ["CREATE EXTENSION no_such_vector_extension;"])
    with pytest.raises(StoreError, match="cannot enable pgvector.*pgvector/pgvector Docker image"):
        postgres.PostgresStore(postgres_url, target=1)


def test_postgres_cannot_store_nul_and_says_so(postgres_url) -> None:
    with open_store(postgres_url) as store:
        agent = store.create_agent("Sam")
        agent["blocks"]["human"]["value"] = "a\x00b"
        with pytest.raises(StoreError, match="NUL.*Nothing was saved"):
            store.save(agent)
        assert store.load_agent("Sam")["blocks"]["human"]["value"] == ""


# ----- where the default store lives -------------------------------------------------------------------


def test_the_default_store_is_in_the_project_and_ignored_by_git(monkeypatch, tmp_path) -> None:
    root = Path(__file__).resolve().parents[1]
    monkeypatch.delenv("MEMORY_LAB_DATA_DIR", raising=False)
    assert default_database_path() == root / ".memory-lab" / "agents.sqlite"
    monkeypatch.setenv("MEMORY_LAB_DATA_DIR", str(tmp_path / "data"))
    assert default_database_path() == tmp_path / "data" / "agents.sqlite"
    assert ".memory-lab/" in (root / ".gitignore").read_text().splitlines()
    monkeypatch.setenv("MEMORY_LAB_DATABASE_URL", f"sqlite:///{(tmp_path / 'from-env.sqlite').as_posix()}")
    with open_store() as store:
        store.create_agent("Sam")
    assert (tmp_path / "from-env.sqlite").exists()


# ----- schema versions ------------------------------------------------------------------------------------


def test_sqlite_settings(sqlite_url) -> None:
    with open_store(sqlite_url) as store:
        connection = store._connection()
        pragmas = {name: connection.execute(f"PRAGMA {name}").fetchone()[0]
                   for name in ("journal_mode", "foreign_keys", "busy_timeout", "user_version", "synchronous")}
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 30000,
                       "user_version": sqlite_store.SCHEMA_VERSION, "synchronous": 1}


def test_a_version_1_sqlite_file_is_upgraded_in_place(tmp_path) -> None:
    path = tmp_path / "old.sqlite"
    connection = sqlite3.connect(path, isolation_level=None)
    sqlite_store.migrate(connection, path, target=1)
    connection.executescript(
        "INSERT INTO agents (name, system, context_window, created_at, updated_at) VALUES ('Old', 'Hi', 24, 'x', 'x');"
        "INSERT INTO blocks (label, value, char_limit) VALUES ('human', 'The human''s name is Ann', 2000);"
        "INSERT INTO agent_blocks VALUES (1, 1, 0);"
        "INSERT INTO passages VALUES (1, 0, 'kept', x'0000803f00000000');"
    )
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 1
    connection.close()
    with open_store(path) as store:
        agent = store.load_agent("Old")
        assert store._connection().execute("PRAGMA user_version").fetchone()[0] == sqlite_store.SCHEMA_VERSION
    assert agent["blocks"]["human"] == {"value": "The human's name is Ann", "limit": 2000, "description": "",
                                        "read_only": False}
    assert agent["archival"]["passages"] == ["kept"] and agent["archival"]["vectors"].tolist() == [[1.0, 0.0]]


def test_a_version_1_postgres_database_is_upgraded_in_place(postgres_url) -> None:
    from helpers.store.postgres import SCHEMA_VERSION, PostgresStore

    old = PostgresStore(postgres_url, target=1)
    with old.transaction(write=True) as tx:
        tx.run("INSERT INTO agents (name, system, context_window, created_at, updated_at) VALUES ('Old', 'Hi', 24, now(), now())")
        tx.run("INSERT INTO blocks (label, value, char_limit) VALUES ('human', 'Ann', 2000)")
        tx.run("INSERT INTO agent_blocks SELECT a.id, b.id, 0 FROM agents a, blocks b")
    old.close()
    with open_store(postgres_url) as store:
        assert store.load_agent("Old")["blocks"]["human"]["read_only"] is False
        with store.transaction() as tx:
            assert tx.one("SELECT version FROM memory_lab_schema") == (SCHEMA_VERSION,)


def test_a_newer_schema_is_refused_with_what_to_do(store_url) -> None:
    with open_store(store_url) as store, store.transaction(write=True) as tx:
        if store.kind == "SQLite":
            tx.run("PRAGMA user_version = 99")
        else:
            tx.run("UPDATE memory_lab_schema SET version = 99")
    with pytest.raises(StoreError, match="newer memory-lab.*schema 99.*git pull"):
        open_store(store_url)


def test_a_block_can_be_shared_by_two_agents(store) -> None:
    store.create_agent("Ann")
    bob = store.create_agent("Bob")
    ann_id, bob_id = store.agent_id("Ann"), store.agent_id("Bob")
    with store.transaction(write=True) as tx:
        (block_id,) = tx.one("INSERT INTO blocks (label, value, char_limit) VALUES ('team', 'We ship on Fridays', 500) "
                             "RETURNING id")
        for agent_id in (ann_id, bob_id):
            tx.run("INSERT INTO agent_blocks (agent_id, block_id, position) VALUES (?, ?, 2)", (agent_id, block_id))
    bob = store.load_agent("Bob")
    bob["blocks"]["team"]["value"] = "We ship on Thursdays"
    store.save(bob)
    assert store.load_agent("Ann")["blocks"]["team"]["value"] == "We ship on Thursdays"
    store.delete_agent("Bob")
    assert store.load_agent("Ann")["blocks"]["team"]["value"] == "We ship on Thursdays"


# ----- agent files ---------------------------------------------------------------------------------------


def test_export_to_a_json_file_and_import_it_again(store, client, tmp_path) -> None:
    agent = store.create_agent("Sam", human=NASTY[3])
    fill(client, agent, store, 6)
    path = tmp_path / "Sam.json"
    path.write_text(json.dumps(export_agent(agent), ensure_ascii=False, indent=1), encoding="utf-8")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["memory_lab_agent_file"] == 1 and data["name"] == "Sam"
    copy = store.import_agent(data, name="Sam 2")
    assert copy["name"] == "Sam 2"
    assert export_agent(copy) == {**export_agent(agent), "name": "Sam 2"}
    assert store.list_agents() == ["Sam", "Sam 2"]
    with pytest.raises(StoreError, match="already an agent called 'Sam'"):
        store.import_agent(data)


def test_an_agent_moves_between_sqlite_and_postgres(sqlite_url, postgres_url, client) -> None:
    with open_store(sqlite_url) as lite, open_store(postgres_url) as postgres:
        agent = lite.create_agent("Sam")
        fill(client, agent, lite, 5)
        moved = postgres.import_agent(export_agent(lite.load_agent("Sam")))
        fill(client, moved, postgres, 3)
        back = lite.import_agent(export_agent(postgres.load_agent("Sam")), name="Sam again")
        assert steps_done(back) == 8 and export_agent(back) == {**export_agent(moved), "name": "Sam again"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("memory_lab_agent_file"), "no 'memory_lab_agent_file'"),
        (lambda d: d.update(memory_lab_agent_file=7), "format 7, newer than this memory-lab reads"),
        (lambda d: d.update(system=None), "'system'"),
        (lambda d: d["recall"][0].update(id=5), "recall entry 0 has id 5"),
        (lambda d: d["recall"][0].update(timestamp="yesterday"), "timestamp 'yesterday'"),
        (lambda d: d["archival"].append({"text": "short", "embedding": [1.0]}), "same, non-zero length"),
        (lambda d: d.update(blocks=[]), "'blocks'"),
    ],
)
def test_a_broken_agent_file_is_a_clear_error(sqlite_url, client, change, message) -> None:
    with open_store(sqlite_url) as store:
        agent = store.create_agent("Sam")
        fill(client, agent, store, 3)
        data = export_agent(agent)
        change(data)
        with pytest.raises(StoreError, match=message):
            store.import_agent(data, name="Copy")
        assert store.list_agents() == ["Sam"]


# ----- Postgres searches in the database, with the NumPy results ---------------------------------------


def test_postgres_archival_search_equals_numpy(postgres_url) -> None:
    rng = np.random.default_rng(7)
    with open_store(postgres_url) as store:
        agent = store.create_agent("Big")
        texts = [f"passage {i}" for i in range(3000)]
        archival_insert(agent["archival"], texts, rng.standard_normal((3000, 384)).astype(np.float32))
        store.save(agent)
        other = store.create_agent("Other")
        archival_insert(other["archival"], texts[:500], agent["archival"]["vectors"][:500] + 0.01)
        store.save(other)
        agent = store.load_agent("Big")
        with store.transaction() as tx:
            assert tx.one("SELECT indexdef FROM pg_indexes WHERE indexname = 'passages_embedding_384'")[0].find("hnsw") > 0
        for query in rng.standard_normal((20, 384)).astype(np.float32):
            expected = archival_search(agent["archival"], query, page=1)
            for exact in (True, False):
                got = store.archival_search(agent, query, page=1, exact=exact)
                assert [r["id"] for r in got["results"]] == [r["id"] for r in expected["results"]]
                assert [r["score"] for r in got["results"]] == pytest.approx([r["score"] for r in expected["results"]], abs=1e-3)
                assert {k: got[k] for k in ("page", "pages", "total")} == {k: expected[k] for k in ("page", "pages", "total")}


def test_postgres_recall_search_equals_python(postgres_url, client) -> None:
    with open_store(postgres_url) as store:
        agent = store.create_agent("Sam")
        fill(client, agent, store, 16)
        clock = ticking_clock(START)
        for text in [*NASTY, "Don't forget: I'm in Leeds", "LEEDS rocks", "leedsy", "xleeds"]:
            recall_add(agent["recall"], "user", text, now=clock)
        store.save(agent)
        recall_add(agent["recall"], "user", "Unsaved: my cat lives in Leeds", now=clock)  # this step's, not saved yet
        queries = ["Leeds", "cat", "What did I tell you about my cat and Leeds?", "", "don't", "Zoë 東京", "bob name",
                   "'; DROP TABLE recall; --", "%", "jazz"]
        for query in queries:
            for page in (0, 1, 3):
                assert store.recall_search(agent, query, page=page) == recall_search(agent["recall"], query, page=page), query
        day = START.date().isoformat()
        for start, end in ((day, day), ("2026-03-03", None), (None, "2026-03-02"), ("2026-03-02T09:00:03", None)):
            assert store.recall_search(agent, "", start=start, end=end) == recall_search(agent["recall"], start=start, end=end)
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            store.recall_search(agent, start="last week")


def test_postgres_steps_search_in_the_database(postgres_url, client) -> None:
    """The tools a Postgres-backed step uses are the database searches, with the same names, schemas and results."""
    from helpers.embeddings import embed
    from helpers.memgpt import MEMGPT_FUNCTIONS, bind_tools, memgpt_tools

    with open_store(postgres_url) as store:
        agent = store.create_agent("Sam", context_window=SMALL_WINDOW)
        swapped = store.tools_for(agent, None)
        assert [fn.__name__ for fn in swapped] == [fn.__name__ for fn in MEMGPT_FUNCTIONS]
        assert swapped != MEMGPT_FUNCTIONS and memgpt_tools(swapped) == memgpt_tools(MEMGPT_FUNCTIONS)
        for text in ["Please remember that my cat is called Tom", "My name is Bob", "I live in Leeds", "I like jazz"]:
            memgpt_step(client, agent, text, store=store)
        calls = [("archival_memory_search", {"query": "cat"}), ("conversation_search", {"query": "Leeds jazz"}),
                 ("conversation_search", {"query": "", "page": 1})]
        in_memory = bind_tools(agent, lambda texts: embed(client, texts))
        expected = [in_memory[name](**arguments) for name, arguments in calls]
        agent["archival"]["vectors"] = np.zeros_like(agent["archival"]["vectors"])  # NumPy could not find it now
        in_database = bind_tools(agent, lambda texts: embed(client, texts), swapped)
        assert [in_database[name](**arguments) for name, arguments in calls] == expected
        assert "my cat is called Tom" in expected[0]


# ----- threads ------------------------------------------------------------------------------------------


def run_threads(store, client, agents: int, steps: int, context_window: int = CONTEXT_WINDOW) -> None:
    """`agents` threads, each stepping its own agent `steps` times; every agent then loads as it was left."""
    finished, errors = {}, []

    def work(name: str) -> None:
        try:
            agent = store.create_agent(name, context_window=context_window)
            for _ in range(steps):
                take_step(client, agent, store=store)
            finished[name] = export_agent(agent)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(f"{name}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=work, args=(f"agent {n}",)) for n in range(agents)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert sorted(finished) == store.list_agents()
    for name, exported in finished.items():
        assert export_agent(store.load_agent(name)) == exported
        assert steps_done(store.load_agent(name)) == steps


@pytest.mark.slow
def test_postgres_eight_threads_step_eight_agents(postgres_url) -> None:
    """In a 2,000-token window every agent also evicts old turns and saves its summary while the others write
    (and each step is three times cheaper than in the default window: the request stays short)."""
    with open_store(postgres_url) as store:
        run_threads(store, make_client(), agents=8, steps=100, context_window=2000)
        assert all(store.load_agent(name)["summary"] for name in store.list_agents())


def test_sqlite_threads_step_their_agents(sqlite_url) -> None:
    with open_store(sqlite_url) as store:
        run_threads(store, make_client(), agents=4, steps=25)


def test_script_is_what_the_tests_think(client) -> None:
    """The scripted conversation saves a fact, a correction and a passage (the tests above rely on it)."""
    agent = new_agent()
    agent["name"] = "Sam"
    for _ in range(len(SCRIPT)):
        take_step(client, agent)
    assert "Charles" in agent["blocks"]["human"]["value"] and agent["archival"]["passages"]
