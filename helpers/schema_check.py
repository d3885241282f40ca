"""Checking a tool call's arguments against the tool's JSON schema (the schemas `tool_schema` writes).

Only what the course's schemas use: required arguments, no unexpected ones, each argument's type
and its allowed values (`enum`). Every problem is a sentence the model can act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The Python types a parsed JSON value has, by JSON schema type name.
JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


def json_type_name(value: Any) -> str:
    """The JSON name of a parsed value's type, as the model knows it ("array", not "list")."""
    for kind, types in JSON_TYPES.items():
        if isinstance(value, types) and not (isinstance(value, bool) and kind in ("integer", "number")):
            return kind
    return type(value).__name__


def has_type(value: Any, kind: Any) -> bool:
    """Whether a parsed value has the JSON schema type `kind` (true and false are not numbers)."""
    if not isinstance(kind, str) or kind not in JSON_TYPES:
        return True  # a type this check does not know is not held against the model
    if isinstance(value, bool) and kind in ("integer", "number"):
        return False  # in Python a bool is an int; in JSON it is not a number
    return isinstance(value, JSON_TYPES[kind])


def schema_problems(arguments: dict[str, Any], schema: Mapping[str, Any]) -> list[str]:
    """What is wrong with `arguments` for a tool's JSON schema (an empty list if nothing)."""
    properties: Mapping[str, Any] = schema.get("properties") or {}
    problems = [f"missing required argument {name!r}" for name in schema.get("required") or [] if name not in arguments]
    for name, value in arguments.items():
        spec = properties.get(name)
        if spec is None:
            expected = ", ".join(repr(p) for p in properties) or "none"
            problems.append(f"unexpected argument {name!r} (expected: {expected})")
        elif not has_type(value, spec.get("type")):
            kind = spec["type"]
            article = "an" if kind[0] in "aeiou" else "a"
            problems.append(f"argument {name!r} should be {article} {kind}, not {json_type_name(value)}")
        elif "enum" in spec and value not in spec["enum"]:
            options = ", ".join(repr(option) for option in spec["enum"])
            problems.append(f"argument {name!r} must be one of {options}, not {value!r}")
    return problems
