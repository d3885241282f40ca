"""Solutions to the exercises of 07_recall_memory.ipynb."""


def messages_between(recall, start, end):
    """The texts of the user's and the agent's messages dated from `start` to `end` (YYYY-MM-DD), oldest first."""
    return [entry["text"] for entry in recall
            if entry["role"] in ("user", "assistant") and start <= entry["timestamp"][:10] <= end]


def is_users(message):
    """Whether a message is the user speaking: user-role, and not a heartbeat event the loop wrote."""
    return message["role"] == "user" and '"type": "heartbeat"' not in message["content"]


def fit_context(messages, window):
    """The latest whole turns that fit in `window` messages; the turn in progress is always kept."""
    kept = list(messages)
    while len(kept) > window:
        starts = [i for i, message in enumerate(kept) if is_users(message) and i > 0]
        if not starts:
            break  # only the turn in progress is left: never cut into it
        kept = kept[starts[0]:]
    return kept
