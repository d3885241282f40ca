"""Documents in archival memory: reading files, passages with overlap and positions, metadata kept and shown."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.archival import archival_insert, archival_search, citation, documents_in, format_archival_results, new_archive
from helpers.backend import make_client
from helpers.documents import (
    DocumentError,
    chunk_document,
    load_document,
    passage_spans,
    read_document,
)
from helpers.embeddings import embed
from helpers.memgpt import memgpt_step, memory_metadata, new_agent
from helpers.store import open_store
from helpers.tokens import count_tokens
from tests.store_fixtures import postgres_server, postgres_url, sqlite_url, store, store_url  # noqa: F401 (fixtures)

CONSTITUTION = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "constitution.txt"


@pytest.fixture(scope="module")
def client():
    return make_client()


# ----- reading ----------------------------------------------------------------------------------------


def test_reads_utf8_text_and_markdown_with_any_line_endings(tmp_path) -> None:
    (tmp_path / "notes.md").write_bytes("\ufeff# Zoë\r\n\r\nCafé 東京\rend\n".encode("utf-8"))
    assert read_document(tmp_path / "notes.md") == "# Zoë\n\nCafé 東京\nend\n"
    (tmp_path / "LOUD.TXT").write_text("hello", encoding="utf-8")
    assert read_document(str(tmp_path / "LOUD.TXT")) == "hello"


@pytest.mark.parametrize("name, content, message", [
    ("missing.txt", None, r"missing\.txt is not there\. Check the path"),
    ("book.pdf", b"%PDF", r"book\.pdf is not a \.txt or \.md file: save it as plain text"),
    ("empty.txt", b" \n\t\n", r"empty\.txt is empty: there is nothing to load"),
    ("latin1.txt", "Zoë".encode("latin-1"), r"latin1\.txt is not UTF-8 text \(byte 2 is not\): save it as UTF-8"),
])
def test_bad_files_get_one_clear_error(tmp_path, name, content, message) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    with pytest.raises(DocumentError, match=message):
        read_document(tmp_path / name)


def test_a_folder_is_not_a_file(tmp_path) -> None:
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(DocumentError, match="a folder, not a file"):
        read_document(tmp_path / "folder.txt")


# ----- passages ---------------------------------------------------------------------------------------


def check_passages(text: str, max_tokens: int, overlap: int) -> list[tuple[int, int]]:
    """The properties every cut must have; returns the spans."""
    spans = passage_spans(text, max_tokens, overlap)
    words = [m.span() for m in re.finditer(r"\S+", text)]
    if not words:
        assert spans == []
        return spans
    assert spans[0][0] == words[0][0] and spans[-1][1] == words[-1][1], "from the first word to the last"
    for (start, end), (next_start, next_end) in zip(spans, spans[1:]):
        assert start < next_start and end < next_end, "passages move forward"
        assert not text[end:next_start].strip(), "no text is skipped between passages (only spaces may be)"
        if overlap:
            assert count_tokens(text[next_start:end]) <= overlap, "the overlap stays within its tokens"
    for start, end in spans:
        piece = text[start:end]
        assert piece.strip() == piece and piece, "no empty passage, no passage starting or ending with spaces"
        assert count_tokens(piece) <= max_tokens, "no passage over the size"
    return spans


def test_the_constitution_in_passages(client) -> None:
    text = read_document(CONSTITUTION)
    spans = check_passages(text, 200, 40)
    assert 60 <= len(spans) <= 90
    shared = [count_tokens(text[b[0]:a[1]]) for a, b in zip(spans, spans[1:]) if b[0] < a[1]]
    assert len(shared) == len(spans) - 1 and min(shared) >= 20, "every boundary shares words"
    ends_of_paragraphs = sum(1 for _, end in spans if text[end:end + 2] == "\n\n" or end == len(text.rstrip()))
    assert ends_of_paragraphs >= len(spans) // 2, "most passages end where a paragraph ends"


def test_a_word_longer_than_a_passage_is_cut(tmp_path) -> None:
    text = "Start " + "x" * 3000 + " end."
    spans = check_passages(text, 50, 10)
    assert len(spans) > 3 and text[spans[-1][0]:spans[-1][1]].endswith("end.")


def test_a_passage_never_lies_inside_the_one_before() -> None:
    text = "a a " + "x" * 40  # the overlap ("a") leaves no room for a piece of the long word after it
    spans = check_passages(text, 3, 1)
    assert spans[0] == (0, 3) and spans[1][0] == 4


def test_no_overlap_and_bad_sizes() -> None:
    text = "one two three four five six seven eight nine ten " * 20
    spans = check_passages(text, 30, 0)
    assert all(b[0] > a[1] for a, b in zip(spans, spans[1:])), "overlap=0 shares nothing"
    with pytest.raises(ValueError, match="overlap must be at least 0 and less than max_tokens"):
        passage_spans(text, 30, 30)
    with pytest.raises(ValueError, match="max_tokens must be a whole number"):
        passage_spans(text, 0)


@settings(max_examples=100, deadline=None)
@given(text=st.lists(st.sampled_from(list("ab cd.\n\n東京é!") + ["Senate ", "x" * 40]), max_size=120).map("".join),
       size=st.integers(3, 60), share=st.integers(0, 10))
def test_any_text_is_cut_within_bounds(text, size, share) -> None:
    check_passages(text, size, min(share, size - 1))


def test_chunks_know_their_source_number_characters_and_lines() -> None:
    text = "Title\n\nFirst paragraph, line one.\nLine two.\n\nSecond paragraph here."
    chunks = chunk_document(text, "tiny.md", max_tokens=8, overlap=2)
    assert [c["passage"] for c in chunks] == list(range(1, len(chunks) + 1))
    for chunk in chunks:
        assert text[chunk["start"]:chunk["end"]] == chunk["text"] and chunk["source"] == "tiny.md"
        assert chunk["first_line"] == text.count("\n", 0, chunk["start"]) + 1
        assert chunk["last_line"] == text.count("\n", 0, chunk["end"]) + 1
    assert chunks[-1]["last_line"] == 6


# ----- archival memory with metadata ----------------------------------------------------------------------


def test_metadata_stays_parallel_to_the_passages() -> None:
    archive = new_archive()
    archival_insert(archive, ["a note"], np.ones((1, 4)))
    assert "metadata" not in archive, "archives without documents look as before"
    archival_insert(archive, ["p1", "p2"], np.eye(2, 4), metadata=[{"source": "b.txt", "passage": 1}, None])
    archival_insert(archive, ["another note"], np.ones((1, 4)))
    assert archive["metadata"] == [None, {"source": "b.txt", "passage": 1}, None, None]
    assert documents_in(archive) == {"b.txt": 1}
    with pytest.raises(ValueError, match="2 passages but 1 metadata"):
        archival_insert(archive, ["x", "y"], np.ones((2, 4)), metadata=[None])


def test_citations() -> None:
    assert citation({"source": "a.txt", "passage": 3, "lines": [40, 52]}) == "[a.txt, passage 3, lines 40-52]"
    assert citation({"source": "a.txt", "passage": 3, "lines": [7, 7]}) == "[a.txt, passage 3, line 7]"
    assert citation({"source": "a.txt"}) == "[a.txt]"
    assert citation(None) == citation({"passage": 2}) == ""


def test_loading_a_document_into_an_agent(client, tmp_path) -> None:
    agent = new_agent()
    archival_insert(agent["archival"], ["The human asked me to remember: my cat is Tom"],
                    embed(client, ["my cat is Tom"]))
    ids = load_document(client, agent["archival"], CONSTITUTION)
    archive = agent["archival"]
    assert ids == list(range(1, len(archive["passages"])))
    assert archive["metadata"][0] is None and archive["metadata"][1]["source"] == "constitution.txt"
    assert [m["passage"] for m in archive["metadata"][1:]] == list(range(1, len(ids) + 1))
    assert f"{len(ids) + 1} passages, {len(ids)} of them from documents: constitution.txt." in memory_metadata(agent)
    assert load_document(client, archive, CONSTITUTION) == ids, "loading the same file again changes nothing"
    other = tmp_path / "constitution.txt"
    other.write_text("Another text altogether.", encoding="utf-8")
    with pytest.raises(DocumentError, match="already holds another constitution.txt"):
        load_document(client, archive, other)
    found = archival_search(archive, embed(client, ["Senator age of thirty Years"])[0], page_size=3)
    shown = format_archival_results(found)
    assert re.search(r"^1\. \(similarity [\d.]+\) \[constitution\.txt, passage \d+, lines \d+-\d+\] \S", shown, re.M)
    assert len(shown.splitlines()) == 4, "one line per result, whatever line breaks a passage holds"


# ----- documents stay loaded in a store ---------------------------------------------------------------------


def test_documents_stay_loaded_across_sessions(store, store_url, client) -> None:
    agent = store.create_agent("Reader")
    ids = load_document(client, agent["archival"], CONSTITUTION)
    store.save(agent)
    metadata = agent["archival"]["metadata"]
    store.close()
    del agent
    with open_store(store_url) as reopened:
        agent = reopened.load_agent("Reader")
        assert agent["archival"]["metadata"] == metadata and len(agent["archival"]["passages"]) == len(ids)
        assert load_document(client, agent["archival"], CONSTITUTION) == ids, "still loaded: nothing to add"
        reply = memgpt_step(client, agent, "How many votes does each senator have?", store=reopened)
        assert "one Vote" in reply and re.search(r"\[constitution\.txt, passage \d+, lines \d+-\d+\]", reply)
        search = getattr(reopened, "archival_search", None)
        if search is not None:  # Postgres searches in the database: the citations come from there too
            found = search(agent, embed(client, ["each Senator shall have one Vote"])[0])
            assert found["results"][0]["metadata"]["source"] == "constitution.txt"
            assert format_archival_results(found).splitlines()[1].split(") ", 1)[1].startswith("[constitution.txt")
