"""Property tests of the offline tutor: it saves only the user's words, never a name from a non-name, and
answers the same request with the same bytes."""

from __future__ import annotations

import json
import re

import httpx2
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.memgpt import build_memgpt_system_prompt, memgpt_tools, new_agent
from helpers.memory import CORE_MEMORY_SAVE_TOOL, build_system_prompt
from helpers.offline import OFFLINE_MODEL, chat_completion, handle_request
from tests.test_offline_language import NOT_NAMES

FAST = settings(max_examples=300, deadline=None)
# Words a saved sentence may add to the user's own: the frame around them and the person they change.
FRAME = set("""the human human's is are was has have does doesn't not their them themselves theirs name asked me
    to remember""".split())

names = st.from_regex(r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{1,9}(?:-[A-Z][a-z]{1,6})?", fullmatch=True)
words = st.sampled_from(
    "cat dog tea coffee jazz hiking Paris Oslo Leeds a an two kids sister brother garden blue green red cello "
    "chess football Rome London pizza peanuts shellfish nurse teacher bakery bike Spanish French".split()
)
phrases = st.lists(words, min_size=1, max_size=4).map(" ".join)
TEMPLATES = [
    "My name is {name}", "I'm {name}", "Call me {name}", "I go by {name}", "This is {name}", "Name's {name}",
    "I live in {phrase}", "I moved to {phrase}", "I love {phrase}", "I have {phrase}", "I'm allergic to {phrase}",
    "My {word} is called {name}", "My favourite {word} is {phrase}", "My {word} {name} lives in {phrase}",
    "Please remember that {phrase}", "Don't forget that my {word} is {phrase}", "I work as {phrase}",
    "I'm a {phrase}", "I'm {name} and I live in {phrase}", "No, it's {name}", "Actually my name is {name}",
    "{name}, not {name2}", "I'm from {phrase}", "I don't like {phrase}", "my {word} is {phrase}!",
]


def shaped(template: str, name: str, name2: str, word: str, phrase: str, case: str, end: str) -> str:
    """A sentence from a template, typed in one of the ways a learner types."""
    text = template.format(name=name, name2=name2, word=word, phrase=phrase) + end
    return {"as is": text, "lower": text.lower(), "upper": text.upper()}[case]


sentences = st.one_of(
    st.builds(shaped, st.sampled_from(TEMPLATES), names, names, words, phrases,
              st.sampled_from(["as is", "as is", "lower", "upper"]), st.sampled_from(["", ".", "!", " :)", "?"])),
    st.text(max_size=60),
)
memories = st.sampled_from(["", "The human's name is Sarah", "Name: Sarah\nThe human lives in Paris", "The human likes tea"])


def saved(text: str, human: str) -> list[str]:
    """What the lesson's agent saves from `text` (the `memory` argument of each save call)."""
    body = {"model": OFFLINE_MODEL, "tools": [CORE_MEMORY_SAVE_TOOL], "messages": [
        {"role": "system", "content": build_system_prompt({"human": human, "agent": ""})},
        {"role": "user", "content": text}]}
    message = chat_completion(body)["choices"][0]["message"]
    return [json.loads(call["function"]["arguments"])["memory"] for call in message.get("tool_calls", [])]


def base_forms(word: str) -> set[str]:
    """A word and the forms it may have had in the first person: lives -> live, studies -> study."""
    forms = {word, word.removesuffix("s"), word.removesuffix("es")}
    if word.endswith("ies"):
        forms.add(word[:-3] + "y")
    return forms


def tokens(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:['\-][^\W\d_]+)*|\d+", text.lower())


@FAST
@given(text=sentences, human=memories)
def test_every_saved_word_is_the_users_own_or_the_frame(text: str, human: str) -> None:
    users = set(tokens(text)) | {w.removesuffix("'s") for w in tokens(text)}
    known = set(tokens(human))  # a correction may name the old value from memory
    for sentence in saved(text, human):
        for word in tokens(sentence):
            assert word in FRAME or base_forms(word) & (users | known), f"{word!r} in {sentence!r} is not from {text!r}"


decorations = st.tuples(
    st.sampled_from(["", "Hi! ", "Well, ", "hey ", "So ", "Oh, ", "OK ", "Good morning. "]),
    st.sampled_from(["", ".", "!", "!!", " lol", " :)", " today", " again", " though"]),
    st.sampled_from(["as is", "lower", "title"]),
)


@FAST
@given(text=st.sampled_from(NOT_NAMES), decoration=decorations, human=memories)
def test_no_non_name_sentence_yields_a_name_however_it_is_typed(text: str, decoration: tuple[str, str, str], human: str) -> None:
    before, after, case = decoration
    typed = before + text.rstrip(".!?") + after
    typed = {"as is": typed, "lower": typed.lower(), "title": typed.title()}[case]
    for sentence in saved(typed, human):
        assert not sentence.startswith("The human's name is"), f"{typed!r} gave {sentence!r}"


messages = st.lists(
    st.one_of(
        st.builds(lambda t: {"role": "user", "content": t}, st.text(max_size=40)),
        st.builds(lambda t: {"role": "assistant", "content": t}, st.text(min_size=1, max_size=40)),
        st.builds(lambda t: {"role": "user", "content": json.dumps({"type": "heartbeat", "reason": t})}, st.text(max_size=20)),
        st.builds(lambda t: {"role": "user", "content": json.dumps({"type": "user_message", "message": t})}, st.text(max_size=40)),
    ),
    min_size=1,
    max_size=5,
)
systems = st.sampled_from([
    build_system_prompt({"human": "The human's name is Sarah", "agent": ""}),
    build_memgpt_system_prompt(new_agent(human="The human lives in Oslo")),
    "You are a chatbot.",
])
tool_sets = st.sampled_from([[], [CORE_MEMORY_SAVE_TOOL], memgpt_tools()])
choices = st.sampled_from([None, "auto", "none", "required"])


@FAST
@given(system=systems, history=messages, tools=tool_sets, tool_choice=choices)
def test_same_request_same_bytes(system: str, history: list[dict], tools: list, tool_choice: str | None) -> None:
    body: dict = {"model": OFFLINE_MODEL, "messages": [{"role": "system", "content": system}, *history]}
    if tools:
        body["tools"] = tools
        if tool_choice:
            body["tool_choice"] = tool_choice
    url = "http://offline-tutor.invalid/v1/chat/completions"
    first = handle_request(httpx2.Request("POST", url, json=body))
    second = handle_request(httpx2.Request("POST", url, json=body))
    assert first.status_code == 200, first.content
    assert first.content == second.content
    message = json.loads(first.content)["choices"][0]["message"]
    assert message["content"] or message.get("tool_calls")  # never an empty answer
    if tools and tool_choice == "none":
        assert not message.get("tool_calls")
    if tools and tool_choice == "required":
        assert message.get("tool_calls")
