"""Solutions to the exercises of 13_does_memory_help.ipynb."""

import re

from helpers.evaluation.agents import chat_reply, dated, user_messages
from helpers.evaluation.scoring import normalize
from helpers.memory import CHAT_SYSTEM_PROMPT


def score_count(answer, reply):
    """Right when the reply names at least one number and every number it names is the expected one."""
    numbers = re.findall(r"\b\d+\b", normalize(reply))  # normalize writes "two" as "2"
    return bool(numbers) and set(numbers) == {normalize(answer)}


def live_last_session(client, history, session, settings):
    """Forget the earlier sessions, then each of the user's messages with the model's reply, kept in `history`."""
    history.clear()
    system = {"role": "system", "content": dated(CHAT_SYSTEM_PROMPT, session["date"])}
    for text in user_messages(session):
        history.append({"role": "user", "content": text})
        history.append({"role": "assistant", "content": chat_reply(client, settings.model, [system, *history])})


def ask_last_session(client, history, question, day, settings):
    """The question after the last session's messages, in a new list: `history` stays as it was."""
    system = {"role": "system", "content": dated(CHAT_SYSTEM_PROMPT, day)}
    return chat_reply(client, settings.model, [system, *history, {"role": "user", "content": question}])
