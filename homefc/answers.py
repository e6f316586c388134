"""Replies rendered from call outcomes, so a small model never invents a state: "Turned off the hall light."."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from homefc.catalog import Catalog
from homefc.outcome import Outcome
from homefc.prompt import describe_state

PAST: dict[str, str] = {
    "turn_on": "Turned on",
    "turn_off": "Turned off",
    "toggle": "Switched",
    "open_cover": "Opened",
    "close_cover": "Closed",
    "stop_cover": "Stopped",
    "set_cover_position": "Moved",
    "lock": "Locked",
    "unlock": "Unlocked",
    "open": "Opened",
    "open_valve": "Opened",
    "close_valve": "Closed",
    "arm_away": "Armed (away)",
    "arm_home": "Armed (home)",
    "arm_night": "Armed (night)",
    "disarm": "Disarmed",
    "start": "Started",
    "pause": "Paused",
    "stop": "Stopped",
    "return_to_base": "Sent back to its dock:",
    "media_play": "Playing",
    "media_pause": "Paused",
    "media_stop": "Stopped",
    "media_next_track": "Skipped a track on",
    "media_previous_track": "Went back a track on",
    "volume_mute": "Muted",
    "press": "Pressed",
    "add_item": "Added to",
    "remove_item": "Removed from",
}
"""Past-tense phrase of a service; others read as their words ("set temperature" -> "Set temperature of")."""

ARG_PHRASES: dict[str, str] = {
    "brightness_pct": "at {}%",
    "brightness_step_pct": "by {}%",
    "temperature": "to {}°",
    "target_temp_step": "by {}°",
    "position": "to {}%",
    "volume_level": "to volume {}",
    "percentage": "to {}%",
    "color_name": "to {}",
    "color_temp_kelvin": "to {} K",
    "hvac_mode": "to {}",
    "preset_mode": "to {}",
    "fan_mode": "to fan {}",
    "item": "{}",
    "option": "to {}",
    "value": "to {}",
}


def the(name: str) -> str:
    """`Kitchen ceiling light` -> `the kitchen ceiling light`; proper names (`Mia's lamp`) keep their capital."""
    first = name.split(" ", 1)[0]
    if "'" in first or (len(first) > 1 and first[1:].isupper()):
        return name
    return "the " + name[:1].lower() + name[1:]


def name_of(catalog: Catalog, entity_id: str | None) -> str:
    """What people call the entity (its name), with an article; the id where the home does not know it."""
    entity = catalog.home.entity(entity_id) if catalog.home is not None and entity_id else None
    return the(entity.name) if entity is not None else str(entity_id)


def join(items: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _args_phrase(arguments: dict[str, Any]) -> str:
    parts = []
    for key, value in arguments.items():
        if key == "entity_id":
            continue
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        parts.append(ARG_PHRASES.get(key, key.replace("_", " ") + " {}").format(shown))
    return " ".join(parts)


def _action(outcome: Outcome) -> str:
    service = outcome.call.name.rpartition(".")[2]
    return PAST.get(service) or service.replace("_", " ").capitalize() + " of"


def _read(catalog: Catalog, outcome: Outcome) -> str:
    name = name_of(catalog, outcome.call.entity_id)
    if outcome.state is None:
        return f"{name[:1].upper()}{name[1:]}: {outcome.message}."
    spec = catalog.domains.get((outcome.call.entity_id or "").split(".", 1)[0])
    shown = spec.prompt_attributes if spec is not None else []
    if "unit_of_measurement" not in shown:
        shown = [*shown, "unit_of_measurement"]
    described = describe_state(outcome.state, shown, "compact") or "unknown"
    return f"{name[:1].upper()}{name[1:]} is {described}."


def render(catalog: Catalog, outcomes: Sequence[Outcome]) -> str:
    """One reply for a turn's outcomes: writes grouped by action, then reads, then what did not happen."""
    done: dict[tuple[str, str], list[str]] = {}
    sent: list[str] = []
    lines: list[str] = []
    for outcome in outcomes:
        if outcome.status in ("confirmed", "sent"):
            key = (_action(outcome), _args_phrase(outcome.call.arguments))
            done.setdefault(key, []).append(name_of(catalog, outcome.call.entity_id))
            if outcome.status == "sent":
                sent.append(name_of(catalog, outcome.call.entity_id))
    for (action, args), names in done.items():
        lines.append(" ".join(p for p in (action, join(names), args) if p) + ".")
    if sent:
        lines.append(f"({join(sent)} did not report back, so I cannot confirm it.)")
    for outcome in outcomes:
        name = name_of(catalog, outcome.call.entity_id)
        if outcome.status == "read":
            lines.append(_read(catalog, outcome))
        elif outcome.status == "needs_confirmation":
            service = outcome.call.name.rpartition(".")[2]
            verb = service.removesuffix("_cover").removesuffix("_valve").replace("_", " ")
            lines.append(f"Shall I {verb} {name}? It needs your yes.")
        elif outcome.status == "blocked":
            lines.append(f"I did not touch {name}: {outcome.message}.")
        elif outcome.status == "unavailable":
            lines.append(f"{name[:1].upper()}{name[1:]} is offline, so I could not reach it.")
        elif outcome.status == "timeout":
            lines.append(f"{name[:1].upper()}{name[1:]} did not confirm the change in time.")
        elif outcome.status == "failed":
            lines.append(f"That did not work for {name}: {outcome.message}.")
    return " ".join(lines)
