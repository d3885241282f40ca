"""Solutions to the exercises of 06_archival_memory.ipynb."""

import numpy as np


def top_k(matrix, query, k):
    """The indices of the k rows of `matrix` most cosine-similar to `query`, best first."""
    rows = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    scores = rows @ (query / np.linalg.norm(query))
    return [int(i) for i in np.argsort(-scores, kind="stable")[:k]]


def search_page(matrix, query, page, page_size):
    """The row indices on one page of the ranking: most similar first, equal scores in row order."""
    rows = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    scores = rows @ (query / np.linalg.norm(query))
    ranking = np.argsort(-scores, kind="stable")  # a stable sort keeps tied rows in row order
    return [int(i) for i in ranking[page * page_size : (page + 1) * page_size]]
