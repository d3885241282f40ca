"""memory-lab helpers: the tested versions of what the notebooks build step by step.

Lesson 1's pieces (notebooks 01-04) import from here. The rest import from their own modules, as the
notebooks do: helpers.chat_ui, helpers.checkers, helpers.errors, helpers.memgpt, helpers.archival,
helpers.recall, helpers.paging, helpers.embeddings, helpers.tool_schema, helpers.schema_check,
helpers.store (agents kept in SQLite or Postgres, notebook 09).
"""

from helpers.agent import agent_step, execute_tool_call, print_event, schema_problems
from helpers.backend import backend_name, describe_backend, load_env, make_client, mask_key, model_name
from helpers.memory import (
    AGENT_SYSTEM_PROMPT,
    CHAT_SYSTEM_PROMPT,
    CORE_MEMORY_SAVE_TOOL,
    MEMORY_SYSTEM_PROMPT,
    SECTION_LIMIT,
    build_system_prompt,
    compile_memory,
    core_memory_save,
    new_memory,
)
from helpers.offline import OFFLINE_MODEL

__all__ = [
    "AGENT_SYSTEM_PROMPT",
    "CHAT_SYSTEM_PROMPT",
    "CORE_MEMORY_SAVE_TOOL",
    "MEMORY_SYSTEM_PROMPT",
    "OFFLINE_MODEL",
    "SECTION_LIMIT",
    "agent_step",
    "backend_name",
    "build_system_prompt",
    "compile_memory",
    "core_memory_save",
    "describe_backend",
    "execute_tool_call",
    "load_env",
    "make_client",
    "mask_key",
    "model_name",
    "new_memory",
    "print_event",
    "schema_problems",
]
