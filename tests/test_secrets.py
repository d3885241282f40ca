"""Secrets: no key in any committed file or notebook output, and none in what helpers print or raise.

Placeholders: a key-shaped string counts as fake (and is allowed in the repository) only if it
contains one of FAKE_MARKERS (for example the FAKE_KEY below), starts with "sk-test-" (as in
tests/test_backend.py), or is shorter than a real key's body (such as "sk-..." in
prose, or OpenAI's own starred echo "sk-proj-****3z").
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import traceback
from pathlib import Path

import httpx2
import openai
import pytest
from dotenv import dotenv_values

from helpers.agent import agent_step
from helpers.backend import describe_backend, make_client, mask_key
from helpers.errors import AgentAPIError

ROOT = Path(__file__).resolve().parent.parent
# sk-, sk-proj-, sk-svcacct-, sk-admin- followed by a long body of key characters.
KEY_SHAPE = re.compile(r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}")
FAKE_MARKERS = ("fake", "example", "placeholder", "dummy", "xxxxxxxx")
# Fake keys are written as two string literals, so that secret scanners reading the source
# (which sees the literal text, not the joined value) do not flag them.
FAKE_KEY = "sk-" "proj-FAKE0KEY0for0tests0only0aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z"


def real_looking_keys(text: str) -> list[str]:
    """Every key-shaped string in `text` that is not an obvious placeholder."""
    return [
        key
        for key in KEY_SHAPE.findall(text)
        if not key.startswith("sk-test-") and not any(marker in key.lower() for marker in FAKE_MARKERS)
    ]


def tracked_files() -> list[Path]:
    """Every file git tracks, as it is in the working tree now."""
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / name for name in listing.stdout.split("\0") if name and (ROOT / name).is_file()]


def the_learners_key() -> str:
    """The key in the environment or in .env, if there is one (never printed)."""
    import os

    env_file = dotenv_values(ROOT / ".env") if (ROOT / ".env").exists() else {}
    return (os.environ.get("OPENAI_API_KEY") or env_file.get("OPENAI_API_KEY") or "").strip()


def test_the_scanner_finds_keys_and_skips_placeholders() -> None:
    real = "sk-proj-" + "Ab3" * 20
    assert real_looking_keys(f"key = '{real}'") == [real]
    assert real_looking_keys("OPENAI_API_KEY=sk-" + "q" * 48) == ["sk-" + "q" * 48]
    assert real_looking_keys(f"{FAKE_KEY} sk-... sk-proj-****3z sk-" "your-EXAMPLE-key-goes-here-123") == []
    assert real_looking_keys("sk-" "test-0123456789abcdefghijklmnop") == []


def test_no_committed_file_contains_a_key() -> None:
    files = tracked_files()
    assert any(path.name == "README.md" for path in files)
    key = the_learners_key()
    found = {}
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        leaks = real_looking_keys(text) + ([key] if len(key) >= 8 and key in text else [])
        if leaks:
            found[str(path.relative_to(ROOT))] = len(leaks)  # counts only: never print a key
    assert found == {}, f"key-shaped strings in: {found}"


def test_no_notebook_output_contains_a_key() -> None:
    key = the_learners_key()
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook.get("cells", []):
            outputs = json.dumps(cell.get("outputs", []))
            assert not real_looking_keys(outputs), f"a key-shaped string in an output of {path.name}"
            assert not (len(key) >= 8 and key in outputs), f"the key in an output of {path.name}"


def test_env_is_ignored_by_git() -> None:
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT)
    assert ignored.returncode == 0
    tracked = subprocess.run(["git", "ls-files", ".env"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert tracked.stdout == ""


@pytest.mark.parametrize("length", [1, 5, 11, 12, 20, 51, 164])
def test_mask_key_never_shows_the_key(length: int) -> None:
    key = ("sk-proj-" + "aB3dE5fG7hJ9" * 14)[:length]
    masked = mask_key(key)
    assert key not in masked
    shown = masked.replace("*", "").replace("...", "")
    assert len(shown) <= 7 and (length >= 12 or shown == "")


@pytest.mark.parametrize("base_url", ["", "http://localhost:11434/v1"], ids=["openai", "custom"])
def test_describe_backend_and_the_client_never_show_the_key(monkeypatch: pytest.MonkeyPatch, base_url: str) -> None:
    monkeypatch.setenv("MEMORY_LAB_OFFLINE", "0")
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    line = describe_backend()
    assert "key sk-...xY3z" in line
    assert not any(FAKE_KEY[i : i + 8] in line for i in range(len(FAKE_KEY) - 7))  # no 8 characters in a row
    assert FAKE_KEY not in repr(make_client())


def client_echoing(message: str, key: str) -> openai.OpenAI:
    """A client whose server rejects `key` with a 401 that quotes `message`."""
    body = {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}}
    transport = httpx2.MockTransport(lambda request: httpx2.Response(401, json=body))
    return openai.OpenAI(api_key=key, base_url="http://test.invalid/v1", http_client=httpx2.Client(transport=transport), max_retries=0)


@pytest.mark.parametrize(
    "key", [FAKE_KEY, "local-server-token-FAKE-123456"], ids=["openai-shaped key", "any key a local server uses"]
)
def test_an_api_error_never_carries_the_key(key: str) -> None:
    client = client_echoing(f"Bad key {key}; partial: sk-proj-*********Y3z.", key)
    with pytest.raises(AgentAPIError) as raised:
        agent_step(client, "hi", {"human": ""}, model="m")
    everything = str(raised.value) + repr(raised.value) + "".join(traceback.format_exception(raised.value))
    assert key not in everything
    assert "[key hidden]" in str(raised.value)


def test_sdk_debug_logging_does_not_show_the_key(caplog: pytest.LogCaptureFixture) -> None:
    client = client_echoing("nope", FAKE_KEY)
    with caplog.at_level(logging.DEBUG), pytest.raises(AgentAPIError):
        agent_step(client, "hi", {"human": ""}, model="m")
    assert caplog.records  # the SDK did log the request
    assert FAKE_KEY not in caplog.text
