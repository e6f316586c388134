"""Requests for something a device cannot do: "set the hallway light to blue" where that light has no colour, "the
bathroom extractor to 50 percent" on a fan with no speeds. The model turns such a device on; the owner asked for a
colour, so no call is made and the reply says what the device lacks (docs/conventions.md)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from homefc.calls import Call
from homefc.catalog import Catalog
from homefc.references import plain
from homefc.values import (
    BRIGHTNESS_ARG,
    BRIGHTNESS_STEP_ARG,
    COLOR_ARG,
    KELVIN_ARG,
    PERCENTAGE_ARG,
    SPEED_STEP_ARG,
    TEMPERATURE_ARG,
    WHITE_TONE,
    temperature_setpoint,
)

COLOR_SERVICE = ("light", "turn_on")
LEVEL_ARGS = (BRIGHTNESS_ARG, BRIGHTNESS_STEP_ARG)
SPEED_ARGS = (PERCENTAGE_ARG, SPEED_STEP_ARG)
DIM_SAID = re.compile(
    r"\b(?:dim|dimmer|dimmed|darker|brighter|brighten|less bright)\b|\d+\s*(?:%|percent\b|per cent\b)"
    r"|\b(?:full|half|max|maximum)\s+brightness\b"
)
"""A light level asked for; "too dark" and "too dim" are reasons to switch a light on, and do not count."""
SPEED_SAID = re.compile(
    r"\d+\s*(?:%|percent\b|per cent\b)|\b(?:speed|full|max|maximum|flat out)\b|\bhalf\b(?! an? hour)"
)
DEGREES_SAID = re.compile(r"\b\d+(?:\.\d+)?\s*(?:degrees?\b|°)")
SWITCHING = ("turn_on", "toggle")


def _colours(catalog: Catalog) -> frozenset[str]:
    """The colour names a light may take, from the light domain's spec."""
    spec = catalog.domains.get(COLOR_SERVICE[0])
    service = spec.services.get(COLOR_SERVICE[1]) if spec is not None else None
    field = service.fields.get(COLOR_ARG) if service is not None else None
    return frozenset(c for c in (field.enum or []) if c != "white") if field is not None else frozenset()


def _lacks(call: Call, said: str, catalog: Catalog, carried: set[str]) -> str | None:
    """What the call's device lacks that the words ask of it ("change colour"), else None; nothing where another
    call carries an argument of that kind (`carried`)."""
    entity_id = call.entity_id
    domain, _, service = call.name.partition(".")
    if entity_id is not None and TEMPERATURE_ARG in call.arguments and TEMPERATURE_ARG not in carried:
        return _beyond(call, said, catalog)
    dims = domain == "light" and service == "turn_off" and DIM_SAID.search(said) is not None
    if entity_id is None or (service not in SWITCHING and not dims) or catalog.home is None:
        return None
    entity = catalog.home.entity(entity_id)
    if entity is None:
        return None
    args = {a.name for f in catalog.for_entity(entity_id) for a in f.args}
    if dims:
        # "hall light down to fifty percent" on a light with no dimming: the model switched it off.
        return None if args.intersection(LEVEL_ARGS) or carried.intersection(LEVEL_ARGS) else "can't be dimmed"
    if domain == "light":
        own = set(plain(" ".join([entity.name, *entity.aliases])).split())
        words = set(re.findall(r"[a-z]+", WHITE_TONE.sub(" ", said))) - own
        colour = words & catalog.memo("light_colours", _colours) and not carried & {COLOR_ARG, KELVIN_ARG}
        if colour and COLOR_ARG not in args and KELVIN_ARG not in args:
            return "can't change colour"
        if DIM_SAID.search(said) and not args.intersection(LEVEL_ARGS) and not carried.intersection(LEVEL_ARGS):
            return "can't be dimmed"
    if (
        domain == "fan"
        and SPEED_SAID.search(said)
        and not args.intersection(SPEED_ARGS) | carried.intersection(SPEED_ARGS)
    ):
        return "has no speed setting"
    if domain == "switch" and DEGREES_SAID.search(said) and TEMPERATURE_ARG not in carried:
        return "can't be set to a temperature"
    return None


def _beyond(call: Call, said: str, catalog: Catalog) -> str | None:
    """ "goes up to 85 degrees" where the words set a temperature outside the device's range: the grammar keeps the
    model inside it, so it had written a value nobody said."""
    target = temperature_setpoint(said)
    fn = next((f for f in catalog.for_entity(call.entity_id or "") if f.tool == call.name), None)
    arg = fn.arg(TEMPERATURE_ARG) if fn is not None else None
    if target is None or arg is None or call.arguments.get(TEMPERATURE_ARG) == target:
        return None
    if arg.maximum is not None and target > arg.maximum:
        return f"goes up to {arg.maximum:g} degrees"
    if arg.minimum is not None and target < arg.minimum:
        return f"goes down to {arg.minimum:g} degrees"
    return None


def lacking(text: str, calls: Sequence[Call], catalog: Catalog) -> tuple[list[Call], str | None]:
    """The calls left once those on a device that lacks what the words ask of it are dropped, and a reply naming
    the first such device ("The Hallway light can't change colour.") when none is left, else None."""
    said = re.sub(r"\btoo (?:dark|dim)\b", " ", text.lower())
    kept: list[Call] = []
    reply: str | None = None
    for call in calls:
        # "greenhouse heater to 10 degrees and propagator on": a value another call carries is that device's.
        carried = {name for other in calls if other is not call for name in other.arguments}
        lack = _lacks(call, said, catalog, carried)
        if lack is None:
            kept.append(call)
        elif reply is None and catalog.home is not None and (entity := catalog.home.entity(call.entity_id or "")):
            reply = f"The {entity.name} {lack}."
    return kept, (reply if not kept else None)
