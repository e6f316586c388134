"""Where one sentence holds several requests: clauses, lists of devices, named pairs, list items; reasons that
go with them (homefc.plurals splits plurals and "both").

Pure text functions (over the catalog where names matter), used by `Assistant.ask` before retrieval so each part
gets its own model pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from homefc.catalog import Catalog
from homefc.references import KIND_DOMAINS, area_list, area_names, find_area, has_action, plain

VERBS = (
    r"(?:turn|switch|set|open|close|shut|lock|unlock|dim|brighten|start|stop|pause|play|resume|continue|arm|disarm"
    r"|raise|lower|make|put|add|run|activate|mute|unmute|skip|dock|send|pull|tilt|press|roll|draw|extend|retract"
    r"|flip|toggle|kill|locate|find|trigger|sound|mark|delete|push|change|remember|fire up|power (?:on|off|up|down)"
    r"|speed up|slow down)"
)
CLAUSE_BREAK = re.compile(
    r"\s*(?:;|,\s*(?:and\s+)?(?:then|also|after that)\b|\s+and\s+(?:then|also)\b|\s+then\b|,?\s+and\s+(?="
    + VERBS
    + r"\b)|,\s*(?:and\s+)?(?=(?:(?:please|can you|could you|would you|will you)\s+)?"
    + VERBS
    + r"\b)|,\s+and\s+|(?:(?<=\bon)|(?<=\boff)|(?<=\bup)|(?<=\bdown)|(?<=\bout))(?:,\s*(?:and\s+)?|,?\s+and\s+)"
    + r"|(?:(?<=\d)|(?<=%)|(?<=\bpercent)|(?<=\bdegrees)|(?<=\bdegree)),?\s+and\s+"
    + r"|,?\s+and\s+(?=(?:the\s+)?volume\b)|,\s*(?=(?:the\s+)?volume\b)"
    + r"|(?<=[\w?])[?,]?\s+and\s+(?=(?:how|what|what's|whats|is|are|has|have)\s+(?!it\b|they\b|them\b))"
    + r"|,?\s+and\s+(?=(?:tell me|let me know|check)\b)"
    + r")\s*",
    re.I,
)
"""Where one request ends and another begins: "…; …", "…, then …", "… and also …", "…(,) and <verb> …",
"…, <verb> …", "…, and …", "… on/off/up/down/out(,) and …", "… on, …", "… to 21 and …", "… and the volume …"
(split_clauses keeps the sentence whole unless each part says what to do)."""
SEQUENCE = re.compile(r";|\b(?:then|after that)\b", re.I)
"""A break that puts one request after another, not one action on two devices."""
PARTICLE = re.compile(r"\b(?:on|off|up|down)\b")
LIST_REQUEST = re.compile(
    r"^(?P<prefix>(?:(?:please|can you|could you)\s+)?(?:" + VERBS + r"|get|send)(?:\s+(?:on|off|up|down|out))?"
    r"(?:\s+the)?\s+)?(?P<items>.+?)"
    r"(?P<tail>\s+(?:on|off|up|down|halfway|a little|a bit|(?:to|by) \d+\s*(?:%|percent|degrees)?"
    r"|cleaning|hoovering|vacuuming|mopping|going|started|shut|closed|open)(?:\s+please)?)?"
    r"[.!?]*$",
    re.I,
)
"""One action on a list of devices: "turn off the A, B and C", "A, B and C off"."""
STATEMENT = re.compile(
    r"^(?:(?:he|she|they|we|i|you|it)(?:'s|'re|'m|'ve|\s+(?:is|are|am|was|were|has|have|had)\b)"
    r"|(?:just\s+)?(?:off to|off out|heading (?:out|off|to)|going (?:out|to)|leaving for)\b"
    r"|(?:the\s+)?\w+'s\s+(?:\w+ing|gone|been|got|done|finished|back|home|out|asleep|broken|dead)\b)",
    re.I,
)
"""An item that is a reason, not a device: "…, he's fallen asleep", "off to the gym, …", "the wifi's playing up, …",
"nan's gone to bed, …"."""
DETERMINER = r"(?:the|my|our|his|her|their|all|every|both|\w+'s)"
RUN_ON = re.compile(
    r"(?<=[\w'])\s+(?=(?:(?:can|could|would|will)\s+you\b"
    rf"|(?:turn|switch)\s+(?:on|off|up|down)\s+{DETERMINER}\b|turn\s+{DETERMINER}\b"
    rf"|(?:close|shut|open|lock|unlock|dim|put|set|start|stop)\s+(?:{DETERMINER}|up)\b))",
    re.I,
)
"""A request starting mid-sentence in an unpunctuated transcript: "close the pool cover turn off the underwater
lights", "the wifi's playing up again can you restart the router"."""
NOT_BEFORE_REQUEST = frozenset(
    re.findall(
        r"\S+",
        "please pls you u to and or but so then also just not don't dont never do did i we i'll we'll you'll can"
        " could would will let's lets me us go gonna wanna if when what how where which why who",
    )
)
"""Words after which a verb continues the same request ("can you please turn", "remember to lock")."""
ARTICLES = frozenset({"the", "a", "an", "my", "our", "your", "his", "her", "their", "this", "that"})
"""Words after which a verb is part of a name ("the lock up script")."""
JOINING = frozenset({"and", "also", "then", "so"})
"""Words that join a request to the one before."""
CONDITION = re.compile(r"^(?:if|when|whenever|unless|once|as soon as|before|after|until|while)\b", re.I)


def run_on_cuts(text: str) -> list[int]:
    """Offsets where an unpunctuated transcript starts another request (RUN_ON), not after a word that carries the
    verb on ("to", "please", "can") nor inside a condition ("if it's cold turn on the heating")."""
    if CONDITION.match(text.strip()):
        return []
    cuts = []
    for found in RUN_ON.finditer(text):
        before = text[: found.start()].split()[-1].lower()
        clause = [w for w in re.split(r"[,;:]", text[: found.start()])[-1].split() if w.lower() not in JOINING]
        if before in NOT_BEFORE_REQUEST or before in ARTICLES or len(clause) == 1:
            continue  # "can you close …"; "run the lock up script"; "buzz open the door" (one word asks nothing)
        # "the plug switch on the landing" is a noun; "lights off switch on the fan" is a request.
        if text[found.end() :].lower().startswith("switch") and not re.fullmatch(r"on|off|up|down|\d+%?", before):
            continue
        cuts.append(found.end())
    return cuts


def with_commas(text: str) -> str:
    """The text with a comma before each run-on request (run_on_cuts), so the clause breaks see it."""
    for cut in reversed(run_on_cuts(text)):
        text = f"{text[:cut].rstrip()}, {text[cut:]}"
    return text


BACK_REFERENCE = re.compile(r"\b(it|them|those|these|they|that one|the same)\b", re.I)
DUMMY_IT = re.compile(
    r"\bhow\s+\w+\s+(?:it\s+is|is\s+it)\b|\bwhat\s+it(?:'s|\s+is)\s+like\b"
    r"|\bis\s+it\s+(?:going\s+to\s+)?(?:rain\w*|snow\w*|sunny|windy|cold|hot|warm|humid|freezing)\b",
    re.I,
)
""""It" that points at no device: "tell me how humid it is in there", "how windy is it up there"."""


def split_clauses(text: str) -> list[str]:
    """Several requests in one sentence, one per action ("close the blind, then play the radio"); [text] unless
    every part says what to do and none points back at another ("turn on the lamp and then dim it" stays whole).
    A trailing reason ("…, there's a frost tonight") goes with each part."""
    found = trailing_reason(text)
    reason = found.group(0) if found is not None else ""
    body = text[: found.start()] if found is not None else text
    parts = _mode_and_setpoint(body) or _split_clauses(with_commas(body))
    return [f"{p}{reason}" for p in parts] if len(parts) > 1 else [text]


MODE_AND_SETPOINT = re.compile(
    rf"^(?P<head>(?:(?:please|can you|could you)\s+)?(?:{VERBS}\s+)?(?P<device>(?:(?:the|my|our)\s+)?[\w' ]+?)\s+"
    r"(?:on|to|in)\s+(?:cool|cooling|heat|heating|dry|auto|fan only)(?:\s+mode)?)\s+(?:(?:at|to|and)\s+)?"
    r"(?P<value>\d+(?:[.,]\d+)?)(?P<unit>\s*(?:degrees?|°c?))?(?P<tail>\s+please)?[.!]*$",
    re.I,
)
"""A thermostat's mode and setpoint in one breath: "put the cinema air con on cool at 20 degrees", "barn air con on
heat 22 degrees"."""


def _mode_and_setpoint(text: str) -> list[str]:
    """ "put the cinema air con on cool at 20 degrees" → "put the cinema air con on cool", "set the cinema air con to
    20 degrees" (two services: the mode and the setpoint); [] where the words are not so."""
    found = MODE_AND_SETPOINT.match(text.strip())
    if found is None:
        return []
    tail, unit = found.group("tail") or "", found.group("unit") or " degrees"
    return [f"{found.group('head')}{tail}", f"set {found.group('device')} to {found.group('value')}{unit}{tail}"]


BARE_STATE = re.compile(
    r"^(?!(?:but|except|apart|leave|keep|not|other|save)\b)(?!.*\b(?:that's|that|which|who)\b)(?:the\s+)?[\w']+(?:\s+[\w']+){0,4}?\s+"
    r"(?:on|off|(?:to )?\d+(?:\s*(?:%|percent|degrees))?)$",
    re.I,
)
"""A device and its state, with no verb: "room 1 lamp on", "tom's lamp to 20 percent"."""
STATE_SPACE = re.compile(
    r"(?<=\s)(?:on|off|to \d+(?:\s*(?:%|percent|degrees))?|\d{2,}(?:\s*(?:%|percent|degrees))?)\s+"
    r"(?!(?:to|and|in|on|off|for|at|by|degrees|percent|minutes?|hours?|seconds?|the|my|our|his|her|their|a|an"
    r"|times|of|plus|minus|divided|multiplied|x)\b)",
    re.I,
)
"""The end of a device's state or value inside a transcript: on/off, "to 20", a two-digit value ("living room
thermostat 21 kitchen underfloor 19")."""


SWITCHING_VERB = re.compile(r"\b(?:turn|switch|put|flick|leave|keep|have)\b", re.I)
"""Verbs whose "on" or "off" is a state ("turn the hall light on kitchen light off")."""


def _bare_states(text: str) -> list[str]:
    """ "room 2 lamp off room 1 lamp on", "washer off dryer on" (a transcript, unpunctuated): one part per state
    where every part after the first is a device and its state with no verb; [text] otherwise."""
    cuts = [m.end() for m in STATE_SPACE.finditer(text)]
    parts = [text[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    if len(parts) < 2 or not all(BARE_STATE.match(p) and not has_action(p) for p in parts[1:]):
        return [text]
    if not re.sub(rf"\b(?:{VERBS}|on|off|please|can you|could you)\b", " ", parts[0], flags=re.I).strip():
        return [text]  # "turn off the light that's on": the first part is the verb alone
    verb = re.search(rf"\b(?:{VERBS})\b", parts[0], re.I)
    if verb and re.search(r"\b(?:on|off)$", parts[0], re.I) and not SWITCHING_VERB.search(parts[0]):
        return [text]  # "start the washing machine on cotton sixty": "on" says how it runs, not a state
    return [BARE_VALUE.sub(r"to \g<0>", p) for p in parts]


BARE_VALUE = re.compile(r"(?<!\bto )(?<!\bat )(?<!\bby )\b\d{2,}(?:\s*(?:%|percent|degrees))?$", re.I)
""" "kitchen underfloor 19" says its value without "to"."""


VALUE_AFTER_NAME = re.compile(
    r"\b(?P<before>[\w']+) (?P<value>(?:\d{2,}(?:[.,]\d+)?|\d+(?:[.,]\d+)?(?= ?(?:%|percent|per cent|degrees?|minutes?"
    r"|hours?)))(?: ?(?:%|percent|per cent|degrees?|minutes?|hours?))?(?:,?\s+(?:please|thanks|now))*)$",
    re.I,
)
NOT_A_NAME = frozenset(
    [
        "to",
        "at",
        "by",
        "in",
        "for",
        "of",
        "up",
        "down",
        "after",
        "within",
        "every",
        "about",
        "around",
        "over",
        "under",
        "on",
        "off",
        "like",
        "maybe",
        "say",
        "roughly",
        "just",
        "only",
        "least",
        "most",
        "than",
    ]
)


def _value_after_name(part: str) -> str:
    """ "hot water 60", "lamp 2 50 percent", "dryer timer 60 minutes" → "… to 60 …": a value said straight after
    a device's name, with no "to" (not "lamp 2", not "in 20 minutes")."""
    found = VALUE_AFTER_NAME.search(part)
    if found is None or found.group("before").lower() in NOT_A_NAME or "," in part[: found.start("value")]:
        return part  # "low, like 20%": a level said again, not a device's
    if re.search(r"\b(?:to|at)\b", part[: found.start("before")], re.I):
        return part  # "set the washing machine to quick 30": the value is part of an option's name
    return f"{part[: found.start('value')]}to {found.group('value')}"


def _split_clauses(text: str) -> list[str]:
    parts: list[str] = []
    breaks: list[str] = []
    start = 0
    for found in [*CLAUSE_BREAK.finditer(text), None]:
        pieces = _bare_states(text[start : found.start() if found else len(text)].strip(" ,.;"))
        parts.extend(pieces)
        breaks.extend([" "] * (len(pieces) - 1) + ([found.group(0)] if found else []))
        start = found.end() if found else start
    breaks = [b for i, b in enumerate(breaks) if parts[i + 1] and any(parts[: i + 1])]
    parts = [p for p in parts if p]
    if len(parts) > 1:
        # "sofa lamp 1 on and sofa lamp 2 50 percent", "heating 21 and hot water 60": a device and its bare value.
        parts = [_value_after_name(p) for p in parts]
    while len(parts) > 1 and (not _says_what(parts[0]) or (STATEMENT.match(parts[0]) and not has_action(parts[0]))):
        # A reason or a setting before the first request ("I'm off to read in the library, could you …") stays
        # with it.
        parts[:2] = [f"{parts[0]}, {parts[1]}"]
        breaks = breaks[1:]
    parts = _elided(parts)
    if len(parts) < 2 or not all(_says_what(p) for p in parts):
        return [text]
    if any(BACK_REFERENCE.search(DUMMY_IT.sub(" ", p)) for p in parts) or _shared_particle(parts, breaks):
        return [text]
    return parts


ALSO = re.compile(r"\s+(?:as well|too|also)(?:,?\s+please)?$", re.I)
ENDS_IN_PARTICLE = re.compile(r"\b(on|off|up|down)$", re.I)


def _elided(parts: list[str]) -> list[str]:
    """ "put the towel rail on and the bathroom light as well": a bare device with "as well" or "too" after a part
    ending in on/off/up/down takes that word ("the bathroom light on")."""
    out = parts[:1]
    for part in parts[1:]:
        particle = ENDS_IN_PARTICLE.search(out[-1])
        if particle and ALSO.search(part) and not _says_what(part):
            part = f"{ALSO.sub('', part)} {particle.group(1).lower()}"
        out.append(part)
    return out


def _shared_particle(parts: Sequence[str], breaks: Sequence[str]) -> bool:
    """ "switch the fan and also the extractor off": a part with no verb of its own whose on/off/up/down belongs
    to the verb before it too (which says none), joined by "and (also)" rather than "then" or ";"."""
    for before, sep, part in zip(parts, breaks, parts[1:], strict=False):
        # "… heating to 21 and the front room radiator to 20", "lock the shed, and the dehumidifier to 50 percent": a
        # value of its own.
        own_value = VALUE_END.search(POLITE_END.sub("", plain(part))) and (
            VALUE_END.search(POLITE_END.sub("", plain(before))) or "," in sep
        )
        verb = has_action(part) or REQUEST_START.search(plain(part))
        if verb or SEQUENCE.search(sep) or PARTICLE.search(plain(before)) or own_value:
            continue
        return True
    return False


def split_list(text: str, catalog: Catalog | None = None) -> list[str]:
    """One action on three or more devices, one request per device ("turn off the A, B and the C" → "turn off the
    A", …); [text] unless each item is a device-like phrase of 2–6 words, or a device's one-word name ("the
    fridge"), with no verb of its own. Two-item lists stay whole: "the living room and kitchen ceiling lights"
    shares its noun, which splitting would lose."""
    if catalog is not None and (rooms := area_list(text, catalog)) != text:
        return [rooms]  # "the bedroom 1, bedroom 2 and bedroom 3 blinds": rooms, for split_areas
    match = LIST_REQUEST.match(text.strip())
    if match is None or "," not in match.group("items"):
        return [text]
    items = [i.strip() for i in re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group("items"))]
    items = [re.sub(r"^the\s+", "", i, flags=re.I) for i in items if i]
    items, reason = reason_last(items)
    named = (lambda i: is_entity_name(catalog, plain(i))) if catalog is not None else (lambda i: False)
    if len(items) < 3 or any(not named(i) and (not 2 <= len(i.split()) <= 6 or has_action(i)) for i in items):
        return [text]
    prefix, tail = match.group("prefix") or "", match.group("tail") or ""
    if not (prefix or tail):
        # No action shared by the items: "I'm getting in the shower, extractor on and the mirror light too".
        return [text]
    owned = [bool(SAYS_WHAT.search(plain(i))) for i in items[:-1]]
    if any(owned):
        # "set the lamp to 50 percent, the downlights to 20 and the nanoleaf off": each item says its own value, so
        # the tail is the last item's alone.
        if not all(owned) or not prefix:
            return [text]
        return [f"{prefix}{item}".strip() + reason for item in items[:-1]] + [
            f"{prefix}{items[-1]}{tail}".strip() + reason
        ]
    return [f"{prefix}{item}{tail}".strip() + reason for item in items]


def reason_last(items: list[str]) -> tuple[list[str], str]:
    """The items without a last one that is a reason ("…, he's fallen asleep"), and that reason as ", …"."""
    if len(items) > 1 and STATEMENT.match(items[-1]):
        return items[:-1], f", {items[-1]}"
    return items, ""


THEN_IT = re.compile(
    rf"^(?P<first>.+?)(?P<join>,?\s+and\s+(?:then\s+)?|,\s*(?:then\s+)?)(?P<verb>{VERBS})\s+(?P<pronoun>it|them)\b",
    re.I,
)


LAST_CLAUSE = re.compile(rf",\s*(?:and\s+)?(?:then\s+)?(?={VERBS}\b)|\s+(?:and|then)\s+(?:then\s+)?(?={VERBS}\b)", re.I)
"""Where a clause that starts with a verb begins inside the words before a pronoun."""


SWITCHED = re.compile(r"\b(?:turn|switch|put|flick)\s+(?:on|off)\b|\b(?:on|off)$")


def named_back_reference(text: str, catalog: Catalog) -> str:
    """ "put the kitchen radio on classic fm and turn it up a bit" → "… and turn the kitchen radio up a bit": a
    pronoun after a verb of a later clause, where the clause just before it names one device in full (or by the
    words that begin several of its entities' names), is that device (so the clauses split, each with its device)."""
    found = THEN_IT.match(text.strip())
    if found is None:
        return text
    absolute = re.search(r"\bto \d", text.strip()[found.end() :])
    # The pronoun is the device of the clause just before it: in "put the cellar light on, set the washing machine
    # to quick 30 and start it", the washing machine.
    last = plain(LAST_CLAUSE.split(found.group("first"))[-1])
    if SWITCHED.search(last) and not absolute:
        # "turn on the lamp and then dim it" is one change of the lamp: a second pass would not see it on ("… and
        # set it to 40 percent" needs no state).
        return text
    said = f" {last} "
    names = _said_names(said, catalog.memo("entity_names", entity_names))
    if not names and re.match(rf"(?:{VERBS})\b", last, re.I):
        # "set the washing machine to quick 30 and start it": the device of "washing machine programme" and
        # "washing machine start"
        names = _said_names(said, catalog.memo("name_heads", name_heads))
    if len(names) != 1:
        return text
    start, end = found.span("pronoun")
    return f"{text.strip()[:start]}the {names[0]}{text.strip()[end:]}"


def _said_names(said: str, names: frozenset[str]) -> list[str]:
    """The names said in the words, less those said only as part of a longer one."""
    found = [n for n in names if f" {n} " in said]
    return [n for n in found if not any(n != m and f" {n} " in f" {m} " for m in found)]


def name_heads(catalog: Catalog) -> frozenset[str]:
    """The first two or more words of entity names, short of the whole name and not a room's name: what a device of
    several entities is called ("washing machine" for "washing machine programme" and "washing machine start")."""
    heads = set()
    for name in catalog.memo("entity_names", entity_names):
        words = name.split()
        heads.update(" ".join(words[:n]) for n in range(2, len(words)))
    rooms = set().union(*(area_names(a) for a in (catalog.home.areas if catalog.home else [])))
    return frozenset(heads - rooms)


def is_entity_name(catalog: Catalog, said: str) -> bool:
    """Whether the words are an entity's whole name or alias (the names worked out once per catalog: 9 ms at 2,000
    entities)."""
    return said in catalog.memo("entity_names", entity_names)


def entity_names(catalog: Catalog) -> frozenset[str]:
    home = catalog.home
    return frozenset(plain(n) for e in (home.entities if home else []) for n in [e.name, *e.aliases])


STEP_END = re.compile(r"\b(?:up|down) (?:by )?\d+(?:[.,]\d+)? ?(?:degrees?|%|percent)$")
COLOURS = (
    "red|green|blue|yellow|orange|purple|pink|white|cyan|magenta|violet|indigo|turquoise|gold|lime|teal|navy|coral"
    "|salmon|lavender"
)
"""The light domain's colour names (devices/domains/light.yaml; a test keeps them equal)."""
VALUE_END = re.compile(
    r"\bto \d+(?:[.,]\d+)? ?(?:%|percent|per cent|degrees?)?(?: (?:humidity|brightness|volume|speed))?$"
    rf"|(?<!\bthe )\b(?:{COLOURS})$"
)
SAYS_WHAT = re.compile(
    r"\b(?:on|off|up|down|out)$|\b(?:on|off|up|down) (?:to|by) \d|\bon at (?:half|full|max|low|medium|high|\d)"
    r"|^(?:the )?volume (?:(?:to|at) )?(?:\d|half|full|max|a quarter)|" + VALUE_END.pattern
)
"""A bare state or value after a device: "the radiator off", "the pendant down to 30 percent", "the spots to 60 %",
"the fan on at half speed"."""


STATE_FIRST = re.compile(r"^(?:the |all the )?(?:[\w']+ ){0,3}?(?:on|off) (?:in|at|for|around|across|throughout)\b")
"""A bare state before the place: "lights off in the study and the music room"."""
POLITE_END = re.compile(r"(?:,?\s+(?:please|pls|thanks|thank you|cheers|now|mate|love|dear))+$")
"""Words after the request that say nothing of it ("… off please")."""
QUESTION_WORDS = frozenset({"what", "whats", "is", "are", "how", "which"})
REQUEST_START = re.compile(
    rf"^(?:(?:please|can you|could you|would you)\s+)?(?:{VERBS}|hold(?! on\b)|go back|next|previous"
    r"|where(?:'s|\s+is|\s+are)|read me)\b"
)
"""An imperative or question that starts a part ("flip the tree", "go back a song on …", "where's the hoover")."""
STEP_WORD_END = re.compile(
    r"\b(?:slower|faster|louder|quieter|brighter|darker|warmer|cooler)$"
    r"|\bat \d+(?:[.,]\d+)? ?(?:(?:%|percent|per cent)(?: (?:volume|brightness|speed|humidity))?"
    r"|(?:volume|brightness|speed|humidity))$"
    r"|\b(?:volume|humidity|brightness|speed|temperature) (?:(?:to|at) )?\d+(?:[.,]\d+)?"
    r" ?(?:%|percent|per cent|degrees?)?$"
)
"""A device and a step or level with no verb: "the robot vacuum slower", "the tv at 40% volume", "boiler
temperature 53"."""
BEING = re.compile(r"\b(?:is|are|was|were|be|been|being|getting|gets|got|seems?)\b(?! the\b)")
"""Words of a statement ("the kids are quieter"), not of a question that asks after a device ("where is the …")."""


def _says_what(part: str) -> bool:
    """A verb, a question, or a bare state or value ("the dining room radiator off"); more than the bare word
    itself. A statement ("the kids are asleep") asks nothing."""
    said = POLITE_END.sub("", plain(part))
    words = said.replace("'s", "").split()
    statement = (
        not part.rstrip().endswith("?")
        and bool(words)
        and words[0] not in QUESTION_WORDS
        and not has_action(" ".join(w for w in words if w not in QUESTION_WORDS))
    )
    if len(words) > 1 and (SAYS_WHAT.search(said) or STEP_END.search(said) or STATE_FIRST.search(said)):
        return True
    starts_or_steps = REQUEST_START.search(said) or STEP_WORD_END.search(said)
    if len(words) > 1 and starts_or_steps and not STATEMENT.match(part) and not BEING.search(said):
        return True
    return has_action(part) and not statement


REASON = re.compile(
    r"(?:,\s*(?:(?:as|because|cos|since|so)\s+)?|\s+please\s+(?:(?:as|because|cos|since)\s+)?"
    r"|(?:(?<=\d)|(?<=\bon)|(?<=\boff)|(?<=\bup)|(?<=\bdown)|(?<=\bpercent)|(?<=\bdegrees)|(?<=\bcentimetres))"
    r"\s+(?=(?:i|we|he|she|they)\b))"
    r"(?P<reason>(?:(?:the|my|our)\s+)?[\w]+(?:'s|'re|'m|'ve|'ll|\s+(?:is|are|am"
    r"|was|were|has|have|had|will|need|needs|want|wants|can't|cannot|got)\b)[^,]*)[.!]*$",
    re.I,
)
"""A trailing statement: "…, we've all got baths tonight", "…, as it's driving me mad", "…, Joan's asleep", "… please
we're done eating", and unpunctuated after a value or state ("… to 110 centimetres i want to stand for a bit")."""
FELT = re.compile(
    r"\b(?:cold|hot|warm|cool|freezing|boiling|chilly|baking|roasting|dark|bright|gloomy|glare|loud|quiet|noisy"
    r"|stuffy|humid|dry|damp|steamy|smelly)\b",
    re.I,
)
"""A reason that says which way to go ("set the heating, I'm cold"): the request needs it."""


def trailing_reason(text: str) -> re.Match[str] | None:
    """The trailing statement that gives a reason, not a request: no verb of a request, no kind of device."""
    found = REASON.search(text)
    if found is None:
        return None
    reason = plain(found.group("reason"))
    if re.search(rf"\b{VERBS}\b", reason) or set(reason.replace("'s", " ").split()) & set(KIND_DOMAINS):
        return None
    return found


def without_reason(text: str, catalog: Catalog) -> str:
    """The request without a trailing reason, which the small model reads as more to do ("hot water to 60, we're
    all having baths" also ran the extractor); kept where the reason names a room or device ("…, I'm in the study"),
    says which way to go where the words before do not ("set the heating, I'm cold"), or those words do not say what
    to do."""
    text = without_leading_reason(text, catalog)
    found = trailing_reason(text)
    if found is None:
        return text
    before, reason = text[: found.start()], found.group("reason")
    # "I'm cold" says which way only where the words before it do not ("set the heating, I'm cold").
    felt = FELT.search(reason) and not SAYS_WHAT.search(plain(before))
    if not _says_what(before) or felt or names_a_device(catalog, reason):
        return text
    return text if find_area(catalog, plain(reason)) is not None else before


LEADING_REASON = re.compile(r"^(?P<reason>[^,]+),\s*(?:(?:so|and)\s+)?(?P<rest>.+)$", re.I)


def without_leading_reason(text: str, catalog: Catalog, *, felt: bool = False) -> str:
    """ "I'm going to sleep, turn off the lights in here" → "turn off the lights in here": a statement before the
    request that names no room, device or feeling (a feeling too where `felt`: the devices are named in full),
    when the rest says what to do and points back at nothing."""
    text = text.strip()
    cuts = run_on_cuts(text)
    found = LEADING_REASON.match(text)
    if cuts and (found is None or cuts[0] < found.end("reason")):
        # Unpunctuated: "we're done swimming shut the pool cover, …"
        found = LEADING_REASON.match(f"{text[: cuts[0]].rstrip()}, {text[cuts[0] :]}")
    if found is None or not STATEMENT.match(found.group("reason").strip()):
        return text
    reason, rest = plain(found.group("reason")), found.group("rest")
    if (
        re.search(rf"\b{VERBS}\b", reason)
        or (FELT.search(reason) and not felt)
        or set(reason.split()) & set(KIND_DOMAINS)
    ):
        return text
    if not _says_what(rest) or BACK_REFERENCE.search(rest):  # "we're out of halloumi, add it to the list"
        return text
    return text if names_a_device(catalog, reason) or find_area(catalog, reason) is not None else rest


def names_a_device(catalog: Catalog, text: str) -> bool:
    """Whether the text says some entity's whole name or alias."""
    said = f" {plain(text)} "
    return any(f" {n} " in said for n in catalog.memo("entity_names", entity_names) if n)
