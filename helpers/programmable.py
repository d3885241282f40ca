"""Programmable memory (notebook 10): blocks of your own, and memory tools written as typed functions.

A block is core memory with a label, a size limit, a description the model reads with it, and a flag
that makes it read-only (`add_block`). A memory tool is a typed, docstringed function that takes the
agent first and returns a sentence; `memgpt_step(..., functions=[*MEMGPT_FUNCTIONS, *TASK_QUEUE_TOOLS])`
offers it to the model, which never sees the `agent` argument: the loop fills it in. Failures are
ValueErrors, which the loop hands back to the model as "Error: ..." (nothing is changed).

Two such memories, as in Letta's course: a task queue (a block holding one task a line, the next one
first, with `task_queue_push` and `task_queue_pop`) and a scratchpad for working notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from helpers.context import ContextWindowError, window_problem
from helpers.memgpt import Agent, Block, _editable_block
from helpers.memory import MEMORY_TAGS
from helpers.paging import how_many

TASK_QUEUE = "tasks"
TASK_QUEUE_DESCRIPTION = "Tasks the user gave you, one a line, the next one first. Change it with task_queue_push and task_queue_pop."
SCRATCHPAD = "scratchpad"
SCRATCHPAD_DESCRIPTION = "Your working notes, one a line: not shown to the user. Add with scratchpad_write."
LABEL = re.compile(r"[A-Za-z_][\w\-]*")  # a label becomes a tag in the prompt: <tasks characters="...">


def add_block(agent: Agent, label: str, value: str = "", *, limit: int, description: str, read_only: bool = False) -> Block:
    """Add a block to the agent's core memory; a ValueError if the label is taken or unfit, or it does not fit."""
    if not isinstance(label, str) or not LABEL.fullmatch(label) or label.lower() in MEMORY_TAGS:
        raise ValueError(f"{label!r} cannot be a block's label: use letters, digits, _ and - (starting with a letter), "
                         f"e.g. 'tasks', and none of {', '.join(MEMORY_TAGS)}.")
    if label in agent["blocks"]:
        raise ValueError(f"The agent already has a block {label!r}. Change it in agent['blocks'][{label!r}], or pick another label.")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit is the block's size in characters, a whole number of at least 1, not {limit!r}.")
    if not isinstance(value, str):
        raise ValueError(f"value is the block's text, a string (\"\" for an empty block), not {value!r}.")
    if not isinstance(description, str):
        raise ValueError(f"description is a sentence telling the model what the block is for, not {description!r}.")
    if len(value) > limit:
        raise ValueError(f"The value has {len(value)} characters, over the limit of {limit}: raise the limit or shorten it.")
    block: Block = {"value": value, "limit": limit, "description": description, "read_only": read_only}
    agent["blocks"][label] = block
    problem = window_problem(agent)  # full, every block counts against the context window
    if problem:
        del agent["blocks"][label]
        raise ContextWindowError(f"{problem} Give the block a smaller limit than {limit}, or the agent a larger "
                                 "context_window (new_agent(context_window=...)).")
    return block


def lines_of(agent: Agent, label: str) -> list[str]:
    """The lines of a block, empty ones left out (a task queue's tasks, a scratchpad's notes)."""
    if label not in agent["blocks"]:
        raise ValueError(f"There is no block {label!r}: add it first, with add_block(agent, {label!r}, ...).")
    return [line for line in agent["blocks"][label]["value"].splitlines() if line.strip()]


def write_lines(agent: Agent, label: str, lines: list[str], hint: str) -> None:
    """Write a block's lines if they fit its limit; a ValueError (with `hint`) if it is read-only or would overflow."""
    block = _editable_block(agent, label)
    value = "\n".join(lines)
    if len(value) > block["limit"]:
        raise ValueError(f"Block {label!r} would hold {len(value)} characters, over its limit of {block['limit']}. "
                         f"Nothing was changed. {hint}")
    block["value"] = value


def one_line(text: str, what: str) -> str:
    """A tool's text argument on one line (spaces and line breaks folded); a ValueError if it is empty."""
    line = " ".join(str(text).split())
    if not line:
        raise ValueError(f"There is nothing to add: put the {what} in the argument, as a few words.")
    return line


def task_queue_push(agent: Agent, task: str) -> str:
    """Push a task onto the end of the task queue.

    Args:
        task: The task, in a few words.
    """
    tasks = [*lines_of(agent, TASK_QUEUE), one_line(task, "task")]
    write_lines(agent, TASK_QUEUE, tasks, "Finish and pop a task first.")
    return f"Pushed {tasks[-1]!r} onto the task queue: {how_many(len(tasks), 'task')} in it now."


def task_queue_pop(agent: Agent) -> str:
    """Take the next task off the front of the task queue, and say what it was."""
    tasks = lines_of(agent, TASK_QUEUE)
    if not tasks:
        return "The task queue is empty: there is no task to take off it."
    write_lines(agent, TASK_QUEUE, tasks[1:], "")
    return f"Took {tasks[0]!r} off the task queue: {how_many(len(tasks) - 1, 'task')} left."


def scratchpad_write(agent: Agent, note: str) -> str:
    """Write a line of working notes on your scratchpad.

    Args:
        note: One line to keep.
    """
    notes = [*lines_of(agent, SCRATCHPAD), one_line(note, "note")]
    write_lines(agent, SCRATCHPAD, notes, "Clear the scratchpad with scratchpad_clear first.")
    return f"Wrote {notes[-1]!r} on the scratchpad: {how_many(len(notes), 'line')} on it now."


def scratchpad_clear(agent: Agent) -> str:
    """Wipe every note off your scratchpad."""
    count = len(lines_of(agent, SCRATCHPAD))
    write_lines(agent, SCRATCHPAD, [], "")
    return f"Wiped the scratchpad: {how_many(count, 'line')} removed."


TASK_QUEUE_TOOLS: list[Callable[..., str]] = [task_queue_push, task_queue_pop]
SCRATCHPAD_TOOLS: list[Callable[..., str]] = [scratchpad_write, scratchpad_clear]
