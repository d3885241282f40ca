"""Solutions to the exercises of 12_agents_that_share_memory.ipynb."""

from helpers.multi_agent import send_message_to_agent


def unshare(agent, label):
    """Give `agent` its own copy of block `label`, so that edits no longer cross between it and the others."""
    agent["blocks"][label] = dict(agent["blocks"][label])


def ask_all(agent, team, hop, message: str) -> str:
    """Send a message to every other agent of your team and wait for their replies, one a line.

    Args:
        message: What you ask or tell them, complete in itself.
    """
    others = [name for name in team.agents if name != agent["name"]]
    return "\n".join(send_message_to_agent(agent, team, hop, name, message) for name in others)
