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


def wants_heartbeat(value):
    """Letta's reading of request_heartbeat: True, or the string "true" in any case; anything else is false."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def step_continues(calls):
    """Whether the agent gets another model call: a tool asked for a heartbeat, or a tool failed."""
    return any(wants_heartbeat(arguments.get("request_heartbeat")) or result.startswith("Error")
               for _name, arguments, result in calls)
