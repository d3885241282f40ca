"""The offline tutor model: a small, rule-based stand-in for an LLM, so the course runs with no key.

It is NOT a language model. It is a few hundred lines of pattern matching that answer the
OpenAI chat-completions API well enough to show every step of the course:

- it notices facts a human states about themselves (name, corrections, birthday, where they
  live, what they like, their job) and, when a memory tool is offered, calls it;
- after a tool result it replies using the fact it saved;
- it answers questions about the human from whatever is in the request: memory in the system
  prompt, earlier messages, tool results. The latest statement wins. Nothing there: it says so.
- offered MemGPT's tools (`send_message` and friends, notebooks 05-07), it acts like a MemGPT
  agent: its plain content is a short inner monologue, it replies only through `send_message`,
  corrects core memory with `core_memory_replace`, searches archival or recall memory for what is
  not in its context and answers from the result, and sets `request_heartbeat` when it needs
  another step;
- it also serves `/v1/embeddings` with a deterministic hashed-features embedding (words and
  letter trigrams), labelled `memory-lab-offline-embedding`: not a neural model, but texts that
  share words or word pieces land near each other.

Like a real model, it sees only the request: the messages and the tools. It keeps no state
between calls. It is served through the SDK's own HTTP layer (an `httpx2.MockTransport`), so
the client, the request and the response are the SDK's real objects. The same request always
gets a byte-identical response: ids are derived from the request, and `created` is 0.
Token counts in `usage` are the course's own count of the request (helpers.tokens).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

import httpx2

from helpers.tokens import count_completion, count_request

OFFLINE_MODEL = "memory-lab-offline-tutor"
OFFLINE_EMBEDDING_MODEL = "memory-lab-offline-embedding"
EMBEDDING_DIMENSIONS = 384
# The .invalid top-level domain never resolves, so nothing here can reach the network.
OFFLINE_BASE_URL = "http://offline-tutor.invalid/v1"

ROLES = ("system", "developer", "user", "assistant", "tool", "function")

# ---------------------------------------------------------------------------------------------
# HTTP layer: route a request, turn problems into OpenAI-style error responses.
# ---------------------------------------------------------------------------------------------


class RequestError(Exception):
    """A request the real API would reject; becomes an HTTP error response."""

    def __init__(self, message: str, status: int = 400, param: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.param = param


def offline_transport() -> httpx2.MockTransport:
    """An httpx2 transport that answers OpenAI API requests with the offline tutor model."""
    return httpx2.MockTransport(handle_request)


def handle_request(request: httpx2.Request) -> httpx2.Response:
    """Answer one HTTP request the way the OpenAI API would."""
    path = request.url.path.rstrip("/")
    try:
        if request.method == "GET" and path.endswith("/models"):
            return httpx2.Response(200, json=list_models())
        if request.method == "POST" and path.endswith("/chat/completions"):
            return httpx2.Response(200, json=chat_completion(_json_body(request)))
        if request.method == "POST" and path.endswith("/embeddings"):
            return httpx2.Response(200, json=embeddings_response(_json_body(request)))
        raise RequestError(
            f"The offline tutor model does not serve {request.method} {path}. "
            "It answers /v1/chat/completions, /v1/embeddings and /v1/models.",
            status=404,
        )
    except RequestError as error:
        kind = "invalid_request_error"
        return httpx2.Response(
            error.status,
            json={"error": {"message": str(error), "type": kind, "param": error.param, "code": None}},
        )


def _json_body(request: httpx2.Request) -> dict[str, Any]:
    """The request's JSON body, which must be an object."""
    try:
        body = json.loads(request.content)
    except ValueError:
        raise RequestError("We could not parse the JSON body of your request.") from None
    if not isinstance(body, dict):
        raise RequestError("The request body must be a JSON object.")
    return body


def list_models() -> dict[str, Any]:
    """The `/v1/models` answer: just the offline tutor model."""
    model = {"id": OFFLINE_MODEL, "object": "model", "created": 0, "owned_by": "memory-lab"}
    return {"object": "list", "data": [model]}


def estimate_tokens(text: str) -> int:
    """A rough token count: about four characters a token (an estimate, not a tokenizer)."""
    return math.ceil(len(text) / 4)


def _stable_id(prefix: str, *parts: str) -> str:
    """An id derived from the request, so the same request gets the same id."""
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return f"{prefix}{digest[:24]}"


# ---------------------------------------------------------------------------------------------
# Embeddings: a deterministic hashed-features vector, not a neural model.
# ---------------------------------------------------------------------------------------------

# Words left out of an embedding: they say little about what a text is about.
EMBEDDING_STOPWORDS = set(
    """a an the and or but of to in on at for with about from by is am are was were be been do does did
    i me my you your we our they them their it its this that what when where who which how has have had
    there here so very just please""".split()
)


def embedding_features(text: str) -> list[str]:
    """The features hashed into an embedding: each content word, and the letter trigrams of each."""
    words = [word.removesuffix("'s") for word in re.findall(r"[a-z0-9']+", text.lower())]
    words = [word for word in words if word and word not in EMBEDDING_STOPWORDS] or words
    features = []
    for word in words:
        padded = f"#{word}#"
        features.append(f"w:{word}")
        features.extend(f"t:{padded[i:i + 3]}" for i in range(len(padded) - 2))
    return features


def offline_embedding(text: str, dimensions: int = EMBEDDING_DIMENSIONS) -> list[float]:
    """A unit-length vector for `text`: features hashed into `dimensions` signed buckets.

    Texts sharing words or word pieces ("dog", "dogs") share buckets, so they point the same way.
    """
    vector = [0.0] * dimensions
    for feature in embedding_features(text):
        bucket = zlib.crc32(feature.encode())
        vector[bucket % dimensions] += 1.0 if (bucket >> 20) & 1 else -1.0
    norm = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [value / norm for value in vector]


def embeddings_response(body: dict[str, Any]) -> dict[str, Any]:
    """Answer a `/v1/embeddings` request body the way the API does (floats, or base64 if asked)."""
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise RequestError("You must provide a model parameter.", param="model")
    inputs = body.get("input")
    if isinstance(inputs, str):
        inputs = [inputs]
    if not isinstance(inputs, list) or not inputs or not all(isinstance(text, str) for text in inputs):
        raise RequestError(
            "The offline embedding model takes 'input' as a string or a non-empty array of strings "
            "(not token ids).",
            param="input",
        )
    if len(inputs) > 2048:
        raise RequestError("'input' may hold at most 2048 texts per request; send them in batches.", param="input")
    if any(not text for text in inputs):
        raise RequestError("'$.input' is invalid: an input cannot be an empty string.", param="input")
    encoding = body.get("encoding_format") or "float"
    if encoding not in ("float", "base64"):
        raise RequestError(
            f"Invalid value for 'encoding_format': {encoding!r}. Supported values are: 'float' and 'base64'.",
            param="encoding_format",
        )
    dimensions = body.get("dimensions")
    dimensions = EMBEDDING_DIMENSIONS if dimensions is None else dimensions
    if not isinstance(dimensions, int) or isinstance(dimensions, bool) or not 1 <= dimensions <= 3072:
        raise RequestError("'dimensions' must be a whole number from 1 to 3072.", param="dimensions")
    data = []
    for index, text in enumerate(inputs):
        vector = offline_embedding(text, dimensions)
        if encoding == "base64":  # what the SDK asks for by default: little-endian float32 bytes
            encoded: Any = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
        else:
            encoded = vector
        data.append({"object": "embedding", "index": index, "embedding": encoded})
    tokens = sum(estimate_tokens(text) for text in inputs)
    return {
        "object": "list",
        "data": data,
        "model": OFFLINE_EMBEDDING_MODEL,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


# ---------------------------------------------------------------------------------------------
# Reading the request: messages and tools, as loosely as a learner may send them.
# ---------------------------------------------------------------------------------------------


def message_text(content: Any) -> str:
    """The text of a message's content: a string, None, or a list of content parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [part.get("text", "") for part in content if isinstance(part, dict)]
        return "\n".join(text for text in texts if isinstance(text, str))
    raise RequestError("Invalid type for 'content': expected a string, an array of parts, or null.")


def _validate_messages(messages: Any) -> list[dict[str, Any]]:
    """Check the messages as the real API does, including answered tool calls."""
    if not isinstance(messages, list) or not messages:
        raise RequestError("'messages' must be a non-empty array.", param="messages")
    pending: set[str] = set()
    for index, message in enumerate(messages):
        param = f"messages.[{index}]"
        if not isinstance(message, dict):
            raise RequestError(f"Invalid type for '{param}': expected an object.", param=param)
        role = message.get("role")
        if role not in ROLES:
            raise RequestError(
                f"Invalid value for '{param}.role': {role!r}. Supported values are: "
                + ", ".join(repr(r) for r in ROLES) + ".",
                param=f"{param}.role",
            )
        message_text(message.get("content"))
        if role == "tool":
            call_id = message.get("tool_call_id")
            if call_id not in pending:
                raise RequestError(
                    "Invalid parameter: messages with role 'tool' must be a response to a "
                    "preceding message with 'tool_calls'.",
                    param=f"{param}.role",
                )
            pending.discard(call_id)
            continue
        if pending:
            raise RequestError(
                "An assistant message with 'tool_calls' must be followed by tool messages "
                "responding to each 'tool_call_id'. The following tool_call_ids did not have "
                f"response messages: {', '.join(sorted(pending))}",
                param="messages",
            )
        if role == "assistant":
            for call in message.get("tool_calls") or []:
                if not isinstance(call, dict) or not isinstance(call.get("id"), str):
                    raise RequestError(f"Invalid '{param}.tool_calls': each needs an 'id'.", param=param)
                pending.add(call["id"])
    if pending:
        raise RequestError(
            "An assistant message with 'tool_calls' must be followed by tool messages responding "
            f"to each 'tool_call_id'. The following tool_call_ids did not have response messages: "
            f"{', '.join(sorted(pending))}",
            param="messages",
        )
    return messages


def _offered_tools(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The function tools in the request, by name (none if `tool_choice` is "none")."""
    tools = body.get("tools") or []
    if not isinstance(tools, list):
        raise RequestError("Invalid type for 'tools': expected an array.", param="tools")
    offered: dict[str, dict[str, Any]] = {}
    for index, tool in enumerate(tools):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            raise RequestError(
                f"Missing required parameter: 'tools[{index}].function.name'.", param=f"tools[{index}]"
            )
        offered[function["name"]] = function
    if body.get("tool_choice") == "none":
        return {}
    return offered


# ---------------------------------------------------------------------------------------------
# What the tutor knows: facts about the human, read from text.
# ---------------------------------------------------------------------------------------------

NAME = r"[A-Za-z][A-Za-z'\-]*"
# A short phrase: up to the next punctuation mark, or before "and"/"but" joining another clause.
VALUE = r"[^.,!?;\n\"}\]]+?(?=\s+(?:and|but)\s|[.,!?;\n\"}\]]|$)"
KINDS = ("name", "birthday", "home", "likes", "job")

# Words that follow "I'm" or "this is" but are not names.
NOT_NAMES = set(
    """a an the not so very really just here there back fine good ok okay great well sorry sure
    happy sad glad tired hungry busy new from in at on going doing looking trying working living
    interested curious wondering thinking asking feeling done ready excited afraid still also
    actually always never it that this what who your my me you sick bored late early home
    planning moving travelling traveling visiting learning studying reading writing cooking leaving
    staying getting having making taking coming starting hoping using waiting
    """.split()
)

# First person, as the human says it. `old` catches corrections ("..., not Sarah").
FIRST_PERSON: dict[str, list[str]] = {
    "name": [
        rf"\bmy name is (?:actually |really |now )?(?P<value>{NAME})(?:\s*,?\s*not (?P<old>{NAME}))?",
        rf"\bmy name'?s (?:actually )?(?P<value>{NAME})(?:\s*,?\s*not (?P<old>{NAME}))?",
        rf"\bcall me (?P<value>{NAME})",
        rf"\b(?:i'm|i am|im) (?:actually )?(?P<value>{NAME})(?:\s*,?\s*not (?P<old>{NAME}))?",
        rf"\bthis is (?P<value>{NAME})",
        rf"\bit'?s (?:actually )?(?P<value>{NAME}),? not (?P<old>{NAME})",
    ],
    "birthday": [rf"\bmy birthday is (?:on )?(?P<value>{VALUE})", rf"\bi was born on (?P<value>{VALUE})"],
    "home": [rf"\bi live in (?P<value>{VALUE})", rf"\b(?:i'm|i am) from (?P<value>{VALUE})"],
    "likes": [rf"\bi (?:really )?(?:like|love|enjoy) (?P<value>{VALUE})"],
    "job": [
        rf"\bi work as (?P<value>{VALUE})",
        rf"\bmy job is (?P<value>{VALUE})",
        rf"\b(?:i'm|i am) (?P<value>an? (?:{NAME}\s)?(?:teacher|student|engineer|developer|doctor|nurse|designer|writer|scientist|researcher|programmer|lawyer|chef|artist|manager|{NAME}er|{NAME}ist))\b",
    ],
}

# Third person, as memory, tool arguments and tool results put it.
THIRD_PERSON: dict[str, list[str]] = {
    "name": [
        rf"\b(?:human|user|person)'?s name is (?:actually |now )?(?P<value>{NAME})",
        rf"\b(?:their|his|her) name is (?:actually |now )?(?P<value>{NAME})",
        rf"\bname\"?\s*[:=]\s*\"?(?P<value>{NAME})",
        rf"\b(?:human|user) is called (?P<value>{NAME})",
    ],
    "birthday": [
        rf"\b(?:human|user|person)'?s birthday is (?:on )?(?P<value>{VALUE})",
        rf"\bbirthday\"?\s*[:=]\s*\"?(?P<value>{VALUE})",
        rf"\b(?:human|user) was born on (?P<value>{VALUE})",
    ],
    "home": [
        rf"\b(?:human|user|they) lives? in (?P<value>{VALUE})",
        rf"\b(?:lives in|location|home)\"?\s*[:=]\s*\"?(?P<value>{VALUE})",
    ],
    "likes": [
        rf"\b(?:human|user|they) (?:likes?|loves?|enjoys?) (?P<value>{VALUE})",
        rf"\blikes\"?\s*[:=]\s*\"?(?P<value>{VALUE})",
    ],
    "job": [
        rf"\b(?:human|user|they) works? as (?P<value>{VALUE})",
        rf"\b(?:human|user)'?s job is (?P<value>{VALUE})",
        rf"\bjob\"?\s*[:=]\s*\"?(?P<value>{VALUE})",
    ],
}

QUESTIONS: dict[str, list[str]] = {
    "name": [
        r"\bwhat(?:'s| is|s) my name\b",
        r"\b(?:do|did) you (?:know|remember) (?:what )?my name\b",
        r"\bwho am i\b",
        r"\bwhat am i called\b",
    ],
    "birthday": [r"\bwhen(?:'s| is|s) my birthday\b", r"\bwhen was i born\b", r"\b(?:know|remember) my birthday\b"],
    "home": [r"\bwhere do i live\b", r"\bwhere am i from\b", r"\bwhere(?:'s| is) my home\b"],
    "likes": [r"\bwhat do i (?:like|love|enjoy)\b"],
    "job": [r"\bwhat(?:'s| is) my job\b", r"\bwhat do i do for (?:a )?(?:living|work)\b", r"\bwhat do i work as\b"],
}

GREETING = re.compile(r"^\W*(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening))\b", re.I)


@dataclass(frozen=True)
class Fact:
    """One thing known about the human, e.g. Fact("name", "Bob", old="Sarah")."""

    kind: str
    value: str
    old: str | None = None

    def sentence(self) -> str:
        """The fact as a memory would store it, in the third person."""
        if self.kind == "name":
            return f"The human's name is {self.value}" + (f", not {self.old}" if self.old else "")
        return {
            "birthday": f"The human's birthday is {self.value}",
            "home": f"The human lives in {self.value}",
            "likes": f"The human likes {self.value}",
            "job": f"The human works as {self.value}",
        }[self.kind]

    def to_you(self) -> str:
        """The fact said back to the human, in the second person."""
        return {
            "name": f"your name is {self.value}",
            "birthday": f"your birthday is {self.value}",
            "home": f"you live in {self.value}",
            "likes": f"you like {self.value}",
            "job": f"you work as {self.value}",
        }[self.kind]


def _clean(kind: str, value: str) -> str:
    """Tidy a captured value: names capitalised, phrases trimmed."""
    value = value.strip().strip("'\"")
    if kind == "name":
        # "BOB" and "bob" become "Bob"; a mixed-case name such as "McKay" is kept as written.
        return value.capitalize() if value.isupper() or value.islower() else value
    return re.sub(r"\s+(?:and|but)\s*$", "", value).strip()


def _is_name(word: str) -> bool:
    """Whether a word after "I'm"/"this is" reads as a name rather than an adjective."""
    return word.lower() not in NOT_NAMES


def facts_stated(text: str) -> list[Fact]:
    """Facts the human states about themselves in one message, in the order they appear."""
    found: list[tuple[int, Fact]] = []
    taken: list[tuple[int, int]] = []
    for kind in KINDS:
        for pattern in FIRST_PERSON[kind]:
            for match in re.finditer(pattern, text, re.I):
                span = match.span()
                if any(a < span[1] and span[0] < b for a, b in taken):
                    continue
                value = match.group("value")
                if kind == "name" and not _is_name(value):
                    continue
                old = match.groupdict().get("old")
                if old and not _is_name(old):
                    old = None
                fact = Fact(kind, _clean(kind, value), _clean(kind, old) if old else None)
                found.append((span[0], fact))
                taken.append(span)
    return [fact for _, fact in sorted(found, key=lambda item: item[0])]


def facts_recorded(text: str) -> list[Fact]:
    """Facts written about the human in the third person (memory, tool calls, results)."""
    found: list[tuple[int, Fact]] = []
    for kind in KINDS:
        for pattern in THIRD_PERSON[kind]:
            for match in re.finditer(pattern, text, re.I):
                found.append((match.start(), Fact(kind, _clean(kind, match.group("value")))))
    return [fact for _, fact in sorted(found, key=lambda item: item[0])]


def questions_asked(text: str) -> list[str]:
    """Which kinds of fact the human asks about, e.g. ["name"] for "What is my name?"."""
    return [kind for kind in KINDS if any(re.search(p, text, re.I) for p in QUESTIONS[kind])]


# ---------------------------------------------------------------------------------------------
# The conversation as the tutor sees it.
# ---------------------------------------------------------------------------------------------


@dataclass
class Conversation:
    """What one request holds, sorted the way the tutor reasons about it."""

    messages: list[dict[str, Any]]
    tools: dict[str, dict[str, Any]]
    last_user: int = -1  # index of the latest user message, -1 if none
    known: dict[str, Fact] = field(default_factory=dict)  # what the context says, latest wins

    @property
    def user_text(self) -> str:
        """The latest user message's text."""
        return message_text(self.messages[self.last_user].get("content")) if self.last_user >= 0 else ""

    @property
    def this_turn(self) -> list[dict[str, Any]]:
        """The messages after the latest user message: tool calls and their results."""
        return self.messages[self.last_user + 1 :] if self.last_user >= 0 else []


def _texts_with_facts(message: dict[str, Any]) -> list[tuple[str, bool]]:
    """The texts in a message that may hold facts, each flagged True if first person."""
    role = message.get("role")
    text = message_text(message.get("content"))
    if role == "user":
        return [(text, True)]
    texts = [(text, False)] if role in ("system", "developer", "tool", "function") else []
    for call in message.get("tool_calls") or []:
        arguments = (call.get("function") or {}).get("arguments")
        if isinstance(arguments, str):
            texts.append((arguments, False))
    return texts


def read_conversation(messages: list[dict[str, Any]], tools: dict[str, dict[str, Any]]) -> Conversation:
    """Build the tutor's view of a request: the latest user message and every fact in context."""
    conversation = Conversation(messages=messages, tools=tools)
    for index, message in enumerate(messages):
        if message.get("role") == "user":
            conversation.last_user = index
    for index, message in enumerate(messages):
        if index == conversation.last_user:
            continue  # the newest message is judged separately: is it new information?
        for text, first_person in _texts_with_facts(message):
            for fact in facts_stated(text) if first_person else facts_recorded(text):
                conversation.known[fact.kind] = fact
    return conversation


# ---------------------------------------------------------------------------------------------
# Deciding what to say: a reply, or tool calls.
# ---------------------------------------------------------------------------------------------

SAVE_WORDS = ("save", "append", "add", "write", "remember", "store", "update", "edit", "insert")


def memory_tool(tools: dict[str, dict[str, Any]], correction: bool = False) -> dict[str, Any] | None:
    """The offered tool to save a fact about the human with, if any (a replace tool for corrections)."""
    core = {name: tool for name, tool in tools.items() if "memory" in name and "archival" not in name}
    if correction:
        for name, tool in core.items():
            if "replace" in name:
                return tool
    for preferred in ("core_memory_save", "core_memory_append"):
        if preferred in core:
            return core[preferred]
    for name, tool in core.items():
        if any(word in name for word in SAVE_WORDS) and "replace" not in name:
            return tool
    return None


def _section_value(spec: dict[str, Any]) -> str:
    """Which memory section to write to: the one about the human if the schema lists it."""
    options = [option for option in spec.get("enum") or [] if isinstance(option, str)]
    for option in options:
        if "human" in option.lower() or "user" in option.lower():
            return option
    return options[0] if options else "human"


def _old_text(conversation: Conversation, fact: Fact) -> str:
    """The exact line of memory that holds the old value (for a replace tool)."""
    for message in conversation.messages:
        if message.get("role") in ("system", "developer"):
            for line in message_text(message.get("content")).splitlines():
                if fact.old and fact.old in line and facts_recorded(line):
                    return line.strip()
    return fact.old or ""


def tool_arguments(tool: dict[str, Any], fact: Fact, conversation: Conversation) -> dict[str, Any]:
    """Fill the tool's arguments from its JSON schema: property names decide what goes where."""
    schema = tool.get("parameters") or {}
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    replacing = "replace" in tool["name"]
    arguments: dict[str, Any] = {}
    for name, spec in properties.items():
        spec = spec if isinstance(spec, dict) else {}
        key = name.lower()
        if key in ("section", "label", "block", "block_label", "key") or spec.get("enum"):
            arguments[name] = _section_value(spec)
        elif key in ("old_content", "old", "old_text", "old_memory") and replacing:
            arguments[name] = _old_text(conversation, fact)
        elif key == "request_heartbeat" or spec.get("type") == "boolean":
            arguments[name] = True
        elif replacing:
            arguments[name] = Fact(fact.kind, fact.value).sentence()
        elif key in ("memory", "content", "text", "new_content", "value", "fact", "information") or name in required:
            arguments[name] = fact.sentence()
    return arguments


@dataclass
class Decision:
    """What the tutor answers: text content and/or tool calls (name, arguments)."""

    content: str | None = None
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _join(parts: list[str]) -> str:
    """Join reply sentences with single spaces."""
    return " ".join(part for part in parts if part)


def reply_after_tools(conversation: Conversation) -> Decision:
    """Reply once the tools called this turn have answered: use what was saved."""
    results = [message_text(m.get("content")) for m in conversation.this_turn if m.get("role") == "tool"]
    failed = [text for text in results if text.lower().startswith("error")]
    if failed:
        return Decision(content=f"I tried to update my memory, but the tool said: {failed[-1]}")
    facts = facts_stated(conversation.user_text)
    sentences = []
    for fact in facts:
        if fact.kind == "name" and fact.old:
            sentences.append(f"Sorry, {fact.value}, I've updated my memory.")
        elif fact.kind == "name":
            sentences.append(f"Nice to meet you, {fact.value}!")
    others = [fact.to_you() for fact in facts if fact.kind != "name"]
    if others:
        sentences.append(f"Thanks, I'll remember that {' and '.join(others)}.")
    return Decision(content=_join(sentences) or "Done, my memory is updated.")


def answer(conversation: Conversation, kinds: list[str]) -> str:
    """Answer questions about the human from what the context says, or admit not knowing."""
    sentences = []
    for kind in kinds:
        fact = conversation.known.get(kind)
        if fact:
            sentences.append(fact.to_you()[0].upper() + fact.to_you()[1:] + ".")
        elif kind == "name":
            sentences.append("I'm sorry, I don't know your name.")
        else:
            label = {"birthday": "your birthday", "home": "where you live", "likes": "what you like", "job": "your job"}[kind]
            sentences.append(f"I'm sorry, I don't know {label}.")
    if not all(kind in conversation.known for kind in kinds):
        sentences.append("How can I assist you today?")
    return _join(sentences)


FALLBACK = (
    "I'm the offline tutor model of memory-lab: a small rule-based stand-in, not a real LLM. "
    "I notice facts you tell me about yourself (your name, birthday, where you live, what you like, "
    "your job), save them with a memory tool when one is offered, and answer questions about them. "
    "For real conversations, set OPENAI_API_KEY (or OPENAI_BASE_URL) in .env and restart the kernel."
)


def decide(conversation: Conversation) -> Decision:
    """The tutor's whole policy for one request."""
    if "send_message" in conversation.tools:
        return decide_memgpt(conversation)
    if any(m.get("role") == "tool" for m in conversation.this_turn):
        return reply_after_tools(conversation)
    text = conversation.user_text
    stated = facts_stated(text)
    new = [fact for fact in stated if conversation.known.get(fact.kind, Fact("", "")).value != fact.value]
    calls = []
    for fact in new:
        tool = memory_tool(conversation.tools, correction=fact.old is not None)
        if tool is not None:
            calls.append((tool["name"], tool_arguments(tool, fact, conversation)))
    if calls:
        return Decision(tool_calls=calls)
    if stated:
        sentences = []
        for fact in stated:
            if fact not in new:
                sentences.append(f"Yes, I remember: {fact.to_you()}.")
            elif fact.kind == "name":
                sentences.append(f"Nice to meet you, {fact.value}!")
            else:
                sentences.append(f"Good to know that {fact.to_you()}.")
        return Decision(content=_join(sentences))
    kinds = questions_asked(text)
    if kinds:
        return Decision(content=answer(conversation, kinds))
    if GREETING.search(text):
        name = conversation.known.get("name")
        return Decision(content=f"Hello{', ' + name.value if name else ''}! How can I help you today?")
    return Decision(content=FALLBACK)


# ---------------------------------------------------------------------------------------------
# Acting as a MemGPT agent: when `send_message` is offered (notebooks 05-07).
# ---------------------------------------------------------------------------------------------

SEARCH_TOOLS = ("archival_memory_search", "conversation_search")
# Questions about the conversation itself are for recall memory; anything else, archival first.
ABOUT_THE_PAST = re.compile(
    r"\b(?:did i (?:tell|say|mention)|have i (?:told|said|mentioned)|i (?:told|said|mentioned)|"
    r"earlier|ago|last time|we (?:talked|spoke|discussed|chatted))\b",
    re.I,
)
REMEMBER_REQUEST = re.compile(
    r"^\W*(?:please\s+)?(?:remember|note|keep in mind|save|store)(?:\s+that)?[:,]?\s+(?P<content>.+?)\W*$",
    re.I | re.S,
)
QUESTION = re.compile(r"\?\s*$|^\W*(?:what|when|where|who|which|how|why)\b", re.I)
QUESTION_WORDS = EMBEDDING_STOPWORDS | set(
    """what's whats who's where's when's why how tell told say said mention mentioned remember know
    knew recall again ever do did does can could would should about name names called""".split()
)
# The search words for a kind of fact.
KIND_QUERY = {"name": "name", "birthday": "birthday", "home": "live", "likes": "like", "job": "work"}
RESULT_LINE = re.compile(
    r"^(?:\d+\.\s*)?(?:\(similarity [^)]*\)\s*)?(?:\[(?P<time>[^\]]*)\]\s*)?"
    r"(?:(?P<role>user|assistant):\s*)?(?P<text>.*\S)\s*$"
)


def keywords(text: str) -> list[str]:
    """The words of a question that say what it is about ("dog", "name" in "What is my dog's name?")."""
    words = [word.removesuffix("'s") for word in re.findall(r"[a-z0-9']+", text.lower())]
    return list(dict.fromkeys(word for word in words if word and word not in QUESTION_WORDS))


def _mentions(text: str, words: list[str]) -> int:
    """How many of `words` occur in `text` (a word also matches its longer forms: trip, trips)."""
    tokens = re.findall(r"[a-z0-9]+", text.lower())
    return sum(1 for word in words if any(token.startswith(word) for token in tokens))


def _turn_calls(conversation: Conversation) -> list[tuple[str, dict[str, Any], str]]:
    """The tool calls made since the latest user message: (name, arguments, result)."""
    results = {
        m.get("tool_call_id"): message_text(m.get("content")) for m in conversation.this_turn if m.get("role") == "tool"
    }
    calls = []
    for message in conversation.this_turn:
        for call in message.get("tool_calls") or [] if message.get("role") == "assistant" else []:
            function = call.get("function") or {}
            try:
                arguments = json.loads(function.get("arguments") or "{}")
            except (TypeError, ValueError):
                arguments = {}
            calls.append((str(function.get("name")), arguments if isinstance(arguments, dict) else {},
                          results.get(call.get("id"), "")))
    return calls


def _call(tool: dict[str, Any], heartbeat: bool, **values: Any) -> tuple[str, dict[str, Any]]:
    """A call of `tool` with the given argument values, and `request_heartbeat` if its schema has one."""
    properties = (tool.get("parameters") or {}).get("properties") or {}
    arguments = {name: value for name, value in values.items() if name in properties}
    for name, spec in properties.items():
        if name == "request_heartbeat" or (isinstance(spec, dict) and spec.get("type") == "boolean"):
            arguments[name] = heartbeat
    return tool["name"], arguments


def _send(conversation: Conversation, text: str, thought: str) -> Decision:
    """Reply to the user through send_message; no heartbeat, so the step ends."""
    return Decision(content=thought, tool_calls=[_call(conversation.tools["send_message"], False, message=text)])


def _core_memory_line(conversation: Conversation, value: str) -> str | None:
    """The line of core memory (in the system prompt) that records `value`, if there is one."""
    for message in conversation.messages:
        if message.get("role") in ("system", "developer"):
            for line in message_text(message.get("content")).splitlines():
                if value in line and facts_recorded(line):
                    return line.strip()
    return None


def _as_correction(conversation: Conversation, fact: Fact) -> Fact:
    """The fact marked as a correction (with the old value) if core memory holds an old value to replace."""
    if not any("replace" in name for name in conversation.tools):
        return fact
    known = conversation.known.get(fact.kind)
    old = fact.old or (known.value if known and known.value != fact.value else None)
    if old and _core_memory_line(conversation, old):
        return Fact(fact.kind, fact.value, old)
    return Fact(fact.kind, fact.value)


def _search(conversation: Conversation, name: str, query: str) -> Decision:
    """Search archival or recall memory, asking for a heartbeat to answer with what is found."""
    where = "archival memory" if name == "archival_memory_search" else "my conversation history (recall memory)"
    thought = f"That is not in my context. I'll search {where} for '{query}', then answer."
    return Decision(content=thought, tool_calls=[_call(conversation.tools[name], True, query=query, page=0)])


def _search_tool(conversation: Conversation, used: set[str]) -> str | None:
    """Which search tool fits the question (recall for "did I tell you...", else archival first)."""
    order = SEARCH_TOOLS[::-1] if ABOUT_THE_PAST.search(conversation.user_text) else SEARCH_TOOLS
    for name in order:
        if name in conversation.tools and name not in used:
            return name
    return None


def _in_context(conversation: Conversation, words: list[str]) -> str | None:
    """An answer from what is already in context: a core memory line or an earlier user message."""
    for message in conversation.messages[: max(conversation.last_user, 0)]:
        role, text = message.get("role"), message_text(message.get("content"))
        if role in ("system", "developer"):
            memory = re.split(r"<core_memory>|<memory>", text, maxsplit=1)
            for line in memory[1].splitlines() if len(memory) > 1 else []:
                if line.strip() and not line.startswith("<") and _mentions(line, words) == len(words):
                    return f"My core memory says: {line.strip()}"
        elif role == "user" and _mentions(text, words) == len(words):
            return f'You told me: "{text.strip()}"'
    return None


def _answer_from_results(conversation: Conversation, name: str, result: str) -> str | None:
    """An answer to the user's question from a search result, or None if the result does not hold one."""
    hits = [m.groupdict() for m in map(RESULT_LINE.match, result.splitlines()[1:]) if m]
    hits = [hit for hit in hits if hit["text"].strip() != conversation.user_text.strip()]
    hits.sort(key=lambda hit: hit["role"] == "assistant")  # what the user said first
    source = "archival memory" if name == "archival_memory_search" else "our conversation"
    kinds = questions_asked(conversation.user_text)
    if kinds:
        sentences = []
        for kind in kinds:
            for hit in hits:
                facts = facts_stated(hit["text"]) if hit["role"] == "user" else facts_recorded(hit["text"])
                fact = next((f for f in facts if f.kind == kind), None)
                if fact:
                    when = f" on {hit['time']}" if hit["time"] else ""
                    said = fact.to_you()
                    sentences.append(f"{said[0].upper()}{said[1:]} (I found it in {source}{when}).")
                    break
        return _join(sentences) or None
    words = keywords(conversation.user_text)
    for hit in hits:
        if words and _mentions(hit["text"], words) == len(words):
            if hit["time"] and hit["role"] == "user":
                return f'On {hit["time"]} you told me: "{hit["text"]}"'
            if hit["time"]:
                return f'On {hit["time"]} I said: "{hit["text"]}"'
            return f"Here is what I found in archival memory: {hit['text']}"
    return None


def _after_tools(conversation: Conversation, calls: list[tuple[str, dict[str, Any], str]]) -> Decision:
    """The next move once this turn's tools have answered: reply, or search elsewhere."""
    name, arguments, result = calls[-1]
    if result.lower().startswith("error"):
        return _send(conversation, f"I tried to use {name}, but it said: {result}",
                     "The tool failed; I'll tell the user what it said.")
    if name in SEARCH_TOOLS:
        found = _answer_from_results(conversation, name, result)
        if found:
            return _send(conversation, found, "Found it in the search results; answering.")
        other = _search_tool(conversation, {call[0] for call in calls})
        if other:
            return _search(conversation, other, str(arguments.get("query") or ""))
        return _send(conversation, "I searched my memory but found nothing about that. Could you tell me?",
                     "Nothing relevant in memory; I'll say so.")
    if name == "archival_memory_insert":
        return _send(conversation, "Done: I saved that in my archival memory.", "Saved; confirming to the user.")
    return _send(conversation, reply_after_tools(conversation).content or "Done.", "Memory updated; now I reply.")


def decide_memgpt(conversation: Conversation) -> Decision:
    """The policy of a MemGPT agent: think in `content`, act with tools, talk through send_message."""
    calls = _turn_calls(conversation)
    if any(name == "send_message" and not result.lower().startswith("error") for name, _, result in calls):
        return Decision(content="I have answered the user; now I wait for their next message.")
    if calls:
        return _after_tools(conversation, calls)
    text = conversation.user_text
    stated = facts_stated(text)
    new = [fact for fact in stated if conversation.known.get(fact.kind, Fact("", "")).value != fact.value]
    edits = []
    for fact in map(lambda fact: _as_correction(conversation, fact), new):
        tool = memory_tool(conversation.tools, correction=fact.old is not None)
        if tool is not None:
            edits.append((tool["name"], tool_arguments(tool, fact, conversation)))
    if edits:
        if any("replace" in name for name, _ in edits):
            thought = "The user corrected something in my core memory; replacing the old line, then I reply."
        elif any(fact.old for fact in new):
            thought = "The user corrected something, but I have no replace tool; appending the correction."
        else:
            thought = "The user told me something new about themselves; saving it to core memory first."
        return Decision(content=thought, tool_calls=edits)
    if stated:
        sentences = [f"Yes, I remember: {fact.to_you()}." if fact not in new else f"Good to know that {fact.to_you()}."
                     for fact in stated]
        return _send(conversation, _join(sentences), "Nothing new to save; replying.")
    request = REMEMBER_REQUEST.match(text)
    if request and "archival_memory_insert" in conversation.tools:
        content = f'The human asked me to remember: "{request.group("content")}"'
        thought = "The user wants this remembered; it belongs in archival memory, not in my small core memory."
        return Decision(content=thought, tool_calls=[_call(conversation.tools["archival_memory_insert"], True, content=content)])
    kinds = questions_asked(text)
    if kinds:
        missing = [kind for kind in kinds if kind not in conversation.known]
        search = _search_tool(conversation, set()) if missing else None
        if search:
            return _search(conversation, search, " ".join(KIND_QUERY[kind] for kind in missing))
        return _send(conversation, answer(conversation, kinds), "I can answer from my context.")
    words = keywords(text) if QUESTION.search(text) else []
    if words:
        found = _in_context(conversation, words)
        if found:
            return _send(conversation, found, "The answer is still in my context.")
        search = _search_tool(conversation, set())
        if search:
            return _search(conversation, search, " ".join(words))
    if GREETING.search(text):
        name = conversation.known.get("name")
        return _send(conversation, f"Hello{', ' + name.value if name else ''}! How can I help you today?", "A greeting.")
    if not QUESTION.search(text):
        return _send(conversation, "Noted.", "Nothing here for core memory; it stays in recall memory anyway.")
    return _send(conversation, FALLBACK, "A question I can't answer; I'll say what I am.")


# ---------------------------------------------------------------------------------------------
# The response body.
# ---------------------------------------------------------------------------------------------


def chat_completion(body: dict[str, Any]) -> dict[str, Any]:
    """Answer a `/v1/chat/completions` request body with a response body (both plain JSON)."""
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise RequestError("You must provide a model parameter.", param="model")
    messages = _validate_messages(body.get("messages"))
    tools = _offered_tools(body)
    decision = decide(read_conversation(messages, tools))
    if body.get("parallel_tool_calls") is False:
        decision.tool_calls = decision.tool_calls[:1]

    request_key = json.dumps(body, sort_keys=True, default=str)
    message: dict[str, Any] = {"role": "assistant", "content": decision.content, "refusal": None}
    if decision.tool_calls:
        message["tool_calls"] = [
            {
                "id": _stable_id("call_", request_key, str(index)),
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(arguments)},
            }
            for index, (name, arguments) in enumerate(decision.tool_calls)
        ]
    prompt_tokens = count_request(messages, body.get("tools"))  # the course's count, so the ratio is 1
    completion_tokens = count_completion(decision.content, message.get("tool_calls", []))
    return {
        "id": _stable_id("chatcmpl-offline-", request_key),
        "object": "chat.completion",
        "created": 0,
        "model": OFFLINE_MODEL,
        "system_fingerprint": "offline-tutor",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls" if decision.tool_calls else "stop",
                "logprobs": None,
                "message": message,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
