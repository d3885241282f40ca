"""Recall memory: every message in order with a timestamp; search by words and dates, paged."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from helpers.memgpt import bind_tools, conversation_search, conversation_search_date, memgpt_tools, new_agent
from helpers.recall import (
    format_recall_results,
    new_recall,
    recall_add,
    recall_search,
    search_words,
    ticking_clock,
)

START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)

CONVERSATION = [
    ("user", "I'm planning a trip to Lisbon in May"),
    ("assistant", "Noted."),
    ("user", "My sister Alice is coming on the trip"),
    ("tool", "Saved the trip to archival memory"),
    ("assistant", "How nice!"),
    ("user", "Do you like jazz?"),
    ("user", "Trips are fun"),
]


def sample(step: timedelta = timedelta(hours=12)) -> list[dict]:
    recall, clock = new_recall(), ticking_clock(START, step)
    for role, text in CONVERSATION:
        recall_add(recall, role, text, now=clock)
    return recall


def texts(found: dict) -> list[str]:
    return [entry["text"] for entry in found["results"]]


def test_entries_keep_order_time_and_the_message() -> None:
    recall = sample()
    assert [e["id"] for e in recall] == list(range(7))
    assert recall[0]["timestamp"] == "2026-03-01T09:00:00+00:00"
    assert recall[1]["timestamp"] == "2026-03-01T21:00:00+00:00"
    assert recall[2]["message"] == {"role": "user", "content": "My sister Alice is coming on the trip"}


def test_the_ticking_clock_is_the_same_every_run() -> None:
    first, second = ticking_clock(START), ticking_clock(START)
    assert [first() for _ in range(3)] == [second() for _ in range(3)] == [
        START, START + timedelta(minutes=1), START + timedelta(minutes=2)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("trip", ["I'm planning a trip to Lisbon in May", "My sister Alice is coming on the trip", "Trips are fun"]),
        ("What did I tell you about the trip?", ["I'm planning a trip to Lisbon in May",
                                                "My sister Alice is coming on the trip", "Trips are fun"]),
        ("sister trip", ["My sister Alice is coming on the trip", "I'm planning a trip to Lisbon in May", "Trips are fun"]),
        ("LISBON", ["I'm planning a trip to Lisbon in May"]),
        ("archival", []),  # tool results are not searched by default
        ("saxophone", []),
    ],
)
def test_search_by_words_most_words_first_then_oldest(query, expected) -> None:
    assert texts(recall_search(sample(), query)) == expected


def test_search_words_drop_common_words() -> None:
    assert search_words("What did I tell you about my sister's trip?") == ["sister", "trip"]


@pytest.mark.parametrize(
    ("start", "end", "expected_ids"),
    [
        ("2026-03-01", "2026-03-01", [0, 1]),
        ("2026-03-02", "2026-03-03", [2, 4, 5]),  # id 3 is a tool result
        (date(2026, 3, 4), None, [6]),
        (None, datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc), [0]),
        ("2026-03-01T20:00:00", "2026-03-02T10:00:00", [1, 2]),
        ("2026-04-01", "2026-04-30", []),
    ],
)
def test_search_by_date_range_ends_included(start, end, expected_ids) -> None:
    found = recall_search(sample(), start=start, end=end, page_size=10)
    assert [e["id"] for e in found["results"]] == expected_ids


def test_words_and_dates_together() -> None:
    assert texts(recall_search(sample(), "trip", start="2026-03-02")) == [
        "My sister Alice is coming on the trip", "Trips are fun"]


def test_pages() -> None:
    recall = sample()
    pages = [recall_search(recall, page=p, page_size=2, roles=("user", "assistant", "tool")) for p in range(5)]
    assert [[e["id"] for e in page["results"]] for page in pages] == [[0, 1], [2, 3], [4, 5], [6], []]
    assert pages[0]["total"] == 7 and pages[0]["pages"] == 4
    assert "the pages run from 0 to 3" in format_recall_results(pages[4])
    with pytest.raises(ValueError, match="0 or more"):
        recall_search(recall, "trip", page=-1)


def test_equal_hit_counts_keep_id_order_across_pages() -> None:
    recall, clock = new_recall(), ticking_clock(START)
    for n in range(23):
        recall_add(recall, "user", f"trip note {n}" if n % 3 else f"trip plan note {n}", now=clock)
    pages = [recall_search(recall, "trip plan", page=p, page_size=4) for p in range(6)]
    ids = [e["id"] for page in pages for e in page["results"]]
    best = [n for n in range(23) if n % 3 == 0]
    assert ids == best + [n for n in range(23) if n % 3]  # both words first, then one, each oldest first
    assert pages[0]["page_size"] == 4 and pages[0]["pages"] == 6


def test_the_conversation_search_tool_really_pages() -> None:
    agent = new_agent()
    clock = ticking_clock(START)
    for n in range(12):
        recall_add(agent["recall"], "user", f"my trip, part {n}", now=clock)
    search = bind_tools(agent, embed=None, functions=[conversation_search])["conversation_search"]
    first, second, third = (search(query="trip", page=p).splitlines() for p in range(3))
    assert first[0] == "Recall memory: 12 matching messages; page 0 (pages 0 to 2):"
    assert [line.split("part ")[1] for line in first[1:]] == ["0", "1", "2", "3", "4"]
    assert [line.split("part ")[1] for line in second[1:]] == ["5", "6", "7", "8", "9"]
    assert [line.split("part ")[1] for line in third[1:]] == ["10", "11"]
    assert search(query="trip", page=3) == "No results on page 3: the pages run from 0 to 2."


def test_bad_dates_say_the_format() -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        recall_search(sample(), start="1st of March")


def test_result_text_for_the_model() -> None:
    text = format_recall_results(recall_search(sample(), "lisbon"))
    assert text.splitlines() == [
        "Recall memory: 1 matching message; page 0 (pages 0 to 0):",
        "[2026-03-01 09:00] user: I'm planning a trip to Lisbon in May",
    ]
    assert format_recall_results(recall_search(sample(), "saxophone")) == "No messages in recall memory match that search."


def test_the_date_tool_is_generated_and_bound_like_the_others() -> None:
    agent = new_agent()
    agent["recall"] = sample()
    (tool,) = memgpt_tools([conversation_search_date])
    assert tool["function"]["parameters"]["required"] == ["start_date", "end_date", "request_heartbeat"]
    search = bind_tools(agent, embed=None, functions=[conversation_search_date])["conversation_search_date"]
    assert search(start_date="2026-03-04", end_date="2026-03-04", request_heartbeat=False).endswith("user: Trips are fun")
