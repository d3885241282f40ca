"""The four contestants, one model: what each carries from one session to the next.

Every agent lives through a conversation the same way: in each session the user's messages are sent
to it one by one, in order, and it answers each with a reply of its own (the dataset's assistant
messages are the original replies; no agent sees them: a memory agent remembers what it did itself).
Then, in a final session, each question is asked of a copy of the agent as it stood after the last
session, so no question and no answer leaks into the next. Every agent is told the date: each
session's date, then the questions' date.

- `no_memory`: a plain chat that starts afresh every session. At question time it sees the question
  only. (Nothing carries over, so it has nothing to do during the sessions: no calls.)
- `full_history`: a plain chat that keeps every message of every session, each session opened by a
  system note with its date; what no longer fits the context window is dropped, oldest messages first.
- `core_memory`: lesson 1's agent (`helpers.agent.agent_step`): each message is handled with the core
  memory dict it saves facts into, and nothing else: no earlier messages.
- `memgpt`: the MemGPT agent (`helpers.memgpt.memgpt_step`): core memory, recall memory (every message,
  stamped with its session's date by a clock we set), archival memory, and the context management of
  notebook 08 (memory-pressure warning, flush with a recursive summary).

`full_history` and `memgpt` get the same context window, in tokens counted the same way (helpers.tokens):
DEFAULT_CONTEXT_WINDOW, or `--context-window N`. Same model, same window: the comparison is fair.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import openai

from helpers.agent import agent_step
from helpers.errors import explain_api_errors
from helpers.evaluation.dataset import Session
from helpers.memgpt import Agent, memgpt_step, new_agent
from helpers.memory import AGENT_SYSTEM_PROMPT, CHAT_SYSTEM_PROMPT, new_memory
from helpers.recall import Clock, ticking_clock
from helpers.tokens import count_message, count_request

# Tokens, the same for full_history and memgpt. The default conversations hold about 5,000 tokens once
# replied to, so a plain chat must drop its first sessions: memory has something to do.
DEFAULT_CONTEXT_WINDOW = 4096


@dataclass(frozen=True)
class Settings:
    """What every agent shares in a run: the model and the size of the context window in tokens."""

    model: str
    context_window: int = DEFAULT_CONTEXT_WINDOW


@dataclass(frozen=True)
class Contestant:
    """An agent under test: a fresh state, how it lives through a session, how it answers a question.

    `ask` must leave the state as it found it: each question is asked of the agent after the last session.
    """

    name: str
    summary: str
    new: Callable[[Settings], Any]
    live: Callable[[openai.OpenAI, Any, Session, Settings], None]
    ask: Callable[[openai.OpenAI, Any, str, str, Settings], str]


def dated(prompt: str, day: str) -> str:
    """A system prompt with today's date at its end."""
    return f"{prompt} Today is {day}."


def user_messages(session: Session) -> list[str]:
    """What the user says in a session, in order."""
    return [message["content"] for message in session["messages"] if message["role"] == "user"]


def chat_reply(client: openai.OpenAI, model: str, messages: list[dict[str, Any]]) -> str:
    """One plain chat completion (no tools): the reply's text ("" if the model said nothing)."""
    with explain_api_errors():  # an API failure becomes one AgentAPIError saying what to fix
        response = client.chat.completions.create(model=model, messages=messages)
    return (response.choices[0].message.content or "") if response.choices else ""


# ---------------------------------------------------------------------------------------------
# no_memory: the question alone.
# ---------------------------------------------------------------------------------------------


def _nothing(settings: Settings) -> None:
    """No state: nothing is carried over."""
    return None


def _live_nothing(client: openai.OpenAI, state: None, session: Session, settings: Settings) -> None:
    """Nothing to do: what is said in a session is gone by the next."""


def _ask_alone(client: openai.OpenAI, state: None, question: str, day: str, settings: Settings) -> str:
    """The question in a fresh chat."""
    messages = [{"role": "system", "content": dated(CHAT_SYSTEM_PROMPT, day)}, {"role": "user", "content": question}]
    return chat_reply(client, settings.model, messages)


# ---------------------------------------------------------------------------------------------
# full_history: every message, cut to the window.
# ---------------------------------------------------------------------------------------------


def newest_within(system: dict[str, Any], history: list[dict[str, Any]], window: int) -> list[dict[str, Any]]:
    """The system message and the newest whole messages of `history` whose request fits in `window` tokens.

    Counted as helpers.tokens counts a request (the MemGPT agent's window is counted the same way).
    """
    costs = [count_message(message) for message in history]
    total, start = count_request([system]) + sum(costs), 0
    while start < len(history) - 1 and total > window:
        total -= costs[start]  # the oldest message goes first; the newest (the user's) always stays
        start += 1
    return [system, *history[start:]]


def _new_history(settings: Settings) -> list[dict[str, Any]]:
    """An empty chat history."""
    return []


def _live_with_history(client: openai.OpenAI, history: list[dict[str, Any]], session: Session, settings: Settings) -> None:
    """A session opened by a dated note, then each user message with the reply to it, all kept."""
    system = {"role": "system", "content": dated(CHAT_SYSTEM_PROMPT, session["date"])}
    history.append({"role": "system", "content": f"New session: {session['date']}."})
    for text in user_messages(session):
        history.append({"role": "user", "content": text})
        reply = chat_reply(client, settings.model, newest_within(system, history, settings.context_window))
        history.append({"role": "assistant", "content": reply or "(no reply)"})


def _ask_with_history(client: openai.OpenAI, history: list[dict[str, Any]], question: str, day: str,
                      settings: Settings) -> str:
    """The question after the whole history, as much of it as fits the window."""
    system = {"role": "system", "content": dated(CHAT_SYSTEM_PROMPT, day)}
    asked = [*history, {"role": "system", "content": f"New session: {day}."}, {"role": "user", "content": question}]
    return chat_reply(client, settings.model, newest_within(system, asked, settings.context_window))


# ---------------------------------------------------------------------------------------------
# core_memory: lesson 1's agent and its memory dict.
# ---------------------------------------------------------------------------------------------


def _new_memory(settings: Settings) -> dict[str, str]:
    """Lesson 1's empty memory: the human and agent sections."""
    return new_memory()


def _live_with_memory(client: openai.OpenAI, memory: dict[str, str], session: Session, settings: Settings) -> None:
    """Each user message handled by agent_step, which may save to memory; nothing else is kept."""
    prompt = dated(AGENT_SYSTEM_PROMPT, session["date"])
    for text in user_messages(session):
        agent_step(client, text, memory, model=settings.model, system_prompt=prompt)


def _ask_with_memory(client: openai.OpenAI, memory: dict[str, str], question: str, day: str, settings: Settings) -> str:
    """The question to agent_step, with a copy of the memory (what it saves now is thrown away)."""
    return agent_step(client, question, copy.deepcopy(memory), model=settings.model,
                      system_prompt=dated(AGENT_SYSTEM_PROMPT, day))


# ---------------------------------------------------------------------------------------------
# memgpt: the MemGPT agent, with a clock set to each session's date.
# ---------------------------------------------------------------------------------------------


def session_clock(day: str) -> Clock:
    """A clock for one session: 09:00 UTC on `day`, one minute later each time it is read."""
    return ticking_clock(datetime.combine(date.fromisoformat(day), time(9), tzinfo=timezone.utc), timedelta(minutes=1))


def _new_memgpt(settings: Settings) -> Agent:
    """A fresh MemGPT agent with the run's context window: empty human block, empty recall and archival memory."""
    return new_agent(model=settings.model, context_window=settings.context_window)


def _live_memgpt(client: openai.OpenAI, agent: Agent, session: Session, settings: Settings) -> None:
    """Each user message handled by memgpt_step at the session's date."""
    clock = session_clock(session["date"])
    for text in user_messages(session):
        memgpt_step(client, agent, text, now=clock)


def _ask_memgpt(client: openai.OpenAI, agent: Agent, question: str, day: str, settings: Settings) -> str:
    """The question to a copy of the agent (what it does now is thrown away); what it sent the user."""
    return memgpt_step(client, copy.deepcopy(agent), question, now=session_clock(day))


AGENTS: dict[str, Contestant] = {
    agent.name: agent
    for agent in [
        Contestant("no_memory", "a plain chat that starts afresh each session", _nothing, _live_nothing, _ask_alone),
        Contestant("full_history", "a plain chat with every message, cut to the window", _new_history,
                   _live_with_history, _ask_with_history),
        Contestant("core_memory", "lesson 1's agent: a memory dict it saves to, no history", _new_memory,
                   _live_with_memory, _ask_with_memory),
        Contestant("memgpt", "the MemGPT agent: core, recall and archival memory", _new_memgpt, _live_memgpt,
                   _ask_memgpt),
    ]
}
