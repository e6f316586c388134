"""Plurals and pairs that mean several devices: "both garden lights", "the bedside lamps", "the conservatory
blinds", "path lights 1 and 2", "kitchen and hall lights off": one request per device or area.

Pure text functions over the catalog, used by `Assistant.ask` after homefc.splits so each device gets its own
model pass (or the area-wide light rule).
"""

from __future__ import annotations

import re
from itertools import pairwise

from homefc.catalog import Catalog
from homefc.home import Entity
from homefc.references import KIND_DOMAINS, area_list, area_names, find_area, plain
from homefc.rules import AREA_LIGHTS_WORDS
from homefc.splits import VERBS, entity_names, is_entity_name, trailing_reason

BOTH = re.compile(
    r"\bboth\s+(?:of\s+)?(?:the\s+|my\s+|our\s+)?(?P<name>[\w' ]+?)"
    r"(?=\s+(?:on|off|up|down|open|closed?|to|at)\b|[\s.,!?]*$)",
    re.I,
)
"""'both <name>': a pair of numbered twins ("both garden lights on")."""


ONE_AND_TWO = re.compile(r"\b(?P<noun>[\w']+?)s?\s+(?:1|one)\s*(?:and|&|\+)\s*(?:2|two)\b", re.I)
"""'<name>s one and two': a numbered pair ("snug lamps one and two off")."""


def split_both(text: str, catalog: Catalog) -> list[str]:
    """ "Both <name> …" or "<name>s one and two …" where the home has "<name>" (or "<name> 1") and "<name> 2" (or
    the name's singular and its twin) → one request per twin; [text] otherwise."""
    if catalog.home is None:
        return [text]
    if len(shared := _shared_noun(text, catalog)) > 1 or len(shared := _counted(text, catalog)) > 1:
        return shared
    pair = ONE_AND_TWO.search(text)
    if pair is not None:
        return _numbered_pair(text, pair, catalog)
    match = BOTH.search(text)
    if match is None:
        twins = _plural_twins(text, catalog)
        return twins if len(twins) > 1 else _area_plural(text, catalog)
    name = plain(match.group("name"))
    head, tail = text[: match.start()], text[match.end() :]
    for base in (name, name.removesuffix("s")):
        for one, two in (
            (base, f"{base} 2"),
            (f"{base} 1", f"{base} 2"),
            (f"left {base}", f"right {base}"),
            (f"{base} left", f"{base} right"),
        ):
            if is_entity_name(catalog, one) and is_entity_name(catalog, two):
                return [f"{head}{one}{tail}".strip(), f"{head}{two}{tail}".strip()]
    return _both_of_a_kind(text, match, catalog)


def _both_of_a_kind(text: str, match: re.Match[str], catalog: Catalog) -> list[str]:
    """ "get both robots cleaning" where exactly two devices of one domain have "robot" in a name or alias: one
    request per device; [text] otherwise."""
    words = match.group("name").split()
    home = catalog.home
    for size in range(len(words), 0, -1):
        said = plain(" ".join(words[:size]))
        noun = said[:-2] if said.endswith("es") and said[:-2] in KIND_DOMAINS else said.removesuffix("s")
        if noun == said:
            continue
        found = [
            e
            for e in (home.entities if home else [])
            if any(re.search(rf"\b{re.escape(noun)}s?\b", plain(n)) for n in [e.name, *e.aliases])
        ]
        if len(found) == 2 and found[0].domain == found[1].domain:
            start = match.start("name")
            end = start + len(" ".join(words[:size]))
            head = text[: match.start()]
            return [f"{head}{plain(e.name)}{text[end:]}".strip() for e in found]
    return [text]


COUNTED = re.compile(
    r"\b(?:all\s+)?(?P<n>two|three|four|[234])\s+(?:of\s+the\s+)?(?P<noun>[a-z]+?)(?:es|s)\b"
    r"(?:\s+(?:in|on|at|of|by)\s+the\s+(?P<place>[\w' ]+?))?(?=\s*(?:,|please|[.!?]|$)|\s+(?:on|off|up|down)\b)",
    re.I,
)
COUNTS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}


def _counted(text: str, catalog: Catalog) -> list[str]:
    """ "shut all three blinds in the bay window" where exactly three devices of one domain have "blind" and a word of
    "bay window" in a name (or are in the room said): one request per device; [text] otherwise."""
    found = COUNTED.search(text)
    home = catalog.home
    if found is None or home is None:
        return [text]
    noun, place = found.group("noun").lower(), plain(found.group("place") or "")
    area = find_area(catalog, place) if place else None
    words = set(place.split()) - set(KIND_DOMAINS) - {"room", "the"}
    devices = []
    for e in home.entities:
        said = plain(" ".join([e.name, *e.aliases]))
        if not re.search(rf"\b{re.escape(noun)}s?\b", said):
            continue
        if place and not (e.area == (area.id if area else None) or words & set(said.split())):
            continue
        devices.append(e)
    if len(devices) != COUNTS[found.group("n").lower()] or len({e.domain for e in devices}) > 1:
        return [text]
    head, tail = text[: found.start()], text[found.end() :]
    return [f"{head}{plain(e.name)}{tail}".strip() for e in devices]


AND = re.compile(r"(?:,\s*)?\s+(?:and|&)\s+(?:the\s+)?", re.I)
NAMED_BEFORE = re.compile(r"(?:(?P<more>(?:[\w']+,\s*){1,2})|\b)(?P<a>(?:[\w']+\s+)?[\w']+)$")


def _shared_noun(text: str, catalog: Catalog) -> list[str]:
    """ "are the front and back doors locked", "lock the front, back and side doors" where the home has "Front door",
    "Back door" (and "Side door"): one request per device; [text] otherwise."""
    for join in AND.finditer(text):
        before, after = text[: join.start()], text[join.end() :]
        for b_words in (1, 2):
            right = re.match(
                rf"(?P<b>[\w']+(?:\s+[\w']+){{{b_words - 1}}})\s+(?P<noun>[\w']+?)(?P<plural>e?s)\b", after
            )
            left = NAMED_BEFORE.search(before)
            if right is None or left is None:
                continue
            nouns = [right.group("noun") + right.group("plural")[:-1], right.group("noun")]
            lefts = left.group("a").split()
            for a in dict.fromkeys([" ".join(lefts[-1:]), " ".join(lefts)]):
                names = [m.strip() for m in (left.group("more") or "").split(",") if m.strip()] + [a, right.group("b")]
                for noun in dict.fromkeys(nouns):
                    if all(is_entity_name(catalog, plain(f"{n} {noun}")) for n in names):
                        start = left.start("more") if left.group("more") else left.end("a") - len(a)
                        head, tail = text[:start], after[right.end() :]
                        return [f"{head}{n} {noun}{tail}" for n in names]
    return [text]


def _plural_twins(text: str, catalog: Catalog) -> list[str]:
    """ "kitchen blinds down" where the home has "Kitchen blind" and "Kitchen blind 2", "the bedside lamps" where
    it has "Derek's bedside lamp" and "Maggie's bedside lamp" (one room, no device called the plural): one request
    per device; [text] otherwise."""
    for names, plural in catalog.memo("plural_twins", _twin_plurals):
        found = plural.search(text)
        if found is not None:
            head, tail = text[: found.start()], text[found.end() :]
            return [f"{head}{name}{tail}".strip() for name in names]
    return [text]


def _area_plural(text: str, catalog: Catalog) -> list[str]:
    """ "close the conservatory blinds", "open all the blinds in the kitchen" where the room has two to four devices
    whose names say the noun ("Conservatory roof blinds", "Conservatory side blinds"), none called the phrase: one
    request per device; [text] otherwise, and for lights (every light of the area: rules.area_lights)."""
    home = catalog.home
    said = plain(text)
    area = find_area(catalog, said)
    if home is None or area is None:
        return [text]
    for name in sorted(area_names(area) - {""}, key=len, reverse=True):
        room = re.escape(name)
        found = re.search(rf"\b{room}\s+(?P<noun>\w+?)(?:e?s)\b", text, re.I) or re.search(
            rf"\b(?:all\s+(?:of\s+)?)?the\s+(?P<noun>\w+?)(?:e?s)\s+in\s+(?:the\s+)?{room}\b", text, re.I
        )  # "open all the blinds in the kitchen"
        noun = found.group("noun").lower() if found else ""
        if found is None or noun not in KIND_DOMAINS or noun in ("light", "lamp"):
            continue
        if re.search(r"\b(?:\d+|two|three|four|five|six|both|some|few|one of)\s+$", text[: found.start()], re.I):
            return [text]  # "three blinds in the lounge" is a count (_counted), not every one
        names = [
            plain(e.name)
            for e in home.entities
            if e.area == area.id and re.search(rf"\b{noun}(?:e?s)?\b", plain(" ".join([e.name, *e.aliases])))
        ]
        if not 2 <= len(names) <= 4 or is_entity_name(catalog, found.group(0)):
            return [text]
        the = "" if re.search(r"\bthe\s+$", text[: found.start()], re.I) else "the "
        return [f"{text[: found.start()]}{the}{n}{text[found.end() :]}" for n in names]
    return [text]


SIDE = re.compile(r"left|right|middle|centre|center|\d+")


def _twin_plurals(catalog: Catalog) -> list[tuple[list[str], re.Pattern[str]]]:
    """Phrases of two or more words ending in a device noun that two to four devices of one domain and one room share
    in a name ("bedside lamp", "kitchen blind"), with no device called by their plural: each device's name, and a
    pattern for the plural. Longest phrases first."""
    home = catalog.home
    shared: dict[str, dict[str, str]] = {}
    for entity in home.entities if home else []:
        for name in [entity.name, *entity.aliases]:
            words = plain(name).split()
            # The phrase ends the name, or only a side or number follows ("lounge lamp left"; "dressing room light
            # level" is no light).
            ends = [end for end in range(2, len(words) + 1) if all(SIDE.fullmatch(w) for w in words[end:])]
            spans = [(start, end) for end in ends for start in range(end - 1)]
            for start, end in spans:
                if words[end - 1] in KIND_DOMAINS:
                    shared.setdefault(" ".join(words[start:end]), {}).setdefault(entity.id, plain(entity.name))
            if len(words) > 1 and SIDE.fullmatch(words[-1]):
                # The whole name before its side or number ("Lily spot" of "Lily spot 1", "Hue Play" of "Hue Play
                # left"), whatever noun ends it.
                stem = " ".join(w for w in words if not SIDE.fullmatch(w))
                shared.setdefault(stem, {}).setdefault(entity.id, plain(entity.name))
    names = catalog.memo("entity_names", entity_names)
    out = []
    for phrase, found in sorted(shared.items(), key=lambda p: -len(p[0])):
        entities = [e for e in (home.entity(i) for i in found) if e is not None] if home else []
        if not 2 <= len(entities) <= 4 or f"{phrase}s" in names or (phrase in names and len(entities) > 2):
            continue
        if len({e.domain for e in entities}) > 1 or len({e.area for e in entities}) > 1:
            continue
        words = phrase.split()
        if find_area(catalog, " ".join(words[:-1])) is not None and len(words) == 2 and words[-1] == "light":
            continue  # "kitchen lights": every light of the room (rules.area_lights)
        # "the lily spots", and for a name that ends in no kind, a plural after it ("the Hue Play bars").
        plural = r"s\b" if words[-1] in KIND_DOMAINS else r"(?:s|\s+[a-z]{3,}s)\b"
        pattern = r"\b" + r"\s+".join(map(re.escape, words)) + plural + r"(?!\s+(?:1|2|one|two)\b)"
        out.append((list(found.values()), re.compile(pattern, re.I)))
    return out


def _numbered_pair(text: str, pair: re.Match[str], catalog: Catalog) -> list[str]:
    """The two requests of "<name>s one and two": the name is the noun with up to four words before it, alone or
    after the area the text names, whichever the home has as "<name>"/"<name> 1" and "<name> 2"."""
    before = plain(text[: pair.start()]).split()
    area = find_area(catalog, text)
    rooms = [""] + ([f"{plain(n)} " for n in [area.name, *area.aliases]] if area is not None else [])
    # "lamps one and two" of "Lamp 1"/"Lamp 2", and "path lights 1 and 2" of "Path lights"/"Path lights 2".
    nouns = dict.fromkeys([pair.group("noun").lower(), pair.group(0).split()[0].lower()])
    for size, noun in ((size, noun) for size in range(min(4, len(before)), -1, -1) for noun in nouns):
        base = " ".join([*before[len(before) - size :], noun])
        for room in rooms:
            first = next((f for f in (f"{room}{base}", f"{room}{base} 1") if is_entity_name(catalog, f)), None)
            if first is not None and is_entity_name(catalog, f"{room}{base} 2"):
                head = text[: pair.start()].rstrip()
                head = head[: len(head) - len(" ".join(before[len(before) - size :]))] if size else f"{head} "
                tail = text[pair.end() :]
                one = "1 " if first.endswith(" 1") else ""
                return [f"{head}{base} {one}{tail}".replace("  ", " ").strip(), f"{head}{base} 2{tail}".strip()]
    return [text]


def split_areas(text: str, catalog: Catalog) -> list[str]:
    """One request per area for the lights, or a plural kind, of several areas named together ("kitchen and hall
    lights off", "draw the curtains in the study and the sitting room" → "draw the curtains in the study", …);
    [text] unless the words are an area-wide request's, the areas are joined by "and" alone and, for a kind other
    than lights, every area has a device of it. A trailing reason goes with each part."""
    text = area_list(_every_numbered_room(_numbered_rooms(text, catalog), catalog), catalog)
    found = trailing_reason(text)
    parts = _split_areas(text[: found.start()] if found is not None else text, catalog)
    return [f"{p}{found.group(0) if found is not None else ''}" for p in parts] if len(parts) > 1 else [text]


NUMBERED_ROOMS = re.compile(
    r"\b(?P<noun>[a-z]+)s\s+(?P<numbers>\d+(?:\s*,\s*|\s+)(?:\d+(?:\s*,\s*|\s+))*(?:and|&)\s+\d+)\b", re.I
)


def _numbered_rooms(text: str, catalog: Catalog) -> str:
    """ "rooms 1 3 and 4" → "room 1 and room 3 and room 4" where the home has areas called so."""
    found = NUMBERED_ROOMS.search(text)
    if found is None:
        return text
    noun, numbers = found.group("noun"), re.findall(r"\d+", found.group("numbers"))
    names = [f"{noun} {n}" for n in numbers]
    if any((area := find_area(catalog, name)) is None or plain(name) not in area_names(area) for name in names):
        return text
    return f"{text[: found.start()]}{' and '.join(names)}{text[found.end() :]}"


def _every_numbered_room(text: str, catalog: Catalog) -> str:
    """ "every guest room", "all the bedroom blinds" → "guest room 1 and guest room 2 and …" where the home has two
    or more areas called by that stem and a number ("every room" stays: it means the whole home)."""
    if not re.search(r"\b(?:every|each|all)\b", text, re.I):
        return text
    for stem, names in catalog.memo("numbered_rooms", _room_stems).items():
        found = re.search(rf"\b(?:every|each|all(?:\s+of)?(?:\s+the)?)\s+{re.escape(stem)}s?\b", text, re.I)
        if found is not None:
            return f"{text[: found.start()]}{' and '.join(names)}{text[found.end() :]}"
    return text


def _room_stems(catalog: Catalog) -> dict[str, list[str]]:
    """Stem → the area names made of it and a number ("guest room" → "guest room 1", …), for stems with two or
    more, longest first."""
    stems: dict[str, list[str]] = {}
    for area in catalog.home.areas if catalog.home else []:
        for name in area_names(area):
            if (found := re.fullmatch(r"(?P<stem>[a-z][a-z' ]*?)\s+\d+", name)) and found.group("stem") != "room":
                stems.setdefault(found.group("stem"), []).append(name)
    return {s: sorted(n) for s, n in sorted(stems.items(), key=lambda i: -len(i[0])) if len(n) > 1}


def _split_areas(text: str, catalog: Catalog) -> list[str]:
    home = catalog.home
    said = plain(text)
    if home is None or " and " not in said:
        return [text]
    spans = [
        (m.start(), m.end(), area.id)
        for area in home.areas
        for name in area_names(area) - {""}
        for m in re.finditer(rf"\b{re.escape(name)}\b", said)
    ]
    chosen: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):  # longest names first, no overlaps
        if all(span[1] <= c[0] or span[0] >= c[1] for c in chosen):
            chosen.append(span)
    chosen.sort()
    if len(chosen) < 2 or len({c[2] for c in chosen}) != len(chosen):
        return [text]
    first, last = chosen[0][0], chosen[-1][1]
    joins = [said[a[1] : b[0]].split() for a, b in pairwise(chosen)]
    if any(not j or not set(j) <= {"and", "the", "in", "one"} for j in joins):  # "… and the one in the lounge"
        return [text]
    outside = (said[:first] + " " + said[last:]).split()
    extra = [w for w in outside if w not in AREA_LIGHTS_WORDS | {"both"}]
    parts = [f"{said[:first]}{said[c[0] : c[1]]}{said[last:]}" for c in chosen]
    if re.search(r"\b(?:lights|lamps)\b", said) and not extra:
        return parts
    if QUESTION.match(said):
        # "what's the temperature in the snug and in the dining room", "how warm are heather and snowdrop"
        return parts
    kind = [w for w in outside if w in ("lights", "lamps") or w not in AREA_LIGHTS_WORDS | {"both"}]
    found = _kind_in_each(kind, [c[2] for c in chosen], catalog)
    if found is None:
        return [text]
    plural, singular, counts = found
    # "the blue room radiators" for its one radiator had the model set another room's too.
    return [_one_of(p, plural, singular) if n == 1 else p for p, n in zip(parts, counts, strict=True)]


def _one_of(part: str, plural: str, singular: str) -> str:
    """The part about an area's one device of the kind: "both tellies off … the snug" → "the telly off … the snug"."""
    part = re.sub(rf"\b(?:both|all)\s+(?:of\s+)?(?:the\s+)?{plural}\b", f"the {plural}", part, count=1)
    return re.sub(rf"\b{plural}\b", singular, part, count=1)


QUESTION = re.compile(r"^(?:what|what's|whats|how|is|are|which)\b")
MASS_KINDS = frozenset({"heating", "aircon"})
"""Kinds said the same for one device or several ("the heating in A and B")."""
AREA_VERB = re.compile(rf"^{VERBS}$")
AMOUNT_WORD = re.compile(
    r"^(?:\d+(?:[.,]\d+)?|%|percent|degrees?|halfway|half|full|up|down|open|closed?|shut|a|bit|by)$"
)


def _kind_in_each(extra: list[str], areas: list[str], catalog: Catalog) -> tuple[str, str, list[int]] | None:
    """(plural, singular, devices per area) where the words besides the areas and a request's are one plural noun
    phrase ("curtains", "reading lamps") with verbs and amounts, and every area has devices of one domain whose
    names say it ("lock the shed and stern doors": the shed's door is a sensor, its lock no door)."""
    noun = [w for w in extra if not AREA_VERB.match(w) and not AMOUNT_WORD.match(w)]
    mass = len(noun) == 1 and noun[0] in MASS_KINDS
    if not noun or not 1 <= len(noun) <= 3 or len(noun[-1]) < 2:
        return None
    # "the tv in the snug and the one in the lounge": a singular noun, where each area has just one.
    singular = not mass and (not noun[-1].endswith("s") or len(noun[-1]) < 3)
    head = noun[-1] if mass or singular else _singular(noun[-1])
    phrase = " ".join([*noun[:-1], head])
    home = catalog.home
    assert home is not None

    def names(e: Entity) -> bool:
        if mass:
            return e.domain in KIND_DOMAINS[head]
        words = [f" {plain(n)} " for n in [e.name, *e.aliases]]
        return any(f" {phrase} " in w or f" {phrase}s " in w for w in words)

    found = [[e for e in home.entities if e.area == area and names(e)] for area in areas]
    shared = set.intersection(*({e.domain for e in devices} for devices in found))
    if not shared:
        return None
    counts = [sum(e.domain in shared for e in devices) for devices in found]
    return None if singular and set(counts) != {1} else (noun[-1], head, counts)


def _singular(plural: str) -> str:
    """ "tellies" → "telly", "switches" → "switch", "blinds" → "blind"."""
    if plural.endswith("ies") and len(plural) > 4:
        return f"{plural[:-3]}y"
    return plural[:-2] if plural.endswith("es") and plural[:-2] in KIND_DOMAINS else plural[:-1]
