"""The offline tutor in a team (helpers.offline.team), one request at a time through the real SDK client:
when it messages another agent and when not, what a writer and an evaluator answer, shared blocks."""

from __future__ import annotations

import json

import openai
import pytest

from helpers.memgpt import MEMGPT_FUNCTIONS, build_memgpt_system_prompt, memgpt_tools, new_agent
from helpers.multi_agent import CONTEXT, incoming_message, messaging_tool, new_block
from helpers.offline import OFFLINE_MODEL, offline_client

ROLES = {"writer": "drafts short texts (taglines, emails) in our voice",
         "evaluator": "checks a draft against our rules"}
ORGANIZATION = ("We are Lumen Books, an independent bookshop in Leeds.\n"
                "Rules for anything we publish: mention Lumen Books by name; no exclamation marks; at most 12 words; "
                "never use the word 'cheap'. Always be kind to customers.")
TEAM_TOOLS = memgpt_tools([*MEMGPT_FUNCTIONS, messaging_tool(ROLES)], CONTEXT)
# Letta's tool (0.6.20 on), its agents given as an enum, their roles in the description.
LETTA_TOOL = {"type": "function", "function": {
    "name": "send_message_to_agent_and_wait_for_reply",
    "description": "Sends a message to a specific Letta agent within the same organization and waits for a response. "
                   "Agents: copywriter - writes marketing copy such as slogans; reviewer - reviews drafts for tone.",
    "parameters": {"type": "object", "properties": {
        "message": {"type": "string", "description": "The content of the message to be sent to the target agent."},
        "other_agent_id": {"type": "string", "enum": ["copywriter", "reviewer"],
                           "description": "The unique identifier of the target Letta agent."},
        "request_heartbeat": {"type": "boolean"}},
        "required": ["message", "other_agent_id", "request_heartbeat"]}}}


@pytest.fixture(scope="module")
def client() -> openai.OpenAI:
    return offline_client()


def system(persona: str = "I am the supervisor of the team.", organization: str | None = ORGANIZATION) -> dict:
    agent = new_agent(persona)
    if organization is not None:
        agent["blocks"]["organization"] = new_block(organization, "Who we are and our rules.")
    return {"role": "system", "content": build_memgpt_system_prompt(agent)}


def ask(client, messages, tools=TEAM_TOOLS):
    return client.chat.completions.create(model=OFFLINE_MODEL, messages=messages, tools=tools).choices[0].message


def calls(message) -> list[tuple[str, dict]]:
    return [(c.function.name, json.loads(c.function.arguments)) for c in message.tool_calls or []]


def first_call(client, text: str, **options) -> tuple[str, dict]:
    tools = options.pop("tools", TEAM_TOOLS)
    made = calls(ask(client, [system(**options), {"role": "user", "content": text}], tools))
    assert len(made) == 1, made
    return made[0]


# ----- when to message another agent ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "agent", "message"), [
    ("Ask the writer to draft a tagline for our poetry night", "writer", "Draft a tagline for our poetry night."),
    ("Could you ask the writer for a tagline about the book fair?", "writer", "A tagline about the book fair."),
    ("Please have the evaluator check this: \"Big sale today\"", "evaluator", "Check this: \"Big sale today\""),
    ("writer: draft an email about the reading group", "writer", "Draft an email about the reading group."),
    ("Send this tagline to the evaluator: \"Come in, stay a while\"", "evaluator", "This tagline: \"Come in, stay a while\""),
    ("Draft a tagline for the poetry night", "writer", "Draft a tagline for the poetry night."),
    ("Can you write an email about the book fair?", "writer", "Write an email about the book fair."),
    ("I need a slogan for the summer sale", "writer", "A slogan for the summer sale."),
    ("Review this tagline: \"Books for every reader\"", "evaluator", "Review this tagline: \"Books for every reader\""),
    ("Please evaluate the draft \"Lumen Books: read more\"", "evaluator", "Evaluate the draft \"Lumen Books: read more\""),
    # found by typing into the team chat: "come up with" named no job, so nobody was asked
    ("Can you come up with a slogan for our summer reading challenge?", "writer",
     "Come up with a slogan for our summer reading challenge."),
])
def test_a_request_for_another_agents_job_goes_to_that_agent(client, text, agent, message) -> None:
    name, arguments = first_call(client, text)
    assert name == "send_message_to_agent"
    assert arguments == {"agent_name": agent, "message": message, "request_heartbeat": True}


@pytest.mark.parametrize("text", [
    "My name is Bob", "I love writing", "The writer is great", "I asked the writer to stop",
    "Don't ask the writer to do anything", "What does the writer do?", "Tell me about the evaluator",
    "Please remember that the writer likes tea", "Hello!", "Thanks, that's all", "I wrote a tagline yesterday",
    "Who checks our drafts?", "Tell me a joke", "We had a great sale last week", "My sister is a writer",
])
def test_a_message_that_asks_no_agent_for_anything_is_not_delegated(client, text) -> None:
    message = ask(client, [system(), {"role": "user", "content": text}])
    assert "send_message_to_agent" not in [name for name, _ in calls(message)], text


def test_two_agents_that_fit_equally_get_nothing(client) -> None:
    tools = memgpt_tools([*MEMGPT_FUNCTIONS, messaging_tool({"ann": "drafts taglines", "bea": "drafts taglines"})], CONTEXT)
    message = ask(client, [system(), {"role": "user", "content": "Draft a tagline for the fair"}], tools)
    assert "send_message_to_agent" not in [name for name, _ in calls(message)]


def test_letta_s_own_tool_is_read_from_its_schema(client) -> None:
    tools = [*memgpt_tools(), LETTA_TOOL]
    name, arguments = first_call(client, "Write a slogan for the spring fair", tools=tools)
    assert name == "send_message_to_agent_and_wait_for_reply"
    assert arguments == {"message": "Write a slogan for the spring fair.", "other_agent_id": "copywriter",
                         "request_heartbeat": True}
    name, arguments = first_call(client, "Ask the reviewer whether \"Spring into books\" sounds friendly", tools=tools)
    assert arguments["other_agent_id"] == "reviewer" and arguments["message"].startswith("\"Spring into books\"")


def test_a_tool_that_lists_no_agents_takes_the_name_the_user_gives(client) -> None:
    from helpers.multi_agent import send_message_to_agent

    tools = memgpt_tools([*MEMGPT_FUNCTIONS, send_message_to_agent], CONTEXT)
    assert first_call(client, "Ask Nadia to book a room for Friday", tools=tools) == (
        "send_message_to_agent", {"agent_name": "Nadia", "message": "Book a room for Friday.", "request_heartbeat": True})
    message = ask(client, [system(), {"role": "user", "content": "Draft a tagline for the fair"}], tools)
    assert "send_message_to_agent" not in [name for name, _ in calls(message)]  # whom? it cannot know


@pytest.mark.parametrize(("persona", "to"), [
    ("I am Ping. I pass every message I get on to pong.", "pong"),
    ("Always forward whatever you receive to agent 'writer'.", "writer"),
    ("I relay each message to the evaluator.", "evaluator"),
])
def test_a_persona_that_passes_every_message_on(client, persona, to) -> None:
    tools = memgpt_tools([*MEMGPT_FUNCTIONS, messaging_tool({"pong": "", **ROLES})], CONTEXT)
    name, arguments = first_call(client, "Hello there", persona=persona, tools=tools)
    assert (name, arguments["agent_name"], arguments["message"]) == ("send_message_to_agent", to, "Hello there")


def test_a_persona_that_mentions_an_agent_without_forwarding_everything_does_not(client) -> None:
    tools = memgpt_tools([*MEMGPT_FUNCTIONS, messaging_tool({"pong": ""})], CONTEXT)
    message = ask(client, [system("I am Ping. Pong is my friend and I sometimes send him jokes."),
                           {"role": "user", "content": "Hello there"}], tools)
    assert "send_message_to_agent" not in [name for name, _ in calls(message)]


# ----- after the other agent answers ----------------------------------------------------------------------


def answered(name: str, arguments: dict, result: str, call_id: str = "call_1") -> list[dict]:
    return [{"role": "assistant", "content": "thinking", "tool_calls": [
                {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}]},
            {"role": "tool", "tool_call_id": call_id, "content": result},
            {"role": "user", "content": json.dumps({"type": "heartbeat", "reason": "[This is an automated system "
                                                     "message hidden from the user] Function called", "time": "x"})}]


def test_the_reply_is_passed_on_with_send_message(client) -> None:
    asked = {"agent_name": "writer", "message": "Draft a tagline.", "request_heartbeat": True}
    messages = [system(), {"role": "user", "content": "Ask the writer to draft a tagline"},
                *answered("send_message_to_agent", asked, 'writer replied: Here is a draft tagline: "Read more."')]
    assert calls(ask(client, messages)) == [("send_message", {
        "message": 'writer replied: Here is a draft tagline: "Read more."', "request_heartbeat": False})]


def test_letta_s_reply_format_is_unwrapped(client) -> None:
    asked = {"message": "Write a slogan.", "other_agent_id": "copywriter", "request_heartbeat": True}
    result = str({"agent_id": "copywriter", "response": ["Spring into books."]})
    messages = [system(), {"role": "user", "content": "Write a slogan for the fair"},
                *answered("send_message_to_agent_and_wait_for_reply", asked, result)]
    assert calls(ask(client, messages, [*memgpt_tools(), LETTA_TOOL]))[0][1]["message"] == "Spring into books."


def test_a_failed_message_is_reported_not_retried(client) -> None:
    asked = {"agent_name": "writer", "message": "Draft a tagline.", "request_heartbeat": True}
    error = ("Error: hop limit reached: this message would be hop 4, and messages between agents stop after hop 3. "
             "Nothing was sent to writer. Reply with what you have, using send_message.")
    messages = [system(), {"role": "user", "content": "Ask the writer to draft a tagline"},
                *answered("send_message_to_agent", asked, error)]
    assert calls(ask(client, messages)) == [("send_message", {
        "message": "I could not pass that on to writer: hop limit reached: this message would be hop 4, and messages "
                   "between agents stop after hop 3.", "request_heartbeat": False})]


# ----- a worker's job, from the shared block ----------------------------------------------------------


def from_supervisor(client, persona: str, text: str, organization: str | None = ORGANIZATION) -> str:
    messages = [system(persona, organization), {"role": "user", "content": incoming_message("supervisor", 1, 3, text)}]
    ((name, arguments),) = calls(ask(client, messages, memgpt_tools()))
    assert name == "send_message"
    return arguments["message"]


WRITER = "I am the writer of Lumen Books: I draft short texts in our voice."
EVALUATOR = "I am the evaluator of Lumen Books: I check drafts against our rules."


def test_the_writer_drafts_within_the_rules_of_the_shared_block(client) -> None:
    assert from_supervisor(client, WRITER, "Draft a tagline for our poetry night.") == \
        'Here is a draft tagline: "Poetry night at Lumen Books, your independent bookshop in Leeds."'
    short = ORGANIZATION.replace("at most 12 words", "under 7 words")
    assert from_supervisor(client, WRITER, "Draft a tagline for our poetry night.", short) == \
        'Here is a draft tagline: "Poetry night at Lumen Books."'
    email = from_supervisor(client, WRITER, "Write an email about the cheap book sale!")
    assert email.startswith('Here is a draft email: "Lumen Books invites you to our book sale.')
    assert "cheap" not in email and "!" not in email


def test_a_writer_told_something_writes_nothing(client) -> None:
    """Found by typing into the team chat: "Tell the writer I loved the last tagline" got a new tagline."""
    reply = from_supervisor(client, WRITER, "I loved the last tagline")
    assert "draft" not in reply.lower() and "I got your message" in reply
    assert from_supervisor(client, WRITER, "We need a tagline for the fair").startswith("Here is a draft tagline")


@pytest.mark.parametrize(("draft", "verdict"), [
    ("Lumen Books: stories for every reader.", "Approved: \"Lumen Books: stories for every reader.\" follows our rules: "
     "mentions Lumen Books; no exclamation marks; 6 words (at most 12); avoids 'cheap'."),
    ("Cheap books today!!!", "Not approved: \"Cheap books today!!!\" breaks our rules: does not mention Lumen Books; "
     "uses exclamation marks; uses 'cheap'."),
    ("At Lumen Books every single shelf holds a story waiting for someone like you", "Not approved"),
])
def test_the_evaluator_checks_a_draft_rule_by_rule(client, draft, verdict) -> None:
    said = from_supervisor(client, EVALUATOR, f'Check this tagline: "{draft}"')
    assert said.startswith(verdict)
    assert said.endswith("I cannot check: Always be kind to customers.")


def test_an_evaluator_without_rules_says_so(client) -> None:
    said = from_supervisor(client, EVALUATOR, 'Check this tagline: "Books!"', organization="We are Lumen Books.")
    assert said == 'I found no rules in my memory that I can check "Books!" against, so I cannot evaluate it.'


def test_another_agent_s_words_are_never_saved_as_facts_about_the_human(client) -> None:
    for persona in (WRITER, "I am Sam, a friendly assistant."):
        said = from_supervisor(client, persona, "My name is Bob and I live in Paris.")
        assert "Bob" not in said or "draft" in said


def test_a_question_about_a_shared_block_is_answered_from_it(client) -> None:
    for question, line in [("What are our rules?", "Rules for anything we publish"),
                           ("Where is our shop?", "an independent bookshop in Leeds"),
                           ("What does the organization block say?", "We are Lumen Books")]:
        (_, arguments), = calls(ask(client, [system(), {"role": "user", "content": question}], memgpt_tools()))
        assert arguments["message"].startswith("My organization block says:") and line in arguments["message"], question
    (name, arguments), = calls(ask(client, [system(), {"role": "user", "content": "What is my name?"}], memgpt_tools()))
    assert "organization" not in arguments.get("message", "")
