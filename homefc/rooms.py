"""Rooms a request names that the home does not have ("lights on in the cellar" in a home without one), devices
a room does not have ("the radiator in the guest toilet" where the guest WC has none), and appliances the home does
not have ("start the dishwasher").

A 135M model given the candidates of other rooms acts on one of them; docs/conventions.md says a device the home
does not have gets no call, so a room word the home knows under no name of its kind is answered without a model
pass. Words of one kind count as one room ("loo" for a "Guest WC"), so only a kind the home lacks is missing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from homefc.catalog import Catalog
from homefc.numbers import SMALL
from homefc.onedevice import DEVICE_NOUNS
from homefc.references import KIND_DOMAINS, area_names, find_area, home_names, in_area, plain
from homefc.rules import is_kind
from homefc.splits import entity_names, names_a_device

ROOM_KINDS: tuple[tuple[str, ...], ...] = (
    ("kitchen", "kitchenette"),
    ("bathroom", "bath", "shower room", "en suite", "ensuite"),
    ("bedroom", "sleeping room", "master bedroom"),
    ("living room", "lounge", "sitting room", "front room", "family room", "den", "snug", "tv room"),
    ("hall", "hallway", "entrance", "entryway", "foyer", "landing", "upstairs hall"),
    ("loft", "attic"),
    ("cellar", "basement"),
    ("garage", "carport"),
    ("garden", "yard", "backyard", "back garden", "front yard", "lawn", "driveway"),
    ("conservatory", "sunroom", "orangery"),
    ("office", "study", "home office"),
    ("nursery", "kids room", "kid's room", "children's room", "playroom", "games room", "play room"),
    ("utility", "utility room", "laundry", "laundry room", "wash room", "boot room", "mud room", "storage room"),
    ("porch",),
    ("terrace", "patio", "deck", "veranda", "balcony"),
    ("shed", "workshop", "hobby room", "summer house"),
    ("toilet", "wc", "loo", "lavatory", "cloakroom", "restroom", "powder room"),
    ("dining room", "dining area"),
    ("library", "reading room"),
    ("gym", "fitness room"),
    ("sauna",),
    ("pantry", "larder"),
    ("annex", "annexe", "granny flat"),
    ("guest room", "spare room"),
    ("greenhouse",),
    ("cinema", "home cinema", "movie room", "media room"),
    ("boiler room", "plant room"),
    ("dressing room", "walk-in wardrobe"),
)
"""Room words by kind: saying any of a kind the home has in some name is not a missing room."""
_PATTERNS = [re.compile(r"\b(?:" + "|".join(re.escape(w) for w in kind) + r")\b") for kind in ROOM_KINDS]


def _home_text(catalog: Catalog) -> str:
    """Every area and entity name and alias of the home, plain, one per line."""
    return "\n".join(plain(n) for n in home_names(catalog))


def _numbered_rooms(catalog: Catalog) -> frozenset[str]:
    """Words the home numbers its areas by ("room" of Room 1 … Room 5)."""
    areas = catalog.home.areas if catalog.home else []
    return frozenset(m.group(1) for a in areas if (m := re.fullmatch(r"([a-z]+) \d+", plain(a.name))))


def missing_room(text: str, catalog: Catalog) -> str | None:
    """The room word the request says whose kind no area or device name of the home has (with the device noun after
    it: "garage light"), or a numbered room the home does not number ("room 7" of Room 1 … Room 5), else None."""
    if catalog.home is None:
        return None
    said = plain(text)
    home = catalog.memo("home_text", _home_text)
    numbered = catalog.memo("numbered_area_words", _numbered_rooms)
    for found in re.finditer(rf"\b([a-z]+) (\d+|{'|'.join(SMALL[1:13])})\b", said):
        # "the radiator in room seven" where the home's rooms run from Room 1 to Room 5.
        n = found.group(2)
        room = f"{found.group(1)} {n if n.isdigit() else SMALL.index(n)}"
        if found.group(1) in numbered and not re.search(rf"\b(?:{room}|{found.group(0)})\b", home):
            return room
    for pattern in _PATTERNS:
        found = pattern.search(said)
        if found is not None and pattern.search(home) is None:
            # "the garage light": the device as said, for the answer.
            noun = re.match(r" (\w+?)s?\b", said[found.end() :])
            return found.group(0) + (f" {noun.group(1)}" if noun and noun.group(1) in DEVICE_NOUNS else "")
    return None


APPLIANCES: tuple[tuple[str, ...], ...] = (
    ("dishwasher",),
    ("washing machine", "washer"),
    ("tumble dryer", "dryer"),
    ("oven", "cooker"),
    ("microwave",),
    ("kettle",),
    ("fridge", "refrigerator"),
    ("freezer",),
    ("coffee machine", "coffee maker"),
    ("toaster",),
    ("hot tub", "jacuzzi"),
    ("minibar", "mini bar", "mini fridge"),
    ("air fryer",),
    ("homepod", "home pod"),
    ("chromecast",),
)
"""Appliances by kind: saying one the home has under no entity, alias or device name is asking for a missing
device."""
_APPLIANCE = re.compile(
    r"\b(?:the|my|our|a)\s+(?P<noun>" + "|".join(re.escape(w) for kind in APPLIANCES for w in kind) + r")"
    r"(?=$|[,.!?]|\s+(?:on\b|off\b|for\b|please\b|now\b|and\b|then\b|going\b|done\b|finished\b|running\b"
    r"|yet\b|again\b|at\b|to\b|from\b|is\b|in\b|up\b|down\b|a\b|cycle\b|program\b|programme\b))"
)


def _appliance_text(catalog: Catalog) -> str:
    """Every entity and device name, alias and entity object id of the home, plain, one per line."""
    home = catalog.home
    names = [n for e in (home.entities if home else []) for n in [e.name, *e.aliases, e.id.split(".")[-1]]]
    names += [d.name for d in (home.devices if home else [])]
    return "\n".join(plain(n.replace("_", " ")) for n in names)


def missing_appliance(text: str, catalog: Catalog) -> str | None:
    """The appliance a request is about ("start the dishwasher") when the home has none of its kind, else None.
    Left to the model when a device is named in full or another kind of device is said ("the light over the
    oven"), and for lists ("dishwasher tablets")."""
    if catalog.home is None:
        return None
    said = " ".join(text.lower().split())
    found = _APPLIANCE.search(said)
    if found is None or names_a_device(catalog, said) or re.search(r"\blists?\b", said):
        return None
    if any(re.search(rf"\b{kind}s?\b", said) for kind in KIND_DOMAINS if kind != "switch"):
        return None
    home = catalog.memo("appliance_text", _appliance_text)
    kind = next(k for k in APPLIANCES if found.group("noun") in k)
    if any(re.search(rf"\b{re.escape(w)}s?\b", home) for w in kind):
        return None
    return found.group("noun")


KIND_IN_ROOM = re.compile(
    r"\b(?P<noun>[\w']+?)s?\s+(?:(?:up|down)\s+)?(?:in|on|at|of)\s+(?=(?:the\s+|my\s+|our\s+)?(?P<room>[\w' ]+))"
)
"""A device noun and the words after "in", "on", "at" or "of" ("the radiator in the guest toilet", "the heating up
in the gym")."""


def missing_device(text: str, catalog: Catalog) -> tuple[str, str] | None:
    """(kind, room) for "the radiator in the guest toilet" or "the guest toilet radiator" where the room has no
    device of that kind (no domain of the kind, no name with the word), else None. Left to the model when a device
    is named in full."""
    home = catalog.home
    if home is None:
        return None
    said = plain(text)
    if names_a_device(catalog, said):
        return None
    for found in KIND_IN_ROOM.finditer(said):
        noun = found.group("noun")
        if noun not in KIND_DOMAINS or _verb_said(said, found):
            continue
        room_words = found.group("room").split()[:4]
        area = find_area(catalog, " ".join(room_words))
        if area is None:
            continue
        if not any(is_kind(e, noun) for e in home.entities if in_area(e, area)):
            named = next(
                (p for n in [area.name, *area.aliases] if (p := plain(n)) and f" {p} " in f" {' '.join(room_words)} "),
                plain(area.name),
            )
            return noun, named
    return _room_kind_missing(said, catalog)


AIR_CON = re.compile(r"\bair[ -]?(?:con|conditioning|conditioner)\b")
"""Air conditioning said in two words, as the one kind word "aircon"."""


def _aircon_names(catalog: Catalog) -> list[str]:
    """Every device name and alias, plain, with "air con" as "aircon" and a space before (worked out once)."""
    return [f" {AIR_CON.sub('aircon', n)}" for n in catalog.memo("entity_names", entity_names)]


def _room_kind_missing(said: str, catalog: Catalog) -> tuple[str, str] | None:
    """(kind, room) for "set the bathroom radiator to 22" where the bathroom has no radiator and no device's name
    holds "bathroom radiator" (another room's "Garden light" is no light of the garden's)."""
    home = catalog.home
    assert home is not None
    said = AIR_CON.sub("aircon", said)
    names = catalog.memo("aircon_names", _aircon_names)
    for area in home.areas:
        for room in area_names(area) - {""}:
            for found in re.finditer(rf"\b{re.escape(room)} (?P<noun>[\w']+?)s?\b", said):
                noun = found.group("noun")
                if noun not in KIND_DOMAINS or any(f" {room} {noun}" in n for n in names):
                    continue
                if _verb_said(said, found):  # "in library 2 switch on the lamps"
                    continue
                if not any(is_kind(e, noun) for e in home.entities if in_area(e, area)):
                    return noun, room
    return None


def _verb_said(said: str, found: re.Match[str]) -> bool:
    """ "switch on the cabin lamp": a kind word that is the verb, not a device ("the switch on the landing")."""
    if found.group("noun") not in ("switch", "plug"):
        return False
    before = said[: found.start()].split()[-1:]
    after = re.match(
        r"s?\s+(?:on|off|in)\s+(?:the|my|our|all|a|an|that|this|it|them|those|these)\b", said[found.end() :]
    )
    return not (before and before[0] in DETERMINERS) or after is not None


DETERMINERS = frozenset({"the", "a", "an", "my", "our", "that", "this", "his", "her", "their", "any", "each"})


THERE = re.compile(r"\b(?:in|out|up|down) there\b", re.I)


def clause_areas(clauses: Sequence[str], catalog: Catalog, context_area: str | None) -> list[tuple[str, str | None]]:
    """Each clause of a split sentence with the area it is about. Where the speaker's own area is unknown, a clause
    that names none is about the area an earlier clause named ("I'm reading in the library, open the shutter and
    put the heating up": the library's heating): its words get that area's name unless they name a device in full
    ("… and lock the front door"), which then only leans towards the area, or the area has no device of the kind
    said ("… and start the hoover"). "In there" is always that area."""
    out: list[tuple[str, str | None]] = []
    named = None
    for clause in clauses:
        area = find_area(catalog, clause)
        if area is not None:
            named = area
        elif named is not None and THERE.search(clause):
            clause = THERE.sub(f"in the {named.name.lower()}", clause, count=1)
        elif named is not None and context_area is None:
            carried = f"{clause} in the {named.name.lower()}"
            if names_a_device(catalog, clause):
                out.append((clause, named.id))
            elif missing_device(carried, catalog) is not None and missing_device(clause, catalog) is None:
                # "kitchen spots off, and start the hoover": no hoover in the kitchen, so the room is not carried.
                out.append((clause, None))
            else:
                out.append((carried, None))
            continue
        out.append((clause, context_area))
    return out
