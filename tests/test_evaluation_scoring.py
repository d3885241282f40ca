"""The benchmark's scoring rule, table by table: normalizing, near misses, updates, abstention, the judge."""

from __future__ import annotations

import httpx2
import pytest

from helpers.evaluation.scoring import abstains, contains_answer, judge, judge_prompt, normalize, read_verdict, score

NORMALIZED = [
    ("Your dog is called Rex!", "your dog is called rex"),
    ("The Lisbon flat", "lisbon flat"),  # articles go
    ("You have three cats", "you have 3 cats"),  # number words become digits
    ("Tomás", "tomas"),  # accents go
    ("Your trip is on 2026-06-12.", "your trip is on 2026 06 12"),
    ("June 12th, 2026", "2026 06 12"),
    ("the 12th of June", "06 12"),
    ("12 June", "06 12"),
    ("on 32 June", "on 32 june"),  # no such day: left as words
]


@pytest.mark.parametrize(("text", "normalized"), NORMALIZED)
def test_normalize(text, normalized):
    assert normalize(text) == normalized


# (category, expected answer, reply, right?)
SCORED = [
    ("single_session", "Rex", "Your dog is called Rex.", True),
    ("single_session", "rex", "REX!", True),
    ("single_session", "Rex", "Your dog is called Rexford.", False),  # a near miss is a miss
    ("single_session", "Rexford", "Your dog is called Rex.", False),
    ("single_session", "Tomas", "Your name is Tomás.", True),
    ("single_session", "software engineer", "Your cousin works as a software engineer.", True),
    ("single_session", "software engineer", "Your cousin is an engineer.", False),
    ("single_session", "Rex", "I think it's Rex, but I'm not sure.", True),  # a hedge that names it counts
    ("single_session", "Rex", "I'm sorry, I don't know your dog's name.", False),  # don't know is wrong here
    ("multi_session", "2", "You have two pets: a dog and a cat.", True),
    ("multi_session", "2", "You have 12 pets.", False),
    ("knowledge_update", "Lisbon", "You live in Lisbon now.", True),
    ("knowledge_update", "Lisbon", "You live in Berlin.", False),  # the old value after an update
    ("knowledge_update", "Lisbon", "You moved to Lisbon; before that you lived in Berlin.", True),  # both named
    ("temporal", "June 25", "Your trip to Rome is on 2026-06-25.", True),
    ("temporal", "June 25", "Your trip to Rome is on the 25th of June.", True),
    ("temporal", "June 25", "Your trip to Rome is on June 7.", False),
    ("temporal", "2026-06-25", "Your trip is on June 25.", False),  # the year was asked for
    ("temporal", "after", "After: you moved after you got Olive.", True),
    ("temporal", "before", "After: you moved after you got Olive.", False),
    ("abstention", "never said", "I'm sorry, I don't know your cat's name.", True),
    ("abstention", "never said", "You never told me about a cat.", True),
    ("abstention", "never said", "I searched my memory but found nothing about that.", True),
    ("abstention", "never said", "I don't have any information about your cat.", True),
    ("abstention", "never said", "Your cat is called Luna.", False),  # a confident made-up answer
    ("abstention", "never said", "Your dog is called Rex.", False),  # a confident answer to another question
    ("abstention", "never said", "", False),
]


@pytest.mark.parametrize(("category", "answer", "reply", "right"), SCORED)
def test_score(category, answer, reply, right):
    assert score(category, answer, reply) is right


def test_an_empty_expected_answer_is_never_found():
    assert not contains_answer("anything at all", "!!")


@pytest.mark.parametrize("reply", ["I do not know.", "No idea, sorry!", "I can't recall that.", "You didn't say.",
                                   "I couldn’t find anything about it.", "I’m not sure."])
def test_abstaining_phrasings(reply):
    assert abstains(reply)


@pytest.mark.parametrize("reply", ["Your cat is Luna.", "I know: Luna.", "Sure thing!"])
def test_confident_replies_do_not_abstain(reply):
    assert not abstains(reply)


# --- the LLM judge -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "verdict"), [("yes", True), ("Yes.", True), (" NO ", False), ("no!", False),
                                               ("Yes, it is correct.", None), ("maybe", None), ("", None), (None, None)])
def test_the_verdict_is_read_strictly(text, verdict):
    assert read_verdict(text) is verdict


def test_the_judge_sends_one_user_message_and_reads_the_answer(scripted_model):
    model = scripted_model("Yes.")
    verdict = judge(model.client, "gpt-4o-mini", "knowledge_update", "Where do I live?", "Lisbon", "In Lisbon, now.")
    assert verdict is True
    (request,) = model.requests
    assert request["model"] == "gpt-4o-mini" and "tools" not in request
    (message,) = request["messages"]
    assert message["role"] == "user"
    assert message["content"] == judge_prompt("knowledge_update", "Where do I live?", "Lisbon", "In Lisbon, now.")
    assert "Expected answer: Lisbon" in message["content"] and "The assistant's reply: In Lisbon, now." in message["content"]


def test_the_judge_prompt_for_abstention_asks_whether_it_declined():
    prompt = judge_prompt("abstention", "What's my cat called?", "Never said.", "Luna")
    assert "never said this" in prompt and "does not know" in prompt


def test_an_unreadable_verdict_is_none(scripted_model):
    model = scripted_model("It depends on the context.")
    assert judge(model.client, "m", "temporal", "When?", "June 12", "June 12") is None


def test_a_judge_api_error_is_one_clear_error(scripted_model):
    from helpers.errors import AgentAPIError

    model = scripted_model(httpx2.Response(401, json={"error": {"message": "bad key", "type": "auth"}}))
    with pytest.raises(AgentAPIError, match="401"):
        judge(model.client, "m", "temporal", "When?", "June 12", "June 12")
    assert len(model.requests) == 1
