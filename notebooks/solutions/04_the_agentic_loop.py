"""Solutions to the exercises of 04_the_agentic_loop.ipynb."""

from helpers.agent import execute_tool_call
from helpers.backend import model_name
from helpers.memory import AGENT_SYSTEM_PROMPT, CORE_MEMORY_SAVE_TOOL, build_system_prompt, core_memory_save


def core_memory_replace(memory, section, old, new):
    """Replace `old` with `new` in `memory[section]`; say so, and change nothing, if `old` isn't there."""
    if not old:
        return "Error: old is empty. Copy the exact text to replace from the section. Nothing was changed."
    if old not in memory.get(section, ""):
        return f"Error: {old!r} is not in section {section!r}. Nothing was changed."
    memory[section] = memory[section].replace(old, new)
    return f"Replaced {old!r} with {new!r} in {section}."


def bounded_agent_step(client, user_message, agent_memory, max_steps):
    """agent_step with a bound: at most `max_steps` model calls, then a message saying it stopped."""
    messages = [
        {"role": "system", "content": build_system_prompt(agent_memory, AGENT_SYSTEM_PROMPT)},
        {"role": "user", "content": user_message},
    ]
    tools = [CORE_MEMORY_SAVE_TOOL]
    functions = {"core_memory_save": lambda section, memory: core_memory_save(agent_memory, section, memory)}
    for _ in range(max_steps):
        message = client.chat.completions.create(model=model_name(), messages=messages, tools=tools).choices[0].message
        messages.append(message)
        if not message.tool_calls:
            return message.content
        for tool_call in message.tool_calls:
            result = execute_tool_call(tool_call, functions, tools)
            messages.append({"role": "tool", "tool_call_id": tool_call.id, "content": result})
    return f"(Stopped after {max_steps} model calls without a reply.)"
