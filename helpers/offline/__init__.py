"""The offline tutor model: a small, rule-based stand-in for an LLM, so the course runs with no key.

It is NOT a language model. It is pattern matching that answers the OpenAI chat-completions API well
enough to show every step of the course, and it is honest about what it does not understand. Like a
real model it sees only the request (the messages and the tools), keeps no state between calls, and
does not follow the rules in a system prompt: it reads the prompt only for memory.

What it understands (see `statements`): facts the human states about themselves, saved in their own words
in the third person ("my dog is called Rex" -> "The human's dog is called Rex"): names (one to three
capitalised words in any cased script, after "my name is", "I'm", "call me", "I go by", ...), where they
live, what they like, have, are (vegan, Italian, a nurse, allergic to ...), "my <thing> is ...";
corrections ("No, it's Charles", "Actually my name is ...", "X, not Y"), the old value taken from
context; "remember that ..."; "what do you know about me?"; questions matched to memory and to search
results by the best word overlap. A clause it cannot read with certainty is not saved: the reply says
in one sentence what it understood, or that it only understands simple statements.

The formats it reads:
- memory in the system prompt: the course's `<memory>` and `<core_memory>` blocks
  (`<human characters="n/limit">...</human>`), Letta's `<memory_blocks>` with a `<value>` per block
  (line-numbered or not), Letta's classic "Core memory shown below ..." layout, `Key: value` lines and
  a JSON object of sections; persona/agent blocks are about the assistant and are not read as facts;
- user messages as text, as content parts, or as Letta's `{"type": "user_message", "message": ...}`;
- events that are not the user speaking, in any role: Letta's heartbeat (`{"type": "heartbeat", ...}`),
  `system_alert` and `login` JSON, "[This is an automated system message hidden from the user] ...",
  "Warning: the conversation history will soon reach ...", "Note: prior messages (...) have been hidden
  ...", and the agent loop's "(Note from the agent loop ...)". After one it carries on from the latest
  tool result;
- tool results as text ("Error: ..." is a failure) or as Letta's `{"status": "OK" | "Failed",
  "message": ...}` (a "Failed" status or an "Error..." message is a failure: it retries once where that
  can help, else says what failed; it never claims success);
- search results as this course prints them (`1. (similarity 0.53) ...`, `[2026-03-02 09:00] user: ...`),
  as Letta prints them (`Showing 1 of 1 results (page 0/0): ["timestamp: ..., memory: ..."]` and
  `"timestamp: ..., user - ..."`), or as JSON lists of dicts with `content` (or `{"results": [...]}`);
- tools by name, description and JSON schema (types, enums, allowed values quoted in a description);
  `tool_choice` ("none", "auto", "required", a named function) and `parallel_tool_calls`.

Offered MemGPT's tools (`send_message` and friends, notebooks 05-07), it acts like a MemGPT agent: its
plain content is a short inner monologue and it replies only through `send_message`. It also serves
`/v1/embeddings` with a hashed-features embedding, labelled `memory-lab-offline-embedding`.

It is served through the SDK's own HTTP layer (an `httpx2.MockTransport`), so the client, the request
and the response are the SDK's real objects. The same request always gets a byte-identical response:
ids are derived from the request, and `created` is 0. `usage` counts a chat request as the agent loop
does (`helpers.tokens.count_request`), so the loop's ratio to it is exactly 1; embeddings' counts are
estimates.

The rooms: `server` (HTTP and request checks); what a sentence states or asks: `statements` (the
message, clause by clause), `names` and `lexicon` (what is and is not a name), `questions`, `language`
(facts as memory holds them, and person: I -> the human -> you); `context` (the request as the tutor
reads it); `tools` (choosing tools, filling arguments); `reasoning` (shared by both policies);
`chat_policy` (lesson 1); `memgpt_policy` (notebooks 05-07); `policy` (which one, and the request's
controls); `embeddings`; for notebook 13's benchmark: `phrasings` (facts said in passing rewritten plainly,
people known by name, more question keys), `recollection` (answers about time and counts, and the rule
that an overlap answer names what is asked), `dates` (dates as people write them); for notebook 11:
`documents` (passages cited "[source, passage n, ...]" in search results or in the prompt: search, read
the next page, quote the sentence that answers with its citation, or say it doesn't know).
"""

from helpers.offline.embeddings import EMBEDDING_DIMENSIONS, OFFLINE_EMBEDDING_MODEL, offline_embedding
from helpers.offline.server import (
    OFFLINE_BASE_URL,
    OFFLINE_MODEL,
    RequestError,
    chat_completion,
    embeddings_response,
    estimate_tokens,
    handle_request,
    offline_client,
    offline_transport,
)

__all__ = [
    "EMBEDDING_DIMENSIONS",
    "OFFLINE_BASE_URL",
    "OFFLINE_EMBEDDING_MODEL",
    "OFFLINE_MODEL",
    "RequestError",
    "chat_completion",
    "embeddings_response",
    "estimate_tokens",
    "handle_request",
    "offline_client",
    "offline_embedding",
    "offline_transport",
]
