"""Archival memory: batched inserts into a NumPy matrix, cosine top-k search, pages; embeddings via the client."""

from __future__ import annotations

import json

import httpx2
import numpy as np
import openai
import pytest

from helpers.archival import (
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


def test_result_texts_for_the_model() -> None:
    archive = new_archive()
    assert "empty" in format_archival_results(archival_search(archive, np.ones(3)))
    archival_insert(archive, ["alpha", "beta"], np.array([[1, 0, 0], [0, 1, 0]]))
    text = format_archival_results(archival_search(archive, np.array([1, 0.1, 0])))
    assert text.splitlines()[1:] == ["1. (similarity 0.99) alpha", "2. (similarity 0.10) beta"]
    assert "the pages run from 0 to 0" in format_archival_results(archival_search(archive, np.ones(3), page=3))
    with pytest.raises(ValueError, match="0 or more"):
        archival_search(archive, np.ones(3), page=-1)


# --- embeddings through the client -------------------------------------------------------------


def test_offline_embeddings_are_unit_rows_from_the_labelled_model() -> None:
    assert embedding_model_name() == OFFLINE_EMBEDDING_MODEL
    vectors = embed(make_client(), ["a dog", "two dogs", "tax law"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_embed_sends_batches_and_keeps_the_order() -> None:
    sizes: list[int] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        sizes.append(len(body["input"]))
        data = [{"object": "embedding", "index": i, "embedding": [float(text[1:]), 1.0]}
                for i, text in reversed(list(enumerate(body["input"])))]
        return httpx2.Response(200, json={"object": "list", "data": data, "model": "m",
                                          "usage": {"prompt_tokens": 1, "total_tokens": 1}})

    client = openai.OpenAI(api_key="k", base_url="http://x.invalid/v1", http_client=httpx2.Client(transport=httpx2.MockTransport(handle)))
    vectors = embed(client, [f"t{i}" for i in range(5)], model="m", batch_size=2)
    assert sizes == [2, 2, 1]
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
