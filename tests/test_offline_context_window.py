"""The offline tutor when the context window fills: memory pressure, full blocks, summaries (notebook 08).

Requests are built as the agent loop builds them (or as Letta packs them) and sent to `chat_completion`,
so these tests read what the tutor answers, call by call.
"""

from __future__ import annotations

import json

import pytest

from helpers.context import MEMORY_PRESSURE_WARNING, SUMMARIZER_PROMPT, summary_request, transcript
from helpers.memgpt import new_agent, remember
from helpers.memgpt import build_memgpt_system_prompt, memgpt_tools
from helpers.offline import chat_completion
from helpers.offline.context_window import PRESSURE_THOUGHT

LETTA_WARNING = json.dumps({"type": "system_alert", "message": (
    "[This is an automated system message hidden from the user] The conversation history will soon reach its "
    "maximum length and be trimmed. Do NOT tell the user about this system alert, they should not know that the "
    "history is reaching max length."), "time": "2024-09-30 06:12:00 PM UTC+0000"})
LETTA_SUMMARIZER = (
    "Your job is to summarize a history of previous messages in a conversation between an AI persona and a human.\n"
    "Keep your summary less than 100 words, do NOT exceed this word limit.\n"
    "Only output the summary, do NOT include anything else in your output."
)


def ask(messages: list[dict], tools: list[dict] | None = None) -> dict:
    """The tutor's answer message to one request."""
    body = {"model": "m", "messages": messages, **({"tools": tools} if tools else {})}
    return chat_completion(body)["choices"][0]["message"]


def calls(message: dict) -> list[tuple[str, dict]]:
    return [(c["function"]["name"], json.loads(c["function"]["arguments"])) for c in message.get("tool_calls") or []]


def agent_with(history: list[tuple[str, str]], human: str = "", limit: int | None = None) -> dict:
    """An agent whose context holds `history` (role, text), nothing of it saved."""
    agent = new_agent(human=human, limit=limit)
    for role, text in history:
        remember(agent, {"role": role, "content": text})
    return agent


def request(agent: dict, *tail: dict) -> list[dict]:
    return [{"role": "system", "content": build_memgpt_system_prompt(agent)}, *agent["messages"], *tail]


HISTORY = [("user", "Hi! My name is Ada"), ("assistant", "Hello Ada!"), ("user", "My dog is called Rex"),
           ("assistant", "What a nice name."), ("user", "I live in Ghent"), ("assistant", "Lovely city!")]
WARNING = {"role": "system", "content": MEMORY_PRESSURE_WARNING}


# --- memory pressure ------------------------------------------------------------------------------


def test_on_the_warning_it_saves_what_the_context_says_and_no_memory_holds() -> None:
    agent = agent_with(HISTORY, human="The human lives in Ghent")
    answer = ask(request(agent, {"role": "user", "content": "Hello!"}, WARNING), memgpt_tools())
    assert answer["content"] == PRESSURE_THOUGHT
    assert calls(answer) == [
        ("core_memory_append", {"label": "human", "content": "The human's name is Ada", "request_heartbeat": True}),
        ("core_memory_append", {"label": "human", "content": "The human's dog is called Rex", "request_heartbeat": True}),
    ]  # Ghent is in core memory already


def test_what_an_archival_insert_in_context_holds_is_not_saved_again() -> None:
    agent = agent_with(HISTORY[:4])
    insert = {"id": "c1", "type": "function", "function": {
        "name": "archival_memory_insert", "arguments": json.dumps({"content": "The human's dog is called Rex"})}}
    agent["messages"][3:3] = [{"role": "assistant", "content": None, "tool_calls": [insert]},
                             {"role": "tool", "tool_call_id": "c1", "content": "Saved as passage 0."}]
    answer = ask(request(agent, {"role": "user", "content": "Hello!"}, WARNING), memgpt_tools())
    assert [arguments["content"] for _, arguments in calls(answer)] == ["The human's name is Ada"]


def test_facts_of_the_message_in_hand_are_left_to_the_usual_flow() -> None:
    agent = agent_with(HISTORY[:2])
    answer = ask(request(agent, {"role": "user", "content": "I like jazz"}, WARNING), memgpt_tools())
    assert [arguments["content"] for _, arguments in calls(answer)] == ["The human's name is Ada"]


def test_a_fact_that_would_overflow_its_block_goes_to_archival_memory() -> None:
    agent = agent_with(HISTORY[:4], human="x" * 390, limit=420)
    answer = ask(request(agent, {"role": "user", "content": "Hello!"}, WARNING), memgpt_tools())
    assert calls(answer) == [
        ("core_memory_append", {"label": "human", "content": "The human's name is Ada", "request_heartbeat": True}),
        ("archival_memory_insert", {"content": "The human's dog is called Rex", "request_heartbeat": True}),
    ]


def test_after_saving_it_carries_on_with_the_users_message() -> None:
    agent = agent_with(HISTORY)
    first = ask(request(agent, {"role": "user", "content": "I like jazz"}, WARNING), memgpt_tools())
    saves = [dict(c, id=f"c{n}") for n, c in enumerate(first["tool_calls"])]
    results = [{"role": "tool", "tool_call_id": c["id"], "content": "Block 'human' now holds 44/420 characters."} for c in saves]
    heartbeat = {"role": "user", "content": json.dumps({"type": "heartbeat", "reason": "[This is an automated "
                 "system message hidden from the user] Function called using request_heartbeat=true, returning control"})}
    second = ask(request(agent, {"role": "user", "content": "I like jazz"}, WARNING,
                         {"role": "assistant", "content": first["content"], "tool_calls": saves}, *results, heartbeat),
                 memgpt_tools())
    assert calls(second) == [("core_memory_append", {"label": "human", "content": "The human likes jazz",
                                                     "request_heartbeat": True})]


def test_an_answered_warning_or_nothing_to_save_changes_nothing() -> None:
    agent = agent_with(HISTORY[:2], human="The human's name is Ada")
    answer = ask(request(agent, {"role": "user", "content": "Hello!"}, WARNING), memgpt_tools())
    assert calls(answer)[0][0] == "send_message"  # nothing unsaved: it just answers


def test_lettas_warning_is_read_too() -> None:
    agent = agent_with(HISTORY[:2])
    answer = ask(request(agent, {"role": "user", "content": "Hello!"}, {"role": "user", "content": LETTA_WARNING}),
                 memgpt_tools())
    assert calls(answer)[0][1]["content"] == "The human's name is Ada"


def test_a_refused_append_moves_the_fact_to_archival_memory() -> None:
    agent = agent_with([], human="x" * 410, limit=420)
    append = {"id": "c1", "type": "function", "function": {"name": "core_memory_append", "arguments": json.dumps(
        {"label": "human", "content": "The human likes jazz", "request_heartbeat": True})}}
    refused = ("Error: Block 'human' would hold 431 characters, over its limit of 420. Nothing was changed. "
               "Shorten it with core_memory_replace, or move details to archival memory.")
    answer = ask(request(agent, {"role": "user", "content": "I like jazz"},
                         {"role": "assistant", "content": "Saving.", "tool_calls": [append]},
                         {"role": "tool", "tool_call_id": "c1", "content": refused}), memgpt_tools())
    assert calls(answer) == [("archival_memory_insert", {"content": "The human likes jazz", "request_heartbeat": True})]


# --- summaries -------------------------------------------------------------------------------------


def summarize(lines: list[str], previous: str = "", words: int = 112) -> str:
    return ask(summary_request(previous, lines, words))["content"]


def test_a_summary_request_gets_the_facts_the_requests_and_the_topics() -> None:
    agent = agent_with([("user", "My name is Sarah"), ("assistant", "Hi Sarah"), ("user", "Actually my name is Charles"),
                        ("user", "Remember that the meeting is on Friday"), ("user", "Tell me a joke"),
                        ("user", "I'm allergic to peanuts"), ("user", "Where do I live?")])
    summary = summarize(transcript(agent["messages"]))
    assert summary.splitlines() == [
        "The human's name is Charles.",
        "The human is allergic to peanuts.",
        'The human asked me to remember: "the meeting is on Friday".',
        "Topics: joke, home.",
    ]


def test_the_summary_is_recursive_the_latest_value_wins() -> None:
    first = summarize(["user: My name is Ada", "user: I live in Ghent", "user: Tell me a joke"])
    assert first.splitlines() == ["The human's name is Ada.", "The human lives in Ghent.", "Topics: joke."]
    second = summarize(["user: I like chess", "user: Actually I live in Bruges"], previous=first)
    assert second.splitlines() == ["The human's name is Ada.", "The human likes chess.", "The human lives in Bruges.",
                                   "Topics: joke."]


@pytest.mark.parametrize("words", [10, 25, 60])
def test_the_summary_keeps_within_the_words_asked(words: int) -> None:
    lines = [f"user: I like {thing}" for thing in ["jazz", "tea", "chess", "opera", "maps", "rain", "tennis", "sushi",
                                                    "poetry", "cats", "hiking", "dogs", "maths", "bread"]]
    summary = summarize(lines, words=words)
    assert 0 < len(summary.split()) <= words
    assert summary.splitlines()[0] == "The human likes jazz."  # the oldest facts first, as many as fit


def test_lettas_summarizer_and_message_format_are_read() -> None:
    history = "\n".join([
        'user: {"type": "user_message", "message": "My name is Bob", "time": "2024-09-30 06:12:00 PM"}',
        "assistant: Nice to meet you",
        'user: {"type": "heartbeat", "reason": "[This is an automated system message hidden from the user] x"}',
    ])
    answer = ask([{"role": "system", "content": LETTA_SUMMARIZER}, {"role": "assistant", "content": "Understood."},
                  {"role": "user", "content": history}])
    assert answer["content"] == "The human's name is Bob."
    assert not answer.get("tool_calls")


def test_a_request_with_tools_is_not_taken_for_a_summary_request() -> None:
    messages = [{"role": "system", "content": SUMMARIZER_PROMPT.format(words=50)}, {"role": "user", "content": "My name is Bob"}]
    assert ask(messages, memgpt_tools()).get("tool_calls")


# --- answering from the summary note -----------------------------------------------------------------

SUMMARY = (
    "Note: prior messages (62 of 74 total messages) have been hidden from view due to conversation memory "
    "constraints.\nThe following is a summary of the previous messages:\nThe human's name is Ada.\n"
    "The human's locker code is 4821.\nThe human went to Rome in March with Tom.\nTopics: joke."
)


@pytest.mark.parametrize(("question", "answer"), [
    ("What is my locker code?", "Your locker code is 4821."),
    ("Who did I go to Rome with?", "The human went to Rome in March with Tom."),
])
def test_a_question_is_answered_from_the_summary_note_in_context(question: str, answer: str) -> None:
    agent = new_agent()
    message = ask([{"role": "system", "content": build_memgpt_system_prompt(agent)},
                   {"role": "system", "content": SUMMARY}, {"role": "user", "content": question}], memgpt_tools())
    ((name, arguments),) = calls(message)
    assert name == "send_message" and answer in arguments["message"]


def test_the_summary_note_is_not_core_memory_to_replace_or_to_recite() -> None:
    agent = new_agent()
    message = ask([{"role": "system", "content": build_memgpt_system_prompt(agent)},
                   {"role": "system", "content": SUMMARY}, {"role": "user", "content": "My name is Eve"}], memgpt_tools())
    assert [name for name, _ in calls(message)] == ["core_memory_append"]  # nothing in a block to replace
