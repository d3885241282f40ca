"""Scoring a reply: is the expected answer in it, or, for a question never answered, does it say it doesn't know?

The rule, for every question but `abstention`: the expected answer, normalized, appears in the reply,
normalized, as whole words. Normalizing means: lower case, accents dropped, dates written one way
("June 12th", "12 June" and "2026-06-12" all hold "06 12"), number words as digits ("three" -> "3"),
"a", "an" and "the" dropped, punctuation turned into spaces. So "Rexford" does not answer "Rex", a reply
naming only an old value does not answer a question about the new one, and a reply naming both ("You
moved to Lisbon; before that you lived in Berlin") answers either: the rule cannot tell a full answer
from a hedge, an LLM judge (`judge_prompt`, `read_verdict`) can. A hedged reply that names the answer
("I think it's Rex") counts as right; a reply that says it doesn't know names no answer and is wrong.

For `abstention` (the answer was never said), the reply is right only if it says it does not know
(`ABSTAINING` lists the phrasings); any confident answer is wrong, however plausible.
"""

from __future__ import annotations

import re
import unicodedata

import openai

from helpers.errors import explain_api_errors
from helpers.offline.dates import DATE, read_date

ABSTENTION = "abstention"
CATEGORIES = ("single_session", "multi_session", "knowledge_update", "temporal", ABSTENTION)

NUMBERS = {word: str(value) for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
TENS = "thirty forty fifty sixty seventy eighty ninety".split()
NUMBERS.update({word: str(10 * tens) for tens, word in enumerate(TENS, 3)})
ARTICLES = {"a", "an", "the"}

# Replies that say "I don't know" (matched on the lowercased reply, apostrophes straightened).
ABSTAINING = re.compile(
    r"\b(?:i|we) (?:do not|don't|dont|did not|didn't) "
    r"(?:know|have (?:any |that |this )?(?:information|record|details?)|recall|remember)"
    r"|\bnot sure\b|\bno idea\b|\bno (?:information|record|mention)\b"
    r"|\b(?:can't|cannot|can not|couldn't|could not) (?:recall|remember|find|tell|say)\b"
    r"|\b(?:haven't|have not|never|didn't|did not) (?:told|tell|mentioned|mention|said|say|shared|share)\b"
    r"|\bfound nothing\b|\bnothing (?:about|on) (?:that|this|it)\b"
    r"|\bnot (?:in|saved in) my memory\b|\bnothing in my memory\b"
    r"|\bi'm not aware\b|\bi am not aware\b"
)


def _date(match: re.Match[str]) -> str:
    """A date written as " yyyy mm dd ", or " mm dd " without a year (as found if it is no real day)."""
    found = read_date(match)
    if found is None:
        return match.group(0)
    year, month, day = found
    return f" {str(year) + ' ' if year else ''}{month:02d} {day:02d} "


def normalize(text: str) -> str:
    """Text reduced for comparison: lower case, no accents, one date format, digits, no articles or punctuation."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("’", "'")
    text = DATE.sub(_date, text)
    words = re.findall(r"[^\W_]+", text)
    return " ".join(NUMBERS.get(word, word) for word in words if word not in ARTICLES)


def abstains(reply: str) -> bool:
    """Whether a reply says it does not know (one of the phrasings in ABSTAINING)."""
    return bool(ABSTAINING.search(reply.lower().replace("’", "'")))


def contains_answer(reply: str, answer: str) -> bool:
    """Whether the expected answer, normalized, appears in the reply, normalized, as whole words."""
    expected = normalize(answer)
    return bool(expected) and f" {expected} " in f" {normalize(reply)} "


def score(category: str, answer: str, reply: str) -> bool:
    """Whether `reply` is right: it says it doesn't know for `abstention`, else it holds the expected answer."""
    if category == ABSTENTION:
        return abstains(reply)
    return contains_answer(reply, answer)


# ---------------------------------------------------------------------------------------------
# The LLM judge (optional): the same model grades each reply against the expected answer.
# ---------------------------------------------------------------------------------------------

JUDGE_PROMPT = """You grade answers to questions a user asked an assistant about their own past conversations.

Question: {question}
Expected answer: {answer}
The assistant's reply: {reply}

{rule}
Answer with one word: yes or no."""
JUDGE_RULE = "Is the reply correct? It is correct if it gives the expected answer (other words are fine); it is " \
             "wrong if it gives another answer, several answers to choose from, or says it does not know."
JUDGE_ABSTENTION_RULE = "The user never said this, so the right reply says it does not know. Is the reply " \
                        "correct? It is wrong if it gives any answer as if it knew."


def judge_prompt(category: str, question: str, answer: str, reply: str) -> str:
    """The judge's one user message for grading `reply` against `answer`."""
    rule = JUDGE_ABSTENTION_RULE if category == ABSTENTION else JUDGE_RULE
    return JUDGE_PROMPT.format(question=question, answer=answer, reply=reply.strip() or "(no reply)", rule=rule)


def read_verdict(text: str | None) -> bool | None:
    """The judge's verdict, read strictly: "yes" is True, "no" is False (case and a final period aside); else None."""
    word = (text or "").strip().lower().rstrip(".!")
    return {"yes": True, "no": False}.get(word)


def judge(client: openai.OpenAI, model: str, category: str, question: str, answer: str, reply: str) -> bool | None:
    """The judge's verdict on one reply, from one chat completion with the same model (None if unreadable)."""
    prompt = judge_prompt(category, question, answer, reply)
    with explain_api_errors():
        response = client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}])
    return read_verdict(response.choices[0].message.content if response.choices else None)
