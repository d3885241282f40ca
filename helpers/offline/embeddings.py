"""The offline embedding: a deterministic hashed-features vector, not a neural model.

Each content word of a text, and the letter trigrams of each word, is hashed into one of `dimensions`
signed buckets, so texts that share words or word pieces ("dog", "dogs") point the same way.
"""

from __future__ import annotations

import math
import re
import zlib

OFFLINE_EMBEDDING_MODEL = "memory-lab-offline-embedding"
EMBEDDING_DIMENSIONS = 384

# Words left out of an embedding: they say little about what a text is about.
EMBEDDING_STOPWORDS = set(
    """a an the and or but of to in on at for with about from by is am are was were be been do does did
    i me my you your we our they them their it its this that what when where who which how has have had
    there here so very just please""".split()
)


def embedding_features(text: str) -> list[str]:
    """The features hashed into an embedding: each content word, and the letter trigrams of each."""
    words = [word.removesuffix("'s") for word in re.findall(r"[a-z0-9']+", text.lower())]
    words = [word for word in words if word and word not in EMBEDDING_STOPWORDS] or words
    features = []
    for word in words:
        padded = f"#{word}#"
        features.append(f"w:{word}")
        features.extend(f"t:{padded[i:i + 3]}" for i in range(len(padded) - 2))
    return features


def offline_embedding(text: str, dimensions: int = EMBEDDING_DIMENSIONS) -> list[float]:
    """A unit-length vector for `text`: features hashed into `dimensions` signed buckets.

    Texts sharing words or word pieces ("dog", "dogs") share buckets, so they point the same way.
    """
    vector = [0.0] * dimensions
    for feature in embedding_features(text):
        bucket = zlib.crc32(feature.encode())
        vector[bucket % dimensions] += 1.0 if (bucket >> 20) & 1 else -1.0
    norm = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [value / norm for value in vector]
