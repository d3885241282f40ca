"""Shared fixtures. `scripted_model`: a real `openai.OpenAI` client whose server answers from a script.

The model's answers are written in the test, so a loop test depends on what the loop does, not on
what a tutor would say. Every request is recorded: the tests check exactly what the model was sent.
Embeddings requests are answered with the offline embedding (deterministic, word-based).

A turn of the script is one of:
- "text", or None: an assistant message with that content and no tool call (None: an empty message);
- (content, [(name, arguments), ...]): a message with tool calls, each (name, arguments) or
  (name, arguments, id); arguments a dict (sent as JSON) or a string (sent as it is);
- a dict: a whole chat-completion body, sent as it is (e.g. one with no choices);
- an httpx2.Response: sent as it is (an API error, say).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
import openai
import pytest
from hypothesis import settings

from helpers.offline import embeddings_response

# Property tests explore new examples on a developer's machine; under CI they replay a fixed set, so
# a run is never red by chance. (Set CI=true locally to reproduce a CI run exactly.)
settings.register_profile("ci", derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

Turn = Any  # see the module docstring


def completion(turn: Turn, number: int) -> dict[str, Any]:
    """The chat-completion body for one turn of a script (`number`: which request it answers, from 1)."""
    if isinstance(turn, dict):
        return turn
    content, calls = turn if isinstance(turn, tuple) else (turn, [])
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if calls:
        message["tool_calls"] = [
            {
                "id": call[2] if len(call) > 2 else f"call_{number}_{index}",
                "type": "function",
                "function": {"name": call[0], "arguments": call[1] if isinstance(call[1], str) else json.dumps(call[1])},
            }
            for index, call in enumerate(calls)
        ]
    choice = {"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}
    return {"id": f"chatcmpl-{number}", "object": "chat.completion", "created": 0, "model": "scripted", "choices": [choice]}


@dataclass
class ScriptedModel:
    """A client, the script it answers from, and what it was sent."""

    script: list[Turn]
    client: openai.OpenAI = field(init=False)
    requests: list[dict[str, Any]] = field(default_factory=list)  # chat-completion request bodies, in order
    embedding_requests: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        transport = httpx2.MockTransport(self.answer)
        self.client = openai.OpenAI(api_key="scripted", base_url="http://scripted.invalid/v1", max_retries=0,
                                    http_client=httpx2.Client(transport=transport))

    def answer(self, request: httpx2.Request) -> httpx2.Response:
        """Answer one HTTP request: embeddings from the offline embedding, chat from the script."""
        body = json.loads(request.content)
        if request.url.path.endswith("/embeddings"):
            self.embedding_requests.append(body)
            return httpx2.Response(200, json=embeddings_response(body))
        self.requests.append(body)
        if not self.script:
            error = {"message": f"The script has no answer left for request {len(self.requests)}.", "type": "test"}
            return httpx2.Response(400, json={"error": error})
        turn = self.script.pop(0)
        return turn if isinstance(turn, httpx2.Response) else httpx2.Response(200, json=completion(turn, len(self.requests)))


@pytest.fixture
def scripted_model() -> Callable[..., ScriptedModel]:
    """Make a scripted model: `scripted_model(turn, turn, ...)` (see the module docstring for turns)."""
    return lambda *turns: ScriptedModel(list(turns))
