"""Plain RAG beside agentic RAG (notebook 11): the same questions, answered both ways, measured.

- Plain RAG: for each question, embed it, take the `k` most similar passages, put them with their
  citations into the system message of one chat completion, with no tools. Always one model call and
  one search, whatever the question; the model never sees more than those `k` passages.
- Agentic RAG: the MemGPT agent with the document in archival memory decides whether to search, what
  for, and whether to read another page, then answers through send_message.
Both are measured the same way: the answer, whether it is right (`helpers.evaluation.scoring.score`),
model calls and prompt tokens as the server counts them (`usage`, through `helpers.evaluation.harness.Meter`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypedDict

import openai

from helpers.agent import complete
from helpers.archival import Archive, archival_search, citation
from helpers.backend import model_name
from helpers.embeddings import embed
from helpers.evaluation.harness import Meter
from helpers.evaluation.scoring import score

RAG_INSTRUCTIONS = (
    "Answer the user's question from the passages below, and from nothing else. Quote the words that answer it "
    "and cite the passage as it is labelled, like [source, passage n]. If no passage answers it, say you don't know."
)


class Question(TypedDict):
    """A question about a document, and the answer expected (`category` "abstention": the document has none)."""

    question: str
    answer: str
    category: str


class Result(TypedDict):
    """How one way of answering did on one question."""

    answer: str
    right: bool
    calls: int
    prompt_tokens: int


def retrieve(client: openai.OpenAI, archive: Archive, question: str, k: int = 3, *,
             embedding_model: str | None = None) -> list[Mapping[str, Any]]:
    """The `k` passages most similar to the question, best first (each with "id", "score", "text", "metadata")."""
    return archival_search(archive, embed(client, [question], model=embedding_model)[0], page_size=k)["results"]


def rag_messages(question: str, passages: list[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The request of plain RAG: instructions and cited passages (one a line) as the system message, then the question."""
    lines = [f"{citation(p.get('metadata')) or '[passage ' + str(p['id']) + ']'} {' '.join(p['text'].split())}"
             for p in passages]
    return [{"role": "system", "content": f"{RAG_INSTRUCTIONS}\n\nPassages:\n" + "\n".join(lines)},
            {"role": "user", "content": question}]


def plain_rag(client: openai.OpenAI, archive: Archive, question: str, *, k: int = 3, model: str | None = None,
              embedding_model: str | None = None) -> str:
    """Answer a question with plain RAG: the top-k passages in the prompt of one chat completion, no tools."""
    passages = retrieve(client, archive, question, k, embedding_model=embedding_model)
    response = complete(client, model=model or model_name(), messages=rag_messages(question, passages))
    return (response.choices[0].message.content or "") if response.choices else ""


def measure(meter: Meter, item: Question, answer: Callable[[str], str]) -> Result:
    """Ask one question through `answer` (a function of the question), scored and counted by `meter`."""
    start = meter.mark()
    reply = answer(item["question"])
    cost = meter.since(start)
    return {"answer": reply, "right": score(item["category"], item["answer"], reply), "calls": cost["calls"],
            "prompt_tokens": cost["prompt_tokens"]}


def summary_row(name: str, results: list[Result]) -> dict[str, Any]:
    """One line of the comparison: questions answered right, and model calls and prompt tokens per question."""
    count = max(len(results), 1)
    return {"way": name, "right": f"{sum(r['right'] for r in results)}/{len(results)}",
            "calls per question": round(sum(r["calls"] for r in results) / count, 1),
            "prompt tokens per question": round(sum(r["prompt_tokens"] for r in results) / count)}


