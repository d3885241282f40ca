"""Solutions to the exercises of 05_memgpt_agent.ipynb."""

from typing import Literal


def core_memory_rewrite(agent: dict, label: Literal["persona", "human"], new_value: str) -> str:
    """Replace the whole of a core memory block with a new value.

    Args:
        label: The block to rewrite: 'persona' or 'human'.
        new_value: The block's complete new text.
    """
    block = agent["blocks"][label]
    if len(new_value) > block["limit"]:
        return f"Error: {len(new_value)} characters is over the limit of {block['limit']}. Nothing was changed."
    block["value"] = new_value
    return f"Block {label!r} rewritten ({len(new_value)}/{block['limit']} characters)."


def step_continues(calls):
    """Whether the agent gets another turn: a tool asked for a heartbeat, or a tool failed."""
    return any(arguments.get("request_heartbeat") is True or result.startswith("Error")
               for _name, arguments, result in calls)
