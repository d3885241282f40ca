"""The offline tutor model as a MemGPT agent, and its /v1/embeddings, through the real SDK client."""

from __future__ import annotations

import json

import numpy as np
import openai
import pytest

from helpers.memgpt import (
    archival_memory_search,
    build_memgpt_system_prompt,
    conversation_search,
    core_memory_append,
    memgpt_tools,
    new_agent,
    send_message,
)
from helpers.offline import EMBEDDING_DIMENSIONS, OFFLINE_EMBEDDING_MODEL, OFFLINE_MODEL, offline_client, offline_embedding

ALL_TOOLS = memgpt_tools()
NO_REPLACE = memgpt_tools([send_message, core_memory_append, archival_memory_search, conversation_search])
NO_ARCHIVAL = memgpt_tools([send_message, core_memory_append, conversation_search])
NO_SEARCH = memgpt_tools([send_message, core_memory_append])


@pytest.fixture(scope="module")
def client() -> openai.OpenAI:
    return offline_client()


def system(human: str = "") -> dict:
    return {"role": "system", "content": build_memgpt_system_prompt(new_agent(human=human))}


def user(text: str) -> dict:
    return {"role": "user", "content": text}


def ask(client, messages, tools=ALL_TOOLS, **extra):
    return client.chat.completions.create(model=OFFLINE_MODEL, messages=messages, tools=tools, **extra).choices[0].message


def calls(message) -> list[tuple[str, dict]]:
    return [(c.function.name, json.loads(c.function.arguments)) for c in message.tool_calls or []]


def answered(name: str, arguments: dict, result: str, call_id: str = "call_1") -> list[dict]:
    """An assistant tool call and its result, as the loop appends them."""
    return [
        {"role": "assistant", "content": "thinking", "tool_calls": [
            {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}]},
        {"role": "tool", "tool_call_id": call_id, "content": result},
    ]


# --- a fresh user message: (core memory, earlier messages, user text, tools) -> the call made ---

FIRST_MOVES = [
    ("a new fact is appended to core memory, asking for a heartbeat",
     "", [], "My name is Bob", ALL_TOOLS,
     [("core_memory_append", {"label": "human", "content": "The human's name is Bob", "request_heartbeat": True})]),
    ("a correction replaces the exact old line",
     "The human's name is Sarah\nThe human likes tea", [], "Actually my name is Charles, not Sarah", ALL_TOOLS,
     [("core_memory_replace", {"label": "human", "old_content": "The human's name is Sarah",
                               "new_content": "The human's name is Charles", "request_heartbeat": True})]),
    ("a changed fact replaces even without 'not ...'",
     "The human lives in Paris", [], "I live in Oslo", ALL_TOOLS,
     [("core_memory_replace", {"label": "human", "old_content": "The human lives in Paris",
                               "new_content": "The human lives in Oslo", "request_heartbeat": True})]),
    ("a correction of something not in core memory is appended",
     "", [], "My name is Charles, not Sarah", ALL_TOOLS,
     [("core_memory_append", {"label": "human", "content": "The human's name is Charles", "request_heartbeat": True})]),
    ("with no replace tool a correction is appended",
     "The human's name is Sarah", [], "Actually my name is Charles, not Sarah", NO_REPLACE,
     [("core_memory_append", {"label": "human", "content": "The human's name is Charles, not Sarah",
                              "request_heartbeat": True})]),
    ("a known fact is answered through send_message, ending the step",
     "The human's name is Bob", [], "What is my name?", ALL_TOOLS,
     [("send_message", {"message": "Your name is Bob.", "request_heartbeat": False})]),
    ("an unknown fact is searched for in archival memory first",
     "", [], "When is my birthday?", ALL_TOOLS,
     [("archival_memory_search", {"query": "birthday", "page": 0, "request_heartbeat": True})]),
    ("a question about the conversation searches recall memory",
     "", [], "What did I tell you about my trip?", ALL_TOOLS,
     [("conversation_search", {"query": "trip", "page": 0, "request_heartbeat": True})]),
    ("with no archival tool it searches recall memory",
     "", [], "When is my birthday?", NO_ARCHIVAL,
     [("conversation_search", {"query": "birthday", "page": 0, "request_heartbeat": True})]),
    ("with no search tool it admits not knowing",
     "", [], "When is my birthday?", NO_SEARCH,
     [("send_message", {"message": "I'm sorry, I don't know your birthday. How can I assist you today?",
                        "request_heartbeat": False})]),
    ("something still in context is answered without a search",
     "", [user("My sister Alice lives in Oslo"), {"role": "assistant", "content": "ok"}],
     "Where does my sister live?", ALL_TOOLS,
     [("send_message", {"message": "Your sister Alice lives in Oslo.", "request_heartbeat": False})]),
    ("something out of context is searched for",
     "", [], "Where does my sister live?", ALL_TOOLS,
     [("archival_memory_search", {"query": "sister live", "page": 0, "request_heartbeat": True})]),
    ("'remember that ...' goes to archival memory",
     "", [], "Please remember that my sister Alice lives in Oslo.", ALL_TOOLS,
     [("archival_memory_insert", {"content": 'The human asked me to remember: "my sister Alice lives in Oslo"',
                                  "request_heartbeat": True})]),
    ("a greeting is a send_message",
     "The human's name is Bob", [], "Hello!", ALL_TOOLS,
     [("send_message", {"message": "Hello, Bob! How can I help you today?", "request_heartbeat": False})]),
]


@pytest.mark.parametrize(("label", "human", "earlier", "text", "tools", "expected"), FIRST_MOVES,
                         ids=[case[0] for case in FIRST_MOVES])
def test_first_move(client, label, human, earlier, text, tools, expected) -> None:
    message = ask(client, [system(human), *earlier, user(text)], tools)
    assert calls(message) == expected
    assert message.content  # a short inner monologue, always


# --- after tool results: (the turn so far) -> the next call ------------------------------------

NEXT_MOVES = [
    ("after a save it replies by name",
     "The human's name is Bob", "My name is Bob",
     answered("core_memory_append", {"label": "human", "content": "The human's name is Bob"}, "Block 'human' now holds 23/2000 characters."),
     [("send_message", {"message": "Nice to meet you, Bob!", "request_heartbeat": False})]),
    ("after a replace it apologises by the new name",
     "The human's name is Charles", "Actually my name is Charles, not Sarah",
     answered("core_memory_replace", {"label": "human"}, "Block 'human' now holds 27/2000 characters."),
     [("send_message", {"message": "Sorry, Charles, I've updated my memory.", "request_heartbeat": False})]),
    ("after a failed tool it tells the user what the tool said",
     "", "My name is Bob",
     answered("core_memory_append", {"label": "robot"}, "Error: There is no core memory block 'robot'."),
     [("send_message", {"message": "I tried to use core_memory_append, but it said: Error: There is no core memory block 'robot'.",
                        "request_heartbeat": False})]),
    ("after an archival search it answers from the passage",
     "", "When is my birthday?",
     answered("archival_memory_search", {"query": "birthday"},
              "Archival memory: 2 passages, most similar first; page 0 (pages 0 to 0):\n"
              "1. (similarity 0.71) The human's birthday is May 3\n2. (similarity 0.02) The human likes tea"),
     [("send_message", {"message": "Your birthday is May 3 (I found it in archival memory).", "request_heartbeat": False})]),
    ("after a recall search it answers with when it was said",
     "", "What did I tell you about my trip?",
     answered("conversation_search", {"query": "trip"},
              "Recall memory: 2 matching messages; page 0 (pages 0 to 0):\n"
              "[2026-03-02 09:00] user: I'm planning a trip to Lisbon in May\n"
              "[2026-03-02 09:30] user: What did I tell you about my trip?"),
     [("send_message", {"message": 'On 2026-03-02 09:00 you told me: "I\'m planning a trip to Lisbon in May"',
                        "request_heartbeat": False})]),
    ("a first-person fact in recall answers a question about a kind of fact",
     "", "When is my birthday?",
     answered("conversation_search", {"query": "birthday"},
              "Recall memory: 1 matching message; page 0 (pages 0 to 0):\n[2026-03-01 10:00] user: My birthday is May 3"),
     [("send_message", {"message": "Your birthday is May 3 (I found it in our conversation on 2026-03-01 10:00).",
                        "request_heartbeat": False})]),
    ("an empty archival search is followed by a recall search",
     "", "When is my birthday?",
     answered("archival_memory_search", {"query": "birthday"}, "Archival memory is empty: nothing to search yet."),
     [("conversation_search", {"query": "birthday", "page": 0, "request_heartbeat": True})]),
    ("after both searches found nothing it says so",
     "", "When is my birthday?",
     answered("archival_memory_search", {"query": "birthday"}, "Archival memory is empty: nothing to search yet.", "call_1")
     + answered("conversation_search", {"query": "birthday"}, "No messages in recall memory match that search.", "call_2"),
     [("send_message", {"message": "I searched my memory but found nothing about that. Could you tell me?",
                        "request_heartbeat": False})]),
    ("after an archival insert it confirms",
     "", "Please remember that my sister Alice lives in Oslo.",
     answered("archival_memory_insert", {"content": "x"}, "Saved as passage 0; archival memory holds 1 passage."),
     [("send_message", {"message": "Done: I saved that in my archival memory.", "request_heartbeat": False})]),
    ("after send_message, if called again, it only thinks: the step ends",
     "", "Hello",
     answered("send_message", {"message": "Hello!"}, "Message sent to the user."),
     []),
]


@pytest.mark.parametrize(("label", "human", "text", "turn", "expected"), NEXT_MOVES, ids=[case[0] for case in NEXT_MOVES])
def test_next_move(client, label, human, text, turn, expected) -> None:
    message = ask(client, [system(human), user(text), *turn])
    assert calls(message) == expected
    assert message.content


def test_every_offline_call_fits_the_generated_schemas(client) -> None:
    from helpers.agent import schema_problems

    schemas = {tool["function"]["name"]: tool["function"]["parameters"] for tool in ALL_TOOLS}
    for _, human, earlier, text, tools, _ in FIRST_MOVES:
        for name, arguments in calls(ask(client, [system(human), *earlier, user(text)], tools)):
            assert schema_problems(arguments, schemas[name]) == []


def test_one_call_at_a_time_when_parallel_calls_are_off(client) -> None:
    message = ask(client, [system(), user("My name is Bob and I live in Oslo")], parallel_tool_calls=False)
    assert [name for name, _ in calls(message)] == ["core_memory_append"]


def test_same_request_same_response(client) -> None:
    messages = [system(), user("When is my birthday?")]
    first, second = ask(client, messages), ask(client, messages)
    assert first.model_dump() == second.model_dump()


# --- /v1/embeddings --------------------------------------------------------------------------


def embed(client, texts, **extra) -> np.ndarray:
    response = client.embeddings.create(model=OFFLINE_EMBEDDING_MODEL, input=texts, **extra)
    assert response.model == OFFLINE_EMBEDDING_MODEL and response.object == "list"
    assert [item.index for item in response.data] == list(range(len(response.data)))
    return np.array([item.embedding for item in response.data])


def test_the_sdk_default_request_base64_gives_floats(client) -> None:
    vectors = embed(client, ["a dog in the park", "taxes"])
    assert vectors.shape == (2, EMBEDDING_DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)


def test_float_and_base64_carry_the_same_vector(client) -> None:
    as_floats = embed(client, "a dog in the park", encoding_format="float")
    raw = client.embeddings.create(model=OFFLINE_EMBEDDING_MODEL, input="a dog in the park", encoding_format="base64")
    import base64

    decoded = np.frombuffer(base64.b64decode(raw.data[0].embedding), dtype="<f4")
    assert np.allclose(as_floats[0], decoded, atol=1e-6)
    assert np.allclose(as_floats[0], offline_embedding("a dog in the park"), atol=1e-6)


SIMILAR = [
    ("dog", "dogs", "taxes"),
    ("My dog Rex loves the beach", "Where does my dog like to go?", "The tax return is due in April"),
    ("The human's birthday is May 3", "birthday", "The human lives in Oslo"),
    ("swimming in the sea", "swim", "accounting"),
]


@pytest.mark.parametrize(("text", "near", "far"), SIMILAR)
def test_similar_texts_land_nearer_than_unrelated_ones(client, text, near, far) -> None:
    a, b, c = embed(client, [text, near, far], encoding_format="float")
    assert a @ b > a @ c + 0.1


def test_usage_and_dimensions(client) -> None:
    response = client.embeddings.create(model=OFFLINE_EMBEDDING_MODEL, input=["one", "two"], dimensions=64)
    assert len(response.data[0].embedding) == 64
    assert response.usage.prompt_tokens == response.usage.total_tokens > 0


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"input": [1, 2, 3]}, "not token ids"),
        ({"input": ""}, "cannot be an empty string"),
        ({"input": []}, "non-empty array"),
        ({"input": "x", "encoding_format": "int8"}, "encoding_format"),
        ({"input": "x", "dimensions": 0}, "dimensions"),
    ],
)
def test_bad_embedding_requests_get_an_openai_style_400(client, extra, fragment) -> None:
    with pytest.raises(openai.BadRequestError, match=fragment):
        client.embeddings.create(model=OFFLINE_EMBEDDING_MODEL, **extra)


# --- events that are not the user speaking, as the course's loop sends them ---------------------

HEARTBEAT = {"role": "user", "content": json.dumps({
    "type": "heartbeat", "time": "2026-03-02 09:01 UTC",
    "reason": "[This is an automated system message hidden from the user] Function called using request_heartbeat=true, returning control"})}
PRESSURE = {"role": "system", "content": "Warning: the conversation history will soon reach its maximum length and be trimmed. "
                                          "Save anything important to memory now."}
SUMMARY = {"role": "system", "content": "Note: prior messages (12 of 20 total messages) have been hidden from view due to "
                                         "conversation memory constraints.\nThe following is a summary of the previous messages: "
                                         "the user talked about a trip."}

EVENT_MOVES = [
    ("after a save and a heartbeat it replies",
     "The human's name is Bob", [user("My name is Bob"),
                                 *answered("core_memory_append", {"label": "human", "content": "The human's name is Bob"}, "Block 'human' now holds 23/2000 characters."),
                                 HEARTBEAT],
     [("send_message", {"message": "Nice to meet you, Bob!", "request_heartbeat": False})]),
    ("after a search and a heartbeat it answers from the result",
     "", [user("When is my birthday?"),
          *answered("archival_memory_search", {"query": "birthday"},
                    "Archival memory: 1 passage, most similar first; page 0 (pages 0 to 0):\n1. (similarity 0.71) The human's birthday is May 3"),
          HEARTBEAT],
     [("send_message", {"message": "Your birthday is May 3 (I found it in archival memory).", "request_heartbeat": False})]),
    ("a memory-pressure warning after the user's message is not a new turn",
     "The human's name is Bob", [user("What is my name?"), PRESSURE],
     [("send_message", {"message": "Your name is Bob.", "request_heartbeat": False})]),
    ("the summary note first among the messages is not the user",
     "", [SUMMARY, user("Hello!")],
     [("send_message", {"message": "Hello! How can I help you today?", "request_heartbeat": False})]),
    ("a heartbeat after send_message ends the step",
     "", [user("Hello"), *answered("send_message", {"message": "Hello!"}, "Message sent to the user."), HEARTBEAT],
     []),
]


@pytest.mark.parametrize(("label", "human", "messages", "expected"), EVENT_MOVES, ids=[case[0] for case in EVENT_MOVES])
def test_events_continue_the_turn(client, label, human, messages, expected) -> None:
    message = ask(client, [system(human), *messages])
    assert calls(message) == expected
    assert message.content


# --- tool_choice with MemGPT's tools ------------------------------------------------------------


def test_tool_choice_none_gives_the_reply_as_plain_text(client) -> None:
    message = ask(client, [system("The human's name is Bob"), user("What is my name?")], tool_choice="none")
    assert message.content == "Your name is Bob." and not message.tool_calls


def test_tool_choice_required_answers_through_send_message(client) -> None:
    message = ask(client, [system(), user("Hello"), *answered("send_message", {"message": "Hi!"}, "Message sent to the user.")],
                  tool_choice="required")
    assert [name for name, _ in calls(message)] == ["send_message"]


def test_a_named_search_is_called_with_the_question_words(client) -> None:
    message = ask(client, [system("The human's name is Bob"), user("Where does my sister live?")],
                  tool_choice={"type": "function", "function": {"name": "conversation_search"}})
    assert calls(message) == [("conversation_search", {"query": "sister live", "page": 0, "request_heartbeat": True})]


def test_a_named_send_message_replaces_a_memory_edit(client) -> None:
    message = ask(client, [system(), user("My name is Bob")], tool_choice={"type": "function", "function": {"name": "send_message"}})
    assert calls(message) == [("send_message", {"message": "Nice to meet you, Bob!", "request_heartbeat": False})]


# --- questions matched to search results by best overlap (not every word) ----------------------

NOTES = ("Archival memory: 3 passages, most similar first; page 0 (pages 0 to 0):\n"
         "1. (similarity 0.31) The human is learning to play the cello.\n"
         "2. (similarity 0.22) The human prefers tea to coffee.\n"
         "3. (similarity 0.05) The human's dog is called Rex and loves the beach.")


@pytest.mark.parametrize(
    ("question", "answer"),
    [("Which instrument am I learning?", "Here is what I found in archival memory: The human is learning to play the cello."),
     ("Do I drink coffee?", "Here is what I found in archival memory: The human prefers tea to coffee."),
     ("What is my dog called?", "Your dog is called Rex and loves the beach (I found it in archival memory)."),
     ("Where does my dog like to go?", "Here is what I found in archival memory: The human's dog is called Rex and loves the beach.")],
)
def test_search_results_answer_by_best_overlap(client, question, answer) -> None:
    turn = answered("archival_memory_search", {"query": "x"}, NOTES)
    assert calls(ask(client, [system(), user(question), *turn])) == [("send_message", {"message": answer, "request_heartbeat": False})]


def test_what_do_you_know_about_me_is_answered_from_core_memory(client) -> None:
    message = ask(client, [system("The human's name is Bob\nThe human lives in Leeds"), user("What do you know about me?")])
    assert calls(message) == [("send_message", {"message": "Here is what I know about you: your name is Bob; you live in Leeds.",
                                                "request_heartbeat": False})]
