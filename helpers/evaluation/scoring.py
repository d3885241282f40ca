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

ABSTENTION = "abstention"
CATEGORIES = ("single_session", "multi_session", "knowledge_update", "temporal", ABSTENTION)

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
MONTH = r"(?P<{}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
        r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
DAY = r"(?P<{}>[0-3]?\d)(?:st|nd|rd|th)?"
YEAR = r"(?:,?\s+(?P<{}>\d{{4}}))?"
# 2026-06-12; June 12th(, 2026); 12 June( 2026); the 12th of June
DATES = re.compile(
    r"\b(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b"
    rf"|\b{MONTH.format('m1')}\s+(?:the\s+)?{DAY.format('d1')}\b{YEAR.format('y1')}"
    rf"|\b(?:the\s+)?{DAY.format('d2')}\s+(?:of\s+)?{MONTH.format('m2')}\b{YEAR.format('y2')}"
)
NUMBERS = {word: str(value) for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
NUMBERS.update({word: str(10 * tens) for tens, word in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)})
ARTICLES = {"a", "an", "the"}

# Replies that say "I don't know" (matched on the lowercased reply, apostrophes straightened).
ABSTAINING = re.compile(
    r"\b(?:i|we) (?:do not|don't|dont|did not|didn't) (?:know|have (?:any |that |this )?(?:information|record|details?)|recall|remember)"
    r"|\bnot sure\b|\bno idea\b|\bno (?:information|record|mention)\b"
    r"|\b(?:can't|cannot|can not|couldn't|could not) (?:recall|remember|find|tell|say)\b"
    r"|\b(?:haven't|have not|never|didn't|did not) (?:told|tell|mentioned|mention|said|say|shared|share)\b"
    r"|\bfound nothing\b|\bnothing (?:about|on) (?:that|this|it)\b|\bnot (?:in|saved in) my memory\b|\bnothing in my memory\b"
    r"|\bi'm not aware\b|\bi am not aware\b"
)


def _date(match: re.Match[str]) -> str:
    """A date match written as "yyyy mm dd", or "mm dd" without a year."""
    groups = match.groupdict()
    if groups["iy"]:
        year, month, day = groups["iy"], int(groups["im"]), int(groups["id"])
    else:
        name = groups["m1"] or groups["m2"]
        year, day = groups["y1"] or groups["y2"], int(groups["d1"] or groups["d2"])
        month = next(index for index, full in enumerate(MONTHS, 1) if full.startswith(name[:3]))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match.group(0)
    return f" {year + ' ' if year else ''}{month:02d} {day:02d} "


def normalize(text: str) -> str:
    """Text reduced for comparison: lower case, no accents, one date format, digits, no articles or punctuation."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("’", "'")
    text = DATES.sub(_date, text)
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
