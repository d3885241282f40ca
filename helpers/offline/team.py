"""The tutor in a team of agents (notebook 12): messaging another agent, a worker's job, shared blocks.

Offered a tool that sends a message to another agent (the course's `send_message_to_agent`, Letta's
`send_message_to_agent_and_wait_for_reply`, or any tool named for an agent with a target and a message
argument), the tutor reads the agents it may message from the target's enum (or the names quoted in
its description) and what each does from the tool's description. Then:
- it delegates only when the message asks for something another agent does: the agent named with a
  request ("ask the writer to ...", "have the evaluator check it"), or a request whose verb and words
  match one agent's role ("Draft a tagline ..." with "'writer' drafts short texts (taglines, ...)"). A
  message that asks for nothing, or matches two agents equally, is not delegated. Two requests joined
  by "and" go to two agents in turn, the second getting the first one's reply;
- when its persona says it passes every message on to an agent, it does (two such agents loop until
  the hop limit stops them);
- when the other agent's reply comes back (the tool result), it passes it on with send_message, and
  after a failed call it says what failed.
A message from another agent ("[Message from agent 'x' (hop n of at most m); ...] ..." or Letta's
"[Incoming message from agent with ID 'x' - ...] ...") is never read as facts about the human. If the
persona names a job, the tutor does it: a writer drafts a short text from the request's words and what
its blocks say about the organization (its name, what it is, its rules); an evaluator checks a draft
against the rules its blocks state (a word limit, no exclamation marks, what to mention, words to
avoid) and says which rules it cannot check. A block other than persona and human (e.g. one the team
shares) is core memory like any other: a question about it is answered from it.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from typing import Any

from helpers.offline.context import PERSONA_LABELS, Call, Conversation, memory_blocks, message_text, spoken_text
from helpers.offline.lexicon import FUNCTION_WORDS
from helpers.offline.questions import enough_overlap, keywords, stem
from helpers.offline.statements import QUESTION_START
from helpers.offline.tools import Decision, call, fill_arguments, reply_tool

TARGETS = ("agent_name", "other_agent_id", "agent_id", "agent", "recipient", "to", "target", "target_agent",
           "receiver", "other_agent", "worker", "name")
TEXTS = ("message", "text", "content", "request", "task", "prompt", "instruction", "instructions", "query")
INCOMING = re.compile(
    r"^\s*\[(?:incoming )?message from (?:another )?agent(?: with id)? ['\"]?(?P<sender>[^'\"\]()]+?)['\"]?"
    r"(?:\s*\(hop (?P<hop>\d+)(?: of (?:at most )?(?P<max>\d+))?\))?[^\]]*\]\s*(?P<text>.*)$",
    re.I | re.S,
)
# Requests: what opens one ("please", "could you", "I need ..."); verbs of the same job, one word for each.
OPENER = re.compile(
    r"^(?:(?:ok(?:ay)?|so|now|right|hey|hi)[,!]?\s+)?(?:(?:please|kindly|pls)\s+|(?:can|could|would|will) you\s+"
    r"(?:please\s+)?|i(?:'d| would) like you to\s+|i (?:need|want) you to\s+|go ahead and\s+)*",
    re.I,
)
WANT = re.compile(r"^(?:i|we)(?: really)? (?:need|want|would like|'d like|'re after|are after)\s+(?P<what>(?:an?|some|the)\s+.+)$", re.I)
SAME_JOB = {
    "write": "write draft compose pen author",
    "check": "check evaluate review assess judge rate score critique vet proofread approve grade",
    "find": "find search look research",
    "summarize": "summarize summarise sum condense",
    "translate": "translate",
    "plan": "plan schedule organize organise book",
}
JOB_OF = {stem(word): job for job, words in SAME_JOB.items() for word in words.split()}
ASK = r"(?:ask|tell|have|get|let|make|request|instruct|message|ping|contact)"
NEGATED = re.compile(r"\b(?:don't|do not|never|no need to|not)\s+(?:\w+\s+){0,2}$", re.I)
KINDS = ("tagline", "slogan", "headline", "title", "email", "e-mail", "post", "tweet", "announcement", "blurb",
         "caption", "invitation", "poem", "description", "advert", "ad", "flyer", "newsletter", "note", "message")
TEXT_KINDS = {stem(kind) for kind in (*KINDS, "text", "copy", "blurb", "wording")} - {stem("message"), stem("note")}
QUOTED = re.compile(r"[\"“][^\"”]{2,}[\"”]|(?:^|\s)'[^']{2,}'(?=\s|$|[.,;:!?])")
OPINION = re.compile(r"\b(?:ok|okay|good|fine|think|work|works|right|acceptable|on brand|follows?|alright|any good)\b", re.I)
STATEMENT = re.compile(r"^(?:i|i'm|im|i've|i'd|my|we|we're|we've|our|you|you're|your|it|it's|he|she|they|the)\b", re.I)
NOT_A_TASK = re.compile(r"^(?:write|jot|note|put|take)\s+(?:\w+\s+){0,2}?down\b|^(?:and|or)\b", re.I)
GENERIC = {"make", "create", "produce", "prepare", "craft", "give", "get", "come", "do"}
COME_UP_WITH = re.compile(r"(?i)^(?:come up with|think (?:of|up)|brainstorm|suggest|propose)\b")  # ... a slogan
ABOUT = re.compile(r"\b(?:for|about|announcing|on|promoting|advertising|celebrating|inviting people to)\s+"
                   r"(?P<topic>[^.!?\"“”:;]+)", re.I)


# ---------------------------------------------------------------------------------------------
# The messaging tool, as offered
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Messenger:
    """A tool that messages another agent: its schema, which arguments hold the agent and the message, the agents."""

    tool: dict[str, Any]
    target: str
    text: str
    agents: dict[str, str]  # name -> what it does (from the description; "" if it does not say)


def _names_in(text: str) -> list[str]:
    """Names quoted in a text: 'writer', "evaluator"."""
    return list(dict.fromkeys(re.findall(r"['\"`]([\w\-. ]{1,40}?)['\"`]", text)))


def _roles(description: str, names: list[str]) -> dict[str, str]:
    """What each agent does, from a description that names them: "'writer' drafts ...; 'evaluator' checks ..."."""
    found = []
    for name in names:
        match = re.search(rf"(?:['\"`]{re.escape(name)}['\"`]|(?<![\w'\"`]){re.escape(name)}(?=\s*[:(\-–—]))\s*[:(\-–—]?\s*",
                          description)
        if match:
            found.append((match.start(), match.end(), name))
    found.sort()
    roles = {name: "" for name in names}
    for index, (_, end, name) in enumerate(found):
        stop = found[index + 1][0] if index + 1 < len(found) else len(description)
        roles[name] = description[end:stop].strip(" ;,.)").removeprefix("who ").removeprefix("is ").strip()
    return roles


def messenger(tools: dict[str, dict[str, Any]]) -> Messenger | None:
    """The offered tool that sends a message to another agent, if any, read from its schema."""
    for tool in tools.values():
        name = str(tool.get("name", "")).lower()
        if not re.search(r"agent(?!s)", name) or not re.search(r"send|message|ask|delegate|forward|contact|talk", name):
            continue
        properties: dict[str, Any] = (tool.get("parameters") or {}).get("properties") or {}
        target = next((p for p in properties if p.lower() in TARGETS), None) or next(
            (p for p in properties if "agent" in p.lower()), None)
        text = next((p for p in properties if p.lower() in TEXTS and p != target), None)
        if target is None or text is None:
            continue
        spec = properties[target] if isinstance(properties[target], dict) else {}
        names = [o for o in spec.get("enum") or [] if isinstance(o, str)] or _names_in(str(spec.get("description") or ""))
        description = str(tool.get("description") or "")
        names = names or _names_in(description)
        return Messenger(tool, target, text, _roles(description, names))
    return None


# ---------------------------------------------------------------------------------------------
# Reading a message: from whom, a request for whom
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """A message from another agent: who sent it, its hop, and what it says."""

    sender: str
    hop: int | None
    text: str


def incoming(text: str) -> Incoming | None:
    """The message from another agent a user-role text carries, if it is one."""
    match = INCOMING.match(text)
    if not match:
        return None
    return Incoming(match.group("sender").strip(), int(match.group("hop")) if match.group("hop") else None,
                    match.group("text").strip())


def _words(text: str) -> list[str]:
    """The lowercase words of a text."""
    return re.findall(r"[a-z][a-z'\-]*", text.lower())


def _job(word: str) -> str:
    """The job a verb names ("draft" -> "write"), or the word's stem."""
    return JOB_OF.get(stem(word), stem(word))


def _nouns(words: list[str]) -> set[str]:
    """Words as stems, every kind of text as "text" (a slogan and a tagline are both texts to write)."""
    return {"text" if stem(w) in TEXT_KINDS else stem(w) for w in words}


def _agent_words(name: str, role: str) -> tuple[set[str], set[str]]:
    """What an agent does, as words: its verbs (the role's first word, its name as a doer) and its other words."""
    words = [w for w in _words(role) if w not in FUNCTION_WORDS and len(w) > 2]
    verbs = {_job(words[0])} if words else set()
    for word in _words(name):
        for suffix in ("er", "or", "ist"):
            if word.endswith(suffix) and len(word) > len(suffix) + 3:
                verbs.add(_job(word[: -len(suffix)]))
    return verbs, {_job(w) for w in words[1:]} | _nouns(words[1:])


def request_of(text: str) -> tuple[str, str | None] | None:
    """A request's words after its opener, and the job its verb names ("draft" -> "write"; None for "I need a ...").

    None when it asks for nothing: a statement ("I wrote ...", "My name is ..."), a question about something.
    """
    clean = text.strip()
    statement = STATEMENT.match(clean)
    if not statement and QUOTED.search(clean) and OPINION.search(QUOTED.sub(" ", clean)) and (
            "?" in clean or QUESTION_START.match(clean) or re.match(r"^(?:thoughts|feedback|opinion)\b", clean, re.I)):
        return clean, "check"  # "Is this tagline ok? 'Read more'": a verdict on a draft
    if QUESTION_START.match(clean) and not re.match(r"^(?:can|could|would|will) you\b", clean, re.I):
        return None
    body = OPENER.sub("", clean, count=1).strip()
    want = WANT.match(body)
    if want:
        return want.group("what"), None
    words = _words(body)
    if len(words) < 2 or words[0] in FUNCTION_WORDS or STATEMENT.match(body) or NOT_A_TASK.match(body):
        return None
    if (words[0] in GENERIC or COME_UP_WITH.match(body)) and "text" in _nouns(words[1:5]):
        return body, "write"  # "make a tagline", "create an email", "come up with a slogan"
    return body, _job(words[0])


def _clauses(text: str) -> list[str]:
    """A request split where a second one starts: "Draft X and have the evaluator check it" -> two."""
    verbs = "|".join(sorted({ASK[3:-1], *(w for words in SAME_JOB.values() for w in words.split()), "send", "forward", "pass"}))
    parts = re.split(rf"\s*(?:,\s*)?\b(?:and then|and|then|after that)\s+(?=(?:please\s+)?(?:{verbs})\b)", text, flags=re.I)
    return [part.strip(" ,.") for part in parts if part.strip(" ,.")]


def _named(clause: str, agents: dict[str, str]) -> tuple[str, str] | None:
    """(agent, task) when a clause asks a named agent: "ask the writer to draft X", "writer: draft X"."""
    for name in agents:
        who = rf"(?:the\s+)?(?:agent\s+)?['\"]?{re.escape(name)}['\"]?(?!\w)"
        patterns = (
            rf"\blet\s+{who}\s+know\s*(?:that\s+|about\s+)?(?P<task>.+)",
            rf"\b{ASK}\s+{who}\s*[,:]?\s*(?:to\s+|for\s+|whether\s+|if\s+|that\s+)?(?P<task>.*)",
            rf"\b(?:send|forward|pass|give|hand|show)\s+(?P<task>.+?)\s+(?:on\s+|over\s+)?to\s+{who}(?P<rest>.*)",
            rf"\b(?:check|consult|talk|speak)\s+with\s+{who}\s*(?:about\s+|on\s+)?(?P<task>.*)",
            rf"^(?:hey\s+|hi\s+)?{who}\s*[,:]\s*(?P<task>.+)",
        )
        for pattern in patterns:
            match = re.search(pattern, clause, re.I | re.S)
            if match and not NEGATED.search(clause[: match.start()]):
                task = (match.group("task") + (match.groupdict().get("rest") or "")).strip(" ,:")
                if NOT_A_TASK.match(task) or len(_words(task)) < 2:
                    return None  # "ask the writer and the evaluator to meet", "get the evaluator": no task for one agent
                return name, task
    return None


def _by_role(clause: str, agents: dict[str, str]) -> tuple[str, str] | None:
    """(agent, task) when a request's verb and words match one agent's role better than any other's."""
    request = request_of(clause)
    if request is None:
        return None
    body, verb = request
    nouns = _nouns([w for w in _words(body)[1 if verb else 0 :] if w not in FUNCTION_WORDS and len(w) > 2])
    scores = []
    for name, role in agents.items():
        verbs, words = _agent_words(name, role)
        score = (2 if verb in verbs else 0) + len(nouns & words)
        scores.append((score, name))
    scores.sort(reverse=True)
    if not scores or scores[0][0] < (2 if verb else 1) or (len(scores) > 1 and scores[1][0] == scores[0][0]):
        return None  # no agent does this, or two do it equally: not for delegating
    return scores[0][1], body


def addressed(text: str) -> dict[str, str]:
    """The agents a message asks by name when the tool lists none: "ask the writer to ..." -> {"writer": ""}."""
    names = re.findall(rf"\b{ASK}\s+(?:the\s+)?(?:agent\s+)?['\"]?([A-Za-z][\w\-]*)['\"]?\s*[,:]?\s+(?:to|for|whether|if|that)\b",
                       text, re.I)
    return {name: "" for name in names if name.lower() not in FUNCTION_WORDS}


def plan(text: str, agents: dict[str, str]) -> list[tuple[str, str]]:
    """Which agents a message asks for, in order, each with its task: [] when it asks no agent for anything."""
    steps = []
    for clause in _clauses(text):
        step = _named(clause, agents) or _by_role(clause, agents)
        if step and (not steps or steps[-1][0] != step[0]):
            steps.append(step)
    return steps


def _sentence(text: str) -> str:
    """A task as a sentence: a capital first, a full stop last ("could you write ...?" asked for it)."""
    text = text.strip().removesuffix("?").rstrip()
    text = text[:1].upper() + text[1:]
    return text if re.search(r"[.!:\"”')]$", text) else f"{text}."


# ---------------------------------------------------------------------------------------------
# What memory says: the persona's job and forwarding, the organization, its rules
# ---------------------------------------------------------------------------------------------


def _memory(conversation: Conversation) -> list[tuple[str, str]]:
    """(label, value) of every core memory block in the request's system message."""
    system = next((m for m in conversation.messages if m.get("role") in ("system", "developer")), None)
    blocks = memory_blocks(message_text(system.get("content"))) if system else []
    return [(label, value) for label, _, value in blocks]


def persona(conversation: Conversation) -> str:
    """What the persona blocks say."""
    return "\n".join(value for label, value in _memory(conversation) if label.lower() in PERSONA_LABELS)


def job_of(persona_text: str) -> str | None:
    """The first job a persona names: "write" (the writer, "I draft ...") or "check" (the evaluator, "I review ...")."""
    words = _words(persona_text)
    for before, word in zip(["", *words], words):
        if before not in ("i", "you", "the", "a", "an", "am", "are", "to"):
            continue  # a job is what someone is or does: "I draft", "the writer", not "check drafts"
        for root in (word, *(word[: -len(end)] for end in ("er", "or") if word.endswith(end) and len(word) > len(end) + 3)):
            if JOB_OF.get(stem(root)) in ("write", "check"):
                return JOB_OF[stem(root)]
    return None


def forwards_to(persona_text: str, agents: dict[str, str]) -> str | None:
    """The agent a persona passes every message on to ("I pass every message on to pong"), if it says so."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n", persona_text):
        if not re.search(r"\b(?:every|each|all|any|always|whenever)\b", sentence, re.I):
            continue
        if not re.search(r"\b(?:pass|forward|relay|send|hand)", sentence, re.I):
            continue
        for name in agents:
            if re.search(rf"\bto\s+(?:the\s+)?(?:agent\s+)?['\"]?{re.escape(name)}(?!\w)", sentence, re.I):
                return name
    return None


@dataclass
class Rules:
    """What the organization's blocks say a text must do, as far as the tutor can check it."""

    organization: str | None = None  # its name
    what: str | None = None  # what it is: "an independent bookshop in Leeds"
    max_words: int | None = None
    no_exclamation: bool = False
    mention: list[str] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)  # rules it read but cannot check

    def any(self) -> bool:
        """Whether there is a rule it can check."""
        return bool(self.max_words or self.no_exclamation or self.mention or self.avoid)


NUMBERS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                      "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}
ORG_NAME = (
    re.compile(r"\b(?i:we are|we're)\s+(?P<name>[A-Z][\w'&\-]*(?:\s+(?:of\s+|the\s+|and\s+|&\s+)?[A-Z][\w'&\-]*)*)"),
    re.compile(r"\b(?:our|the) (?:organi[sz]ation|company|shop|store|business|team|club|charity|brand|firm|café|cafe|"
               r"bakery|restaurant|library|school)(?:'s name)? is (?:called |named )?(?P<name>[A-Z][\w'&\-]*(?:\s+[A-Z][\w'&\-]*)*)"),
    re.compile(r"^(?:name|organi[sz]ation|company)\s*:\s*(?P<name>[^.,;\n]+)", re.I | re.M),
)
RULE_WORDS = re.compile(r"\b(?:rules?|must|should|always|never|don't|do not|avoid|at most|no more than)\b", re.I)


def _number(text: str) -> int | None:
    """A count written in digits or in words."""
    return int(text) if text.isdigit() else NUMBERS.get(text.lower())


def read_rules(conversation: Conversation) -> Rules:
    """The organization and its rules, from every block but persona and human."""
    rules = Rules()
    lines = [line.strip() for label, value in _memory(conversation) if label.lower() not in (*PERSONA_LABELS, "human")
             for line in re.split(r"\n|(?<=\.)\s+", value) if line.strip()]
    for line in lines:
        name = next((m.group("name").strip() for pattern in ORG_NAME if (m := pattern.search(line))), None)
        if name and rules.organization is None:
            rules.organization = name
            what = re.search(rf"{re.escape(name)},\s+(?P<what>(?:an?|the)\s+[^.;]+)", line)
            rules.what = what.group("what").strip() if what else None
        checked = False
        limit = re.search(r"\b(?P<how>at most|no more than|up to|maximum(?: of)?|under|fewer than|less than)\s+"
                          r"(?P<n>\d+|[a-z]+)\s+words\b", line, re.I)
        if limit and _number(limit.group("n")) is not None:
            count = _number(limit.group("n"))
            assert count is not None
            rules.max_words = count - 1 if limit.group("how").lower() in ("under", "fewer than", "less than") else count
            checked = True
        if re.search(r"\b(?:no|never use|without|avoid)\s+exclamation (?:marks?|points?)", line, re.I):
            rules.no_exclamation = checked = True
        for match in re.finditer(r"\b(?:always\s+)?(?:mention|name|include)\s+(?P<what>[^.;,]+?)(?:\s+by name)?\s*(?=[.;,]|$)",
                                 line, re.I):
            what = match.group("what").strip()
            what = rules.organization or what if re.fullmatch(r"(?:us|our name|the (?:organi[sz]ation|company|shop)"
                                                              r"(?:'s name)?)", what, re.I) else what
            if what and what not in rules.mention:
                rules.mention.append(what)
                checked = True
        for match in re.finditer(r"\b(?:never|don't|do not)\s+(?:use|say|write)\s+(?:the\s+words?\s+)?(?P<words>.+)|"
                                 r"\bavoid\s+(?:the\s+words?\s+)?(?P<more>['\"“].+)", line, re.I):
            quoted = re.findall(r"['\"“]([^'\"”]+)['\"”]", match.group("words") or match.group("more") or "")
            rules.avoid.extend(word for word in quoted if word not in rules.avoid)
            checked = checked or bool(quoted)
        if not checked and RULE_WORDS.search(line):
            rules.unchecked.append(line.rstrip("."))
    return rules


# ---------------------------------------------------------------------------------------------
# The jobs: a writer's draft, an evaluator's verdict
# ---------------------------------------------------------------------------------------------


def _count(text: str) -> int:
    """How many words a text has."""
    return len(re.findall(r"[\w'’\-]+", text))


LETTERS = ("email", "e-mail", "invitation", "post", "announcement", "newsletter", "note", "message", "flyer")


def _kept(draft: str, rules: Rules) -> str:
    """A draft with what the rules forbid taken out and what they ask for added."""
    draft = draft.replace("!", ".") if rules.no_exclamation else draft
    for word in rules.avoid:
        draft = re.sub(rf"\s*\b{re.escape(word)}\b", "", draft, flags=re.I)
    for name in rules.mention:
        if name.lower() not in draft.lower():
            draft = f"{draft} {name[:1].upper() + name[1:]}."
    return draft


def write_draft(task: str, rules: Rules) -> str:
    """A short draft from the request's words, kept to the rules the organization's blocks state.

    It tries a long version, then shorter ones, and keeps the first within the word limit.
    """
    kind = next((k for k in KINDS if re.search(rf"\b{k}s?\b", task, re.I)), "text")
    about = ABOUT.search(task)
    topic = re.sub(r"^(?:our|the|a|an|my|this|next|upcoming)\s+", "", about.group("topic").strip(), flags=re.I) if about else ""
    topic = re.sub(r"\s+(?:and|then)\s+.*$", "", topic, flags=re.I).strip()
    org, what = rules.organization, re.sub(r"^(?:an?|the)\s+", "", rules.what or "")
    named = f"{topic[:1].upper()}{topic[1:]} at {org}" if topic and org else topic.capitalize() or org or "Come and see us"
    if kind in LETTERS:
        invite = f"{org or 'We'} invite{'s' if org else ''} you to {('our ' + topic) if topic else 'visit us'}."
        drafts = [f"{invite} Come and see us{': we are ' + rules.what if rules.what else ''}.", invite, f"{named}."]
    else:
        drafts = [f"{named}, your {what}." if what else f"{named}.", f"{named}."]
    kept = [_kept(draft, rules) for draft in drafts]
    draft = next((d for d in kept if not rules.max_words or _count(d) <= rules.max_words), None)
    if draft is None:  # even the shortest is too long: cut it at the limit
        draft = " ".join(kept[-1].split()[: rules.max_words]).rstrip(",.:;") + "."
    return f'Here is a draft {kind}: "{draft}"'


def _draft_in(task: str) -> str | None:
    """The draft a request to check quotes, or gives after a colon."""
    quoted = re.findall(r"[\"“]([^\"”]{2,})[\"”]", task) or re.findall(r"(?:^|\s)'([^']{2,}?)'(?=\s|$|[.,;:!?])", task)
    if quoted:
        return quoted[-1].strip()
    after = re.search(r":\s*(?P<draft>\S.+)$", task, re.S)
    return after.group("draft").strip() if after else None


def evaluate(task: str, rules: Rules) -> str:
    """A verdict on the draft a request gives, rule by rule, from the rules the organization's blocks state."""
    draft = _draft_in(task)
    if draft is None:
        return "Send me the draft to check, in quotes, and I will check it against our rules."
    if not rules.any():
        return f'I found no rules in my memory that I can check "{draft}" against, so I cannot evaluate it.'
    checks = [(name.lower() in draft.lower(), f"mentions {name}", f"does not mention {name}") for name in rules.mention]
    if rules.no_exclamation:
        checks.append(("!" not in draft, "no exclamation marks", "uses exclamation marks"))
    if rules.max_words:
        words = f"{_count(draft)} words (at most {rules.max_words})"
        checks.append((_count(draft) <= rules.max_words, words, words))
    for word in rules.avoid:
        used = re.search(rf"\b{re.escape(word)}\b", draft, re.I) is not None
        checks.append((not used, f"avoids '{word}'", f"uses '{word}'"))
    bad = [broken for kept, _, broken in checks if not kept]
    verdict = (f'Not approved: "{draft}" breaks our rules: {"; ".join(bad)}.' if bad else
               f'Approved: "{draft}" follows our rules: {"; ".join(ok for _, ok, _ in checks)}.')
    return verdict + (f" I cannot check: {'; '.join(rules.unchecked)}." if rules.unchecked else "")


def answer_from_blocks(conversation: Conversation, question: str) -> str | None:
    """An answer from a block other than persona and human (e.g. one the team shares), if one holds it."""
    blocks = [(label, value) for label, value in _memory(conversation)
              if label.lower() not in (*PERSONA_LABELS, "human") and value.strip()]
    asked = keywords(question)
    if not blocks or not asked or re.search(r"\b(?:i|me|my|mine)\b", question, re.I) or QUOTED.search(question):
        return None
    for label, value in blocks:  # "What does our organization block say?"
        if any(stem(word) == stem(label) for word in asked):
            return f"My {label} block says: {' '.join(value.split())}"
    lines = [(label, line.strip()) for label, value in blocks for line in re.split(r"\n|(?<=\.)\s+", value) if line.strip()]

    def score(line: str) -> int:  # the question's words in the line, by stem or inside a longer word (shop, bookshop)
        stems = {stem(word) for word in _words(line)}
        return sum(1 for word in asked if stem(word) in stems or (len(word) > 3 and word in line.lower()))

    best = max(range(len(lines)), key=lambda n: (score(lines[n][1]), -n), default=None)
    if best is None or not enough_overlap(asked, score(lines[best][1])):
        return None
    label, line = lines[best]
    return f"My {label} block says: {line}"


# ---------------------------------------------------------------------------------------------
# The policy
# ---------------------------------------------------------------------------------------------


def _send(conversation: Conversation, text: str, thought: str) -> Decision | None:
    """Reply through send_message (no heartbeat: the step ends)."""
    tool = reply_tool(conversation.tools)
    if tool is None:
        return None
    return Decision(content=thought, tool_calls=[call(tool, {"message": text}, thought=thought, heartbeat=False)], reply=text)


def _message(conversation: Conversation, to: Messenger, agent: str, text: str, thought: str) -> Decision:
    """Message another agent, asking for a heartbeat to pass its reply on."""
    arguments = fill_arguments(to.tool, {"message": text}, thought=thought, heartbeat=True)
    arguments[to.target], arguments[to.text] = agent, text
    return Decision(content=thought, tool_calls=[(to.tool["name"], arguments)], reply=None)


def _reply_of(result: str) -> str:
    """The other agent's reply in a tool result: the course's "x replied: ...", or Letta's {"response": [...]}."""
    for parse in (json.loads, ast.literal_eval):
        try:
            value = parse(result)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        if isinstance(value, dict) and isinstance(value.get("response"), list):
            return " ".join(str(part) for part in value["response"])
    return result.strip()


def _said(conversation: Conversation) -> tuple[str, Incoming | None]:
    """What this turn's message says, and who sent it if it came from another agent."""
    text = spoken_text(message_text(conversation.messages[conversation.last_user].get("content"))) \
        if conversation.last_user >= 0 else ""
    came = incoming(text)
    return (came.text if came else text), came


def decide_team(conversation: Conversation, calls: list[Call]) -> Decision | None:
    """The tutor's move in a team (see the module docstring), or None to act as a lone MemGPT agent."""
    text, came = _said(conversation)
    to = messenger(conversation.tools)
    if calls:
        return _after_messaging(conversation, calls, to, text, came) if to else None
    if not text.strip():
        return None
    me = persona(conversation)
    agents = (to.agents or addressed(text)) if to else {}  # a tool that lists no agents: those the message names
    if to and agents:
        onward = forwards_to(me, agents)
        if onward:
            return _message(conversation, to, onward, text, f"My persona says I pass every message on to {onward}.")
        steps = plan(text, agents)
        if steps:
            agent, task = steps[0]
            return _message(conversation, to, agent, _sentence(task), f"This is for {agent}; I'll ask and wait for the reply.")
    return _own_move(conversation, text, came, me)


def _own_move(conversation: Conversation, text: str, came: Incoming | None, me: str) -> Decision | None:
    """Without delegating: do the persona's job, answer from a shared block, or (from an agent) say what it cannot do."""
    job = job_of(me)
    question = text.rstrip().endswith("?") or bool(QUESTION_START.match(text.strip()))
    request = request_of(text)
    asked_for = request is not None and request[1] == job
    if came and not question and job == "write":  # sent to a writer: "A slogan for the sale." asks for one,
        said = STATEMENT.match(text.strip()) and request is None  # "I loved the last tagline" does not
        asked_for = asked_for or ("text" in _nouns(_words(text)) and not said)
    if came and job == "check":  # sent to an evaluator: a draft to check
        asked_for = asked_for or _draft_in(text) is not None
    if job and asked_for:
        rules = read_rules(conversation)
        if job == "write":
            return _send(conversation, write_draft(text, rules), "Writing is my job: a short draft, kept to our rules.")
        return _send(conversation, evaluate(text, rules), "Checking drafts is my job: rule by rule, from our block.")
    found = answer_from_blocks(conversation, text) if question else None
    if found:
        return _send(conversation, found, "That is in a core memory block; answering from it.")
    if came:
        return _send(conversation, "I got your message, but I don't see anything in it that I can do.",
                     "A message from another agent that asks nothing I can do; I'll say so and save nothing.")
    return None


def _after_messaging(conversation: Conversation, calls: list[Call], to: Messenger, text: str,
                     came: Incoming | None) -> Decision | None:
    """After messaging agents: ask the next one the message asked for, or pass the replies on."""
    if not calls or calls[-1].name != to.tool["name"]:
        return None
    last = calls[-1]
    agent = str(last.arguments.get(to.target, "the other agent"))
    if last.result.failed:
        why = re.split(r"(?<=\.)\s+(?:Nothing was sent|Reply with)", re.sub(r"^\s*error:\s*", "", last.result.text, flags=re.I))[0]
        return _send(conversation, f"I could not pass that on to {agent}: {why}",
                     f"Messaging {agent} failed; I'll say why.")
    asked = [made for made in calls if made.name == to.tool["name"] and not made.result.failed]
    done = [str(made.arguments.get(to.target)) for made in asked]
    agents = to.agents or addressed(text)
    steps = plan(text, agents) if not forwards_to(persona(conversation), agents) else []
    following = [(name, task) for name, task in steps if name not in done]
    if following and len(asked) < len(steps):
        name, task = following[0]
        message = f"{_sentence(task)} {_reply_of(asked[-1].result.text)}"
        return _message(conversation, to, name, message, f"Now {name}'s part, with what {done[-1]} sent.")
    relay = "\n".join(_reply_of(made.result.text) for made in asked)
    return _send(conversation, relay, f"Passing on what {' and '.join(dict.fromkeys(done))} said.")
