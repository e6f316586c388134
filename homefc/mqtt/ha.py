"""Home Assistant MQTT discovery: configs (per entity or per device) → discovered entities with their mapping.

Each entity keeps `{via: ha, component, discovery_topic, config}` in `Entity.mqtt`, the config with long key
names and `~` expanded, which is what the executor reads. Malformed payloads are skipped with one warning.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import yaml

from homefc.mqtt.inventory import Found

log = logging.getLogger(__name__)

HA_COMPONENTS = frozenset(
    (
        *("alarm_control_panel", "binary_sensor", "button", "climate", "cover", "fan", "humidifier", "light"),
        *("lock", "number", "scene", "select", "sensor", "siren", "switch", "vacuum", "valve", "water_heater"),
    )
)
"""Discovery components that map onto a homefc domain of the same name; others (camera, update, ...) are skipped."""

_TABLES = yaml.safe_load((Path(__file__).parent / "abbreviations.yaml").read_text(encoding="utf-8"))
ABBREVIATIONS: dict[str, str] = _TABLES["entity"]
DEVICE_ABBREVIATIONS: dict[str, str] = _TABLES["device"]


def expand(config: dict[str, Any]) -> dict[str, Any]:
    """Long key names and `~` base topics, as Home Assistant reads a discovery config."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        name = ABBREVIATIONS.get(key, key)
        if name == "device" and isinstance(value, dict):
            value = {DEVICE_ABBREVIATIONS.get(k, k): v for k, v in value.items()}
        elif name == "availability" and isinstance(value, list):
            value = [expand(v) if isinstance(v, dict) else v for v in value]
        out[name] = value
    base = out.pop("~", None)
    if isinstance(base, str):
        for key, value in out.items():
            if key.endswith("topic") and isinstance(value, str):
                if value.startswith("~"):
                    out[key] = base + value[1:]
                elif value.endswith("~"):
                    out[key] = value[:-1] + base
        for entry in out.get("availability", []) or []:
            if isinstance(entry, dict) and isinstance(entry.get("topic"), str) and entry["topic"].startswith("~"):
                entry["topic"] = base + entry["topic"][1:]
    return out


def _device_fields(dev: Any) -> tuple[str | None, str | None, str | None, dict[str, Any]]:
    if not isinstance(dev, dict):
        return None, None, None, {}
    ids = dev.get("identifiers")
    device_id = ids[0] if isinstance(ids, list) and ids else ids if isinstance(ids, str) else None
    info = {k: dev[k] for k in ("manufacturer", "model", "sw_version") if isinstance(dev.get(k), str)}
    name = dev.get("name") if isinstance(dev.get("name"), str) else None
    area = dev.get("suggested_area") if isinstance(dev.get("suggested_area"), str) else None
    return (str(device_id) if device_id is not None else None), name, area, info


def _ha_attributes(component: str, cfg: dict[str, Any]) -> dict[str, Any]:
    """Inventory attributes the domain specs look for (supported features), read off the discovery config."""
    attrs: dict[str, Any] = {}
    if isinstance(cfg.get("device_class"), str):
        attrs["device_class"] = cfg["device_class"]
    if isinstance(cfg.get("unit_of_measurement"), str):
        attrs["unit_of_measurement"] = cfg["unit_of_measurement"]
    if component == "light":
        modes = cfg.get("supported_color_modes") or []
        if cfg.get("brightness_command_topic") or cfg.get("brightness") or "brightness" in modes:
            attrs["brightness"] = 0
        if cfg.get("color_temp_command_topic") or "color_temp" in modes:
            attrs["color_temp_kelvin"] = None
            for key, attr in (("min_kelvin", "min_color_temp_kelvin"), ("max_kelvin", "max_color_temp_kelvin")):
                if isinstance(cfg.get(key), int | float):
                    attrs[attr] = cfg[key]
        if cfg.get("rgb_command_topic") or {"rgb", "hs", "xy"} & set(modes):
            attrs["rgb_color"] = None
    elif component == "cover":
        if cfg.get("set_position_topic"):
            attrs["current_position"] = 0
        if cfg.get("tilt_command_topic"):
            attrs["current_tilt_position"] = 0
    elif component == "humidifier":
        if cfg.get("target_humidity_command_topic"):
            attrs["humidity"] = None
        if isinstance(cfg.get("modes"), list) and cfg["modes"]:
            attrs["available_modes"] = cfg["modes"]
            attrs["mode"] = None
    elif component == "fan":
        if cfg.get("percentage_command_topic"):
            attrs["percentage"] = 0
        if isinstance(cfg.get("preset_modes"), list) and cfg["preset_modes"]:
            attrs["preset_modes"] = cfg["preset_modes"]
        if cfg.get("oscillation_command_topic"):
            attrs["oscillating"] = None
        if cfg.get("direction_command_topic"):
            attrs["direction"] = None
    elif component == "vacuum" and isinstance(cfg.get("fan_speed_list"), list):
        attrs["fan_speed_list"] = cfg["fan_speed_list"]
    elif component in ("climate", "water_heater"):
        for key in ("min_temp", "max_temp"):
            if isinstance(cfg.get(key), int | float):
                attrs[key] = cfg[key]
        if isinstance(cfg.get("modes"), list):
            attrs["hvac_modes" if component == "climate" else "operation_list"] = cfg["modes"]
        for key in ("fan_modes", "preset_modes"):
            if isinstance(cfg.get(key), list) and cfg[key]:
                attrs[key] = cfg[key]
        attrs["temperature"] = None
    elif component == "select" and isinstance(cfg.get("options"), list):
        attrs["options"] = cfg["options"]
    elif component == "number":
        for key, attr in (("min", "min"), ("max", "max"), ("step", "step")):
            if isinstance(cfg.get(key), int | float):
                attrs[attr] = cfg[key]
    elif component == "lock" and cfg.get("payload_open"):
        attrs["supports_open"] = True
    elif component == "valve" and cfg.get("reports_position"):
        attrs["current_position"] = 0
    return attrs


def parse_ha_config(topic: str, payload: bytes, prefix: str = "homeassistant") -> list[Found] | None:
    """Entities of one discovery message; None for a deletion (empty payload); [] when skipped."""
    if not payload.strip():
        return None
    try:
        raw = json.loads(payload)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        log.warning("%s: discovery payload is not JSON (%s); skipped", topic, exc)
        return []
    if not isinstance(raw, dict):
        log.warning("%s: discovery payload is not a JSON object; skipped", topic)
        return []
    parts = topic.split("/")
    if len(parts) < 3 or parts[0] != prefix or parts[-1] != "config":
        log.warning("%s: not a discovery config topic; skipped", topic)
        return []
    cfg = expand(raw)
    if parts[1] == "device":
        components = cfg.get("components")
        if not isinstance(components, dict):
            log.warning("%s: device discovery without a components table; skipped", topic)
            return []
        shared = {k: v for k, v in cfg.items() if k not in ("components",)}
        found: list[Found] = []
        for key, comp in components.items():
            if not isinstance(comp, dict):
                log.warning("%s: component %s is not an object; skipped", topic, key)
                continue
            merged = {**shared, **expand(comp)}
            platform = merged.get("platform")
            if not isinstance(platform, str):
                log.warning("%s: component %s has no platform; skipped", topic, key)
                continue
            found += _ha_entity(topic, platform, merged, str(key))
        return found
    return _ha_entity(topic, parts[1], cfg, parts[-2])


def _ha_entity(topic: str, component: str, cfg: dict[str, Any], object_id: str) -> list[Found]:
    if component not in HA_COMPONENTS:
        log.info("%s: %s is not a domain homefc controls; skipped", topic, component)
        return []
    device_id, device_name, area, info = _device_fields(cfg.get("device"))
    own = cfg.get("name") if isinstance(cfg.get("name"), str) else None
    if device_name and own and not own.lower().startswith(device_name.lower()):
        name = f"{device_name} {own}"
    else:
        name = own or device_name or object_id.replace("_", " ")
    mapping = {"via": "ha", "component": component, "discovery_topic": topic, "config": cfg}
    wanted = cfg.get("default_entity_id") or cfg.get("object_id")
    hint = str(wanted).rpartition(".")[2] if isinstance(wanted, str) and wanted else None
    attrs = _ha_attributes(component, cfg)
    return [Found(component, name, area, device_id, device_name, info, mapping, attrs, object_id=hint)]
