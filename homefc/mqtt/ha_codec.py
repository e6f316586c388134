"""Home Assistant MQTT entities: a call's target state → command publishes; state messages → entity state.

Commands are derived from the state change the virtual home predicts for the call (the domain specs' effects),
not from the service name, so every command is absolute (`ON`, a position, a temperature) and a duplicate is
harmless. Services that change no state (press a button, activate a scene, stop a cover) send their action
payload. Topic and payload names are Home Assistant's, with its defaults.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from homefc.mqtt.templates import render, render_value
from homefc.mqtt.units import from_scale, mireds, to_scale
from homefc.virtual_home import EntityState

DEFAULTS: dict[str, Any] = {
    "payload_on": "ON", "payload_off": "OFF", "payload_open": "OPEN", "payload_close": "CLOSE",
    "payload_stop": "STOP", "payload_lock": "LOCK", "payload_unlock": "UNLOCK", "payload_press": "PRESS",
    "payload_arm_home": "ARM_HOME", "payload_arm_away": "ARM_AWAY", "payload_arm_night": "ARM_NIGHT",
    "payload_arm_vacation": "ARM_VACATION", "payload_disarm": "DISARM", "payload_trigger": "TRIGGER",
    "payload_start": "start", "payload_pause": "pause", "payload_return_to_base": "return_to_base",
    "payload_locate": "locate", "payload_clean_spot": "clean_spot", "brightness_scale": 255,
    "payload_oscillation_on": "oscillate_on", "payload_oscillation_off": "oscillate_off",
    "state_open": "open", "state_closed": "closed", "state_opening": "opening", "state_closing": "closing",
    "state_locked": "LOCKED", "state_unlocked": "UNLOCKED", "position_open": 100, "position_closed": 0,
    "payload_available": "online", "payload_not_available": "offline",
}  # fmt: skip

ON_OFF = frozenset(("light", "switch", "fan", "siren", "humidifier"))
ALARM_STATES = {"armed_home": "payload_arm_home", "armed_away": "payload_arm_away",
                "armed_night": "payload_arm_night", "armed_vacation": "payload_arm_vacation",
                "disarmed": "payload_disarm", "triggered": "payload_trigger"}  # fmt: skip
VACUUM_STATES = {"cleaning": "payload_start", "paused": "payload_pause", "returning": "payload_return_to_base",
                 "idle": "payload_stop", "docked": "payload_return_to_base"}  # fmt: skip
ACTIONS = {
    "button.press": "payload_press", "scene.turn_on": "payload_on", "cover.stop_cover": "payload_stop",
    "valve.stop_valve": "payload_stop", "vacuum.locate": "payload_locate", "vacuum.clean_spot": "payload_clean_spot",
}  # fmt: skip
# Attribute → the command topic that sets it, for attributes sent as plain values.
ATTRIBUTE_TOPICS = {
    "current_position": "set_position_topic", "current_tilt_position": "tilt_command_topic",
    "percentage": "percentage_command_topic", "preset_mode": "preset_mode_command_topic",
    "temperature": "temperature_command_topic", "fan_mode": "fan_mode_command_topic",
    "humidity": "target_humidity_command_topic", "mode": "mode_command_topic",
    "fan_speed": "set_fan_speed_topic", "oscillating": "oscillation_command_topic",
    "direction": "direction_command_topic",
}  # fmt: skip


class Unsupported(ValueError):
    """The entity's MQTT config has no way to carry out this change."""


@dataclass(frozen=True)
class Publish:
    """One MQTT message to send."""

    topic: str
    payload: str


def option(cfg: dict[str, Any], key: str) -> Any:
    """A config value with Home Assistant's default."""
    value = cfg.get(key)
    return DEFAULTS.get(key) if value is None else value


def _topic(cfg: dict[str, Any], key: str, what: str) -> str:
    topic = cfg.get(key)
    if not isinstance(topic, str) or not topic:
        raise Unsupported(f"its discovery config has no {key}, so homefc cannot {what}")
    return topic


def _templated(cfg: dict[str, Any], template_key: str, value: Any, **extra: Any) -> str:
    template = cfg.get(template_key)
    if isinstance(template, str) and template:
        return render(template, value=value, **extra)
    return str(value).lower() if isinstance(value, bool) else str(value)


def ha_commands(
    component: str, cfg: dict[str, Any], call_name: str, before: EntityState, after: EntityState
) -> list[Publish]:
    """The publishes that move an entity from `before` to `after` (or perform the call's action)."""
    if call_name in ACTIONS:
        what = call_name.split(".", 1)[1].replace("_", " ")
        return [Publish(_topic(cfg, "command_topic", what), str(option(cfg, ACTIONS[call_name])))]
    if component == "light" and cfg.get("schema") == "json":
        return _json_light(cfg, after)
    out: list[Publish] = []
    if call_name in ("cover.set_cover_position", "valve.set_valve_position"):
        # The position says it all: OPEN or CLOSE before it would first run the cover to its end.
        return _attribute(component, cfg, "current_position", after.attributes.get("current_position"), after)
    state_payload = _state_payload(component, cfg, after)
    if state_payload is not None and (after.state != before.state or component in ON_OFF | {"lock", "cover", "valve"}):
        topic_key = "mode_command_topic" if component in ("climate", "water_heater") else "command_topic"
        template = "mode_command_template" if component in ("climate", "water_heater") else "command_template"
        payload = _templated(cfg, template, state_payload, action=state_payload)
        out.append(Publish(_topic(cfg, topic_key, f"set it to {after.state}"), payload))
    for attr, new in after.attributes.items():
        if before.attributes.get(attr) == new or new is None:
            continue
        if component in ("cover", "valve") and attr == "current_position":
            continue  # implied by OPEN / CLOSE
        out += _attribute(component, cfg, attr, new, after)
    return out


def _state_payload(component: str, cfg: dict[str, Any], after: EntityState) -> str | None:
    state = after.state
    if state is None:
        return None
    if component in ON_OFF:
        return str(option(cfg, "payload_on" if state == "on" else "payload_off"))
    if component in ("cover", "valve"):
        if state in ("open", "opening"):
            return str(option(cfg, "payload_open"))
        if state in ("closed", "closing"):
            return str(option(cfg, "payload_close"))
        return None
    if component == "lock":
        key = {"locked": "payload_lock", "unlocked": "payload_unlock", "open": "payload_open"}.get(state)
        return str(option(cfg, key)) if key else None
    if component == "alarm_control_panel":
        key = ALARM_STATES.get(state)
        return str(option(cfg, key)) if key else None
    if component == "vacuum":
        key = VACUUM_STATES.get(state)
        return str(option(cfg, key)) if key else None
    if component in ("climate", "water_heater", "number", "select"):
        return state
    return None


def _attribute(component: str, cfg: dict[str, Any], attr: str, value: Any, after: EntityState) -> list[Publish]:
    if component == "light" and attr == "brightness":
        scale = float(option(cfg, "brightness_scale"))
        level = to_scale(value, scale)
        if after.state == "off" or level == 0:
            return []
        return [
            Publish(
                _topic(cfg, "brightness_command_topic", "dim it"), _templated(cfg, "brightness_command_template", level)
            )
        ]
    if component == "light" and attr == "color_temp_kelvin":
        kelvin = int(value)
        temp = kelvin if cfg.get("color_temp_kelvin") else mireds(kelvin)
        return [Publish(_topic(cfg, "color_temp_command_topic", "change its colour temperature"), str(temp))]
    if component == "light" and attr == "rgb_color" and isinstance(value, list | tuple):
        return [Publish(_topic(cfg, "rgb_command_topic", "change its colour"), ",".join(str(int(c)) for c in value))]
    if component == "cover" and attr == "current_position":
        lo, hi = float(option(cfg, "position_closed")), float(option(cfg, "position_open"))
        return [
            Publish(
                _topic(cfg, "set_position_topic", "move it to a position"),
                str(round(lo + (hi - lo) * float(value) / 100)),
            )
        ]
    if component == "valve" and attr == "current_position":
        return [Publish(_topic(cfg, "command_topic", "move it to a position"), str(int(value)))]
    if attr == "oscillating":
        payload = str(option(cfg, "payload_oscillation_on" if value else "payload_oscillation_off"))
        return [Publish(_topic(cfg, "oscillation_command_topic", "make it oscillate"), payload)]
    topic_key = ATTRIBUTE_TOPICS.get(attr)
    if topic_key is None:
        return []  # a derived attribute (color_mode, ...) that no command sets
    template = topic_key.replace("_topic", "_template")
    return [Publish(_topic(cfg, topic_key, f"set its {attr.replace('_', ' ')}"), _templated(cfg, template, value))]


def _json_light(cfg: dict[str, Any], after: EntityState) -> list[Publish]:
    body: dict[str, Any] = {"state": "ON" if after.state == "on" else "OFF"}
    attrs = after.attributes
    if after.state == "on":
        if attrs.get("brightness") is not None:
            body["brightness"] = to_scale(attrs["brightness"], float(option(cfg, "brightness_scale")))
        if attrs.get("color_mode") == "color_temp" and attrs.get("color_temp_kelvin"):
            kelvin = int(attrs["color_temp_kelvin"])
            body["color_temp"] = kelvin if cfg.get("color_temp_kelvin") else mireds(kelvin)
        elif attrs.get("color_mode") in ("rgb", "hs", "xy") and isinstance(attrs.get("rgb_color"), list | tuple):
            r, g, b = (int(c) for c in attrs["rgb_color"])
            body["color"] = {"r": r, "g": g, "b": b}
    return [Publish(_topic(cfg, "command_topic", "switch it"), json.dumps(body))]


# --- state messages → entity state ----------------------------------------------------------------------------

# (topic key, template key, attribute or "state") per component, besides the common state_topic.
STATE_SOURCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "light": (
        ("brightness_state_topic", "brightness_value_template", "brightness"),
        ("color_temp_state_topic", "color_temp_value_template", "color_temp_kelvin"),
    ),
    "cover": (("position_topic", "position_template", "current_position"),),
    "climate": (
        ("mode_state_topic", "mode_state_template", "state"),
        ("temperature_state_topic", "temperature_state_template", "temperature"),
        ("current_temperature_topic", "current_temperature_template", "current_temperature"),
    ),
    "water_heater": (
        ("mode_state_topic", "mode_state_template", "state"),
        ("temperature_state_topic", "temperature_state_template", "temperature"),
        ("current_temperature_topic", "current_temperature_template", "current_temperature"),
    ),
    "fan": (
        ("percentage_state_topic", "percentage_value_template", "percentage"),
        ("preset_mode_state_topic", "preset_mode_value_template", "preset_mode"),
        ("oscillation_state_topic", "oscillation_value_template", "oscillating"),
        ("direction_state_topic", "direction_value_template", "direction"),
    ),
    "humidifier": (
        ("target_humidity_state_topic", "target_humidity_state_template", "humidity"),
        ("mode_state_topic", "mode_state_template", "mode"),
    ),
}


TEXT_FIELDS = frozenset(("mode", "preset_mode", "fan_mode", "direction"))


def ha_observable(component: str, cfg: dict[str, Any]) -> set[str]:
    """Fields ("state" or attribute names) this entity reports, so a change to them can be confirmed."""
    if component == "light" and cfg.get("schema") == "json":
        return {"state", "brightness", "color_temp_kelvin", "rgb_color"} if cfg.get("state_topic") else set()
    fields = {"state"} if cfg.get("state_topic") else set()
    if component == "valve" and cfg.get("reports_position") and cfg.get("state_topic"):
        fields.add("current_position")
    for topic_key, _, field in STATE_SOURCES.get(component, ()):
        if cfg.get(topic_key):
            fields.add(field)
    return fields


def ha_availability(cfg: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(topic, payload when available, payload when not) for each availability topic."""
    out = []
    entries = cfg.get("availability") if isinstance(cfg.get("availability"), list) else []
    if isinstance(cfg.get("availability_topic"), str):
        entries = [{"topic": cfg["availability_topic"], **cfg}, *entries]
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("topic"), str):
            up = str(entry.get("payload_available") or DEFAULTS["payload_available"])
            down = str(entry.get("payload_not_available") or DEFAULTS["payload_not_available"])
            out.append((entry["topic"], up, down))
    return out


def ha_state_topics(component: str, cfg: dict[str, Any]) -> list[str]:
    """Every topic that carries this entity's state."""
    keys = ["state_topic", *(src[0] for src in STATE_SOURCES.get(component, ()))]
    return sorted({cfg[k] for k in keys if isinstance(cfg.get(k), str) and cfg[k]})


def _number(text: str) -> float | int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


def ha_apply_state(component: str, cfg: dict[str, Any], topic: str, payload: bytes, ent: EntityState) -> None:
    """Update `ent` from one state message (several of the entity's fields may share the topic)."""
    if topic == cfg.get("state_topic"):
        if component == "light" and cfg.get("schema") == "json":
            _json_light_state(cfg, payload, ent)
        else:
            template = cfg.get("state_value_template") or cfg.get("value_template")
            ent.state = _main_state(component, cfg, render_value(template, payload))
            position = _number(ent.state or "") if component == "valve" and cfg.get("reports_position") else None
            if position is not None:
                ent.attributes["current_position"] = position
                ent.state = "closed" if position == 0 else "open"
    for topic_key, template_key, field in STATE_SOURCES.get(component, ()):
        if cfg.get(topic_key) != topic:
            continue
        text = render_value(cfg.get(template_key), payload)
        if field == "state":
            ent.state = text
            continue
        if field in TEXT_FIELDS:
            ent.attributes[field] = text
            continue
        if field == "oscillating":
            if text in (str(option(cfg, "payload_oscillation_on")), str(option(cfg, "payload_oscillation_off"))):
                ent.attributes[field] = text == str(option(cfg, "payload_oscillation_on"))
            continue
        value = _number(text)
        if value is None:
            continue
        if field == "brightness":
            value = from_scale(value, float(option(cfg, "brightness_scale")))
        elif field == "color_temp_kelvin" and not cfg.get("color_temp_kelvin") and value:
            value = mireds(value)
        elif field == "current_position":
            lo, hi = float(option(cfg, "position_closed")), float(option(cfg, "position_open"))
            value = round((float(value) - lo) * 100 / (hi - lo)) if hi != lo else value
        ent.attributes[field] = value


def _main_state(component: str, cfg: dict[str, Any], text: str) -> str | None:
    if component in ON_OFF or component == "binary_sensor":
        on = {str(option(cfg, "payload_on")), str(cfg.get("state_on") or "")} - {""}
        off = {str(option(cfg, "payload_off")), str(cfg.get("state_off") or "")} - {""}
        return "on" if text in on else "off" if text in off else None
    if component == "valve" and cfg.get("reports_position"):
        return text  # a position; ha_apply_state turns it into current_position
    if component in ("cover", "valve"):
        for state in ("open", "closed", "opening", "closing"):
            if text == str(option(cfg, f"state_{state}")):
                return state
        return text.lower() or None
    if component == "lock":
        if text == str(option(cfg, "state_locked")):
            return "locked"
        if text == str(option(cfg, "state_unlocked")):
            return "unlocked"
        return text.lower() or None
    if component == "alarm_control_panel":
        return text.lower() or None
    return text or None


def _json_light_state(cfg: dict[str, Any], payload: bytes, ent: EntityState) -> None:
    try:
        body = json.loads(payload)
    except ValueError:
        return
    if not isinstance(body, dict):
        return
    if body.get("state") in ("ON", "OFF"):
        ent.state = "on" if body["state"] == "ON" else "off"
    if isinstance(body.get("brightness"), int | float):
        ent.attributes["brightness"] = from_scale(body["brightness"], float(option(cfg, "brightness_scale")))
    if isinstance(body.get("color_temp"), int | float) and body["color_temp"]:
        temp = float(body["color_temp"])
        ent.attributes["color_temp_kelvin"] = int(temp) if cfg.get("color_temp_kelvin") else mireds(temp)
    color = body.get("color")
    if isinstance(color, dict) and all(isinstance(color.get(c), int) for c in "rgb"):
        ent.attributes["rgb_color"] = [color["r"], color["g"], color["b"]]
