"""The context window in tokens: sizes, the breakdown, memory pressure, the flush and its summary, the 400 retry.

The model is scripted (tests/conftest.py), so these tests check the loop's accounting, not a tutor.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone

import httpx2
import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.context import (
    FLUSH_TARGET,
    MEMORY_PRESSURE_WARNING,
    NO_SUMMARY,
    SHORT_RESULT,
    SHORTENED,
    SUMMARY_FOLLOWS,
    WARNING_FRACTION,
    ContextWindowError,
    block_limit,
    compile_context,
    context_breakdown,
    evictable,
    fixed_tokens,
    pairs_intact,
    summary_limit,
    turn_starts,
)
from helpers.memgpt import (
    CONTEXT_WINDOW,
    conversation_search,
    is_loop_message,
    memgpt_step,
    memgpt_tools,
    new_agent,
    print_memgpt_event,
    remember,
    send_message,
)
from helpers.memory import SECTION_LIMIT
from helpers.tokens import count_request, count_tokens

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
REPLY = ("Replying.", [("send_message", {"message": "ok", "request_heartbeat": False})])
SUMMARY = "The human is Bob; he lives in Leeds and plans a trip to Lisbon in May."


def now() -> datetime:
    return START


def fill(agent, turns: int, words: int = 30, first: int = 0) -> None:
    """Add whole turns to the context and recall: a user message, a send_message call, its result."""
    for n in range(first, first + turns):
        remember(agent, {"role": "user", "content": f"Fact {n}: " + " ".join(["lorem"] * words)}, now)
        call = {"id": f"call_{n}", "type": "function",
                "function": {"name": "send_message", "arguments": json.dumps({"message": f"Noted {n}."})}}
        remember(agent, {"role": "assistant", "content": "Noting.", "tool_calls": [call]}, now)
        remember(agent, {"role": "tool", "tool_call_id": f"call_{n}", "content": "Message sent to the user."}, now)


def request_tokens(request: dict) -> int:
    return count_request(request["messages"], request.get("tools"))


def fill_to(agent, fraction: float) -> None:
    """Add turns until the next request would cost at least `fraction` of the window."""
    n = 0
    while count_request(compile_context(agent, START), memgpt_tools()) < fraction * agent["context_window"]:
        fill(agent, 1, first=n)
        n += 1


# --- sizes -----------------------------------------------------------------------------------------


def test_the_default_window_is_in_tokens_and_blocks_are_a_share_of_it() -> None:
    assert CONTEXT_WINDOW == 8192
    assert new_agent()["blocks"]["human"]["limit"] == SECTION_LIMIT == block_limit(8192)
    small = new_agent(context_window=1500)
    assert {block["limit"] for block in small["blocks"].values()} == {block_limit(1500)} == {420}
    assert new_agent(context_window=1500, limit=300)["blocks"]["human"]["limit"] == 300


def test_the_empty_agent_takes_under_half_of_a_1500_token_window() -> None:
    agent = new_agent(context_window=1500)
    fixed = fixed_tokens(agent)
    assert fixed <= 0.5 * 1500, fixed
    assert summary_limit(1500) == 150


@pytest.mark.parametrize("window, fix", [(1000, "context_window=1400"), (600, "context_window=1400")])
def test_a_window_too_small_is_refused_with_one_that_fits(window: int, fix: str) -> None:
    with pytest.raises(ContextWindowError, match=fix) as error:
        new_agent(context_window=window)
    assert "too small" in str(error.value) and "instructions, tools and core memory" in str(error.value)
    new_agent(context_window=int(fix.split("=")[1]))  # the window it names works


def test_blocks_too_large_for_the_window_are_named() -> None:
    with pytest.raises(ContextWindowError, match=r"context_window=\d+\) or more, or a smaller limit than 2000"):
        new_agent(context_window=1500, limit=2000)


@pytest.mark.parametrize("window", [0, -5, "big", True, 1500.0])
def test_a_window_that_is_not_a_positive_whole_number_is_refused(window) -> None:
    with pytest.raises(ContextWindowError, match="context_window must be a whole number of tokens"):
        new_agent(context_window=window)


def test_a_step_with_more_tools_checks_the_window_again(scripted_model) -> None:
    agent = new_agent(context_window=1500)
    agent["system"] *= 3  # a longer prompt set by hand after new_agent
    model = scripted_model(REPLY)
    with pytest.raises(ContextWindowError, match="too small"):
        memgpt_step(model.client, agent, "Hi", model="scripted", now=now)
    assert model.requests == [] and agent["messages"] == []  # nothing sent, nothing changed


# --- the breakdown -----------------------------------------------------------------------------------


def test_the_breakdown_adds_up_to_the_request_the_model_receives(scripted_model) -> None:
    agent = new_agent(context_window=3000)
    fill(agent, 2)
    agent["summary"] = "Earlier, the human said hello."
    agent["messages"] = agent["messages"][3:]  # one turn hidden, so there is a note
    model = scripted_model(REPLY)
    as_sent = copy.deepcopy(agent)
    remember(as_sent, {"role": "user", "content": "Hello"}, now)  # the agent when the step calls the model
    memgpt_step(model.client, agent, "Hello", model="scripted", now=now)
    before = model.requests[0]
    parts = context_breakdown(as_sent, moment=START)
    assert list(parts) == ["instructions", "memory metadata", "core memory", "tools", "summary", "messages", "window"]
    assert sum(value for name, value in parts.items() if name != "window") == request_tokens(before)
    assert parts["window"] == 3000 and parts["summary"] > count_tokens(agent["summary"])
    assert context_breakdown(agent)["memory metadata"] == parts["memory metadata"]  # any time costs the same


# --- eviction: whole turns ----------------------------------------------------------------------------


def turn(n: int, calls: int, heartbeat: bool) -> list[dict]:
    """One turn: a user message, then `calls` tool calls with their results, a heartbeat event between."""
    messages: list[dict] = [{"role": "user", "content": f"message {n} " + "word " * (n % 7)}]
    for c in range(calls):
        messages.append({"role": "assistant", "content": "", "tool_calls": [
            {"id": f"c{n}_{c}", "type": "function", "function": {"name": "core_memory_append", "arguments": "{}"}}]})
        messages.append({"role": "tool", "tool_call_id": f"c{n}_{c}", "content": "Block 'human' now holds 1/420."})
        if heartbeat:
            messages.append({"role": "user", "content": json.dumps({"type": "heartbeat", "reason": "r", "time": "t"})})
    return messages


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=1, max_size=8), st.integers(0, 600))
def test_eviction_takes_whole_turns_and_never_the_current_one(shape, budget) -> None:
    messages = [m for n, (calls, heartbeat) in enumerate(shape) for m in turn(n, calls, heartbeat)]
    cut = evictable(messages, budget)
    rest = messages[cut:]
    assert cut in [0, *turn_starts(messages)] and cut <= turn_starts(messages)[-1]
    assert rest[0]["role"] == "user" and not is_loop_message(rest[0])
    assert pairs_intact(rest)
    if cut < turn_starts(messages)[-1]:  # it stopped early: the rest fits
        assert count_request(rest) - 3 <= budget


# --- memory pressure -----------------------------------------------------------------------------------


def test_past_the_threshold_one_system_warning_is_added_and_goes_to_recall(scripted_model, capsys) -> None:
    agent = new_agent(context_window=3000)
    fill_to(agent, WARNING_FRACTION + 0.02)
    events: list[dict] = []
    model = scripted_model(REPLY, REPLY)
    memgpt_step(model.client, agent, "Hello", model="scripted", now=now, on_event=events.append)
    last = model.requests[0]["messages"][-1]
    assert last == {"role": "system", "content": MEMORY_PRESSURE_WARNING}
    assert last["content"].startswith("Warning: the conversation history will soon reach its maximum length")
    assert [e["type"] for e in events][0] == "warning" and events[0]["window"] == 3000
    assert events[0]["tokens"] >= WARNING_FRACTION * 3000
    entry = next(e for e in agent["recall"] if e["message"] is last or e["message"] == last)
    assert entry["role"] == "system" and entry["text"] == "" and is_loop_message(last)
    assert conversation_search(agent, "conversation history maximum length").startswith("No messages")
    print_memgpt_event(events[0])
    assert capsys.readouterr().out.startswith("[call 1] memory pressure: the request is ")
    memgpt_step(model.client, agent, "Hello again", model="scripted", now=now)  # same episode: no second warning
    assert sum(m == last for m in model.requests[1]["messages"]) == 1


def test_below_the_threshold_there_is_no_warning(scripted_model) -> None:
    agent = new_agent(context_window=3000)
    fill_to(agent, WARNING_FRACTION - 0.1)
    model = scripted_model(REPLY)
    memgpt_step(model.client, agent, "Hi", model="scripted", now=now)
    assert not any(m["role"] == "system" for m in model.requests[0]["messages"][1:])


# --- the flush and the summary -----------------------------------------------------------------------


def test_over_the_window_old_turns_are_summarized_and_a_note_comes_first(scripted_model, capsys) -> None:
    agent = new_agent(context_window=1500)
    fill_to(agent, 1.0)
    total_before = len(agent["recall"])
    events: list[dict] = []
    model = scripted_model(SUMMARY, REPLY)
    memgpt_step(model.client, agent, "What do you know?", model="scripted", now=now, on_event=events.append)
    summary_request, request = model.requests
    # the summary request: same client and model, no tools, an instruction, the evicted messages as text
    assert summary_request["model"] == "scripted" and "tools" not in summary_request
    instruction, given = summary_request["messages"]
    assert instruction["role"] == "system" and instruction["content"].startswith("Summarize the conversation")
    assert f"at most {summary_limit(1500) * 3 // 4} words" in instruction["content"]
    assert given["content"].startswith("Messages:\nuser: Fact 0: lorem") and "assistant: Noted 0." in given["content"]
    assert "Message sent to the user" not in given["content"]
    # the request that follows: the note first among the messages, then whole turns
    note = request["messages"][1]
    hidden = total_before - (len(agent["messages"]) - 3)  # the step's own user message, call and result are new
    assert note == {"role": "system", "content": (
        f"Note: prior messages ({hidden} of {total_before + 1} total messages) have been hidden from view due "
        f"to conversation memory constraints.\n{SUMMARY_FOLLOWS}\n{SUMMARY}")}
    assert agent["summary"] == SUMMARY
    assert request_tokens(request) <= 1500 and pairs_intact(request["messages"][2:])
    assert request["messages"][2]["role"] == "user"
    room = 1500 - fixed_tokens(agent, moment=START)
    assert count_request(request["messages"][1:]) - 3 <= FLUSH_TARGET * room + 20  # + the step's own message
    event = next(e for e in events if e["type"] == "summary")
    assert (event["evicted"], event["hidden"], event["content"]) == (hidden, hidden, SUMMARY)
    print_memgpt_event(event)
    assert capsys.readouterr().out.startswith(f"[call 1] summary: {hidden} messages left the context for recall memory")


def test_the_summary_is_recursive_and_kept_under_its_limit(scripted_model) -> None:
    agent = new_agent(context_window=1500)
    fill_to(agent, 1.0)
    memgpt_step(scripted_model(SUMMARY, REPLY).client, agent, "Hi", model="scripted", now=now)
    fill(agent, 12, first=100)
    long_answer = " ".join(["word"] * 1000)
    model = scripted_model(long_answer, REPLY)
    memgpt_step(model.client, agent, "Hi again", model="scripted", now=now)
    assert model.requests[0]["messages"][1]["content"].startswith(f"Previous summary:\n{SUMMARY}\n\nMessages:\n")
    assert count_tokens(agent["summary"]) <= summary_limit(1500) and agent["summary"].endswith(" ...")
    assert request_tokens(model.requests[1]) <= 1500


def test_a_model_that_writes_no_summary_leaves_the_old_one(scripted_model) -> None:
    agent = new_agent(context_window=1500)
    agent["summary"] = SUMMARY
    fill_to(agent, 1.0)
    model = scripted_model(None, REPLY)  # an empty answer to the summary request
    memgpt_step(model.client, agent, "Hi", model="scripted", now=now)
    assert agent["summary"] == SUMMARY and request_tokens(model.requests[1]) <= 1500


def test_a_flush_ends_the_episode_so_the_next_pressure_warns_again(scripted_model) -> None:
    agent = new_agent(context_window=1500)
    fill_to(agent, WARNING_FRACTION + 0.02)
    model = scripted_model(REPLY)
    memgpt_step(model.client, agent, "Hi", model="scripted", now=now)
    fill_to(agent, 1.0)
    model = scripted_model(SUMMARY, REPLY)
    memgpt_step(model.client, agent, "Hi", model="scripted", now=now)
    assert not any(m["role"] == "system" and m["content"].startswith("Warning") for m in agent["messages"])
    fill_to(agent, WARNING_FRACTION + 0.02)
    model = scripted_model(REPLY)
    memgpt_step(model.client, agent, "Hi", model="scripted", now=now)
    assert model.requests[0]["messages"][-1]["content"] == MEMORY_PRESSURE_WARNING


def test_a_turn_too_big_for_any_window_is_not_sent_and_the_step_says_so(scripted_model) -> None:
    agent = new_agent(context_window=1500)
    model = scripted_model(REPLY)
    events: list[dict] = []
    assert memgpt_step(model.client, agent, "word " * 2000, model="scripted", now=now, on_event=events.append) == ""
    assert model.requests == []
    assert events[-1]["type"] == "stopped" and "The request was not sent" in events[-1]["content"]
    assert agent["recall"][0]["text"].startswith("word")  # what the user said is kept
    model = scripted_model(SUMMARY, REPLY)  # the next turn evicts it
    assert memgpt_step(model.client, agent, "Sorry, that was long", model="scripted", now=now) == "ok"
    assert request_tokens(model.requests[1]) <= 1500


def long_search(words: int):
    """A conversation_search tool whose result is `words` words long."""

    def conversation_search(agent, query: str, page: int = 0) -> str:
        """Search the whole conversation (recall memory) by words.

        Args:
            query: Words to look for.
            page: Result page, from 0.
        """
        return "Recall memory: " + "lorem ipsum dolor " * (words // 3)

    return conversation_search


SEARCH = ("Searching.", [("conversation_search", {"query": "x", "request_heartbeat": True})])


def test_a_turn_too_large_on_its_own_shortens_the_results_it_has_read(scripted_model) -> None:
    agent = new_agent(context_window=1500)
    model = scripted_model(SEARCH, SEARCH, SEARCH, REPLY)
    reply = memgpt_step(model.client, agent, "Find it", model="scripted", now=now,
                        functions=[send_message, long_search(450)])
    assert reply == "ok" and all(request_tokens(r) <= 1500 for r in model.requests)
    last = model.requests[-1]["messages"]
    results = [m["content"] for m in last if m["role"] == "tool"]
    assert results[0].endswith(SHORTENED) and count_tokens(results[0]) <= SHORT_RESULT + 12
    assert not results[-1].endswith(SHORTENED)  # the result the model is about to read stays whole
    whole = [e["message"]["content"] for e in agent["recall"] if e["role"] == "tool"]
    assert not any(text.endswith(SHORTENED) for text in whole)  # recall memory keeps every result whole


def test_then_the_summary_text_is_left_out_of_the_request(scripted_model) -> None:
    agent = new_agent(context_window=1500)
    agent["summary"] = " ".join(["fact"] * 140)
    fill(agent, 1)
    agent["messages"] = []  # one old turn hidden: the note is there, with the summary
    model = scripted_model(SEARCH, REPLY)
    memgpt_step(model.client, agent, "Find it", model="scripted", now=now, functions=[send_message, long_search(820)])
    first, second = model.requests
    assert first["messages"][1]["content"].endswith(agent["summary"])
    assert second["messages"][1]["content"].endswith(NO_SUMMARY) and request_tokens(second) <= 1500


# --- the server's word: 400 context_length_exceeded, and usage --------------------------------------------

TOO_LONG = httpx2.Response(400, json={"error": {
    "message": "This model's maximum context length is 1000 tokens. However, your messages resulted in 1400 tokens.",
    "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}})


def test_a_400_context_length_exceeded_flushes_and_retries_once(scripted_model) -> None:
    agent = new_agent(context_window=3000)
    fill(agent, 6)
    events: list[dict] = []
    model = scripted_model(TOO_LONG, SUMMARY, REPLY)
    assert memgpt_step(model.client, agent, "Hi", model="scripted", now=now, on_event=events.append) == "ok"
    first, summary_request, retry = model.requests
    assert "tools" not in summary_request
    assert retry["messages"][1]["content"].startswith("Note: prior messages (18 of 19 total messages)")
    assert retry["messages"][2] == {"role": "user", "content": "Hi"}  # every earlier turn left
    assert request_tokens(retry) < request_tokens(first)
    assert [e["type"] for e in events][:1] == ["summary"]


def test_a_second_400_is_one_clear_error_about_the_window(scripted_model) -> None:
    agent = new_agent(context_window=3000)
    fill(agent, 6)
    model = scripted_model(TOO_LONG, SUMMARY, TOO_LONG)
    with pytest.raises(ContextWindowError, match="Set the agent's context_window to the model's window"):
        memgpt_step(model.client, agent, "Hi", model="scripted", now=now)


def test_a_400_with_nothing_to_evict_ends_the_step_saying_why(scripted_model) -> None:
    model = scripted_model(TOO_LONG)
    events: list[dict] = []
    memgpt_step(model.client, new_agent(context_window=3000), "Hi", model="scripted", now=now, on_event=events.append)
    assert events[-1]["type"] == "stopped" and "The request was not sent" in events[-1]["content"]


def with_larger_tokenizer(model):
    """The scripted model behind a server whose `usage` counts 25% more prompt tokens than we do."""

    def answer(request: httpx2.Request) -> httpx2.Response:
        body = model.answer(request).json()
        prompt = round(1.25 * request_tokens(json.loads(request.content)))
        body["usage"] = {"prompt_tokens": prompt, "completion_tokens": 5, "total_tokens": prompt + 5}
        return httpx2.Response(200, json=body)

    model.client = openai.OpenAI(api_key="scripted", base_url="http://scripted.invalid/v1", max_retries=0,
                                 http_client=httpx2.Client(transport=httpx2.MockTransport(answer)))
    return model


def test_usage_calibrates_the_estimate_for_another_tokenizer(scripted_model) -> None:
    agent = new_agent(context_window=4000)
    fill_to(agent, 0.65)  # under the threshold by our count
    model = with_larger_tokenizer(scripted_model(REPLY, REPLY))
    memgpt_step(model.client, agent, "Hi", model="scripted", now=now)
    assert agent["token_ratio"] == pytest.approx(1.25, abs=0.01)
    assert not any(m["role"] == "system" for m in model.requests[0]["messages"][1:])  # the ratio was 1.0 then
    memgpt_step(model.client, agent, "Hi", model="scripted", now=now)
    assert model.requests[1]["messages"][-1]["content"] == MEMORY_PRESSURE_WARNING  # 0.65 x 1.25 > 0.75
