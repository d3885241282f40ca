"""Pages of search results, one shape for archival and recall memory: ranked best first, served a page at a time."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

PAGE_SIZE = 5  # results per page, for archival and recall memory alike


class Page(TypedDict):
    """One page of ranked results, and where it sits among all of them."""

    results: list[Mapping[str, Any]]  # archival: {"id", "score", "text"}; recall: its entries
    page: int  # 0 is the first page
    pages: int  # how many pages there are (at least 1)
    total: int  # how many results there are on all pages
    page_size: int


def paginate(ranked: Sequence[Mapping[str, Any]], *, page: int, page_size: int = PAGE_SIZE, total: int | None = None) -> Page:
    """Page `page` of results ranked best first (`total` when `ranked` holds only the first pages)."""
    if page < 0:
        raise ValueError(f"page must be 0 or more (0 is the first page), not {page}.")
    if page_size < 1:
        raise ValueError(f"page_size must be at least 1, not {page_size}.")
    total = len(ranked) if total is None else total
    start = page * page_size
    return {
        "results": list(ranked[start : start + page_size]),
        "page": page,
        "pages": max(1, math.ceil(total / page_size)),
        "total": total,
        "page_size": page_size,
    }


def how_many(count: int, noun: str) -> str:
    """A count and its noun, singular or plural: "1 passage", "3 passages"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def no_such_page(found: Page) -> str:
    """What a search tool says when asked for a page past the last one."""
    return f"No results on page {found['page']}: the pages run from 0 to {found['pages'] - 1}."
