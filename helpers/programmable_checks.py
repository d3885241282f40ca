"""Checkers for the exercises of notebook 10 (programming memory): a shopping list as memory tools.

Each case gives the learner's tool a fresh agent with a "shopping" block, as the loop would (the agent
first, then the model's argument), and looks at the block afterwards. A tool may refuse in either of the
ways the loop hands back to the model: raising ValueError, or returning a text that starts with "Error".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpers.checkers import _short, run_checks, uses_global, watch
from helpers.memgpt import CONTEXT_ARGUMENTS, Agent, new_agent
from helpers.programmable import add_block
from helpers.tool_schema import function_tool

SHOPPING = "shopping"
SHOPPING_DESCRIPTION = "Things to buy, one a line. Change it with shopping_list_add and shopping_list_remove."


def shopping_agent(items: str = "", limit: int = 100, read_only: bool = False) -> Agent:
    """A fresh agent whose "shopping" block holds `items`, one a line."""
    agent = new_agent()
    add_block(agent, SHOPPING, items, limit=limit, description=SHOPPING_DESCRIPTION, read_only=read_only)
    return agent


def _refused(fn: Callable[..., Any], agent: Agent, item: str) -> tuple[bool, Any]:
    """Call the tool; (whether it refused, what it returned or the error)."""
    try:
        result = fn(agent, item)
    except ValueError as error:
        return True, error
    return isinstance(result, str) and result.lstrip().startswith("Error"), result


def _schema_problem(fn: Callable[..., Any], name: str) -> str | None:
    """What keeps `fn` from being offered to the model as the tool `name` taking `item`, or None."""
    try:
        schema = function_tool(fn, skip=CONTEXT_ARGUMENTS)["function"]
    except (TypeError, ValueError) as error:
        return f"the model cannot be offered {name} as a tool: {error}"
    properties = schema["parameters"]["properties"]
    if list(properties) != ["item"] or properties["item"].get("type") != "string":
        return (f"{name} should take the agent, then one argument `item: str` (the model sees only `item`); "
                f"the model would see {_short(properties)}")
    if not properties["item"].get("description"):
        return f"describe `item` under Args: in the docstring of {name}: the model reads it to know what to pass"
    return None


def _tool_cases(fn: Callable[..., Any], original: Callable[..., Any], name: str) -> list[Callable[[], str | None]]:
    """The cases both tools share: a sentence back, a schema the model can be offered, a read-only block refused."""

    def says_what_it_did() -> str | None:
        agent = shopping_agent("eggs" if name.endswith("remove") else "")
        result = fn(agent, "eggs")
        if not (isinstance(result, str) and result.strip()):
            return f"{name} should return a short sentence saying what it did (the model reads it), got {_short(result)}"
        return None

    def read_only() -> str | None:
        agent = shopping_agent("eggs", read_only=True)
        refused, _ = _refused(fn, agent, "bread" if name.endswith("add") else "eggs")
        if agent["blocks"][SHOPPING]["value"] != "eggs":
            return (f"{name} changed a read-only block: check the flag first (helpers.programmable.write_lines does), "
                    "and raise ValueError")
        return None if refused else f"{name} should refuse a read-only block with a ValueError, not report success"

    return [says_what_it_did, lambda: _schema_problem(original, name), read_only]


def check_shopping_list_add(fn: Callable[[Agent, str], Any]) -> bool:
    """Check `shopping_list_add(agent, item)`: one line at the end of the list, no twins, within the limit."""
    original = fn
    fn, returned = watch(fn)

    def case(items: str, item: str, want: str, label: str, limit: int = 100) -> Callable[[], str | None]:
        def run() -> str | None:
            agent = shopping_agent(items, limit)
            fn(agent, item)
            got = agent["blocks"][SHOPPING]["value"]
            if got == want:
                return None
            where = f"adding {item!r} to {items!r} ({label})"
            if got == items:
                return uses_global(original, "agent", f"{where}: the block did not change; write the new value to "
                                   "agent['blocks']['shopping']['value']")
            if got == item.strip():
                return f"{where}: expected {want!r}, got {got!r}: keep what is on the list, add a line at its end"
            return f"{where}: expected {want!r}, got {_short(got)}"

        return run

    def refuses(items: str, item: str, label: str, hint: str, limit: int = 100) -> Callable[[], str | None]:
        def run() -> str | None:
            agent = shopping_agent(items, limit)
            refused, _ = _refused(fn, agent, item)
            if agent["blocks"][SHOPPING]["value"] != items:
                return f"adding {item!r} to {items!r} ({label}) changed the list: nothing should change. {hint}"
            return None if refused else f"adding {item!r} ({label}) should raise ValueError with a sentence for the model. {hint}"

        return run

    def no_twins() -> str | None:
        agent = shopping_agent("bread\neggs")
        fn(agent, "Eggs")
        got = agent["blocks"][SHOPPING]["value"]
        return None if got == "bread\neggs" else (
            f"adding 'Eggs' to a list that has 'eggs' should leave it as it was (say it is there already), got {got!r}")

    cases = [
        case("", "eggs", "eggs", "an empty list"),
        case("bread\nmilk", "eggs", "bread\nmilk\neggs", "at the end"),
        case("bread", "  oat\nmilk ", "bread\noat milk", "one line, spaces folded: use one_line"),
        no_twins,
        refuses("bread", "   ", "nothing to add", "helpers.programmable.one_line raises it for you."),
        refuses("bread\nmilk", "sparkling water", "over the block's limit of 20 characters",
                "Compare the new value's length with agent['blocks']['shopping']['limit'] (or use write_lines).", limit=20),
        *_tool_cases(fn, original, "shopping_list_add"),
    ]
    return run_checks("shopping_list_add", cases, returned=returned, returns="a sentence saying what was added")


def check_shopping_list_remove(fn: Callable[[Agent, str], Any]) -> bool:
    """Check `shopping_list_remove(agent, item)`: that line gone, whatever its case; an error naming the list if absent."""
    original = fn
    fn, returned = watch(fn)

    def case(items: str, item: str, want: str, label: str, hint: str = "") -> Callable[[], str | None]:
        def run() -> str | None:
            agent = shopping_agent(items)
            _refused(fn, agent, item)
            got = agent["blocks"][SHOPPING]["value"]
            if got == want:
                return None
            where = f"removing {item!r} from {items!r} ({label})"
            if got == items:
                return uses_global(original, "agent", f"{where}: the block did not change; " + (
                    hint or "write the new value to agent['blocks']['shopping']['value']"))
            if item.strip() in items and got.replace("\n", "") == items.replace(item.strip(), "").replace("\n", ""):
                return f"{where}: expected {want!r}, got {got!r}: remove whole lines, not the words wherever they appear"
            return f"{where}: expected {want!r}, got {_short(got)}"

        return run

    def absent() -> str | None:
        agent = shopping_agent("eggs\nmilk")
        refused, said = _refused(fn, agent, "bread")
        if agent["blocks"][SHOPPING]["value"] != "eggs\nmilk":
            return "removing 'bread' from 'eggs\\nmilk' changed the list: nothing should change when the item is absent"
        if not refused:
            return ("removing an item that is not on the list should raise ValueError, so the model hears it failed, "
                    f"not return {_short(said)}")
        if "eggs" not in str(said) or "milk" not in str(said):
            return (f"the error for an absent item should name what is on the list (eggs, milk), so the model can "
                    f"pick the right one: got {_short(str(said))}")
        return None

    cases = [
        case("bread\neggs\nmilk", "eggs", "bread\nmilk", "the middle line"),
        case("bread\neggs", "  Eggs ", "bread", "whatever the case and spaces",
             "compare each line and the item lowercased, with spaces folded (' '.join(item.split()).lower())"),
        case("oat milk\nmilk", "milk", "oat milk", "only the line that is exactly 'milk'"),
        absent,
        *_tool_cases(fn, original, "shopping_list_remove"),
    ]
    return run_checks("shopping_list_remove", cases, returned=returned, returns="a sentence saying what was removed")
