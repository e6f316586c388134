"""What a turn refers to: pronouns, "… too", yes/no, "the first one", areas and entity names in plain words.

Pure text functions over the catalog, so the conversation engine stays readable and each rule is tested alone.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from homefc.catalog import Catalog
from homefc.home import Area, Entity
from homefc.retrieval import tokens

PLURAL = re.compile(r"\b(those|these|them|they|both|all of them|both of them)\b", re.I)
SINGULAR = re.compile(
    r"\b(it|that one|this one)\b|\b(that|this)\b(?=\s+(?:on|off|up|down|back|again|open|closed?)\b|\s*$)", re.I
)
ELLIPSIS = re.compile(
    r"^(?:(?:and|also|plus|what about|how about|same for|same with|now)\s+)+(?P<rest>.+?)"
    r"(?:\s+(?:too|as well|also))?[.!?]*$|^(?P<rest2>.+?)\s+(?:too|as well)[.!?]*$",
    re.I,
)
YES = frozenset(
    {"yes", "y", "yeah", "yep", "sure", "ok", "okay", "go ahead", "do it", "please do", "confirm", "yes please"}
)
NO = frozenset({"no", "n", "nope", "cancel", "don't", "do not", "stop", "never mind", "no thanks", "leave it"})
ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "last": -1}
ACTION_WORDS = frozenset(
    [
        "turn",
        "switch",
        "set",
        "open",
        "close",
        "shut",
        "lock",
        "unlock",
        "dim",
        "brighten",
        "start",
        "stop",
        "pause",
        "play",
        "arm",
        "disarm",
        "raise",
        "lower",
        "make",
        "put",
        "add",
        "remove",
        "increase",
        "decrease",
        "toggle",
        "run",
        "activate",
        "deactivate",
        "mute",
        "unmute",
        "skip",
        "boil",
        "water",
        "heat",
        "cool",
        "warm",
        "what",
        "is",
        "are",
        "how",
        "which",
        "whats",
        "show",
        "tell",
        "continue",
        "resume",
        "tilt",
        "silence",
        "dock",
        "send",
        "pull",
        "lift",
        "press",
        "buzz",
        "let",
        "enable",
        "disable",
    ]
)
VERBS = (
    r"(?:turn|switch|set|open|close|shut|lock|unlock|dim|brighten|start|stop|pause|play|resume|continue|arm|disarm"
    r"|raise|lower|make|put|add|run|activate|mute|unmute|skip|dock|send|pull|tilt|press)"
)
CLAUSE_BREAK = re.compile(
    r"\s*(?:;|,\s*(?:and\s+)?(?:then|also|after that)\b|\s+and\s+(?:then|also)\b|\s+then\b|,?\s+and\s+(?="
    + VERBS
    + r"\b))\s*",
    re.I,
)
"""Where one request ends and another begins: "…; …", "…, then …", "… and also …", "… and <verb> …"."""
SEQUENCE = re.compile(r";|\b(?:then|after that)\b", re.I)
"""A break that puts one request after another, not one action on two devices."""
PARTICLE = re.compile(r"\b(?:on|off|up|down)\b")
LIST_REQUEST = re.compile(
    r"^(?P<prefix>(?:(?:please|can you|could you)\s+)?" + VERBS + r"(?:\s+(?:on|off|up|down|out))?(?:\s+the)?\s+)?"
    r"(?P<items>.+?)"
    r"(?P<tail>\s+(?:on|off|up|down|halfway|a little|a bit|(?:to|by) \d+\s*(?:%|percent|degrees)?)(?:\s+please)?)?"
    r"[.!?]*$",
    re.I,
)
"""One action on a list of devices: "turn off the A, B and C", "A, B and C off"."""
BACK_REFERENCE = re.compile(r"\b(it|them|those|these|they|that one)\b", re.I)
STATE_WORDS = ("on", "off", "open", "closed", "locked", "unlocked", "playing", "paused", "running", "home", "away")
STATE_QUESTION = re.compile(
    r"^(?:what|which\s+(?P<kind>\w+))(?:'s|\s+is|\s+are|s)?\s+(?:(?:still|currently|now)\s+)?(?P<state>"
    + "|".join(STATE_WORDS)
    + r")(?:\s+(?:in\s+)?(?P<here>here)|\s+(?:in|at)\s+(?:the\s+)?(?P<area>[\w' ]+?))?(?:\s+right now|\s+now)?\s*\??$",
    re.I,
)
KIND_DOMAINS = {
    "light": ("light",),
    "lamp": ("light",),
    "switch": ("switch",),
    "plug": ("switch",),
    "fan": ("fan",),
    "blind": ("cover",),
    "shade": ("cover",),
    "shutter": ("cover",),
    "curtain": ("cover",),
    "cover": ("cover",),
    "window": ("cover",),
    "door": ("cover", "lock"),
    "lock": ("lock",),
    "tv": ("media_player",),
    "speaker": ("media_player",),
    "player": ("media_player",),
    "heater": ("climate",),
    "thermostat": ("climate",),
    "radiator": ("climate",),
}
"""The noun of "which lights are on?" → the domains it means (an unknown noun, "which devices", limits nothing)."""


def plain(text: str) -> str:
    """Lower case, no punctuation at the ends, single spaces."""
    return " ".join(re.sub(r"[^\w' ]+", " ", text.lower()).split())


def is_yes(text: str) -> bool:
    """An agreement to a question."""
    said = plain(text)
    return said in YES or said.split(" ", 1)[0] in {"yes", "yeah", "yep", "sure"}


def is_no(text: str) -> bool:
    """A refusal of a question."""
    said = plain(text)
    return said in NO or said.split(" ", 1)[0] in {"no", "nope", "cancel"}


def has_action(text: str) -> bool:
    """Whether the text says what to do (a verb or a question), not only which device."""
    return bool(ACTION_WORDS & set(plain(text).replace("'s", "").split()))


def split_clauses(text: str) -> list[str]:
    """Several requests in one sentence, one per action ("close the blind, then play the radio"); [text] unless
    every part says what to do and none points back at another ("turn on the lamp and then dim it" stays whole)."""
    parts, breaks, start = [], [], 0
    for found in CLAUSE_BREAK.finditer(text):
        parts.append(text[start : found.start()].strip(" ,.;"))
        breaks.append(found.group(0))
        start = found.end()
    parts.append(text[start:].strip(" ,.;"))
    breaks = [b for i, b in enumerate(breaks) if parts[i + 1] and any(parts[: i + 1])]
    parts = [p for p in parts if p]
    if len(parts) < 2 or not all(_says_what(p) for p in parts):
        return [text]
    if any(BACK_REFERENCE.search(p) for p in parts) or _shared_particle(parts, breaks):
        return [text]
    return parts


def _shared_particle(parts: Sequence[str], breaks: Sequence[str]) -> bool:
    """ "switch the fan and also the extractor off": a part with no verb of its own whose on/off/up/down belongs
    to the verb before it too (which says none), joined by "and (also)" rather than "then" or ";"."""
    for before, sep, part in zip(parts, breaks, parts[1:], strict=False):
        if has_action(part) or SEQUENCE.search(sep) or PARTICLE.search(plain(before)):
            continue
        return True
    return False


def split_list(text: str) -> list[str]:
    """One action on three or more devices, one request per device ("turn off the A, B and the C" → "turn off the
    A", …); [text] unless each item is a device-like phrase of 2–6 words with no verb of its own. Two-item lists stay
    whole: "the living room and kitchen ceiling lights" shares its noun, which splitting would lose."""
    match = LIST_REQUEST.match(text.strip())
    if match is None or "," not in match.group("items"):
        return [text]
    items = [i.strip() for i in re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group("items"))]
    items = [re.sub(r"^the\s+", "", i, flags=re.I) for i in items if i]
    if len(items) < 3 or any(not 2 <= len(i.split()) <= 6 or has_action(i) for i in items):
        return [text]
    prefix, tail = match.group("prefix") or "", match.group("tail") or ""
    return [f"{prefix}{item}{tail}".strip() for item in items]


PAIR_BREAK = re.compile(r",\s*(?:and\s+)?(?:also\s+)?|\s+(?:and(?:\s+also)?|plus)\s+")
"""Between the two devices of a pair: ", ", " and ", " and also ", " plus "."""


def split_named_pair(text: str, catalog: Catalog) -> list[str]:
    """One action on two devices, each named in full by its name or an alias ("close the garage door and the
    living room blind 2" → two requests); [text] otherwise. Only whole names split: "the living room and kitchen
    ceiling lights" shares its noun and stays one request."""
    match = LIST_REQUEST.match(text.strip())
    if match is None or catalog.home is None:
        return [text]
    items = [plain(re.sub(r"^the\s+", "", i.strip(), flags=re.I)) for i in PAIR_BREAK.split(match.group("items"))]
    items = [i for i in items if i]
    prefix, tail = match.group("prefix") or "", match.group("tail") or ""
    if len(items) != 2 or not (prefix or tail):
        return [text]
    if any(not _is_entity_name(catalog, i) for i in items):
        return [text]
    return [f"{prefix}{item}{tail}".strip() for item in items]


BOTH = re.compile(
    r"\bboth\s+(?:of\s+)?(?:the\s+|my\s+|our\s+)?(?P<name>[\w' ]+?)"
    r"(?=\s+(?:on|off|up|down|open|closed?|to|at)\b|[\s.,!?]*$)",
    re.I,
)
"""'both <name>': a pair of numbered twins ("both garden lights on")."""


def split_both(text: str, catalog: Catalog) -> list[str]:
    """ "Both <name> …" where the home has "<name>" and "<name> 2" (or the name's singular and its twin) → one
    request per twin; [text] otherwise."""
    match = BOTH.search(text)
    if match is None or catalog.home is None:
        return [text]
    name = plain(match.group("name"))
    for base in (name, name.removesuffix("s")):
        if _is_entity_name(catalog, base) and _is_entity_name(catalog, f"{base} 2"):
            head, tail = text[: match.start()], text[match.end() :]
            return [f"{head}{base}{tail}".strip(), f"{head}{base} 2{tail}".strip()]
    return [text]


ADD_ITEMS = re.compile(
    r"^(?P<pre>(?:.*?\b)?(?:add|put)\s+)(?P<items>[\w' -]+?(?:,\s*[\w' -]+?)*,?\s+and\s+[\w' -]+?)"
    r"(?P<post>\s+(?:to|on)\s+(?:the|my|our)\s+(?P<list>[\w' -]+?))[.!?]*$",
    re.I,
)
"""Several items for one list: "add eggs and butter to the shopping list"."""


def split_items(text: str, catalog: Catalog) -> list[str]:
    """One request per item where several are added to one to-do list of the home ("add eggs and butter to the
    shopping list" → "add eggs to the shopping list", …); [text] otherwise. Items are 1–3 words with no verb."""
    match = ADD_ITEMS.match(text.strip())
    if match is None or catalog.home is None:
        return [text]
    lists = {plain(n) for e in catalog.home.entities if e.domain == "todo" for n in [e.name, *e.aliases]}
    if plain(match.group("list")) not in lists:
        return [text]
    items = [i.strip() for i in re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group("items")) if i.strip()]
    if len(items) < 2 or any(not 1 <= len(i.split()) <= 3 or has_action(i) for i in items):
        return [text]
    return [f"{match.group('pre')}{item}{match.group('post')}" for item in items]


_NAMES: dict[int, tuple[weakref.ref[Catalog], frozenset[str]]] = {}


def _is_entity_name(catalog: Catalog, said: str) -> bool:
    """Whether the words are an entity's whole name or alias (worked out once per catalog: 9 ms at 2,000 entities)."""
    cached = _NAMES.get(id(catalog))
    if cached is None or cached[0]() is not catalog:
        home = catalog.home
        names = frozenset(plain(n) for e in (home.entities if home else []) for n in [e.name, *e.aliases])
        cached = _NAMES[id(catalog)] = (weakref.ref(catalog), names)
        weakref.finalize(catalog, _NAMES.pop, id(catalog), None)  # a live inventory rebuilds its catalog
    return said in cached[1]


def _says_what(part: str) -> bool:
    """A verb, or a bare state word ("the dining room radiator off")."""
    return has_action(part) or bool(re.search(r"\b(on|off|up|down)\s*$", plain(part)))


def substitute(text: str, names: Sequence[str]) -> str | None:
    """The text with its pronoun replaced by the names it points at; None when there is no pronoun."""
    if not names:
        return None
    phrase = " and ".join(names)
    if PLURAL.search(text):
        return PLURAL.sub(phrase, text, count=1)
    if SINGULAR.search(text):
        return SINGULAR.sub(phrase, text, count=1)
    return None


def ellipsis(text: str) -> str | None:
    """The new target of a turn that repeats the last action ("and the hall too" -> "the hall"), else None."""
    match = ELLIPSIS.match(text.strip())
    if match is None:
        return None
    rest = (match.group("rest") or match.group("rest2") or "").strip()
    return rest if rest and not has_action(rest) else None


def find_area(catalog: Catalog, text: str) -> Area | None:
    """The area the text names (by name or alias; the longest match wins)."""
    if catalog.home is None:
        return None
    words = tokens(text)
    best: tuple[int, Area] | None = None
    for area in catalog.home.areas:
        for name in [area.name, *area.aliases]:
            need = tokens(name)
            if need and need <= words and (best is None or len(need) > best[0]):
                best = (len(need), area)
    return best[1] if best else None


def _entity_words(entity: Entity) -> frozenset[str]:
    return tokens(" ".join([entity.name, *entity.aliases, entity.object_id.replace("_", " ")]))


def match_entities(catalog: Catalog, text: str, candidates: Sequence[str]) -> list[str]:
    """The candidates the text names best: most shared name words (ties all returned); [] when none share any."""
    if catalog.home is None:
        return []
    words = tokens(text)
    scored: list[tuple[int, str]] = []
    for entity_id in candidates:
        entity = catalog.home.entity(entity_id)
        if entity is not None:
            scored.append((len(_entity_words(entity) & words), entity_id))
    top = max((s for s, _ in scored), default=0)
    return [e for s, e in scored if s == top] if top else []


def choose(options: Sequence[str], text: str, catalog: Catalog) -> list[str]:
    """Which of the offered entities an answer picks: by name, by "the first", or all with "both"/"all"."""
    said = plain(text)
    if re.search(r"\b(both|all|every|each)\b", said):
        return list(options)
    for word, index in ORDINALS.items():
        if re.search(rf"\b(the )?{word}( one)?\b", said) and len(said.split()) <= 3:
            return [options[index]]
    picked = match_entities(catalog, text, options)
    if len(picked) == 1:
        return picked
    area = find_area(catalog, text)
    if area is not None and catalog.home is not None:
        in_area = [o for o in options if (e := catalog.home.entity(o)) is not None and e.area == area.id]
        if len(in_area) == 1:
            return in_area
    return []


def distinguishing(catalog: Catalog, text: str, entity_ids: Sequence[str]) -> bool:
    """Whether the text says something that tells these entities apart (a name word or area one lacks)."""
    if catalog.home is None:
        return True
    words = tokens(text)
    seen = []
    for entity_id in entity_ids:
        entity = catalog.home.entity(entity_id)
        if entity is None:
            return True
        area = next((a for a in catalog.home.areas if a.id == entity.area), None)
        area_words = tokens(" ".join([area.name, *area.aliases])) if area else frozenset()
        seen.append((_entity_words(entity) | area_words) & words)
    return len({frozenset(s) for s in seen}) > 1


@dataclass
class StateQuestion:
    """ "What's on in the living room?" """

    state: str
    area_text: str | None
    here: bool = False
    """True for "what's on here?": the speaker's area."""
    domains: tuple[str, ...] = ()
    """Domains the question is about ("which lights"); empty means every listed domain."""


def state_question(text: str) -> StateQuestion | None:
    """The state and area of a "what's on (in the X)" question, else None."""
    match = STATE_QUESTION.match(plain(text).replace(" s ", "'s "))
    if match is None:
        match = STATE_QUESTION.match(text.strip().lower())
    if match is None:
        return None
    kind = (match.group("kind") or "").lower()
    domains = KIND_DOMAINS.get(kind) or KIND_DOMAINS.get(kind.removesuffix("es")) or KIND_DOMAINS.get(kind[:-1], ())
    return StateQuestion(match.group("state"), match.group("area"), bool(match.group("here")), domains)
