"""Backend selection, .env loading and key masking, checked at the HTTP level with a mock transport."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx2
import pytest

from helpers.backend import backend_name, describe_backend, load_env, make_client, mask_key, model_name
from helpers.memory import CORE_MEMORY_SAVE_TOOL
from helpers.offline import OFFLINE_MODEL

SETTINGS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "MEMORY_LAB_OFFLINE")
FAKE_KEY = "sk-" "test-0123456789abcdefghijklmnop"  # split: see test_secrets.py


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """No settings, no .env in reach, and the environment restored afterwards (load_dotenv writes to it)."""
    saved = dict(os.environ)
    for name in SETTINGS:
        os.environ.pop(name, None)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    os.environ.clear()
    os.environ.update(saved)


def recording_client(**settings: str) -> tuple[object, list[httpx2.Request]]:
    """A client made by make_client() whose HTTP requests are recorded instead of sent."""
    os.environ.update(settings)
    sent: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        reply = {"role": "assistant", "content": "hi"}
        return httpx2.Response(200, json={
            "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "finish_reason": "stop", "message": reply}],
        })

    client = make_client(http_client=httpx2.Client(transport=httpx2.MockTransport(handler)), max_retries=0)
    return client, sent


def test_nothing_set_means_the_offline_tutor(clean_env):
    assert backend_name() == "offline"
    assert model_name() == OFFLINE_MODEL
    assert "offline tutor model" in describe_backend()
    reply = make_client().chat.completions.create(model=model_name(), messages=[{"role": "user", "content": "hello"}])
    assert reply.model == OFFLINE_MODEL


def test_a_key_means_openai_with_gpt_4o_mini(clean_env):
    client, sent = recording_client(OPENAI_API_KEY=FAKE_KEY)
    assert backend_name() == "openai" and model_name() == "gpt-4o-mini"
    client.chat.completions.create(
        model=model_name(), messages=[{"role": "user", "content": "My name is Bob"}], tools=[CORE_MEMORY_SAVE_TOOL]
    )
    (request,) = sent
    assert str(request.url) == "https://api.openai.com/v1/chat/completions"
    assert request.method == "POST"
    assert request.headers["authorization"] == f"Bearer {FAKE_KEY}"
    body = json.loads(request.content)
    assert body["model"] == "gpt-4o-mini"
    assert body["tools"] == [CORE_MEMORY_SAVE_TOOL]
    assert body["messages"] == [{"role": "user", "content": "My name is Bob"}]


def test_openai_model_picks_the_model(clean_env):
    client, sent = recording_client(OPENAI_API_KEY=FAKE_KEY, OPENAI_MODEL="gpt-4o")
    client.chat.completions.create(model=model_name(), messages=[{"role": "user", "content": "hi"}])
    assert json.loads(sent[0].content)["model"] == "gpt-4o"


def test_a_base_url_means_that_server_with_no_key_needed(clean_env):
    client, sent = recording_client(OPENAI_BASE_URL="http://localhost:11434/v1", OPENAI_MODEL="llama3.1")
    assert backend_name() == "custom"
    client.chat.completions.create(model=model_name(), messages=[{"role": "user", "content": "hi"}])
    (request,) = sent
    assert str(request.url) == "http://localhost:11434/v1/chat/completions"
    assert json.loads(request.content)["model"] == "llama3.1"
    assert "localhost:11434" in describe_backend()


def test_a_base_url_with_a_key_sends_the_key(clean_env):
    client, sent = recording_client(OPENAI_BASE_URL="http://127.0.0.1:8000/v1", OPENAI_API_KEY=FAKE_KEY)
    client.chat.completions.create(model=model_name(), messages=[{"role": "user", "content": "hi"}])
    assert sent[0].headers["authorization"] == f"Bearer {FAKE_KEY}"


@pytest.mark.parametrize("flag", ["1", "true", "yes"])
def test_memory_lab_offline_wins_over_a_key(clean_env, flag):
    os.environ.update(OPENAI_API_KEY=FAKE_KEY, OPENAI_BASE_URL="http://localhost:1/v1", MEMORY_LAB_OFFLINE=flag)
    assert backend_name() == "offline"


@pytest.mark.parametrize("flag", ["", "0", "false"])
def test_memory_lab_offline_off_values(clean_env, flag):
    os.environ.update(OPENAI_API_KEY=FAKE_KEY, MEMORY_LAB_OFFLINE=flag)
    assert backend_name() == "openai"


def test_dotenv_is_found_from_the_notebooks_folder(clean_env):
    (clean_env / ".env").write_text(f"OPENAI_API_KEY={FAKE_KEY}\nOPENAI_MODEL=gpt-4o\n")
    (clean_env / "notebooks").mkdir()
    os.chdir(clean_env / "notebooks")
    assert load_env() == str(clean_env / ".env")
    assert backend_name() == "openai"
    assert model_name() == "gpt-4o"


def test_the_environment_beats_dotenv(clean_env):
    (clean_env / ".env").write_text(f"OPENAI_API_KEY={FAKE_KEY}\n")
    os.environ["MEMORY_LAB_OFFLINE"] = "1"
    assert backend_name() == "offline"


def test_blank_lines_copied_from_env_example_count_as_unset(clean_env):
    (clean_env / ".env").write_text(f"OPENAI_API_KEY={FAKE_KEY}\nOPENAI_BASE_URL=\nOPENAI_MODEL=\nMEMORY_LAB_OFFLINE=\n")
    client, sent = recording_client()
    assert backend_name() == "openai" and model_name() == "gpt-4o-mini"
    client.chat.completions.create(model=model_name(), messages=[{"role": "user", "content": "hi"}])
    assert str(sent[0].url) == "https://api.openai.com/v1/chat/completions"


@pytest.mark.parametrize(
    ("key", "shown"),
    [("", "(no key)"), ("short", "*****"), (FAKE_KEY, "sk-...mnop"), ("sk-proj-" + "x" * 40 + "WXYZ", "sk-...WXYZ")],
)
def test_mask_key_hides_the_key(key, shown):
    assert mask_key(key) == shown


def test_describe_backend_never_shows_the_key(clean_env):
    os.environ["OPENAI_API_KEY"] = FAKE_KEY
    line = describe_backend()
    assert FAKE_KEY not in line and FAKE_KEY[3:-4] not in line
    assert "sk-...mnop" in line and "gpt-4o-mini" in line


def test_online_embeddings_go_to_openai_with_text_embedding_3_small(clean_env):
    import base64

    import numpy as np

    from helpers.embeddings import embed

    os.environ["OPENAI_API_KEY"] = FAKE_KEY
    sent: list[dict] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        sent.append({"url": str(request.url), "auth": request.headers["authorization"], **body})
        vector = np.array([3.0, 4.0], dtype=np.float32)
        encoded = base64.b64encode(vector.tobytes()).decode() if body.get("encoding_format") == "base64" else vector.tolist()
        data = [{"object": "embedding", "index": i, "embedding": encoded} for i in range(len(body["input"]))]
        return httpx2.Response(200, json={"object": "list", "data": data, "model": body["model"],
                                           "usage": {"prompt_tokens": 2, "total_tokens": 2}})

    client = make_client(http_client=httpx2.Client(transport=httpx2.MockTransport(handler)), max_retries=0)
    rows = embed(client, ["The human likes tea", "The human lives in Leeds"])
    (request,) = sent
    assert request["url"] == "https://api.openai.com/v1/embeddings"
    assert request["auth"] == f"Bearer {FAKE_KEY}"
    assert request["model"] == "text-embedding-3-small"
    assert request["input"] == ["The human likes tea", "The human lives in Leeds"]
    assert np.allclose(rows, [[0.6, 0.8], [0.6, 0.8]])
