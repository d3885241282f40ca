"""Archival memory: batched inserts into a NumPy matrix, cosine top-k search, pages; embeddings via the client."""

from __future__ import annotations

import json

import httpx2
import numpy as np
import openai
import pytest

from helpers.archival import (
    MIN_ROWS,
    archival_insert,
    archival_search,
    archive_matrix,
    cosine_top_k,
    format_archival_results,
    new_archive,
)
from helpers.backend import make_client
from helpers.embeddings import embed, embedding_model_name, normalize
from helpers.errors import AgentAPIError
from helpers.memgpt import bind_tools, new_agent
from helpers.offline import OFFLINE_EMBEDDING_MODEL

rng = np.random.default_rng(0)


def random_archive(n: int, dim: int = 16, batch: int = 7) -> tuple[dict, np.ndarray]:
    archive, vectors = new_archive(), rng.normal(size=(n, dim)).astype(np.float32)
    for start in range(0, n, batch):
        archival_insert(archive, [f"p{i}" for i in range(start, min(n, start + batch))], vectors[start : start + batch])
    return archive, vectors


def test_batched_inserts_keep_every_row_in_order_and_normalized() -> None:
    archive, vectors = random_archive(200)
    assert archive["passages"] == [f"p{i}" for i in range(200)]
    assert np.allclose(archive_matrix(archive), normalize(vectors), atol=1e-6)
    assert archive_matrix(archive).dtype == np.float32
    assert len(archive["vectors"]) >= 200  # spare rows: growing does not copy on every insert


def test_spare_rows_are_kept_and_reused_as_the_archive_grows() -> None:
    archive = new_archive()
    archival_insert(archive, ["a"], np.ones(4))
    buffer = archive["vectors"]
    assert len(buffer) == MIN_ROWS  # room for more than the one passage
    for n in range(MIN_ROWS - 1):  # fill the spare rows: the same matrix, no copy
        archival_insert(archive, [f"p{n}"], np.ones(4))
        assert archive["vectors"] is buffer
    archival_insert(archive, ["one more"], np.ones(4))
    assert len(archive["vectors"]) == 2 * MIN_ROWS and np.shares_memory(archive["vectors"], buffer) is False
    assert archive_matrix(archive).shape == (MIN_ROWS + 1, 4)
    grown = archive["vectors"]
    archival_insert(archive, ["and another"], np.ones(4))
    assert archive["vectors"] is grown


def test_growing_one_passage_at_a_time_copies_the_matrix_only_a_few_times() -> None:
    archive, buffers = new_archive(), set()
    for n in range(2000):
        archival_insert(archive, [f"p{n}"], rng.normal(size=8))
        buffers.add(id(archive["vectors"]))
    assert len(buffers) <= 6  # 64, 128, ..., 2048 rows


def test_insert_returns_ids() -> None:
    archive = new_archive()
    assert archival_insert(archive, ["a", "b"], np.eye(2, 3)) == [0, 1]
    assert archival_insert(archive, ["c"], np.ones(3)) == [2]


@pytest.mark.parametrize(
    ("texts", "vectors", "fragment"),
    [(["a", "b"], np.ones((1, 3)), "one embedding per passage"), (["a"], np.ones((1, 4)), "same embedding model")],
)
def test_mismatched_inserts_are_refused(texts, vectors, fragment) -> None:
    archive = new_archive()
    archival_insert(archive, ["x"], np.ones(3))
    with pytest.raises(ValueError, match=fragment):
        archival_insert(archive, texts, vectors)
    assert archive["passages"] == ["x"]


def test_top_k_matches_a_brute_force_sort() -> None:
    archive, vectors = random_archive(500)
    query = rng.normal(size=16)
    scores = normalize(vectors) @ normalize(query)
    ids, got = cosine_top_k(archive_matrix(archive), query, 10)
    assert list(ids) == list(np.argsort(-scores)[:10])
    assert np.allclose(got, np.sort(scores)[::-1][:10], atol=1e-5)


def test_pages_continue_each_other() -> None:
    archive, vectors = random_archive(23)
    query = rng.normal(size=16)
    pages = [archival_search(archive, query, page=p, page_size=5) for p in range(6)]
    ids = [r["id"] for page in pages for r in page["results"]]
    assert ids == list(cosine_top_k(archive_matrix(archive), query, 23)[0])
    assert [len(page["results"]) for page in pages] == [5, 5, 5, 5, 3, 0]
    assert pages[0]["pages"] == 5 and pages[0]["total"] == 23


def tied_archive(n: int = 1000, kinds: int = 6) -> dict:
    """`n` passages whose embeddings take only `kinds` values: most of the scores tie."""
    rows = np.eye(kinds, 16)[np.arange(n) % kinds] + np.eye(1, 16, kinds)  # a shared component for partial ties
    archive = new_archive()
    for start in range(0, n, 37):  # several batches: ties must hold across them
        archival_insert(archive, [f"passage {i}" for i in range(start, min(n, start + 37))], rows[start : start + 37])
    return archive


@pytest.mark.parametrize("page_size", [5, 7, 1000])
def test_pages_with_tied_scores_show_every_passage_once_best_first_then_by_id(page_size) -> None:
    archive = tied_archive()
    query = np.eye(1, 16, 0)[0] * 2 + np.eye(1, 16, 1)[0] + np.eye(1, 16, 6)[0]
    pages = -(-1000 // page_size)
    found = [r for p in range(pages) for r in archival_search(archive, query, page=p, page_size=page_size)["results"]]
    ids = [r["id"] for r in found]
    assert sorted(ids) == list(range(1000))  # each passage exactly once over all pages
    scores = np.vecdot(archive_matrix(archive), normalize(query))
    assert ids == sorted(range(1000), key=lambda i: (-scores[i], i))
    assert len({r["score"] for r in found}) == 3  # kind 0, kind 1, and the other four kinds, tied
    assert len(set(scores[np.arange(1000) % 6 >= 2].tolist())) == 1  # exactly


def test_ties_at_the_cut_of_top_k_keep_the_lowest_ids() -> None:
    matrix = normalize(np.array([[0, 1], [1, 0], [1, 0], [0, 1], [1, 0], [1, 0]], dtype=np.float32))
    ids, scores = cosine_top_k(matrix, np.array([1.0, 0.0]), 3)
    assert list(ids) == [1, 2, 4] and list(scores) == [1.0, 1.0, 1.0]
    assert list(cosine_top_k(matrix, np.array([1.0, 0.0]), 6)[0]) == [1, 2, 4, 5, 0, 3]


def test_equal_passages_tie_exactly_wherever_their_rows_sit() -> None:
    vector = rng.normal(size=383).astype(np.float32)  # an odd size, where matrix products sum rows differently
    archive = new_archive()
    archival_insert(archive, [f"copy {i}" for i in range(1001)], np.tile(vector, (1001, 1)))
    _, scores = cosine_top_k(archive_matrix(archive), rng.normal(size=383), 1001)
    assert len(set(scores.tolist())) == 1
    found = archival_search(archive, rng.normal(size=383), page=3, page_size=10)
    assert [r["id"] for r in found["results"]] == list(range(30, 40))


def test_result_texts_for_the_model() -> None:
    archive = new_archive()
    assert "empty" in format_archival_results(archival_search(archive, np.ones(3)))
    archival_insert(archive, ["alpha", "beta"], np.array([[1, 0, 0], [0, 1, 0]]))
    text = format_archival_results(archival_search(archive, np.array([1, 0.1, 0])))
    assert text.splitlines()[1:] == ["1. (similarity 0.99) alpha", "2. (similarity 0.10) beta"]
    assert "the pages run from 0 to 0" in format_archival_results(archival_search(archive, np.ones(3), page=3))
    with pytest.raises(ValueError, match="0 or more"):
        archival_search(archive, np.ones(3), page=-1)


def test_the_archival_search_tool_really_pages() -> None:
    agent = new_agent()
    vectors = np.eye(12, 12) + np.linspace(1, 0, 12)[:, None] * np.eye(1, 12, 0)  # passage n: less like e0 as n grows
    archival_insert(agent["archival"], [f"passage {n}" for n in range(12)], vectors)
    search = bind_tools(agent, embed=lambda texts: np.eye(1, 12, 0))["archival_memory_search"]
    first, second = (search(query="anything", page=p).splitlines() for p in range(2))
    assert first[0] == "Archival memory: 12 passages, most similar first; page 0 (pages 0 to 2):"
    assert [line.split(") ")[1] for line in first[1:]] == [f"passage {n}" for n in range(5)]
    assert [line.split(") ")[1] for line in second[1:]] == [f"passage {n}" for n in range(5, 10)]
    assert second[1].startswith("6. ")
    assert search(query="anything", page=2).splitlines()[1:][-1].endswith("passage 11")


def test_the_archival_search_tool_on_an_empty_archive_still_checks_the_page() -> None:
    search = bind_tools(new_agent(), embed=None)["archival_memory_search"]
    assert search(query="x") == "Archival memory is empty: nothing to search yet."
    with pytest.raises(ValueError, match="0 or more"):
        search(query="x", page=-1)


# --- embeddings through the client -------------------------------------------------------------


def test_offline_embeddings_are_unit_rows_from_the_labelled_model() -> None:
    assert embedding_model_name() == OFFLINE_EMBEDDING_MODEL
    vectors = embed(make_client(), ["a dog", "two dogs", "tax law"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_embed_sends_batches_and_keeps_the_order() -> None:
    sizes: list[int] = []
    models: list[str] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        sizes.append(len(body["input"]))
        models.append(body["model"])
        data = [{"object": "embedding", "index": i, "embedding": [float(text[1:]), 1.0]}
                for i, text in reversed(list(enumerate(body["input"])))]
        return httpx2.Response(200, json={"object": "list", "data": data, "model": "m",
                                          "usage": {"prompt_tokens": 1, "total_tokens": 1}})

    client = openai.OpenAI(api_key="k", base_url="http://x.invalid/v1", http_client=httpx2.Client(transport=httpx2.MockTransport(handle)))
    vectors = embed(client, [f"t{i}" for i in range(5)], model="my-embedder", batch_size=2)
    assert sizes == [2, 2, 1]
    assert models == ["my-embedder"] * 3
    assert np.allclose(vectors, normalize(np.array([[i, 1.0] for i in range(5)])))


def test_embed_wants_a_list_and_explains_api_errors() -> None:
    with pytest.raises(TypeError, match="wrap a single text in a list"):
        embed(make_client(), "just one")

    def fail(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(404, json={"error": {"message": "no such model", "type": "invalid_request_error"}})

    client = openai.OpenAI(api_key="k", base_url="http://x.invalid/v1", max_retries=0,
                           http_client=httpx2.Client(transport=httpx2.MockTransport(fail)))
    with pytest.raises(AgentAPIError):
        embed(client, ["x"], model="nope")
