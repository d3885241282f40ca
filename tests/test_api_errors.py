"""API failures: each becomes one AgentAPIError naming what to fix, chained to the SDK's error.

A mock transport answers with the error bodies OpenAI really sends ({"error": {"message", "type",
"param", "code"}}), or raises the network errors httpx2 raises; memory must come out untouched.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from typing import Any

import httpx2
import openai
import pytest

from helpers.agent import agent_step
from helpers.backend import CLIENT_DEFAULTS, make_client
from helpers.errors import AgentAPIError, explain_api_errors

# A made-up key in the shape of a real one (the secrets scan skips it: it says "FAKE").
FAKE_KEY = "sk-" "proj-FAKE0KEY0for0tests0only0aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z"  # split: see test_secrets.py


def openai_error(status: int, message: str, type_: str, code: str | None, param: str | None = None) -> httpx2.Response:
    """An error response in the exact shape the OpenAI API uses."""
    body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    return httpx2.Response(status, json=body, headers={"retry-after-ms": "1"})  # keep SDK retries instant


WRONG_KEY = openai_error(
    401,
    "Incorrect API key provided: sk-proj-********************************************3z. "
    "You can find your API key at https://platform.openai.com/account/api-keys.",
    "invalid_request_error",
    "invalid_api_key",
)
UNKNOWN_MODEL = openai_error(
    404, "The model `gpt-4o-mni` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found"
)
NO_ACCESS = openai_error(
    403, "Project `proj_abc` does not have access to model `gpt-4o`", "invalid_request_error", "model_not_found"
)
RATE_LIMIT = openai_error(
    429,
    "Rate limit reached for gpt-4o-mini in organization org-abc on tokens per min (TPM): Limit 200000, "
    "Used 199500, Requested 1200. Please try again in 210ms.",
    "tokens",
    "rate_limit_exceeded",
)
NO_QUOTA = openai_error(
    429,
    "You exceeded your current quota, please check your plan and billing details.",
    "insufficient_quota",
    "insufficient_quota",
)
SERVER_ERROR = openai_error(
    500, "The server had an error while processing your request. Sorry about that!", "server_error", None
)
OVERLOADED = openai_error(503, "The engine is currently overloaded, please try again later", "server_error", None)
TOO_LONG = openai_error(
    400,
    "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. "
    "Please reduce the length of the messages.",
    "invalid_request_error",
    "context_length_exceeded",
    "messages",
)


def fails_with(outcome: httpx2.Response | type[Exception]) -> Callable[[httpx2.Request], httpx2.Response]:
    """A transport handler that always answers with `outcome`, or raises it as a network error."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        if isinstance(outcome, httpx2.Response):
            return httpx2.Response(outcome.status_code, headers=outcome.headers, content=outcome.content)
        raise outcome("simulated network failure", request=request)

    return handler


def client_for(handler: Callable[[httpx2.Request], httpx2.Response], *, retries: int = 0) -> tuple[openai.OpenAI, list[httpx2.Request]]:
    """A real client on a mock transport, and the list of requests it sent (retries included)."""
    sent: list[httpx2.Request] = []

    def recording(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        return handler(request)

    http_client = httpx2.Client(transport=httpx2.MockTransport(recording))
    client = openai.OpenAI(api_key=FAKE_KEY, base_url="http://test.invalid/v1", http_client=http_client, max_retries=retries)
    return client, sent


# (case, what the server does, SDK error type, phrases the message must contain)
FAILURES = [
    ("401 wrong key", WRONG_KEY, openai.AuthenticationError, ["(401)", "OPENAI_API_KEY", "restart the kernel"]),
    ("403 no access", NO_ACCESS, openai.PermissionDeniedError, ["(403)", "OPENAI_API_KEY", "OPENAI_MODEL"]),
    ("404 unknown model", UNKNOWN_MODEL, openai.NotFoundError, ["(404)", "OPENAI_MODEL", "gpt-4o-mni"]),
    ("429 rate limit", RATE_LIMIT, openai.RateLimitError, ["Rate limit", "Wait a minute", "max_retries"]),
    ("429 no quota", NO_QUOTA, openai.RateLimitError, ["insufficient_quota", "waiting will not help", "billing"]),
    ("500 server error", SERVER_ERROR, openai.InternalServerError, ["internal error (500)", "try again"]),
    ("503 overloaded", OVERLOADED, openai.InternalServerError, ["internal error (503)", "overloaded"]),
    ("502 html page", httpx2.Response(502, text="<html>Bad gateway</html>"), openai.InternalServerError, ["(502)"]),
    ("400 context too long", TOO_LONG, openai.BadRequestError, ["context_length_exceeded", "new conversation", "OPENAI_MODEL"]),
    ("422 other refusal", httpx2.Response(422, json={"detail": "tools not supported"}), openai.UnprocessableEntityError, ["(422)", "OPENAI_MODEL", "OPENAI_BASE_URL"]),
    ("timeout", httpx2.ReadTimeout, openai.APITimeoutError, ["did not answer in time", "timeout="]),
    ("connect timeout", httpx2.ConnectTimeout, openai.APITimeoutError, ["did not answer in time"]),
    ("no connection", httpx2.ConnectError, openai.APIConnectionError, ["http://test.invalid", "network", "OPENAI_BASE_URL"]),
    ("connection dropped", httpx2.RemoteProtocolError, openai.APIConnectionError, ["OPENAI_BASE_URL"]),
]


@pytest.mark.parametrize(("case", "outcome", "sdk_error", "phrases"), FAILURES, ids=[f[0] for f in FAILURES])
def test_each_failure_becomes_one_clear_error_and_memory_is_untouched(
    case: str, outcome: Any, sdk_error: type[Exception], phrases: list[str]
) -> None:
    memory = {"human": "Name: Bob", "agent": "I am helpful."}
    client, sent = client_for(fails_with(outcome))

    with pytest.raises(AgentAPIError) as raised:
        agent_step(client, "What is my name?", memory, model="gpt-4o-mini")

    message = str(raised.value)
    assert type(raised.value.__cause__) is sdk_error  # chained: `raise ... from sdk_error`
    for phrase in phrases:
        assert phrase in message, (phrase, message)
    assert "Error code:" not in message  # ours, not the SDK's raw text
    assert FAKE_KEY not in message and "sk-proj-" not in message
    assert len(sent) == 1  # max_retries=0
    assert memory == {"human": "Name: Bob", "agent": "I am helpful."}


def test_rate_limit_and_quota_give_different_next_steps() -> None:
    messages = []
    for response in (RATE_LIMIT, NO_QUOTA):
        client, _ = client_for(fails_with(response))
        with pytest.raises(AgentAPIError) as raised, explain_api_errors():
            client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
        messages.append(str(raised.value))
    assert "Wait a minute" in messages[0] and "billing" not in messages[0]
    assert "waiting will not help" in messages[1] and "Wait a minute" not in messages[1]


def test_the_sdk_retries_server_errors_itself_and_then_succeeds() -> None:
    answers = [SERVER_ERROR, OVERLOADED]
    ok = {"id": "c", "object": "chat.completion", "created": 0, "model": "m",
          "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Bob."}}]}

    def handler(request: httpx2.Request) -> httpx2.Response:
        return fails_with(answers.pop(0))(request) if answers else httpx2.Response(200, json=ok)

    client, sent = client_for(handler, retries=2)
    assert agent_step(client, "What is my name?", {"human": "Name: Bob"}, model="m") == "Bob."
    assert len(sent) == 3  # two failures retried by the SDK, then the answer


def test_after_the_retries_run_out_the_error_is_explained() -> None:
    client, sent = client_for(fails_with(RATE_LIMIT), retries=2)
    with pytest.raises(AgentAPIError, match="Rate limit"):
        agent_step(client, "hi", {"human": ""}, model="m")
    assert len(sent) == 3


def test_a_wrong_key_is_not_retried() -> None:
    client, sent = client_for(fails_with(WRONG_KEY), retries=2)
    with pytest.raises(AgentAPIError, match="OPENAI_API_KEY"):
        agent_step(client, "hi", {"human": ""}, model="m")
    assert len(sent) == 1


def test_a_failure_after_a_save_keeps_what_was_saved() -> None:
    save = {"id": "c", "object": "chat.completion", "created": 0, "model": "m", "choices": [{
        "index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": None, "tool_calls": [{
            "id": "call_1", "type": "function",
            "function": {"name": "core_memory_save", "arguments": '{"section": "human", "memory": "Name: Bob"}'}}]}}]}
    answers = [httpx2.Response(200, json=save)]
    client, _ = client_for(lambda request: answers.pop(0) if answers else fails_with(SERVER_ERROR)(request))
    memory = {"human": "", "agent": ""}
    with pytest.raises(AgentAPIError, match="500"):
        agent_step(client, "My name is Bob", memory, model="m")
    assert memory == {"human": "Name: Bob", "agent": ""}


def test_a_real_refused_connection_names_the_base_url() -> None:
    # Nothing listens on port 9 of this machine, so the connection is refused at once, offline.
    client = openai.OpenAI(api_key=FAKE_KEY, base_url="http://127.0.0.1:9/v1", max_retries=0, timeout=5)
    with pytest.raises(AgentAPIError, match=r"Could not reach the model server at http://127\.0\.0\.1.*OPENAI_BASE_URL"):
        agent_step(client, "hi", {"human": ""}, model="m")


def test_a_server_that_echoes_the_full_key_gets_it_hidden_everywhere() -> None:
    echo = openai_error(401, f"Invalid token {FAKE_KEY} for this server", "auth", None)
    client, _ = client_for(fails_with(echo))
    with pytest.raises(AgentAPIError) as raised:
        agent_step(client, "hi", {"human": ""}, model="m")
    trace = "".join(traceback.format_exception(raised.value))  # what a notebook would show, chain included
    assert "AuthenticationError" in trace and "Invalid token [key hidden]" in trace
    assert FAKE_KEY not in trace and FAKE_KEY not in repr(raised.value)


def test_errors_that_are_not_from_the_api_pass_through_unchanged() -> None:
    with pytest.raises(KeyError), explain_api_errors():
        raise KeyError("not an API problem")


def test_make_client_sets_retries_and_a_timeout_that_kwargs_override() -> None:
    client = make_client()
    assert client.max_retries == CLIENT_DEFAULTS["max_retries"] == 2
    assert client.timeout == CLIENT_DEFAULTS["timeout"]
    custom = make_client(max_retries=0, timeout=3.0)
    assert (custom.max_retries, custom.timeout) == (0, 3.0)


def test_the_offline_backend_still_answers_through_agent_step() -> None:
    memory = {"human": "", "agent": ""}
    reply = agent_step(make_client(), "My name is Bob", memory)
    assert "Bob" in memory["human"] and reply
    assert json.dumps(memory)  # still a plain dict of strings


def test_an_unknown_embedding_model_names_its_own_setting() -> None:
    missing = openai_error(404, "The model `text-embedding-9` does not exist", "invalid_request_error", "model_not_found")
    client, _ = client_for(fails_with(missing))
    with pytest.raises(AgentAPIError) as raised, explain_api_errors():
        client.embeddings.create(model="text-embedding-9", input=["hello"])
    assert "Set OPENAI_EMBEDDING_MODEL" in str(raised.value)
    assert type(raised.value.__cause__) is openai.NotFoundError
