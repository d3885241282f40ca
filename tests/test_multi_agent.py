"""Agents that share memory (helpers.multi_agent): a shared block's visibility, send_message_to_agent's
round trip, the hop limit, a supervisor routing to workers, and the team chat, read from the requests."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import httpx2
import openai
import pytest

from helpers.context import pairs_intact
from helpers.memgpt import MEMGPT_FUNCTIONS, memgpt_step, memgpt_tools, new_agent
from helpers.multi_agent import (
    CONTEXT,
    MAX_HOPS,
    Team,
    messaging_tool,
    new_block,
    new_team,
    send_message_to_agent,
    share_block,
    shared_blocks,
    team_step,
)
from helpers.offline import handle_request
from helpers.recall import ticking_clock
from helpers.team_chat import team_chat

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
ORGANIZATION = ("We are Lumen Books, an independent bookshop in Leeds.\n"
                "Rules for anything we publish: mention Lumen Books by name; no exclamation marks; at most 12 words.")
ROLES = {"writer": "drafts short texts (taglines, emails) in our voice",
         "evaluator": "checks a draft against our rules"}


class Recorder:
    """A real client on the offline tutor that keeps every chat request it sends."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.client = openai.OpenAI(api_key="offline", base_url="http://offline-tutor.invalid/v1", max_retries=0,
                                    http_client=httpx2.Client(transport=httpx2.MockTransport(self.answer)))

    def answer(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/chat/completions"):
            self.requests.append(json.loads(request.content))
        return handle_request(request)


@pytest.fixture
def tutor() -> Recorder:
    return Recorder()


def clock():
    return ticking_clock(START)


def system_of(request: dict[str, Any]) -> str:
    return request["messages"][0]["content"]


def supervised(client: openai.OpenAI, **settings: Any) -> Team:
    """A supervisor with a writer and an evaluator, all three sharing a block about the organization."""
    supervisor = new_agent("I am the supervisor of Lumen Books' team.")
    writer = new_agent("I am the writer of Lumen Books: I draft short texts in our voice.")
    evaluator = new_agent("I am the evaluator of Lumen Books: I check drafts against our rules.")
    supervisor["blocks"]["organization"] = new_block(ORGANIZATION, "Who we are and our rules; shared by the team.")
    share_block("organization", supervisor, writer, evaluator)
    agents = {"supervisor": supervisor, "writer": writer, "evaluator": evaluator}
    return new_team(client, agents, ROLES, contacts={"supervisor": ["writer", "evaluator"]}, now=clock(), **settings)


# ----- a shared block ------------------------------------------------------------------------------


def test_an_edit_by_one_agent_is_in_the_others_very_next_request(scripted_model) -> None:
    ann, bob = new_agent(), new_agent()
    shared = share_block("human", ann, bob)
    assert ann["blocks"]["human"] is bob["blocks"]["human"] is shared
    model = scripted_model(
        ("Saving.", [("core_memory_append", {"label": "human", "content": "The human's name is Ada",
                                              "request_heartbeat": False})]),
        ("Answering.", [("send_message", {"message": "Ada.", "request_heartbeat": False})]),
    )
    memgpt_step(model.client, ann, "My name is Ada", now=clock())
    assert "The human's name is Ada" not in system_of(model.requests[0])
    memgpt_step(model.client, bob, "What is my name?", now=clock())
    assert "The human's name is Ada" in system_of(model.requests[1])  # Bob's very next request
    assert bob["messages"][0]["content"] == "What is my name?"  # only the block is shared, not the messages


def test_two_tutor_agents_sharing_the_human_block(tutor) -> None:
    work, home = new_agent(), new_agent()
    share_block("human", work, home)
    memgpt_step(tutor.client, work, "My name is Ada and I live in Leeds", now=clock())
    assert "Ada" in home["blocks"]["human"]["value"]
    assert memgpt_step(tutor.client, home, "What is my name?", now=clock()) == "Your name is Ada."
    assert "The human's name is Ada" in system_of(tutor.requests[-1])


def test_shared_blocks_are_the_same_dict_not_equal_ones() -> None:
    ann, bob, cy = new_agent(), new_agent(), new_agent()
    share_block("persona", ann, bob, cy)
    bob["blocks"]["notes"] = new_block("We ship on Fridays", "Team notes")
    cy["blocks"]["notes"] = new_block("We ship on Fridays", "Team notes")  # equal, but another block
    assert shared_blocks({"ann": ann, "bob": bob, "cy": cy}) == [("persona", ["ann", "bob", "cy"])]


def test_sharing_a_block_needs_two_agents_and_the_block() -> None:
    with pytest.raises(ValueError, match="two agents or more"):
        share_block("human", new_agent())
    with pytest.raises(ValueError, match="no block 'organization'.*persona, human"):
        share_block("organization", new_agent(), new_agent())


# ----- send_message_to_agent ------------------------------------------------------------------------


def test_the_tool_schema_names_the_agents_and_their_roles_and_hides_the_context() -> None:
    (schema,) = memgpt_tools([messaging_tool(ROLES)], CONTEXT)
    function = schema["function"]
    assert function["name"] == "send_message_to_agent"
    assert "'writer' drafts short texts (taglines, emails) in our voice" in function["description"]
    assert "'evaluator' checks a draft against our rules" in function["description"]
    properties = function["parameters"]["properties"]
    assert properties["agent_name"]["enum"] == ["writer", "evaluator"]
    assert set(properties) == {"agent_name", "message", "request_heartbeat"}  # no agent, team or hop


def test_a_supervisor_asks_the_writer_and_relays_its_reply(tutor) -> None:
    team = supervised(tutor.client)
    reply = team_step(team, "supervisor", "Ask the writer to draft a tagline for our poetry night")
    assert reply == 'writer replied: Here is a draft tagline: "Poetry night at Lumen Books, your independent bookshop in Leeds."'
    asked = [r for r in tutor.requests if "I am the writer" in system_of(r)]
    assert len(asked) == 1
    incoming = asked[0]["messages"][-1]["content"]
    assert incoming.startswith("[Message from agent 'supervisor' (hop 1 of at most 3)")
    assert incoming.endswith("Draft a tagline for our poetry night.")
    calls = [json.loads(c["function"]["arguments"]) for r in tutor.requests[-1:] for m in r["messages"]
             if m["role"] == "assistant" for c in m.get("tool_calls") or [] if c["function"]["name"] == "send_message_to_agent"]
    assert calls == [{"agent_name": "writer", "message": "Draft a tagline for our poetry night.", "request_heartbeat": True}]
    results = [m["content"] for m in team.agents["supervisor"]["messages"] if m["role"] == "tool"]
    assert results[0].startswith("writer replied: Here is a draft tagline")
    assert team.calls == 3  # supervisor: ask, then relay; writer: one call


def test_the_supervisor_routes_each_request_to_the_worker_whose_role_fits(tutor) -> None:
    team = supervised(tutor.client)
    draft = team_step(team, "supervisor", "Could you write an email about the book club?")
    assert draft.startswith("writer replied: Here is a draft email:") and "Lumen Books" in draft
    verdict = team_step(team, "supervisor", 'Please evaluate this tagline: "Huge sale today!!!"')
    assert verdict == ('evaluator replied: Not approved: "Huge sale today!!!" breaks our rules: '
                       "does not mention Lumen Books; uses exclamation marks.")
    both = team_step(team, "supervisor", "Write a tagline for the autumn sale and have the evaluator check it")
    writer_says, evaluator_says = both.splitlines()
    assert writer_says == 'writer replied: Here is a draft tagline: "Autumn sale at Lumen Books, your independent bookshop in Leeds."'
    assert evaluator_says.startswith('evaluator replied: Approved: "Autumn sale at Lumen Books')
    assert "10 words (at most 12)" in evaluator_says


def test_a_message_that_asks_for_nothing_is_not_delegated(tutor) -> None:
    team = supervised(tutor.client)
    for text in ("My name is Bob", "I love writing", "The writer is great", "What are our rules?", "Thanks!"):
        before = len(tutor.requests)
        team_step(team, "supervisor", text)
        assert all("I am the supervisor" in system_of(r) for r in tutor.requests[before:]), text
    assert "Bob" in team.agents["supervisor"]["blocks"]["human"]["value"]
    assert team.agents["writer"]["blocks"]["human"]["value"] == ""


def test_the_shared_block_changes_what_the_writer_writes_next(tutor) -> None:
    team = supervised(tutor.client)
    first = team_step(team, "supervisor", "Draft a tagline for the poetry night")
    block = team.agents["supervisor"]["blocks"]["organization"]
    block["value"] = block["value"].replace("at most 12 words", "at most 6 words")  # an edit by the supervisor's side
    second = team_step(team, "supervisor", "Draft a tagline for the poetry night")
    assert first != second and second == 'writer replied: Here is a draft tagline: "Poetry night at Lumen Books."'
    writer_requests = [r for r in tutor.requests if "I am the writer" in system_of(r)]
    assert "at most 6 words" in system_of(writer_requests[-1]) and "at most 12 words" in system_of(writer_requests[0])


def test_errors_go_back_to_the_model_as_text(tutor) -> None:
    team = supervised(tutor.client)
    supervisor = team.agents["supervisor"]
    with pytest.raises(ValueError, match="'nobody' is not another agent of your team. You can message: 'writer', 'evaluator'"):
        send_message_to_agent(supervisor, team, 0, "nobody", "Hi")
    with pytest.raises(ValueError, match="'supervisor' is not another agent"):
        send_message_to_agent(supervisor, team, 0, "supervisor", "Hi")
    with pytest.raises(ValueError, match="empty"):
        send_message_to_agent(supervisor, team, 0, "writer", "  ")
    with pytest.raises(ValueError, match="is not an agent of this team"):
        new_team(tutor.client, {"a": new_agent()}, {"b": "does things"})
    with pytest.raises(ValueError, match="no agent called 'nobody'"):
        team_step(team, "nobody", "Hi")


def test_the_plain_tool_works_with_memgpt_step_and_a_context(tutor) -> None:
    team = supervised(tutor.client)
    reply = memgpt_step(tutor.client, team.agents["supervisor"], "Ask the writer to draft a tagline for the fair",
                        functions=[*MEMGPT_FUNCTIONS, send_message_to_agent], context={"team": team, "hop": 0},
                        now=clock())
    assert reply.startswith('writer replied: Here is a draft tagline: "Fair at Lumen Books')


# ----- the hop limit -----------------------------------------------------------------------------------


def forwarders(client: openai.OpenAI, **settings: Any) -> Team:
    ping = new_agent("I am Ping. I pass every message I get on to pong.")
    pong = new_agent("I am Pong. I pass every message I get on to ping.")
    return new_team(client, {"ping": ping, "pong": pong}, now=clock(), **settings)


@pytest.mark.parametrize("max_hops", [1, 2, MAX_HOPS, 5])
def test_two_agents_told_to_message_each_other_stop_at_the_hop_limit(tutor, max_hops) -> None:
    team = forwarders(tutor.client, max_hops=max_hops)
    events: list[dict] = []
    reply = team_step(team, "ping", "Hello there", on_event=events.append)
    sends = [e for e in events if e["type"] == "agent_message"]
    assert [e["hop"] + 1 for e in sends] == list(range(1, max_hops + 1))  # one message per hop, up to the limit
    errors = [e for e in events if e["type"] == "tool_call" and e["result"].startswith("Error:")]
    assert len(errors) == 1 and errors[0]["hop"] == max_hops
    assert f"this message would be hop {max_hops + 1}" in errors[0]["result"]
    assert "hop limit reached" in reply
    assert len(tutor.requests) == team.calls == 2 * (max_hops + 1)  # bounded: two model calls per agent step
    hops = [r["messages"][-1]["content"] for r in tutor.requests if r["messages"][-1]["content"].startswith("[Message")]
    assert all(f"of at most {max_hops})" in text for text in hops)
    for agent in team.agents.values():  # every request was valid, and each agent's context still is
        assert pairs_intact(agent["messages"])


def test_an_agent_waiting_for_a_reply_answers_a_message_in_a_turn_of_its_own(tutor) -> None:
    team = forwarders(tutor.client)
    team_step(team, "ping", "Hello there")
    ping = team.agents["ping"]["messages"]
    users = [m["content"] for m in ping if m["role"] == "user" and not m["content"].startswith("{")]
    assert users == ["[Message from agent 'pong' (hop 2 of at most 3); your send_message reply goes back to pong] Hello there",
                     "Hello there"]  # the message from pong came in while ping waited; ping's own turn goes last
    assert [e["text"] for e in team.agents["ping"]["recall"] if e["role"] == "user" and e["text"]][0] == "Hello there"


class AlwaysForward:
    """A model that never replies: every call messages the other agent, asking for a heartbeat."""

    def __init__(self) -> None:
        self.requests = 0
        self.client = openai.OpenAI(api_key="x", base_url="http://forever.invalid/v1", max_retries=0,
                                    http_client=httpx2.Client(transport=httpx2.MockTransport(self.answer)))

    def answer(self, request: httpx2.Request) -> httpx2.Response:
        self.requests += 1
        body = json.loads(request.content)
        tool = next(t["function"] for t in body["tools"] if t["function"]["name"] == "send_message_to_agent")
        other = tool["parameters"]["properties"]["agent_name"]["enum"][0]
        arguments = json.dumps({"agent_name": other, "message": "again", "request_heartbeat": True})
        message = {"role": "assistant", "content": None, "tool_calls": [
            {"id": f"call_{self.requests}", "type": "function", "function": {"name": "send_message_to_agent", "arguments": arguments}}]}
        return httpx2.Response(200, json={"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                                          "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}]})


def test_a_model_that_never_stops_messaging_is_bounded_by_the_team() -> None:
    model = AlwaysForward()
    team = forwarders(model.client, max_calls=30, max_steps=4)
    assert team_step(team, "ping", "Hello") == ""
    # Past max_calls no agent may message another; the steps under way each end within max_steps.
    assert 30 <= model.requests == team.calls <= 30 + (MAX_HOPS + 1) * 4
    results = [m["content"] for agent in team.agents.values() for m in agent["messages"] if m["role"] == "tool"]
    assert any("hop limit reached" in r for r in results) and any("all 30 model calls" in r for r in results)


# ----- the team chat ---------------------------------------------------------------------------------------


def test_the_team_chat_shows_every_agents_memory_and_the_messages_between_them(tutor) -> None:
    team = supervised(tutor.client)
    chat = team_chat(team, "supervisor")
    titles = list(chat.panel_values())
    assert titles == ["Shared block: organization (supervisor, writer, evaluator)", "supervisor: persona",
                      "supervisor: human", "writer: persona", "writer: human", "evaluator: persona", "evaluator: human",
                      "Between agents"]
    assert chat.panel_values()["Between agents"] == "(no message between agents in the latest request)"
    chat.send("Draft a tagline for the poetry night")
    assert chat.transcript[-1] == ("assistant", 'writer replied: Here is a draft tagline: "Poetry night at Lumen Books, '
                                                'your independent bookshop in Leeds."')
    between = chat.panel_values()["Between agents"].splitlines()
    assert between == ["supervisor → writer (hop 1): Draft a tagline for the poetry night.",
                       'supervisor ← writer replied: Here is a draft tagline: "Poetry night at Lumen Books, your '
                       'independent bookshop in Leeds."']
    assert "[writer, hop 1, call 1] send_message(" in chat.views.trace.value
    assert "[supervisor, hop 0] message to writer: Draft a tagline" in chat.views.trace.value
    chat.send("My name is Bob")
    assert chat.panel_values()["supervisor: human"] == "[23/2000 characters]\nThe human's name is Bob"
    assert chat.panel_values()["Between agents"] == "(no message between agents in the latest request)"  # the latest request's
    assert list(chat.panel_values()) == titles
