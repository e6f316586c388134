"""Zigbee2MQTT: the retained device list (`<base>/bridge/devices`) → discovered entities with their mapping.

Each entity keeps `{via: z2m, base, friendly_name, expose}` in `Entity.mqtt`. Commands go to
`<base>/<friendly_name>/set`, state arrives as JSON on `<base>/<friendly_name>`.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from homefc.mqtt.inventory import Found, slugify
from homefc.mqtt.units import mireds

log = logging.getLogger(__name__)

Z2M_COMPOSITES = frozenset(("light", "switch", "cover", "lock", "climate", "fan"))
SETTABLE, READABLE = 2, 4
_SENSOR_CLASSES = frozenset(
    ("temperature", "humidity", "battery", "power", "energy", "illuminance", "pressure", "voltage", "current")
)
_BINARY_CLASSES = {"occupancy": "occupancy", "presence": "presence", "contact": "door", "water_leak": "moisture",
                   "smoke": "smoke", "vibration": "vibration", "tamper": "tamper", "gas": "gas"}  # fmt: skip


def _feature(expose: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((f for f in expose.get("features", []) if isinstance(f, dict) and f.get("name") == name), None)


def _z2m_attributes(kind: str, expose: dict[str, Any]) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if kind == "light":
        if _feature(expose, "brightness"):
            attrs["brightness"] = 0
        temp = _feature(expose, "color_temp")
        if temp:
            attrs["color_temp_kelvin"] = None
            if temp.get("value_max") and temp.get("value_min"):
                attrs["min_color_temp_kelvin"] = mireds(temp["value_max"])
                attrs["max_color_temp_kelvin"] = mireds(temp["value_min"])
        if _feature(expose, "color_xy") or _feature(expose, "color_hs"):
            attrs["rgb_color"] = None
    elif kind == "cover" and _feature(expose, "position"):
        attrs["current_position"] = 0
    elif kind == "climate":
        setpoint = _feature(expose, "occupied_heating_setpoint") or _feature(expose, "current_heating_setpoint")
        if setpoint:
            attrs["temperature"] = None
            for attr, key in (("min_temp", "value_min"), ("max_temp", "value_max")):
                if key in setpoint:
                    attrs[attr] = setpoint[key]
        mode = _feature(expose, "system_mode")
        if mode and isinstance(mode.get("values"), list):
            attrs["hvac_modes"] = mode["values"]
        preset = _feature(expose, "preset")
        if preset and isinstance(preset.get("values"), list):
            attrs["preset_modes"] = preset["values"]
    elif kind == "fan":
        mode = _feature(expose, "mode")
        if mode and isinstance(mode.get("values"), list):
            attrs["preset_modes"] = mode["values"]
    return attrs


def parse_z2m_devices(payload: bytes, base: str = "zigbee2mqtt") -> list[Found]:
    """Entities of Zigbee2MQTT's retained device list (`<base>/bridge/devices`).

    A friendly name `Kitchen/Ceiling light` puts the device in the area `Kitchen`: Zigbee2MQTT has no areas,
    and grouping names by a `/` prefix is the common convention. The entity id comes from the friendly name,
    the display name from the device's description where it has one. A device with one entity gives it its
    own name; a device with several adds each expose's label (`Bathroom sensor temperature`). A trailing
    domain word is left out of the id (`Bedroom fan` → `fan.bedroom`), as it is already the id's domain.
    """
    topic = f"{base}/bridge/devices"
    try:
        devices = json.loads(payload)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        log.warning("%s: not JSON (%s); skipped", topic, exc)
        return []
    if not isinstance(devices, list):
        log.warning("%s: not a JSON list of devices; skipped", topic)
        return []
    found: list[Found] = []
    for dev in devices:
        if not isinstance(dev, dict) or dev.get("type") == "Coordinator":
            continue
        friendly = dev.get("friendly_name")
        definition = dev.get("definition")
        if not isinstance(friendly, str) or not friendly:
            log.warning("%s: a device without a friendly_name; skipped", topic)
            continue
        if not isinstance(definition, dict) or not isinstance(definition.get("exposes"), list):
            log.warning("%s: %s is not supported by Zigbee2MQTT (no definition); skipped", topic, friendly)
            continue
        area, _, short = friendly.rpartition("/")
        device_name = short.strip() or friendly
        info = {k: definition[k] for k in ("vendor", "model") if isinstance(definition.get(k), str)}
        ieee = str(dev.get("ieee_address") or friendly)
        description = dev.get("description")
        display = description.strip() if isinstance(description, str) and description.strip() else device_name
        entities: list[Found] = []
        for expose in definition["exposes"]:
            if not isinstance(expose, dict) or expose.get("category") in ("config", "diagnostic"):
                continue
            entities += _z2m_entity(base, friendly, device_name, area or None, ieee, info, expose)
        for entity in entities:
            label = entity.name[len(device_name) :]  # endpoint or expose label, with its leading space
            if len(entities) == 1 and not entity.mqtt["expose"].get("endpoint"):
                label = ""
            entity.name = display + label
            # "Bedroom climate" and "Bedroom fan" are two devices of one room: the domain word is not in the id.
            entity.object_id = slugify(device_name + label).removesuffix(f"_{entity.domain}")
        found += entities
    return found


def _z2m_entity(
    base: str,
    friendly: str,
    device_name: str,
    area: str | None,
    ieee: str,
    info: dict[str, Any],
    expose: dict[str, Any],
) -> list[Found]:
    kind = expose.get("type")
    mapping: dict[str, Any] = {"via": "z2m", "base": base, "friendly_name": friendly, "expose": expose}
    endpoint = f" {expose['endpoint']}" if isinstance(expose.get("endpoint"), str) else ""
    if kind in Z2M_COMPOSITES:
        if not isinstance(expose.get("features"), list):
            return []
        attrs = _z2m_attributes(str(kind), expose)
        return [Found(str(kind), device_name + endpoint, area, ieee, device_name, info, mapping, attrs)]
    prop, name, access = expose.get("property"), expose.get("name"), expose.get("access", 1)
    if not isinstance(prop, str) or not isinstance(name, str) or not isinstance(access, int):
        return []
    label = expose.get("label") if isinstance(expose.get("label"), str) else name.replace("_", " ")
    full = f"{device_name} {label.lower()}"
    attrs: dict[str, Any] = {}
    if kind == "numeric":
        if access & SETTABLE:
            domain = "number"
            bounds = (("min", "value_min"), ("max", "value_max"), ("step", "value_step"))
            attrs = {attr: expose[key] for attr, key in bounds if key in expose}
        else:
            domain = "sensor"
            if name in _SENSOR_CLASSES:
                attrs["device_class"] = name
        if isinstance(expose.get("unit"), str):
            attrs["unit_of_measurement"] = expose["unit"]
    elif kind == "binary" and not access & SETTABLE:
        domain = "binary_sensor"
        if name in _BINARY_CLASSES:
            attrs["device_class"] = _BINARY_CLASSES[name]
    elif kind == "enum" and access & SETTABLE and isinstance(expose.get("values"), list):
        domain = "select"
        attrs["options"] = [str(v) for v in expose["values"]]
    else:
        return []
    return [Found(domain, full, area, ieee, device_name, info, mapping, attrs)]
