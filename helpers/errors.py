"""API failures as one clear error: what went wrong, and which setting or next step fixes it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2
import openai

# Anything shaped like an OpenAI key, including OpenAI's own partly starred echo of a wrong key.
KEY_PATTERN = re.compile(r"\bsk-[A-Za-z0-9_*\-]{4,}")


class AgentAPIError(RuntimeError):
    """A model or embeddings call failed; the message names the setting to fix or the next step."""


def hide_keys(text: str, request: httpx2.Request | None = None) -> str:
    """`text` with every key-shaped string, and the key the request actually sent, replaced."""
    sent = request.headers.get("authorization", "") if request is not None else ""
    sent_key = sent.removeprefix("Bearer ").strip()
    if len(sent_key) >= 8:  # placeholders such as "offline" are not secrets worth hiding
        text = text.replace(sent_key, "[key hidden]")
    return KEY_PATTERN.sub("[key hidden]", text)


def server_said(error: openai.APIError) -> str:
    """The server's own error message, if it sent one, with any key hidden."""
    body = error.body
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message:
        return ""
    return f" The server said: {hide_keys(message, error.request)}"


def explain(error: openai.APIError) -> str:
    """One sentence saying what went wrong in an SDK error and what to do about it."""
    if isinstance(error, openai.APITimeoutError):
        return (
            "The model server did not answer in time, even after the SDK's retries. Try again; "
            "for a slow local server allow longer with make_client(timeout=300)."
        )
    if isinstance(error, openai.APIConnectionError):
        host = f"{error.request.url.scheme}://{error.request.url.host}"
        return (
            f"Could not reach the model server at {host}. Check your network connection, and check "
            "OPENAI_BASE_URL in .env (for a local server: is it running, and does the URL end in /v1?)."
        )
    if not isinstance(error, openai.APIStatusError):
        return (
            "The server's answer was not a chat completion. Check that OPENAI_BASE_URL points to an "
            "OpenAI-compatible /v1 endpoint." + server_said(error)
        )
    status, code = error.status_code, error.code or ""
    # Embeddings (archival memory) have their own model setting.
    setting = "OPENAI_EMBEDDING_MODEL" if error.request.url.path.endswith("/embeddings") else "OPENAI_MODEL"
    if status == 401:
        text = (
            "The server rejected the API key (401). Put a valid key in OPENAI_API_KEY in .env "
            "(https://platform.openai.com/api-keys), then restart the kernel."
        )
    elif status == 403:
        text = (
            "The key is not allowed to do this (403). Check the project and permissions of "
            f"OPENAI_API_KEY, or choose another {setting}."
        )
    elif status == 404:
        text = (
            f"The server does not know this model or address (404). Set {setting} to a model your "
            "account or server offers, and check OPENAI_BASE_URL if you set it."
        )
    elif status == 429 and code == "insufficient_quota":
        text = (
            "The account behind OPENAI_API_KEY has no quota left (429 insufficient_quota); waiting "
            "will not help. Add credit at https://platform.openai.com/settings/organization/billing "
            "or use another key."
        )
    elif status == 429:
        text = (
            "Rate limit reached (429): too many requests or tokens per minute, even after the SDK's "
            "retries. Wait a minute and run the cell again, or allow more retries with "
            "make_client(max_retries=5)."
        )
    elif status == 400 and code == "context_length_exceeded":
        text = (
            "The conversation no longer fits the model's context window (400 context_length_exceeded). "
            f"Start a new conversation, shorten the memory sections, or pick an {setting} with a "
            "larger context."
        )
    elif status >= 500:
        text = (
            f"The model server had an internal error ({status}), even after the SDK's retries. It is "
            "not your code: wait a moment and try again (https://status.openai.com, or your local "
            "server's log if OPENAI_BASE_URL is set)."
        )
    else:
        text = (
            f"The server refused the request ({status}). Check that {setting} is right (a chat model "
            "must support tool calls) and that OPENAI_BASE_URL points to an OpenAI-compatible server."
        )
    return text + server_said(error)


@contextmanager
def explain_api_errors() -> Iterator[None]:
    """Turn any SDK API or connection error raised inside the block into an AgentAPIError."""
    try:
        yield
    except openai.APIError as error:
        # The SDK's own message is shown in the traceback too, so hide any key echoed in it.
        error.message = hide_keys(error.message, error.request)
        error.args = (error.message,)
        raise AgentAPIError(explain(error)) from error
