"""Zigbee2MQTT devices: a call's target state → one JSON `/set` body; the device's state JSON → entity state.

Property names and on/off values come from the device's exposes (`Entity.mqtt["expose"]`), as Zigbee2MQTT
publishes them in `bridge/devices`. Brightness is 0–254 on Zigbee, 0–255 in homefc; colour temperature is in
mireds on Zigbee, in kelvin in homefc.
"""

from __future__ import annotations

import json
from typing import Any

from homefc.mqtt.ha_codec import Publish, Unsupported
from homefc.mqtt.units import from_scale, mireds, to_scale
from homefc.virtual_home import EntityState

ZIGBEE_BRIGHTNESS = 254
SETPOINTS = ("occupied_heating_setpoint", "current_heating_setpoint")
FEATURE_ATTRIBUTES: dict[str, str | None] = {
    "brightness": "brightness", "color_temp": "color_temp_kelvin", "position": "current_position",
    "local_temperature": "current_temperature", "system_mode": None, "mode": "preset_mode", "preset": "preset_mode",
    **dict.fromkeys(SETPOINTS, "temperature"),
}  # fmt: skip
"""Expose feature → homefc attribute (None: the feature is the entity's state)."""


def _features(expose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in expose.get("features", []) if isinstance(f, dict) and isinstance(f.get("name"), str)}


def _prop(feature: dict[str, Any]) -> str:
    return str(feature.get("property") or feature["name"])


def topics(mapping: dict[str, Any]) -> tuple[str, str, str, str]:
    """(state, set, get, availability) topics of the device."""
    root = f"{mapping['base']}/{mapping['friendly_name']}"
    return root, f"{root}/set", f"{root}/get", f"{root}/availability"


def z2m_commands(
    domain: str, mapping: dict[str, Any], call_name: str, before: EntityState, after: EntityState
) -> list[Publish]:
    """The `/set` publish that moves the device from `before` to `after`."""
    expose = mapping["expose"]
    features = _features(expose)
    body: dict[str, Any] = {}
    if domain in ("number", "select", "sensor", "binary_sensor"):
        if domain in ("sensor", "binary_sensor") or after.state is None:
            raise Unsupported("it is read-only")
        value: Any = after.state
        if domain == "number":
            value = float(value) if "." in value else int(value)
        body[str(expose.get("property") or expose["name"])] = value
        return [Publish(topics(mapping)[1], json.dumps(body))]
    state = features.get("state")
    if call_name == "cover.stop_cover" and state is not None:
        body[_prop(state)] = "STOP"
    elif domain == "cover" and call_name == "cover.set_cover_position":
        if "position" not in features:
            raise Unsupported("the cover has no position feature")
        body[_prop(features["position"])] = after.attributes.get("current_position")
    elif domain == "cover" and state is not None:
        body[_prop(state)] = "OPEN" if after.state in ("open", "opening") else "CLOSE"
    elif domain == "lock" and state is not None:
        body[_prop(state)] = {"locked": "LOCK", "unlocked": "UNLOCK", "open": "UNLOCK"}.get(after.state or "", "LOCK")
    elif domain == "climate":
        mode = features.get("system_mode")
        if mode is not None and (
            after.state != before.state or call_name.endswith(("hvac_mode", "turn_on", "turn_off"))
        ):
            body[_prop(mode)] = after.state
    elif state is not None and after.state in ("on", "off"):
        body[_prop(state)] = state.get("value_on", "ON") if after.state == "on" else state.get("value_off", "OFF")
    for attr, new in after.attributes.items():
        if new is None or before.attributes.get(attr) == new:
            continue
        _attribute(domain, features, attr, new, body)
    if not body:
        raise Unsupported(f"{call_name} changes nothing this device exposes")
    return [Publish(topics(mapping)[1], json.dumps(body))]


def _attribute(domain: str, features: dict[str, dict[str, Any]], attr: str, value: Any, body: dict[str, Any]) -> None:
    if domain == "light" and attr == "brightness" and "brightness" in features and value:
        body[_prop(features["brightness"])] = to_scale(value, ZIGBEE_BRIGHTNESS)
    elif domain == "light" and attr == "color_temp_kelvin" and "color_temp" in features:
        body[_prop(features["color_temp"])] = mireds(value)
    elif domain == "light" and attr == "rgb_color" and isinstance(value, list | tuple):
        r, g, b = (int(c) for c in value)
        body["color"] = {"r": r, "g": g, "b": b}
    elif domain == "climate" and attr == "temperature":
        setpoint = next((features[name] for name in SETPOINTS if name in features), None)
        if setpoint is None:
            raise Unsupported("the thermostat exposes no heating setpoint")
        body[_prop(setpoint)] = value
    elif attr == "preset_mode" and ("mode" in features or "preset" in features):
        body[_prop(features.get("mode") or features["preset"])] = value


def z2m_observable(mapping: dict[str, Any]) -> set[str]:
    """Fields ("state" or attribute names) the device reports in its state JSON."""
    expose = mapping["expose"]
    if "features" not in expose:
        return {"state"}
    fields = set()
    for name in _features(expose):
        if name == "state" or name == "system_mode":
            fields.add("state")
        elif FEATURE_ATTRIBUTES.get(name):
            fields.add(str(FEATURE_ATTRIBUTES[name]))
    return fields


def z2m_apply_state(domain: str, mapping: dict[str, Any], payload: bytes, ent: EntityState) -> None:
    """Update `ent` from the device's state JSON (only the properties present in the message)."""
    try:
        data = json.loads(payload)
    except ValueError:
        return
    if not isinstance(data, dict):
        return
    expose = mapping["expose"]
    if "features" not in expose:
        prop = str(expose.get("property") or expose.get("name"))
        if prop in data:
            value = data[prop]
            if domain == "binary_sensor":
                ent.state = "on" if value == expose.get("value_on", True) else "off"
            else:
                ent.state = None if value is None else str(value)
        return
    features = _features(expose)
    state = features.get("state")
    if state is not None and _prop(state) in data:
        value = data[_prop(state)]
        if domain == "cover":
            ent.state = {"OPEN": "open", "CLOSE": "closed", "STOP": ent.state}.get(
                str(value).upper(), str(value).lower()
            )
        elif domain == "lock":
            ent.state = {"LOCK": "locked", "UNLOCK": "unlocked"}.get(str(value).upper(), str(value).lower())
        else:
            ent.state = "on" if value == state.get("value_on", "ON") else "off"
    for name, attr in FEATURE_ATTRIBUTES.items():
        feature = features.get(name)
        if feature is None or _prop(feature) not in data:
            continue
        value = data[_prop(feature)]
        if name == "system_mode":
            ent.state = str(value)
        elif name == "brightness" and isinstance(value, int | float):
            ent.attributes["brightness"] = from_scale(value, ZIGBEE_BRIGHTNESS)
        elif name == "color_temp" and isinstance(value, int | float) and value:
            ent.attributes["color_temp_kelvin"] = mireds(value)
        elif attr is not None:
            ent.attributes[attr] = value
