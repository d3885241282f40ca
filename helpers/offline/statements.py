"""What a user's message states or asks, clause by clause: facts, corrections, requests, questions.

Precision first: a clause it cannot read with certainty gives no fact, at most something understood
("you're tired") that the reply can say back in one sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from helpers.offline.language import (
    CORRECTION_TAIL,
    SUBJECT,
    WORD,
    Fact,
    SECOND_FROM_FIRST,
    THIRD_FROM_FIRST,
    normalize,
    record,
    swap_pronouns,
    third_person_verb,
)
from helpers.offline.lexicon import FUNCTION_WORDS, PEOPLES, STATES, TITLES, VERBS, is_name_word
from helpers.offline.names import read_name
from helpers.offline.questions import Question, read_question

QUESTION_WORD = r"(?:how|what|what's|who|where|when|why|which|can you|could you|would you|will you|do you|are you|is it)"
ABBREVIATIONS = TITLES | {"st", "jr", "sr", "mt", "vs", "etc"}
FIRST_PERSON_START = r"(?:i|i'm|im|i've|i'd|i'll|my|i am|call me|name's|it's|it is)\b"


def clauses(text: str) -> list[tuple[str, bool]]:
    """The clauses of a message, each with whether it is a question.

    Sentences split at . ! ? ; and line breaks; a sentence splits again at ", " or " and "/" but "
    when a new first-person clause starts there ("I'm Bob and I live in Paris").
    """
    pieces: list[tuple[str, bool]] = []
    start = 0
    for match in re.finditer(r"[.!?;]+(?=\s|$)|\n+", text):
        before = re.search(r"(\w+)$", text[start : match.start()])
        if match.group().startswith(".") and before and before.group(1).lower() in ABBREVIATIONS:
            continue
        pieces.append((text[start : match.start()], "?" in match.group()))
        start = match.end()
    pieces.append((text[start:], False))
    split = re.compile(
        rf"(?:,\s*|\s+)(?:and|but|so|also)\s+(?={FIRST_PERSON_START})|,\s+(?={FIRST_PERSON_START}|{QUESTION_WORD}\b)", re.I
    )
    out = []
    for piece, asked in pieces:
        parts = [part.strip() for part in split.split(piece) if part and re.search(r"\w", part)]
        out.extend((part, asked and index == len(parts) - 1) for index, part in enumerate(parts))
    return out


GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|howdy|greetings|yo|good (?:morning|afternoon|evening|day)|dear \w+)"
    r"(?: there| again| everyone| all)?\b[\s,!.:-]*)+",
    re.I,
)
FILLERS = re.compile(
    r"^(?:(?:well|so|oh|ok|okay|alright|right|and|also|btw|by the way|just so you know|fyi|"
    r"for the record|for your information|ps|p\.s\.|please note|oh and|anyway|um|uh|hmm|also,)\b[\s,:-]*)+",
    re.I,
)
CORRECTION_OPENERS = re.compile(
    r"^(?:(?:actually|no|nope|nah|sorry|oops|wait|hold on|correction|i misspoke|i made a mistake|my mistake|"
    r"my bad|i meant(?: to say)?|i mean|i said|that's wrong|that is wrong|that's not right|that is not right|"
    r"that's not correct|wrong|not quite|you got (?:it|that|my name) wrong|you've got (?:it|that|my name) wrong|"
    r"let me correct (?:that|myself)|to correct myself|i was wrong|i typed it wrong|typo)\b[\s,.:;!-]*)+",
    re.I,
)
HEDGES = re.compile(
    r"\b(?:maybe|perhaps|probably|might|i think|i guess|i suppose|i believe|not sure|if|would|i wish|i hope|hopefully|"
    r"pretend|imagine|suppose|what if|let's say|kidding|joking|jk|could be)\b|\"",
    re.I,
)
TRAILING_FILLERS = re.compile(
    r"(?:[\s,]+(?:eh|lol|haha|hehe|lmao|thanks|thank you|please|you know|btw|by the way|ok|okay|right|innit|x|xx|"
    r"hi|hello|hey|there|"
    r":\)|:-\)|:d|;\)|<3))+\s*$",
    re.I,
)
NEGATION = re.compile(r"\b(?:not|n't|never|no longer)\b", re.I)
REMEMBER = re.compile(
    r"^(?:(?:please|can you|could you|would you|will you|i want you to|i'd like you to)\s+)?"
    r"(?:remember|note|keep in mind|make a note|take note|save|store|memori[sz]e|don't forget|do not forget|"
    r"never forget)(?:\s+(?:that|this|the fact that|of this))?\s*[:,]?\s+(?P<content>.+?)\W*$",
    re.I | re.S,
)
ABOUT_ME = re.compile(
    r"\b(?:what|tell me|anything|everything|things?)\b.*\b(?:know|remember|saved|stored|learn(?:ed|t)|"
    r"have|got|noted|recall)\b.*\b(?:about|on) me\b|\btell me about myself\b|\bwhat(?:'s| is) in your memory\b|"
    r"\bwhat do you (?:know|remember)\s*$|\bwhat have you (?:saved|stored|remembered)\b|"
    r"\bwho do you think i am\b|\bwhat do you know of me\b",
    re.I,
)
QUESTION_START = re.compile(
    r"^(?:what|what's|whats|when|when's|where|where's|who|who's|which|how|why|whose|do|does|did|am|is|are|"
    r"can|could|will|would|have|has|tell me|remind me)\b",
    re.I,
)
THANKS = re.compile(r"^(?:thanks|thank you|thx|ty|cheers|great,? thanks)\b", re.I)
BYE = re.compile(r"^(?:bye|goodbye|good night|see you|see ya|cya|farewell)\b", re.I)


@dataclass
class Reading:
    """What one user message says, clause by clause."""

    facts: list[Fact] = field(default_factory=list)
    correction: bool = False  # "actually", "no, ...", "..., not Sarah", "I misspoke"
    bare: list[str] = field(default_factory=list)  # "No, it's Charles": a value whose key the context tells
    olds: list[str] = field(default_factory=list)  # values the human says are wrong ("not Sarah")
    understood: list[str] = field(default_factory=list)  # second person, not saved: "you're tired"
    unsure_name: str | None = None  # "im bob": maybe a name, typed without a capital
    remember: str | None = None  # "remember that ...": the words to remember
    questions: list[Question] = field(default_factory=list)
    about_me: bool = False  # "What do you know about me?"
    greeting: bool = False
    thanks: bool = False
    bye: bool = False


NAME_MARKERS = re.compile(
    r"^(?:my (?:first |full |real |actual |given )?name(?:'s| is)(?: actually| really| now)?"
    r"|(?:the )?name's|(?:you can |please |just )?call me|(?:people|everyone|everybody|friends|my friends|"
    r"they|most people|folks|everybody) (?:call|calls) me|i go by(?: the name(?: of)?)?"
    r"|i(?:'m| am|m) (?:called|named|known as)|i(?:'m| am) (?:also |usually )?known as"
    r"|(?:you may|you can|you could|feel free to|please|just) call me|i(?:'d)? prefer(?: to be called| to go by)"
    r"|i(?:'d)? like to be called)\s+",
    re.I,
)
WEAK_NAME_MARKERS = re.compile(r"^(?:i'm|i am|im|this is)(?: actually)?\s+", re.I)
IT_IS = re.compile(r"^(?:it's|it is|its|that's|that is)(?: actually)?\s+", re.I)
NEGATED_NAME = re.compile(
    r"^(?:my name (?:isn't|is not|ain't)|i'm not|i am not|im not|it's not|it is not|not)\s+(?P<old>.+)$", re.I
)


def case_says_nothing(text: str) -> bool:
    """Whether capitals carry no meaning in a text: all lowercase, all capitals, or Title Case Typing.

    Then a capitalised word after "I'm" is not a sign of a name ("This Is Fun", "I'M BOB").
    """
    if not any(ch.isupper() for ch in text) or text.upper() == text:
        return True
    for clause, _ in clauses(text):
        words = re.findall(WORD, clause)[1:]
        if any(w[0].isupper() and w.lower() in (FUNCTION_WORDS | VERBS) - {"i", "i'm", "i've", "i'd", "i'll"} for w in words):
            return True
    return False


def read_message(text: str) -> Reading:
    """Read a user message: the facts it states, corrections, questions, requests."""
    text = normalize(text).strip()
    reading = Reading()
    all_lower = case_says_nothing(text)
    if text.isupper():
        text = text.lower()  # SHOUTED TEXT is read, and saved, in lowercase
    body = text
    remember = REMEMBER.match(FILLERS.sub("", GREETING.sub("", text)))
    if remember:
        reading.remember = remember.group("content").strip()
        body = reading.remember
    for index, (clause, asked) in enumerate(clauses(body)):
        _read_clause(clause, asked, reading, all_lower, first=index == 0)
    if reading.remember:
        reading.questions.clear()
    return reading


def _read_clause(clause: str, asked: bool, reading: Reading, all_lower: bool, first: bool) -> None:
    """Add what one clause states or asks to `reading`."""
    if first and GREETING.match(clause):
        reading.greeting = True
    clause = FILLERS.sub("", GREETING.sub("", clause)).strip()
    opened = CORRECTION_OPENERS.match(clause)
    if opened:
        reading.correction = True
        clause = clause[opened.end() :].strip()
    clause = FILLERS.sub("", clause).strip()
    if not clause:
        return
    if re.search(r"\s*,?\s*\b(?:actually|instead)\s*$", clause, re.I):
        reading.correction = True
        clause = re.sub(r"\s*,?\s*\b(?:actually|instead)\s*$", "", clause, flags=re.I)
    clause = TRAILING_FILLERS.sub("", clause).strip()
    if THANKS.match(clause):
        reading.thanks = True
        return
    if BYE.match(clause):
        reading.bye = True
        return
    if asked or QUESTION_START.match(clause):
        question = read_question(clause)
        if ABOUT_ME.search(clause):
            reading.about_me = True
        elif question.key or question.keywords:  # "Remind me, ..." alone asks nothing
            reading.questions.append(question)
        return
    tail = CORRECTION_TAIL.search(clause)
    if tail:
        reading.correction = True
        reading.olds.append(tail.group("old").strip())
        clause = clause[: tail.start()].strip()
    negated = NEGATED_NAME.match(clause)
    if negated:
        old = read_name(negated.group("old"), lowercase=True)
        if old:
            reading.correction = True
            reading.olds.append(old[0])
        return
    if HEDGES.search(clause):
        return
    _read_statement(clause, reading, all_lower)


def _read_statement(clause: str, reading: Reading, all_lower: bool) -> None:
    """The fact (or the thing understood) in one affirmative clause."""
    marker = NAME_MARKERS.match(clause)
    if marker:
        name = read_name(clause[marker.end() :], lowercase=True)
        if name:
            reading.facts.append(Fact(f"{SUBJECT}'s name is {name[0]}", "name", name[0]))
        return
    weak = WEAK_NAME_MARKERS.match(clause)
    if weak:
        rest = clause[weak.end() :]
        name = read_name(rest, lowercase=False) if not all_lower else None
        if name:
            reading.facts.append(Fact(f"{SUBJECT}'s name is {name[0]}", "name", name[0]))
            return
        if clause.lower().startswith("this is"):
            return
        _read_i_am(rest, reading, all_lower)
        return
    here = re.match(r"^(?:it's |it is )?(?P<rest>.+?)\s+here$", clause, re.I)
    if here:
        name = read_name(here.group("rest"), lowercase=False) if not all_lower else None
        if name and name[1] >= len(here.group("rest")):
            reading.facts.append(Fact(f"{SUBJECT}'s name is {name[0]}", "name", name[0]))
            return
    it_is = IT_IS.match(clause)
    if it_is and reading.greeting and not reading.correction and not all_lower:  # "Hi, it's Tom!"
        name = read_name(clause[it_is.end() :], lowercase=False)
        if name and name[1] >= len(clause[it_is.end() :].rstrip()):
            reading.facts.append(Fact(f"{SUBJECT}'s name is {name[0]}", "name", name[0]))
        return
    if it_is and reading.correction:
        value = clause[it_is.end() :].strip()
        if value and len(value.split()) <= 4 and not NEGATION.search(value):
            reading.bare.append(value)
        return
    if reading.correction and not reading.facts:
        name = read_name(clause, lowercase=False)
        if name and name[1] >= len(clause.rstrip()):
            reading.bare.append(name[0])
            return
    if NEGATION.search(clause) and not re.match(r"^i (?:don't|do not|never|can't|cannot)\b", clause, re.I):
        return
    fact = _read_my(clause) or _read_i_verb(clause)
    if fact:
        reading.facts.append(fact)


# What may follow "I'm" and be saved: lasting states (not "tired", "cold", "happy").
LASTING = PEOPLES | set(
    """vegan vegetarian pescatarian allergic married single divorced engaged widowed separated pregnant retired
    unemployed self-employed diabetic deaf blind asthmatic epileptic autistic dyslexic gay straight bi bisexual
    lesbian trans transgender queer nonbinary non-binary left-handed right-handed colourblind colorblind
    colour-blind color-blind lactose gluten gluten-free sober introverted extroverted religious atheist agnostic
    fluent bilingual trilingual""".split()
)
NUMBER_WORDS = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred)")
ADVERB_HEAD = re.compile(r"^(?:(?:originally|also|now|currently|still|strictly|happily|recently|very|really|quite|"
                         r"pretty|super|so|totally|kind of|kinda|a bit|a little)\s+)+")
LASTING_PHRASE = re.compile(r"^(?:into|interested in|good at|bad at|great at|terrible at|fluent in|afraid of|scared of|"
                            r"terrified of|a fan of|married to|engaged to)\s+\S", re.I)
INTENSIFIERS = set("so very really quite pretty super extremely totally kinda rather too incredibly absolutely "
                   "completely a bit little feeling".split())
NOT_A_ROLE = re.compile(r"^an? (?:bit|little|tad|lot|few|couple|bit of|kind of|sort of)\b", re.I)
VALUE_OK = re.compile(r"^[^\"{}\[\]<>]{1,120}$")
YOU = re.compile(r"\b(?:you|your|yours|yourself|u|ur)\b", re.I)


def _value_ok(rest: str) -> bool:
    """A value worth saving: short, plain, not about "you" (the assistant), at most 16 words."""
    return bool(VALUE_OK.match(rest)) and not YOU.search(rest) and 0 < len(rest.split()) <= 16


def _read_i_am(rest: str, reading: Reading, all_lower: bool) -> None:
    """What follows "I'm": a role, a lasting state, an age, where from; or something understood."""
    rest = rest.strip()
    lowered = rest.lower()
    head = ADVERB_HEAD.sub("", lowered)  # "originally from Dublin": what counts is "from"
    first = head.split()[0].strip(",;:") if head.split() else ""
    if not _value_ok(rest):
        return
    you = f"you're {swap_pronouns(rest, SECOND_FROM_FIRST)}"
    if re.match(rf"^(?:\d{{1,3}}|{NUMBER_WORDS}(?:-{NUMBER_WORDS})?)(?: years? old| yo)?$", lowered):
        reading.facts.append(_fact(f"{SUBJECT} is {rest}"))
    elif re.match(r"^an? ", lowered) and not NOT_A_ROLE.match(lowered):
        reading.facts.append(_fact(f"{SUBJECT} is {swap_pronouns(rest, THIRD_FROM_FIRST)}"))
    elif first == "from" and len(head.split()) > 1 or LASTING_PHRASE.match(head):
        reading.facts.append(_fact(f"{SUBJECT} is {swap_pronouns(rest, THIRD_FROM_FIRST)}"))
    elif first in LASTING:
        reading.facts.append(_fact(f"{SUBJECT} is {swap_pronouns(rest, THIRD_FROM_FIRST)}"))
    elif first in STATES or first in INTENSIFIERS or first in ("a", "in", "at", "on", "here", "back", "not") \
            or first.endswith("ing") or first in VERBS:
        reading.understood.append(you)
    elif all_lower and is_name_word(first) and len(lowered.split()) == 1:
        reading.unsure_name = rest


def _fact(sentence: str) -> Fact:
    """The fact of a third-person sentence built here (always readable by `record`)."""
    fact = record(sentence)
    assert fact is not None, sentence
    return fact


NOT_ABOUT_THEM = set("bad mistake fault pleasure question questions point guess turn god goodness gosh problem issue "
                     "idea opinion thoughts advice request answer reply message bet word".split())
MY_VERBS = ("is|are|lives|live|works|work|likes|like|loves|love|has|have|plays|play|goes|go|studies|study|"
            "speaks|speak|teaches|teach|owns|own|runs|run|drives|drive")
MY_IS = re.compile(
    r"^my (?P<np>(?:[^\W\d][\w\-]* ){0,3}?[^\W\d][\w\-]*?)'s (?P<next>(?:called|named|from|in|at|on|a|an|the|very|so|\d))\b",
    re.I,
)
MY_CLAUSE = re.compile(
    rf"^my (?P<np>(?:[^\W\d][\w\-]*(?:'s)? ){{0,3}}?[^\W\d][\w\-]*?)\s+(?P<verb>{MY_VERBS})\s+(?P<rest>.+)$",
    re.I,
)


def _read_my(clause: str) -> Fact | None:
    """ "my <thing> is/lives/has ...": my dog is called Rex, my sister Alice lives in Oslo."""
    clause = MY_IS.sub(r"my \g<np> is \g<next>", clause)  # "my cat's called Whiskers": 's is "is"
    match = MY_CLAUSE.match(clause)
    if not match:
        return None
    np, verb, rest = match.group("np"), match.group("verb").lower(), match.group("rest").strip()
    words = np.lower().split()
    if not words or words[0] in NOT_ABOUT_THEM or words[-1] in NOT_ABOUT_THEM or words[0] in FUNCTION_WORDS:
        return None
    if words == ["name"] or not _value_ok(rest) or re.search(r"\bi\b", rest, re.I):
        return None
    return _fact(f"{SUBJECT}'s {np} {verb} {swap_pronouns(rest, THIRD_FROM_FIRST)}")


DURABLE_VERBS = set(
    """live work like love enjoy prefer hate dislike adore have own speak play study teach drink eat cook drive ride
    swim read write collect grow keep use know support follow watch listen practise practice volunteer attend go
    run sing paint dance bake climb code knit garden train wear smoke""".split()
)
PAST_VERBS = set("used moved grew lived worked studied graduated married adopted bought started joined retired quit "
                 "got learned learnt taught".split())
HAVE_NOT_FACTS = re.compile(
    r"^(?:to|been|had|got to|gotta|no|nothing|some questions?|an? (?:question|problem|idea|doubt|suggestion|"
    r"feeling|headache|cold|moment|minute|second|look|go|try|quick question|request|issue))\b",
    re.I,
)
BAD_OBJECT = re.compile(r"^(?:it|this|that|these|those|them|him|her|one|so|too|to be|something|anything|nothing|"
                        r"what|how|when|where|why|if)\b", re.I)
DOES_NOT = {"don't": "doesn't", "do not": "does not"}
I_VERB = re.compile(
    r"^i(?P<have>'ve)?\s+(?P<adv>(?:(?:also|really|usually|often|always|still|sometimes|now|currently|mostly|"
    r"absolutely|totally|just)\s+)*)(?P<neg>(?:don't|do not|never|can't|cannot|can)\s+)?(?P<verb>[a-z]+)"
    r"(?P<rest>(?:\s+.*)?)$",
    re.I,
)


def _read_i_verb(clause: str) -> Fact | None:
    """ "I <verb> ...": I live in Oslo, I have a cat, I moved to York, I don't eat meat, I was born on ..."""
    born = re.match(r"^i was born (?P<rest>(?:on|in) .+)$", clause, re.I)
    if born and _value_ok(born.group("rest")):
        return _fact(f"{SUBJECT} was born {born.group('rest')}")
    match = I_VERB.match(clause)
    if not match:
        return None
    verb, rest = match.group("verb"), match.group("rest").strip()
    lower = verb.lower()
    adverbs = match.group("adv") or ""
    negation = (match.group("neg") or "").strip().lower()
    if match.group("have") and lower == "got":
        verb, lower = "has got", "has got"
    elif match.group("have") and (lower not in PAST_VERBS or lower in ("got", "used", "grew") or negation):
        return None  # "I've been ...": not a fact it can read
    if lower in PAST_VERBS and not negation:
        conjugated = f"has {verb}" if match.group("have") else verb
        if lower == "grew" and not rest.lower().startswith("up") or lower == "used" and not rest.lower().startswith("to "):
            return None
    elif lower in DURABLE_VERBS or lower == "has got":
        if negation in ("don't", "do not"):
            conjugated = f"{DOES_NOT[negation]} {verb}"
        elif negation == "never":
            conjugated = f"never {third_person_verb(verb)}"
        elif negation:
            conjugated = f"{negation} {verb}"
        else:
            conjugated = verb if lower == "has got" else third_person_verb(verb)
    else:
        return None
    if lower in ("have", "has got", "got") and (HAVE_NOT_FACTS.match(rest) or not rest):
        return None
    if lower in ("go", "use", "know", "keep", "run", "wear", "train", "got") and not rest:
        return None
    if rest and (BAD_OBJECT.match(rest) or not _value_ok(rest)) or re.search(r"\bi\b", rest, re.I):
        return None
    if lower in ("live", "work", "moved", "lived", "worked") and not re.match(r"^(?:in|at|as|for|to|with|from|near|on)\b", rest, re.I):
        return None
    sentence = f"{SUBJECT} {adverbs}{conjugated} {swap_pronouns(rest, THIRD_FROM_FIRST)}".strip()
    return _fact(re.sub(r"\s+", " ", sentence))
