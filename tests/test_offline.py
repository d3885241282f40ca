"""The offline tutor model's behaviour table, exercised through the real openai SDK client."""

from __future__ import annotations

import json

import httpx2
import openai
import pytest

from helpers.agent import schema_problems
from helpers.memory import CORE_MEMORY_SAVE_TOOL, MEMORY_SYSTEM_PROMPT, build_system_prompt, new_memory
from helpers.offline import OFFLINE_MODEL, handle_request, offline_client

SAVE_SCHEMA = CORE_MEMORY_SAVE_TOOL["function"]["parameters"]


@pytest.fixture(scope="module")
def client() -> openai.OpenAI:
    return offline_client()


def ask(client: openai.OpenAI, messages: list, tools: list | None = None):
    """Send one chat completion and return its first choice."""
    extra = {"tools": tools} if tools else {}
    return client.chat.completions.create(model=OFFLINE_MODEL, messages=messages, **extra).choices[0]


def with_memory(memory: dict[str, str], user: str) -> list[dict]:
    return [{"role": "system", "content": build_system_prompt(memory)}, {"role": "user", "content": user}]


def saved_arguments(choice) -> list[dict]:
    assert choice.finish_reason == "tool_calls", choice.message.content
    return [json.loads(call.function.arguments) for call in choice.message.tool_calls]


# --- facts the human states ------------------------------------------------------------------

NAME_PHRASINGS = [
    "My name is Bob",
    "my name is bob",
    "MY NAME IS BOB!",
    "Hello there, my name's Bob.",
    "I'm Bob",
    "I am Bob.",
    "Call me Bob, please.",
    "This is Bob",
    "Hi, I'm Bob!",
    "hey! my name is Bob :)",
]


@pytest.mark.parametrize("text", NAME_PHRASINGS)
def test_a_stated_name_becomes_a_save_call_that_fits_the_schema(client, text):
    choice = ask(client, with_memory(new_memory(), text), [CORE_MEMORY_SAVE_TOOL])
    (arguments,) = saved_arguments(choice)
    assert arguments == {"section": "human", "memory": "The human's name is Bob"}
    assert schema_problems(arguments, SAVE_SCHEMA) == []
    assert choice.message.tool_calls[0].function.name == "core_memory_save"


@pytest.mark.parametrize("text", ["I'm fine, thanks", "I am tired", "this is great", "I'm not sure"])
def test_adjectives_are_not_taken_for_names(client, text):
    choice = ask(client, with_memory(new_memory(), text), [CORE_MEMORY_SAVE_TOOL])
    assert choice.finish_reason == "stop"
    assert not choice.message.tool_calls


@pytest.mark.parametrize(
    "text",
    ["My name is actually Charles, not Sarah", "It's Charles, not Sarah.", "I'm actually Charles, not Sarah"],
)
def test_a_correction_is_saved_with_the_old_name(client, text):
    memory = {"human": "The human's name is Sarah", "agent": ""}
    (arguments,) = saved_arguments(ask(client, with_memory(memory, text), [CORE_MEMORY_SAVE_TOOL]))
    assert arguments == {"section": "human", "memory": "The human's name is Charles, not Sarah"}


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("My birthday is March 3", "The human's birthday is March 3"),
        ("I was born on 1 January 2001.", "The human was born on 1 January 2001"),
        ("I live in Paris", "The human lives in Paris"),
        ("I'm from Lisbon!", "The human is from Lisbon"),
        ("I love hiking", "The human loves hiking"),
        ("I really enjoy jazz music.", "The human really enjoys jazz music"),
        ("I work as a nurse", "The human works as a nurse"),
        ("I'm a teacher", "The human is a teacher"),
    ],
)
def test_other_facts_are_saved_as_third_person_sentences(client, text, sentence):
    (arguments,) = saved_arguments(ask(client, with_memory(new_memory(), text), [CORE_MEMORY_SAVE_TOOL]))
    assert arguments == {"section": "human", "memory": sentence}


def test_several_facts_in_one_message_give_several_calls_in_order(client):
    choice = ask(client, with_memory(new_memory(), "I'm Bob and I live in Paris"), [CORE_MEMORY_SAVE_TOOL])
    assert [a["memory"] for a in saved_arguments(choice)] == ["The human's name is Bob", "The human lives in Paris"]
    ids = [call.id for call in choice.message.tool_calls]
    assert len(set(ids)) == 2


def test_a_fact_already_in_memory_is_not_saved_again(client):
    memory = {"human": "The human's name is Bob", "agent": ""}
    choice = ask(client, with_memory(memory, "My name is Bob"), [CORE_MEMORY_SAVE_TOOL])
    assert choice.finish_reason == "stop"
    assert "Bob" in choice.message.content


def test_with_no_tools_it_just_replies(client):
    choice = ask(client, [{"role": "user", "content": "My name is Bob"}])
    assert choice.finish_reason == "stop"
    assert choice.message.content == "Nice to meet you, Bob!"


def test_it_never_calls_a_tool_that_was_not_offered(client):
    weather = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
    choice = ask(client, [{"role": "user", "content": "My name is Bob"}], [weather])
    assert choice.finish_reason == "stop"


@pytest.mark.parametrize(
    ("tool", "expected"),
    [
        (  # Letta's append tool: a label enum and a heartbeat flag
            {
                "name": "core_memory_append",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "label": {"type": "string", "enum": ["persona", "human"]},
                        "content": {"type": "string"},
                        "request_heartbeat": {"type": "boolean"},
                    },
                    "required": ["label", "content", "request_heartbeat"],
                },
            },
            {"label": "human", "content": "The human's name is Bob", "request_heartbeat": True},
        ),
        (  # no enum: the section is still "human"
            {
                "name": "save_memory",
                "parameters": {
                    "type": "object",
                    "properties": {"section": {"type": "string"}, "text": {"type": "string"}},
                    "required": ["section", "text"],
                },
            },
            {"section": "human", "text": "The human's name is Bob"},
        ),
        (  # the enum names the user differently
            {
                "name": "core_memory_save",
                "parameters": {
                    "type": "object",
                    "properties": {"section": {"type": "string", "enum": ["self", "user_profile"]}, "memory": {"type": "string"}},
                    "required": ["section", "memory"],
                },
            },
            {"section": "user_profile", "memory": "The human's name is Bob"},
        ),
    ],
)
def test_arguments_follow_the_offered_schema(client, tool, expected):
    choice = ask(client, [{"role": "user", "content": "My name is Bob"}], [{"type": "function", "function": tool}])
    (arguments,) = saved_arguments(choice)
    assert arguments == expected
    assert schema_problems(arguments, tool["parameters"]) == []


# --- after the tool answers -----------------------------------------------------------------


def run_tool_round(client, memory: dict[str, str], text: str):
    """One save round as the agent loop does it: call, answer the tool call, ask again."""
    messages = with_memory(memory, text)
    choice = ask(client, messages, [CORE_MEMORY_SAVE_TOOL])
    messages.append(choice.message)  # the SDK object itself, as the lesson does
    for call in choice.message.tool_calls:
        messages.append({"role": "tool", "tool_call_id": call.id, "name": call.function.name, "content": "Saved."})
    return ask(client, messages, [CORE_MEMORY_SAVE_TOOL])


def test_after_the_save_it_replies_with_the_new_name(client):
    choice = run_tool_round(client, new_memory(), "My name is Bob")
    assert choice.finish_reason == "stop"
    assert choice.message.content == "Nice to meet you, Bob!"


def test_after_a_correction_it_apologises_by_the_new_name(client):
    memory = {"human": "The human's name is Sarah", "agent": ""}
    choice = run_tool_round(client, memory, "My name is actually Charles, not Sarah")
    assert choice.message.content == "Sorry, Charles, I've updated my memory."


def test_after_a_failed_tool_it_says_so_instead_of_retrying(client):
    messages = with_memory(new_memory(), "My name is Bob")
    first = ask(client, messages, [CORE_MEMORY_SAVE_TOOL])
    messages += [first.message, {"role": "tool", "tool_call_id": first.message.tool_calls[0].id, "content": "Error: disk full"}]
    choice = ask(client, messages, [CORE_MEMORY_SAVE_TOOL])
    assert choice.finish_reason == "stop"
    assert "Error: disk full" in choice.message.content


# --- questions about the human ----------------------------------------------------------------

QUESTIONS = ["What is my name?", "what's my name", "Do you know my name?", "who am I?", "WHAT IS MY NAME"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_with_nothing_in_context_it_does_not_know(client, question):
    choice = ask(client, [{"role": "system", "content": "You are a chatbot."}, {"role": "user", "content": question}])
    assert choice.message.content == "I'm sorry, I don't know your name. How can I assist you today?"


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize(
    "system",
    [
        MEMORY_SYSTEM_PROMPT + "\n[MEMORY]\n" + json.dumps({"human": "Name: Bob"}),
        MEMORY_SYSTEM_PROMPT + "\nhuman: The user's name is Bob",
        build_system_prompt({"human": "The human's name is Bob", "agent": ""}),
    ],
)
def test_it_answers_from_memory_in_the_system_prompt(client, system, question):
    choice = ask(client, [{"role": "system", "content": system}, {"role": "user", "content": question}])
    assert choice.message.content == "Your name is Bob."


def test_it_answers_from_earlier_messages(client):
    messages = [
        {"role": "user", "content": "Hi, I'm Bob"},
        {"role": "assistant", "content": "Nice to meet you, Bob!"},
        {"role": "user", "content": "What is my name?"},
    ]
    assert ask(client, messages).message.content == "Your name is Bob."


def test_the_latest_statement_wins(client):
    messages = [
        {"role": "system", "content": build_system_prompt({"human": "The human's name is Sarah", "agent": ""})},
        {"role": "user", "content": "My name is actually Charles, not Sarah"},
        {"role": "assistant", "content": "Sorry, Charles."},
        {"role": "user", "content": "what's my name?"},
    ]
    assert ask(client, messages).message.content == "Your name is Charles."


def test_a_saved_correction_in_memory_beats_the_old_name(client):
    memory = {"human": "The human's name is Sarah\nThe human's name is Charles, not Sarah", "agent": ""}
    assert ask(client, with_memory(memory, "What is my name?")).message.content == "Your name is Charles."


@pytest.mark.parametrize(
    ("memory", "question", "reply"),
    [
        ("The human's birthday is March 3", "When is my birthday?", "Your birthday is March 3."),
        ("The human lives in Paris", "Where do I live?", "You live in Paris."),
        ("The human likes hiking", "What do I like?", "You like hiking."),
        ("The human works as a nurse", "what is my job?", "You work as a nurse."),
    ],
)
def test_it_answers_other_questions_from_memory(client, memory, question, reply):
    choice = ask(client, with_memory({"human": memory, "agent": ""}, question))
    assert choice.message.content == reply


def test_an_unknown_birthday_is_admitted(client):
    choice = ask(client, with_memory(new_memory(), "When is my birthday?"))
    assert "don't know your birthday" in choice.message.content


def test_it_reads_facts_from_tool_results(client):
    messages = [
        {"role": "system", "content": "You are a chatbot."},
        {"role": "user", "content": "Look me up"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "The user's name is Dana"},
        {"role": "user", "content": "What is my name?"},
    ]
    assert ask(client, messages).message.content == "Your name is Dana."


# --- greetings, anything else ------------------------------------------------------------------


def test_a_greeting_uses_the_name_when_known(client):
    memory = {"human": "The human's name is Bob", "agent": ""}
    assert ask(client, with_memory(memory, "Hello!")).message.content.startswith("Hello, Bob!")
    assert ask(client, with_memory(new_memory(), "hey")).message.content.startswith("Hello!")


def test_anything_else_says_what_it_is_in_a_short_line(client):
    content = ask(client, [{"role": "user", "content": "Write me a poem about the sea"}]).message.content
    assert "offline tutor model" in content
    assert len(content.split()) <= 30


# --- whatever a learner's code sends ----------------------------------------------------------


def test_loose_messages_are_accepted(client):
    messages = [
        {"role": "system", "content": "You are a chatbot."},
        {"role": "system", "content": [{"type": "text", "text": "Name: Bob"}]},
        {"role": "assistant", "content": ""},
        {"role": "user", "content": [{"type": "text", "text": "What is my name?"}], "name": "bob"},
    ]
    assert ask(client, messages).message.content == "Your name is Bob."


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"model": OFFLINE_MODEL}, "'messages' must be a non-empty array"),
        ({"model": OFFLINE_MODEL, "messages": []}, "'messages' must be a non-empty array"),
        ({"messages": [{"role": "user", "content": "hi"}]}, "model parameter"),
        ({"model": OFFLINE_MODEL, "messages": [{"role": "robot", "content": "hi"}]}, "Invalid value for 'messages.[0].role'"),
        ({"model": OFFLINE_MODEL, "messages": ["hi"]}, "expected an object"),
        ({"model": OFFLINE_MODEL, "messages": [{"role": "user", "content": 3}]}, "Invalid type for 'content'"),
        ({"model": OFFLINE_MODEL, "messages": [{"role": "tool", "tool_call_id": "x", "content": "hi"}]}, "must be a response"),
        (
            {"model": OFFLINE_MODEL, "messages": [
                {"role": "user", "content": "hi"},
                {"role": "assistant", "tool_calls": [{"id": "call_a", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
                {"role": "user", "content": "hello?"},
            ]},
            "did not have response messages: call_a",
        ),
        ({"model": OFFLINE_MODEL, "messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function"}]}, "function.name"),
        (  # as the real API: an assistant message needs content or tool calls
            {"model": OFFLINE_MODEL, "messages": [{"role": "user", "content": "hi"}, {"role": "assistant"}, {"role": "user", "content": "?"}]},
            "expected a string, got null",
        ),
        (
            {"model": OFFLINE_MODEL, "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": None, "tool_calls": []}]},
            "expected a string, got null",
        ),
        ({"model": OFFLINE_MODEL, "messages": [{"role": "user", "content": "hi"}], "tool_choice": "auto"}, "only allowed when 'tools'"),
        (
            {"model": OFFLINE_MODEL, "messages": [{"role": "user", "content": "hi"}], "tools": [CORE_MEMORY_SAVE_TOOL],
             "tool_choice": {"type": "function", "function": {"name": "send_message"}}},
            "no function named 'send_message'",
        ),
        (
            {"model": OFFLINE_MODEL, "messages": [{"role": "user", "content": "hi"}], "tools": [CORE_MEMORY_SAVE_TOOL], "tool_choice": "always"},
            "Invalid value for 'tool_choice'",
        ),
    ],
)
def test_malformed_requests_get_an_openai_style_400(body, fragment):
    request = httpx2.Request("POST", "http://offline-tutor.invalid/v1/chat/completions", json=body)
    response = handle_request(request)
    assert response.status_code == 400
    error = response.json()["error"]
    assert fragment in error["message"]
    assert error["type"] == "invalid_request_error"


def test_the_sdk_raises_its_own_bad_request_error(client):
    with pytest.raises(openai.BadRequestError, match="did not have response messages"):
        client.chat.completions.create(
            model=OFFLINE_MODEL,
            messages=[
                {"role": "user", "content": "hi"},
                {"role": "assistant", "tool_calls": [{"id": "call_a", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            ],
        )


@pytest.mark.parametrize(
    ("method", "path", "content", "status"),
    [
        ("POST", "/v1/chat/completions", b"{not json", 400),
        ("POST", "/v1/chat/completions", b"[1, 2]", 400),
        ("GET", "/v1/assistants", b"", 404),
    ],
)
def test_broken_http_requests_get_error_objects(method, path, content, status):
    response = handle_request(httpx2.Request(method, "http://offline-tutor.invalid" + path, content=content))
    assert response.status_code == status
    assert set(response.json()["error"]) == {"message", "type", "param", "code"}


# --- the response itself ----------------------------------------------------------------------


def test_the_same_request_gets_a_byte_identical_response():
    body = {"model": OFFLINE_MODEL, "messages": [{"role": "user", "content": "My name is Bob"}], "tools": [CORE_MEMORY_SAVE_TOOL]}
    url = "http://offline-tutor.invalid/v1/chat/completions"
    first = handle_request(httpx2.Request("POST", url, json=body)).content
    second = handle_request(httpx2.Request("POST", url, json=body)).content
    assert first == second
    other = handle_request(httpx2.Request("POST", url, json={**body, "messages": [{"role": "user", "content": "I'm Ann"}]}))
    assert json.loads(other.content)["id"] != json.loads(first)["id"]


def test_the_response_names_the_offline_model_and_estimates_usage(client):
    response = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hello"}])
    assert response.model == OFFLINE_MODEL
    assert response.id.startswith("chatcmpl-offline-")
    usage = response.usage
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_tool_choice_none_means_no_tool_calls(client):
    response = client.chat.completions.create(
        model=OFFLINE_MODEL, messages=with_memory(new_memory(), "My name is Bob"), tools=[CORE_MEMORY_SAVE_TOOL], tool_choice="none"
    )
    assert response.choices[0].finish_reason == "stop"


def test_models_endpoint_lists_the_offline_model(client):
    assert [model.id for model in client.models.list()] == [OFFLINE_MODEL]


# --- the request's controls: tool_choice, parallel_tool_calls ----------------------------------

NOTE_TOOL = {"type": "function", "function": {
    "name": "task_queue_push", "description": "Push a task onto the task queue",
    "parameters": {"type": "object", "properties": {"task": {"type": "string"}}, "required": ["task"]}}}
GREETING_TOOL = {"type": "function", "function": {
    "name": "greet", "description": "Greet the user by name",
    "parameters": {"type": "object", "properties": {"name": {"type": "string"}, "formal": {"type": "boolean"}},
                   "required": ["name", "formal"]}}}


def choose(client, text: str, tools: list, tool_choice, memory: dict | None = None):
    """One request with a tool_choice; the first choice back."""
    messages = with_memory(memory or new_memory(), text)
    return client.chat.completions.create(model=OFFLINE_MODEL, messages=messages, tools=tools, tool_choice=tool_choice).choices[0]


def test_tool_choice_none_means_no_tool_calls_and_a_reply_instead(client):
    choice = choose(client, "My name is Bob", [CORE_MEMORY_SAVE_TOOL], "none")
    assert choice.finish_reason == "stop" and not choice.message.tool_calls
    assert choice.message.content == "Nice to meet you, Bob!"


def test_tool_choice_auto_is_the_default(client):
    auto = choose(client, "My name is Bob", [CORE_MEMORY_SAVE_TOOL], "auto")
    assert saved_arguments(auto) == [{"section": "human", "memory": "The human's name is Bob"}]


def test_tool_choice_required_calls_a_tool_even_for_a_greeting(client):
    choice = choose(client, "Please push 'water the plants' to the task queue", [CORE_MEMORY_SAVE_TOOL, NOTE_TOOL], "required")
    (call,) = choice.message.tool_calls
    assert call.function.name == "task_queue_push"
    arguments = json.loads(call.function.arguments)
    assert arguments == {"task": "water the plants"}


def test_tool_choice_required_keeps_a_call_it_would_make_anyway(client):
    choice = choose(client, "My name is Bob", [NOTE_TOOL, CORE_MEMORY_SAVE_TOOL], "required")
    assert [c.function.name for c in choice.message.tool_calls] == ["core_memory_save"]


def test_a_named_tool_choice_is_called_with_every_required_argument(client):
    choice = choose(client, "Hello, I'm Bob", [CORE_MEMORY_SAVE_TOOL, GREETING_TOOL],
                    {"type": "function", "function": {"name": "greet"}})
    (call,) = choice.message.tool_calls
    assert call.function.name == "greet"
    arguments = json.loads(call.function.arguments)
    assert set(arguments) == {"name", "formal"} and arguments["formal"] is False
    assert schema_problems(arguments, GREETING_TOOL["function"]["parameters"]) == []


def test_a_named_tool_choice_keeps_the_call_it_would_make(client):
    choice = choose(client, "My name is Bob", [NOTE_TOOL, CORE_MEMORY_SAVE_TOOL],
                    {"type": "function", "function": {"name": "core_memory_save"}})
    assert saved_arguments(choice) == [{"section": "human", "memory": "The human's name is Bob"}]


def test_parallel_tool_calls_false_means_one_call_at_most(client):
    messages = with_memory(new_memory(), "I'm Bob and I live in Paris")
    choice = client.chat.completions.create(model=OFFLINE_MODEL, messages=messages, tools=[CORE_MEMORY_SAVE_TOOL],
                                            parallel_tool_calls=False).choices[0]
    assert [a["memory"] for a in saved_arguments(choice)] == ["The human's name is Bob"]


# --- arguments read from the schema ------------------------------------------------------------

SCHEMAS = [
    (  # notebook 03: the allowed values are only in the description
        {"section": {"type": "string", "description": "Where to save: 'human' or 'agent'."},
         "memory": {"type": "string", "description": "The information to save."}},
        ["section", "memory"],
        {"section": "human", "memory": "The human's name is Bob"},
    ),
    (  # the allowed values name the user differently, in the description
        {"where": {"type": "string", "description": "One of 'self' or 'user_profile'."}, "fact": {"type": "string"}},
        ["where", "fact"],
        {"where": "user_profile", "fact": "The human's name is Bob"},
    ),
    (  # Letta's inner_thoughts argument gets a thought, never the fact
        {"inner_thoughts": {"type": "string", "description": "Deep inner monologue private to you only."},
         "label": {"type": "string", "enum": ["persona", "human"]}, "content": {"type": "string"}},
        ["inner_thoughts", "label", "content"],
        {"inner_thoughts": "The user told me something about themselves; saving it first.", "label": "human",
         "content": "The human's name is Bob"},
    ),
    (  # optional arguments are left out; a required number gets its minimum
        {"memory": {"type": "string"}, "importance": {"type": "integer", "minimum": 1}, "tags": {"type": "array"}},
        ["memory", "importance"],
        {"memory": "The human's name is Bob", "importance": 1},
    ),
]


@pytest.mark.parametrize(("properties", "required", "expected"), SCHEMAS)
def test_arguments_are_read_from_names_types_enums_and_descriptions(client, properties, required, expected):
    tool = {"name": "core_memory_save", "parameters": {"type": "object", "properties": properties, "required": required}}
    (arguments,) = saved_arguments(ask(client, [{"role": "user", "content": "My name is Bob"}], [{"type": "function", "function": tool}]))
    assert arguments == expected
    assert schema_problems(arguments, tool["parameters"]) == []


def test_a_letta_packed_user_message_is_read_as_the_user_speaking(client):
    packed = json.dumps({"type": "user_message", "message": "My name is Bob", "time": "2024-10-01 09:00:00 AM PDT-0700"})
    (arguments,) = saved_arguments(ask(client, with_memory(new_memory(), packed), [CORE_MEMORY_SAVE_TOOL]))
    assert arguments == {"section": "human", "memory": "The human's name is Bob"}


def test_the_agent_loops_own_note_is_not_the_user(client):
    from helpers.agent import EMPTY_RESPONSE_NOTE

    messages = [*with_memory({"human": "The human's name is Bob", "agent": ""}, "What is my name?"),
                {"role": "user", "content": EMPTY_RESPONSE_NOTE}]
    assert ask(client, messages, [CORE_MEMORY_SAVE_TOOL]).message.content == "Your name is Bob."


def test_a_loose_prompt_gives_only_lines_that_read_as_facts_about_the_human(client):
    system = "You are a chatbot.\nRules: be kind, be brief.\nName: Bob\nTone: friendly"
    messages = [{"role": "system", "content": system}, {"role": "user", "content": "What do you know about me?"}]
    assert ask(client, messages).message.content == "Here is what I know about you: your name is Bob."


@pytest.mark.parametrize(
    ("text", "reply"),
    [("Actually my name is Charles", "Sorry, Charles!"), ("I live in Oslo", "Good to know that you live in Oslo, not Paris.")],
)
def test_with_no_tools_a_correction_is_acknowledged_without_claiming_a_save(client, text, reply):
    messages = [{"role": "user", "content": "My name is Sarah and I live in Paris"}, {"role": "assistant", "content": "Hi Sarah!"},
                {"role": "user", "content": text}]
    assert ask(client, messages).message.content == reply
