"""Tool schemas generated from typed, docstringed Python functions instead of hand-written JSON.

`function_tool(fn)` reads three things a well-written function already has: its name, its type
annotations and its docstring (first paragraph = description, an "Args:" section = one line per
argument), and returns the `tools` entry the chat-completions API expects.

Why not the SDK's `openai.pydantic_function_tool`? It takes a pydantic model class, not a function,
emits a *strict* schema (every argument required, `additionalProperties: false`), and reads no
per-argument descriptions from a docstring. The course's tools are plain functions with optional
arguments (`page: int = 0`), so a small reader of signatures fits better.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, Union

SIMPLE_TYPES: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}


def json_type(annotation: Any) -> dict[str, Any]:
    """The JSON schema of one Python type annotation (str, int, float, bool, Literal, list, dict, Optional)."""
    origin = typing.get_origin(annotation)
    if annotation in SIMPLE_TYPES:
        return {"type": SIMPLE_TYPES[annotation]}
    if origin is Literal:
        options = list(typing.get_args(annotation))
        kinds = {SIMPLE_TYPES.get(type(option)) for option in options}
        if len(kinds) != 1 or None in kinds:
            raise TypeError(f"Literal{options} mixes types; use options of one type (all strings, say).")
        return {"type": kinds.pop(), "enum": options}
    if origin in (Union, types.UnionType):
        inner = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"{annotation} has several types; give the argument one type (Optional is fine).")
        return json_type(inner[0])
    if annotation is list or origin is list:
        item = typing.get_args(annotation)
        return {"type": "array", "items": json_type(item[0])} if item else {"type": "array"}
    if annotation is dict or origin is dict:
        return {"type": "object"}
    raise TypeError(f"No JSON type for {annotation!r}: annotate with str, int, float, bool, Literal[...] or list[...].")


def parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """The description (first paragraph) and the per-argument descriptions ("Args:" section)."""
    doc = inspect.cleandoc(doc or "")
    description = " ".join(doc.split("\n\n", 1)[0].split())
    arguments: dict[str, str] = {}
    section = re.search(r"^(?:Args|Arguments|Parameters):\s*$(.*?)(?=^\S.*:\s*$|\Z)", doc, re.M | re.S)
    if section:
        current = None
        for line in section.group(1).splitlines():
            # "name: text" or "name (type): text"; deeper-indented lines continue the previous one.
            match = re.match(r"^\s{0,8}(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$", line)
            if match and (current is None or len(line) - len(line.lstrip()) <= indent):
                current, indent = match.group(1), len(line) - len(line.lstrip())
                arguments[current] = match.group(2).strip()
            elif current and line.strip():
                arguments[current] = f"{arguments[current]} {line.strip()}".strip()
    return description, arguments


def function_tool(fn: Callable[..., Any], *, skip: tuple[str, ...] = ("self", "agent", "embed")) -> dict[str, Any]:
    """The chat-completions `tools` entry for a typed, docstringed function (arguments in `skip` left out)."""
    name = getattr(fn, "__name__", None) or getattr(getattr(fn, "func", None), "__name__", "")
    target = getattr(fn, "func", fn)  # a functools.partial documents the function it wraps
    description, argument_docs = parse_docstring(inspect.getdoc(target) or "")
    if not description:
        raise ValueError(f"{name} has no docstring: its first paragraph becomes the tool's description.")
    hints = typing.get_type_hints(target)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for parameter in inspect.signature(fn).parameters.values():
        if parameter.name in skip or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.name not in hints:
            raise TypeError(f"Argument {parameter.name!r} of {name} needs a type annotation, e.g. `{parameter.name}: str`.")
        spec = json_type(hints[parameter.name])
        if parameter.name in argument_docs:
            spec["description"] = argument_docs[parameter.name]
        properties[parameter.name] = spec
        if parameter.default is inspect.Parameter.empty:
            required.append(parameter.name)
    parameters = {"type": "object", "properties": properties, "required": required}
    return {"type": "function", "function": {"name": name, "description": description, "parameters": parameters}}
