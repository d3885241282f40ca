"""More ways people state facts and ask about them: rewritten into the plain forms `statements` reads.

People rarely say "I live in Porto". They say "I'm based in Porto", "We finally relocated to Porto",
"Took my dog Rex to the park", "Had dinner with my sister, Ines", "I'm flying to Rome on June 12".
`rephrase` rewrites such sentences into the plain statement they make ("I live in Porto", "My dog is
called Rex", "My sister is called Ines", "My trip to Rome is on June 12"), and the statement reader
does the rest. Each rewrite matches one whole shape of sentence and keeps the user's own words for
the value; anything else is left as it was (precision first: no shape, no rewrite).

`link_people` does the same for people the context already knows by name: with "The human's sister is
called Ines" in memory, "Ines just moved to Bristol" says "My sister Ines lives in Bristol".

`more_question_key` gives a key to questions the basic patterns miss: "When is my trip to Rome?" (key
"trip to rome"), "What date is my dentist appointment?", "Which city does my sister live in?" ("sister
home"), "What's my cousin's job?" ("cousin work"), "What sport do I play?" (answered by the facts "The
human plays ...": key "verb:plays").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from helpers.offline.dates import DATE
from helpers.offline.language import Fact, normalize, third_person_verb
from helpers.offline.names import read_name

KIN = (r"(?:best friend|sister|brother|cousin|friend|neighbou?r|mum|mom|dad|mother|father|son|daughter|wife|husband|"
       r"partner|boyfriend|girlfriend|aunt|uncle|niece|nephew|grandma|grandpa|grandmother|grandfather|flatmate|"
       r"roommate|colleague|boss)")
PET = (r"(?:dog|cat|puppy|kitten|rabbit|bunny|parrot|tortoise|turtle|hamster|guinea pig|horse|budgie|goldfish|"
       r"ferret|snake|lizard)")
# One or two capitalised words (case matters even in the patterns that ignore it elsewhere).
NAME = r"(?P<name>(?-i:[A-Z][^\W\d_]+(?:[ -][A-Z][^\W\d_]+)?))"
PLACE = r"(?P<place>(?-i:[A-Z][^\W\d_]+(?:[ -][A-Z][^\W\d_]+)?))"
WHEN = rf"(?P<date>{DATE.pattern})"
SOON = r"(?:just |finally |recently |now )?"
OPENERS = re.compile(
    r"^(?:big news|good news|great news|news|quick update|update|new chapter|change of plans|fun fact|guess what|"
    r"so|anyway|oh)\s*[:,!\-–]+\s*",
    re.I,
)

# (pattern, replacement) pairs, tried on each sentence in order; \g<name> and friends keep the user's words.
REWRITES: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern, re.I), replacement) for pattern, replacement in [
    # where they live
    (r"^i(?:'m| am) (?:now |currently )?(?:based|living|settled) in\b", "I live in"),
    (r"^i(?:'ve| have) been living in\b", "I live in"),
    (r"^(?:we(?:'ve| have)? (?:just |finally |recently )?(?:moved|relocated)|i(?:'ve| have)? (?:just |finally |"
     r"recently )?relocated|i(?:'ve| have)? (?:just|finally|recently) moved) to (?=(?-i:[A-Z]))", "I moved to "),
    # their job
    (r"^i(?:'ve| have) been (?P<job>an? [a-z][a-z -]{1,40}?) for (?:\w+ )*?(?:years?|months?)\b.*$", r"I'm \g<job>"),
    (r"^i(?:'m| am) (?:now )?working as\b", "I work as"),
    (rf"^i(?:'ve| have)? {SOON}(?:started|got|found|landed) (?:a |my )?(?:new )?job as\b", "I work as"),
    (r"^now i work as\b", "I work as"),
    (r"\b(?P<and>and|so) now i work as\b", r"\g<and> I work as"),
    # pets and people by name
    (rf"^(?:i|we) {SOON}(?:got|adopted|rescued|bought) an? (?P<kind>{PET})\b[^,;]*[,;] (?:i|we) (?:named|called) "
     rf"(?:him|her|it|them) {NAME}\W*$", r"My \g<kind> is called \g<name>"),
    (rf"^(?:i|we) {SOON}(?:got|adopted|rescued|bought) an? (?P<kind>{PET})\b[^,;]*[,;] (?:he|she|it)(?:'s| is) "
     rf"(?:called|named) {NAME}\W*$", r"My \g<kind> is called \g<name>"),
    (rf"^meet (?:the|our|my) newest (?:member of the family|family member|addition)\W+an? (?P<kind>{PET}) "
     rf"(?:called|named) {NAME}\W*$", r"My \g<kind> is called \g<name>"),
    (rf"^{NAME}, my (?P<kind>{PET}|{KIN}),", r"My \g<kind> is called \g<name>. \g<name>"),
    (rf"^(?P<head>(?!my\b)\w.*?)\bmy (?P<kind>{PET}|{KIN}),? {NAME}(?=,|\s+(?:to|last|this|yesterday|today|for|at|in)\b)",
     r"My \g<kind> is called \g<name>. \g<head>my \g<kind> \g<name>"),
    # favourites
    (r"^(?:these days|nowadays|at the moment|currently),? my favou?rite\b", "my favourite"),
    (r"^new favou?rite (?P<thing>[a-z]+): (?P<value>[^!.?]+?)\W*$", r"My favourite \g<thing> is \g<value>"),
    (r"\babout (?P<value>[^,]+), my favou?rite (?P<thing>[a-z]+)\b.*$",
     r"about \g<value>. My favourite \g<thing> is \g<value>"),
    # plans with a date
    (rf"^i(?:'m| am) (?:planning (?:a trip|to go)|going|flying|heading|travell?ing|off) to {PLACE} (?:on|for) {WHEN}.*$",
     r"My trip to \g<place> is on \g<date>"),
    (rf"^(?:the|my|our) {PLACE} trip (?:got|has been|was|is) (?:moved|pushed back|put back|postponed|rescheduled|"
     rf"changed|brought forward) to {WHEN}.*$", r"My trip to \g<place> is on \g<date>"),
    (rf"^my trip to {PLACE} is (?:now )?on {WHEN}.*$", r"My trip to \g<place> is on \g<date>"),
    (rf"^i (?:have|'ve got|have got) an? (?P<what>[a-z][a-z ]{{1,30}}?) appointment (?:on|for) {WHEN}.*$",
     r"My \g<what> appointment is on \g<date>"),
    (rf"^my (?P<what>[a-z][a-z ]{{1,30}}?) appointment is (?:now )?on {WHEN}.*$", r"My \g<what> appointment is on \g<date>"),
]]
# "Did I mention Rafael moved to Krakow?" asks nothing: it tells.
TELLING = re.compile(r"^did i (?:mention|tell you)(?: that)? (?P<rest>.+?)\?+$", re.I)
# A favourite named in one sentence and called so in the next: "Nothing beats pho. It's my favourite food."
NOTHING_BEATS = re.compile(r"\bnothing beats (?P<value>[^.!?]+)[.!]\s+it(?:'s| is) my favou?rite (?P<thing>[a-z]+)", re.I)
SENTENCE = re.compile(r"[^.!?;]+(?:[.!?;]+|$)")


def _names_ok(match: re.Match[str]) -> bool:
    """Whether the name a rewrite caught reads as a name ("Rex", not "Monday" or "Italian")."""
    name = match.groupdict().get("name")
    found = read_name(name, lowercase=False) if name else None
    return name is None or bool(found and found[1] >= len(name))


def _rewrite(sentence: str) -> str:
    """One sentence in the plain form it states, or as it was."""
    stripped = sentence.strip()
    body = TELLING.sub(r"\g<rest>.", OPENERS.sub("", stripped))
    for pattern, replacement in REWRITES:
        match = pattern.search(body)
        if match and _names_ok(match):
            return body[: match.start()] + match.expand(replacement) + body[match.end() :]
    return stripped if body == stripped else body


def _each_sentence(text: str, rewrite: Callable[[str], str]) -> str:
    """`text` with each sentence passed through `rewrite`; the rest of the text is kept exactly as it was."""

    def one(match: re.Match[str]) -> str:
        sentence = match.group()
        stripped = sentence.strip()
        new = rewrite(stripped) if stripped else stripped
        if new == stripped:
            return sentence
        lead, trail = sentence[: len(sentence) - len(sentence.lstrip())], sentence[len(sentence.rstrip()) :]
        return f"{lead}{new}{'' if new.endswith(('.', '!', '?', ';')) else '.'}{trail}"

    return SENTENCE.sub(one, text)


def rephrase(text: str) -> str:
    """A message with each sentence that states a fact in a roundabout way rewritten plainly."""
    return _each_sentence(NOTHING_BEATS.sub(r"my favourite \g<thing> is \g<value>", text), _rewrite)


# ---------------------------------------------------------------------------------------------
# People the context knows by name
# ---------------------------------------------------------------------------------------------



KIN_KEY = re.compile(rf"^(?P<kin>{KIN})(?: (?P<name>[a-z][^\W\d_]*))?\b", re.I)


def people_in(facts: Mapping[str, list[Fact]]) -> dict[str, str]:
    """Name -> relation, for the human's people named in context facts ("sister name": Ines; "sister ines home")."""
    people: dict[str, str] = {}
    for key, found in facts.items():
        kin = KIN_KEY.match(key)
        if not kin:
            continue
        relation = kin.group("kin").lower()
        for fact in found:
            if key == f"{relation} name":
                named = re.match(r"[A-Z][^\W\d_]+", fact.value)
            else:  # "The human's sister Ines lives in Oslo": key "sister ines home"
                named = re.search(rf"\b{relation} ([A-Z][^\W\d_]+)", fact.sentence)
                named = named if named and named.group(1).lower() == kin.group("name") else None
            if named:
                people[named.group(0 if key == f"{relation} name" else 1)] = relation
    return people


def _link(sentence: str, people: Mapping[str, str]) -> str:
    """"Ines moved to Bristol" -> "My sister Ines lives in Bristol" when Ines is the human's sister."""
    stripped = TELLING.sub(r"\g<rest>.", OPENERS.sub("", sentence.strip()))
    for name, relation in people.items():  # "News from Ines: she's a vet now!" says "Ines is a vet now"
        stripped = re.sub(rf"^(?:big |good |great |some )?news from {re.escape(name)}\W+(?:she|he|they)(?:'s| is| are)\b",
                          f"{name} is", stripped, flags=re.I)
        said = re.match(rf"^{re.escape(name)} (?P<rest>(?:{SOON})?(?:lives|moved|works|is|got|started|has)\b.*)$",
                        stripped)
        if said:
            rest = re.sub(rf"^{SOON}(?:moved|relocated) to (?=[A-Z])", "lives in ", said.group("rest"))
            rest = re.sub(rf"^{SOON}(?:got|started|found|landed) (?:a |her |his |their )?(?:new )?job as\b", "works as",
                          rest)
            return f"My {relation} {name} {rest}"
    return sentence.strip()


def link_people(text: str, people: Mapping[str, str]) -> str:
    """A message with each sentence about a known person by name said as "my <relation> <name> ..."."""
    return _each_sentence(text, lambda sentence: _link(sentence, people)) if people else text


# ---------------------------------------------------------------------------------------------
# Keys for more questions
# ---------------------------------------------------------------------------------------------

NP = r"(?P<np>[^\W\d][\w\- ]{0,30}?)"
ASKED_VERBS = ("play", "drink", "eat", "speak", "study", "drive", "watch", "read", "collect", "cook", "teach",
               "support", "follow", "practise", "practice", "ride", "grow", "own", "use", "wear", "listen")
MORE_KEYS: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern, re.I), key) for pattern, key in [
    (rf"\b(?:when(?:'s| is)|what date is|what day is) my (?:trip|flight|holiday|vacation) to {NP}$", "trip to {np}"),
    (rf"\b(?:when|what date|what day) (?:am|are) (?:i|we) (?:going|flying|heading|travell?ing|off) to {NP}$", "trip to {np}"),
    (rf"\b(?:when(?:'s| is)|what date is|what day is) my {NP}$", "{np}"),
    (r"\bwhich (?:city|town|country|place) (?:am i living|do i live|am i based) in$", "home"),
    (rf"\bwhich (?:city|town|country|place) (?:does|do) my {NP} live(?: in)?$", "{np} home"),
    (rf"\bwhat(?:'s| is) my {NP}'s (?:job|occupation|profession|line of work)$", "{np} work"),
    (rf"\bwhat(?:'s| is) the name of my {NP}$", "{np} name"),
    (rf"\bwhat did (?:i|we) (?:name|call) my {NP}$", "{np} name"),
    (rf"\b(?:what|which)(?: [a-z]+){{0,2}} do i (?P<verb>{'|'.join(ASKED_VERBS)})\b", "verb:{verb}"),
]]
TIME_WORDS = re.compile(r"(?:\s+(?:now|these days|at the moment|currently|nowadays|again|right now|then))+\s*$", re.I)


def more_question_key(question: str) -> str | None:
    """The key of a question the basic patterns miss, or None."""
    text = TIME_WORDS.sub("", normalize(question).strip().rstrip("?!. ")).strip()
    for pattern, template in MORE_KEYS:
        match = pattern.search(text)
        if match:
            values = {name: value.lower().strip() for name, value in match.groupdict().items() if value}
            if "verb" in values:
                values["verb"] = third_person_verb(values["verb"])
            return template.format(**values)
    return None


def verb_key_matches(question_key: str, fact_key: str) -> bool:
    """Whether a fact answers a "verb:" key: "verb:plays" is answered by "plays chess on saturdays"."""
    return question_key.startswith("verb:") and fact_key.split()[:1] == [question_key.removeprefix("verb:")]
