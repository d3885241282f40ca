"""Embeddings through the same client as the chat: one vector per text, unit length, as a NumPy matrix.

Online the model is OpenAI's `text-embedding-3-small` (set OPENAI_EMBEDDING_MODEL for another
server's model). Offline, the offline tutor model serves `/v1/embeddings` with a deterministic
*hashed-features* embedding (words and letter trigrams, 384 numbers): not a neural model, but
texts that share words or word pieces land near each other, which is enough to see search work.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import openai

from helpers.backend import Backend, backend_name
from helpers.errors import explain_api_errors
from helpers.offline import OFFLINE_EMBEDDING_MODEL

ONLINE_EMBEDDING_MODEL = "text-embedding-3-small"
# OpenAI accepts up to 2,048 inputs per request; smaller batches keep each request light.
BATCH_SIZE = 256


def embedding_model_for(backend: Backend) -> str:
    """The embedding model for `backend` (OPENAI_EMBEDDING_MODEL overrides it online), from settings already loaded."""
    if backend == "offline":
        return OFFLINE_EMBEDDING_MODEL
    return os.environ.get("OPENAI_EMBEDDING_MODEL", "").strip() or ONLINE_EMBEDDING_MODEL


def embedding_model_name() -> str:
    """The embedding model for the selected backend (OPENAI_EMBEDDING_MODEL overrides it online)."""
    return embedding_model_for(backend_name())


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (float32), so a dot product is a cosine similarity."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def embed(
    client: openai.OpenAI, texts: Sequence[str], *, model: str | None = None, batch_size: int = BATCH_SIZE
) -> np.ndarray:
    """Embed `texts` with `client.embeddings.create`, in batches: one unit-length float32 row per text."""
    if isinstance(texts, str):
        raise TypeError("embed() takes a list of texts; wrap a single text in a list: embed(client, [text]).")
    rows: list[list[float]] = []
    for start in range(0, len(texts), batch_size):
        with explain_api_errors():
            response = client.embeddings.create(
                model=model or embedding_model_name(), input=list(texts[start : start + batch_size])
            )
        rows.extend(item.embedding for item in sorted(response.data, key=lambda item: item.index))
    if not rows:
        return np.zeros((0, 0), dtype=np.float32)
    return normalize(np.array(rows, dtype=np.float32))
