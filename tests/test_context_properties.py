"""Long conversations with the offline tutor in small windows: what the context window guarantees.

Every request the tutor receives is recorded, with its response. Over hundreds of turns:
- no request exceeds the window: by the server's `usage.prompt_tokens` and by our own count (they agree);
- every tool call is sent with its result, and every result with its call;
- the summary stays within its limit; the "Warning:" and "Note: prior messages" openings appear;
- nothing the user said is lost: every message is in recall memory, and facts stated in the first turns
  are answered at the end, long after they left the context.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx2
import openai
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.context import pairs_intact, summary_limit
from helpers.memgpt import memgpt_step, new_agent
from helpers.offline import OFFLINE_MODEL, handle_request
from helpers.recall import ticking_clock
from helpers.tokens import count_request, count_tokens

WARNING_OPENING = "Warning: the conversation history will soon reach its maximum length"
NOTE_OPENING = "Note: prior messages ("

# What a learner might type, besides the facts stated at the start.
NAMES = ["Bob", "Alice", "Charles", "Dana", "Priya", "Tom"]
THINGS = ["jazz", "tea", "chess", "hiking", "sushi", "poetry", "cats", "rain", "opera", "tennis", "maps"]
DAYS = ["Monday", "Tuesday", "Friday", "Sunday"]
CHATTER = ["Hello", "Tell me a joke", "How are you?", "Thanks!", "That is interesting", "ok", "What's new?"]


def sentence(rng: random.Random) -> str:
    """One message a learner might type in the middle of a conversation."""
    kind = rng.randrange(6)
    if kind == 0:
        return f"I like {rng.choice(THINGS)}"
    if kind == 1:
        return f"My friend is called {rng.choice(NAMES)}"
    if kind == 2:
        return rng.choice(["What do I like?", "What is my name?", "Where do I live?"])
    if kind == 3:
        return f"Remember that the {rng.choice(THINGS)} club meets on {rng.choice(DAYS)}"
    return rng.choice(CHATTER)


@dataclass
class Recorder:
    """An offline client that keeps every chat request with its response."""

    exchanges: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    def client(self) -> openai.OpenAI:
        def answer(request: httpx2.Request) -> httpx2.Response:
            response = handle_request(request)
            if request.url.path.endswith("/chat/completions"):
                self.exchanges.append((json.loads(request.content), json.loads(response.content)))
            return response

        return openai.OpenAI(api_key="offline", base_url="http://offline-tutor.invalid/v1", max_retries=0,
                             http_client=httpx2.Client(transport=httpx2.MockTransport(answer)))


def converse(window: int, turns: int, seed: int) -> tuple[dict[str, Any], Recorder, list[dict], list[str], list[str]]:
    """A conversation: facts stated first, then `turns` random messages, then questions about the first facts."""
    rng, recorder, events = random.Random(seed), Recorder(), []
    client, agent = recorder.client(), new_agent(context_window=window)
    clock = ticking_clock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc), timedelta(minutes=2))
    said = ["My name is Ada", "I live in Ghent", "Remember that my locker code is 4821"]
    said += [sentence(rng) for _ in range(turns)]
    said += ["What is my name?", "Where do I live?", "What is my locker code?"]
    replies = [memgpt_step(client, agent, text, model=OFFLINE_MODEL, now=clock, on_event=events.append) for text in said]
    return agent, recorder, events, said, replies


def check(window: int, agent, recorder: Recorder, events: list[dict], said: list[str], replies: list[str]) -> None:
    """The guarantees, over every request of the conversation."""
    for body, response in recorder.exchanges:
        counted = count_request(body["messages"], body.get("tools"))
        assert response["usage"]["prompt_tokens"] == counted <= window
        assert pairs_intact(body["messages"])
    summaries = [e["content"] for e in events if e["type"] == "summary"]
    assert all(count_tokens(summary) <= summary_limit(window) for summary in summaries)
    contents = [m.get("content") or "" for body, _ in recorder.exchanges for m in body["messages"]]
    assert any(text.startswith(WARNING_OPENING) for text in contents)
    assert any(text.startswith(NOTE_OPENING) for text in contents)
    users = [entry["text"] for entry in agent["recall"] if entry["role"] == "user" and entry["text"]]
    assert users == said  # every message the user sent, in order
    name, home, code = replies[-3:]
    assert "Ada" in name and "Ghent" in home and "4821" in code, replies[-3:]


def test_three_hundred_turns_in_a_1500_token_window() -> None:
    agent, recorder, events, said, replies = converse(1500, 300, seed=0)
    check(1500, agent, recorder, events, said, replies)
    assert sum(e["type"] == "summary" for e in events) >= 10  # the window filled many times


@settings(max_examples=3, derandomize=True, deadline=None)
@given(window=st.sampled_from([1500, 2000, 3000]), seed=st.integers(0, 10_000))
def test_random_conversations_keep_the_guarantees(window: int, seed: int) -> None:
    check(window, *converse(window, 40 * window // 1500, seed))
