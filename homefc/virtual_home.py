"""A pure-Python home: applies service calls to entity state the way Home Assistant does (effects are data)."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from homefc.calls import Call
from homefc.catalog import ENTITY_ARG
from homefc.domains import READ_SERVICE, DomainSpec, EffectSpec
from homefc.home import Home, state_text

# CSS3 colour names the light domain offers, as (r, g, b).
CSS3_COLORS: dict[str, tuple[int, int, int]] = {
    "red": (255, 0, 0),
    "green": (0, 128, 0),
    "blue": (0, 0, 255),
    "yellow": (255, 255, 0),
    "orange": (255, 165, 0),
    "purple": (128, 0, 128),
    "pink": (255, 192, 203),
    "white": (255, 255, 255),
    "cyan": (0, 255, 255),
    "magenta": (255, 0, 255),
    "violet": (238, 130, 238),
    "indigo": (75, 0, 130),
    "turquoise": (64, 224, 208),
    "gold": (255, 215, 0),
    "lime": (0, 255, 0),
    "teal": (0, 128, 128),
    "navy": (0, 0, 128),
    "coral": (255, 127, 80),
    "salmon": (250, 128, 114),
    "lavender": (230, 230, 250),
}


@dataclass
class EntityState:
    """State and attributes of one entity."""

    state: str | None
    """State text, as Home Assistant writes it."""
    attributes: dict[str, Any] = field(default_factory=dict)
    """Attributes."""


@dataclass(frozen=True)
class Change:
    """How one entity changed: (before, after) of its state and of each changed attribute."""

    state: tuple[str | None, str | None] | None
    """(before, after) when the state changed."""
    attributes: dict[str, tuple[Any, Any]]
    """Changed attributes: name → (before, after)."""


class VirtualHomeError(ValueError):
    """A call that cannot be applied (unknown entity or service)."""


def _scaled(spec: EffectSpec, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    out: float = value * spec.multiply / spec.divide * spec.sign
    if spec.round:
        return round(out)
    if isinstance(value, int) and spec.multiply == spec.divide == 1:
        return int(out)
    return out


def _clamp(spec: EffectSpec, value: float) -> float:
    if spec.min is not None:
        value = max(spec.min, value)
    if spec.max is not None:
        value = min(spec.max, value)
    return value


def _tidy_number(value: float) -> float | int:
    if isinstance(value, float):
        if value.is_integer() and not math.isnan(value):
            return int(value)
        return round(value, 4)
    return value


def _op_zero_state(ent: EntityState, spec: EffectSpec, args: Mapping[str, Any]) -> None:
    if_zero, otherwise = spec.value
    ent.state = if_zero if ent.attributes.get(spec.attr or "") in (0, 0.0) else otherwise


def _op_color_name(ent: EntityState, spec: EffectSpec, args: Mapping[str, Any]) -> None:
    ent.attributes["rgb_color"] = list(CSS3_COLORS[str(args["color_name"]).lower()])
    ent.attributes["color_mode"] = "rgb"


def _op_first_on(ent: EntityState, spec: EffectSpec, args: Mapping[str, Any]) -> None:
    modes = [m for m in ent.attributes.get(spec.attr or "", []) if m != "off"]
    ent.state = modes[0] if modes else "on"


def _op_count_state(ent: EntityState, spec: EffectSpec, args: Mapping[str, Any]) -> None:
    ent.state = str(len(ent.attributes.get(spec.attr or "", [])))


def _op_cycle(ent: EntityState, spec: EffectSpec, args: Mapping[str, Any]) -> None:
    options = list(ent.attributes.get(spec.attr or "", []))
    if options:
        i = options.index(ent.state) if ent.state in options else -1
        ent.state = options[(i + int(spec.value)) % len(options)]


OPS: dict[str, Callable[[EntityState, EffectSpec, Mapping[str, Any]], None]] = {
    "zero_state": _op_zero_state,
    "color_name": _op_color_name,
    "first_on": _op_first_on,
    "count_state": _op_count_state,
    "cycle": _op_cycle,
}


def _applies(spec: EffectSpec, ent: EntityState, args: Mapping[str, Any]) -> bool:
    if spec.if_arg and spec.if_arg not in args:
        return False
    if spec.unless_arg and spec.unless_arg in args:
        return False
    if spec.if_attr and spec.if_attr not in ent.attributes:
        return False
    if spec.if_state is not None and ent.state not in spec.if_state:
        return False
    return not (spec.if_args and any(args.get(k) != v for k, v in spec.if_args.items()))


def apply_effect(ent: EntityState, spec: EffectSpec, args: Mapping[str, Any]) -> None:
    """Apply one effect step to an entity state, in place."""
    if not _applies(spec, ent, args):
        return
    if spec.op is not None:
        OPS[spec.op](ent, spec, args)
        return
    if spec.state is not None:
        ent.state = spec.state
    if spec.state_from is not None and spec.state_from in args:
        value = args[spec.state_from]
        ent.state = str(_tidy_number(value)) if isinstance(value, int | float) else str(value)
    if spec.toggle is not None:
        on, off = spec.toggle
        ent.state = off if ent.state == on else on
    if spec.attr is None:
        return
    raw = args[spec.from_arg] if spec.from_arg and spec.from_arg in args else spec.value
    if raw is None and spec.from_arg:
        return
    if spec.onoff and isinstance(raw, bool):
        raw = "on" if raw else "off"
    current = ent.attributes.get(spec.attr)
    if spec.append or spec.remove:
        items = list(current or [])
        if spec.append and raw not in items:
            items.append(raw)
        if spec.remove and raw in items:
            items.remove(raw)
        ent.attributes[spec.attr] = items
        return
    if spec.only_if_unset and current not in (None, 0, 0.0):
        return
    value = _scaled(spec, raw)
    if spec.step:
        base = current if isinstance(current, int | float) and not isinstance(current, bool) else 0
        unrounded = base + raw * spec.multiply / spec.divide * spec.sign
        value = round(unrounded) if spec.round else unrounded
        value = _tidy_number(_clamp(spec, value))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = _tidy_number(_clamp(spec, value))
    ent.attributes[spec.attr] = value


class VirtualHome:
    """Entity states of a home, changed by calls according to the domain specs' effects."""

    def __init__(self, home: Home, domains: dict[str, DomainSpec]) -> None:
        self.home = home
        self.domains = domains
        self.states: dict[str, EntityState] = {
            e.id: EntityState(e.state, copy.deepcopy(e.attributes)) for e in home.entities
        }

    def setup(self, states: Mapping[str, Mapping[str, Any]]) -> None:
        """Override entity states before a test: {entity_id: {state, attributes}} (attributes merged)."""
        for entity_id, spec in states.items():
            if entity_id not in self.states:
                raise VirtualHomeError(f"setup names unknown entity {entity_id}")
            ent = self.states[entity_id]
            if "state" in spec:
                value = state_text(spec["state"])
                ent.state = None if value is None else str(value)
            ent.attributes.update(copy.deepcopy(dict(spec.get("attributes") or {})))

    def snapshot(self) -> dict[str, EntityState]:
        """A deep copy of every entity state."""
        return copy.deepcopy(self.states)

    def read(self, entity_id: str) -> EntityState:
        """Current state of one entity."""
        if entity_id not in self.states:
            raise VirtualHomeError(f"unknown entity {entity_id}")
        return copy.deepcopy(self.states[entity_id])

    def apply(self, call: Call) -> None:
        """Apply a validated call; read-only calls change nothing."""
        entity_id = call.arguments.get(ENTITY_ARG)
        domain, _, service = call.name.partition(".")
        if not isinstance(entity_id, str) or entity_id not in self.states:
            raise VirtualHomeError(f"{call.name}: unknown entity {entity_id!r}")
        if entity_id.split(".", 1)[0] != domain:
            raise VirtualHomeError(f"{call.name} does not apply to {entity_id}")
        spec = self.domains.get(domain)
        if spec is None or service not in spec.services:
            raise VirtualHomeError(f"unknown service {call.name}")
        if service == READ_SERVICE or not spec.services[service].writes:
            return
        args = {k: v for k, v in call.arguments.items() if k != ENTITY_ARG}
        ent = self.states[entity_id]
        for effect in spec.services[service].effects:
            apply_effect(ent, effect, args)


def predict(domains: dict[str, DomainSpec], call: Call, before: EntityState) -> EntityState:
    """The state one entity will have after a call, by the same effects the virtual home applies."""
    after = copy.deepcopy(before)
    domain, _, service = call.name.partition(".")
    spec = domains.get(domain)
    if spec is None or service not in spec.services:
        raise VirtualHomeError(f"unknown service {call.name}")
    args = {k: v for k, v in call.arguments.items() if k != ENTITY_ARG}
    if service != READ_SERVICE and spec.services[service].writes:
        for effect in spec.services[service].effects:
            apply_effect(after, effect, args)
    return after


def diff(before: Mapping[str, EntityState], after: Mapping[str, EntityState]) -> dict[str, Change]:
    """Every entity whose state or attributes differ between two snapshots."""
    out: dict[str, Change] = {}
    for entity_id, new in after.items():
        old = before.get(entity_id, EntityState(None))
        state = (old.state, new.state) if old.state != new.state else None
        keys = set(old.attributes) | set(new.attributes)
        attrs = {
            k: (old.attributes.get(k), new.attributes.get(k))
            for k in sorted(keys)
            if old.attributes.get(k) != new.attributes.get(k)
        }
        if state is not None or attrs:
            out[entity_id] = Change(state, attrs)
    return out
