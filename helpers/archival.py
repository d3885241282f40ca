"""Archival memory: passages kept outside the context window, found again by embedding similarity.

The store is a plain dict: the passages' texts, and a float32 matrix with one unit-length row per
passage (room for more rows is kept, so inserting in batches does not copy everything each time).
Search is a cosine top-k: one dot product per row, then the best rows, served a page at a time.
Results are ranked by similarity, best first; equal similarities by id, oldest first, so that
pages continue each other exactly. A passage may carry metadata (a JSON-ready dict, or None) in the
optional list `archive["metadata"]`, parallel to the passages: a document's passages say where they
came from (`helpers.documents`), and search results show it as a citation, "[source, passage n, ...]".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NotRequired, TypedDict

import numpy as np

from helpers.embeddings import normalize
from helpers.paging import PAGE_SIZE, Page, how_many, no_such_page, paginate

MIN_ROWS = 64  # the smallest matrix an archive allocates


class Archive(TypedDict):
    """Archival memory: the passages, and their embeddings as rows (spare rows after them)."""

    passages: list[str]
    vectors: np.ndarray
    metadata: NotRequired[list[dict[str, Any] | None]]  # per passage, where they have any (e.g. a document's)


def new_archive() -> Archive:
    """An empty archival memory."""
    return {"passages": [], "vectors": np.zeros((0, 0), dtype=np.float32)}


def archive_matrix(archive: Archive) -> np.ndarray:
    """The embedding matrix of the stored passages (one row each, a view, no copy)."""
    return archive["vectors"][: len(archive["passages"])]


def archival_insert(archive: Archive, texts: list[str], vectors: np.ndarray,
                    metadata: Sequence[dict[str, Any] | None] | None = None) -> list[int]:
    """Store passages with their embeddings (one row per text), and metadata if given; return their ids (positions)."""
    vectors = normalize(np.atleast_2d(vectors))
    if len(texts) != len(vectors):
        raise ValueError(f"Got {len(texts)} passages but {len(vectors)} embeddings; pass one embedding per passage.")
    if metadata is not None and len(metadata) != len(texts):
        raise ValueError(f"Got {len(texts)} passages but {len(metadata)} metadata; pass one (or None) per passage.")
    count, buffer = len(archive["passages"]), archive["vectors"]
    if count and buffer.shape[1] != vectors.shape[1]:
        raise ValueError(
            f"These embeddings have {vectors.shape[1]} numbers but the archive holds {buffer.shape[1]}; "
            "use the same embedding model for every passage."
        )
    if count + len(texts) > len(buffer) or buffer.shape[1] != vectors.shape[1]:
        # Double the rows (at least): n inserts copy the matrix only about log(n) times.
        grown = np.zeros((max(2 * len(buffer), count + len(texts), MIN_ROWS), vectors.shape[1]), dtype=np.float32)
        if count:
            grown[:count] = buffer[:count]
        archive["vectors"] = buffer = grown
    buffer[count : count + len(texts)] = vectors
    if metadata is not None or "metadata" in archive:  # kept parallel to the passages, None where there is none
        kept = archive.setdefault("metadata", [])
        kept.extend([None] * (count - len(kept)))
        kept.extend(metadata if metadata is not None else [None] * len(texts))
    archive["passages"].extend(texts)
    return list(range(count, count + len(texts)))


def passage_metadata(archive: Archive, passage_id: int) -> dict[str, Any] | None:
    """The metadata of one passage, or None if it has none."""
    kept = archive.get("metadata") or []
    return kept[passage_id] if passage_id < len(kept) else None


def documents_in(archive: Archive) -> dict[str, int]:
    """The documents archival memory holds passages of, with how many passages each ({"book.txt": 58})."""
    counts: dict[str, int] = {}
    for meta in archive.get("metadata") or []:
        if meta and isinstance(meta.get("source"), str):
            counts[meta["source"]] = counts.get(meta["source"], 0) + 1
    return counts


def cosine_top_k(matrix: np.ndarray, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and cosine similarities of the `k` rows most similar to `query` (rows unit length).

    Best first; equal similarities in index order, lowest first.
    """
    k = min(k, len(matrix))
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    # One dot product per row, each summed the same way, so equal rows get exactly equal scores
    # (a matrix-vector product may sum some rows in another order and split a tie by a rounding).
    scores = np.vecdot(matrix, normalize(query).ravel())
    if k < len(scores):
        kth_best = -np.partition(-scores, k - 1)[k - 1]
        candidates = np.flatnonzero(scores >= kth_best)  # the best k, and every row tied with the k-th
    else:
        candidates = np.arange(len(scores))
    best = candidates[np.lexsort((candidates, -scores[candidates]))][:k]  # by score, then by index
    return best, scores[best]


def archival_search(archive: Archive, query_vector: np.ndarray, *, page: int = 0, page_size: int = PAGE_SIZE) -> Page:
    """One page of passages ranked by similarity to the query (each result: "id", "score", "text", "metadata")."""
    ids, scores = cosine_top_k(archive_matrix(archive), query_vector, (page + 1) * page_size)
    ranked = [{"id": int(i), "score": round(float(s), 3), "text": archive["passages"][i],
               "metadata": passage_metadata(archive, int(i))} for i, s in zip(ids, scores)]
    return paginate(ranked, page=page, page_size=page_size, total=len(archive["passages"]))


def citation(metadata: Mapping[str, Any] | None) -> str:
    """Where a passage came from, as search results show it: "[book.txt, passage 3, lines 40-52]" ("" if unknown)."""
    if not metadata or not metadata.get("source"):
        return ""
    parts = [str(metadata["source"])]
    if metadata.get("passage") is not None:
        parts.append(f"passage {metadata['passage']}")
    lines = metadata.get("lines")
    if isinstance(lines, (list, tuple)) and len(lines) == 2:
        parts.append(f"line {lines[0]}" if lines[0] == lines[1] else f"lines {lines[0]}-{lines[1]}")
    return f"[{', '.join(parts)}]"


def format_archival_results(found: Page) -> str:
    """Search results as the text a tool returns to the model."""
    if not found["total"]:
        return "Archival memory is empty: nothing to search yet."
    if not found["results"]:
        return no_such_page(found)
    first = found["page"] * found["page_size"] + 1
    header = (
        f"Archival memory: {how_many(found['total'], 'passage')}, most similar first; "
        f"page {found['page']} (pages 0 to {found['pages'] - 1}):"
    )
    lines = []
    for n, result in enumerate(found["results"]):
        cited = citation(result.get("metadata"))
        text = " ".join(result["text"].split())  # one line per result, whatever line breaks a passage holds
        lines.append(f"{first + n}. (similarity {result['score']:.2f}) {cited + ' ' if cited else ''}{text}")
    return "\n".join([header, *lines])
