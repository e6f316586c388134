"""Simulated Zigbee2MQTT devices: a `bridge/devices` entry per entity, `/set` bodies applied, state JSON published.

The device side of `z2m_codec`. Friendly names are `<Area>/<object_id>` and the description carries the
entity's name, so discovery gives back the same ids, names and areas.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from homefc.home import Entity
from homefc.mqtt.units import from_scale, mireds, to_scale
from homefc.mqtt.z2m_codec import SETPOINTS, ZIGBEE_BRIGHTNESS
from homefc.virtual_home import EntityState

Z2M_DOMAINS = frozenset(
    ("light", "switch", "cover", "lock", "climate", "fan", "sensor", "binary_sensor", "number", "select")
)
_BINARY_NAMES = {"moisture": "water_leak", "smoke": "smoke", "occupancy": "occupancy", "motion": "occupancy",
                 "vibration": "vibration", "gas": "gas", "tamper": "tamper"}  # fmt: skip


def z2m_carries(entity: Entity) -> bool:
    """Whether a Zigbee2MQTT device can offer every feature of the entity (else it is simulated over HA)."""
    lost = {"fan": ("percentage", "direction", "oscillating"), "lock": ("supports_open",), "climate": ("fan_modes",),
            "cover": ("current_tilt_position",)}.get(entity.domain, ())  # fmt: skip
    return entity.domain in Z2M_DOMAINS and not any(a in entity.attributes for a in lost)


def _binary(name: str, on: Any, off: Any, access: int = 7) -> dict[str, Any]:
    return {"type": "binary", "name": name, "property": name, "access": access, "value_on": on, "value_off": off}


def _numeric(name: str, access: int = 7, **extra: Any) -> dict[str, Any]:
    return {"type": "numeric", "name": name, "property": name, "access": access, **extra}


def _enum(name: str, values: list[Any], access: int = 7) -> dict[str, Any]:
    return {"type": "enum", "name": name, "property": name, "access": access, "values": [str(v) for v in values]}


def expose_for(entity: Entity) -> dict[str, Any]:
    """The one expose a simulated device of this entity has."""
    domain, attrs = entity.domain, entity.attributes
    if domain == "light":
        features = [_binary("state", "ON", "OFF")]
        if "brightness" in attrs:
            features.append(_numeric("brightness", value_min=0, value_max=ZIGBEE_BRIGHTNESS))
        if "color_temp_kelvin" in attrs:
            lo, hi = attrs.get("min_color_temp_kelvin", 2000), attrs.get("max_color_temp_kelvin", 6500)
            features.append(_numeric("color_temp", value_min=mireds(hi), value_max=mireds(lo)))
        if "rgb_color" in attrs:
            features.append({"type": "composite", "name": "color_xy", "property": "color", "access": 7, "features": []})
        return {"type": "light", "features": features}
    if domain in ("switch", "fan"):
        features = [_binary("state", "ON", "OFF")]
        if domain == "fan" and isinstance(attrs.get("preset_modes"), list):
            features.append(_enum("mode", attrs["preset_modes"]))
        return {"type": domain, "features": features}
    if domain == "cover":
        features = [_enum("state", ["OPEN", "CLOSE", "STOP"])]
        if "current_position" in attrs:
            features.append(_numeric("position", value_min=0, value_max=100))
        return {"type": "cover", "features": features}
    if domain == "lock":
        return {"type": "lock", "features": [_binary("state", "LOCK", "UNLOCK")]}
    if domain == "climate":
        setpoint = _numeric(SETPOINTS[0], value_min=attrs.get("min_temp", 5), value_max=attrs.get("max_temp", 30))
        features = [setpoint, _numeric("local_temperature", access=5)]
        if isinstance(attrs.get("hvac_modes"), list):
            features.append(_enum("system_mode", attrs["hvac_modes"]))
        if isinstance(attrs.get("preset_modes"), list):
            features.append(_enum("preset", attrs["preset_modes"]))
        return {"type": "climate", "features": features}
    if domain == "sensor":
        expose = _numeric(str(attrs.get("device_class") or "value"), access=5)
        if "unit_of_measurement" in attrs:
            expose["unit"] = attrs["unit_of_measurement"]
        return expose
    if domain == "binary_sensor":
        return _binary(_BINARY_NAMES.get(str(attrs.get("device_class")), "active"), True, False, access=5)
    if domain == "number":
        bounds = {
            k: attrs[a] for k, a in (("value_min", "min"), ("value_max", "max"), ("value_step", "step")) if a in attrs
        }
        return _numeric("value", **bounds)
    if domain == "select":
        return _enum("option", list(attrs.get("options") or []))
    raise ValueError(f"{entity.id}: Zigbee2MQTT has no {domain} devices")


def z2m_device(entity: Entity, area_name: str | None) -> dict[str, Any]:
    """The `bridge/devices` entry of a simulated device for this entity."""
    friendly = f"{area_name}/{entity.object_id}" if area_name else entity.object_id
    # Object ids repeat across domains (climate.bedroom, fan.bedroom); discovery drops the trailing domain word.
    friendly = f"{friendly} {entity.domain.replace('_', ' ')}"
    ieee = "0x" + hashlib.sha256(entity.id.encode()).hexdigest()[:16]
    return {
        "ieee_address": ieee,
        "type": "Router",
        "friendly_name": friendly,
        "description": entity.name,
        "supported": True,
        "definition": {"vendor": "homefc", "model": "sim", "description": "simulated", "exposes": [expose_for(entity)]},
    }


def _features(expose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in expose.get("features", [])}


def z2m_device_apply(domain: str, expose: dict[str, Any], payload: bytes, ent: EntityState) -> bool:
    """Apply one `/set` body to the device's state; False when it means nothing to the device."""
    try:
        body = json.loads(payload)
    except ValueError:
        return False
    if not isinstance(body, dict) or not body:
        return False
    attrs = ent.attributes
    if "features" not in expose:
        prop = expose["property"]
        if prop not in body or not expose.get("access", 0) & 2:
            return False
        ent.state = str(body[prop])
        return True
    for key, value in body.items():
        if key == "state":
            text = str(value).upper()
            if domain == "cover":
                if text == "STOP":
                    continue
                ent.state = "open" if text == "OPEN" else "closed"
                if "current_position" in attrs:
                    attrs["current_position"] = 100 if ent.state == "open" else 0
            elif domain == "lock":
                ent.state = "locked" if text == "LOCK" else "unlocked"
            else:
                ent.state = "on" if text == "ON" else "off"
        elif key == "brightness":
            attrs["brightness"] = from_scale(value, ZIGBEE_BRIGHTNESS)
            ent.state = "on"
        elif key == "color_temp":
            attrs["color_temp_kelvin"] = mireds(value)
            attrs["color_mode"] = "color_temp"
        elif key == "color" and isinstance(value, dict):
            attrs["rgb_color"] = [int(value.get(c, 0)) for c in "rgb"]
            attrs["color_mode"] = "rgb"
        elif key == "position":
            attrs["current_position"] = int(value)
            ent.state = "closed" if int(value) == 0 else "open"
        elif key in SETPOINTS:
            attrs["temperature"] = value
        elif key == "system_mode":
            ent.state = str(value)
        elif key == "mode":
            attrs["preset_mode"] = str(value)
            ent.state = "on"
        elif key == "preset":
            attrs["preset_mode"] = str(value)
        else:
            return False
    return True


def z2m_state_message(domain: str, expose: dict[str, Any], ent: EntityState) -> str:
    """The device's full state as Zigbee2MQTT publishes it on `<base>/<friendly_name>`."""
    attrs = ent.attributes
    if "features" not in expose:
        prop = expose["property"]
        if domain == "binary_sensor":
            return json.dumps({prop: ent.state == "on"})
        try:
            value: Any = float(ent.state) if ent.state is not None else None
        except ValueError:
            value = ent.state
        return json.dumps({prop: value if domain == "sensor" else ent.state})
    features = _features(expose)
    body: dict[str, Any] = {}
    if "state" in features and ent.state is not None:
        if domain == "cover":
            body["state"] = "OPEN" if ent.state in ("open", "opening") else "CLOSE"
        elif domain == "lock":
            body["state"] = "LOCK" if ent.state == "locked" else "UNLOCK"
        else:
            body["state"] = "ON" if ent.state == "on" else "OFF"
    if "brightness" in features and attrs.get("brightness") is not None:
        body["brightness"] = to_scale(attrs["brightness"], ZIGBEE_BRIGHTNESS)
    if "color_temp" in features and attrs.get("color_temp_kelvin"):
        body["color_temp"] = mireds(attrs["color_temp_kelvin"])
    if "position" in features and attrs.get("current_position") is not None:
        body["position"] = attrs["current_position"]
    if SETPOINTS[0] in features and attrs.get("temperature") is not None:
        body[SETPOINTS[0]] = attrs["temperature"]
    if "local_temperature" in features and attrs.get("current_temperature") is not None:
        body["local_temperature"] = attrs["current_temperature"]
    if "system_mode" in features and ent.state is not None:
        body["system_mode"] = ent.state
    for name in ("mode", "preset"):
        if name in features and attrs.get("preset_mode") is not None:
            body[name] = attrs["preset_mode"]
    return json.dumps(body)
