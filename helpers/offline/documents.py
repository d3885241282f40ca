"""Answering from documents (notebook 11): passages cited "[source, passage n, lines a-b]", found by overlap.

- Where documents are: the memory metadata says "Archival memory: 80 passages, 78 of them from documents:
  constitution.txt." A question that memory does not answer, and that is not about the human, is then
  searched for in archival memory (`document_query`).
- Reading results: each line with a citation is a passage (`cited_passages`), in search results as the
  course prints them or in a prompt that holds passages (plain RAG: no tools, passages in the request).
- Answering (`best_sentence`): the sentence (long ones cut into clauses at ; and :) of a passage that
  holds the most of the question's words, quoted whole with its passage's citation. Precision first:
  every one of one or two words must be there; of three or more, all but one, and the one missing must
  say little on this page (it is in half the passages or more), never the word that singles the question
  out. Among those, the best-ranked passage, then the shortest sentence. Otherwise the tutor reads the
  next page (at most MAX_PAGES), then says it does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.offline.context import Call, Conversation, message_text
from helpers.offline.language import WORD, normalize
from helpers.offline.questions import QUESTION_WORDS, Question, read_question, stem
from helpers.offline.recollection import _stems, next_page  # the stems of a text's words, as overlap reads them
from helpers.offline.tools import Decision, archival_tool, call, reply_tool

CITED = re.compile(r"\[(?P<source>[^\[\],\n]+), passage (?P<passage>\d+)[^\]\n]*\]\s*(?P<text>\S.*)")
DOCUMENTS = re.compile(r"^Archival memory: [^\n]*?\bfrom documents: (?P<names>[^\n]+?)\.?$", re.M)
ABOUT_THE_HUMAN = re.compile(r"\b(?:i|my|mine|myself|i'm|i've|im)\b", re.I)
CLAUSE_END = re.compile(r"(?<=[.;:!?])\s+")
MAX_PAGES = 3  # pages of results read before saying the documents do not answer
# Words a question asks with that a document says otherwise ("How old ..." -> "Age of thirty Years").
EQUIVALENTS = {"old": ("age",), "age": ("old",), "long": ("years", "term"), "term": ("years",),
               "often": ("every", "once"), "wrote": ("written", "signed")}
KEPT = {"old", "first", "second", "third", "last", "long", "often", "year", "years", "age", "name", "called"}


@dataclass(frozen=True)
class Passage:
    """A passage with its citation, as a search result or a prompt shows it."""

    cite: str  # "[constitution.txt, passage 6, lines 55-66]"
    source: str
    text: str


def cited_passages(text: str) -> list[Passage]:
    """The cited passages in a text, in order: one per line that holds a citation."""
    found = []
    for line in text.splitlines():
        match = CITED.search(line)
        if match:
            cite = match.group(0)[: match.start("text") - match.start()].strip()
            found.append(Passage(cite, match.group("source").strip(), match.group("text").strip()))
    return found


def loaded_documents(conversation: Conversation) -> list[str]:
    """The documents archival memory holds, as the memory metadata in the system prompt lists them."""
    for message in conversation.messages:
        if message.get("role") in ("system", "developer"):
            listed = DOCUMENTS.search(message_text(message.get("content")))
            if listed:
                return [name.strip() for name in listed.group("names").split(", ") if name.strip()]
    return []


def document_words(text: str) -> tuple[str, ...]:
    """The words of a question a document's sentence must hold ("old", "senator" in "How old must a senator be?")."""
    words = [w.lower().removesuffix("'s") for w in re.findall(WORD + r"|\d+", normalize(text))]
    skipped = (QUESTION_WORDS - KEPT) | {"must", "may", "need", "needs", "needed", "required", "allowed",
                                          "constitution", "document", "text"}
    return tuple(dict.fromkeys(w for w in words if w and w not in skipped))


def _holds(stems: set[str], word: str) -> bool:
    """Whether a text's stems hold a question word, or a word a document would say it with."""
    return any(stem(w) in stems for w in (word, *EQUIVALENTS.get(word, ())))


def best_sentence(question: str, passages: list[Passage]) -> tuple[str, Passage] | None:
    """The sentence of `passages` that answers `question` by overlap, with its passage; None if none does."""
    words = document_words(question)
    if not words or not passages:
        return None
    in_passages = [_stems(passage.text) for passage in passages]
    # A word may be missing if it says little here: it is in half the passages or more.
    missable = {w for w in words if 2 * sum(_holds(stems, w) for stems in in_passages) >= len(passages)}
    best: tuple[int, int, int] | None = None
    found = None
    for rank, passage in enumerate(passages):
        for sentence in _sentences(passage.text):
            stems = _stems(sentence)
            missing = [w for w in words if not _holds(stems, w)]
            allowed = not missing or (len(words) >= 3 and len(missing) == 1 and missing[0] in missable)
            score = (len(words) - len(missing), -rank, -len(sentence))  # the most words; the best passage; short
            if allowed and (best is None or score > best):
                best, found = score, (sentence, passage)
    return found


def _sentences(text: str) -> list[str]:
    """A passage's sentences, long ones cut into clauses at ; and : (words far apart in one are no answer)."""
    return CLAUSE_END.split(" ".join(text.split()))


def answer_text(sentence: str, passage: Passage) -> str:
    """The reply: the sentence quoted, then where it is."""
    return f'The document says: "{sentence}" {passage.cite}'


def not_found(sources: list[str], pages: int | None = None) -> str:
    """The reply when no passage answers (it says it doesn't know, and where it looked)."""
    where = ", ".join(dict.fromkeys(sources)) or "the documents"
    looked = f" (I read {pages} page{'s' if pages != 1 else ''} of search results)" if pages else ""
    return f"I don't know: I found nothing in {where} that answers that{looked}."


def _send(conversation: Conversation, text: str, thought: str) -> Decision:
    """Reply with send_message when it is offered, else in plain content (a chat with no tools)."""
    tool = reply_tool(conversation.tools)
    if tool is None:
        return Decision(content=text, reply=text)
    return Decision(content=thought, tool_calls=[call(tool, {"message": text}, thought=thought, heartbeat=False)], reply=text)


def about_the_human(question: Question) -> bool:
    """Whether a question asks about the human ("my", "I"; "tell me about ..." does not count)."""
    return bool(question.key or ABOUT_THE_HUMAN.search(question.text))


# ---------------------------------------------------------------------------------------------
# A MemGPT agent with documents in archival memory: search, page, answer with a citation.
# ---------------------------------------------------------------------------------------------


def document_query(conversation: Conversation, question: Question) -> str | None:
    """What to search archival memory for, when documents are loaded and may answer; else None."""
    if about_the_human(question) or not loaded_documents(conversation) or not archival_tool(conversation.tools, "search"):
        return None
    words = document_words(question.text)
    return " ".join(words) if words else None


def after_document_search(conversation: Conversation, calls: list[Call]) -> Decision | None:
    """After archival searches that found document passages: answer with a citation, read the next page, or say so."""
    question = read_question(conversation.user_text)
    searches = [made for made in calls if made.name == "archival_memory_search" and not made.result.failed]
    seen = [passage for made in searches for passage in cited_passages(made.result.text)]
    if not seen or about_the_human(question):
        return None
    found = best_sentence(question.text, seen)
    if found:
        return _send(conversation, answer_text(*found), f"The passage {found[1].cite} answers it; I'll quote and cite it.")
    last = searches[-1]
    page = next_page(last.result.text, int(last.arguments.get("page") or 0))
    if page is not None and len(searches) < MAX_PAGES:
        thought = f"Nothing on page {page - 1} answers it; I'll read page {page}."
        arguments = {"query": last.arguments.get("query", ""), "page": page}
        return Decision(content=thought, tool_calls=[call(conversation.tools[last.name], arguments, thought=thought,
                                                          heartbeat=True)])
    return _send(conversation, not_found([p.source for p in seen], len(searches)),
                 "No passage I found answers it; I'll say so rather than guess.")


# ---------------------------------------------------------------------------------------------
# Plain RAG: the passages are in the request, and there are no tools.
# ---------------------------------------------------------------------------------------------


def answer_from_prompt(conversation: Conversation) -> Decision | None:
    """Answer a question from the cited passages the request holds (plain RAG), or None if it holds none."""
    passages = [passage for message in conversation.messages if message.get("role") != "tool"
                for passage in cited_passages(message_text(message.get("content")))]
    asked = "\n".join(line for line in conversation.user_text.splitlines() if not CITED.search(line))
    asked = re.sub(r"^\s*question:\s*", "", asked.strip(), flags=re.I)
    if not passages or not asked.rstrip().endswith("?"):
        return None
    found = best_sentence(asked, passages)
    if found:
        return _send(conversation, answer_text(*found), "One of the passages I was given answers it.")
    return _send(conversation, not_found([p.source for p in passages]), "None of the passages answers it.")
