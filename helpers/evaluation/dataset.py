"""The benchmark's file format: JSONL, one conversation a line, read and checked with clear errors.

One line:

    {"id": str,
     "sessions": [{"date": "YYYY-MM-DD", "messages": [{"role": "user" | "assistant", "content": str}]}],
     "questions": [{"question": str, "answer": str, "category": str}]}

Sessions come in the order they happened, their dates never going back. `category` is one of
`single_session`, `multi_session`, `knowledge_update`, `temporal`, `abstention` (the answer was never
said; its `answer` is for a reader or a judge, the score only asks whether the reply says it doesn't
know). An optional `"question_date": "YYYY-MM-DD"` says when the questions are asked; without it, the
day after the last session. Other keys are ignored, so a file can carry notes of its own.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal, TypedDict

from helpers.evaluation.scoring import CATEGORIES


class Message(TypedDict):
    """One message of a session, as it was said."""

    role: Literal["user", "assistant"]
    content: str


class Session(TypedDict):
    """One dated conversation between the user and the assistant."""

    date: str  # YYYY-MM-DD
    messages: list[Message]


class Question(TypedDict):
    """A question asked after the last session, its expected answer and its category."""

    question: str
    answer: str
    category: str


class _Conversation(TypedDict):
    """The keys every conversation has."""

    id: str
    sessions: list[Session]
    questions: list[Question]


class Conversation(_Conversation, total=False):
    """One benchmark item: dated sessions, then questions about them (and, optionally, when they are asked)."""

    question_date: str  # YYYY-MM-DD


class DatasetError(ValueError):
    """A dataset file that does not follow the format; the message names the line and the fix."""


def _problem(item: Any) -> str | None:
    """What is wrong with one parsed line, or None if it follows the format."""
    if not isinstance(item, dict):
        return "a line must be a JSON object"
    if not isinstance(item.get("id"), str) or not item["id"]:
        return '"id" must be a non-empty string'
    sessions, questions = item.get("sessions"), item.get("questions")
    if not isinstance(sessions, list) or not sessions:
        return '"sessions" must be a non-empty list'
    if not isinstance(questions, list) or not questions:
        return '"questions" must be a non-empty list'
    dates = []
    for number, session in enumerate(sessions, 1):
        if not isinstance(session, dict) or not isinstance(session.get("messages"), list):
            return f'session {number} must be an object with "date" and a "messages" list'
        try:
            dates.append(date.fromisoformat(str(session.get("date"))))
        except ValueError:
            return f'session {number}: "date" must be YYYY-MM-DD, not {session.get("date")!r}'
        for message in session["messages"]:
            if not isinstance(message, dict) or message.get("role") not in ("user", "assistant") \
                    or not isinstance(message.get("content"), str):
                return f'session {number}: each message needs "role" ("user" or "assistant") and a string "content"'
    if dates != sorted(dates):
        return "sessions must be in the order they happened (their dates never go back)"
    if "question_date" in item:
        try:
            date.fromisoformat(str(item["question_date"]))
        except ValueError:
            return f'"question_date" must be YYYY-MM-DD, not {item["question_date"]!r}'
    for number, question in enumerate(questions, 1):
        if not isinstance(question, dict) or not all(isinstance(question.get(k), str) for k in ("question", "answer")):
            return f'question {number} needs a string "question" and a string "answer"'
        if question.get("category") not in CATEGORIES:
            categories = ", ".join(CATEGORIES)
            return f'question {number}: "category" must be one of {categories}, not {question.get("category")!r}'
    return None


def parse_dataset(text: str, source: str = "the dataset") -> list[Conversation]:
    """The conversations of a JSONL text, checked; a DatasetError names the first bad line."""
    conversations: list[Conversation] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source}, line {number}"
        try:
            item = json.loads(line)
        except ValueError as error:
            raise DatasetError(f"{where}: not valid JSON ({error}). Write one JSON object a line.") from None
        problem = _problem(item)
        if problem:
            raise DatasetError(f"{where}: {problem}. See helpers/evaluation/dataset.py for the format.")
        if item["id"] in seen:
            raise DatasetError(f"{where}: the id {item['id']!r} is used twice. Give each conversation its own id.")
        seen.add(item["id"])
        conversations.append(item)
    if not conversations:
        raise DatasetError(f"{source} holds no conversation. Write one JSON object a line.")
    return conversations


def load_dataset(path: str | Path) -> list[Conversation]:
    """The conversations in a JSONL file, checked (a DatasetError says what to fix)."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"There is no dataset file at {path}. Pass --data with the path of a .jsonl file.")
    return parse_dataset(path.read_text(encoding="utf-8"), source=str(path))


def dumps_dataset(conversations: list[Conversation]) -> str:
    """The conversations as JSONL text: one compact JSON object a line, keys in a fixed order."""
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in conversations)


def fingerprint(value: Any) -> str:
    """A short SHA-256 of a JSON value (a conversation, a dataset): same content, same fingerprint."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def question_date(conversation: Conversation) -> str:
    """When the questions are asked: `question_date`, else the day after the last session."""
    if "question_date" in conversation:
        return conversation["question_date"]
    return (date.fromisoformat(conversation["sessions"][-1]["date"]) + timedelta(days=1)).isoformat()
