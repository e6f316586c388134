"""Discovered entities → a home inventory: areas by name, devices, unique entity ids."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from homefc.home import Home, home_from_data

UNASSIGNED = "unassigned"

_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """`Kitchen Ceiling-Light 2` → `kitchen_ceiling_light_2`."""
    return _SLUG.sub("_", text.lower()).strip("_") or "unnamed"


@dataclass
class Found:
    """One discovered entity before ids are made unique."""

    domain: str
    name: str
    area: str | None
    device_id: str | None
    device_name: str | None
    device_info: dict[str, Any]
    mqtt: dict[str, Any]
    attributes: dict[str, Any] = field(default_factory=dict)
    object_id: str | None = None
    """The id the source asks for (`object_id`, `default_entity_id`, a friendly name); else the name's slug."""


def build_home(found: list[Found], name: str = "Discovered home") -> Home:
    """An inventory from discovered entities: areas by name ("unassigned" where none), unique entity ids."""
    areas: dict[str, str] = {}
    devices: dict[str, dict[str, Any]] = {}
    entities: list[dict[str, Any]] = []
    taken: set[str] = set()
    for f in found:
        area_name = f.area or UNASSIGNED
        area_id = slugify(area_name)
        areas.setdefault(area_id, area_name if f.area else "Unassigned")
        if f.device_id is not None and f.device_id not in devices:
            devices[f.device_id] = {"id": f.device_id, "name": f.device_name or f.name, "area": area_id}
            if f.device_info:
                devices[f.device_id]["info"] = f.device_info
        base = f"{f.domain}.{slugify(f.object_id or f.name)}"
        entity_id, n = base, 2
        while entity_id in taken:
            entity_id, n = f"{base}_{n}", n + 1
        taken.add(entity_id)
        entity: dict[str, Any] = {"id": entity_id, "name": f.name, "area": area_id, "mqtt": f.mqtt}
        if f.device_id is not None:
            entity["device"] = f.device_id
        if f.attributes:
            entity["attributes"] = f.attributes
        entities.append(entity)
    data = {
        "name": name,
        "areas": [{"id": a, "name": n} for a, n in sorted(areas.items())],
        "devices": list(devices.values()),
        "entities": entities,
    }
    return home_from_data(data, source="discovery")
