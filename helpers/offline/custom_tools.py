"""Tools the course does not know (notebook 10), read as a model reads them, and called when asked for.

A tool is read from its name (split on "_", "-" and camelCase), its description and its parameters:
what it does (its action: add, remove, show, set, clear, increase) and what it works on (its topics: the
other words of its name and description, a few synonyms joined: todo/to-do/task, scratchpad/notes,
grocery/shopping, appointment/calendar). A user's message asks for it when it is a request (an
imperative, "can you ...", "I'm done with ..."; not negated, not a question about what the user did)
whose verb names that action and whose words outside the tool's argument name one of its topics; a
request about "it" that names nothing ("I finished it") takes its topics from the user's previous message.

Its arguments come from the message: quoted words, or the words after a colon, or the words after the
verb up to a tail that names the tool's topic ("add buy milk to my task list" -> "buy milk"); a number
for an integer; an allowed value (an enum, or quoted in the description) named in the message; a date
(written out, or in words against the current time the prompt shows); a boolean true only when its word
is in the message. Precision first: no call when no tool fits, when two fit equally well, or when a
required argument cannot be filled (the reply then says what it would need). Once the tool has answered,
the user hears what was done, quoting the result: through send_message in a MemGPT request, else in
content. A request to show what a block of core memory holds ("what's on my task list?") is answered
from the block when no tool shows it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from helpers.offline.context import (
    PERSONA_LABELS,
    Call,
    Conversation,
    about_the_human,
    is_alert,
    memory_blocks,
    message_text,
    spoken_text,
)
from helpers.offline.context_window import carried_on, unanswered_warning
from helpers.offline.dates import DATE, read_date
from helpers.offline.lexicon import FUNCTION_WORDS
from helpers.offline.questions import stem
from helpers.offline.team import messenger
from helpers.offline.tools import Decision, Tools, allowed_values, call, listed_values, memory_tool, property_role

# The course's own tools, known by role elsewhere in the tutor.
COURSE_TOOLS = frozenset({"send_message", "core_memory_append", "core_memory_replace", "core_memory_save",
                          "archival_memory_insert", "archival_memory_search", "conversation_search",
                          "conversation_search_date"})
COURSE_WORDS = re.compile(r"memory|search|archival|conversation")  # Letta's memory_insert, a web_search, ...

# Actions, by the words that name them: a verb of the user's, or a word of a tool's name or description.
ACTION_WORDS: dict[str, frozenset[str]] = {
    word: frozenset(actions.split())
    for words, actions in [
        ("add adds push pushes put puts append appends insert inserts enqueue enqueues", "add increase"),
        ("create creates new save saves store stores record records log logs write writes include", "add"),
        ("jot note schedule schedules book books remind", "add"),
        ("remove removes pop pops dequeue dequeues drop drops finish finished complete completed done", "remove"),
        ("delete deletes", "remove clear"),
        ("clear clears empty empties wipe wipes reset resets erase erases", "clear"),
        ("show shows list lists get gets read reads view views see display displays peek peeks tell what what's whats",
         "show"),
        ("set sets change changes update updates switch switches toggle toggles turn turns use adjust edit make",
         "set"),
        ("increment increments increase increases bump bumps raise raises", "increase"),
        ("decrement decrements decrease decreases reduce reduces subtract subtracts lower lowers", "decrease"),
    ]
    for word in words.split()
}
# Action words that are nouns in a tool's name as often as verbs: "shopping_list_add" adds.
NOUNS_TOO = frozenset("list lists log logs record records note book schedule display view new empty use turn what".split())
DONE_WORDS = frozenset("finished completed done".split())  # "I finished the first task": a request to remove it
SPECIAL_VERBS = frozenset("take check tick cross mark".split())  # verbs only with the words after them ("take ... off")
# What a verb names besides its action: "remind me to ..." makes a reminder, "jot down ..." a note.
VERB_TOPICS = {"remind": "reminder", "jot": "note", "note": "note", "schedule": "calendar", "book": "calendar"}

# Words for the same thing, under one name: what a tool works on is read with them.
SYNONYMS = {
    **dict.fromkeys("todo todos chore chores task tasks".split(), "task"),
    **dict.fromkeys("note notes notepad scratchpad scratch pad memo memos jot".split(), "note"),
    **dict.fromkeys("shopping grocery groceries shop".split(), "shopping"),
    **dict.fromkeys("reminder reminders remind".split(), "reminder"),
    **dict.fromkeys("calendar event events appointment appointments meeting meetings agenda diary schedule".split(),
                    "calendar"),
    **dict.fromkeys("counter count tally".split(), "counter"),
    **dict.fromkeys("reply replies answer answers response responses".split(), "reply"),
    **dict.fromkeys("colour color colours colors".split(), "colour"),
    **dict.fromkeys("contact contacts".split(), "contact"),
    **dict.fromkeys("tick ticks check checks cross crosses mark marks".split(), "tick"),  # an item ticked off a list
}
# Words too general to say what a tool is about: "list" fits a task list and a shopping list alike.
GENERIC = frozenset("""list lists queue queues stack item items entry entries thing things user user's users agent
    app line lines value values number numbers given next top back front end one way current new own whether
    without returning return returns it""".split()) | FUNCTION_WORDS
ARTICLES = frozenset("a an".split())
DETERMINERS = frozenset("a an the my our your his her their this that its".split())
POLITE = frozenset("please thanks thank you for me now too".split())
PREPOSITIONS = frozenset("to on onto in into from off at for of".split())
PRONOUNS = frozenset("it this that them these those something anything everything".split())
CLAUSE_ENDS = frozenset({",", ";", ":", ".", "!", "?", "and", "then", "but"})
# What may come before a request's verb in its clause: "Could you please add ...".
LEAD_IN = re.compile(
    r"^(?:(?:please|pls|ok|okay|hey|hi|now|just|also|oh|alright|right|quickly|so|kindly)\s*)*"
    r"(?:(?:can|could|would|will) you(?: please| just| also)*|i (?:want|need|would like|'d like) you to|"
    r"you (?:can|could|should|may)|go ahead and|let's|time to|remember to|don't forget to|do not forget to)?"
    r"(?:\s*(?:please|just|also|quickly))*$"
)
I_DID = re.compile(r"^(?:i|i've|i have|i'm|i am|we|we've|we have|we're|we are)(?:\s+(?:just|now|finally|already|all))*$")
NEGATION = re.compile(r"\b(?:don't|do not|dont|never|not|no need to|no)\b")
FORGET = re.compile(r"\b(?:don't|do not) forget\b")
NEED = re.compile(r"(?i)^(?:i|we) (?:need to|have to|must|should|(?:have|'ve) got to|gotta|want to|'d like to|would like to) "
                  r"(?P<what>\w.{0,80})$")
HOW_MANY = re.compile(r"(?i)^\s*how many\b")
WHAT_IS_ON = re.compile(r"(?i)^what(?:'s|s|\s+is|\s+are)?\s+(?:on|in|next|my|left)\b")  # not "what's the weather"
TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|\d+(?:[.,]\d+)?|[,;:.!?]")
NUMBER_WORDS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
NUMBER = re.compile(rf"(?i)\b(\d+|{'|'.join(NUMBER_WORDS)})\b(?![.,:/-]\d)")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RELATIVE_DAY = re.compile(rf"(?i)\b(?:the day after tomorrow|tomorrow|today|tonight|(?:next |this )?(?:{'|'.join(WEEKDAYS)}))\b")
CURRENT_DATE = re.compile(r"(?i)current (?:date|time)\W*(\d{4})-(\d{2})-(\d{2})")
ABOUT_A_DATE = re.compile(r"\b(?:date|day|when|deadline|due)\b")
ABOUT_AN_ADDRESS = re.compile(r"\b(?:phone|telephone|mobile|email|e-mail|address|url|link)\b")
THING_NAMES = frozenset("item items title name thing things project person product book habit".split())
PAYLOAD_NAMES = ("task", "item", "text", "title", "content", "note", "line", "entry", "what", "description",
                 "name", "message", "thing", "event", "reminder", "value")
QUOTED = re.compile(r"(?:^|\s)(['\"])(.+?)\1(?=\s|$|[.,!?;:])")  # 'water the plants'
GIST_LIMIT = 300  # characters of a tool's result quoted to the user


def words(text: str) -> list[str]:
    """The words of a name or a sentence, lowercased: "addTodoItem" -> ["add", "todo", "item"]."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text).lower().replace("’", "'")
    return re.findall(r"[a-z]+(?:'[a-z]+)?", re.sub(r"\bto[- ]dos?\b", "todo", spaced))


def concept(word: str) -> str:
    """What a word names, synonyms joined: "todos" and "task" -> "task", "groceries" -> "shopping"."""
    return SYNONYMS.get(word) or SYNONYMS.get(stem(word)) or stem(word)


def topics(text: str) -> set[str]:
    """The things a text names: its words but the general ones and the actions, as concepts."""
    return {concept(word) for word in words(text) if word not in GENERIC and word not in ACTION_WORDS and len(word) > 2}


# ---------------------------------------------------------------------------------------------
# The tools, as a model reads them
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolReading:
    """What a tool does and what it works on, read from its name and description."""

    tool: dict[str, Any]
    actions: frozenset[str]
    named: frozenset[str]  # topics its name names (they weigh double)
    described: frozenset[str]  # topics its description names


def unknown_tools(tools: Tools) -> Tools:
    """The offered tools the course does not know by role: not send_message, memory, search or messaging tools."""
    to_agents = messenger(tools)  # another agent of a team (notebook 12): helpers.offline.team reads it
    known = {id(t) for t in (memory_tool(tools), memory_tool(tools, replace=True), to_agents and to_agents.tool) if t}
    return {name: tool for name, tool in tools.items()
            if name not in COURSE_TOOLS and id(tool) not in known and not COURSE_WORDS.search(name.lower())}


def custom_tools(tools: Tools) -> dict[str, ToolReading]:
    """The offered tools the course does not know, each read (those that name no action left out)."""
    readings = {}
    for name, tool in unknown_tools(tools).items():
        description = str(tool.get("description") or "")
        # Its name's verb, and the verb its description starts with: "set_reminder", "Create a reminder ...".
        first = next(iter(words(description)), "")
        opening = frozenset() if first.startswith("what") else _actions([first])
        actions = (_actions(words(name)) | opening) or _actions(words(description))
        if not actions and "tick" in topics(f"{name} {description}"):  # "checklist_check": "Tick an item off"
            actions = frozenset({"remove"})
        if actions:  # a tool that names no action is not one a request can ask for
            readings[name] = ToolReading(tool, actions, frozenset(topics(name)), frozenset(topics(description)))
    return readings


def _actions(said: list[str]) -> frozenset[str]:
    """The actions of the first verb among some words (a word that is as often a noun only if none is a verb)."""
    named = [w for w in said if w in ACTION_WORDS]
    action = next((w for w in named if w not in NOUNS_TOO), named[0] if named else None)
    return ACTION_WORDS[action] if action else frozenset()


# ---------------------------------------------------------------------------------------------
# The user's request
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """A request in the user's message: what it asks to do, where its object starts, what its verb names."""

    actions: frozenset[str]
    start: int  # where the words after the verb begin, in the message
    topics: frozenset[str]  # "remind me to ..." names a reminder
    stop: int | None = None  # where they end, when words after them belong to the verb ("mark ... as done")


def _clause_before(tokens: list[re.Match[str]], index: int) -> str:
    """The words before token `index` in its clause, lowercased."""
    before: list[str] = []
    for token in reversed(tokens[:index]):
        if token.group().lower() in CLAUSE_ENDS:
            break
        before.insert(0, token.group().lower())
    return " ".join(before)


def _verb(tokens: list[re.Match[str]], index: int, text: str) -> Request | None:
    """Token `index` read as a request's verb, with the words after it deciding some ("take ... off")."""
    word, end = tokens[index].group().lower(), tokens[index].end()
    after = [t.group().lower() for t in tokens[index + 1 : index + 4]]
    if word == "take":  # "take eggs off the list", "take a note: ..."
        if "note" in after[:2]:
            return Request(frozenset({"add"}), tokens[index + 1 + after.index("note")].end(), frozenset({"note"}))
        return Request(frozenset({"remove"}), end, frozenset()) if re.search(r"(?i)\b(?:off|out)\b", text[end:]) else None
    if word == "make" and after[:2] == ["a", "note"]:
        return Request(frozenset({"add"}), tokens[index + 2].end(), frozenset({"note"}))
    if word == "remind":  # "remind me to call mom", not "remind me what my name is"
        return Request(frozenset({"add"}), tokens[index + 2].end(), frozenset({"reminder"})) if after[:2] in (
            ["me", "to"], ["us", "to"]) else None
    if word == "new":  # "new task: call the plumber"
        colon = text.find(":", end)
        return Request(frozenset({"add"}), colon + 1, frozenset()) if 0 < colon and len(text[end:colon].split()) <= 3 else None
    if word == "mark":  # "mark 'buy milk' as done"
        done = re.search(r"(?i)\s+as\s+(?:done|complete|completed|finished|checked|ticked)\b", text[end:])
        return Request(frozenset({"remove"}), end, frozenset({"tick"}), end + done.start()) if done else None
    if word in ("check", "tick", "cross"):
        return Request(frozenset({"remove"}), end, frozenset()) if "off" in after else None
    if word == "done":  # "done with the top task"
        return Request(frozenset({"remove"}), tokens[index + 1].end(), frozenset()) if after[:1] == ["with"] else None
    if word in ("what", "what's", "whats") and not WHAT_IS_ON.match(text[tokens[index].start() :]):
        return None
    if word in ("jot", "write", "note") and after[:1] == ["down"]:
        end = tokens[index + 1].end()
    topic = VERB_TOPICS.get(word)
    return Request(ACTION_WORDS[word], end, frozenset({topic} if topic else ()))


def read_request(text: str) -> Request | None:
    """The first request in a message: a verb in a request's place, not negated (None if there is none)."""
    tokens = list(TOKEN.finditer(text))
    for index, token in enumerate(tokens):
        word = token.group().lower()
        if word not in ACTION_WORDS and word not in SPECIAL_VERBS:
            continue
        before = _clause_before(tokens, index)
        if NEGATION.search(before) and not FORGET.search(before):
            continue  # "don't add anything yet"
        if not (LEAD_IN.match(before) or (word in DONE_WORDS and I_DID.match(before))):
            continue  # "should I add ...", "I hate my to-do list"; but "I'm done with ..." asks to remove it
        request = _verb(tokens, index, text)
        if request:
            return request
    return None


# ---------------------------------------------------------------------------------------------
# Arguments from the message
# ---------------------------------------------------------------------------------------------


def today_in(conversation: Conversation) -> date | None:
    """The current date the request shows (the memory metadata's "Current time: 2026-03-02 ...")."""
    for message in conversation.messages:
        found = CURRENT_DATE.search(message_text(message.get("content")))
        if found:
            return date(*map(int, found.groups()))
    return None


def find_date(text: str, today: date | None) -> tuple[str, tuple[int, int]] | None:
    """The ISO date a text names, and where: "2026-03-06", "June 1st 2026", "March 9" or "tomorrow" (with today)."""
    match = DATE.search(text)
    read = read_date(match) if match else None
    if match and read and (read[0] or today):
        year, month, day = read[0] or today.year, read[1], read[2]  # type: ignore[union-attr]
        try:
            when = date(year, month, day)
        except ValueError:
            return None
        if today and not read[0] and when < today:  # "March 1" in December: next year's
            when = when.replace(year=when.year + 1)
        return when.isoformat(), match.span()
    relative = RELATIVE_DAY.search(text)
    if relative is None or today is None:
        return None
    said = relative.group().lower()
    if said in ("today", "tonight"):
        return today.isoformat(), relative.span()
    if said.endswith("tomorrow"):
        return (today + timedelta(days=2 if said.startswith("the day") else 1)).isoformat(), relative.span()
    ahead = (WEEKDAYS.index(said.split()[-1]) - today.weekday()) % 7 or 7  # the next such day
    return (today + timedelta(days=ahead)).isoformat(), relative.span()


def _cut(payload: str, span: tuple[int, int]) -> str:
    """The payload without the words at `span`, and the preposition before them: "call mom on June 1" -> "call mom"."""
    head = re.sub(r"(?i)(?:^|\s+)(?:on|for|by|at|due|to|until|before)\s*$", "", payload[: span[0]])
    return f"{head} {payload[span[1]:]}".strip()


def _without_tail(payload: str, about: set[str]) -> str:
    """The payload before a tail that names the tool's topic: "buy milk to my task list" -> "buy milk"."""
    tokens = list(TOKEN.finditer(payload))
    for index, token in enumerate(tokens[1:], 1):
        if token.group().lower() not in PREPOSITIONS:
            continue
        rest = words(payload[token.end() :])
        plain = all(w in DETERMINERS or w in POLITE or w in GENERIC or w in PREPOSITIONS or concept(w) in about for w in rest)
        if plain and any(concept(w) in about for w in rest):
            return payload[: token.start()]
    return payload


def _without_head(payload: str, about: set[str]) -> str:
    """The payload after a head that names the tool's topic: "in my journal that it rained" -> "it rained"."""
    tokens = list(TOKEN.finditer(payload))
    if not tokens or tokens[0].group().lower() not in ("in", "on", "to", "into", "onto"):
        return payload
    count, named = 1, False
    while count < len(tokens) and tokens[count].group().lower() != "that" and (
            tokens[count].group().lower() in DETERMINERS | GENERIC or concept(tokens[count].group().lower()) in about):
        named = named or concept(tokens[count].group().lower()) in about
        count += 1
    if not named or count == len(tokens) or tokens[count].group().lower() not in ("that", ":", ","):
        return payload
    return payload[tokens[count].end() :]


def _tidy(payload: str, lead: set[str], joins: tuple[str, ...] = ("to",)) -> str:
    """A payload without quotes, a leading article or "that", a lead such as "a task to", or trailing politeness."""
    payload = re.sub(r"[\s,.!?;:]+$", "", payload.strip().strip("\"'"))
    payload = re.sub(r"(?i)(?:[\s,]+(?:please|thanks|thank you|for me|now))+$", "", payload)
    tokens = payload.split()
    count, named = 0, False  # "an urgent task to ...", "the deadline for ...": the tool's words, then a join
    while count < len(tokens) and (tokens[count].lower() in ARTICLES | {"the", "my"} or concept(tokens[count].lower()) in lead):
        named = named or concept(tokens[count].lower()) in lead
        count += 1
    if named and count < len(tokens) - 1 and tokens[count].lower() in joins:
        tokens = tokens[count + 1 :]
    while tokens and tokens[0].lower() in ARTICLES | {"down", "that"}:
        tokens = tokens[1:]
    return " ".join(tokens)


def payload_text(text: str, request: Request, about: set[str], lead: set[str]) -> str:
    """The words a request is about: quoted, after a colon, or after the verb between a head and a tail naming the tool."""
    rest = text[request.start : request.stop]
    quoted = QUOTED.search(rest)
    if quoted:
        return quoted.group(2).strip()
    if ":" in rest:
        return _tidy(rest.split(":", 1)[1], lead)
    joins = ("to", "for", "of") if "set" in request.actions else ("to",)  # "set the deadline for the report to ..."
    return _tidy(_without_tail(_without_head(rest, about), about), lead, joins)


def needed_before(text: str, request: Request) -> str | None:
    """What the clause before a request says the user needs to do: "I need to call the bank, add that" -> "call the bank"."""
    before = re.split(r"[,;.!?]|\b(?:and|so)\b", text[: request.start])
    if len(before) < 2:
        return None
    need = NEED.match(before[-2].strip())
    return need.group("what").strip() if need else None


def _as_thing(payload: str, name: str, about: set[str]) -> str:
    """A payload for an argument that names a thing: "the red bike" -> "red bike", "Anna's birthday" -> "Anna"."""
    if not set(words(name)) & THING_NAMES:
        return payload
    owner = re.match(r"^(.+?)'s\s+(.+)$", payload)
    if owner and all(concept(w) in about for w in words(owner.group(2))):
        return owner.group(1)
    return re.sub(r"(?i)^the\s+", "", payload)


def _number(text: str) -> tuple[int, tuple[int, int]] | None:
    """The first whole number a text names, in digits or as a word, and where."""
    match = NUMBER.search(text)
    if not match:
        return None
    value = match.group(1).lower()
    return (int(value) if value.isdigit() else NUMBER_WORDS[value]), match.span()


def _option(options: list[str], text: str) -> str | None:
    """The allowed value a text names (one after "to" first: "from light to dark" -> "dark")."""
    named = [(m.start(), option) for option in options for m in re.finditer(rf"(?i)\b{re.escape(option)}\b", text)]
    after_to = [(at, option) for at, option in named if re.search(r"(?i)\bto\s+$", text[:at])]
    return max(after_to or named)[1] if named else None


def _asked_for(name: str, text: str) -> bool:
    """Whether a boolean's word is in the message and not negated ("urgent", not "not urgent")."""
    for word in words(name):
        match = re.search(rf"(?i)\b{re.escape(word)}", text) if len(word) > 2 and word not in GENERIC else None
        if match:
            return not re.search(r"(?i)\b(?:not|non|no)[\s-]*$", text[: match.start()])
    return False


@dataclass
class Filled:
    """A tool's arguments read from a message (for one call, or several), what it still needs, and how well the
    message names the tool."""

    calls: list[dict[str, Any]]
    missing: list[str]
    score: int


def fill(reading: ToolReading, request: Request, conversation: Conversation, *, heartbeat: bool) -> Filled:
    """A tool's arguments from the user's message, by each parameter's type, name and description."""
    tool, text, today = reading.tool, conversation.user_text, today_in(conversation)
    schema = tool.get("parameters") or {}
    properties = {name: spec if isinstance(spec, dict) else {} for name, spec in (schema.get("properties") or {}).items()}
    required = set(schema.get("required") or [])
    about = set(reading.named | reading.described)
    flags = {concept(w) for name, spec in properties.items() if spec.get("type") == "boolean" for w in words(name)}
    payload = payload_text(text, request, about, about | flags)
    arguments: dict[str, Any] = {}
    strings: list[str] = []
    for name, spec in properties.items():
        role, kind = property_role(name, spec, tool), spec.get("type", "string")
        what = f"{' '.join(words(name))} {spec.get('description') or ''}".lower()
        if role in ("heartbeat", "thought"):
            if role == "heartbeat" or name in required:
                arguments[name] = heartbeat if role == "heartbeat" else f"The user asks for what {tool['name']} does."
        elif options := options_of(tool, name):
            arguments[name] = _option(options, text)
        elif kind == "boolean":
            arguments[name] = True if _asked_for(name, text) else False if name in required else None
        elif kind in ("integer", "number"):
            found = None if any(isinstance(v, int) and not isinstance(v, bool) for v in arguments.values()) else (
                _number(payload) or _number(text))
            arguments[name] = found[0] if found else None
            if found and _number(payload):  # "20 minutes of reading" for `minutes`: "reading" is left
                unit = rf"(?i)^\s*(?:{'|'.join(map(re.escape, words(name)))})\w*(?:\s+of)?\b"
                payload = _tidy(_cut(payload[: found[1][1]] + re.sub(unit, "", payload[found[1][1] :]), found[1]), set())
        elif kind == "string" and ABOUT_A_DATE.search(what):
            found_date = find_date(payload, today) or find_date(text, today)
            arguments[name] = found_date[0] if found_date else None
            if found_date and find_date(payload, today):
                payload = _cut(payload, found_date[1])
        elif kind == "string" and ABOUT_AN_ADDRESS.search(what):
            arguments[name] = None  # a phone number or an address is never guessed
        elif kind in ("string", "array"):
            strings.append(name)
    main = next((n for key in PAYLOAD_NAMES for n in strings if key in words(n)), None) or next(
        (n for n in strings if n in required), strings[0] if strings else None)
    if not payload or payload.lower() in PRONOUNS:  # "I need to call the bank, can you add that to my list?"
        payload = needed_before(text, request) or payload
    usable = bool(payload) and payload.lower() not in PRONOUNS
    quotes = [match.group(2).strip() for match in QUOTED.finditer(text[request.start :])]
    each: list[str] = []  # 'book flights' and 'pack': one call for each
    for name in strings:
        if name == main and usable:
            array = properties[name].get("type") == "array"
            parts = quotes if len(quotes) > 1 else [p for p in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", payload)
                                                    if p] if array else [payload]
            things = [_as_thing(part, name, about) for part in parts]
            arguments[name] = things if array else things[0]
            each = quotes[1:] if len(quotes) > 1 and not array else []
    missing = [name for name in properties if name in required and arguments.get(name) is None]
    arguments = {name: arguments[name] for name in properties if arguments.get(name) is not None}  # in the schema's order
    # What names the tool: the verb, and the words outside its argument ("to my task list", not "buy milk").
    said = set(request.topics) | topics(text[: request.start])
    rest = text[request.start :]
    for quote in quotes if len(quotes) > 1 else []:
        rest = rest.replace(quote, " ", 1)
    said |= topics(rest.replace(payload, " ", 1) if main and usable else rest)
    calls = [arguments, *({**arguments, str(main): _as_thing(quote, str(main), about)} for quote in each)]
    return Filled(calls, missing, 2 * len(reading.named & said) + len(reading.described & said))


# ---------------------------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------------------------


def _say(conversation: Conversation, text: str, thought: str) -> Decision:
    """Tell the user `text`: through send_message (no heartbeat: the step ends) if offered, else in content."""
    send = conversation.tools.get("send_message")
    if send is None:
        return Decision(content=text, reply=text)
    return Decision(content=thought, tool_calls=[call(send, {"message": text}, thought=thought, heartbeat=False)], reply=text)


def options_of(tool: dict[str, Any], name: str) -> list[str]:
    """The values argument `name` allows: its own, or those the tool's description lists when it is the only text one."""
    properties = {key: spec if isinstance(spec, dict) else {} for key, spec in
                  ((tool.get("parameters") or {}).get("properties") or {}).items()}
    own = allowed_values(properties.get(name, {}))
    if own:
        return own
    texts = [key for key, spec in properties.items() if spec.get("type", "string") == "string"
             and property_role(key, spec, tool) not in ("heartbeat", "thought")]
    return listed_values(str(tool.get("description") or "")) if texts == [name] else []


def _needs(tool: dict[str, Any], missing: list[str]) -> str:
    """One sentence: what a tool needs that the message does not say."""
    properties = (tool.get("parameters") or {}).get("properties") or {}
    needs = []
    for name in missing:
        spec = properties.get(name) if isinstance(properties.get(name), dict) else {}
        options = options_of(tool, name)
        detail = f"one of {', '.join(options)}" if options else str(spec.get("description") or "").rstrip(". ")
        needs.append(f"'{name}' ({detail})" if detail else f"'{name}'")
    return (f"I can do that with {tool['name']}, but it needs {' and '.join(needs)}, and your message does not "
            "say it. Could you tell me?")


def gist(result: str) -> str:
    """A tool's result, as quoted to the user: its lines joined, cut at a word near GIST_LIMIT characters."""
    text = "; ".join(line.strip() for line in result.strip().splitlines() if line.strip()) or "(no answer)"
    return text if len(text) <= GIST_LIMIT else text[: text.rfind(" ", 0, GIST_LIMIT)] + " ..."


def previous_user_text(conversation: Conversation) -> str:
    """What the user said in the message before their latest one ("" if there is none in context)."""
    for message in reversed(conversation.earlier):
        text = message_text(message.get("content"))
        if message.get("role") == "user" and not is_alert(text):
            return spoken_text(text)
    return ""


def refers_back(text: str, request: Request) -> bool:
    """Whether a request's object is only "it" or nothing at all: "I finished it", "take it off"."""
    rest = [w for w in words(text[request.start :]) if w not in DETERMINERS | POLITE | PREPOSITIONS | {"off", "out", "now"}]
    return all(w in PRONOUNS for w in rest)


def _first_move(conversation: Conversation, request: Request, readings: dict[str, ToolReading]) -> Decision | None:
    """Call the tool the request asks for; or say what it needs, or which of two tools is meant.

    A request whose object is "it" and which names no tool ("I finished it") is about what the user's
    previous message named ("What's my next task?"): its topics are read with the request's.
    """
    memgpt = "send_message" in conversation.tools

    def scores(request: Request) -> list[tuple[int, str, Filled]]:
        return sorted(((filled.score, name, filled) for name, reading in readings.items() if reading.actions & request.actions
                       for filled in [fill(reading, request, conversation, heartbeat=memgpt)] if filled.score > 0),
                      key=lambda item: -item[0])

    scored = scores(request)
    if not scored and refers_back(conversation.user_text, request):
        scored = scores(Request(request.actions, request.start,
                                request.topics | frozenset(topics(previous_user_text(conversation)))))
    if not scored:
        return None
    score, name, filled = scored[0]
    if len(scored) > 1 and scored[1][0] == score:
        return _say(conversation, f"I'm not sure which you mean: {name} or {scored[1][1]}. Could you say which?",
                    "Two tools fit this request equally well; I'll ask which one.")
    if filled.missing:
        return _say(conversation, _needs(readings[name].tool, filled.missing),
                    f"{name} fits, but the message does not give all it needs; I'll ask.")
    thought = f"The user asks for what {name} does; calling it, then I'll tell them what it did."
    return Decision(content=thought if memgpt else None, tool_calls=[(name, arguments) for arguments in filled.calls],
                    reply=f"I would call {name} for that.")


def _after(conversation: Conversation, calls: list[Call], custom: set[str]) -> Decision | None:
    """Once a tool of ours has answered: tell the user what it did (or what went wrong), quoting it."""
    last = calls[-1]
    if last.name not in custom or any(made.name == "send_message" and not made.result.failed for made in calls):
        return None
    if last.result.failed:
        return _say(conversation, f"I tried {last.name}, but it said: {gist(last.result.text)}",
                    f"{last.name} failed; I'll tell the user what it said.")
    reading = custom_tools(conversation.tools).get(last.name)
    results = " ".join(gist(made.result.text) for made in calls if made.name == last.name)
    showing = reading is not None and "show" in reading.actions
    text = f"Here is what {last.name} says: {results}" if showing else f"Done: {results}"
    return _say(conversation, text, f"{last.name} answered; I'll tell the user.")


def core_blocks(conversation: Conversation) -> list[tuple[str, str, str]]:
    """(label, description, value) of each block in the system prompt that is about neither the agent nor the user."""
    return [(label, description, value) for message in conversation.messages if message.get("role") in ("system", "developer")
            for label, description, value in memory_blocks(message_text(message.get("content")))
            if label.lower() not in PERSONA_LABELS and not about_the_human(label, description)]


def _from_block(conversation: Conversation, request: Request) -> Decision | None:
    """A request to show a block of core memory ("what's on my task list?"), answered from the block."""
    said = topics(conversation.user_text) | set(request.topics)
    scored = [(2 * len(topics(label) & said) + len(topics(description) & said), label, value)
              for label, description, value in core_blocks(conversation)]
    best = max(scored, default=(0, "", ""))
    if best[0] == 0:  # "What's on my list?" names no block: the only one there is, or a question which
        if not scored or not {"list", "lists"} & set(words(conversation.user_text)):
            return None
        if len(scored) > 1:
            labels = [f"my {label}" for _, label, _ in scored]
            return _say(conversation, f"Which do you mean: {', '.join(labels[:-1])} or {labels[-1]} block?",
                        "The user names no block, and I have several; I'll ask which.")
        best = scored[0]
    lines = [html.unescape(line.strip()) for line in best[2].splitlines() if line.strip()]
    if lines and set(words(conversation.user_text)) & {"next", "first", "top"}:  # "what's my next task?"
        text = f"The first line of my {best[1]} block: {lines[0]}."
    elif HOW_MANY.match(conversation.user_text):  # "How many tasks do I have?": its lines, counted
        count = f"{len(lines)} line{'' if len(lines) == 1 else 's'}"
        text = f"My {best[1]} block holds {count}" + (f": {'; '.join(lines)}." if lines else ".")
    else:
        text = f"My {best[1]} block holds: {'; '.join(lines)}." if lines else f"My {best[1]} block is empty."
    return _say(conversation, text, f"The {best[1]} block in my core memory answers this.")


def decide_custom(conversation: Conversation) -> Decision | None:
    """The tutor's answer when the user asks for a tool (or a block) the course does not know, else None."""
    if unanswered_warning(conversation):  # memory pressure first (see context_window)
        return None
    calls = carried_on(conversation)
    custom = set(unknown_tools(conversation.tools))
    if calls:
        return _after(conversation, calls, custom) if custom else None
    request = read_request(conversation.user_text)
    if request is None:  # "How many tasks do I have?" asks to count what a block shows
        return _from_block(conversation, Request(frozenset({"show"}), 0, frozenset())) if HOW_MANY.match(
            conversation.user_text) else None
    readings = custom_tools(conversation.tools) if custom else {}
    decision = _first_move(conversation, request, readings) if readings else None
    if decision is None and "show" in request.actions:
        decision = _from_block(conversation, request)
    return decision
