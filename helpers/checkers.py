"""Checkers for the notebooks' exercises: run the learner's function on cases, print friendly feedback.

Each `check_*` function prints one line per problem (or one line of praise) and returns True
when every case passes, so it reads well in a notebook and can be asserted in a test. Two mistakes
get one line of their own: a function that returns None (no `return` yet), and one that works on
a notebook global such as `agent_memory` instead of the argument it is given.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from types import CodeType, SimpleNamespace
from typing import Any

from openai.types.chat import ChatCompletion

from helpers.offline import offline_client

Case = Callable[[], "str | None"]  # returns a problem, or None when the case passes


def watch(fn: Callable[..., Any]) -> tuple[Callable[..., Any], list[Any]]:
    """`fn`, plus the list of everything it returns as the checker calls it (to spot a missing `return`)."""
    returned: list[Any] = []

    def call(*args: Any, **kwargs: Any) -> Any:
        result = fn(*args, **kwargs)
        returned.append(result)
        return result

    return call, returned


def run_checks(name: str, cases: list[Case], *, returned: list[Any] | None = None, returns: str = "") -> bool:
    """Run the cases, print what went wrong (or that all passed), return whether all passed.

    With `returned` (from `watch`), a function that returned None every time gets one line saying so,
    naming what it should return (`returns`), instead of one line per failed case.
    """
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
    if returned and all(value is None for value in returned):
        print(f"❌ {name} returned None every time: it has no `return` statement yet (or returns nothing). "
              f"End it with `return` and {returns or 'its result'}.")
        return False
    for problem in problems:
        print(f"❌ {problem}")
    return False


def _short(value: Any) -> str:
    """A value for a feedback line, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _names_read(code: CodeType) -> set[str]:
    """The global names a function's code reads, including in functions and lambdas defined inside it."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _names_read(const)
    return names


def globals_used(fn: Callable[..., Any]) -> list[str]:
    """The notebook's global dicts that `fn` reads (e.g. `agent_memory`), by name."""
    code, namespace = getattr(fn, "__code__", None), getattr(fn, "__globals__", {})
    if code is None:
        return []
    return sorted(name for name in _names_read(code) if isinstance(namespace.get(name), dict))


def uses_global(fn: Callable[..., Any], argument: str, problem: str) -> str:
    """`problem`, explained when `fn` reads a global dict instead of its `argument`."""
    names = globals_used(fn)
    if not names:
        return problem
    named = ", ".join(f"`{name}`" for name in names)
    return (f"{getattr(fn, '__name__', 'your function')} uses the notebook's global {named} instead of its "
            f"`{argument}` argument. Work only with the arguments: the checker passes its own `{argument}` "
            f"(here: {problem})")


# ----- 01: building the messages -------------------------------------------------------------


def check_build_messages(fn: Callable[[str, list[dict[str, str]], str], list[dict[str, str]]]) -> bool:
    """Check `build_messages(system_prompt, history, user_message)` on a few conversations."""
    fn, returned = watch(fn)
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

    return run_checks("build_messages", [no_history, with_history, keeps_input],
                      returned=returned, returns="the new list of messages")


# ----- 02: compiling memory into the prompt ---------------------------------------------------


def check_compile_sections(fn: Callable[[str, dict[str, str]], str]) -> bool:
    """Check `compile_sections(system_prompt, memory)`: the prompt first, then every section under its own name."""
    learner, (fn, returned) = fn, watch(fn)
    system = "You are a chatbot with a memory."
    # Texts that name no section, so the name nearest before a text can only be its label.
    memory = {"human": "Name: Ada\nLives in: Lisbon", "agent": "My name is Tutor", "notes": "Likes tea"}

    def is_text() -> str | None:
        got = fn(system, {"human": "Name: Bob"})
        return None if isinstance(got, str) else f"compile_sections should return a string, got {_short(got)}"

    def prompt_first() -> str | None:
        got = fn(system, {"human": "Name: Bob"})
        if not got.startswith(system):
            return f"compile_sections should start with the system prompt, so the instructions come first: got {_short(got)}"
        return None

    def every_section() -> str | None:
        got = fn(system, memory)
        for section, text in memory.items():
            if section not in got:
                return uses_global(learner, "memory", f"compile_sections should name every section: {section!r} is missing from {_short(got)}")
            if text not in got:
                return uses_global(learner, "memory", f"compile_sections should include each section's text exactly: {text!r} is missing")
        return None

    def own_labels() -> str | None:
        got = fn(system, memory)
        for section, text in memory.items():
            if text not in got:
                continue  # every_section says so
            before = got[: got.find(text)]
            nearest = max(memory, key=before.rfind)
            if before.rfind(nearest) < 0:
                return f"compile_sections should put each section's name before its text: nothing names {text!r}. Got {_short(got)}"
            if nearest != section:
                return (f"compile_sections should put each section's text under its own name: {text!r} comes "
                        f"after the name {nearest!r}, not {section!r}. Got {_short(got)}")
        return None

    def empty_section() -> str | None:
        got = fn(system, {"human": "", "agent": ""})
        if "human" not in got or "agent" not in got:
            return f"compile_sections should still name empty sections, so the model knows they exist: got {_short(got)}"
        return None

    return run_checks("compile_sections", [is_text, prompt_first, every_section, own_labels, empty_section],
                      returned=returned, returns="the compiled text")


# ----- 03: the save tool and its arguments ----------------------------------------------------


def check_save_to_memory(fn: Callable[[dict[str, str], str, str], Any]) -> bool:
    """Check `save_to_memory(memory, section, text)`: appends, touches one section, returns text."""
    learner, (fn, returned) = fn, watch(fn)

    def into_empty() -> str | None:
        memory = {"human": "", "agent": ""}
        fn(memory, "human", "Name: Bob")
        if memory["human"].strip() != "Name: Bob":
            problem = f"save_to_memory should put the text into an empty section: expected 'Name: Bob', got {memory['human']!r}"
            return uses_global(learner, "memory", problem)
        return None

    def appends() -> str | None:
        memory = {"human": "Name: Bob", "agent": ""}
        fn(memory, "human", "Likes tea")
        held = memory["human"]
        if "Name: Bob" not in held:
            return f"save_to_memory should append, not overwrite: after saving 'Likes tea' to a section holding 'Name: Bob', it holds {held!r}"
        if "Likes tea" not in held or held.index("Name: Bob") > held.index("Likes tea"):
            return f"save_to_memory should add the new text after what is there: got {held!r}"
        if held.replace(" ", "") == "Name:BobLikestea":
            return f"save_to_memory should separate saved facts (a new line works well): got {held!r}"
        return None

    def one_section() -> str | None:
        memory = {"human": "", "agent": "I am a tutor"}
        fn(memory, "human", "Name: Bob")
        if memory["agent"] != "I am a tutor":
            return f"save_to_memory should only change the section it is given: 'agent' became {memory['agent']!r}"
        return None

    def returns_text() -> str | None:
        result = fn({"human": "", "agent": ""}, "human", "Name: Bob")
        if not isinstance(result, str) or not result:
            return f"save_to_memory should return a short text saying what it did (the model reads it), got {_short(result)}"
        return None

    def unknown_section() -> str | None:
        memory = {"human": "", "agent": ""}
        try:
            fn(memory, "friends", "Alice")
        except Exception:
            pass  # refusing is fine
        if set(memory) != {"human", "agent"}:
            return f"save_to_memory should not invent new sections: after saving to 'friends' the memory is {_short(memory)}"
        return None

    return run_checks("save_to_memory", [into_empty, appends, one_section, returns_text, unknown_section],
                      returned=returned, returns="a short sentence saying what was saved")


def check_parse_arguments(fn: Callable[[str], Any]) -> bool:
    """Check `parse_arguments(raw)`: a dict for good JSON, an "Error: ..." string for anything else."""
    fn, returned = watch(fn)

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
        returned=returned,
        returns="the arguments as a dict (or an 'Error: ...' string)",
    )


# ----- 04: correcting memory and bounding the loop --------------------------------------------


def check_core_memory_replace(fn: Callable[[dict[str, str], str, str, str], Any]) -> bool:
    """Check `core_memory_replace(memory, section, old, new)`: swaps text, refuses an absent or empty `old`."""
    learner, (fn, returned) = fn, watch(fn)

    def replaces() -> str | None:
        memory = {"human": "The human's name is Sarah", "agent": ""}
        fn(memory, "human", "Sarah", "Charles")
        if memory["human"] != "The human's name is Charles":
            return uses_global(learner, "memory", f"core_memory_replace should swap 'Sarah' for 'Charles': got {memory['human']!r}")
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

    def refused(old: str, why: str) -> Case:
        def case() -> str | None:
            memory = {"human": "Name: Bob", "agent": ""}
            try:
                result = fn(memory, "human", old, "Charles")
            except (ValueError, KeyError):
                result = "Error"
            if memory["human"] != "Name: Bob":
                return f"core_memory_replace should change nothing when {why}: 'Name: Bob' became {memory['human']!r}"
            if not (isinstance(result, str) and result.startswith("Error")):
                return f"core_memory_replace should say so when {why} (return 'Error: ...' or raise ValueError), got {_short(result)}"
            return None

        return case

    cases = [replaces, keeps_the_rest, returns_text,
             refused("Sarah", "the old text isn't there"),
             refused("", "the old text is empty (an empty string is found everywhere: 'Bob'.replace('', 'X') gives 'XBXoXbX')")]
    return run_checks("core_memory_replace", cases, returned=returned, returns="a short sentence saying what was replaced")


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



def check_bounded_agent_step(fn: Callable[..., str]) -> bool:
    """Check `bounded_agent_step(client, user_message, memory, max_steps)` stops after max_steps calls."""
    learner, (fn, returned) = fn, watch(fn)

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
            problem = f"bounded_agent_step should still run the tools it is asked for: after 'My name is Bob' the memory is {_short(memory)}"
            return uses_global(learner, "agent_memory", problem)
        if not isinstance(result, str) or not result:
            return f"bounded_agent_step should return the model's reply, got {_short(result)}"
        return None

    return run_checks("bounded_agent_step", [bound(3), bound(1), still_works],
                      returned=returned, returns="the model's reply (or a sentence saying it stopped)")


__all__ = [
    "check_bounded_agent_step",
    "check_build_messages",
    "check_compile_sections",
    "check_core_memory_replace",
    "check_parse_arguments",
    "check_save_to_memory",
    "globals_used",
    "run_checks",
    "watch",
]
