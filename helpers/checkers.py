"""Checkers for the notebooks' exercises: run the learner's function on cases, print friendly feedback.

Each `check_*` function prints one line per problem (or one line of praise) and returns True
when every case passes, so it reads well in a notebook and can be asserted in a test.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import httpx2
import openai
from openai.types.chat import ChatCompletion

from helpers.offline import OFFLINE_BASE_URL, offline_transport

Case = Callable[[], "str | None"]  # returns a problem, or None when the case passes


def run_checks(name: str, cases: list[Case]) -> bool:
    """Run the cases, print what went wrong (or that all passed), return whether all passed."""
    problems: list[str] = []
    for case in cases:
        try:
            problem = case()
        except NotImplementedError:
            print(f"❌ Not yet: {name} is not written yet. Replace `raise NotImplementedError` with your code.")
            return False
        except Exception as error:  # the learner's code failed: say how, don't crash the notebook
            problem = f"{name} raised {type(error).__name__}: {error}"
        if problem:
            problems.append(problem)
    if not problems:
        print(f"✅ Well done: {name} passed all {len(cases)} checks.")
        return True
    for problem in problems:
        print(f"❌ {problem}")
    return False


def _short(value: Any) -> str:
    """A value for a feedback line, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


# ----- 01: building the messages -------------------------------------------------------------


def check_build_messages(fn: Callable[[str, list[dict[str, str]], str], list[dict[str, str]]]) -> bool:
    """Check `build_messages(system_prompt, history, user_message)` on a few conversations."""
    system = "You are a chatbot."
    history = [
        {"role": "user", "content": "My name is Bob"},
        {"role": "assistant", "content": "Nice to meet you, Bob!"},
    ]

    def no_history() -> str | None:
        got = fn(system, [], "What is my name?")
        want = [{"role": "system", "content": system}, {"role": "user", "content": "What is my name?"}]
        if got != want:
            return f"build_messages with no history should return {_short(want)}, got {_short(got)}"
        return None

    def with_history() -> str | None:
        got = fn(system, copy.deepcopy(history), "What is my name?")
        if not isinstance(got, list) or not got:
            return f"build_messages should return a list of messages, got {_short(got)}"
        if got[0] != {"role": "system", "content": system}:
            return f"build_messages should put the system prompt first, got {_short(got[0])}"
        if got[1:-1] != history:
            return f"build_messages should keep the history, in order, between the system prompt and the new message: got {_short(got[1:-1])}"
        if got[-1] != {"role": "user", "content": "What is my name?"}:
            return f"build_messages should end with the new user message, got {_short(got[-1])}"
        return None

    def keeps_input() -> str | None:
        given = copy.deepcopy(history)
        fn(system, given, "Hello")
        if given != history:
            return "build_messages should not change the history list it is given: build a new list instead"
        return None

    return run_checks("build_messages", [no_history, with_history, keeps_input])


# ----- 02: compiling memory into the prompt ---------------------------------------------------


def check_compile_context(fn: Callable[[str, dict[str, str]], str]) -> bool:
    """Check `compile_context(system_prompt, memory)`: the prompt first, then every section."""
    system = "You are a chatbot with a memory."

    def is_text() -> str | None:
        got = fn(system, {"human": "Name: Bob"})
        return None if isinstance(got, str) else f"compile_context should return a string, got {_short(got)}"

    def prompt_first() -> str | None:
        got = fn(system, {"human": "Name: Bob"})
        if not got.startswith(system):
            return f"compile_context should start with the system prompt, so the instructions come first: got {_short(got)}"
        return None

    def every_section() -> str | None:
        memory = {"human": "Name: Ada\nLives in: Lisbon", "agent": "My name is Tutor"}
        got = fn(system, memory)
        for section, text in memory.items():
            if section not in got:
                return f"compile_context should name every section: {section!r} is missing from {_short(got)}"
            if text not in got:
                return f"compile_context should include each section's text exactly: {text!r} is missing"
        return None

    def empty_section() -> str | None:
        got = fn(system, {"human": "", "agent": ""})
        if "human" not in got or "agent" not in got:
            return f"compile_context should still name empty sections, so the model knows they exist: got {_short(got)}"
        return None

    return run_checks("compile_context", [is_text, prompt_first, every_section, empty_section])


# ----- 03: the save tool and its arguments ----------------------------------------------------


def check_core_memory_save(fn: Callable[[dict[str, str], str, str], Any]) -> bool:
    """Check `core_memory_save(memory, section, text)`: appends, touches one section, returns text."""

    def into_empty() -> str | None:
        memory = {"human": "", "agent": ""}
        fn(memory, "human", "Name: Bob")
        if memory["human"].strip() != "Name: Bob":
            return f"core_memory_save should put the text into an empty section: expected 'Name: Bob', got {memory['human']!r}"
        return None

    def appends() -> str | None:
        memory = {"human": "Name: Bob", "agent": ""}
        fn(memory, "human", "Likes tea")
        held = memory["human"]
        if "Name: Bob" not in held:
            return f"core_memory_save should append, not overwrite: after saving 'Likes tea' to a section holding 'Name: Bob', it holds {held!r}"
        if "Likes tea" not in held or held.index("Name: Bob") > held.index("Likes tea"):
            return f"core_memory_save should add the new text after what is there: got {held!r}"
        if held.replace(" ", "") == "Name:BobLikestea":
            return f"core_memory_save should separate saved facts (a new line works well): got {held!r}"
        return None

    def one_section() -> str | None:
        memory = {"human": "", "agent": "I am a tutor"}
        fn(memory, "human", "Name: Bob")
        if memory["agent"] != "I am a tutor":
            return f"core_memory_save should only change the section it is given: 'agent' became {memory['agent']!r}"
        return None

    def returns_text() -> str | None:
        result = fn({"human": "", "agent": ""}, "human", "Name: Bob")
        if not isinstance(result, str) or not result:
            return f"core_memory_save should return a short text saying what it did (the model reads it), got {_short(result)}"
        return None

    def unknown_section() -> str | None:
        memory = {"human": "", "agent": ""}
        try:
            fn(memory, "friends", "Alice")
        except Exception:
            pass  # refusing is fine
        if set(memory) != {"human", "agent"}:
            return f"core_memory_save should not invent new sections: after saving to 'friends' the memory is {_short(memory)}"
        return None

    return run_checks("core_memory_save", [into_empty, appends, one_section, returns_text, unknown_section])


def check_parse_arguments(fn: Callable[[str], Any]) -> bool:
    """Check `parse_arguments(raw)`: a dict for good JSON, an "Error: ..." string for anything else."""

    def good() -> str | None:
        got = fn('{"section": "human", "memory": "The human\'s name is Bob"}')
        want = {"section": "human", "memory": "The human's name is Bob"}
        return None if got == want else f"parse_arguments should turn valid JSON into {_short(want)}, got {_short(got)}"

    def error_for(raw: str, why: str) -> Case:
        def case() -> str | None:
            try:
                got = fn(raw)
            except Exception as error:
                return f"parse_arguments should not raise for {why} ({raw!r}); it raised {type(error).__name__}. Return an 'Error: ...' string instead"
            if not isinstance(got, str) or not got.startswith("Error"):
                return f"parse_arguments should return a string starting with 'Error' for {why} ({raw!r}), got {_short(got)}"
            return None

        return case

    return run_checks(
        "parse_arguments",
        [
            good,
            error_for('{"section": "human", "memory": "The hum', "cut-off JSON"),
            error_for("", "empty arguments"),
            error_for('["human", "Bob"]', "JSON that is not an object"),
        ],
    )


# ----- 04: correcting memory and bounding the loop --------------------------------------------


def check_core_memory_replace(fn: Callable[[dict[str, str], str, str, str], Any]) -> bool:
    """Check `core_memory_replace(memory, section, old, new)`: swaps text, refuses when `old` is absent."""

    def replaces() -> str | None:
        memory = {"human": "The human's name is Sarah", "agent": ""}
        fn(memory, "human", "Sarah", "Charles")
        if memory["human"] != "The human's name is Charles":
            return f"core_memory_replace should swap 'Sarah' for 'Charles': got {memory['human']!r}"
        return None

    def keeps_the_rest() -> str | None:
        memory = {"human": "Name: Sarah\nLikes tea", "agent": "I am a tutor"}
        fn(memory, "human", "Name: Sarah", "Name: Charles")
        if memory["human"] != "Name: Charles\nLikes tea" or memory["agent"] != "I am a tutor":
            return f"core_memory_replace should change only the old text and keep everything else: got {_short(memory)}"
        return None

    def returns_text() -> str | None:
        result = fn({"human": "Name: Sarah", "agent": ""}, "human", "Sarah", "Charles")
        if not isinstance(result, str) or not result:
            return f"core_memory_replace should return a short text saying what it did, got {_short(result)}"
        return None

    def old_missing() -> str | None:
        memory = {"human": "Name: Bob", "agent": ""}
        try:
            result = fn(memory, "human", "Sarah", "Charles")
        except (ValueError, KeyError):
            result = "Error"
        if memory["human"] != "Name: Bob":
            return f"core_memory_replace should change nothing when the old text isn't there: got {memory['human']!r}"
        if not (isinstance(result, str) and result.startswith("Error")):
            return f"core_memory_replace should say when the old text isn't there (return 'Error: ...' or raise ValueError), got {_short(result)}"
        return None

    return run_checks("core_memory_replace", [replaces, keeps_the_rest, returns_text, old_missing])


STUBBORN_CALL_LIMIT = 50


def stubborn_client() -> Any:
    """A stand-in client whose model asks for a tool on every call (to test a loop's bound)."""
    calls: list[dict[str, Any]] = []

    def create(**kwargs: Any) -> ChatCompletion:
        calls.append(kwargs)
        if len(calls) > STUBBORN_CALL_LIMIT:
            raise RuntimeError(f"the loop kept calling the model ({STUBBORN_CALL_LIMIT} calls) and never stopped")
        arguments = json.dumps({"section": "human", "memory": f"Note {len(calls)}"})
        call = {"id": f"call_{len(calls)}", "type": "function", "function": {"name": "core_memory_save", "arguments": arguments}}
        message = {"role": "assistant", "content": None, "tool_calls": [call]}
        return ChatCompletion.model_validate({
            "id": f"stubborn-{len(calls)}", "object": "chat.completion", "created": 0, "model": "stubborn",
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": message}],
        })

    return SimpleNamespace(chat=SimpleNamespace(completions=SimpleNamespace(create=create)), calls=calls)


def offline_client() -> openai.OpenAI:
    """A client wired to the offline tutor model, whatever backend the notebook uses."""
    http_client = httpx2.Client(transport=offline_transport())
    return openai.OpenAI(api_key="offline", base_url=OFFLINE_BASE_URL, http_client=http_client)


def check_bounded_agent_step(fn: Callable[..., str]) -> bool:
    """Check `bounded_agent_step(client, user_message, memory, max_steps)` stops after max_steps calls."""

    def bound(max_steps: int) -> Case:
        def case() -> str | None:
            client = stubborn_client()
            try:
                result = fn(client, "My name is Bob", {"human": "", "agent": ""}, max_steps)
            except RuntimeError as error:
                if "never stopped" in str(error):
                    return f"bounded_agent_step should stop after max_steps={max_steps} model calls, but {error}"
                raise
            if len(client.calls) != max_steps:
                return f"bounded_agent_step should call the model exactly max_steps={max_steps} times when it never stops asking for tools; it called it {len(client.calls)} times"
            if not isinstance(result, str) or not result:
                return f"bounded_agent_step should return a message saying it stopped, got {_short(result)}"
            return None

        return case

    def still_works() -> str | None:
        memory = {"human": "", "agent": ""}
        result = fn(offline_client(), "My name is Bob", memory, 5)
        if "Bob" not in memory["human"]:
            return f"bounded_agent_step should still run the tools it is asked for: after 'My name is Bob' the memory is {_short(memory)}"
        if not isinstance(result, str) or not result:
            return f"bounded_agent_step should return the model's reply, got {_short(result)}"
        return None

    return run_checks("bounded_agent_step", [bound(3), bound(1), still_works])


__all__ = [
    "check_bounded_agent_step",
    "check_build_messages",
    "check_compile_context",
    "check_core_memory_replace",
    "check_core_memory_save",
    "check_parse_arguments",
    "run_checks",
]
