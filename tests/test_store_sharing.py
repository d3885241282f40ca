"""A block shared in the store (store.share_block), on SQLite and a real Postgres: one row linked to each
agent, the same dict for every agent loaded, saved once, and a team whose steps are saved."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from helpers.backend import make_client
from helpers.memgpt import memgpt_step
from helpers.multi_agent import new_block, new_team, team_step
from helpers.recall import ticking_clock
from helpers.store import StoreError, open_store
from tests.store_fixtures import postgres_server, postgres_url, sqlite_url, store, store_url  # noqa: F401 (fixtures)


START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
ORGANIZATION = "We are Lumen Books, an independent bookshop in Leeds.\nRules for anything we publish: at most 12 words."


def rows(store, sql: str, params=()) -> list[tuple]:
    with store.transaction() as tx:
        return tx.rows(sql, params)


def linked(store, label: str) -> list[tuple[int, str]]:
    """(block id, agent name) for every link of a block with this label."""
    return rows(store, "SELECT b.id, a.name FROM blocks b JOIN agent_blocks ab ON ab.block_id = b.id "
                       "JOIN agents a ON a.id = ab.agent_id WHERE b.label = ? ORDER BY a.name", (label,))


def trio(store):
    """Three agents in the store; the first has an organization block, shared with the others."""
    agents = [store.create_agent(name) for name in ("evaluator", "supervisor", "writer")]
    agents[1]["blocks"]["organization"] = new_block(ORGANIZATION, "Who we are; shared by the team.")
    store.save(agents[1])
    store.share_block("organization", agents[1], agents[0], agents[2])
    return {agent["name"]: agent for agent in agents}


def test_share_block_links_one_row_to_every_agent_and_one_dict_in_memory(store) -> None:
    agents = trio(store)
    links = linked(store, "organization")
    assert [name for _, name in links] == ["evaluator", "supervisor", "writer"]
    assert len({block_id for block_id, _ in links}) == 1  # one row
    assert agents["writer"]["blocks"]["organization"] is agents["supervisor"]["blocks"]["organization"]


def test_agents_loaded_later_share_the_very_same_block(store, store_url) -> None:
    trio(store)
    store.close()
    with open_store(store_url) as reopened:
        writer, evaluator = reopened.load_agent("writer"), reopened.load_agent("evaluator")
        assert writer["blocks"]["organization"] is evaluator["blocks"]["organization"]
        assert writer["blocks"]["organization"]["value"] == ORGANIZATION
        assert writer["blocks"]["human"] is not evaluator["blocks"]["human"]  # their own blocks stay their own
        assert list(writer["blocks"]) == ["persona", "human", "organization"]


def test_an_edit_saved_by_one_agent_is_saved_once_and_seen_by_the_others(store, store_url, scripted_model) -> None:
    trio(store)
    store.close()
    store = open_store(store_url)
    supervisor, writer = store.load_agent("supervisor"), store.load_agent("writer")
    model = scripted_model(
        ("Saving.", [("core_memory_replace", {"label": "organization", "old_content": "at most 12 words",
                                              "new_content": "at most 8 words", "request_heartbeat": False})]),
        ("Answering.", [("send_message", {"message": "Eight words at most.", "request_heartbeat": False})]),
    )
    clock = ticking_clock(START)
    memgpt_step(model.client, supervisor, "From now on, at most 8 words", now=clock, store=store)
    assert "at most 8 words" in writer["blocks"]["organization"]["value"]  # in memory, at once
    memgpt_step(model.client, writer, "How long may a tagline be?", now=clock, store=store)
    assert "at most 8 words" in model.requests[-1]["messages"][0]["content"]  # the writer's very next request
    assert rows(store, "SELECT COUNT(*) FROM blocks WHERE label = 'organization'") == [(1,)]
    store.close()
    with open_store(store_url) as reopened:
        for name in ("evaluator", "supervisor", "writer"):
            assert "at most 8 words" in reopened.load_agent(name)["blocks"]["organization"]["value"]


def test_an_edit_not_saved_yet_survives_loading_another_agent(store) -> None:
    agents = trio(store)
    agents["writer"]["blocks"]["organization"]["value"] = "We are Nova Books."
    evaluator = store.load_agent("evaluator")  # the store holds the old value
    assert evaluator["blocks"]["organization"]["value"] == "We are Nova Books."
    store.save(agents["writer"])
    assert rows(store, "SELECT value FROM blocks WHERE label = 'organization'") == [("We are Nova Books.",)]


def test_sharing_replaces_the_others_own_block_of_that_label(store) -> None:
    ann, bob = store.create_agent("Ann", human="The human's name is Ada"), store.create_agent("Bob")
    store.share_block("human", ann, bob)
    assert bob["blocks"]["human"]["value"] == "The human's name is Ada"
    assert rows(store, "SELECT COUNT(*) FROM blocks WHERE label = 'human'") == [(1,)]  # Bob's own one is gone
    assert store.load_agent("Bob")["blocks"]["human"] is store.load_agent("Ann")["blocks"]["human"]
    store.delete_agent("Ann")
    assert store.load_agent("Bob")["blocks"]["human"]["value"] == "The human's name is Ada"


def test_share_block_errors_say_what_to_do(store) -> None:
    ann = store.create_agent("Ann")
    with pytest.raises(StoreError, match="two agents or more"):
        store.share_block("human", ann)
    bob = store.create_agent("Bob")
    with pytest.raises(StoreError, match="no block 'team'.*persona, human"):
        store.share_block("team", ann, bob)
    assert "team" not in bob["blocks"]


def test_a_new_block_shared_at_once_is_saved_with_its_agents(store) -> None:
    ann, bob = store.create_agent("Ann"), store.create_agent("Bob")
    ann["blocks"]["team"] = new_block("We ship on Fridays", "Team notes")
    store.share_block("team", ann, bob)  # not saved yet: share_block saves both
    assert [name for _, name in linked(store, "team")] == ["Ann", "Bob"]
    assert store.load_agent("Bob")["blocks"]["team"]["value"] == "We ship on Fridays"


def test_a_block_shared_in_memory_is_shared_in_the_store_once_saved(store, store_url) -> None:
    ann, bob = store.create_agent("Ann", human="The human's name is Ada"), store.create_agent("Bob")
    bob["blocks"]["human"] = ann["blocks"]["human"]  # by hand, as share_block does in memory
    store.save(bob)
    assert len({block_id for block_id, _ in linked(store, "human")}) == 1
    store.close()
    with open_store(store_url) as reopened:
        ann, bob = reopened.load_agent("Ann"), reopened.load_agent("Bob")
        assert bob["blocks"]["human"] is ann["blocks"]["human"]
        bob["blocks"]["persona"] = {**ann["blocks"]["persona"]}  # an equal copy is not shared
        reopened.save(bob)
        assert len({block_id for block_id, _ in linked(reopened, "persona")}) == 2


def test_a_team_in_a_store_saves_every_agent_that_took_a_step(store, store_url) -> None:
    agents = trio(store)
    agents["writer"]["blocks"]["persona"]["value"] = "I am the writer of Lumen Books: I draft short texts."
    store.save(agents["writer"])
    team = new_team(make_client(), {name: store.load_agent(name) for name in ("supervisor", "writer", "evaluator")},
                    {"writer": "drafts short texts (taglines, emails)", "evaluator": "checks drafts against our rules"},
                    contacts={"supervisor": ["writer", "evaluator"]}, now=ticking_clock(START), store=store)
    reply = team_step(team, "supervisor", "Draft a tagline for the poetry night")
    assert reply == 'writer replied: Here is a draft tagline: "Poetry night at Lumen Books, your independent bookshop in Leeds."'
    store.close()
    with open_store(store_url) as reopened:
        writer = reopened.load_agent("writer")
        assert writer["recall"][0]["text"].startswith("[Message from agent 'supervisor' (hop 1 of at most 3)")
        assert reopened.load_agent("supervisor")["recall"][0]["text"] == "Draft a tagline for the poetry night"
        assert reopened.load_agent("evaluator")["recall"] == []
