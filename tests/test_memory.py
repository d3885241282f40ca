"""Core memory as a dict: the save function, the tool's metadata, and context compilation."""

from __future__ import annotations

import pytest

from helpers.agent import schema_problems
from helpers.memory import (
    AGENT_SYSTEM_PROMPT,
    CORE_MEMORY_SAVE_TOOL,
    SECTION_LIMIT,
    build_system_prompt,
    compile_memory,
    core_memory_save,
    new_memory,
)


def test_new_memory_has_the_lessons_two_empty_sections():
    assert new_memory() == {"human": "", "agent": ""}
    assert new_memory() is not new_memory()


def test_save_appends_on_a_new_line_and_never_overwrites():
    memory = new_memory()
    core_memory_save(memory, "human", "The human's name is Charles")
    core_memory_save(memory, "human", "The human likes tea")
    assert memory == {"human": "The human's name is Charles\nThe human likes tea", "agent": ""}


def test_save_reports_what_it_did():
    memory = new_memory()
    result = core_memory_save(memory, "agent", "I am a helpful assistant")
    assert "agent" in result and f"24/{SECTION_LIMIT}" in result


def test_an_unknown_section_names_the_existing_ones_and_changes_nothing():
    memory = {"human": "Name: Bob", "agent": ""}
    with pytest.raises(ValueError, match="human, agent"):
        core_memory_save(memory, "persona", "x")
    assert memory == {"human": "Name: Bob", "agent": ""}


def test_the_tool_metadata_matches_the_lesson():
    function = CORE_MEMORY_SAVE_TOOL["function"]
    assert CORE_MEMORY_SAVE_TOOL["type"] == "function"
    assert function["name"] == "core_memory_save"
    assert function["description"] == "Save important information about you, the agent or the human you are chatting with."
    schema = function["parameters"]
    assert schema["required"] == ["section", "memory"]
    assert schema["properties"]["section"]["enum"] == ["human", "agent"]
    assert schema["properties"]["memory"]["type"] == "string"
    assert schema_problems({"section": "human", "memory": "x"}, schema) == []


def test_compiled_memory_shows_each_section_with_its_size():
    compiled = compile_memory({"human": "Name: Bob", "agent": ""})
    assert compiled == (
        "<memory>\n"
        f'<human characters="9/{SECTION_LIMIT}">\nName: Bob\n</human>\n'
        f'<agent characters="0/{SECTION_LIMIT}">\n\n</agent>\n'
        "</memory>"
    )


def test_the_system_prompt_is_instructions_then_memory():
    prompt = build_system_prompt({"human": "Name: Bob", "agent": ""})
    assert prompt.startswith(AGENT_SYSTEM_PROMPT)
    assert prompt.endswith(compile_memory({"human": "Name: Bob", "agent": ""}))
    assert build_system_prompt(new_memory(), "You are a chatbot.").startswith("You are a chatbot.\n")
