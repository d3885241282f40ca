"""What the offline tutor saves from what a learner types: the lesson-1 save tool, through the real client.

Each table row is a message to the lesson's agent (memory in the system prompt, core_memory_save offered)
and what it must save: the exact sentences, or nothing at all. Precision first: a sentence the tutor
cannot read with certainty saves nothing, and the reply says in one short sentence what it understood.
"""

from __future__ import annotations

import json

import openai
import pytest

from helpers.memory import CORE_MEMORY_SAVE_TOOL, build_system_prompt, new_memory
from helpers.offline import OFFLINE_MODEL, offline_client
from helpers.offline.reasoning import FALLBACK


@pytest.fixture(scope="module")
def client() -> openai.OpenAI:
    return offline_client()


def respond(client: openai.OpenAI, text: str, human: str = ""):
    """The tutor's first answer to `text`, with `human` in memory and the save tool offered."""
    messages = [
        {"role": "system", "content": build_system_prompt({"human": human, "agent": ""})},
        {"role": "user", "content": text},
    ]
    return client.chat.completions.create(model=OFFLINE_MODEL, messages=messages, tools=[CORE_MEMORY_SAVE_TOOL]).choices[0]


def saved(client: openai.OpenAI, text: str, human: str = "") -> list[str]:
    """What the tutor saves from `text`: the `memory` argument of each save call."""
    message = respond(client, text, human).message
    return [json.loads(call.function.arguments)["memory"] for call in message.tool_calls or []]


# --- names -----------------------------------------------------------------------------------

NAMES = [
    ("My name is Bob", "Bob"),
    ("my name is bob", "Bob"),
    ("MY NAME IS BOB!", "Bob"),
    ("Hello there, my name's Bob.", "Bob"),
    ("I'm Bob", "Bob"),
    ("Hi, I'm Bob!", "Bob"),
    ("I am Bob.", "Bob"),
    ("This is Bob", "Bob"),
    ("Call me Bob, please.", "Bob"),
    ("hey! my name is Bob :)", "Bob"),
    ("I'm called Lee", "Lee"),
    ("I am called Lee.", "Lee"),
    ("I go by Sam", "Sam"),
    ("i go by sam", "Sam"),
    ("Name's Jo", "Jo"),
    ("The name's Bond.", "Bond"),
    ("People call me Jo", "Jo"),
    ("Everyone calls me Jo.", "Jo"),
    ("You can call me Al", "Al"),
    ("My first name is Priya", "Priya"),
    ("My name is José", "José"),
    ("My name is Mary Jane", "Mary Jane"),
    ("I'm Mary Jane Watson", "Mary Jane Watson"),
    ("I'm Jean-Luc", "Jean-Luc"),
    ("My name is O'Brien", "O'Brien"),
    ("Call me Łukasz", "Łukasz"),
    ("I'm Zoë", "Zoë"),
    ("My name is Åsa", "Åsa"),
    ("My name is Анна", "Анна"),
    ("I'm Ludwig van Beethoven", "Ludwig van Beethoven"),
    ("My name is Siobhán, nice to meet you", "Siobhán"),
    ("I'm Bob, how are you?", "Bob"),
    ("Good morning! I'm Dana", "Dana"),
    ("My name is Rasheed", "Rasheed"),
    ("I am Alfred.", "Alfred"),
    ("I'm Grace", "Grace"),
    ("My name is Hope", "Hope"),
]


@pytest.mark.parametrize(("text", "name"), NAMES)
def test_a_name_is_saved_as_written(client, text, name):
    assert saved(client, text) == [f"The human's name is {name}"]


def test_after_saving_a_name_it_greets_by_that_name(client):
    messages = [
        {"role": "system", "content": build_system_prompt(new_memory())},
        {"role": "user", "content": "My name is José"},
    ]
    first = client.chat.completions.create(model=OFFLINE_MODEL, messages=messages, tools=[CORE_MEMORY_SAVE_TOOL])
    messages.append(first.choices[0].message)
    messages.append({"role": "tool", "tool_call_id": first.choices[0].message.tool_calls[0].id, "content": "Saved."})
    reply = client.chat.completions.create(model=OFFLINE_MODEL, messages=messages, tools=[CORE_MEMORY_SAVE_TOOL])
    assert reply.choices[0].message.content == "Nice to meet you, José!"


# About a hundred sentences that are not names, though many start like one ("I'm ...", "call me ...").
NOT_NAMES = [
    # feelings and states
    "I'm tired", "I'm fine, thanks", "I am tired", "I'm not sure", "I'm so happy today", "I'm bored",
    "I'm cold", "I'm hungry", "I'm sad", "I'm excited!", "I'm a bit tired", "I'm feeling great",
    "I'm exhausted", "I'm stressed", "I'm good", "I'm okay", "I'm sorry", "I'm glad", "I'm confused",
    "I'm lost", "I'm sick", "I'm nervous", "I'm Tired", "I'm Happy", "I'm knackered", "I'm ill",
    "I'm worried about tomorrow", "I'm scared of spiders", "I'm sleepy", "I'm here",
    # nationalities, religions, diets, family
    "I'm Italian", "I'm French", "I'm British", "I'm Japanese", "I'm Vegan", "I'm vegan", "I'm married",
    "I'm single", "I'm Catholic", "I'm Jewish", "I'm Muslim", "I'm Buddhist", "I'm Brazilian",
    "I'm allergic to peanuts", "I'm a vegetarian", "I'm divorced", "I'm pregnant", "I'm retired",
    # jobs and roles
    "I'm a teacher", "I'm an engineer", "I'm a nurse", "I'm a student", "I'm Teacher", "I'm a Doctor",
    "I'm a software developer", "I am a chef", "I'm the manager", "I'm a mum of two",
    # ages
    "I'm 34", "I'm 34 years old", "I am twenty", "I'm thirty", "I'm old", "I'm young",
    # activities
    "I'm planning a trip to Lisbon in May", "I'm learning the cello", "I'm working from home",
    "I'm going to bed", "I'm cooking dinner", "I'm reading a book", "I'm moving to Berlin",
    "I'm looking for a job", "I'm Running late", "I'm studying French",
    # places and other "I'm ..." phrases
    "I'm in London", "I'm at work", "I'm from Lisbon", "I'm back", "I'm home", "I'm on holiday",
    "I'm done", "I'm ready", "I'm new here", "I'm UK-based",
    # "call me ..." and "this is ..." that are not names
    "Call me later", "call me when you can", "Call me crazy, but I like rain", "Call me back tomorrow",
    "This is great", "This is Amazing", "This is fun", "this is hard",
    # questions and small talk
    "What is my name?", "Am I Bob?", "Who is Bob?", "How are you?", "Is my name Bob?", "Hello!",
    "Thanks a lot", "Good night", "Tell me a joke", "What's the weather like?",
    # hedges, negations, other people
    "I think I'm Bob", "Maybe my name is Bob", "If my name were Bob", "I'm not Bob", "My name isn't Bob",
    "My friend's name is Bob", "His name is Bob", "Her name is Alice", "Bob is my brother",
    "My sister is called Alice", "I'm Bob's sister", "I'm Sarah's mum", "I'm Bob-tired", "Bob and I are friends",
    "I have a dog called Rex", "I met Bob yesterday", "I love Paris",
]


@pytest.mark.parametrize("text", ["i'm bob", "im bob", "i am bob", "this is bob"])
def test_a_lowercase_name_after_im_is_not_certain_so_it_asks(client, text):
    choice = respond(client, text)
    assert not choice.message.tool_calls
    assert choice.message.content in ('If "bob" is your name, tell me "My name is Bob".', FALLBACK)


def test_there_are_about_a_hundred_non_name_sentences():
    assert len(NOT_NAMES) >= 100


@pytest.mark.parametrize("text", NOT_NAMES)
def test_no_name_is_ever_read_from_a_sentence_that_does_not_give_one(client, text):
    choice = respond(client, text)
    for call in choice.message.tool_calls or []:
        assert not json.loads(call.function.arguments)["memory"].startswith("The human's name is")
    content = choice.message.content or ""
    assert "Nice to meet you" not in content


# --- other facts, in the user's own words ------------------------------------------------------

FACTS = [
    ("I'm allergic to peanuts", ["The human is allergic to peanuts"]),
    ("I'm Italian", ["The human is Italian"]),
    ("I'm vegan", ["The human is vegan"]),
    ("I'm married", ["The human is married"]),
    ("I'm lactose intolerant.", ["The human is lactose intolerant"]),
    ("I'm a teacher", ["The human is a teacher"]),
    ("I'm a software engineer at Google", ["The human is a software engineer at Google"]),
    ("I'm 34 years old", ["The human is 34 years old"]),
    ("I'm from Lisbon!", ["The human is from Lisbon"]),
    ("I live in Paris", ["The human lives in Paris"]),
    ("I moved to York", ["The human moved to York"]),
    ("I work as a nurse", ["The human works as a nurse"]),
    ("I work at the hospital", ["The human works at the hospital"]),
    ("I love hiking", ["The human loves hiking"]),
    ("I really enjoy jazz music.", ["The human really enjoys jazz music"]),
    ("I like to swim in the sea", ["The human likes to swim in the sea"]),
    ("I hate mushrooms", ["The human hates mushrooms"]),
    ("I have a cat", ["The human has a cat"]),
    ("I've got two kids", ["The human has got two kids"]),
    ("I own a bakery", ["The human owns a bakery"]),
    ("I don't eat meat", ["The human doesn't eat meat"]),
    ("I can't swim", ["The human can't swim"]),
    ("I speak French and Spanish", ["The human speaks French and Spanish"]),
    ("I was born on 1 January 2001.", ["The human was born on 1 January 2001"]),
    ("My birthday is March 3", ["The human's birthday is March 3"]),
    ("My favourite colour is blue", ["The human's favourite colour is blue"]),
    ("My dog is called Rex", ["The human's dog is called Rex"]),
    ("My dog's name is Rex", ["The human's dog's name is Rex"]),
    ("My sister Alice lives in Oslo", ["The human's sister Alice lives in Oslo"]),
    ("My parents live in Rome", ["The human's parents live in Rome"]),
    ("My wife works as a doctor", ["The human's wife works as a doctor"]),
    ("My cat loves my sister", ["The human's cat loves their sister"]),
    ("Please remember that I have a cat", ["The human has a cat"]),
    ("Don't forget that my dog is called Rex", ["The human's dog is called Rex"]),
    ("Remember: my favourite book is Dune.", ["The human's favourite book is Dune"]),
    ("Please remember that the meeting is on Friday", ['The human asked me to remember: "the meeting is on Friday"']),
    ("I'm Bob and I live in Paris", ["The human's name is Bob", "The human lives in Paris"]),
    ("Hi! I'm Ana, I'm vegan and I have a cat.", ["The human's name is Ana", "The human is vegan", "The human has a cat"]),
    ("My name is Bob. I like jazz.", ["The human's name is Bob", "The human likes jazz"]),
]


@pytest.mark.parametrize(("text", "sentences"), FACTS)
def test_facts_are_saved_in_the_users_words_in_the_third_person(client, text, sentences):
    assert saved(client, text) == sentences


NOTHING_TO_SAVE = [
    "I have a question", "I have to go", "I like it", "I love you", "I'd like a coffee", "I need help",
    "I went to the shop", "I think my dog is called Rex", "My dog isn't called Rex", "I like your answer",
    "My question is simple", "My bad", "I have no idea", "I've been busy", "Do I have a cat?",
    "What if I lived in Paris?", "Maybe I'm vegan", "I live", "I work", "My name is not important",
]


@pytest.mark.parametrize("text", NOTHING_TO_SAVE)
def test_what_it_cannot_read_with_certainty_is_not_saved(client, text):
    assert saved(client, text) == []


# --- the reply when nothing is saved: one short sentence ---------------------------------------

REPLIES = [
    ("I'm cold", "I understand that you're cold, but I only keep lasting facts in memory."),
    ("I'm planning a trip to Lisbon in May",
     "I understand that you're planning a trip to Lisbon in May, but I only keep lasting facts in memory."),
    ("im bob", 'If "bob" is your name, tell me "My name is Bob".'),
    ("Hello!", "Hello! How can I help you today?"),
    ("Thanks!", "You're welcome!"),
    ("What is my name?", "I'm sorry, I don't know your name. How can I assist you today?"),
]


@pytest.mark.parametrize(("text", "reply"), REPLIES)
def test_what_it_understood_is_said_in_one_short_sentence(client, text, reply):
    assert respond(client, text).message.content == reply


@pytest.mark.parametrize("text", ["Write me a poem about the sea", "What's the weather like?", "asdf qwerty", "How are you?"])
def test_what_it_does_not_understand_gets_a_short_honest_line(client, text):
    content = respond(client, text).message.content
    assert "offline tutor model" in content
    assert len(content.split()) <= 30


# --- corrections, with the old value taken from memory -----------------------------------------

CORRECTIONS = [
    "No, it's Charles",
    "No, it's Charles.",
    "Actually my name is Charles",
    "My name is actually Charles",
    "It's Charles, not Sarah.",
    "My name is Charles, not Sarah",
    "Charles, not Sarah",
    "I'm actually Charles, not Sarah",
    "I misspoke, my name is Charles",
    "I misspoke, it's Charles",
    "Sorry, I meant Charles",
    "My name isn't Sarah, it's Charles",
    "That's wrong, my name is Charles",
    "You got my name wrong, it's Charles",
    "Call me Charles instead",
    "It's Charles actually",
    "My name is Charles",
]


@pytest.mark.parametrize("text", CORRECTIONS)
def test_a_correction_names_the_old_value_from_memory(client, text):
    assert saved(client, text, human="The human's name is Sarah") == ["The human's name is Charles, not Sarah"]


@pytest.mark.parametrize(
    ("human", "text", "sentence"),
    [
        ("The human lives in Paris", "I live in Oslo", "The human lives in Oslo, not Paris"),
        ("The human lives in Paris", "I moved to York", "The human moved to York, not Paris"),
        ("The human's favourite colour is blue", "My favourite colour is green", "The human's favourite colour is green, not blue"),
        ("Name: Sarah", "No, it's Charles", "The human's name is Charles, not Sarah"),
        ("The user's name is Sarah", "Actually I'm Charles", "The human's name is Charles, not Sarah"),
    ],
)
def test_a_changed_value_is_a_correction_too(client, human, text, sentence):
    assert saved(client, text, human) == [sentence]


def test_a_bare_correction_follows_what_the_assistant_just_said(client):
    messages = [
        {"role": "system", "content": build_system_prompt({"human": "The human lives in Paris", "agent": ""})},
        {"role": "user", "content": "Where do I live?"},
        {"role": "assistant", "content": "You live in Paris."},
        {"role": "user", "content": "No, it's Oslo."},
    ]
    choice = client.chat.completions.create(model=OFFLINE_MODEL, messages=messages, tools=[CORE_MEMORY_SAVE_TOOL]).choices[0]
    assert [json.loads(c.function.arguments)["memory"] for c in choice.message.tool_calls] == ["The human lives in Oslo, not Paris"]


def test_a_correction_with_nothing_to_correct_saves_nothing_and_says_so(client):
    choice = respond(client, "No, it's Charles")
    assert not choice.message.tool_calls
    assert choice.message.content.startswith("I'm not sure what you are correcting")


def test_the_same_name_again_is_not_saved_twice(client):
    choice = respond(client, "My name is Bob", human="The human's name is Bob")
    assert not choice.message.tool_calls
    assert choice.message.content == "Yes, I remember: your name is Bob."


# --- questions, answered from the memory in context --------------------------------------------

MEMORY = "\n".join([
    "The human's name is Bob",
    "The human lives in Leeds",
    "The human's dog is called Rex",
    "The human's sister Alice lives in Oslo",
    "The human is learning to play the cello",
    "The human prefers tea to coffee",
    "The human's favourite colour is green",
    "The human was born on 3 May 1990",
    "The human works as a nurse",
])

QUESTIONS = [
    ("What is my name?", "Your name is Bob."),
    ("what's my name", "Your name is Bob."),
    ("Do you know my name?", "Your name is Bob."),
    ("Who am I?", "Your name is Bob."),
    ("Where do I live?", "You live in Leeds."),
    ("What is my dog called?", "Your dog is called Rex."),
    ("What's my dog's name?", "Your dog is called Rex."),
    ("Where does my sister live?", "Your sister Alice lives in Oslo."),
    ("Which instrument am I learning?", "You are learning to play the cello."),
    ("Do I drink coffee?", "You prefer tea to coffee."),
    ("What's my favourite colour?", "Your favourite colour is green."),
    ("When is my birthday?", "You were born on 3 May 1990."),
    ("When was I born?", "You were born on 3 May 1990."),
    ("What is my job?", "You work as a nurse."),
    ("What do I do for a living?", "You work as a nurse."),
]


@pytest.mark.parametrize(("question", "answer"), QUESTIONS)
def test_questions_are_answered_from_memory_by_best_overlap(client, question, answer):
    assert respond(client, question, human=MEMORY).message.content == answer


@pytest.mark.parametrize(
    "question",
    ["What do you know about me?", "What do you remember about me?", "Tell me about myself",
     "what have you saved about me", "What's in your memory?", "What do you know about me so far?"],
)
def test_what_do_you_know_about_me_reads_the_memory_back(client, question):
    content = respond(client, question, human="The human's name is Bob\nThe human lives in Leeds").message.content
    assert content == "Here is what I know about you: your name is Bob; you live in Leeds."


def test_what_do_you_know_about_me_with_an_empty_memory(client):
    assert respond(client, "What do you know about me?").message.content.startswith("I don't know anything about you yet")


@pytest.mark.parametrize(("question", "label"), [("Where do I live?", "where you live"), ("What is my dog called?", "your dog's name"),
                                                   ("How old am I?", "how old you are")])
def test_an_unknown_answer_is_admitted(client, question, label):
    assert respond(client, question).message.content == f"I'm sorry, I don't know {label}. How can I assist you today?"


# --- a held-out set: phrasings written after the rules, to check the categories ----------------

HELD_OUT_SAVED = [
    ("Hey there! Name's Kenji.", ["The human's name is Kenji"]),
    ("I'm Dr. Patel", ["The human's name is Dr Patel"]),
    ("Greetings, I am Fatima Al-Sayed", ["The human's name is Fatima Al-Sayed"]),
    ("yo im called jake", ["The human's name is Jake"]),
    ("it's Mei here", ["The human's name is Mei"]),
    ("Tom here, hi!", ["The human's name is Tom"]),
    ("Hey, it's Tom!", ["The human's name is Tom"]),
    ("My full name is Anna-Lena Schmidt", ["The human's name is Anna-Lena Schmidt"]),
    ("Friends call me Moe", ["The human's name is Moe"]),
    ("I prefer to be called Alex", ["The human's name is Alex"]),
    ("You may call me Ingrid.", ["The human's name is Ingrid"]),
    ("I’m Bob", ["The human's name is Bob"]),
    ("I'm Bob 👋", ["The human's name is Bob"]),
    ("My name's Ana Lucía.", ["The human's name is Ana Lucía"]),
    ("I'm Will", ["The human's name is Will"]),
    ("I'm Mackenzie McDonald", ["The human's name is Mackenzie McDonald"]),
    ("This is Dr. Jane Smith speaking", ["The human's name is Dr Jane Smith"]),
    ("I'm not Sarah, I'm Charles", ["The human's name is Charles"]),
    ("MY NAME'S BOB AND I LIVE IN LEEDS", ["The human's name is Bob", "The human lives in leeds"]),
    ("i'm called sarah and i live in leeds", ["The human's name is Sarah", "The human lives in leeds"]),
    ("I'm Giulia and I'm Italian", ["The human's name is Giulia", "The human is Italian"]),
    ("I'm Canadian, eh", ["The human is Canadian"]),
    ("I'm gluten intolerant", ["The human is gluten intolerant"]),
    ("I'm twenty-five", ["The human is twenty-five"]),
    ("I'm 27 years old and I live in Berlin", ["The human is 27 years old", "The human lives in Berlin"]),
    ("I'm a big fan of Star Wars", ["The human is a big fan of Star Wars"]),
    ("I'm originally from Dublin", ["The human is originally from Dublin"]),
    ("I'm really into photography", ["The human is really into photography"]),
    ("I have three cats and a dog", ["The human has three cats and a dog"]),
    ("My brother Tom is a pilot", ["The human's brother Tom is a pilot"]),
    ("My daughter's name is Lily", ["The human's daughter's name is Lily"]),
    ("My cat's called Whiskers", ["The human's cat is called Whiskers"]),
    ("My birthday's on the 5th of June", ["The human's birthday is on the 5th of June"]),
    ("My favorite food is sushi", ["The human's favorite food is sushi"]),
    ("I never drink alcohol", ["The human never drinks alcohol"]),
    ("I used to live in Madrid", ["The human used to live in Madrid"]),
    ("I've moved to Leeds", ["The human has moved to Leeds"]),
    ("I grew up in Manchester", ["The human grew up in Manchester"]),
    ("I live in São Paulo", ["The human lives in São Paulo"]),
    ("I love my job", ["The human loves their job"]),
    ("I was born in 1990", ["The human was born in 1990"]),
    ("Remember my wife's name is Sofia", ["The human's wife's name is Sofia"]),
    ("Could you remember that my anniversary is June 12?", ["The human's anniversary is June 12"]),
    ("Don't forget: I'm vegetarian", ["The human is vegetarian"]),
    ("Hi! I'm Ana. I live in Porto with my husband and two kids. I work as a teacher and I love surfing.",
     ["The human's name is Ana", "The human lives in Porto with their husband and two kids", "The human works as a teacher",
      "The human loves surfing"]),
    ("hello my name is kai, i'm 29 and i'm from tokyo", ["The human's name is Kai", "The human is 29", "The human is from tokyo"]),
    ("I am a 40 year old accountant", ["The human is a 40 year old accountant"]),
]


@pytest.mark.parametrize(("text", "sentences"), HELD_OUT_SAVED)
def test_held_out_phrasings_are_saved(client, text, sentences):
    assert saved(client, text) == sentences


HELD_OUT_NOTHING = [
    "Just call me whenever", "I'm super tired today", "I'm in a hurry", "I'm Free", "I'm Ready To Start",
    "This Is Fun", "I am Sure", "This is Frustrating", "I'm studying medicine", "I'm moving to Canada next month",
    "I'd love a pizza", "I really like you", "I hate it when it rains", "I've been busy", "Hi, it's Christmas!",
    "I'm Rich", "I am not a robot",
]


@pytest.mark.parametrize("text", HELD_OUT_NOTHING)
def test_held_out_phrasings_save_nothing(client, text):
    assert saved(client, text) == []


@pytest.mark.parametrize(
    ("text", "sentence"),
    [("Nope, Charles.", "The human's name is Charles, not Sarah"),
     ("Wrong name, it's Charles", "The human's name is Charles, not Sarah"),
     ("Not Sarah. Charles.", "The human's name is Charles, not Sarah"),
     ("Sorry, my name is Charles, not Sarah", "The human's name is Charles, not Sarah")],
)
def test_held_out_corrections(client, text, sentence):
    assert saved(client, text, human="The human's name is Sarah") == [sentence]


@pytest.mark.parametrize(
    ("question", "answer"),
    [("Can you tell me my name?", "Your name is Bob."), ("Where am I living these days?", "You live in Leeds."),
     ("What's the name of my dog?", "Your dog is called Rex."), ("Who is my sister?", "Your sister Alice lives in Oslo."),
     ("What instrument do I play?", "You are learning to play the cello."), ("Do I prefer tea or coffee?", "You prefer tea to coffee."),
     ("Where does Alice live?", "Your sister Alice lives in Oslo."), ("How old am I?", "I'm sorry, I don't know how old you are. How can I assist you today?"),
     ("Remind me, what is my name?", "Your name is Bob."), ("Any idea what my dog's name is?", "Your dog is called Rex."),
     ("Do you remember where I live?", "You live in Leeds."), ("What's my name again?", "Your name is Bob.")],
)
def test_held_out_questions(client, question, answer):
    assert respond(client, question, human=MEMORY).message.content == answer


# --- memory lines read back as facts (record) -------------------------------------------------------

@pytest.mark.parametrize(("line", "key", "value"), [
    ("The human is 34", "age", "34"),
    ("The human's locker code is 4821", "locker code", "4821"),
    ("The human's flat number is 12", "flat number", "12"),
    ("The human's dog is called Rex", "dog name", "Rex"),
    ("The human teaches chemistry", "work", "teaching chemistry"),
])
def test_a_memory_line_is_read_back_under_the_right_key(line: str, key: str, value: str) -> None:
    from helpers.offline.language import record

    fact = record(line)
    assert fact is not None and (fact.key, fact.value) == (key, value)


@pytest.mark.parametrize(("words", "meet"), [
    (("allergic", "allergies", "allergy"), True), (("study", "studies", "studying"), True),
    (("lives", "lived", "living"), True), (("dog", "dogs"), True), (("city", "cities"), True),
    (("cat", "car"), False), (("music", "museum"), False),
])
def test_word_forms_meet_on_one_stem_and_other_words_do_not(words: tuple[str, ...], meet: bool) -> None:
    from helpers.offline.questions import stem

    assert (len({stem(word) for word in words}) == 1) is meet


def test_a_teacher_is_asked_about_their_job(client):
    """Found by a lead's probe: "What's my job?" with "The human teaches chemistry" in memory was "I don't know"."""
    human = "The human's name is Priya\nThe human teaches chemistry"
    for question in ("What's my job?", "What do I do for a living?"):
        assert respond(client, question, human=human).message.content == "You teach chemistry."
