"""Choosing the backend: OpenAI, any OpenAI-compatible server, or the offline tutor model.

Every notebook gets a real `openai.OpenAI` client from `make_client()`. Which server it
talks to depends only on a few settings, read from `.env` and the environment:

- `MEMORY_LAB_OFFLINE=1`     -> the offline tutor model (the test suite sets this);
- `OPENAI_BASE_URL` set      -> that OpenAI-compatible server (Ollama, vLLM, LM Studio, ...);
- `OPENAI_API_KEY` set       -> OpenAI;
- nothing set                -> the offline tutor model.
"""

from __future__ import annotations

import os
from typing import Literal

import openai
from dotenv import find_dotenv, load_dotenv

from helpers.offline import OFFLINE_MODEL, offline_client

Backend = Literal["openai", "custom", "offline"]

DEFAULT_MODEL = "gpt-4o-mini"
OPENAI_URL = "https://api.openai.com/v1"
# The SDK retries connection errors, 408, 409, 429 and 5xx with exponential backoff by itself.
CLIENT_DEFAULTS: dict[str, object] = {"max_retries": 2, "timeout": 120.0}


def load_env() -> str | None:
    """Load `.env` from the working folder or the nearest parent; return its path, if any."""
    path = find_dotenv(usecwd=True)
    if path:
        # The environment wins over .env, so `MEMORY_LAB_OFFLINE=1 make test` always holds.
        load_dotenv(path, override=False)
    return path or None


def _setting(name: str) -> str:
    """One setting from the environment, with blanks treated as unset."""
    return os.environ.get(name, "").strip()


def backend_name() -> Backend:
    """Which backend the settings select: "openai", "custom" or "offline" (reads .env first)."""
    load_env()
    if _setting("MEMORY_LAB_OFFLINE") not in ("", "0", "false", "False"):
        return "offline"
    if _setting("OPENAI_BASE_URL"):
        return "custom"
    if _setting("OPENAI_API_KEY"):
        return "openai"
    return "offline"


def model_for(backend: Backend) -> str:
    """The chat model for `backend` (OPENAI_MODEL online), from settings already loaded."""
    if backend == "offline":
        return OFFLINE_MODEL
    return _setting("OPENAI_MODEL") or DEFAULT_MODEL


def model_name() -> str:
    """The model to pass as `model=` for the selected backend."""
    return model_for(backend_name())


def mask_key(key: str) -> str:
    """Show only that a key is there: its first three and last four characters at most."""
    if not key:
        return "(no key)"
    if len(key) < 12:
        return "*" * len(key)
    return f"{key[:3]}...{key[-4:]}"


def describe_backend() -> str:
    """One printable line naming the backend and model in use (the key is masked)."""
    backend = backend_name()
    if backend == "offline":
        return (
            f"Backend: offline tutor model '{OFFLINE_MODEL}' (rule-based, no network). "
            "Set OPENAI_API_KEY in .env to use a real model."
        )
    key = mask_key(_setting("OPENAI_API_KEY"))
    if backend == "custom":
        return f"Backend: OpenAI-compatible server at {_setting('OPENAI_BASE_URL')}, model '{model_name()}', key {key}"
    return f"Backend: OpenAI, model '{model_name()}', key {key}"


def make_client(**kwargs: object) -> openai.OpenAI:
    """A real `openai.OpenAI` client for the selected backend; extra kwargs go to the SDK."""
    kwargs = {**CLIENT_DEFAULTS, **kwargs}  # e.g. make_client(max_retries=5, timeout=300)
    backend = backend_name()
    if backend == "offline":
        return offline_client(**kwargs)
    if backend == "custom":
        # Local servers usually ignore the key, but the SDK requires one to be set.
        key = _setting("OPENAI_API_KEY") or "not-needed"
        return openai.OpenAI(api_key=key, base_url=_setting("OPENAI_BASE_URL"), **kwargs)
    # base_url is given so that a blank OPENAI_BASE_URL= line in .env can't confuse the SDK.
    return openai.OpenAI(api_key=_setting("OPENAI_API_KEY"), base_url=OPENAI_URL, **kwargs)
