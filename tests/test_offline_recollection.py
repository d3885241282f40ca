"""The offline tutor on the benchmark's ground: facts said in passing, people by name, plans with dates, time.

Through the real client, as in test_offline_language: each row is a message to the lesson's agent (memory
in the system prompt, core_memory_save offered) and what it saves or answers. Precision first: rows that
must save nothing, and questions whose right answer is "I don't know", sit beside the ones it reads.
The last tests run the MemGPT loop itself through dated sessions and ask what came first.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone

import openai
import pytest

from helpers.evaluation.generator import PASTES
from helpers.memgpt import memgpt_step, new_agent
from helpers.memory import CORE_MEMORY_SAVE_TOOL, build_system_prompt
from helpers.offline import OFFLINE_MODEL, offline_client
from helpers.recall import ticking_clock


@pytest.fixture(scope="module")
def client() -> openai.OpenAI:
    return offline_client()


def respond(client: openai.OpenAI, text: str, human: str = "", earlier: list[dict] | None = None):
    """The tutor's first answer to `text`, with `human` in memory, `earlier` messages, and the save tool offered."""
    messages = [{"role": "system", "content": build_system_prompt({"human": human, "agent": ""})}, *(earlier or []),
                {"role": "user", "content": text}]
    return client.chat.completions.create(model=OFFLINE_MODEL, messages=messages, tools=[CORE_MEMORY_SAVE_TOOL]).choices[0]


def saved(client: openai.OpenAI, text: str, human: str = "") -> list[str]:
    """What the tutor saves from `text`: the `memory` argument of each save call."""
    return [json.loads(call.function.arguments)["memory"] for call in respond(client, text, human).message.tool_calls or []]


# --- facts said in passing --------------------------------------------------------------------

IN_PASSING = [
    ("I'm based in Porto, it's been pretty grey lately.", ["The human lives in Porto"]),
    ("Quick update, I'm living in Vienna now.", ["The human lives in Vienna now"]),
    ("Big news: I moved to Helsinki last weekend!", ["The human moved to Helsinki last weekend"]),
    ("We finally relocated to Seattle.", ["The human moved to Seattle"]),
    ("I've been a carpenter for six years.", ["The human is a carpenter"]),
    ("New chapter: I'm working as a nurse now.", ["The human works as a nurse now"]),
    ("I quit my old job and now I work as an accountant.", ["The human quit their old job", "The human works as an accountant"]),
    ("I just got a dog, I named him Pickle.", ["The human's dog is called Pickle"]),
    ("We got a rabbit yesterday, he's called Pretzel.", ["The human's rabbit is called Pretzel"]),
    ("Meet the newest member of the family: a cat called Luna!", ["The human's cat is called Luna"]),
    ("Had dinner with my sister, Ines, last night.", ["The human's sister is called Ines"]),
    ("Took my dog Rex to the park today, he loved it.", ["The human's dog is called Rex"]),
    ("Rex, my dog, knocked a glass off the table again.", ["The human's dog is called Rex"]),
    ("I've gone off sushi; these days my favourite food is ramen.", ["The human's favourite food is ramen"]),
    ("New favourite band: Queen!", ["The human's favourite band is Queen"]),
    ("Honestly, nothing beats pho. It's my favourite food.", ["The human's favourite food is pho"]),
    ("I'm planning a trip to Rome on June 12.", ["The human's trip to Rome is on June 12"]),
    ("I'm flying to Lima on 2026-06-07, can't wait!", ["The human's trip to Lima is on 2026-06-07"]),
    ("I have a dentist appointment on the 3rd of July.", ["The human's dentist appointment is on the 3rd of July"]),
    ("Did I mention that I live in Oslo?", ["The human lives in Oslo"]),
]


@pytest.mark.parametrize(("text", "sentences"), IN_PASSING)
def test_facts_said_in_passing_are_saved_plainly(client, text, sentences):
    assert saved(client, text) == sentences


NOTHING_IN_PASSING = [
    "I told my boss Monday to back off.",  # not a name
    "Had dinner with my sister last night.",  # no name given
    "We moved the meeting to Friday.", "We moved to a bigger table.",  # not a home
    "I'm going to the cinema on June 12.", "I'm planning a trip to Lisbon in May",  # no place, no day
    "The Lima trip was great.", "Took my dog to the park today.",
]


@pytest.mark.parametrize("text", NOTHING_IN_PASSING)
def test_what_only_looks_like_those_saves_nothing(client, text):
    assert saved(client, text) == []


def test_a_pasted_text_with_a_not_in_it_corrects_nothing(client):
    paste = ("Can you make this friendlier? Please review the numbers. Late comments will not be considered. "
             "Questions go to the desk, not to the managers. Thanks. Regards")
    assert saved(client, paste, human="The human's name is Leo") == []


# --- people known by name ----------------------------------------------------------------------

SISTER = "The human's sister is called Ines"
LINKED = [
    ("Ines just moved to Bristol.", ["The human's sister Ines lives in Bristol"]),
    ("Ines just got a job as a pilot.", ["The human's sister Ines works as a pilot"]),
    ("Big news from Ines: she's a vet now!", ["The human's sister Ines is a vet now"]),
    ("Did I mention Ines moved to Krakow? I miss her.", ["The human's sister Ines lives in Krakow"]),
    ("Marco moved to Rome.", []),  # nobody the memory knows
    ("Ines thinks it will rain.", []),
]


@pytest.mark.parametrize(("text", "sentences"), LINKED)
def test_a_person_memory_knows_by_name_is_linked(client, text, sentences):
    assert saved(client, text, human=SISTER) == sentences


# --- questions ---------------------------------------------------------------------------------

MEMORY = "\n".join([
    "The human's trip to Rome is on June 12", "The human's dentist appointment is on July 3",
    "The human plays tennis on Saturdays", "The human's sister Ines lives in Bristol", "The human's brother Tom is a pilot",
    "The human's dog is called Rex", "The human's cat is called Luna", "The human's favourite food is curry",
    "The human's neighbours are loud", "The human lives in Dublin", "The human moved to Vienna, not Dublin",
    "The human is a nurse", "The human works as a teacher",
])
DONT_KNOW = "I'm sorry, I don't know {}. How can I assist you today?"
ANSWERS = [
    ("When is my trip to Rome?", "Your trip to Rome is on June 12."),
    ("What date am I going to Rome?", "Your trip to Rome is on June 12."),
    ("When is my dentist appointment?", "Your dentist appointment is on July 3."),
    ("Which sport do I play on weekends?", "You play tennis on Saturdays."),
    ("Which city does my sister live in now?", "Your sister Ines lives in Bristol."),
    ("What's my brother's job?", "Your brother Tom is a pilot."),
    ("What is my sister called?", "Your sister is called Ines."),
    ("How many pets do I have?", "You have 2 pets that I know of: a dog called Rex and a cat called Luna."),
    ("Where did I live before I moved to Vienna?", "Before you moved to Vienna, you lived in Dublin."),
    ("What was my job before I became a teacher?", "Before you became a teacher, you worked as a nurse."),
    ("Where do I live?", "You moved to Vienna."),
    # never said: a near match is no answer
    ("What's my favourite band?", DONT_KNOW.format("your favourite band")),
    ("Where does my cousin live?", DONT_KNOW.format("where your cousin lives")),
    ("What's my neighbour's name?", DONT_KNOW.format("your neighbour's name")),
    ("When is my optician appointment?", DONT_KNOW.format("your optician appointment")),
    # core memory keeps no time: which came first cannot be read from it
    ("Did I move to Vienna before or after I got Rex?", DONT_KNOW.format("that")),
]


@pytest.mark.parametrize(("question", "answer"), ANSWERS)
def test_questions_about_plans_people_and_change(client, question, answer):
    assert respond(client, question, human=MEMORY).message.content == answer


def test_which_came_first_follows_the_order_of_the_messages_in_context(client):
    earlier = [{"role": "user", "content": "We got a dog yesterday, he's called Rex."},
               {"role": "assistant", "content": "Lovely!"},
               {"role": "user", "content": "Big news: I moved to Vienna last weekend!"},
               {"role": "assistant", "content": "Congratulations!"}]
    after = respond(client, "Did I move to Vienna before or after I got Rex?", earlier=earlier).message.content
    before = respond(client, "Did I get Rex before or after I moved to Vienna?", earlier=earlier).message.content
    assert after.startswith("After:") and "before" not in after
    assert before.startswith("Before:") and "after" not in before


# --- the MemGPT loop: recall memory keeps the times ---------------------------------------------

SESSIONS = [
    ("2026-01-05", ["Hi! I'm Leo.", "I live in Dublin with two flatmates.", "We got a parrot yesterday, she's called Olive."]),
    ("2026-02-02", ["Big news: I moved to Vienna last weekend!", PASTES[0], PASTES[1], "It's pouring here again, typical."]),
]


@pytest.fixture(scope="module")
def lived(client):
    """A MemGPT agent after two dated sessions, with a context window too small to keep the first one."""
    agent = new_agent(context_window=1500)
    for day, messages in SESSIONS:
        clock = ticking_clock(datetime.fromisoformat(f"{day}T09:00:00+00:00"), timedelta(minutes=1))
        for text in messages:
            memgpt_step(client, agent, text, now=clock)
    return agent


def ask(client, agent, question: str) -> tuple[str, list[dict]]:
    """What a copy of the agent answers, and the tool calls it made."""
    events: list[dict] = []
    clock = ticking_clock(datetime(2026, 3, 1, 9, tzinfo=timezone.utc))
    reply = memgpt_step(client, copy.deepcopy(agent), question, now=clock, on_event=events.append)
    return reply, [event for event in events if event["type"] == "tool_call"]


def test_memgpt_finds_when_each_thing_was_said_and_compares(client, lived):
    assert "Olive" not in json.dumps(lived["messages"])  # the first session has left the context
    reply, calls = ask(client, lived, "Did I move to Vienna before or after I got Olive?")
    assert [call["name"] for call in calls] == ["conversation_search", "conversation_search", "send_message"]
    assert reply == 'After: "move to Vienna" came after "got Olive" (you told me on 2026-02-02 and on 2026-01-05).'


def test_memgpt_finds_what_came_before_a_change_out_of_core_memory(client, lived):
    assert "Dublin" not in lived["blocks"]["human"]["value"]  # replaced in core memory by the move
    reply, _ = ask(client, lived, "Where did I live before I moved to Vienna?")  # the summary, or recall memory
    assert reply == "Before you moved to Vienna, you lived in Dublin with two flatmates."


def test_memgpt_finds_what_came_before_a_change_in_recall_memory(client, lived):
    forgetful = {**copy.deepcopy(lived), "summary": ""}  # without the summary of the first session
    reply, calls = ask(client, forgetful, "Where did I live before I moved to Vienna?")
    assert calls[0]["name"] == "conversation_search"
    assert reply == "Before you moved to Vienna, you lived in Dublin with two flatmates."


def test_memgpt_says_so_when_recall_memory_has_no_answer(client, lived):
    reply, _ = ask(client, lived, "Did I move to Vienna before or after I got Rex?")
    assert reply.startswith("I searched my memory but could not find")


def test_a_question_word_alone_is_no_overlap() -> None:
    """Found by typing into the team chat: "Who should I ask about drafts?" was answered by quoting an earlier
    message that shared only "ask" with it."""
    from helpers.memgpt import memgpt_step, new_agent
    from helpers.offline import offline_client

    client, agent = offline_client(), new_agent()
    memgpt_step(client, agent, "Write a short email to members and ask the evaluator to review it")
    reply = memgpt_step(client, agent, "Who should I ask about drafts?")
    assert "ask the evaluator" not in reply and "You told me" not in reply, reply
