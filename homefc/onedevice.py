"""Requests whose words name one device: the calls they keep.

A 135M model adds a call on another device for a reason clause ("open the velux, it's stuffy up there" also
turned a speaker up); docs/conventions.md says a second device needs words for more than one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from homefc.asked import ACTS, OFF_SAID, ON_SAID, READ_SAID, names_said
from homefc.calls import Call
from homefc.catalog import Catalog, Function
from homefc.references import KIND_DOMAINS, area_names, find_area, in_area, plain
from homefc.retrieval import Candidate
from homefc.rules import FILLER, is_kind, named_devices, said_or_here_area

SEVERAL = re.compile(
    r"\b(?:and|plus|also|as well|both|all(?! over\b)|every|everything|everywhere|each|rest|them|those|these|they"
    r"|then)\b"
    r"|\btoo\b(?!\s+(?!please\b|thanks\b|now\b)\w)|[&+;]"
)
"""Words that ask for more than one device: a conjunction, a quantifier, a plural pronoun, a sequence ("too" at a
clause's end; "way too warm" says how warm; "footprints all over the hall" is no quantity of devices)."""
DEVICE_NOUNS = frozenset(
    re.findall(
        r"\w+",
        "light lamp bulb strip spot spotlight switch plug socket fan blind shade shutter curtain cover window door"
        " gate lock tv telly screen speaker player radio radiator heater heating thermostat valve sensor camera vacuum"
        " alarm",
    )
)


def single_device(text: str, catalog: Catalog) -> bool:
    """Whether the words ask about one device: no conjunction, quantifier or plural pronoun, and no plural of a
    device noun ("lights", "blinds", "table lamps") unless one device is called so. Only for a home's devices (not
    for an imported tool list)."""
    if catalog.home is None or SEVERAL.search(text.lower()):
        return False
    nouns = catalog.memo("device_nouns", _device_nouns)
    said = plain(text)
    return not any(
        len(w) >= 4
        and w.endswith("s")
        and (w[:-1] in nouns or (w.endswith("es") and w[:-2] in nouns))
        and not _one_device_called(w, said, catalog)
        for w in said.split()
    )


def _one_device_called(word: str, said: str, catalog: Catalog) -> bool:
    """Whether a plural is one device's name: part of a name or alias said in full ("the worktop lights"), or the
    word of exactly one device of the area named, or of the home when none is ("the spotlights in bath three")."""
    home = catalog.home
    if home is None:
        return False
    padded = f" {said} "
    plain_names = catalog.memo("plain_names", _plain_names)
    if any(word in words.split() and f" {words} " in padded for _, _, words in plain_names):
        return True
    holders = {e: a for e, a, words in plain_names if word in words.split()}
    area = find_area(catalog, said)
    in_area = [e for e, a in holders.items() if area is not None and a == area.id]
    # None of the area named: the area may be misread ("bath three" as the bathroom); the home decides.
    return len(in_area or holders) == 1


def _plain_names(catalog: Catalog) -> tuple[tuple[str, str | None, str], ...]:
    """(entity id, area id, plain name) for every name and alias of the home's entities."""
    home = catalog.home
    entities = home.entities if home else []
    return tuple((e.id, e.area, plain(n)) for e in entities for n in [e.name, *e.aliases])


def _device_nouns(catalog: Catalog) -> frozenset[str]:
    """Generic device nouns plus every word of the home's entity names and aliases."""
    home = catalog.home
    words = {w for e in (home.entities if home else []) for n in [e.name, *e.aliases] for w in plain(n).split()}
    return DEVICE_NOUNS | words


def one_device_calls(calls: Sequence[Call], text: str, catalog: Catalog) -> list[Call]:
    """The calls a one-device request keeps: those on the device named in full, else whose name, aliases and area
    share the most words with the request (the first on a tie), one per service. The model adds a call for a reason
    clause ("open the velux, it's stuffy up there" also turned a speaker up), sometimes before the one asked for."""
    said = set(plain(text).split()) - FILLER
    whole = f" {plain(text)} "
    home = catalog.home
    best: tuple[bool, int, int] | None = None
    chosen = calls[0].entity_id if calls else None
    for i, call in enumerate(calls):
        entity = home.entity(call.entity_id) if home is not None and call.entity_id else None
        if home is None or entity is None:
            continue
        area = home.area(entity.area)
        own = [entity.name, *entity.aliases]
        names = [*own, *([area.name, *area.aliases] if area is not None else [])]
        # A device named in full ("Get Hetty going, there's biscuit crumbs all over the hall") beats shared words.
        in_full = any(f" {plain(n)} " in whole for n in own)
        score = (in_full, len(said & set(plain(" ".join(names)).split())), -i)
        if best is None or score > best:
            best, chosen = score, entity.id
    kept: dict[str, Call] = {}
    for call in calls:
        if call.entity_id == chosen:
            kept.setdefault(call.name, call)
    return list(kept.values())


TEMPERATURE_WORDS = frozenset(
    re.findall(
        r"[\w']+",
        "make it it's a bit little touch slightly tad warmer cooler colder hotter turn set bump drop nudge knock raise"
        " lower bring put take up down by degree degrees here please could can you would will feels feel getting cold"
        " hot warm cool chilly freezing boiling so too way is i'm we're me us for thanks cheers brr just now there"
        " heating heat heater radiator rad thermostat temperature climate aircon air con ac",
    )
)
"""Words a request to change a room's temperature may hold besides the room's and the device's names."""


def pinned_device(
    text: str,
    functions: Sequence[Function],
    pins: Mapping[str, Mapping[str, Any]],
    catalog: Catalog,
    context_area: str | None = None,
) -> set[str]:
    """The one thermostat of the room the words name (or the speaker's, for "here") whose target or mode they fix
    ("make it a bit warmer in the snug", "set the aircon in the bedroom to cool"), as a set; empty when there is no
    such single device, or when the words say more than a temperature change of that room ("make the oven in the
    kitchen warmer" is no thermostat's business).

    The model may still answer that it cannot help; the run time then asks again with that device alone."""
    home = catalog.home
    said = plain(text)
    if home is None:
        return set()
    area = said_or_here_area(catalog, said, context_area)
    if area is None:
        return set()
    found = {
        fn.entity_id
        for fn in functions
        if fn.entity_id
        and any(v is not None for v in pins.get(fn.key, {}).values())
        and (entity := home.entity(fn.entity_id)) is not None
        and entity.domain == "climate"
        and entity.area == area.id
    }
    if len(found) != 1:
        return set()
    entity = home.entity(next(iter(found)))
    assert entity is not None
    names = plain(" ".join([entity.name, *entity.aliases, area.name, *area.aliases])).split()
    known = TEMPERATURE_WORDS | FILLER | set(names)
    left = [w for w in said.split() if w not in known and not re.fullmatch(r"[\d.,]+", w)]
    return set() if left else found


def named_pinned(
    text: str, functions: Sequence[Function], pins: Mapping[str, Mapping[str, Any]], catalog: Catalog
) -> set[str]:
    """The one device the words name in full (name or alias) and fix a value for ("make the anglepoise warmer,
    about 3000 kelvin"), as a set; empty unless the words ask about one device."""
    named = named_devices(text, functions, catalog)
    if len(named) != 1 or not single_device(text, catalog):
        return set()
    pinned = {
        fn.entity_id
        for fn in functions
        if fn.entity_id in named and any(v is not None for v in pins.get(fn.key, {}).values())
    }
    return pinned


def named_acted(text: str, functions: Sequence[Function], catalog: Catalog) -> set[str]:
    """The one device the words name in full and act on, asking nothing ("turn on the Meaco"), as a set; empty
    otherwise. The model may answer such words with a refusal; the run time then asks again without the answer."""
    named = named_devices(text, functions, catalog)
    if len(named) != 1 or not single_device(text, catalog):
        return set()
    rest = names_said(text, functions, catalog).rest
    if (
        "?" in text
        or READ_SAID.search(rest)
        or not (ON_SAID.search(rest) or OFF_SAID.search(rest) or ACTS.search(rest))
    ):
        return set()
    return named


IN_ROOM = re.compile(r"\b(?:in|at)\s+(?:(?P<det>the|our|my|his|her|their)\s+)?(?P<room>[\w' ]+?)(?:\s+please)?\W*$")


def said_rooms_own(text: str, candidates: Sequence[Candidate], catalog: Catalog) -> list[Candidate]:
    """ "turn the fan on in our bathroom": a room said at the end by its whole name or alias keeps its one device of
    the kind said, as the speaker's room does in speakers_own (the family bathroom's "Bathroom extractor fan" was
    chosen over the en suite's, which the owners call "our bathroom")."""
    said = plain(text)
    found = IN_ROOM.search(said)
    if catalog.home is None or found is None:
        return list(candidates)
    names = {found.group("room"), f"{found.group('det')} {found.group('room')}"}
    areas = [a for a in catalog.home.areas if names & area_names(a)]
    if len(areas) != 1:
        return list(candidates)
    return speakers_own(said[: found.start()], candidates, catalog, areas[0].id)


def speakers_own(
    text: str, candidates: Sequence[Candidate], catalog: Catalog, context_area: str | None
) -> list[Candidate]:
    """The candidates without the other rooms' devices of a kind the words say once ("close the blind") where the
    speaker's room has exactly one of them and the words name no room and no device (docs/conventions.md: "the
    light" is the one in the speaker's area)."""
    home = catalog.home
    said = plain(text)
    if home is None or context_area is None or find_area(catalog, said) is not None or not single_device(text, catalog):
        return list(candidates)
    if names_said(text, [c.function for c in candidates], catalog).named:
        return list(candidates)
    # "switch on the kettle": the verb, not a kind of device.
    kinds = [w for w in re.sub(r"\bswitch (?=on|off)", " ", said).split() if w in KIND_DOMAINS]
    area = home.area(context_area)
    if len(kinds) != 1 or area is None:
        return list(candidates)
    entities = {c.function.entity_id for c in candidates if c.function.entity_id}
    of_kind = {e for e in entities if (entity := home.entity(e)) is not None and is_kind(entity, kinds[0])}
    own = {e for e in of_kind if (entity := home.entity(e)) is not None and in_area(entity, area)}
    if len(own) != 1:
        return list(candidates)
    return [c for c in candidates if c.function.entity_id not in of_kind - own]
