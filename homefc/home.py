"""Home inventory: areas, devices and entities (pydantic), loaded from YAML or JSON."""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from homefc.errors import HomeError, describe_validation_error

ENTITY_ID_PATTERN = r"^[a-z_][a-z0-9_]*\.[a-z0-9_]+$"
SLUG_PATTERN = r"^[a-z0-9_]+$"
BUNDLED_HOMES = Path(__file__).parent / "devices" / "homes"


def state_text(value: Any) -> Any:
    """A state as Home Assistant writes it: booleans as on/off, numbers and dates as text."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=False)


PROPER_NAME_ARTICLE = re.compile(r"^(?i:the)\s+(?=[A-Z0-9])")
"""The "the" before a proper name or number in an alias ("the Sage", "the Roberts")."""


def _without_article(aliases: list[str]) -> list[str]:
    """Aliases without the "the" before a proper name ("the Sage" is said "sage on please" too); "the radio" keeps
    it, since "Grandad's radio" is not "the radio"."""
    return [a for a in (PROPER_NAME_ARTICLE.sub("", str(alias).strip()) for alias in aliases) if a]


class Area(_Model):
    """A room or zone of the home."""

    id: str = Field(pattern=SLUG_PATTERN)
    """Stable slug, e.g. `living_room`."""
    name: str = Field(min_length=1)
    """Name as people say it, e.g. `Living room`."""
    aliases: list[str] = Field(default_factory=list)
    """Other names for the area, e.g. `lounge`."""

    @field_validator("aliases")
    @classmethod
    def _no_article(cls, aliases: list[str]) -> list[str]:
        return _without_article(aliases)


class Device(_Model):
    """A physical device that owns one or more entities."""

    id: str = Field(min_length=1)
    """Stable identifier (IEEE address, discovery id or slug)."""
    name: str = Field(min_length=1)
    """Device name, e.g. `Kitchen motion sensor`."""
    area: str | None = None
    """Area id; its entities inherit it unless they name their own."""
    info: dict[str, Any] = Field(default_factory=dict)
    """Free-form facts: manufacturer, model, firmware."""


class Entity(_Model):
    """One controllable or readable thing, named `domain.object_id` as in Home Assistant."""

    id: str = Field(pattern=ENTITY_ID_PATTERN)
    """Entity id, e.g. `light.kitchen_ceiling`."""
    name: str = Field(min_length=1)
    """Friendly name, e.g. `Kitchen ceiling light`."""
    aliases: list[str] = Field(default_factory=list)
    """Other names people use for it."""

    @field_validator("aliases")
    @classmethod
    def _no_article(cls, aliases: list[str]) -> list[str]:
        return _without_article(aliases)

    area: str | None = None
    """Area id, or None (inherits the device's area)."""
    device: str | None = None
    """Device id this entity belongs to, if any."""
    state: str | None = None
    """Current state as Home Assistant writes it (`on`, `off`, `21.5`, ...)."""
    attributes: dict[str, Any] = Field(default_factory=dict)
    """Free-form attributes: brightness, supported modes, unit, ..."""
    mqtt: dict[str, Any] | None = None
    """How the entity is reached over MQTT (discovery config or Zigbee2MQTT mapping)."""

    @field_validator("state", mode="before")
    @classmethod
    def _state_as_text(cls, value: Any) -> Any:
        return state_text(value)

    @property
    def domain(self) -> str:
        """The domain part of the id (`light`)."""
        return self.id.split(".", 1)[0]

    @property
    def object_id(self) -> str:
        """The part of the id after the domain (`kitchen_ceiling`)."""
        return self.id.split(".", 1)[1]


class Home(_Model):
    """A whole home inventory."""

    name: str = "Home"
    """Name of the home."""
    areas: list[Area] = Field(default_factory=list)
    """Areas of the home."""
    devices: list[Device] = Field(default_factory=list)
    """Physical devices (optional)."""
    entities: list[Entity] = Field(default_factory=list)
    """Entities, the things calls act on."""

    def entity(self, entity_id: str) -> Entity | None:
        """The entity with this id, or None."""
        return self.index.entities.get(entity_id)

    def area(self, area_id: str | None) -> Area | None:
        """The area with this id, or None."""
        return self.index.areas.get(area_id) if area_id else None

    @property
    def index(self) -> HomeIndex:
        """Lookup tables by id (built on first use)."""
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = HomeIndex(
                areas={a.id: a for a in self.areas},
                devices={d.id: d for d in self.devices},
                entities={e.id: e for e in self.entities},
            )
            self.__dict__["_index"] = cached
        return cached


def keep_names(found: Home, named: Home) -> Home:
    """A discovered inventory under the owner's names: entities whose id the file knows keep its name, aliases
    and area, and areas its names and aliases (discovery carries no aliases). Devices the file lacks stay as found.
    """
    mine = named.index.entities
    entities = [
        e
        if (own := mine.get(e.id)) is None
        else e.model_copy(update={"name": own.name, "aliases": list(own.aliases), "area": own.area or e.area})
        for e in found.entities
    ]
    areas = {a.id: a for a in found.areas} | {a.id: a for a in named.areas}
    used = {e.area for e in entities} | {d.area for d in found.devices}
    kept = [a for a in areas.values() if a.id in used]
    return found.model_copy(update={"name": named.name, "areas": kept, "entities": entities})


@dataclass(frozen=True)
class HomeIndex:
    """Id → object maps of one home."""

    areas: dict[str, Area]
    """Areas by id."""
    devices: dict[str, Device]
    """Devices by id."""
    entities: dict[str, Entity]
    """Entities by id."""


def _check_references(home: Home, source: str) -> None:
    """Reject duplicate ids and references to areas or devices that do not exist."""
    for kind, items in (("areas", home.areas), ("devices", home.devices), ("entities", home.entities)):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                raise HomeError(f"{source}: {kind}[{i}] ({item.id}): duplicate id")
            seen.add(item.id)
    area_ids = {a.id for a in home.areas}
    device_area = {d.id: d.area for d in home.devices}
    for i, device in enumerate(home.devices):
        if device.area is not None and device.area not in area_ids:
            raise HomeError(f"{source}: devices[{i}] ({device.id}).area: unknown area '{device.area}'")
    for i, entity in enumerate(home.entities):
        where = f"{source}: entities[{i}] ({entity.id})"
        if entity.device is not None and entity.device not in device_area:
            raise HomeError(f"{where}.device: unknown device '{entity.device}'")
        if entity.area is None and entity.device is not None:
            entity.area = device_area[entity.device]
        if entity.area is not None and entity.area not in area_ids:
            raise HomeError(f"{where}.area: unknown area '{entity.area}'")


def home_from_data(data: Any, source: str = "<home>") -> Home:
    """Validate already-parsed inventory data; errors name the source, the entry and the field."""
    if not isinstance(data, dict):
        raise HomeError(f"{source}: expected a mapping with areas/devices/entities, got {type(data).__name__}")
    try:
        home = Home.model_validate(data)
    except ValidationError as exc:
        raise HomeError(describe_validation_error(exc, source=source, root=data)) from None
    _check_references(home, source)
    return home


def read_data_file(path: Path, error: type[Exception]) -> Any:
    """Parse a YAML or JSON file, raising `error` with a one-line message on any failure."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: file not found") from None
    except IsADirectoryError:
        raise error(f"{path}: is a directory, expected a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read: {exc}") from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise error(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"{where}: invalid YAML: {problem}") from None


def load_home(path: str | Path) -> Home:
    """Load and validate a home inventory from a YAML or JSON file."""
    path = Path(path)
    return home_from_data(read_data_file(path, HomeError), source=str(path))


def bundled_home(name: str = "flat") -> Path:
    """Path of an example home shipped in devices/homes."""
    return BUNDLED_HOMES / f"{name}.yaml"


def write_home(home: Home, path: Path) -> None:
    """Write `home` as YAML that `load_home` reads back to an equal model."""
    data = home.model_dump(by_alias=True, exclude_none=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
