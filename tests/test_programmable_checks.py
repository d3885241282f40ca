"""The checkers of notebook 10 accept its solutions and catch typical mistakes with the right words."""

from __future__ import annotations

import runpy
from pathlib import Path

from helpers import programmable_checks
from helpers.programmable import lines_of, one_line, write_lines

SOLUTIONS = runpy.run_path(str(Path(__file__).resolve().parents[1] / "notebooks" / "solutions"
                               / "10_programmable_memory.py"))
DOCSTRING = """Add an item to the shopping list.

    Args:
        item: The item to buy.
    """


def tool(body):
    """`body(agent, item)` dressed as a tool: named, typed and docstringed like the solution."""

    def shopping_list_add(agent, item: str) -> str:
        return body(agent, item)

    shopping_list_add.__doc__ = DOCSTRING
    return shopping_list_add


def test_solutions_pass(capsys) -> None:
    assert programmable_checks.check_shopping_list_add(SOLUTIONS["shopping_list_add"]) is True
    assert programmable_checks.check_shopping_list_remove(SOLUTIONS["shopping_list_remove"]) is True
    out = capsys.readouterr().out
    assert "✅ Well done: shopping_list_add passed all" in out and "✅ Well done: shopping_list_remove passed all" in out


def test_the_unwritten_stub_is_told_to_start(capsys) -> None:
    def shopping_list_add(agent, item: str) -> str:
        """Add an item to the shopping list."""
        raise NotImplementedError

    assert programmable_checks.check_shopping_list_add(shopping_list_add) is False
    assert "shopping_list_add is not written yet" in capsys.readouterr().out


def test_overwriting_the_list_is_caught(capsys) -> None:
    def add(agent, item):
        agent["blocks"]["shopping"]["value"] = one_line(item, "item")
        return "Added."

    assert programmable_checks.check_shopping_list_add(tool(add)) is False
    assert "keep what is on the list, add a line at its end" in capsys.readouterr().out


def test_ignoring_limit_twins_and_the_read_only_flag_is_caught(capsys) -> None:
    def add(agent, item):
        block = agent["blocks"]["shopping"]
        block["value"] = f"{block['value']}\n{one_line(item, 'item')}".strip()
        return "Added."

    assert programmable_checks.check_shopping_list_add(tool(add)) is False
    out = capsys.readouterr().out
    assert "over the block's limit of 20 characters) changed the list: nothing should change" in out
    assert "should leave it as it was (say it is there already)" in out
    assert "changed a read-only block" in out
    assert "one_line" not in out  # what it does right is not mentioned


def test_a_tool_the_model_cannot_be_offered_is_caught(capsys) -> None:
    good = SOLUTIONS["shopping_list_add"]

    def shopping_list_add(agent, item):  # no annotation, no docstring
        return good(agent, item)

    assert programmable_checks.check_shopping_list_add(shopping_list_add) is False
    assert "the model cannot be offered shopping_list_add as a tool: shopping_list_add has no docstring" in capsys.readouterr().out

    def undescribed(agent, item: str) -> str:
        """Add an item to the shopping list."""
        return good(agent, item)

    undescribed.__name__ = "shopping_list_add"
    assert programmable_checks.check_shopping_list_add(undescribed) is False
    assert "describe `item` under Args:" in capsys.readouterr().out


def test_working_on_a_notebook_global_is_named(capsys) -> None:
    shopper = {"blocks": {"shopping": {"value": "", "limit": 100, "description": "", "read_only": False}}}
    namespace = {"shopper": shopper, "write_lines": write_lines, "lines_of": lines_of, "one_line": one_line}
    exec("def shopping_list_add(agent, item: str) -> str:\n"
         f'    """{DOCSTRING}"""\n'
         "    write_lines(shopper, 'shopping', [*lines_of(shopper, 'shopping'), one_line(item, 'item')], '')\n"
         "    return 'Added.'\n", namespace)
    assert programmable_checks.check_shopping_list_add(namespace["shopping_list_add"]) is False
    assert "uses the notebook's global `shopper` instead of its `agent` argument" in capsys.readouterr().out


def test_removing_words_instead_of_lines_is_caught(capsys) -> None:
    def shopping_list_remove(agent, item: str) -> str:
        """Remove an item from the shopping list.

        Args:
            item: The item to take off.
        """
        block = agent["blocks"]["shopping"]
        block["value"] = "\n".join(line for line in block["value"].replace(item.strip(), "").splitlines() if line)
        return "Removed."

    assert programmable_checks.check_shopping_list_remove(shopping_list_remove) is False
    out = capsys.readouterr().out
    assert "remove whole lines, not the words wherever they appear" in out
    assert "compare each line and the item lowercased" in out
    assert "should raise ValueError, so the model hears it failed, not return 'Removed.'" in out


def test_an_error_that_does_not_name_the_list_is_caught(capsys) -> None:
    def shopping_list_remove(agent, item: str) -> str:
        """Remove an item from the shopping list.

        Args:
            item: The item to take off.
        """
        items = lines_of(agent, "shopping")
        kept = [line for line in items if line.lower() != " ".join(item.split()).lower()]
        if kept == items:
            return "Error: not found."  # refused, the way the loop also reads a failure
        write_lines(agent, "shopping", kept, "")
        return "Removed."

    assert programmable_checks.check_shopping_list_remove(shopping_list_remove) is False
    out = capsys.readouterr().out
    assert out.count("❌") == 1 and "should name what is on the list (eggs, milk)" in out


def test_the_agent_uses_the_solved_tools_as_the_notebook_shows() -> None:
    from datetime import datetime, timezone

    from helpers.memgpt import MEMGPT_FUNCTIONS, memgpt_step, new_agent
    from helpers.offline import offline_client
    from helpers.programmable import add_block
    from helpers.recall import ticking_clock

    shopper = new_agent()
    add_block(shopper, "shopping", "", limit=300, description=programmable_checks.SHOPPING_DESCRIPTION)
    tools = [*MEMGPT_FUNCTIONS, SOLUTIONS["shopping_list_add"], SOLUTIONS["shopping_list_remove"]]
    clock = ticking_clock(datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc))
    replies = [memgpt_step(offline_client(), shopper, said, now=clock, functions=tools)
               for said in ["Add eggs to my shopping list", "Put oat milk on the shopping list",
                            "Take eggs off my shopping list", "Remove bread from my shopping list"]]
    assert shopper["blocks"]["shopping"]["value"] == "oat milk" and shopper["blocks"]["human"]["value"] == ""
    assert "Removed 'eggs'" in replies[2]
    assert "'bread' is not on the shopping list, which holds: oat milk" in replies[3]  # the error reached the user
