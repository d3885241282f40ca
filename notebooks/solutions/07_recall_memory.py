"""Solutions to the exercises of 07_recall_memory.ipynb."""


def messages_between(recall, start, end):
    """The texts of the user's and the agent's messages dated from `start` to `end` (YYYY-MM-DD), oldest first."""
    return [entry["text"] for entry in recall
            if entry["role"] in ("user", "assistant") and start <= entry["timestamp"][:10] <= end]
