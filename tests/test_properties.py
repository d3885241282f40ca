"""Property tests: whatever a model sends to the tool dispatcher, it answers and memory stays sound."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from helpers.agent import execute_tool_call, memory_functions
from helpers.memory import CORE_MEMORY_SAVE_TOOL, SECTION_LIMIT

FAST = settings(max_examples=200, deadline=None)
TOOLS = [CORE_MEMORY_SAVE_TOOL]

# Text of any length up to a little over the limit: random characters, or one character repeated.
texts = st.one_of(
    st.text(max_size=50),
    st.builds(lambda char, count: char * count, st.characters(), st.integers(0, SECTION_LIMIT + 10)),
)
section_names = st.one_of(st.sampled_from(["human", "agent", "persona", "", "HUMAN"]), st.text(max_size=12))
tool_names = st.one_of(st.just("core_memory_save"), st.text(max_size=20))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
# Arguments as a model might send them: well-formed, slightly off, or any string at all.
argument_strings = st.one_of(
    st.builds(lambda s, m: json.dumps({"section": s, "memory": m}), st.sampled_from(["human", "agent"]), texts),
    st.builds(lambda s, m: json.dumps({"section": s, "memory": m}), section_names, texts),
    st.builds(json.dumps, st.dictionaries(st.sampled_from(["section", "memory", "extra"]) | st.text(max_size=8), json_values)),
    st.builds(json.dumps, json_values),
    st.text(max_size=80),
)
memories = st.fixed_dictionaries({"human": texts, "agent": texts}).map(
    lambda m: {name: text[:SECTION_LIMIT] for name, text in m.items()}
)


def call(name: str, arguments: str, call_id: str = "call_1") -> dict[str, Any]:
    """A tool call in the shape the API sends it."""
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def assert_sound(memory: dict[str, str], sections: set[str]) -> None:
    """Memory is still a dict of strings, with the same sections, each within its limit."""
    assert isinstance(memory, dict) and set(memory) == sections
    assert all(isinstance(text, str) and len(text) <= SECTION_LIMIT for text in memory.values())


@FAST
@given(memory=memories, name=tool_names, arguments=argument_strings)
def test_the_dispatcher_never_raises_and_only_a_clean_save_changes_memory(
    memory: dict[str, str], name: str, arguments: str
) -> None:
    before = dict(memory)
    result = execute_tool_call(call(name, arguments), memory_functions(memory), TOOLS)

    assert isinstance(result, str) and result
    assert_sound(memory, {"human", "agent"})
    event("refused" if result.startswith("Error: ") else "saved")  # shown by --hypothesis-show-statistics
    if result.startswith("Error: "):
        assert memory == before
        return
    # A success is exactly one append to the named section; the other section is untouched.
    saved = json.loads(arguments)
    section, text = saved["section"], saved["memory"]
    assert memory[section] == (f"{before[section]}\n{text}" if before[section] else text)
    assert all(memory[other] == before[other] for other in memory if other != section)


@FAST
@given(memory=memories, section=section_names, text=texts)
def test_a_save_changes_at_most_the_targeted_section(memory: dict[str, str], section: str, text: str) -> None:
    before = dict(memory)
    result = execute_tool_call(call("core_memory_save", json.dumps({"section": section, "memory": text})), memory_functions(memory), TOOLS)

    assert_sound(memory, {"human", "agent"})
    assert all(memory[other] == before[other] for other in memory if other != section)
    if section not in memory or not text.strip():
        assert result.startswith("Error: ") and memory == before
    elif len(before[section]) + len(text) + bool(before[section]) > SECTION_LIMIT:
        event("over the limit")
        assert "over its limit" in result and memory == before  # refused, never truncated
    else:
        event("saved")
        assert result.startswith("Saved to")


@FAST
@given(
    start=st.fixed_dictionaries({"human": st.text(max_size=30)}),
    calls=st.lists(st.tuples(tool_names, argument_strings), max_size=8),
)
def test_a_burst_of_calls_keeps_memory_sound(start: dict[str, str], calls: list[tuple[str, str]]) -> None:
    memory = dict(start)  # a memory with only a 'human' section, though the schema also allows 'agent'
    functions = memory_functions(memory)
    for index, (name, arguments) in enumerate(calls):
        assert isinstance(execute_tool_call(call(name, arguments, f"call_{index}"), functions, TOOLS), str)
        assert_sound(memory, {"human"})
