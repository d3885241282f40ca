"""The offline tutor reads Letta's own formats, end to end through `make_client()`.

Requests here are shaped as Letta builds them: its system prompts (classic 0.5 and 0.12+ memory
blocks), its tool schemas (send_message without a heartbeat, docstring descriptions), user messages
packed as JSON, heartbeat events and system alerts, and tool results wrapped in {"status", "message"}.
"""

from __future__ import annotations

import json

import openai
import pytest

from helpers.agent import schema_problems
from helpers.backend import make_client
from helpers.offline import OFFLINE_MODEL

NOW = "2024-10-01 09:00:00 AM PDT-0700"
HIDDEN = "[This is an automated system message hidden from the user] "
HEARTBEAT = {"type": "heartbeat", "reason": HIDDEN + "Function called using request_heartbeat=true, returning control", "time": NOW}
FAILED_HEARTBEAT = {"type": "heartbeat", "reason": HIDDEN + "Function call failed, returning control", "time": NOW}
HEARTBEAT_DESCRIPTION = ("Request an immediate heartbeat after function execution. Set to `True` if you want to send a "
                         "follow-up message or run a follow-up function.")


def tool(name: str, description: str, properties: dict, heartbeat: bool = True) -> dict:
    """A tool schema as Letta 0.5 generates it from a docstring."""
    properties = dict(properties)
    if heartbeat:
        properties["request_heartbeat"] = {"type": "boolean", "description": HEARTBEAT_DESCRIPTION}
    return {"type": "function", "function": {"name": name, "description": description,
                                             "parameters": {"type": "object", "properties": properties, "required": list(properties)}}}


LABEL = {"type": "string", "description": "Section of the memory to be edited (persona or human)."}
LETTA_TOOLS = [
    tool("send_message", "Sends a message to the human user.",
         {"message": {"type": "string", "description": "Message contents. All unicode (including emojis) are supported."}}, heartbeat=False),
    tool("core_memory_append", "Append to the contents of core memory.",
         {"label": LABEL, "content": {"type": "string", "description": "Content to write to the memory."}}),
    tool("core_memory_replace", "Replace the contents of core memory. To delete memories, use an empty string for new_content.",
         {"label": LABEL, "old_content": {"type": "string", "description": "String to replace. Must be an exact match."},
          "new_content": {"type": "string", "description": "Content to write to the memory."}}),
    tool("archival_memory_insert", "Add to archival memory. Make sure to phrase the memory contents such that it can be easily queried later.",
         {"content": {"type": "string", "description": "Content to write to the memory."}}),
    tool("archival_memory_search", "Search archival memory using semantic (embedding-based) search.",
         {"query": {"type": "string", "description": "String to search for."},
          "page": {"type": "integer", "description": "Allows you to page through results. Only use on a follow-up query. Defaults to 0 (first page)."}}),
    tool("conversation_search", "Search prior conversation history using case-insensitive string matching.",
         {"query": {"type": "string", "description": "String to search for."},
          "page": {"type": "integer", "description": "Allows you to page through results. Only use on a follow-up query. Defaults to 0 (first page)."}}),
]


def classic_system(human: str, persona: str = "I am Sam. I'm a friendly AI.") -> dict:
    """Letta 0.5's system message: instructions, the memory metadata, then 'Core memory shown below'."""
    return {"role": "system", "content": (
        "You are MemGPT, the latest version of Limnal Corporation's digital companion, developed in 2023.\n"
        f"### Memory [last modified: {NOW}]\n"
        "4 previous messages between you and the user are stored in recall memory (use functions to access them)\n"
        "0 total memories you created are stored in archival memory (use functions to access them)\n"
        "\nCore memory shown below (limited in size, additional information stored in archival / recall memory):\n"
        f'<persona characters="{len(persona)}/2000">\n{persona}\n</persona>\n'
        f'<human characters="{len(human)}/2000">\n{human}\n</human>'
    )}


def blocks_system(human: str, numbered: bool = False) -> dict:
    """Letta 0.12+'s system message: <memory_blocks> with a description, metadata and a value per block."""
    value = "\n".join(f"Line {i}: {line}" for i, line in enumerate(human.splitlines(), 1)) if numbered else human
    warning = "# NOTE: Line numbers shown below are to help during editing. Do NOT include line number prefixes in your memory edit tool calls.\n" if numbered else ""
    return {"role": "system", "content": (
        "<base_instructions>\nYou are a helpful self-improving agent.\n</base_instructions>\n\n"
        "<memory_blocks>\nThe following memory blocks are currently engaged in your core memory unit:\n\n"
        "<persona>\n<description>\nThe persona block: Stores details about your current persona.\n</description>\n"
        "<metadata>\n- chars_current=14\n- chars_limit=5000\n</metadata>\n<value>\nI am Sam, I'm an AI.\n</value>\n</persona>\n\n"
        "<human>\n<description>\nThe human block: Stores key details about the person you are conversing with.\n</description>\n"
        f"<metadata>\n- chars_current={len(human)}\n- chars_limit=5000\n</metadata>\n<value>\n{warning}{value}\n</value>\n</human>\n"
        "\n</memory_blocks>"
    )}


def said(text: str) -> dict:
    """A user message packed as Letta packs it."""
    return {"role": "user", "content": json.dumps({"type": "user_message", "message": text, "time": NOW})}


def event(packed: dict) -> dict:
    """A heartbeat or system alert, in a user-role message, as Letta sends it."""
    return {"role": "user", "content": json.dumps(packed)}


def status(message: str | None, ok: bool = True) -> str:
    """A tool result as Letta wraps it."""
    return json.dumps({"status": "OK" if ok else "Failed", "message": message, "time": NOW})


def turn(name: str, arguments: dict, result: str, call_id: str = "call_1") -> list[dict]:
    """An assistant tool call and its Letta-wrapped result."""
    return [
        {"role": "assistant", "content": "thinking", "tool_calls": [
            {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}]},
        {"role": "tool", "tool_call_id": call_id, "content": result},
    ]


@pytest.fixture(scope="module")
def client() -> openai.OpenAI:
    return make_client()


def calls(client, messages, tools=LETTA_TOOLS) -> list[tuple[str, dict]]:
    message = client.chat.completions.create(model=OFFLINE_MODEL, messages=messages, tools=tools).choices[0].message
    assert message.content, "a MemGPT agent always thinks in its content"
    found = [(c.function.name, json.loads(c.function.arguments)) for c in message.tool_calls or []]
    schemas = {t["function"]["name"]: t["function"]["parameters"] for t in tools}
    for name, arguments in found:
        assert schema_problems(arguments, schemas[name]) == [], (name, arguments)
    return found


SEARCH_RESULT = 'Showing 1 of 1 results (page 0/0): ["timestamp: 2024-09-30 06:12:10 PM PDT-0700, memory: The human\'s sister Alice lives in Oslo"]'
RECALL_RESULT = ("Showing 2 of 2 results (page 0/0): " + json.dumps([
    "timestamp: 2024-09-28 10:00:00 AM PDT-0700, user - " + json.dumps({"type": "user_message", "message": "I'm planning a trip to Lisbon in May", "time": NOW}),
    "timestamp: 2024-10-01 09:00:00 AM PDT-0700, user - " + json.dumps({"type": "user_message", "message": "What did I tell you about my trip?", "time": NOW}),
]))
NEW_ARCHIVAL_RESULT = json.dumps([
    {"id": "passage-1", "timestamp": "2024-09-30T18:12:10+00:00", "content": "The human is learning to play the cello", "tags": []},
    {"id": "passage-2", "timestamp": "2024-09-29T18:12:10+00:00", "content": "The human's dog is called Rex", "tags": []},
])

EXCHANGES = [
    ("a name in a packed user message is appended with a heartbeat",
     [classic_system(""), said("My name is Sarah")],
     [("core_memory_append", {"label": "human", "content": "The human's name is Sarah", "request_heartbeat": True})]),
    ("a correction replaces the line as the classic block holds it",
     [classic_system("First name: Sarah"), said("Actually my name is Charles")],
     [("core_memory_replace", {"label": "human", "old_content": "First name: Sarah", "new_content": "First name: Charles",
                               "request_heartbeat": True})]),
    ("a correction replaces a line of a <memory_blocks> value",
     [blocks_system("The human's name is Sarah\nThe human likes tea"), said("No, it's Charles")],
     [("core_memory_replace", {"label": "human", "old_content": "The human's name is Sarah",
                               "new_content": "The human's name is Charles", "request_heartbeat": True})]),
    ("line numbers are not part of the old content",
     [blocks_system("The human lives in Paris", numbered=True), said("I moved to York")],
     [("core_memory_replace", {"label": "human", "old_content": "The human lives in Paris",
                               "new_content": "The human moved to York", "request_heartbeat": True})]),
    ("a question answered from <memory_blocks> needs no heartbeat",
     [blocks_system("The human's name is Sarah"), said("What's my name?")],
     [("send_message", {"message": "Your name is Sarah."})]),
    ("a question answered from the classic layout",
     [classic_system("The human's dog is called Rex"), said("What is my dog called?")],
     [("send_message", {"message": "Your dog is called Rex."})]),
    ("persona lines are not facts about the human",
     [classic_system(""), said("What is my name?")],
     [("archival_memory_search", {"query": "name", "page": 0, "request_heartbeat": True})]),
    ("a heartbeat after a search continues with the answer",
     [classic_system(""), said("Where does my sister live?"),
      *turn("archival_memory_search", {"query": "sister live", "page": 0, "request_heartbeat": True}, status(SEARCH_RESULT)),
      event(HEARTBEAT)],
     [("send_message", {"message": "Your sister Alice lives in Oslo (I found it in archival memory on 2024-09-30 06:12 PM)."})]),
    ("Letta's recall results are read, packed user messages included",
     [classic_system(""), said("What did I tell you about my trip?"),
      *turn("conversation_search", {"query": "trip", "page": 0, "request_heartbeat": True}, status(RECALL_RESULT)),
      event(HEARTBEAT)],
     [("send_message", {"message": 'On 2024-09-28 10:00 AM you told me: "I\'m planning a trip to Lisbon in May"'})]),
    ("a list of dicts with content is read, by best overlap",
     [classic_system(""), said("Which instrument am I learning?"),
      *turn("archival_memory_search", {"query": "instrument learning", "page": 0, "request_heartbeat": True}, NEW_ARCHIVAL_RESULT),
      event(HEARTBEAT)],
     [("send_message", {"message": "Here is what I found in archival memory: The human is learning to play the cello"})]),
    ("'No results found.' sends it on to recall memory",
     [classic_system(""), said("When is my birthday?"),
      *turn("archival_memory_search", {"query": "birthday", "page": 0, "request_heartbeat": True}, status("No results found.")),
      event(HEARTBEAT)],
     [("conversation_search", {"query": "birthday", "page": 0, "request_heartbeat": True})]),
    ("a Failed replace is retried as an append, never reported as done",
     [classic_system("The human's name is Sarah"), said("My name is Charles"),
      *turn("core_memory_replace", {"label": "human", "old_content": "The human's name is Sara", "new_content": "The human's name is Charles"},
            status("Error executing function core_memory_replace: ValueError: Old content 'The human's name is Sara' not found in memory block 'human'", ok=False)),
      event(FAILED_HEARTBEAT)],
     [("core_memory_append", {"label": "human", "content": "The human's name is Charles", "request_heartbeat": True})]),
    ("a Failed append is reported to the user",
     [classic_system(""), said("My name is Charles"),
      *turn("core_memory_append", {"label": "human", "content": "The human's name is Charles"},
            status("Error executing function core_memory_append: KeyError: 'human'", ok=False)),
      event(FAILED_HEARTBEAT)],
     [("send_message", {"message": "I tried to use core_memory_append, but it said: Error executing function core_memory_append: KeyError: 'human'"})]),
    ("an OK status whose message is an error is a failure too",
     [classic_system(""), said("My name is Charles"),
      *turn("core_memory_append", {"label": "human", "content": "The human's name is Charles"}, status("Error: the block is read-only")),
      event(FAILED_HEARTBEAT)],
     [("send_message", {"message": "I tried to use core_memory_append, but it said: Error: the block is read-only"})]),
    ("an OK status after a save is a success",
     [classic_system("The human's name is Charles"), said("My name is Charles, not Sarah"),
      *turn("core_memory_append", {"label": "human", "content": "The human's name is Charles"}, status(None)),
      event(HEARTBEAT)],
     [("send_message", {"message": "Sorry, Charles, I've updated my memory."})]),
    ("a heartbeat after send_message starts nothing new",
     [classic_system(""), said("Hello"), *turn("send_message", {"message": "Hello! How can I help you today?"}, status("None")),
      event(HEARTBEAT)],
     []),
    ("a system alert is not the user speaking",
     [classic_system("The human's name is Sarah"), said("What's my name?"),
      event({"type": "system_alert", "message": HIDDEN + "The conversation history will soon reach its maximum length and be trimmed.", "time": NOW})],
     [("send_message", {"message": "Your name is Sarah."})]),
    ("a timed heartbeat with nothing to do does nothing",
     [classic_system(""), event({"type": "heartbeat", "reason": HIDDEN + "Automated timer", "time": NOW})],
     []),
]


@pytest.mark.parametrize(("label", "messages", "expected"), EXCHANGES, ids=[case[0] for case in EXCHANGES])
def test_letta_exchange(client, label, messages, expected) -> None:
    assert calls(client, messages) == expected


def test_inner_thoughts_in_the_arguments_get_a_thought_not_a_fact(client) -> None:
    thinking = {"type": "string", "description": "Deep inner monologue private to you only."}
    tools = []
    for schema in LETTA_TOOLS:
        function = json.loads(json.dumps(schema["function"]))
        function["parameters"]["properties"] = {"inner_thoughts": thinking, **function["parameters"]["properties"]}
        function["parameters"]["required"] = ["inner_thoughts", *function["parameters"]["required"]]
        tools.append({"type": "function", "function": function})
    message = client.chat.completions.create(model=OFFLINE_MODEL, messages=[classic_system(""), said("I'm vegan")], tools=tools).choices[0].message
    (call,) = message.tool_calls
    arguments = json.loads(call.function.arguments)
    assert arguments["content"] == "The human is vegan"
    assert arguments["inner_thoughts"] and "vegan" not in arguments["inner_thoughts"]


OLD_NAME = {"type": "string", "description": "Section of the memory to be edited (persona or human)."}
LETTA_04_TOOLS = [LETTA_TOOLS[0],
                  tool("core_memory_append", "Append to the contents of core memory.",
                       {"name": OLD_NAME, "content": {"type": "string", "description": "Content to write to the memory."}})]
NEW_TOOLS = [
    tool("send_message", "Sends a message to the human user.", {"message": {"type": "string"}}, heartbeat=False),
    tool("memory_insert", "The memory_insert command allows you to insert text at a specific location in a memory block.",
         {"label": {"type": "string", "description": "Section of the memory to be edited, identified by its label."},
          "new_string": {"type": "string", "description": "The text to insert. Do not include line number prefixes."},
          "insert_line": {"type": "integer", "description": "The line number after which to insert the text (0 for beginning of file). Defaults to -1 (end of the file)."}},
         heartbeat=False),
    tool("memory_replace", "The memory_replace command allows you to replace a specific string in a memory block with a new string.",
         {"label": {"type": "string", "description": "Section of the memory to be edited, identified by its label."},
          "old_string": {"type": "string", "description": "The text to replace (must match exactly, including whitespace and indentation)."},
          "new_string": {"type": "string", "description": "The new text to insert in place of the old text. Do not include line number prefixes."}},
         heartbeat=False),
]
for schema in NEW_TOOLS[1:]:  # optional insert_line, as Letta marks it
    schema["function"]["parameters"]["required"] = [r for r in schema["function"]["parameters"]["required"] if r != "insert_line"]


@pytest.mark.parametrize(
    ("tools", "system", "text", "expected"),
    [
        (LETTA_04_TOOLS, classic_system(""), "My name is Sarah",
         [("core_memory_append", {"name": "human", "content": "The human's name is Sarah", "request_heartbeat": True})]),
        (NEW_TOOLS, blocks_system(""), "I'm allergic to peanuts",
         [("memory_insert", {"label": "human", "new_string": "The human is allergic to peanuts"})]),
        (NEW_TOOLS, blocks_system("The human's name is Sarah", numbered=True), "Actually I'm Charles",
         [("memory_replace", {"label": "human", "old_string": "The human's name is Sarah", "new_string": "The human's name is Charles"})]),
    ],
    ids=["Letta 0.4 names the block argument 'name'", "memory_insert", "memory_replace"],
)
def test_other_letta_memory_tools(client, tools, system, text, expected) -> None:
    assert calls(client, [system, said(text)], tools) == expected
