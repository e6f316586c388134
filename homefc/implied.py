"""Requests whose words imply the devices without naming them: the lights of a dark room ("I can't see a thing in
here"), the thermometer of a place ("how cold is it outside?").

The small model answers such words as chit-chat, or picks another room's device that retrieval offered; the run time
(homefc.assistant) then asks again with these functions alone, as docs/conventions.md reads the words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from homefc.asked import ACTS, DARK_SAID
from homefc.calls import Call
from homefc.catalog import Catalog, Function
from homefc.references import plain
from homefc.rules import AreaLights, said_or_here_area

ASKS = re.compile(r"(?:why|what|whats|what's|how|hows|how's|is|are|does|do|did|was|were)\b")
"""A question's first word ("why is it so dark in here" may want an answer, not a light)."""


def dark_room_lights(text: str, catalog: Catalog, context_area: str | None = None) -> list[Function]:
    """The light.turn_on services of the room the words name (or the speaker's, for "here") where the
    words ask for light without saying what to do ("I can't see a thing in here"); empty otherwise, and for a
    question or words that act ("it's pitch black, open the curtains"). The model may answer such words as
    chit-chat or switch on another room's light; the run time then asks again with these alone."""
    lights = dark_room(text, catalog, context_area)
    return lights.functions if lights is not None else []


def dark_room(text: str, catalog: Catalog, context_area: str | None = None) -> AreaLights | None:
    """The room and its lights' turn_on that dark_room_lights reads from the words, or None."""
    home = catalog.home
    said = plain(text)
    if home is None or not DARK_SAID.search(said) or "?" in text or ASKS.match(said) or ACTS.search(said):
        return None
    area = said_or_here_area(catalog, said, context_area)
    if area is None:
        return None
    # From the whole home: retrieval may offer another room's lights for words that name none.
    lights = [
        fn
        for e in home.entities
        if e.domain == "light" and e.area == area.id and (fn := catalog.get("light.turn_on", e.id)) is not None
    ]
    return AreaLights("light.turn_on", area, lights) if lights else None


MEASURED = {
    "temperature": re.compile(
        r"\b(?:cold|colder|chilly|freezing|warm|warmer|hot(?! water| tub)|hotter|boiling|temperature|temp|degrees)\b"
    ),
    "humidity": re.compile(r"\b(?:humid|humidity|damp|muggy|sticky)\b"),
}
"""Words that ask what a sensor of a device class measures ("how cold is it", "is it humid in the bathroom")."""
OUTSIDE = re.compile(r"\b(?:outside|outdoors?|out there|out in|out on|external)\b")
OUTDOOR_PLACES = frozenset({"outside", "outdoor", "outdoors", "garden", "yard", "patio", "terrace", "balcony"})


def measured_reads(text: str, catalog: Catalog, context_area: str | None = None) -> list[Function]:
    """The get_state services of the sensors that measure what a question asks of a place ("how cold is it
    outside?", "what's the temperature in the garden"): the area's sensors of that class, or for "outside" with no
    area named, those whose name or area says they are outdoors. Empty for a statement ("it's freezing in here")."""
    home = catalog.home
    said = plain(text)
    if home is None or not ("?" in text or ASKS.match(said) or re.search(r"\b(?:tell me|check)\b", said)):
        return []
    classes = {c for c, words in MEASURED.items() if words.search(said)}
    if len(classes) != 1:
        return []
    area = said_or_here_area(catalog, said, context_area)
    if area is None and not OUTSIDE.search(said):
        return []
    found = []
    for e in home.entities:
        if e.domain != "sensor" or e.attributes.get("device_class") not in classes:
            continue
        if area is not None:
            here = e.area == area.id
        else:
            place = home.area(e.area) if e.area else None
            words = set(plain(" ".join([e.name, *e.aliases, *([place.name] if place is not None else [])])).split())
            here = bool(words & OUTDOOR_PLACES)
        if here and (fn := catalog.get("sensor.get_state", e.id)) is not None:
            found.append(fn)
    return found


def reads_the_place(calls: Sequence[Call], reads: Sequence[Function], catalog: Catalog) -> bool:
    """Whether the calls read a device where the reads' sensors are (the room's thermostat answers "how warm is it
    in the lounge" as well as its thermometer; the living room's thermometer does not answer "outside")."""
    home = catalog.home
    if home is None:
        return False
    sensors = [e for f in reads if (e := home.entity(f.entity_id or "")) is not None]
    places = {e.area for e in sensors}
    domains = {d for e in sensors for d in MEASURED_BY.get(e.attributes.get("device_class"), ())}
    return any(
        c.name.endswith(".get_state")
        and (e := home.entity(c.entity_id or "")) is not None
        and e.area in places
        and (
            e.domain in domains
            or any(e.attributes.get("device_class") == s.attributes.get("device_class") for s in sensors)
        )
        for c in calls
    )


MEASURED_BY = {"temperature": ("climate", "water_heater")}
"""Domains whose state says a measure besides its sensors: a thermostat's current temperature. Humidity only from a
humidity sensor where the room has one (a floor-heating thermostat says nothing of "how humid is the en-suite", and
a dehumidifier's current humidity is optional)."""
