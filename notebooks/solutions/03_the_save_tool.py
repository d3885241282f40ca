"""Solutions to the exercises of 03_the_save_tool.ipynb."""

import json


def save_to_memory(memory, section, text):
    """Append `text` to `memory[section]` on a new line and say what was done."""
    if section not in memory:
        raise ValueError(f"There is no section called {section!r}.")
    memory[section] = f"{memory[section]}\n{text}" if memory[section] else text
    return f"Saved to {section}."


def parse_arguments(raw):
    """The tool call's arguments as a dict, or an "Error: ..." string the model can read."""
    try:
        arguments = json.loads(raw)
    except json.JSONDecodeError as error:
        return f"Error: the arguments are not valid JSON ({error})."
    if not isinstance(arguments, dict):
        return "Error: the arguments must be a JSON object."
    return arguments
