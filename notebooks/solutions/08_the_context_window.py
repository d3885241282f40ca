"""Solutions to the exercises of 08_the_context_window.ipynb."""

from helpers.tokens import count_message


def is_users(message):
    """Whether a message is the user speaking: user-role, and not a heartbeat event the loop wrote."""
    return message["role"] == "user" and '"type": "heartbeat"' not in str(message["content"])


def split_context(messages, budget):
    """(evicted, kept): the oldest whole turns go until the rest costs at most `budget` tokens.

    The turn in progress (from the user's last message) always stays, even if it alone is over.
    """
    cut = 0
    starts = [i for i, message in enumerate(messages) if is_users(message) and i > 0]
    for start in starts:
        if sum(count_message(message) for message in messages[cut:]) <= budget:
            break
        cut = start
    return messages[:cut], messages[cut:]


def pressure(tokens, window, messages):
    """Return "flush" over the window, "warn" from 75% on if no warning is in the context yet, else "ok"."""
    if tokens > window:
        return "flush"
    warned = any(m["role"] == "system" and m["content"].startswith("Warning:") for m in messages)
    if tokens >= 0.75 * window and not warned:
        return "warn"
    return "ok"
