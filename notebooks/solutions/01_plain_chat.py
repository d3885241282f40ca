"""A solution to the exercise of 01_plain_chat.ipynb."""


def build_messages(system_prompt, history, user_message):
    """The messages for one call: the system prompt, then the history, then the new user message."""
    return [{"role": "system", "content": system_prompt}, *history, {"role": "user", "content": user_message}]
