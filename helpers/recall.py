"""Recall memory: every message of the conversation, in order, with a timestamp, searchable later.

The context window holds only the latest messages; recall memory holds them all. It is a plain
list of entries {"id", "timestamp", "role", "text", "message"}. Time comes from a `now` callable
you pass in, so a notebook can use a clock that ticks the same way every run. A search ranks the
messages by how many query words they hold, most first; equal counts by id, oldest first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypedDict

from helpers.paging import PAGE_SIZE, Page, how_many, no_such_page, paginate

Clock = Callable[[], datetime]


class RecallEntry(TypedDict):
    """One message in recall memory: its position, time, role, searchable text and the message itself."""

    id: int
    timestamp: str  # ISO 8601, to the second
    role: str
    text: str  # what is searched ("" for a message nobody said, such as a heartbeat event)
    message: dict[str, Any]


# Words too common to search by.
STOPWORDS = set(
    """a an the and or but of to in on at for with about from by is am are was were be been do does did
    i me my mine you your we our they them their it its this that these those what when where who whom
    which why how there here have has had can could would should will tell told say said said mention
    mentioned remember know earlier ago before again please just so very any some""".split()
)


def utc_now() -> datetime:
    """The current time in UTC (the default clock)."""
    return datetime.now(timezone.utc)


def ticking_clock(start: datetime, step: timedelta = timedelta(minutes=1)) -> Clock:
    """A clock that starts at `start` and moves on by `step` each time it is read (for stable outputs)."""
    state = {"next": start}

    def now() -> datetime:
        current = state["next"]
        state["next"] = current + step
        return current

    return now


def new_recall() -> list[RecallEntry]:
    """An empty recall memory."""
    return []


def recall_add(recall: list[RecallEntry], role: str, text: str, *, now: Clock = utc_now,
               message: dict[str, Any] | None = None) -> RecallEntry:
    """Append one message to recall memory with the time from `now()`; return the entry."""
    entry: RecallEntry = {
        "id": len(recall), "timestamp": now().isoformat(timespec="seconds"), "role": role, "text": text,
        "message": message if message is not None else {"role": role, "content": text},
    }
    recall.append(entry)
    return entry


def search_words(text: str) -> list[str]:
    """The words of a query worth searching for (lower case, common words dropped)."""
    words = [w.removesuffix("'s") for w in re.findall(r"[a-z0-9']+", text.lower())]
    kept = [w for w in words if w and w not in STOPWORDS]
    return list(dict.fromkeys(kept))


def _moment(value: str | date | datetime | None, *, end: bool = False) -> datetime | None:
    """A date range bound as an aware datetime; a bare date covers that whole day."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"Could not read the date {value!r}: write it as YYYY-MM-DD, e.g. 2026-03-01.") from None
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.max.time() if end else datetime.min.time())
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def recall_search(
    recall: list[RecallEntry], query: str = "", *, start: str | date | datetime | None = None,
    end: str | date | datetime | None = None, page: int = 0, page_size: int = PAGE_SIZE,
    roles: tuple[str, ...] = ("user", "assistant"),
) -> Page:
    """One page of messages matching `query` (most query words first, then oldest first) within [start, end]."""
    words, low, high = search_words(query), _moment(start), _moment(end, end=True)
    ranked = []
    for entry in recall:
        moment = datetime.fromisoformat(entry["timestamp"])
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        if entry["role"] not in roles or not entry["text"] or (low and moment < low) or (high and moment > high):
            continue
        tokens = set(re.findall(r"[a-z0-9]+", entry["text"].lower()))
        hits = sum(1 for w in words if any(t == w or t.startswith(w) for t in tokens))
        if hits or not words:
            ranked.append((-hits, entry["id"], entry))
    ranked.sort(key=lambda item: item[:2])
    return paginate([entry for _, _, entry in ranked], page=page, page_size=page_size)


def format_recall_results(found: Page) -> str:
    """Search results as the text a tool returns to the model, one message a line with its time."""
    if not found["total"]:
        return "No messages in recall memory match that search."
    if not found["results"]:
        return no_such_page(found)
    header = f"Recall memory: {how_many(found['total'], 'matching message')}; page {found['page']} (pages 0 to {found['pages'] - 1}):"
    lines = [f"[{e['timestamp'][:16].replace('T', ' ')}] {e['role']}: {e['text']}" for e in found["results"]]
    return "\n".join([header, *lines])
