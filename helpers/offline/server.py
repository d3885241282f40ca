"""The HTTP surface: route a request, check it as the real API does, answer with OpenAI-shaped JSON."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import struct
from typing import Any

import httpx2
import openai

from helpers.offline.context import message_text, read_conversation
from helpers.offline.embeddings import EMBEDDING_DIMENSIONS, OFFLINE_EMBEDDING_MODEL, offline_embedding
from helpers.offline.policy import decide
from helpers.tokens import count_completion, count_request

OFFLINE_MODEL = "memory-lab-offline-tutor"
# The .invalid top-level domain never resolves, so nothing here can reach the network.
OFFLINE_BASE_URL = "http://offline-tutor.invalid/v1"
ROLES = ("system", "developer", "user", "assistant", "tool", "function")


class RequestError(Exception):
    """A request the real API would reject; becomes an HTTP error response."""

    def __init__(self, message: str, status: int = 400, param: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.param = param


def offline_transport() -> httpx2.MockTransport:
    """An httpx2 transport that answers OpenAI API requests with the offline tutor model."""
    return httpx2.MockTransport(handle_request)


def offline_client(**kwargs: Any) -> openai.OpenAI:
    """A real `openai.OpenAI` client wired to the offline tutor model, whatever backend is configured."""
    http_client = httpx2.Client(transport=offline_transport())
    return openai.OpenAI(api_key="offline", base_url=OFFLINE_BASE_URL, http_client=http_client, **kwargs)


def handle_request(request: httpx2.Request) -> httpx2.Response:
    """Answer one HTTP request the way the OpenAI API would."""
    path = request.url.path.rstrip("/")
    try:
        if request.method == "GET" and path.endswith("/models"):
            return httpx2.Response(200, json=list_models())
        if request.method == "POST" and path.endswith("/chat/completions"):
            return httpx2.Response(200, json=chat_completion(_json_body(request)))
        if request.method == "POST" and path.endswith("/embeddings"):
            return httpx2.Response(200, json=embeddings_response(_json_body(request)))
        raise RequestError(
            f"The offline tutor model does not serve {request.method} {path}. "
            "It answers /v1/chat/completions, /v1/embeddings and /v1/models.",
            status=404,
        )
    except RequestError as error:
        kind = "invalid_request_error"
        return httpx2.Response(
            error.status,
            json={"error": {"message": str(error), "type": kind, "param": error.param, "code": None}},
        )


def _json_body(request: httpx2.Request) -> dict[str, Any]:
    """The request's JSON body, which must be an object."""
    try:
        body = json.loads(request.content)
    except ValueError:
        raise RequestError("We could not parse the JSON body of your request.") from None
    if not isinstance(body, dict):
        raise RequestError("The request body must be a JSON object.")
    return body


def list_models() -> dict[str, Any]:
    """The `/v1/models` answer: just the offline tutor model."""
    model = {"id": OFFLINE_MODEL, "object": "model", "created": 0, "owned_by": "memory-lab"}
    return {"object": "list", "data": [model]}


def estimate_tokens(text: str) -> int:
    """A rough token count: about four characters a token (an estimate, not a tokenizer)."""
    return math.ceil(len(text) / 4)


def _stable_id(prefix: str, *parts: str) -> str:
    """An id derived from the request, so the same request gets the same id."""
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return f"{prefix}{digest[:24]}"


# ---------------------------------------------------------------------------------------------
# Checking a chat request as the real API does
# ---------------------------------------------------------------------------------------------


def _content(message: dict[str, Any], param: str) -> str:
    """A message's content as text, or the API's error for a content of the wrong type."""
    content = message.get("content")
    if content is not None and not isinstance(content, (str, list)):
        raise RequestError("Invalid type for 'content': expected a string, an array of parts, or null.", param=f"{param}.content")
    return message_text(content)


def _unanswered(pending: set[str]) -> RequestError:
    """The API's error for tool calls that no tool message answers."""
    return RequestError(
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
        f"'tool_call_id'. The following tool_call_ids did not have response messages: {', '.join(sorted(pending))}",
        param="messages",
    )


def validate_messages(messages: Any) -> list[dict[str, Any]]:
    """Check the messages as the real API does: roles, content, and every tool call answered."""
    if not isinstance(messages, list) or not messages:
        raise RequestError("'messages' must be a non-empty array.", param="messages")
    pending: set[str] = set()
    for index, message in enumerate(messages):
        param = f"messages.[{index}]"
        if not isinstance(message, dict):
            raise RequestError(f"Invalid type for '{param}': expected an object.", param=param)
        role = message.get("role")
        if role not in ROLES:
            raise RequestError(
                f"Invalid value for '{param}.role': {role!r}. Supported values are: "
                + ", ".join(repr(r) for r in ROLES) + ".",
                param=f"{param}.role",
            )
        _content(message, param)
        if role == "tool":
            call_id = message.get("tool_call_id")
            if call_id not in pending:
                raise RequestError(
                    "Invalid parameter: messages with role 'tool' must be a response to a "
                    "preceding message with 'tool_calls'.",
                    param=f"{param}.role",
                )
            pending.discard(call_id)
            continue
        if pending:
            raise _unanswered(pending)
        if role == "assistant":
            calls = message.get("tool_calls") or []
            if message.get("content") is None and not calls and not message.get("function_call"):
                raise RequestError("Invalid value for 'content': expected a string, got null.", param=f"{param}.content")
            for call in calls:
                if not isinstance(call, dict) or not isinstance(call.get("id"), str):
                    raise RequestError(f"Invalid '{param}.tool_calls': each needs an 'id'.", param=param)
                pending.add(call["id"])
    if pending:
        raise _unanswered(pending)
    return messages


def offered_tools(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The function tools in the request, by name."""
    tools = body.get("tools") or []
    if not isinstance(tools, list):
        raise RequestError("Invalid type for 'tools': expected an array.", param="tools")
    offered: dict[str, dict[str, Any]] = {}
    for index, tool in enumerate(tools):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            raise RequestError(
                f"Missing required parameter: 'tools[{index}].function.name'.", param=f"tools[{index}]"
            )
        offered[function["name"]] = function
    return offered


def tool_choice(body: dict[str, Any], tools: dict[str, dict[str, Any]]) -> Any:
    """The request's `tool_choice`, checked: "none", "auto", "required", or a function that is offered."""
    choice = body.get("tool_choice")
    if choice is None:
        return "auto"
    if not tools:
        raise RequestError(
            "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
            param="tool_choice",
        )
    if choice in ("none", "auto", "required"):
        return choice
    function = choice.get("function") if isinstance(choice, dict) else None
    name = function.get("name") if isinstance(function, dict) else None
    if not isinstance(choice, dict) or choice.get("type") != "function" or not isinstance(name, str):
        raise RequestError(
            "Invalid value for 'tool_choice': expected 'none', 'auto', 'required', or "
            '{"type": "function", "function": {"name": "..."}}.',
            param="tool_choice",
        )
    if name not in tools:
        raise RequestError(
            f"Invalid value for 'tool_choice': no function named {name!r} is in 'tools'.", param="tool_choice"
        )
    return choice


# ---------------------------------------------------------------------------------------------
# The response bodies
# ---------------------------------------------------------------------------------------------


def chat_completion(body: dict[str, Any]) -> dict[str, Any]:
    """Answer a `/v1/chat/completions` request body with a response body (both plain JSON)."""
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise RequestError("You must provide a model parameter.", param="model")
    messages = validate_messages(body.get("messages"))
    tools = offered_tools(body)
    choice = tool_choice(body, tools)
    decision = decide(read_conversation(messages, tools), choice, body.get("parallel_tool_calls") is not False)

    request_key = json.dumps(body, sort_keys=True, default=str)
    message: dict[str, Any] = {"role": "assistant", "content": decision.content, "refusal": None}
    if decision.tool_calls:
        message["tool_calls"] = [
            {
                "id": _stable_id("call_", request_key, str(index)),
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(arguments, ensure_ascii=False)},
            }
            for index, (name, arguments) in enumerate(decision.tool_calls)
        ]
    prompt_tokens = count_request(messages, body.get("tools"))  # the course's count: its calibration ratio is 1
    completion_tokens = count_completion(decision.content, message.get("tool_calls", []))
    return {
        "id": _stable_id("chatcmpl-offline-", request_key),
        "object": "chat.completion",
        "created": 0,
        "model": OFFLINE_MODEL,
        "system_fingerprint": "offline-tutor",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls" if decision.tool_calls else "stop",
                "logprobs": None,
                "message": message,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def embeddings_response(body: dict[str, Any]) -> dict[str, Any]:
    """Answer a `/v1/embeddings` request body the way the API does (floats, or base64 if asked)."""
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise RequestError("You must provide a model parameter.", param="model")
    inputs = body.get("input")
    if isinstance(inputs, str):
        inputs = [inputs]
    if not isinstance(inputs, list) or not inputs or not all(isinstance(text, str) for text in inputs):
        raise RequestError(
            "The offline embedding model takes 'input' as a string or a non-empty array of strings "
            "(not token ids).",
            param="input",
        )
    if len(inputs) > 2048:
        raise RequestError("'input' may hold at most 2048 texts per request; send them in batches.", param="input")
    if any(not text for text in inputs):
        raise RequestError("'$.input' is invalid: an input cannot be an empty string.", param="input")
    encoding = body.get("encoding_format") or "float"
    if encoding not in ("float", "base64"):
        raise RequestError(
            f"Invalid value for 'encoding_format': {encoding!r}. Supported values are: 'float' and 'base64'.",
            param="encoding_format",
        )
    dimensions = body.get("dimensions")
    dimensions = EMBEDDING_DIMENSIONS if dimensions is None else dimensions
    if not isinstance(dimensions, int) or isinstance(dimensions, bool) or not 1 <= dimensions <= 3072:
        raise RequestError("'dimensions' must be a whole number from 1 to 3072.", param="dimensions")
    data = []
    for index, text in enumerate(inputs):
        vector = offline_embedding(text, dimensions)
        if encoding == "base64":  # what the SDK asks for by default: little-endian float32 bytes
            encoded: Any = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
        else:
            encoded = vector
        data.append({"object": "embedding", "index": index, "embedding": encoded})
    tokens = sum(estimate_tokens(text) for text in inputs)
    return {
        "object": "list",
        "data": data,
        "model": OFFLINE_EMBEDDING_MODEL,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
