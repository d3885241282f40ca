"""The benchmark: its file format, the generator, the agents, the harness (a small slice, offline), the CLI."""

from __future__ import annotations

import copy
import hashlib
import json
from collections import Counter
from pathlib import Path

import httpx2
import pytest

from helpers.evaluation import __main__ as cli
from helpers.evaluation.agents import AGENTS, Settings, newest_within
from helpers.evaluation.chart import save_chart
from helpers.evaluation.dataset import DatasetError, dumps_dataset, load_dataset, parse_dataset, question_date
from helpers.evaluation.generator import DEFAULT_DATASET, SESSIONS, generate
from helpers.evaluation.harness import Meter, add_verdicts, evaluate, metered_client, write_atomically
from helpers.evaluation.scoring import CATEGORIES, normalize
from helpers.offline import OFFLINE_MODEL, offline_client

# A conversation written by hand in the documented format: no question_date, an extra key, its own ids.
HANDWRITTEN = {
    "id": "by-hand", "note": "extra keys are ignored",
    "sessions": [
        {"date": "2025-05-01", "messages": [{"role": "user", "content": "Hi! I'm Ada and I live in Leeds."},
                                            {"role": "assistant", "content": "Hi Ada!"}]},
        {"date": "2025-05-09", "messages": [{"role": "user", "content": "My cat is called Mochi."}]},
    ],
    "questions": [
        {"question": "What's my cat called?", "answer": "Mochi", "category": "single_session"},
        {"question": "Where do I live?", "answer": "Leeds", "category": "single_session"},
        {"question": "What's my dog called?", "answer": "(never said)", "category": "abstention"},
    ],
}


# --- the generator -----------------------------------------------------------------------------

def test_the_generator_is_deterministic_and_the_seed_matters():
    assert generate(7, 3) == generate(7, 3)
    assert generate(7, 3) != generate(8, 3)


def test_the_committed_dataset_is_the_generators_output_byte_for_byte():
    assert DEFAULT_DATASET.read_bytes() == dumps_dataset(generate()).encode()


def test_the_default_dataset_has_five_sessions_and_two_questions_per_category():
    conversations = load_dataset(DEFAULT_DATASET)
    assert len(conversations) == 24
    for conversation in conversations:
        assert len(conversation["sessions"]) == SESSIONS
        assert Counter(q["category"] for q in conversation["questions"]) == {category: 2 for category in CATEGORIES}


def test_what_is_asked_was_said_in_the_users_words():
    for conversation in load_dataset(DEFAULT_DATASET):
        said = " ".join(normalize(m["content"]) for s in conversation["sessions"] for m in s["messages"] if m["role"] == "user")
        for question in conversation["questions"]:
            if question["category"] in ("single_session", "knowledge_update"):
                assert f" {normalize(question['answer'])} " in f" {said} ", (conversation["id"], question)


# --- the file format ---------------------------------------------------------------------------

def test_a_handwritten_file_in_the_documented_format_is_read(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text(json.dumps(HANDWRITTEN) + "\n\n", encoding="utf-8")
    (conversation,) = load_dataset(path)
    assert conversation["id"] == "by-hand"
    assert question_date(conversation) == "2025-05-10"  # the day after the last session


def good(**changes) -> str:
    """A valid line with some keys changed (None removes the key)."""
    item = {**copy.deepcopy(HANDWRITTEN), **changes}
    return json.dumps({key: value for key, value in item.items() if value is not None})


BAD_LINES = [
    ("{not json", "not valid JSON"),
    ("[]", "must be a JSON object"),
    (good(id=""), '"id" must be a non-empty string'),
    (good(sessions=[]), '"sessions" must be a non-empty list'),
    (good(questions=None), '"questions" must be a non-empty list'),
    (good(sessions=[{"date": "May 1", "messages": []}]), "YYYY-MM-DD"),
    (good(sessions=[{"date": "2025-05-01", "messages": [{"role": "system", "content": "x"}]}]), '"role"'),
    (good(sessions=[{"date": "2025-05-02", "messages": []}, {"date": "2025-05-01", "messages": []}]), "dates never go back"),
    (good(questions=[{"question": "Q?", "answer": "A", "category": "trivia"}]), "must be one of single_session"),
    (good(questions=[{"question": "Q?", "category": "temporal"}]), 'a string "answer"'),
    (good(question_date="soon"), '"question_date" must be YYYY-MM-DD'),
]


@pytest.mark.parametrize(("line", "problem"), BAD_LINES)
def test_a_bad_line_is_named_with_what_to_fix(line, problem):
    with pytest.raises(DatasetError, match="line 2") as error:
        parse_dataset(good() + "\n" + line, source="mine.jsonl")
    assert problem in str(error.value)


def test_an_id_used_twice_is_refused():
    with pytest.raises(DatasetError, match="used twice"):
        parse_dataset(good() + "\n" + good())


# --- agents and harness ------------------------------------------------------------------------

def test_full_history_drops_the_oldest_whole_messages_first():
    system = {"role": "system", "content": "You are a chatbot."}
    history = [{"role": "user", "content": f"message {i} " + "word " * 40} for i in range(10)]
    kept = newest_within(system, history, window=200)
    assert kept[0] == system and kept[-1] == history[-1]
    assert kept[1:] == history[-len(kept) + 1 :] and len(kept) < 11


@pytest.mark.parametrize("name", list(AGENTS))
def test_asking_leaves_the_agent_as_the_sessions_left_it(name):
    client, settings = offline_client(), Settings(model=OFFLINE_MODEL)
    agent = AGENTS[name]
    state = agent.new(settings)
    for session in HANDWRITTEN["sessions"]:
        agent.live(client, state, session, settings)
    before = json.dumps(state, default=str)
    first = agent.ask(client, state, "What's my cat called?", "2025-06-01", settings)
    assert json.dumps(state, default=str) == before
    assert agent.ask(client, state, "What's my cat called?", "2025-06-01", settings) == first


def test_the_meter_counts_successful_chat_completions_and_their_prompt_tokens():
    meter = Meter()
    chat = httpx2.Request("POST", "http://x.invalid/v1/chat/completions")
    meter.record(httpx2.Response(200, json={"usage": {"prompt_tokens": 120}}, request=chat))
    meter.record(httpx2.Response(200, json={"choices": []}, request=chat))  # no usage: a call, no tokens
    meter.record(httpx2.Response(429, json={"error": {}}, request=chat))  # a retry is not a call
    meter.record(httpx2.Response(200, json={"usage": {"prompt_tokens": 9}},
                                 request=httpx2.Request("POST", "http://x.invalid/v1/embeddings")))
    assert (meter.calls, meter.prompt_tokens, meter.without_usage) == (2, 120, 1)


def test_the_metered_client_counts_what_the_server_says():
    meter = Meter()
    client = metered_client(meter)
    response = client.chat.completions.create(model=OFFLINE_MODEL, messages=[{"role": "user", "content": "Hi!"}])
    client.embeddings.create(model="memory-lab-offline-embedding", input=["not a chat completion"])
    assert (meter.calls, meter.prompt_tokens) == (1, response.usage.prompt_tokens)


def test_the_judge_grades_every_answer_not_graded_yet(scripted_model):
    model = scripted_model("yes", "no")
    record = {"id": "c", "fingerprint": "f", "agent": "memgpt", "sessions": {"calls": 0, "prompt_tokens": 0, "seconds": 0},
              "answers": [{"question": q, "category": "single_session", "answer": "Rex", "reply": r, "calls": 1,
                           "prompt_tokens": 9, "seconds": 0.1, "judge": None} for q, r in [("A?", "Rex"), ("B?", "Max")]]}
    assert add_verdicts(model.client, "m", record)
    assert [answer["judge"] for answer in record["answers"]] == [True, False]
    assert not add_verdicts(model.client, "m", record)  # nothing left to grade: no request
    assert len(model.requests) == 2


def test_an_interrupted_write_leaves_nothing_behind(tmp_path, monkeypatch):
    target = tmp_path / "cache" / "conv.json"

    def fail(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr("helpers.evaluation.harness.os.replace", fail)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, "{}")
    assert list(target.parent.iterdir()) == []


@pytest.fixture(scope="module")
def slice_results(tmp_path_factory):
    """One conversation of the default dataset, every agent, offline, cached; then the same run again."""
    cache = tmp_path_factory.mktemp("cache")
    conversation = [c for c in load_dataset(DEFAULT_DATASET) if c["id"] == "conv-002"]
    lines: list[str] = []
    first = evaluate(conversation, cache_dir=cache, progress=lines.append)
    second = evaluate(conversation, cache_dir=cache, progress=lines.append)
    return first, second, lines, cache


def test_a_slice_of_the_benchmark_runs_every_agent(slice_results):
    results = slice_results[0]
    assert (results["backend"], results["model"], results["context_window"]) == ("offline", OFFLINE_MODEL, 4096)
    assert list(results["agents"]) == list(AGENTS)
    for name, figures in results["agents"].items():
        assert figures["questions"] == 10 and 0 <= figures["accuracy"] <= 1
        assert sum(c["correct"] for c in figures["by_category"].values()) == figures["correct"]
        assert figures["calls_per_question"] >= 1 and figures["prompt_tokens_per_question"] > 0
    agents = results["agents"]
    assert agents["no_memory"]["session_calls_per_conversation"] == 0  # nothing to carry, nothing to do
    assert agents["no_memory"]["by_category"]["single_session"]["accuracy"] == 0  # it cannot know
    assert agents["memgpt"]["accuracy"] > agents["no_memory"]["accuracy"]


def test_a_rerun_takes_every_conversation_from_the_cache(slice_results):
    first, second, lines, cache = slice_results
    assert [agent["accuracy"] for agent in first["agents"].values()] == [a["accuracy"] for a in second["agents"].values()]
    assert sum(line.endswith("(cached)") for line in lines) == len(AGENTS)
    assert len(list(cache.rglob("*.json"))) == len(AGENTS)


def test_the_command_line_writes_the_results_and_the_chart(tmp_path, capsys):
    data = tmp_path / "mine.jsonl"
    data.write_text(json.dumps(HANDWRITTEN) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "results.json"
    assert cli.main(["--data", str(data), "--agents", "no_memory,core_memory", "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    assert list(results) == ["backend", "model", "context_window", "judge", "dataset", "agents"]
    assert list(results["agents"]) == ["no_memory", "core_memory"]
    assert results["dataset"]["conversations"] == 1 and results["dataset"]["questions"] == 3
    assert results["agents"]["core_memory"]["by_category"]["single_session"] == {"accuracy": 1.0, "correct": 2, "questions": 2}
    assert out.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    assert "core_memory: 1/1 conversations" in capsys.readouterr().err


@pytest.mark.parametrize(("arguments", "message"), [
    (["--data", "missing.jsonl"], "There is no dataset file at missing.jsonl"),
    (["--agents", "gpt5"], "No agent called 'gpt5'"),
    (["--judge"], "The offline tutor cannot judge"),
])
def test_the_command_line_says_what_is_wrong_in_one_line(tmp_path, capsys, arguments, message):
    data = tmp_path / "mine.jsonl"
    data.write_text(json.dumps(HANDWRITTEN) + "\n", encoding="utf-8")
    arguments = ["--data", str(data), *arguments] if arguments[0] != "--data" else arguments
    assert cli.main([*arguments, "--out", str(tmp_path / "r.json")]) == 1
    assert message in capsys.readouterr().err


def test_the_chart_is_the_same_bytes_for_the_same_results(tmp_path, slice_results):
    results = slice_results[0]
    first, second = save_chart(results, tmp_path / "a.png"), save_chart(results, tmp_path / "b.png")
    assert first.read_bytes() == second.read_bytes()


def test_the_committed_offline_results_match_the_dataset():
    results = json.loads((Path(__file__).resolve().parents[1] / "results" / "eval-offline.json").read_text())
    assert results["dataset"]["sha256"] == hashlib.sha256(DEFAULT_DATASET.read_bytes()).hexdigest()
    assert results["backend"] == "offline" and set(results["agents"]) == set(AGENTS)
