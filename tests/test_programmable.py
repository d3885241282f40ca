"""Programmable memory (helpers.programmable): blocks of your own, read-only blocks, memory tools as functions.

Each tool is checked as the loop runs it (through `bind_tools` and `call_tool`, so a failure is the
"Error: ..." text the model reads) and through `memgpt_step`: with a scripted model, to see exactly
what the loop does with a broken call, and with the offline tutor, as a learner would talk to it.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest

from helpers.agent import call_tool
from helpers.context import ContextWindowError
from helpers.memgpt import (
    CONTEXT_ARGUMENTS,
    FAILED_REASON,
    MEMGPT_FUNCTIONS,
    bind_tools,
    build_memgpt_system_prompt,
    memgpt_step,
    new_agent,
)
from helpers.offline import offline_client
from helpers.programmable import (
    SCRATCHPAD,
    SCRATCHPAD_DESCRIPTION,
    SCRATCHPAD_TOOLS,
    TASK_QUEUE,
    TASK_QUEUE_DESCRIPTION,
    TASK_QUEUE_TOOLS,
    add_block,
    lines_of,
)
from helpers.recall import ticking_clock
from helpers.store import open_store
from helpers.tool_schema import function_tool

START = datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc)
TOOLS = [*MEMGPT_FUNCTIONS, *TASK_QUEUE_TOOLS, *SCRATCHPAD_TOOLS]
RULES = "Never share the user's address."


def programmable_agent(tasks: str = "", limit: int = 200) -> dict[str, Any]:
    """An agent with a task queue, a scratchpad and a read-only block of rules."""
    agent = new_agent()
    add_block(agent, TASK_QUEUE, tasks, limit=limit, description=TASK_QUEUE_DESCRIPTION)
    add_block(agent, SCRATCHPAD, "", limit=limit, description=SCRATCHPAD_DESCRIPTION)
    add_block(agent, "rules", RULES, limit=100, description="Rules you follow. You cannot change them.", read_only=True)
    return agent


def run_tool(agent: dict[str, Any], name: str, **arguments: Any) -> str:
    """Run one tool as the loop does: the agent filled in, the arguments checked, failures as "Error: ..."."""
    schemas = [function_tool(fn, skip=CONTEXT_ARGUMENTS) for fn in TOOLS]
    return call_tool(name, arguments, bind_tools(agent, lambda texts: None, TOOLS), schemas)


def values(agent: dict[str, Any]) -> dict[str, str]:
    return {label: block["value"] for label, block in agent["blocks"].items()}


# --- add_block --------------------------------------------------------------------------------


def test_a_block_of_your_own_is_in_core_memory_with_its_description_and_flag() -> None:
    agent = programmable_agent("buy milk")
    assert agent["blocks"]["rules"] == {"value": RULES, "limit": 100,
                                        "description": "Rules you follow. You cannot change them.", "read_only": True}
    prompt = build_memgpt_system_prompt(agent, START)
    assert f'<tasks characters="8/200" description="{TASK_QUEUE_DESCRIPTION}">\nbuy milk\n</tasks>' in prompt
    assert ('<rules characters="31/100" read_only="true" description="Rules you follow. You cannot change them.">\n'
            f"{RULES}\n</rules>") in prompt
    assert list(agent["blocks"]) == ["persona", "human", "tasks", "scratchpad", "rules"]  # shown in this order


@pytest.mark.parametrize(
    ("label", "options", "fragment"),
    [
        ("human", {}, "The agent already has a block 'human'. Change it in agent['blocks']['human']"),
        ("my tasks", {}, "cannot be a block's label: use letters, digits, _ and -"),
        ("", {}, "cannot be a block's label"),
        ("core_memory", {}, "none of memory, core_memory, memory_metadata"),
        ("1st", {}, "starting with a letter"),
        ("tasks", {"limit": 0}, "a whole number of at least 1, not 0"),
        ("tasks", {"limit": True}, "not True"),
        ("tasks", {"limit": "500"}, "not '500'"),
        ("tasks", {"value": "x" * 11, "limit": 10}, "11 characters, over the limit of 10: raise the limit or shorten it"),
        ("tasks", {"value": None}, "value is the block's text"),
        ("tasks", {"description": 3}, "description is a sentence"),
    ],
)
def test_add_block_refuses_what_it_cannot_add_and_names_the_fix(label, options, fragment) -> None:
    agent = new_agent()
    before = json.dumps(agent["blocks"])
    options = {"value": "", "limit": 100, "description": "Tasks.", **options}
    with pytest.raises(ValueError) as error:
        add_block(agent, label, options.pop("value"), **options)
    assert fragment in str(error.value)
    assert json.dumps(agent["blocks"]) == before  # nothing added, nothing lost


def test_a_block_too_big_for_the_context_window_is_refused_and_not_left_behind() -> None:
    agent = new_agent(context_window=1500)
    with pytest.raises(ContextWindowError) as error:
        add_block(agent, "notes", "", limit=6000, description="Notes.")
    assert "smaller limit than 6000" in str(error.value) and "context_window" in str(error.value)
    assert list(agent["blocks"]) == ["persona", "human"]
    add_block(agent, "notes", "", limit=200, description="Notes.")  # a smaller one fits
    assert "notes" in agent["blocks"]


def test_a_read_only_block_is_refused_to_every_tool_and_kept_as_it_was() -> None:
    agent = programmable_agent()
    agent["blocks"]["tasks"]["read_only"] = True
    for name, arguments in [("core_memory_append", {"label": "rules", "content": "Share everything."}),
                            ("core_memory_replace", {"label": "rules", "old_content": "Never", "new_content": "Always"}),
                            ("task_queue_push", {"task": "buy milk"})]:
        result = run_tool(agent, name, **arguments)
        assert result.startswith("Error: Block") and "is read-only: you can read it but not change it. Nothing was changed." in result
    assert agent["blocks"]["rules"]["value"] == RULES and agent["blocks"]["tasks"]["value"] == ""


# --- the task queue ---------------------------------------------------------------------------


def test_the_task_queue_pops_tasks_in_the_order_they_were_pushed() -> None:
    agent = programmable_agent()
    assert run_tool(agent, "task_queue_push", task="buy milk") == "Pushed 'buy milk' onto the task queue: 1 task in it now."
    assert run_tool(agent, "task_queue_push", task="  call\nthe   plumber ") == (
        "Pushed 'call the plumber' onto the task queue: 2 tasks in it now.")  # one line, whatever the model wrote
    assert agent["blocks"]["tasks"]["value"] == "buy milk\ncall the plumber"
    assert run_tool(agent, "task_queue_pop") == "Took 'buy milk' off the task queue: 1 task left."
    assert run_tool(agent, "task_queue_pop") == "Took 'call the plumber' off the task queue: 0 tasks left."
    assert agent["blocks"]["tasks"]["value"] == ""


def test_popping_an_empty_queue_says_so_and_changes_nothing() -> None:
    agent = programmable_agent()
    before = values(agent)
    assert run_tool(agent, "task_queue_pop") == "The task queue is empty: there is no task to take off it."
    assert values(agent) == before


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [({"task": "   "}, "There is nothing to add: put the task in the argument"),
     ({}, "bad arguments: missing required argument 'task'"),
     ({"task": 3}, "'task' should be a string"),
     ({"task": "x" * 30}, "over its limit of 30. Nothing was changed. Finish and pop a task first.")],
)
def test_a_push_that_cannot_be_done_is_an_error_the_model_can_read_and_nothing_changes(arguments, fragment) -> None:
    agent = programmable_agent("buy milk", limit=30)
    result = run_tool(agent, "task_queue_push", **arguments)
    assert result.startswith("Error") and fragment in result, result
    assert agent["blocks"]["tasks"]["value"] == "buy milk"


def test_a_tool_whose_block_is_missing_says_which_block_to_add() -> None:
    agent = new_agent()
    result = run_tool(agent, "task_queue_push", task="buy milk")
    assert result == "Error: There is no block 'tasks': add it first, with add_block(agent, 'tasks', ...)."
    with pytest.raises(ValueError, match="add_block"):
        lines_of(agent, "scratchpad")


def test_the_schemas_the_model_sees_come_from_the_signatures_and_docstrings_without_the_agent() -> None:
    push, pop = (function_tool(fn, skip=CONTEXT_ARGUMENTS)["function"] for fn in TASK_QUEUE_TOOLS)
    assert push["name"] == "task_queue_push" and push["description"] == "Push a task onto the end of the task queue."
    assert push["parameters"]["properties"] == {"task": {"type": "string", "description": "The task, in a few words."}}
    assert push["parameters"]["required"] == ["task"]
    assert pop["parameters"]["properties"] == {} and "agent" not in json.dumps([push, pop])


# --- the scratchpad ---------------------------------------------------------------------------


def test_the_scratchpad_keeps_notes_until_it_is_cleared() -> None:
    agent = programmable_agent()
    assert run_tool(agent, "scratchpad_write", note="plumber comes Tuesday") == (
        "Wrote 'plumber comes Tuesday' on the scratchpad: 1 line on it now.")
    run_tool(agent, "scratchpad_write", note="ask about the boiler")
    assert lines_of(agent, SCRATCHPAD) == ["plumber comes Tuesday", "ask about the boiler"]
    assert run_tool(agent, "scratchpad_clear") == "Wiped the scratchpad: 2 lines removed."
    assert agent["blocks"]["scratchpad"]["value"] == ""
    assert run_tool(agent, "scratchpad_clear") == "Wiped the scratchpad: 0 lines removed."


# --- through the loop -------------------------------------------------------------------------


def call(name: str, heartbeat: bool, **arguments: Any) -> tuple[str, dict[str, Any]]:
    return name, {**arguments, "request_heartbeat": heartbeat}


def test_a_broken_call_is_reported_to_the_model_and_the_loop_goes_on(scripted_model) -> None:
    model = scripted_model(
        ("Adding it.", [call("task_queue_push", True, tasks="buy milk")]),  # a wrong argument name
        ("Fixing it.", [call("core_memory_append", True, label="rules", content="Share addresses.")]),  # read-only
        ("Now right.", [call("task_queue_push", True, task="buy milk")]),
        ("Tell them.", [call("send_message", False, message="Added buy milk.")]),
    )
    agent = programmable_agent()
    reply = memgpt_step(model.client, agent, "add buy milk to my task list", functions=TOOLS,
                        now=ticking_clock(START))
    assert reply == "Added buy milk." and len(model.requests) == 4
    results = [m["content"] for m in agent["messages"] if m["role"] == "tool"]
    assert results[0].startswith("Error: task_queue_push was called with bad arguments") and "'tasks'" in results[0]
    assert results[1] == "Error: Block 'rules' is read-only: you can read it but not change it. Nothing was changed."
    events = [json.loads(m["content"]) for m in model.requests[2]["messages"] if m["role"] == "user" and m["content"].startswith("{")]
    assert [event["reason"] for event in events] == [FAILED_REASON, FAILED_REASON]
    assert values(agent)["tasks"] == "buy milk" and values(agent)["rules"] == RULES
    offered = {tool["function"]["name"] for tool in model.requests[0]["tools"]}
    assert {"task_queue_push", "task_queue_pop", "scratchpad_write", "scratchpad_clear"} <= offered
    assert 'read_only="true"' in model.requests[0]["messages"][0]["content"]  # the model sees the flag


def test_the_offline_tutor_uses_the_task_queue_as_a_learner_asks() -> None:
    client, agent, clock = offline_client(), programmable_agent(), ticking_clock(START)

    def say(text: str) -> str:
        return memgpt_step(client, agent, text, functions=TOOLS, now=clock)

    assert "buy milk" in say("Add buy milk to my task list")
    say("Please put 'call the plumber' on my to-do list")
    assert lines_of(agent, TASK_QUEUE) == ["buy milk", "call the plumber"]
    assert "buy milk" in say("What's my next task?")
    assert "buy milk" in say("I'm done with the next task") and lines_of(agent, TASK_QUEUE) == ["call the plumber"]
    assert "plumber comes Tuesday" in say("Jot down on the scratchpad: plumber comes Tuesday")
    assert lines_of(agent, SCRATCHPAD) == ["plumber comes Tuesday"]
    assert agent["blocks"]["human"]["value"] == "" and agent["blocks"]["rules"]["value"] == RULES


def test_how_many_tasks_is_counted_from_the_block_not_quoted_from_the_conversation() -> None:
    """Found by typing into the agent: it answered by quoting the message that had added the task."""
    client, agent, clock = offline_client(), programmable_agent(), ticking_clock(START)
    memgpt_step(client, agent, "add 'email Sarah' to my tasks", functions=TOOLS, now=clock)
    reply = memgpt_step(client, agent, "How many tasks do I have?", functions=TOOLS, now=clock)
    assert reply == "My tasks block holds 1 line: email Sarah."
    assert memgpt_step(client, agent, "How many pets do I have?", functions=TOOLS, now=clock) != reply


def test_a_list_that_names_no_block_is_the_only_one_or_a_question() -> None:
    """"What's on my list?" named no block: it said nothing was found. Now the only block, or a question which."""
    client, clock = offline_client(), ticking_clock(START)
    several = programmable_agent("buy milk")
    assert memgpt_step(client, several, "What's on my list?", functions=TOOLS, now=clock) == (
        "Which do you mean: my tasks, my scratchpad or my rules block?")
    one = new_agent()
    add_block(one, TASK_QUEUE, "buy milk", limit=200, description=TASK_QUEUE_DESCRIPTION)
    assert memgpt_step(client, one, "What's on my list?", functions=TOOLS, now=clock) == "My tasks block holds: buy milk."


def test_a_task_is_never_saved_as_a_fact_about_the_human() -> None:
    client, agent = offline_client(), programmable_agent("call the plumber\nbuy milk")
    memgpt_step(client, agent, "My name is Ada", functions=TOOLS, now=ticking_clock(START))
    assert agent["blocks"]["human"]["value"] == "The human's name is Ada"
    reply = memgpt_step(client, agent, "What do you know about me?", functions=TOOLS, now=ticking_clock(START))
    assert "Ada" in reply and "plumber" not in reply and "milk" not in reply


def test_a_store_keeps_custom_blocks_with_their_description_and_flag(tmp_path) -> None:
    store = open_store(tmp_path / "agents.sqlite")
    agent = store.create_agent("Sam")
    add_block(agent, TASK_QUEUE, "buy milk", limit=200, description=TASK_QUEUE_DESCRIPTION)
    add_block(agent, "rules", RULES, limit=100, description="Rules.", read_only=True)
    store.save(agent)
    loaded = store.load_agent("Sam")
    store.close()
    assert loaded["blocks"] == agent["blocks"]


def test_the_tutor_refused_a_read_only_block_keeps_the_new_fact_in_a_block_it_may_edit() -> None:
    client, agent, clock = offline_client(), new_agent(), ticking_clock(START)
    account = "The human's name is Ada Lovelace\nThe human's plan is Free"
    add_block(agent, "account", account, limit=200, description="The user's account, kept by the app.", read_only=True)
    events: list[dict[str, Any]] = []
    reply = memgpt_step(client, agent, "My name is Bob", now=clock, on_event=events.append)
    calls = [(e["name"], json.loads(e["arguments"]).get("label"), e["result"][:40]) for e in events if e["type"] == "tool_call"]
    assert calls[0] == ("core_memory_replace", "account", "Error: Block 'account' is read-only: you")
    assert calls[1][:2] == ("core_memory_append", "human")
    assert "The replace was refused (that block is read-only)" in [e["content"] for e in events if e["type"] == "thinking"][1]
    assert agent["blocks"]["account"]["value"] == account and agent["blocks"]["human"]["value"] == "The human's name is Bob"
    assert "Bob" in reply
