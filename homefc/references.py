"""What a turn refers to: pronouns, "… too", yes/no, "the first one", areas and entity names in plain words.

Pure text functions over the catalog, so the conversation engine stays readable and each rule is tested alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from homefc.catalog import Catalog
from homefc.home import Area, Entity
from homefc.numbers import SMALL, digits
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
        "roll",
        "draw",
        "extend",
        "retract",
        "take",
        "tick",
        "cross",
        "restart",
        "reboot",
        "reset",
        "clean",
        "cleaning",
        "hoover",
        "hoovering",
        "vacuuming",
        "mop",
        "mopping",
    ]
)
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
    "telly": ("media_player",),
    "television": ("media_player",),
    "radio": ("media_player",),
    "heating": ("climate",),
    "aircon": ("climate",),
    "hoover": ("vacuum",),
    "vacuum": ("vacuum",),
    "valve": ("valve",),
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


OWNER = re.compile(r"\b([A-Za-z]+)'s\b")
OWNER_PRONOUN = re.compile(r"\b(?:his|her|their)\b(?=\s+[A-Za-z])", re.I)


def home_names(catalog: Catalog) -> list[str]:
    """Every area and entity name and alias of the home."""
    home = catalog.home
    names = [n for a in (home.areas if home else []) for n in [a.name, *a.aliases]]
    return names + [n for e in (home.entities if home else []) for n in [e.name, *e.aliases]]


def _owners(catalog: Catalog) -> frozenset[str]:
    """Lower-case possessors in the home's names and aliases ("kai" of "Kai's room")."""
    return frozenset(m.group(1).lower() for n in home_names(catalog) for m in OWNER.finditer(n))


def _name_words(catalog: Catalog) -> frozenset[str]:
    return frozenset(w for n in home_names(catalog) for w in plain(n).split())


def owner_pronouns(text: str, catalog: Catalog) -> str:
    """The text with "his", "her" or "their" after the one owner the home names things by replaced by that owner:
    "turn off Kai's ceiling light and his LED strip" → "… and Kai's LED strip", so Kai's strip is found. An owner
    said without the apostrophe (a transcript's "jennas lamp", "abuelas lamp") gets it back first."""
    known = catalog.memo("owners", _owners)
    words = catalog.memo("name_words", _name_words)
    text = re.sub(
        r"\b([A-Za-z]+)s\b",
        lambda m: f"{m.group(1)}'s" if m.group(1).lower() in known and m.group(0).lower() not in words else m.group(0),
        text,
    )
    # "nan wants custard creams, put them on her list": the owner said by name alone counts too.
    said = [m for m in re.finditer(r"\b([A-Za-z]+)(?:'s)?\b", text) if m.group(1).lower() in known]
    if not said or len({m.group(1).lower() for m in said}) > 1:
        return text
    first = said[0]
    rest = OWNER_PRONOUN.sub(f"{first.group(1)}'s", text[first.end() :])
    return text[: first.end()] + rest


CORRECTION = re.compile(
    r"[\s,.]+(?:(?:oh\s+)?no\s+(?:sorry|wait)|sorry\s+i\s+mean|i\s+mean|no\s+make\s+(?:that|it)|actually\s+no"
    r"|or\s+rather|sorry)[\s,]+(?:(?:it's|its|it\s+is|make\s+(?:that|it)|i\s+meant)\s+)?(?P<fix>.+?)[\s.!?]*$",
    re.I,
)
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def self_corrected(text: str, catalog: Catalog) -> str:
    """The request as corrected at its end: "set the living room to 19 no sorry 21" → "… to 21", "the lamp in room 4
    oh no wait it's room 5" → "… in room 5"; the text where the correction is no number or room said before."""
    found = CORRECTION.search(text)
    if found is None:
        return text
    before, fix = text[: found.start()], found.group("fix")
    fix = digits(f"to {fix}")[3:]  # "twenty one" said alone
    numbers = list(NUMBER.finditer(before))
    if NUMBER.fullmatch(fix.split()[0]) and numbers and len(fix.split()) <= 2:
        last = numbers[-1]
        return f"{before[: last.start()]}{fix.split()[0]}{before[last.end() :]}"
    fix = re.sub(r"^the\s+", "", fix, flags=re.I)
    area, said = find_area(catalog, fix), find_area(catalog, before)
    if area is None or said is None or plain(fix) not in area_names(area):
        return text
    for name in sorted(area_names(said) - {""}, key=len, reverse=True):
        spot = re.search(rf"\b{re.escape(name)}\b", before, re.I)
        if spot is not None:
            return f"{before[: spot.start()]}{fix}{before[spot.end() :]}"
    return text


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


def area_names(area: Area) -> set[str]:
    """An area's name and aliases, plain."""
    return {plain(n) for n in [area.name, *area.aliases]}


def in_area(entity: Entity, area: Area) -> bool:
    """Whether a device is the area's: placed there, or placed nowhere with the area's name in its own ("Room 4 desk
    fan")."""
    if entity.area is not None:
        return entity.area == area.id
    name = f" {plain(entity.name)} "
    return any(f" {p} " in name for p in area_names(area) if p)


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


def numbered_names(text: str, catalog: Catalog) -> str:
    """A device's number said in words where the home names it with digits: "crittall blind two down" → "crittall
    blind 2 down" when the home has a "Crittall blind 2" (the twin's number, not a value)."""
    for base, number in catalog.memo("numbered_names", _numbered_names):
        text = re.sub(rf"\b({re.escape(base)})\s+{SMALL[number]}\b", rf"\g<1> {number}", text, flags=re.I)
    return text


def _numbered_names(catalog: Catalog) -> list[tuple[str, int]]:
    """(name before the number, number) for every device name or alias that ends in a number from 1 to 19."""
    found = []
    for entity in catalog.home.entities if catalog.home is not None else []:
        for name in [entity.name, *entity.aliases]:
            match = re.fullmatch(r"(.+?)\s+(\d{1,2})", plain(name))
            if match and 0 < int(match.group(2)) < len(SMALL):
                found.append((match.group(1), int(match.group(2))))
    return found


def area_list(text: str, catalog: Catalog) -> str:
    """ "the bedroom 1, bedroom 2 and bedroom 3 blinds", or the same unpunctuated → "bedroom 1 and bedroom 2 and
    bedroom 3": three or more area names in a row, the last after "and", are joined as split_areas reads them."""
    area = catalog.memo("area_name_pattern", _area_name_pattern)
    if area is None:
        return text
    found = re.search(rf"\b{area}(?:(?:\s*,\s*|\s+){area})+\s*,?\s+and\s+{area}\b", text, re.I)
    if found is None:
        return text
    names = re.findall(area, found.group(0), re.I)
    return f"{text[: found.start()]}{' and '.join(names)}{text[found.end() :]}"


def _area_name_pattern(catalog: Catalog) -> str | None:
    """Every area name and alias, longest first, as one regex group (None for a home without areas)."""
    home = catalog.home
    names = sorted({plain(n) for a in home.areas for n in area_names(a)} - {""}, key=len, reverse=True) if home else []
    return f"((?:{'|'.join(re.escape(n) for n in names)}))" if names else None
