"""A solution to the exercise of 02_memory_in_the_prompt.ipynb."""


def compile_sections(system_prompt, memory):
    """The system prompt, then each memory section as a tagged block."""
    blocks = [f"<{section}>\n{text}\n</{section}>" for section, text in memory.items()]
    return system_prompt + "\n\n" + "\n".join(blocks)
