"""One action on two to four devices named together ("close the garage door and the living room blind 2",
"living room blinds and curtains shut", "the big light the floor lamp and the alcove spots in the lounge"): one
request per device, where each item names one device."""

from __future__ import annotations

import re

from homefc.catalog import Catalog
from homefc.home import Area
from homefc.references import KIND_DOMAINS, area_names, find_area, plain
from homefc.splits import LIST_REQUEST, is_entity_name, reason_last, without_leading_reason

PAIR_BREAK = re.compile(r",\s*(?:and\s+)?(?:also\s+)?|\s+(?:and(?:\s+also)?|plus)\s+|\s+(?=the\s)")
"""Between the devices of a pair or a short list: ", ", " and ", " and also ", " plus ", or a bare " the " (spoken
lists: "lock the front door the back door and the shed")."""


def split_named_pair(text: str, catalog: Catalog) -> list[str]:
    """One action on two to four devices, each named in full by its name or an alias ("close the garage door and
    the living room blind 2" → two requests); [text] otherwise. Only whole names split: "the living room and kitchen
    ceiling lights" shares its noun and stays one request."""
    # "nan's gone to bed, turn off her lounge light and the standard lamp": the reason gets no call of its own.
    match = LIST_REQUEST.match(without_leading_reason(text, catalog, felt=True).strip())
    if match is None or catalog.home is None:
        return [text]
    said = match.group("items")
    place, area = _trailing_room(said, catalog)
    said = said[: len(said) - len(place)]
    items = [plain(re.sub(r"^the\s+", "", i.strip(), flags=re.I)) for i in PAIR_BREAK.split(said)]
    items, reason = reason_last([i for i in items if i])
    prefix, tail = match.group("prefix") or "", match.group("tail") or ""
    if not 2 <= len(items) <= 4 or not (prefix or tail):
        return [text]
    items = _shared_room(items, catalog)
    if any(not _names_a_device(catalog, i, area) for i in items):
        return [text]
    return [f"{prefix}{item}{place}{tail}".strip() + reason for item in items]


def _names_a_device(catalog: Catalog, item: str, area_id: str | None) -> bool:
    """Whether an item names one device: in full, by words of one device's names, or as a room and words of one of
    its devices ("nan's lounge light" where "nan's lounge" is the annexe lounge)."""
    if is_entity_name(catalog, item) or names_one(catalog, item) or _words_of_one(catalog, item, area_id):
        return True
    found = _room_first(item, catalog)
    return found is not None and _words_of_one(catalog, item[len(found[0]) + 1 :], found[1].id)


def _room_first(item: str, catalog: Catalog) -> tuple[str, Area] | None:
    """(the room's name or alias, the area) where the item starts with a room said in full, the longest name first
    ("nan's lounge light"); None otherwise."""
    area = find_area(catalog, item)
    rooms = sorted(area_names(area), key=len, reverse=True) if area is not None else []
    room = next((n for n in rooms if item.startswith(f"{n} ")), None)
    return (room, area) if area is not None and room is not None else None


def _trailing_room(item: str, catalog: Catalog) -> tuple[str, str | None]:
    """(" in the lounge", its area id) where a list ends with a room said in full, which goes with every item ("the
    big light the floor lamp and the alcove spots in the lounge"); ("", None) otherwise."""
    found = re.search(r"\s+in\s+(?:the\s+)?(?P<room>[\w' ]+)$", item)
    area = find_area(catalog, found.group("room")) if found is not None else None
    if found is None or area is None or found.group("room") not in area_names(area):
        return "", None
    return found.group(0), area.id


def _words_of_one(catalog: Catalog, said: str, area_id: str | None = None) -> bool:
    """Whether two or more words, not a room alone, are all words of one device's name or alias and of no other
    device's ("living room blinds" of "Living room bay blinds"); one word or more of the area's devices where one is
    given ("the TV and the soundbar in the lounge")."""
    words = set(said.split())
    area = find_area(catalog, said)
    if len(words) < (1 if area_id else 2) or catalog.home is None or (area is not None and said in area_names(area)):
        return False
    kinds = KIND_DOMAINS.get(said)  # "the TV" is the media player, not the "TV backlight"
    owners = {
        e.device or e.id
        for e in catalog.home.entities
        if (area_id is None or e.area == area_id) and (kinds is None or e.domain in kinds)
        for n in [e.name, *e.aliases]
        if words <= set(plain(n).split())
    }
    return len(owners) == 1


def _shared_room(items: list[str], catalog: Catalog) -> list[str]:
    """ "living room blinds and curtains": the first item's room goes with later items that say none, where with it
    they name a device ("living room curtains")."""
    found = _room_first(items[0], catalog)
    if found is None:
        return items
    out = items[:1]
    for item in items[1:]:
        with_room = f"{found[0]} {item}"
        bare = find_area(catalog, item) is None and not is_entity_name(catalog, item)
        names = bare and (is_entity_name(catalog, with_room) or names_one(catalog, with_room))
        out.append(with_room if names else item)
    return out


def names_one(catalog: Catalog, said: str) -> bool:
    """Whether the words are part of one device's names or aliases and of no other device's ("the denon" of "Denon
    receiver" and its "Denon sound mode", "the era 300" of "Sonos Era 300"), and not a kind of device or a room."""
    if said in KIND_DOMAINS or find_area(catalog, said) is not None:
        return False
    return len(catalog.memo("name_parts", name_parts).get(said, ())) == 1


def name_parts(catalog: Catalog) -> dict[str, set[str]]:
    """Every run of whole words in an entity's names and aliases → the devices (or lone entities) that have it."""
    parts: dict[str, set[str]] = {}
    for entity in catalog.home.entities if catalog.home else []:
        for name in [entity.name, *entity.aliases]:
            words = plain(name).split()
            for start in range(len(words)):
                for end in range(start + 1, len(words) + 1):
                    parts.setdefault(" ".join(words[start:end]), set()).add(entity.device or entity.id)
    return parts
