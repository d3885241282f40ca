"""The tutor and documents: it searches archival memory when documents may answer, reads further pages, quotes
and cites the passage it used, and says it doesn't know rather than quote something unrelated. Plain RAG too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.backend import make_client
from helpers.documents import load_document
from helpers.embeddings import embed
from helpers.memgpt import archival_memory_insert, memgpt_step, new_agent
from helpers.offline.context import Conversation
from helpers.offline.documents import answer_from_prompt, best_sentence, cited_passages, document_words
from helpers.rag import plain_rag, rag_messages, retrieve

CONSTITUTION = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "constitution.txt"
CITED = re.compile(r"\[constitution\.txt, passage \d+, lines \d+-\d+\]$")


@pytest.fixture(scope="module")
def client():
    return make_client()


@pytest.fixture(scope="module")
def reader(client):
    agent = new_agent()
    load_document(client, agent["archival"], CONSTITUTION)
    return agent


def ask(client, agent, question: str) -> tuple[str, list[dict]]:
    """One step from an empty context (a fresh session), with its events."""
    agent["messages"].clear()
    events: list[dict] = []
    return memgpt_step(client, agent, question, on_event=events.append), events


def searches(events: list[dict]) -> list[dict]:
    return [e for e in events if e["type"] == "tool_call" and e["name"] == "archival_memory_search"]


@pytest.mark.parametrize("question, words", [
    ("How many votes does each senator have?", "each Senator shall have one Vote."),
    ("How many senators does each state have?", "two Senators from each State"),
    ("Can a person be elected president more than twice?", "elected to the office of the President more than twice"),
    ("Who chooses the speaker of the house?", "The House of Representatives shall choose their Speaker"),
    ("what is the freedom of speech?", "abridging the freedom of speech"),
])
def test_answers_from_the_document_with_a_citation(client, reader, question, words) -> None:
    reply, events = ask(client, reader, question)
    assert words in reply and CITED.search(reply), reply
    assert searches(events) and events[-1]["name"] == "send_message"


def test_reads_the_next_page_when_the_first_does_not_answer(client, reader) -> None:
    reply, events = ask(client, reader, "How old must a senator be?")
    pages = [e["arguments"] for e in searches(events)]
    assert len(pages) >= 2 and '"page": 1' in pages[1], pages
    assert "Age of thirty Years" in reply and CITED.search(reply)
    assert all(e["heartbeat"] for e in searches(events)), "each search asks for another turn"


@pytest.mark.parametrize("question", [
    "What is the capital of France?", "Who wrote Hamlet?", "Who invented the telephone?", "How tall is Mount Everest?",
    "Who is the current president?", "What does the constitution say about pizza?", "How much does a senator earn?",
    "what's the weather like today?", "How many moons does Jupiter have?", "Who won the world cup in 2018?",
])
def test_says_it_does_not_know_rather_than_quote_something_unrelated(client, reader, question) -> None:
    reply, events = ask(client, reader, question)
    assert reply.startswith("I don't know: I found nothing in constitution.txt"), reply
    assert len(searches(events)) == 3, "it read three pages before giving up"


def test_questions_about_the_human_still_use_memory_as_before(client) -> None:
    agent = new_agent(human="The human's name is Ada")
    load_document(client, agent["archival"], CONSTITUTION)
    reply, events = ask(client, agent, "What's my name?")
    assert reply == "Your name is Ada." and not searches(events)
    archival_memory_insert(agent, lambda texts: embed(client, texts), "The human asked me to remember: my cat is called Tom")
    reply, _ = ask(client, agent, "What is my cat called?")
    assert "Tom" in reply and "constitution" not in reply
    reply, events = ask(client, agent, "hi there")
    assert not searches(events), "small talk searches nothing"


def test_without_documents_nothing_changes(client) -> None:
    agent = new_agent()
    reply, events = ask(client, agent, "How many votes does each senator have?")
    assert not searches(events) and "constitution" not in reply


# ----- reading passages and choosing a sentence ------------------------------------------------------------


def test_cited_passages_are_read_from_search_results_and_prompts() -> None:
    text = ("Archival memory: 3 passages, most similar first; page 0 (pages 0 to 0):\n"
            "1. (similarity 0.50) [a.txt, passage 2, lines 3-9] The Senate shall have two members.\n"
            "2. (similarity 0.10) A note without a source.\n"
            "[b.md, passage 1] Plain RAG lines look like this.")
    found = cited_passages(text)
    assert [(p.cite, p.source, p.text) for p in found] == [
        ("[a.txt, passage 2, lines 3-9]", "a.txt", "The Senate shall have two members."),
        ("[b.md, passage 1]", "b.md", "Plain RAG lines look like this."),
    ]


def test_the_words_a_sentence_must_hold() -> None:
    assert document_words("How old must a senator be?") == ("old", "senator")
    assert document_words("What does the constitution say about pizza?") == ("pizza",)


def test_one_or_two_words_must_all_be_there() -> None:
    passages = cited_passages("[x.txt, passage 1] The capital of the country is a fine city. Paris has a river.")
    assert best_sentence("What is the capital of France?", passages) is None
    assert best_sentence("What is the capital of the country?", passages)[0] == "The capital of the country is a fine city."


# ----- plain RAG: the passages in the request, no tools --------------------------------------------------------


def test_plain_rag_answers_from_the_passages_in_one_call(client, reader) -> None:
    question = "How many votes does each senator have?"
    passages = retrieve(client, reader["archival"], question, k=3)
    messages = rag_messages(question, passages)
    assert len(messages) == 2 and messages[1] == {"role": "user", "content": question}
    assert len(cited_passages(messages[0]["content"])) == 3
    reply = plain_rag(client, reader["archival"], question)
    assert "each Senator shall have one" in reply and CITED.search(reply)
    assert plain_rag(client, reader["archival"], "Who wrote Hamlet?").startswith("I don't know")


def test_plain_rag_reads_passages_in_the_user_message_too() -> None:
    conversation = Conversation(
        messages=[{"role": "user", "content": "[notes.md, passage 4] The meeting is on Tuesday.\nQuestion: When is the meeting?"}],
        tools={}, last_user=0)
    decision = answer_from_prompt(conversation)
    assert decision is not None and decision.content == 'The document says: "The meeting is on Tuesday." [notes.md, passage 4]'


def test_a_chat_with_no_passages_is_answered_as_before(client) -> None:
    response = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "My name is Ada"}])
    assert response.choices[0].message.content == "Nice to meet you, Ada!"
