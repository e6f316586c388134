"""Deterministic generator of large, realistic home inventories for tests and benchmarks."""

from __future__ import annotations

import random
import re
from typing import Any

from homefc.home import Home, home_from_data
from homefc.homegen_devices import MAKERS, TEMPLATES

Area = tuple[str, str, str, list[str]]  # id, name, kind, aliases

FLOORS = ("Ground floor", "First floor", "Second floor", "Third floor", "Fourth floor", "Fifth floor")
UPPER_KINDS = ("bedroom",) * 4 + ("bathroom", "kids", "office") * 2 + ("guest", "dressing", "playroom", "library")
BASEMENT_KINDS = ("cellar", "gym", "cinema", "workshop", "boiler", "laundry")
KINDS: dict[str, tuple[str, tuple[str, ...], str, str]] = {  # kind: name, aliases, random pool, fixtures
    "hall": ("Hall", ("hallway", "entrance"), "motion door smoke lamp plug speaker", "ceiling"),
    "landing": ("Landing", ("upstairs hall",), "motion smoke window lamp", "ceiling"),
    "living": (
        "Living room",
        ("lounge", "sitting room"),
        "lamp table_lamp strip blind speaker plug climate window presence fan scene",
        "ceiling radiator tv blind",
    ),
    "kitchen": (
        "Kitchen",
        ("kitchenette",),
        "spots pendant plug plug motion smoke leak speaker dishwasher blind climate",
        "ceiling radiator",
    ),
    "dining": ("Dining room", ("dining area",), "pendant table_lamp blind window speaker scene", "ceiling radiator"),
    "wc": ("Guest WC", ("toilet", "loo"), "motion extractor leak", "ceiling"),
    "utility": ("Utility room", ("storage room", "utility"), "washer leak plug water_valve energy", "ceiling"),
    "bedroom": (
        "Bedroom",
        ("sleeping room",),
        "bedside bedside blind curtain fan humidifier climate window tv aircon toggle",
        "ceiling radiator",
    ),
    "bathroom": ("Bathroom", ("bath",), "mirror spots extractor leak climate window shutter", "ceiling radiator"),
    "kids": (
        "Kids room",
        ("children's room", "nursery"),
        "night_light curtain climate speaker window lamp script",
        "ceiling radiator",
    ),
    "office": (
        "Office",
        ("study", "home office"),
        "desk_lamp plug plug desk co2 presence speaker aircon blind",
        "ceiling radiator",
    ),
    "guest": ("Guest room", ("spare room",), "bedside curtain climate window", "ceiling radiator"),
    "dressing": ("Dressing room", ("walk-in wardrobe",), "spots motion", "ceiling"),
    "playroom": ("Playroom", ("games room",), "strip tv speaker plug", "ceiling radiator"),
    "library": ("Library", ("reading room",), "lamp table_lamp climate shutter", "ceiling radiator"),
    "cellar": ("Cellar", ("basement storage",), "leak motion plug", "ceiling"),
    "gym": ("Gym", ("fitness room",), "plug speaker tv fan co2", "ceiling"),
    "cinema": ("Home cinema", ("movie room",), "strip tv speaker scene", "ceiling"),
    "workshop": ("Workshop", ("hobby room",), "spots plug plug smoke", "ceiling"),
    "boiler": ("Boiler room", ("plant room",), "leak energy water_valve", "ceiling"),
    "laundry": ("Laundry room", ("wash room",), "washer leak humidifier", "ceiling"),
    "garage": ("Garage", ("carport",), "plug motion siren door", "ceiling garage_door"),
    "garden": ("Garden", ("back garden", "yard"), "outdoor_light irrigation motion weather plug", "outdoor_light"),
    "terrace": ("Terrace", ("patio",), "outdoor_light awning speaker irrigation", "outdoor_light"),
    "driveway": ("Driveway", ("front yard",), "outdoor_light motion", "outdoor_light"),
}


def slug(text: str) -> str:
    """Lowercase `text` into an id slug: letters, digits and underscores."""
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9]+", "_", text.lower().replace("'", ""))).strip("_") or "x"


def _plan_areas(n_entities: int, r: random.Random) -> list[Area]:
    """(id, name, kind, aliases) per area; count, floors and basement scale with the home's size."""
    n_areas = max(8, round(n_entities**0.75 / 2))
    plan = [
        ("Ground floor hall", "hall"),
        (None, "living"),
        (None, "kitchen"),
        (None, "wc"),
        (None, "utility"),
        (None, "garage"),
        (None, "garden"),
        (None, "dining"),
        (None, "terrace"),
    ]
    if n_areas > 30:
        plan += [("Basement hall", "hall")] + [(None, k) for k in BASEMENT_KINDS] + [(None, "driveway")]
    floor = 1
    while len(plan) < n_areas:
        name = FLOORS[floor] if floor < len(FLOORS) else f"Floor {floor}"
        plan += [(f"{name} landing", "landing")] + [(None, r.choice(UPPER_KINDS)) for _ in range(r.randint(5, 9))]
        floor += 1
    counts: dict[str, int] = {}
    areas: list[Area] = []
    for name, kind in plan[:n_areas]:
        if name is None:
            counts[kind] = counts.get(kind, 0) + 1
            number = f" {counts[kind]}" if counts[kind] > 1 else ""
            name, aliases = KINDS[kind][0] + number, [a + number for a in KINDS[kind][1]]
        else:
            aliases = [name.rsplit(" ", 1)[0].lower() + " hallway"]
        areas.append((slug(name), name, kind, aliases))
    return areas


class _Builder:
    """Accumulates areas, devices and entities with unique names and ids."""

    def __init__(self, r: random.Random) -> None:
        self.r = r
        self.devices: list[dict[str, Any]] = []
        self.entities: list[dict[str, Any]] = []
        self.names: set[str] = set()
        self.ids: set[str] = set()

    def add(self, key: str, area: Area | None, names: dict[str, str] | None = None) -> None:
        """Add one device (or helper) from TEMPLATES[key] in `area`; `names` overrides entity names by suffix."""
        dev_name, make = TEMPLATES[key]
        dev_id = None
        area_id, room, kind = area[:3] if area else (None, "", "")
        if dev_name is not None:
            bits = self.r.getrandbits(64)  # Zigbee IEEE address or a Wi-Fi integration's id
            dev_id = f"0x{bits:016x}" if bits % 10 < 7 else f"{slug(dev_name)}_{bits:016x}"
            manufacturer, model = self.r.choice(MAKERS)
            self.devices.append(
                {
                    "id": dev_id,
                    "name": dev_name,
                    "area": area_id,
                    "info": {"manufacturer": manufacturer, "model": f"{model} {dev_name.lower()}"},
                }
            )
        for domain, suffix, state, attrs, alias_ideas in make(self.r, kind):
            fixed = (names or {}).get(suffix)
            name = fixed or (f"{room} {suffix}" if room else suffix[:1].upper() + suffix[1:])
            base, i = name, 2
            while name.lower() in self.names:
                name, i = f"{base} {i}", i + 1
            self.names.add(name.lower())
            entity_id, i = f"{domain}.{slug(name)}", 2
            while entity_id in self.ids:
                entity_id, i = f"{domain}.{slug(name)}_{i}", i + 1
            self.ids.add(entity_id)
            entity: dict[str, Any] = {"id": entity_id, "name": name, "state": state, "attributes": attrs}
            if alias_ideas and self.r.random() < 0.3:
                where = "" if fixed else room.lower()
                entity["aliases"] = [f"{where} {a}".strip() for a in alias_ideas[: self.r.randint(1, 2)]]
            entity.update({"device": dev_id} if dev_id else {"area": area_id})
            self.entities.append(entity)


def generate_home(n_entities: int, seed: int = 0) -> Home:
    """A validated home with exactly `n_entities` entities, the same for the same seed."""
    if n_entities < 1:
        raise ValueError("n_entities must be positive")
    r = random.Random(seed)
    areas = _plan_areas(n_entities, r)
    by_kind = {area[2]: area for area in reversed(areas)}  # the first area of each kind
    b = _Builder(r)
    b.add("lock", by_kind["hall"], {"lock": "Front door lock"})
    b.add("lock", by_kind["garage"], {"lock": "Garage side door lock"})
    b.add("alarm", by_kind["hall"], {"alarm": "House alarm"})
    b.add("vacuum", by_kind["utility"], {"robot vacuum": "Robot vacuum", "find robot vacuum": "Find robot vacuum"})
    b.add("boiler", by_kind["utility"], {"hot water": "Hot water"})
    b.entities += [
        {
            "id": "todo.shopping_list",
            "name": "Shopping list",
            "area": by_kind["kitchen"][0],
            "state": "3",
            "attributes": {"items": ["milk", "bread", "coffee beans"]},
            "aliases": ["groceries"],
        },
        {"id": "todo.chores", "name": "Chores", "state": "1", "attributes": {"items": ["clean the gutters"]}},
        {"id": "script.good_night", "name": "Good night", "state": "off"},
        {"id": "script.leaving_home", "name": "Leaving home", "state": "off", "aliases": ["away mode"]},
        {"id": "scene.good_morning", "name": "Good morning", "state": "unknown"},
    ]
    b.ids.update(e["id"] for e in b.entities)
    b.names.update(e["name"].lower() for e in b.entities)
    for area in areas:
        for key in KINDS[area[2]][3].split():
            b.add(key, area)
    while len(b.entities) < n_entities:
        area = r.choice(areas)
        b.add(r.choice(KINDS[area[2]][2].split()), area)
    entities = b.entities[:n_entities]
    used = {e.get("device") for e in entities}
    data = {
        "name": f"Generated house {seed}",
        "areas": [{"id": a_id, "name": name, "aliases": aliases} for a_id, name, _, aliases in areas],
        "devices": [d for d in b.devices if d["id"] in used],
        "entities": entities,
    }
    return home_from_data(data, source=f"<generated {n_entities} seed {seed}>")
