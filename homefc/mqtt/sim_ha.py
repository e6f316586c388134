"""Simulated Home Assistant MQTT devices: a discovery config per entity, commands applied, state published.

The device side of `ha_codec`: it adopts the absolute values a command carries (as a real device does) and
publishes its state on the topics its config announces. Topics live under `homefc-sim/<domain>/<object_id>/`.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from homefc.home import Entity
from homefc.mqtt.ha_codec import ALARM_STATES, ON_OFF, VACUUM_STATES, Publish, option
from homefc.mqtt.units import from_scale, mireds, to_scale
from homefc.virtual_home import EntityState

ROOT = "homefc-sim"


def _num(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def ha_config(entity: Entity, area_name: str | None) -> dict[str, Any]:
    """The discovery config (long key names) a device for this entity would publish."""
    domain, t, attrs = entity.domain, f"{ROOT}/{entity.domain}/{entity.object_id}", entity.attributes
    cfg: dict[str, Any] = {
        "name": None,
        "object_id": entity.object_id,
        "unique_id": f"homefc_sim_{entity.domain}_{entity.object_id}",
        "state_topic": f"{t}/state",
        "availability_topic": f"{t}/availability",
        "device": {
            "identifiers": [f"homefc-sim-{entity.domain}-{entity.object_id}"],
            "name": entity.name,
            "model": "homefc sim",
        },
    }
    if area_name:
        cfg["device"]["suggested_area"] = area_name
    for key in ("device_class", "unit_of_measurement"):
        if key in attrs:
            cfg[key] = attrs[key]
    if domain in ("sensor", "binary_sensor"):
        return cfg
    cfg["command_topic"] = f"{t}/set"
    topics = {
        "light": {"brightness": "brightness", "color_temp_kelvin": "color_temp", "rgb_color": "rgb"},
        "cover": {"current_position": "position", "current_tilt_position": "tilt"},
        "fan": {
            "percentage": "percentage",
            "preset_mode": "preset_mode",
            "oscillating": "oscillation",
            "direction": "direction",
        },
        "climate": {"temperature": "temperature", "fan_mode": "fan_mode", "preset_mode": "preset_mode"},
        "water_heater": {"temperature": "temperature"},
        "humidifier": {"humidity": "target_humidity", "mode": "mode"},
        "vacuum": {"fan_speed": "fan_speed"},
    }.get(domain, {})
    for attr, name in topics.items():
        if attr not in attrs and not (attr == "preset_mode" and "preset_modes" in attrs):
            continue
        if name == "position":
            cfg["set_position_topic"], cfg["position_topic"] = f"{t}/position/set", f"{t}/position"
        elif name == "tilt":
            cfg["tilt_command_topic"], cfg["tilt_status_topic"] = f"{t}/tilt/set", f"{t}/tilt"
        elif name == "fan_speed":
            cfg["set_fan_speed_topic"] = f"{t}/fan_speed/set"
        else:
            cmd = "rgb_command_topic" if name == "rgb" else f"{name}_command_topic"
            cfg[cmd] = f"{t}/{name}/set"
            cfg[cmd.replace("command", "state")] = f"{t}/{name}"
    if domain == "light" and "color_temp_kelvin" in attrs:
        cfg["color_temp_kelvin"] = True
        for key, attr in (("min_kelvin", "min_color_temp_kelvin"), ("max_kelvin", "max_color_temp_kelvin")):
            if attr in attrs:
                cfg[key] = attrs[attr]
    if domain in ("climate", "water_heater"):
        del cfg["command_topic"]
        cfg["mode_command_topic"], cfg["mode_state_topic"] = f"{t}/mode/set", f"{t}/mode"
        cfg["current_temperature_topic"] = f"{t}/current_temperature"
        modes = attrs.get("hvac_modes" if domain == "climate" else "operation_list")
        if isinstance(modes, list):
            cfg["modes"] = modes
        for key in ("min_temp", "max_temp", "fan_modes", "preset_modes"):
            if key in attrs:
                cfg[key] = attrs[key]
    for key in ("options", "min", "max", "step", "fan_speed_list", "preset_modes"):
        if key in attrs and domain in ("select", "number", "vacuum", "fan"):
            cfg[key] = attrs[key]
    if domain == "lock" and attrs.get("supports_open"):
        cfg["payload_open"] = "OPEN"
    if domain == "humidifier" and isinstance(attrs.get("available_modes"), list):
        cfg["mode_command_topic"], cfg["mode_state_topic"] = f"{t}/mode/set", f"{t}/mode"
        cfg["modes"] = attrs["available_modes"]
    if domain == "valve" and "current_position" in attrs:
        cfg["reports_position"] = True
    return cfg


def ha_device_apply(domain: str, cfg: dict[str, Any], topic: str, payload: bytes, ent: EntityState) -> bool:
    """Apply one command message to the device's state; False when the message means nothing to it."""
    text = payload.decode("utf-8", "replace").strip()
    attrs = ent.attributes
    try:
        if topic == cfg.get("command_topic"):
            return _main_command(domain, cfg, text, ent)
        if topic == cfg.get("mode_command_topic") and domain in ("climate", "water_heater"):
            ent.state = text
        elif topic == cfg.get("brightness_command_topic"):
            attrs["brightness"] = from_scale(text, float(option(cfg, "brightness_scale")))
            ent.state = "on"
        elif topic == cfg.get("color_temp_command_topic"):
            value = float(text)
            attrs["color_temp_kelvin"] = int(value) if cfg.get("color_temp_kelvin") else mireds(value)
            attrs["color_mode"] = "color_temp"
        elif topic == cfg.get("rgb_command_topic"):
            attrs["rgb_color"] = [int(c) for c in text.split(",")]
            attrs["color_mode"] = "rgb"
        elif topic == cfg.get("set_position_topic"):
            attrs["current_position"] = int(float(text))
            ent.state = "closed" if attrs["current_position"] == 0 else "open"
        else:
            for key, value in cfg.items():
                if key.endswith("_command_topic") and value == topic:
                    attr = key.removesuffix("_command_topic").replace("target_humidity", "humidity")
                    attr = {"tilt": "current_tilt_position", "oscillation": "oscillating"}.get(attr, attr)
                    on = str(option(cfg, "payload_oscillation_on"))
                    attrs[attr] = text == on if attr == "oscillating" else _value(text)
                    if domain == "fan" and attr == "percentage":
                        ent.state = "off" if attrs[attr] == 0 else "on"
                    return True
            if topic == cfg.get("set_fan_speed_topic"):
                attrs["fan_speed"] = text
                return True
            return False
    except ValueError:
        return False
    return True


def _value(text: str) -> Any:
    try:
        return _num(text)
    except ValueError:
        return text


def _main_command(domain: str, cfg: dict[str, Any], text: str, ent: EntityState) -> bool:
    if domain == "light" and cfg.get("schema") == "json":
        body = json.loads(text)
        ent.state = "on" if body.get("state") == "ON" else "off"
        scale = float(option(cfg, "brightness_scale"))
        if "brightness" in body:
            ent.attributes["brightness"] = from_scale(body["brightness"], scale)
        return True
    if domain in ON_OFF:
        if text not in (str(option(cfg, "payload_on")), str(option(cfg, "payload_off"))):
            return False
        ent.state = "on" if text == str(option(cfg, "payload_on")) else "off"
        return True
    if domain in ("cover", "valve"):
        if text == str(option(cfg, "payload_open")):
            ent.state = "open"
        elif text == str(option(cfg, "payload_close")):
            ent.state = "closed"
        elif text == str(option(cfg, "payload_stop")):
            return True
        elif domain == "valve":
            ent.attributes["current_position"] = int(float(text))
            ent.state = "closed" if ent.attributes["current_position"] == 0 else "open"
            return True
        else:
            return False
        if "current_position" in ent.attributes:
            ent.attributes["current_position"] = 100 if ent.state == "open" else 0
        return True
    inverse: dict[str, str] = {}
    if domain == "lock":
        inverse = {str(option(cfg, "payload_lock")): "locked", str(option(cfg, "payload_unlock")): "unlocked",
                   str(option(cfg, "payload_open")): "open"}  # fmt: skip
    elif domain == "alarm_control_panel":
        inverse = {str(option(cfg, key)): state for state, key in ALARM_STATES.items()}
    elif domain == "vacuum":
        inverse = {str(option(cfg, key)): state for state, key in VACUUM_STATES.items() if state != "docked"}
    elif domain in ("number", "select"):
        ent.state = text
        return True
    elif domain == "button" and text == str(option(cfg, "payload_press")):
        ent.state = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        return True
    elif domain == "scene":
        return text == str(option(cfg, "payload_on"))
    elif domain == "vacuum" and text == str(option(cfg, "payload_clean_spot")):
        ent.state = "cleaning"
        return True
    elif domain == "vacuum" and text == str(option(cfg, "payload_locate")):
        return True
    if text in inverse:
        ent.state = inverse[text]
        return True
    return False


def ha_state_messages(domain: str, cfg: dict[str, Any], ent: EntityState) -> list[Publish]:
    """The retained state messages for every state topic of the device."""
    out: list[Publish] = []
    attrs = ent.attributes
    if cfg.get("state_topic") and ent.state is not None:
        if domain in ON_OFF or domain == "binary_sensor":
            text = str(option(cfg, "payload_on" if ent.state == "on" else "payload_off"))
        elif domain == "lock":
            text = {"locked": str(option(cfg, "state_locked")), "unlocked": str(option(cfg, "state_unlocked"))}.get(
                ent.state, ent.state.upper()
            )
        elif domain == "valve" and cfg.get("reports_position"):
            text = str(attrs.get("current_position", 0))
        else:
            text = ent.state
        out.append(Publish(cfg["state_topic"], text))
    for attr, key in (
        ("brightness", "brightness_state_topic"),
        ("color_temp_kelvin", "color_temp_state_topic"),
        ("current_position", "position_topic"),
        ("current_tilt_position", "tilt_status_topic"),
        ("percentage", "percentage_state_topic"),
        ("preset_mode", "preset_mode_state_topic"),
        ("temperature", "temperature_state_topic"),
        ("current_temperature", "current_temperature_topic"),
        ("humidity", "target_humidity_state_topic"),
        ("mode", "mode_state_topic"),
        ("fan_mode", "fan_mode_state_topic"),
        ("oscillating", "oscillation_state_topic"),
        ("direction", "direction_state_topic"),
    ):
        topic = cfg.get(key)
        if not topic:
            continue
        if key == "mode_state_topic" and domain in ("climate", "water_heater"):
            if ent.state is not None:
                out.append(Publish(topic, ent.state))
            continue
        value = attrs.get(attr)
        if value is None:
            continue
        if attr == "brightness":
            value = to_scale(value, float(option(cfg, "brightness_scale")))
        elif attr == "color_temp_kelvin" and not cfg.get("color_temp_kelvin"):
            value = mireds(value)
        elif attr == "oscillating":
            value = option(cfg, "payload_oscillation_on" if value else "payload_oscillation_off")
        out.append(Publish(topic, str(value)))
    return out
