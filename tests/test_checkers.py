"""The exercise checkers accept the solutions and reject typical mistakes with the right words.

Every notebook's solutions are checked here; the 05-07 checkers' own mistakes are in test_memgpt_checks.py,
the 08 checkers' in test_context_checks.py.
"""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

from helpers import checkers, context_checks, memgpt_checks

SOLUTIONS = Path(__file__).resolve().parents[1] / "notebooks" / "solutions"


def solution(notebook: str, name: str):
    """A function from notebooks/solutions/<notebook>.py."""
    return runpy.run_path(str(SOLUTIONS / f"{notebook}.py"))[name]


@pytest.mark.parametrize(
    ("checker", "notebook", "name"),
    [
        (checkers.check_build_messages, "01_plain_chat", "build_messages"),
        (checkers.check_compile_sections, "02_memory_in_the_prompt", "compile_sections"),
        (checkers.check_save_to_memory, "03_the_save_tool", "save_to_memory"),
        (checkers.check_parse_arguments, "03_the_save_tool", "parse_arguments"),
        (checkers.check_core_memory_replace, "04_the_agentic_loop", "core_memory_replace"),
        (checkers.check_bounded_agent_step, "04_the_agentic_loop", "bounded_agent_step"),
        (memgpt_checks.check_core_memory_rewrite, "05_memgpt_agent", "core_memory_rewrite"),
        (memgpt_checks.check_step_continues, "05_memgpt_agent", "step_continues"),
        (memgpt_checks.check_top_k, "06_archival_memory", "top_k"),
        (memgpt_checks.check_search_page, "06_archival_memory", "search_page"),
        (memgpt_checks.check_messages_between, "07_recall_memory", "messages_between"),
        (memgpt_checks.check_fit_context, "07_recall_memory", "fit_context"),
        (context_checks.check_split_context, "08_the_context_window", "split_context"),
        (context_checks.check_pressure, "08_the_context_window", "pressure"),
    ],
)
def test_solutions_pass(checker, notebook, name, capsys) -> None:
    assert checker(solution(notebook, name)) is True
    assert capsys.readouterr().out.startswith(f"✅ Well done: {name} passed all")


def test_the_helpers_core_memory_save_passes() -> None:
    from helpers.memory import core_memory_save

    assert checkers.check_save_to_memory(core_memory_save) is True


def notebook_function(source: str, **notebook_globals):
    """A function defined in `source` as a notebook cell would define it, with these notebook globals."""
    namespace = dict(notebook_globals)
    exec(source, namespace)
    return next(value for name, value in namespace.items() if callable(value) and name not in notebook_globals)


def test_a_forgotten_return_gets_one_line(capsys) -> None:
    def build_messages(system_prompt, history, user_message):
        [{"role": "system", "content": system_prompt}, *history, {"role": "user", "content": user_message}]

    assert checkers.check_build_messages(build_messages) is False
    out = capsys.readouterr().out
    assert out.count("❌") == 1, out
    assert "build_messages returned None every time" in out and "`return`" in out


def test_a_forgotten_return_in_a_tool_gets_one_line(capsys) -> None:
    def save_to_memory(memory, section, text):
        memory[section] = f"{memory[section]}\n{text}" if memory[section] else text

    assert checkers.check_save_to_memory(save_to_memory) is False
    out = capsys.readouterr().out
    assert out.count("❌") == 1 and "save_to_memory returned None" in out and "a short sentence" in out


def test_unwritten_function_gets_a_friendly_note(capsys) -> None:
    def build_messages(system_prompt, history, user_message):
        raise NotImplementedError

    assert checkers.check_build_messages(build_messages) is False
    assert "build_messages is not written yet" in capsys.readouterr().out


def test_build_messages_forgetting_the_history(capsys) -> None:
    def build_messages(system_prompt, history, user_message):
        return [{"role": "system", "content": system_prompt}, {"role": "user", "content": user_message}]

    assert checkers.check_build_messages(build_messages) is False
    assert "should keep the history" in capsys.readouterr().out


def test_build_messages_mutating_the_history(capsys) -> None:
    def build_messages(system_prompt, history, user_message):
        history.insert(0, {"role": "system", "content": system_prompt})
        history.append({"role": "user", "content": user_message})
        return history

    assert checkers.check_build_messages(build_messages) is False
    assert "should not change the history list" in capsys.readouterr().out


def test_compile_sections_dropping_empty_sections(capsys) -> None:
    def compile_sections(system_prompt, memory):
        return system_prompt + "".join(f"\n{k}: {v}" for k, v in memory.items() if v)

    assert checkers.check_compile_sections(compile_sections) is False
    assert "should still name empty sections" in capsys.readouterr().out


def test_compile_sections_with_memory_first(capsys) -> None:
    def compile_sections(system_prompt, memory):
        return json.dumps(memory) + "\n" + system_prompt

    assert checkers.check_compile_sections(compile_sections) is False
    assert "should start with the system prompt" in capsys.readouterr().out


def test_save_to_memory_that_overwrites(capsys) -> None:
    def save_to_memory(memory, section, text):
        memory[section] = text
        return "ok"

    assert checkers.check_save_to_memory(save_to_memory) is False
    out = capsys.readouterr().out
    assert "save_to_memory should append, not overwrite" in out
    assert "'Likes tea'" in out


def test_save_to_memory_that_invents_sections(capsys) -> None:
    def save_to_memory(memory, section, text):
        memory[section] = (memory.get(section, "") + "\n" + text).strip()
        return "Saved."

    assert checkers.check_save_to_memory(save_to_memory) is False
    assert "should not invent new sections" in capsys.readouterr().out


def test_save_to_memory_on_the_notebook_global_is_told_so(capsys) -> None:
    agent_memory = {"human": "", "agent": ""}
    save_to_memory = notebook_function(
        "def save_to_memory(memory, section, text):\n"
        "    agent_memory[section] = (agent_memory[section] + '\\n' + text).strip()\n"
        "    return 'Saved.'\n",
        agent_memory=agent_memory,
    )
    assert checkers.check_save_to_memory(save_to_memory) is False
    out = capsys.readouterr().out
    assert "uses the notebook's global `agent_memory` instead of its `memory` argument" in out


def test_compile_sections_reading_the_notebook_global_is_told_so(capsys) -> None:
    compile_sections = notebook_function(
        "def compile_sections(system_prompt, memory):\n"
        "    return system_prompt + ''.join(f'\\n<{k}>{v}</{k}>' for k, v in agent_memory.items())\n",
        agent_memory={"human": "Name: Bob", "agent": ""},
    )
    assert checkers.check_compile_sections(compile_sections) is False
    assert "global `agent_memory` instead of its `memory` argument" in capsys.readouterr().out


def test_compile_sections_with_swapped_labels(capsys) -> None:
    def compile_sections(system_prompt, memory):
        labels = list(memory)[::-1]  # each text under another section's name
        return system_prompt + "".join(f"\n<{label}>\n{text}" for label, text in zip(labels, memory.values()))

    assert checkers.check_compile_sections(compile_sections) is False
    assert "under its own name" in capsys.readouterr().out


def test_parse_arguments_that_raises(capsys) -> None:
    assert checkers.check_parse_arguments(json.loads) is False
    out = capsys.readouterr().out
    assert "parse_arguments should not raise for cut-off JSON" in out
    assert "JSON that is not an object" in out


def test_core_memory_replace_that_appends(capsys) -> None:
    def core_memory_replace(memory, section, old, new):
        memory[section] += "\n" + memory[section].replace(old, new)
        return "done"

    assert checkers.check_core_memory_replace(core_memory_replace) is False
    assert "should swap 'Sarah' for 'Charles'" in capsys.readouterr().out


def test_core_memory_replace_with_an_empty_old(capsys) -> None:
    def core_memory_replace(memory, section, old, new):
        if old not in memory[section]:
            return "Error: not there"
        memory[section] = memory[section].replace(old, new)
        return "done"

    assert checkers.check_core_memory_replace(core_memory_replace) is False
    out = capsys.readouterr().out
    assert "when the old text is empty" in out and "XBXoXbX" in out


def test_core_memory_replace_silent_when_old_is_missing(capsys) -> None:
    def core_memory_replace(memory, section, old, new):
        memory[section] = memory[section].replace(old, new)
        return "done"

    assert checkers.check_core_memory_replace(core_memory_replace) is False
    assert "should say so when the old text isn't there" in capsys.readouterr().out


def test_unbounded_agent_step_is_caught(capsys) -> None:
    def bounded_agent_step(client, user_message, memory, max_steps):
        while True:  # ignores max_steps
            message = client.chat.completions.create(model="m", messages=[]).choices[0].message
            if not message.tool_calls:
                return message.content

    assert checkers.check_bounded_agent_step(bounded_agent_step) is False
    assert "should stop after max_steps=3 model calls" in capsys.readouterr().out


def test_bounded_agent_step_with_the_notebook_functions_is_told_so(capsys) -> None:
    notebook_memory = {"human": "", "agent": ""}
    good = solution("04_the_agentic_loop", "bounded_agent_step")
    bounded_agent_step = notebook_function(
        "def bounded_agent_step(client, user_message, agent_memory, max_steps):\n"
        "    functions['core_memory_save']('human', 'x')\n"
        "    return good(client, user_message, notebook_memory, max_steps)\n",
        functions={"core_memory_save": lambda section, memory: None},
        good=good,
        notebook_memory=notebook_memory,
    )
    assert checkers.check_bounded_agent_step(bounded_agent_step) is False
    assert "global `functions`" in capsys.readouterr().out


def test_off_by_one_bound_is_caught(capsys) -> None:
    good = solution("04_the_agentic_loop", "bounded_agent_step")

    def bounded_agent_step(client, user_message, memory, max_steps):
        return good(client, user_message, memory, max_steps + 1)

    assert checkers.check_bounded_agent_step(bounded_agent_step) is False
    assert "exactly max_steps=3 times" in capsys.readouterr().out
