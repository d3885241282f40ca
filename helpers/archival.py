"""Archival memory: passages kept outside the context window, found again by embedding similarity.

The store is a plain dict: the passages' texts, and a float32 matrix with one unit-length row per
passage (room for more rows is kept, so inserting in batches does not copy everything each time).
Search is a cosine top-k: one matrix-vector product, then the best rows, served a page at a time.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from helpers.embeddings import normalize

PAGE_SIZE = 5


def new_archive() -> dict[str, Any]:
    """An empty archival memory."""
    return {"passages": [], "vectors": np.zeros((0, 0), dtype=np.float32)}


def archive_matrix(archive: dict[str, Any]) -> np.ndarray:
    """The embedding matrix of the stored passages (one row each, a view, no copy)."""
    return archive["vectors"][: len(archive["passages"])]


def archival_insert(archive: dict[str, Any], texts: list[str], vectors: np.ndarray) -> list[int]:
    """Store passages with their embeddings (one row per text); return their ids (positions)."""
    vectors = normalize(np.atleast_2d(vectors))
    if len(texts) != len(vectors):
        raise ValueError(f"Got {len(texts)} passages but {len(vectors)} embeddings; pass one embedding per passage.")
    count, buffer = len(archive["passages"]), archive["vectors"]
    if count and buffer.shape[1] != vectors.shape[1]:
        raise ValueError(
            f"These embeddings have {vectors.shape[1]} numbers but the archive holds {buffer.shape[1]}; "
            "use the same embedding model for every passage."
        )
    if count + len(texts) > len(buffer) or buffer.shape[1] != vectors.shape[1]:
        grown = np.zeros((max(2 * len(buffer), count + len(texts), 64), vectors.shape[1]), dtype=np.float32)
        if count:
            grown[:count] = buffer[:count]
        archive["vectors"] = buffer = grown
    buffer[count : count + len(texts)] = vectors
    archive["passages"].extend(texts)
    return list(range(count, count + len(texts)))


def cosine_top_k(matrix: np.ndarray, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and cosine similarities of the `k` rows most similar to `query`, best first (rows unit length)."""
    scores = matrix @ normalize(query).ravel()
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    best = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    best = best[np.argsort(-scores[best], kind="stable")]
    return best, scores[best]


def archival_search(
    archive: dict[str, Any], query_vector: np.ndarray, *, page: int = 0, page_size: int = PAGE_SIZE
) -> dict[str, Any]:
    """One page of passages ranked by similarity to the query: {"results", "page", "pages", "total"}."""
    total = len(archive["passages"])
    pages = max(1, math.ceil(total / page_size))
    if page < 0:
        raise ValueError(f"page must be 0 or more (0 is the first page), not {page}.")
    ids, scores = cosine_top_k(archive_matrix(archive), query_vector, (page + 1) * page_size) if total else ([], [])
    results = [
        {"id": int(i), "score": round(float(s), 3), "text": archive["passages"][i]}
        for i, s in list(zip(ids, scores))[page * page_size :]
    ]
    return {"results": results, "page": page, "pages": pages, "total": total, "page_size": page_size}


def format_archival_results(found: dict[str, Any]) -> str:
    """Search results as the text a tool returns to the model."""
    if not found["total"]:
        return "Archival memory is empty: nothing to search yet."
    if not found["results"]:
        return f"No results on page {found['page']}: the pages run from 0 to {found['pages'] - 1}."
    first = found["page"] * found.get("page_size", PAGE_SIZE) + 1
    header = (
        f"Archival memory: {found['total']} passages, most similar first; "
        f"page {found['page']} (pages 0 to {found['pages'] - 1}):"
    )
    lines = [f"{first + n}. (similarity {r['score']:.2f}) {r['text']}" for n, r in enumerate(found["results"])]
    return "\n".join([header, *lines])
