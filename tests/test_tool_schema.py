"""function_tool: schemas generated from typed, docstringed functions match hand-written ones."""

from __future__ import annotations

import functools
from typing import Literal, Optional

import pytest

import helpers.agent
from helpers.schema_check import schema_problems
from helpers.memory import CORE_MEMORY_SAVE_TOOL
from helpers.tool_schema import function_tool, json_type, parse_docstring


def core_memory_save(section: Literal["human", "agent"], memory: str) -> str:
    """Save important information about you, the agent or the human you are chatting with.

    Args:
        section: Where to save: 'human' for facts about the user, 'agent' for facts about yourself.
        memory: The information to save, as a short sentence.
    """
    return ""


def test_the_lessons_save_tool_matches_the_hand_written_schema() -> None:
    assert function_tool(core_memory_save) == CORE_MEMORY_SAVE_TOOL


def search(agent: dict, query: str, page: int = 0, tags: Optional[list[str]] = None, exact: bool = False,
           weight: float | None = None) -> str:
    """Search the notes.

    A second paragraph is not part of the description.

    Args:
        query (str): Words to look
            for, in any order.
        page: Which page; 0 is the first.

    Returns:
        str: the results.
    """
    return ""


SEARCH_BY_HAND = {
    "type": "function",
    "function": {
        "name": "search",
        "description": "Search the notes.",
        "parameters": {
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "Words to look for, in any order."},
                "page": {"type": "integer", "description": "Which page; 0 is the first."},
                "tags": {"type": "array", "items": {"type": "string"}},
                "exact": {"type": "boolean"},
                "weight": {"type": "number"},
            },
            "required": ["query"],
        },
    },
}


def test_defaults_optional_lists_and_skipped_context_arguments() -> None:
    assert function_tool(search) == SEARCH_BY_HAND


def test_a_partial_is_described_by_the_function_it_wraps() -> None:
    bound = functools.partial(search, {"notes": []})
    assert function_tool(bound, skip=()) == SEARCH_BY_HAND


@pytest.mark.parametrize(
    ("annotation", "schema"),
    [
        (str, {"type": "string"}),
        (int, {"type": "integer"}),
        (float, {"type": "number"}),
        (bool, {"type": "boolean"}),
        (Literal["a", "b"], {"type": "string", "enum": ["a", "b"]}),
        (Literal[1, 2], {"type": "integer", "enum": [1, 2]}),
        (Optional[int], {"type": "integer"}),
        (str | None, {"type": "string"}),
        (list[int], {"type": "array", "items": {"type": "integer"}}),
        (list, {"type": "array"}),
        (dict[str, int], {"type": "object"}),
    ],
)
def test_json_types(annotation, schema) -> None:
    assert json_type(annotation) == schema


@pytest.mark.parametrize(
    ("annotation", "fragment"),
    [(Literal["a", 1], "mixes types"), (int | str, "several types"), (set, "No JSON type")],
)
def test_types_without_a_json_schema_are_refused_clearly(annotation, fragment) -> None:
    with pytest.raises(TypeError, match=fragment):
        json_type(annotation)


def test_missing_docstring_or_annotation_is_a_clear_error() -> None:
    def undocumented(query: str) -> str:
        return query

    def untyped(query):
        """Search."""

    with pytest.raises(ValueError, match="has no docstring"):
        function_tool(undocumented)
    with pytest.raises(TypeError, match="needs a type annotation"):
        function_tool(untyped)


def test_docstring_sections() -> None:
    description, arguments = parse_docstring(
        "Do a thing\nin two lines.\n\nMore.\n\nArgs:\n    a: first.\n    b (int): second,\n        continued.\n\nReturns:\n    x: not an argument."
    )
    assert description == "Do a thing in two lines."
    assert arguments == {"a": "first.", "b": "second, continued."}


def test_generated_schemas_validate_real_arguments() -> None:
    parameters = function_tool(search)["function"]["parameters"]
    assert schema_problems({"query": "dog", "page": 1}, parameters) == []
    problems = schema_problems({"page": "1"}, parameters)
    assert len(problems) == 2 and "'query'" in problems[0] and "'page'" in problems[1]


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"query": "dog", "page": True}, "argument 'page' should be an integer, not boolean"),
        ({"query": "dog", "page": False}, "argument 'page' should be an integer, not boolean"),
        ({"query": "dog", "weight": True}, "argument 'weight' should be a number, not boolean"),
        ({"query": "dog", "page": 1.0}, "argument 'page' should be an integer, not number"),
        ({"query": "dog", "exact": 1}, "argument 'exact' should be a boolean, not integer"),
        ({"query": "dog", "tags": "a"}, "argument 'tags' should be an array, not string"),
    ],
)
def test_a_bool_is_not_a_number_and_a_number_not_a_bool(arguments, problem) -> None:
    assert schema_problems(arguments, function_tool(search)["function"]["parameters"]) == [problem]


def test_numbers_of_either_kind_are_numbers() -> None:
    parameters = function_tool(search)["function"]["parameters"]
    assert schema_problems({"query": "dog", "page": 2, "weight": 1, "exact": False}, parameters) == []
    assert schema_problems({"query": "dog", "weight": 0.5}, parameters) == []


def test_an_enum_of_integers_refuses_true() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer", "enum": [1, 2]}}, "required": ["n"]}
    assert schema_problems({"n": True}, schema) == ["argument 'n' should be an integer, not boolean"]
    assert schema_problems({"n": 3}, schema) == ["argument 'n' must be one of 1, 2, not 3"]


def test_the_agent_module_still_offers_schema_problems() -> None:
    assert helpers.agent.schema_problems is schema_problems
