"""What the words fix about a request's calls: all the lights of an area, the candidates they rule out (numbered
twins, unnamed siblings, services that need an unsaid number or words of their own, a cover's other direction),
and, with homefc.values, the argument values they pin.

A 135M model drops calls from a list of lights and picks services the words do not ask for. docs/conventions.md
fixes these readings, so the run time computes them and leaves the model to choose what the words do not decide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from homefc.asked import (
    Said,
    cover_direction,
    names_said,
    switching_direction,
    unasked_changes,
    unasked_reads,
    unasked_services,
    unasked_toggles,
    unnamed_timers,
    unsaid_siblings,
)
from homefc.catalog import ENTITY_ARG, Catalog, Function
from homefc.choices import choice_arg, part_said, said_choices
from homefc.home import Area, Entity
from homefc.prompt import StateLike
from homefc.references import KIND_DOMAINS, area_names, find_area, plain
from homefc.retrieval import Candidate
from homefc.values import (
    BRIGHTNESS_LEVEL_ARGS,
    BRIGHTNESS_STEP_ARG,
    DEGREES,
    SPEED_STEP_ARG,
    TEMPERATURE_ARG,
    cover_position,
    no_brightness_level,
    no_brightness_step,
    temperature_setpoint,
    temperature_step,
    value_pins,
    volume_level,
)

AREA_LIGHTS_WORDS = frozenset(
    [
        "turn",
        "switch",
        "put",
        "kill",
        "the",
        "all",
        "every",
        "lights",
        "lamps",
        "on",
        "off",
        "out",
        "in",
        "of",
        "here",
        "this",
        "room",
        "please",
        "can",
        "could",
        "you",
        "would",
        "will",
        "now",
        "just",
        "my",
        "our",
        "want",
        "to",
        "a",
        "for",
        "me",
        "thanks",
        "thank",
        "cheers",
        "pls",
    ]
)
"""Words an area-wide light request may hold besides its area's name: anything else (a noun, a number, "dim",
"are" of a question) means the request is about something narrower, and the model decides."""
HERE = re.compile(r"\b(?:here|this room)\b")


def said_or_here_area(catalog: Catalog, said: str, context_area: str | None) -> Area | None:
    """The area the (plain) words name, else the speaker's where they say "here"."""
    home = catalog.home
    if home is None:
        return None
    area = find_area(catalog, said)
    return area if area is not None else (home.area(context_area) if context_area and HERE.search(said) else None)


@dataclass(frozen=True)
class AreaLights:
    """ "Turn off the kitchen lights": one call per light of the area."""

    service: str
    """light.turn_on or light.turn_off."""
    area: Area
    """The area meant."""
    functions: list[Function]
    """The service's function for each light of the area."""


def area_lights(text: str, catalog: Catalog, context_area: str | None = None) -> AreaLights | None:
    """The lights an "<area> lights on/off" request means, or None when the words do not fix them.

    The area is the one named, else the speaker's for "here" or when none is named. A light whose own name is
    said in the request ("the garden lights" as one entity) leaves the choice to the model; its words apart ("the
    lights in the office" beside an "office lights" alias) do not.
    """
    home = catalog.home
    said = plain(text)
    if home is None or not (_plural(said) or EVERY_LIGHT.search(said)) or text.rstrip().endswith("?"):
        return None
    spared = EXCEPT.search(said)
    said = said[: spared.start()] if spared is not None else said
    on, off = re.search(r"\bon\b", said), re.search(r"\b(?:off|out|kill)\b", said)
    if bool(on) == bool(off):
        return None
    area = find_area(catalog, said)
    if area is None and context_area and (HERE.search(said) or not _area_words_in(catalog, said)):
        area = home.area(context_area)
    said_words = _words(said) - ({"light"} if EVERY_LIGHT.search(said) else set())
    if area is None or said_words - AREA_LIGHTS_WORDS - _area_words(area):
        return None
    lights = [e for e in home.entities if e.domain == "light" and e.area == area.id]
    named = [e for e in lights for n in [e.name, *e.aliases] if _plural(n) and f" {plain(n)} " in f" {said} "]
    if named and not re.search(r"\b(?:all|every)\b", said) and spared is None:
        return None
    if spared is not None:
        # "all the kitchen lights off except the under cabinet ones": every light but those its words name.
        words = _words(spared.group("spared")) - SPARED_FILLER
        kept = [e for e in lights if words and words <= _words(" ".join([e.name, *e.aliases]))]
        if not kept or len(kept) == len(lights):
            return None
        lights = [e for e in lights if e not in kept]
    service = "light.turn_on" if on else "light.turn_off"
    functions = [f for e in lights if (f := catalog.get(service, e.id)) is not None]
    return AreaLights(service, area, functions) if functions else None


EVERY_LIGHT = re.compile(r"\b(?:every|each)\s+light\b")
EXCEPT = re.compile(
    r"\s*\b(?:except(?:\s+for)?|apart\s+from|other\s+than|save\s+for|but\s+(?:not|leave|keep))\s+(?P<spared>.+)$"
)
SPARED_FILLER = frozenset(
    {"the", "a", "my", "our", "one", "ones", "light", "lights", "lamp", "lamps", "on", "off", "alone", "please", "it"}
)


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


def _plural(name: str) -> bool:
    return bool(re.search(r"\b(?:lights|lamps)\b", name.lower()))


def _area_words(area: Area) -> frozenset[str]:
    return _words(" ".join([area.name, *area.aliases]))


def _area_words_in(catalog: Catalog, said: str) -> bool:
    """Whether the text holds a word of some area's name (an area named only in part, or misspelt)."""
    words = _words(said) - AREA_LIGHTS_WORDS
    return catalog.home is not None and any(words & _area_words(a) for a in catalog.home.areas)


def numbered_twins(text: str, functions: Sequence[Function], catalog: Catalog, said_of: Said | None = None) -> set[str]:
    """Candidate entities the words rule out by number: "the blind" is not "blind 2", "blind 2" not "the blind", and
    "the second blind" is "blind 2" (an ordinal counts where neither name is said; "first floor" is no ordinal).

    Only for a pair whose names differ by a trailing number, when the request names exactly one of the two.
    """
    names, said, _ = said_of or names_said(text, functions, catalog)
    found = ORDINAL.search(text.lower())
    ordinal = ORDINALS[found.group(1)] if found else None
    words = plain(text)
    drop: set[str] = set()
    for base, base_names in names.items():
        # "the second roof blind" says "roof blind" in full; the ordinal right before it decides.
        before = found is not None and any(
            re.search(rf"\b{re.escape(found.group(1))}\s+{re.escape(b)}\b", words) for b in base_names
        )
        for twin, twin_names in names.items():
            numbers = {
                int(t[len(b) + 1 :])
                for b in base_names
                for t in twin_names
                if t.startswith(b + " ") and t[len(b) + 1 :].isdigit()
            }
            if twin == base or not numbers:
                continue
            if before and twin not in said:
                drop.add(base if ordinal in numbers else twin)
            elif base in said or twin in said:
                if (base in said) != (twin in said):
                    drop.add(twin if base in said else base)
            elif ordinal is not None:
                # "the second blind": the twin numbered 2, not the unnumbered one; "the first blind": that one.
                drop.add(base if ordinal in numbers else twin)
    return drop


ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
ORDINAL = re.compile(r"\b(first|1st|second|2nd|third|3rd|fourth|4th)\b(?!\s+(?:floor|storey|story|time|thing))")


FILLER = frozenset(
    {"the", "a", "an", "my", "our", "your", "on", "off", "to", "at", "in", "of", "and", "too", "also", "please"}
    | {"it", "its", "up", "down"}
)
MORE_THAN_NAMED = re.compile(r"\b(?:all|every|everything|both|each|other|rest)\b")


def unnamed_siblings(
    text: str, functions: Sequence[Function], catalog: Catalog, said_of: Said | None = None
) -> set[str]:
    """Candidate entities ruled out because the text names others of their domain in full and nothing else.

    "Anna's bedside lamp at 30 percent" (an alias of the right lamp) is not the left bedside lamp too. A domain is
    left alone when the rest of the text still says a word of one of its other candidates' names ("the sofa lamp
    and the ceiling light"), or asks for more than the named ones ("all", "both", "the other").
    """
    names, said, rest = said_of or names_said(text, functions, catalog)
    if not said or MORE_THAN_NAMED.search(rest):
        return set()
    # "start the guest arrival routine": "routine" of the "Checkout routine" names no second script.
    left = set(re.findall(r"[\w']+", rest)) - FILLER - ROUTINE_WORDS
    named_domains = {e.split(".", 1)[0] for e in said}
    drop: set[str] = set()
    for domain in named_domains:
        others = [e for e in names if e.split(".", 1)[0] == domain and e not in said]
        if any(left & set(" ".join(names[e]).split()) for e in others):
            continue
        drop.update(others)
    if not SEVERAL_SAID.search(rest):
        # Words for one device, named in full: "kitchen spots to 40 percent" is not the kitchen blind either,
        # unless the rest says a word of its name or a kind of its domain.
        kinds = {d for w in left for d in KIND_DOMAINS.get(w.removesuffix("s"), ())}
        drop.update(
            e
            for e in names
            if e not in said
            and e.split(".", 1)[0] not in named_domains | kinds
            and not left & set(" ".join(names[e]).split())
        )
        # "put the Zappi on Eco": the "Zappi charge mode" whose option is said stays beside the charger named.
        drop -= _option_siblings(rest, functions, names, said)
    return drop


def _option_siblings(rest: str, functions: Sequence[Function], names: dict[str, list[str]], said: set[str]) -> set[str]:
    """Selects whose name shares a word with a device named and one of whose options the rest says (not "on" or
    "off", which switch the device named)."""
    named_words = {w for e in said for n in names.get(e, []) for w in n.split()} - FILLER
    padded = f" {rest} "
    return {
        fn.entity_id
        for fn in functions
        if fn.entity_id in names
        and fn.entity_id not in said
        and fn.entity_id.split(".", 1)[0] in ("select", "input_select")
        and named_words & {w for n in names[fn.entity_id] for w in n.split()}
        and any(f" {plain(v)} " in padded for a in fn.args if a.enum for v in a.enum if len(plain(v)) > 2)
    }


ROUTINE_WORDS = frozenset({"routine", "scene", "script", "automation", "mode", "programme", "program"})
"""Words that say what kind of routine, not which one."""
SEVERAL_SAID = re.compile(
    r"\band\b(?!\s+thank)|\b(?:plus|also|as well|too|then|both|all|every|everything|each|rest|them|they|those"
    r"|these)\b"
)
"""Words for more than one device (homefc.onedevice.SEVERAL, on words with the names blanked)."""


AMOUNT_WORDS = re.compile(
    r"\d|\b(?:half|halfway|quarter|full|max|maximum|min|minimum|bit|little|more|less|same|as|like|match)\b"
)
NUMBER_TYPES = ("integer", "number")


def unsaid_amounts(text: str, functions: Sequence[Function], catalog: Catalog, said_of: Said | None = None) -> set[str]:
    """Keys of device services that need a number the text does not give ("lower the blind" is not
    set_cover_position, "turn on the heating" not set_temperature): none when any number or amount word is said
    outside the devices' names ("blind 2" says no position)."""
    if AMOUNT_WORDS.search((said_of or names_said(text, functions, catalog)).rest):
        return set()
    return {
        fn.key
        for fn in functions
        if fn.entity_id and any(a.required and a.type in NUMBER_TYPES and a.name != ENTITY_ARG for a in fn.args)
    }


NOT_FOUND = re.compile(r"\b(?:can't|cannot|can not|couldn't|could not)\s+find\b", re.I)
"""An answer saying a device does not exist ("Sorry, I can't find a star lamp in your home.")."""


MISSING_THING = re.compile(r"\bfind (?:an? |the |any )?(?P<thing>[\w' -]+?)(?: in your home)?\W*$", re.I)


def area_alias_said(text: str, catalog: Catalog) -> bool:
    """Whether the text names an area by one of its aliases (which the prompt's ids do not show)."""
    said = f" {plain(text)} "
    areas = catalog.home.areas if catalog.home is not None else []
    return any(f" {p} " in said for a in areas for n in a.aliases if (p := plain(n)))


def devices_of_missing_area(answer: str, functions: Sequence[Function], catalog: Catalog) -> set[str]:
    """The candidates' entities in an area that the answer says does not exist, by one of the area's names ("Sorry,
    I can't find a study in your home.", "… a radiator in the study" when the office is also called the study): the
    prompt shows ids, not area aliases. Empty when no area is missing (then the device may really be missing)."""
    found = MISSING_THING.search(answer)
    if catalog.home is None or found is None:
        return set()
    thing = plain(found.group("thing"))
    # "a lamp in the lounge in the lounge": the kind before the first "in", the room after the last.
    kind, _, room = thing.partition(" in ")
    if not room:
        kind, room = "", thing
    room = room.rpartition(" in ")[2]
    room = re.sub(r"^the ", "", room)
    areas = {a.id for a in catalog.home.areas if room in {plain(n) for n in [a.name, *a.aliases]}}
    found_ids = set()
    for fn in functions:
        entity = catalog.home.entity(fn.entity_id) if fn.entity_id else None
        if entity is not None and entity.area in areas and is_kind(entity, kind):
            found_ids.add(entity.id)
    return found_ids


def is_kind(entity: Entity, kind: str) -> bool:
    """Whether a device is what "a <kind>" of an answer calls it ("radiator", "lamp", "climate"); any for no kind."""
    words = kind.split()
    if not words:
        return True
    noun = words[-1]
    domains = KIND_DOMAINS.get(noun.removesuffix("s"), (noun,))
    return entity.domain in domains or noun in plain(" ".join([entity.name, *entity.aliases])).split()


def named_devices(text: str, functions: Sequence[Function], catalog: Catalog) -> set[str]:
    """The candidates' entities the text names by their full name or one of their aliases ("the star lamp")."""
    if catalog.home is None:
        return set()
    said = f" {plain(text)} "
    found: set[str] = set()
    for fn in functions:
        entity = catalog.home.entity(fn.entity_id) if fn.entity_id else None
        if entity is not None and any(f" {p} " in said for n in [entity.name, *entity.aliases] if (p := plain(n))):
            found.add(entity.id)
    return found


VOLUME_SAID = re.compile(r"%|\b(?:volume|loud\w*|quiet\w*|sound|music|percent|per cent)\b")
LIST_ADD = re.compile(r"\b(?:add|put|stick|pop|chuck|throw|write|jot)\b.*\b(?:on|to|onto)\s+(?:the|my|our)\b")
"""Words that add to a list named after them."""
LIST_DONE = re.compile(
    r"\b(?:(?:tick|cross|mark)\b.*\b(?:on|off|from)|(?:take|strike|scratch)\b.*\b(?:off|from)"
    r"|(?:remove|delete)\b.*\bfrom)\s+(?:the|my|our|\w+'s)\b"
)
"""Words that tick off or remove an item of a list named after them ("take radio times off nan's list")."""


CLEANING = re.compile(r"\b(?:going|hoovering|hoover|vacuuming|cleaning|mopping|start|started)\b")
"""Words that send a vacuum off: "Get Hetty going" retrieved the hoover's stop, pause and spot clean, not its start."""
SWITCHED_OFF = re.compile(
    r"\b(?:turn|switch|power|shut)\s+(?:[\w']+\s+){0,4}?off\b|\boff(?:\s+(?:please|too|now))?\W*$"
)
"""Words that switch a device off: "turn … off", "… off please" at the end."""


def with_setters(text: str, candidates: Sequence[Candidate], catalog: Catalog) -> list[Candidate]:
    """The candidates plus the setter, for each entity among them, of a value the words fix: "turn the heating up a
    degree" retrieved the radiators' on, off and mode services but no setpoint, so the model could only read; "to
    BBC Radio 6 Music" the speaker's play and stop services but not select_source; and its turn_off where the words
    switch off."""
    tools: list[str] = []
    degrees = temperature_step(text) is not None or (
        temperature_setpoint(text) is not None and re.search(rf"\d\s*{DEGREES}", text.lower())
    )
    if degrees:
        tools += ["climate.set_temperature", "water_heater.set_temperature"]
    if cover_position(text) is not None:
        tools.append("cover.set_cover_position")
    if volume_level(text) is not None:
        tools.append("media_player.volume_set")
    if CLEANING.search(text.lower()):
        tools.append("vacuum.start")
    keys = {c.function.key for c in candidates}
    added: list[Candidate] = []
    said = f" {' '.join(re.findall(r'[a-z0-9]+', text.lower()))} "
    # Only where retrieval offered no off at all: more offs give the model more devices to switch off.
    off = SWITCHED_OFF.search(text.lower()) is not None and not any(
        c.function.tool.endswith(".turn_off") for c in candidates
    )
    for cand in candidates:
        entity_id = cand.function.entity_id
        more = [catalog.get(tool, entity_id) for tool in tools] if entity_id else []
        if off and entity_id:
            # "nana's telly off" retrieved the telly's play, stop and pause but not its off.
            more.append(catalog.get(f"{cand.function.tool.split('.')[0]}.turn_off", entity_id))
        # A listed value said word for word ("to BBC Radio 6 Music") brings the service that takes it.
        more += [fn for fn in (catalog.for_entity(entity_id) if entity_id else []) if _value_said(fn, said)]
        for fn in more:
            if fn is not None and fn.key not in keys:
                keys.add(fn.key)
                added.append(Candidate(fn, cand.score - 2e-3, cand.semantic))
    return [*candidates, *added]


def _value_said(fn: Function, said: str) -> bool:
    """Whether the (padded, plain) words say one of the function's listed values whole (two words or more) or as
    people shorten it ("radio 3" of "BBC Radio 3")."""
    arg = choice_arg(fn)
    values = arg.enum if arg is not None and arg.enum else []
    return any(
        (len(w) > 1 and f" {' '.join(w)} " in said) or part_said(v, said.strip())
        for v in values
        if (w := re.findall(r"[a-z0-9]+", v.lower()))
    )


def with_twins(text: str, candidates: Sequence[Candidate], catalog: Catalog) -> list[Candidate]:
    """The candidates plus, for "the second roof blind" where retrieval offered "Roof blind" alone, the same
    services of its numbered twin "Roof blind 2" (numbered_twins then picks between them)."""
    found = ORDINAL.search(text.lower())
    home = catalog.home
    if found is None or home is None:
        return list(candidates)
    words = plain(text)
    by_name = catalog.memo("entities_by_name", _entities_by_name)
    keys = {c.function.key for c in candidates}
    added: list[Candidate] = []
    for cand in candidates:
        entity = home.entity(cand.function.entity_id) if cand.function.entity_id else None
        said = [b for n in ([entity.name, *entity.aliases] if entity else []) if (b := plain(n))]
        said = [b for b in said if re.search(rf"\b{re.escape(found.group(1))}\s+{re.escape(b)}\b", words)]
        twins = [e for b in said for e in by_name.get(f"{b} {ORDINALS[found.group(1)]}", ())]
        for twin in twins:
            fn = catalog.get(cand.function.tool, twin)
            if fn is not None and fn.key not in keys:
                keys.add(fn.key)
                added.append(Candidate(fn, cand.score - 1e-3, cand.semantic))
    return [*candidates, *added]


def _numbered(names: Sequence[str], base: Sequence[str]) -> bool:
    """Whether one of the names is one of the base names and a number ("roof blind 2" of "roof blind")."""
    return any(n.startswith(b + " ") and n[len(b) + 1 :].isdigit() for n in names for b in base)


def _entities_by_name(catalog: Catalog) -> dict[str, list[str]]:
    """Entity ids by each plain name and alias (memoised per catalog)."""
    found: dict[str, list[str]] = {}
    for entity in catalog.home.entities if catalog.home else []:
        for name in {plain(n) for n in [entity.name, *entity.aliases]}:
            found.setdefault(name, []).append(entity.id)
    return found


ROOM_SETPOINT = re.compile(
    r"^(?:(?:please|can you|could you)\s+)?(?:set|put|make|turn|have)?\s*(?:the\s+)?(?P<room>.+?)\s+(?:to|at|on)\s+\d"
)


def _room_only(said: str, catalog: Catalog) -> bool:
    """Whether the words before "to <n>" are only a room's name ("set room 1 to 21", "the lounge to 19 please")."""
    found = ROOM_SETPOINT.match(said)
    if found is None:
        return False
    area = find_area(catalog, found.group("room"))
    return area is not None and plain(found.group("room")) in area_names(area)


def narrow(
    text: str,
    candidates: Sequence[Candidate],
    catalog: Catalog,
    states: Mapping[str, StateLike] | None = None,
) -> tuple[list[Candidate], dict[str, dict[str, Any]]]:
    """The candidates left once the words have ruled some out, and the values they pin (the run time's and the
    training data's one path from retrieval to prompt and grammar)."""
    candidates = with_twins(text, with_setters(text, candidates, catalog), catalog)
    candidates = unasked_toggles(text, candidates, catalog)
    functions = [c.function for c in candidates]
    said = names_said(text, functions, catalog)
    twins = numbered_twins(text, functions, catalog, said)
    # A name said but ruled out by an ordinal before it ("the second roof blind") names no sibling away.
    # …and the twin it picks counts as named ("close the second roof blind, the sun's in my eyes").
    picked = {e for e in said.names if e not in twins and any(_numbered(said.names[e], said.names[t]) for t in twins)}
    named = said.named - twins | (picked if twins & said.named else set())
    ruled_out = twins | unnamed_siblings(text, functions, catalog, said._replace(named=named))
    ruled_out |= unnamed_timers(text, functions, catalog, said)
    kept = [c for c in candidates if c.function.entity_id not in ruled_out]
    if ruled_out:
        # The later rules read the words with only the kept entities' names blanked.
        functions = [c.function for c in kept]
        said = names_said(text, functions, catalog)
    pins = value_pins(text, functions, catalog, states)
    unsaid = unsaid_amounts(text, functions, catalog, said) | cover_direction(text, functions, catalog, said)
    unsaid |= unasked_services(text, functions, catalog, said)
    chosen = said_choices(said.rest, functions, said.names)
    unsaid |= chosen.unsaid
    pins.update({key: values for key, values in chosen.pins.items() if key in chosen.exact})
    unsaid |= unasked_reads(text, functions, catalog, pins, said) | unasked_changes(text, functions)
    unsaid |= switching_direction(text, functions, catalog, pins, said)
    kept = [c for c in kept if c.function.key not in unsaid or c.function.key in pins]
    lists = {c.function.entity_id for c in kept if c.function.tool.startswith("todo.")} & said.named
    adds, done = LIST_ADD.search(text.lower()), LIST_DONE.search(text.lower())
    if lists and (adds or done) and not SEVERAL_SAID.search(said.rest):
        # "we're out of soy sauce, stick it on the shopping list": the list named, not the "Everyone out" script.
        kept = [c for c in kept if c.function.entity_id in lists]
    if done and not adds:
        # "tick off coffee beans on the groceries": the model added them.
        kept = [c for c in kept if c.function.tool != "todo.add_item"]
    stepped = {c.function.key for c in kept if TEMPERATURE_ARG in pins.get(c.function.key, {})}
    if stepped and temperature_step(text) is not None and not SEVERAL_SAID.search(said.rest):
        # "bump the heating up a degree" moves a setpoint: not the chest freezer "freezing" brought, unless named.
        kept = [c for c in kept if c.function.key in stepped or c.function.entity_id in said.named]
    setpoints = {c.function.key for c in kept if TEMPERATURE_ARG in pins.get(c.function.key, {})}
    if setpoints and not said.named and _room_only(said.rest, catalog):
        # "set room 1 to 21": a room's setpoint, not its blind's position or its door (the model locked it).
        kept = [c for c in kept if c.function.key in setpoints]
    if any(TEMPERATURE_ARG in p for p in pins.values()) and not VOLUME_SAID.search(text.lower()):
        # "could you set it to 21 in the office" is the thermostat's 21 degrees: the model set the speaker's volume.
        kept = [c for c in kept if c.function.tool != "media_player.volume_set"]
    if pins:
        # "2 degrees warmer" and "dim" fix the service as well as the value: the entity's other services go.
        pinned = {c.function.entity_id for c in kept if c.function.key in pins}
        kept = [c for c in kept if c.function.entity_id not in pinned or c.function.key in pins]
    siblings = unsaid_siblings(text, [c.function for c in kept], pins, catalog)
    kept = [c for c in kept if c.function.key not in siblings]
    # A value said in part ("heat" in "heating") keeps the entity's other services: the model decides.
    kept_keys = {c.function.key for c in kept}
    pins.update({key: values for key, values in chosen.pins.items() if key in kept_keys})
    if no_brightness_step(text):
        for c in kept:
            if c.function.entity_id and c.function.arg(BRIGHTNESS_STEP_ARG):
                pins.setdefault(c.function.key, {}).setdefault(BRIGHTNESS_STEP_ARG, None)
    if no_brightness_level(text):
        for c in kept:
            for arg in BRIGHTNESS_LEVEL_ARGS:
                if c.function.entity_id and c.function.arg(arg):
                    pins.setdefault(c.function.key, {}).setdefault(arg, None)
    if not re.search(r"\d", text):
        # "the ecofan a bit faster" is the fan's own step (docs/conventions.md); the model wrote a step of 10.
        for c in kept:
            if c.function.entity_id and c.function.arg(SPEED_STEP_ARG):
                pins.setdefault(c.function.key, {}).setdefault(SPEED_STEP_ARG, None)
    return kept, pins
