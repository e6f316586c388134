"""Home Assistant MQTT mapping: calls → absolute command publishes, state messages → entity state."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from homefc.calls import Call
from homefc.domains import DomainSpec
from homefc.errors import MqttError
from homefc.home import home_from_data
from homefc.mqtt.ha_codec import Publish, Unsupported, ha_apply_state, ha_commands, ha_state_topics
from homefc.virtual_home import EntityState, VirtualHome


def _run(
    domains: dict[str, DomainSpec], entity: dict[str, Any], cfg: dict[str, Any], name: str, **args: Any
) -> list[Publish]:
    """Publishes for a call on a one-entity home, with the virtual home's predicted target state."""
    home = VirtualHome(home_from_data({"entities": [entity]}), domains)
    before = copy.deepcopy(home.states[entity["id"]])
    home.apply(Call(name=name, arguments={"entity_id": entity["id"], **args}))
    component = entity["id"].split(".")[0]
    return ha_commands(component, cfg, name, before, home.states[entity["id"]])


LIGHT = {"id": "light.desk", "name": "Desk", "state": "off", "attributes": {"brightness": 0, "color_temp_kelvin": 3000}}
LIGHT_CFG = {
    "command_topic": "desk/set",
    "state_topic": "desk/state",
    "brightness_command_topic": "desk/bri/set",
    "brightness_state_topic": "desk/bri",
    "brightness_scale": 100,
    "color_temp_command_topic": "desk/ct/set",
}


def test_light_commands_are_absolute_and_scaled(domains: dict[str, DomainSpec]) -> None:
    assert _run(domains, LIGHT, LIGHT_CFG, "light.turn_on", brightness_pct=40) == [
        Publish("desk/set", "ON"),
        Publish("desk/bri/set", "40"),
    ]
    assert _run(domains, LIGHT, LIGHT_CFG, "light.turn_on", color_temp_kelvin=2500) == [
        Publish("desk/set", "ON"),
        Publish("desk/bri/set", "100"),
        Publish("desk/ct/set", "400"),
    ]
    on = {**LIGHT, "state": "on", "attributes": {"brightness": 200}}
    assert _run(domains, on, LIGHT_CFG, "light.toggle") == [Publish("desk/set", "OFF")]
    assert _run(domains, on, LIGHT_CFG, "light.turn_on") == [Publish("desk/set", "ON")], "idempotent, still sent"


def test_json_schema_light_gets_one_json_command(domains: dict[str, DomainSpec]) -> None:
    cfg = {"schema": "json", "command_topic": "l/set", "state_topic": "l"}
    (publish,) = _run(domains, LIGHT, cfg, "light.turn_on", brightness_pct=50, color_temp_kelvin=2700)
    assert publish.topic == "l/set"
    assert json.loads(publish.payload) == {"state": "ON", "brightness": 128, "color_temp": 370}


def test_covers_locks_climate_and_actions(domains: dict[str, DomainSpec]) -> None:
    cover = {"id": "cover.blind", "name": "Blind", "state": "closed", "attributes": {"current_position": 0}}
    cover_cfg = {"command_topic": "b/set", "set_position_topic": "b/pos/set", "payload_open": "up"}
    assert _run(domains, cover, cover_cfg, "cover.set_cover_position", position=30) == [Publish("b/pos/set", "30")]
    assert _run(domains, cover, cover_cfg, "cover.open_cover") == [Publish("b/set", "up")]
    assert _run(domains, cover, cover_cfg, "cover.stop_cover") == [Publish("b/set", "STOP")]
    lock = {"id": "lock.door", "name": "Door", "state": "locked"}
    assert _run(domains, lock, {"command_topic": "d/set"}, "lock.unlock") == [Publish("d/set", "UNLOCK")]
    heat = {
        "id": "climate.hall",
        "name": "Hall",
        "state": "heat",
        "attributes": {"temperature": 19, "hvac_modes": ["off", "heat"], "min_temp": 5, "max_temp": 30},
    }
    heat_cfg = {"mode_command_topic": "h/mode/set", "temperature_command_topic": "h/temp/set"}
    assert _run(domains, heat, heat_cfg, "climate.set_temperature", temperature=21.5) == [Publish("h/temp/set", "21.5")]
    assert _run(domains, heat, heat_cfg, "climate.set_hvac_mode", hvac_mode="off") == [Publish("h/mode/set", "off")]
    button = {"id": "button.bell", "name": "Bell"}
    assert _run(domains, button, {"command_topic": "bell/press"}, "button.press") == [Publish("bell/press", "PRESS")]
    number = {"id": "number.volume", "name": "Volume", "state": "3", "attributes": {"min": 0, "max": 10}}
    templated = {"command_topic": "n/set", "command_template": '{"value": {{ value }}}'}
    assert _run(domains, number, templated, "number.set_value", value=7) == [Publish("n/set", '{"value": 7}')]


def test_a_missing_command_topic_is_a_clear_refusal(domains: dict[str, DomainSpec]) -> None:
    with pytest.raises(Unsupported, match="no brightness_command_topic, so homefc cannot dim it"):
        _run(domains, LIGHT, {"command_topic": "desk/set"}, "light.turn_on", brightness_pct=10)


def test_state_messages_update_the_entity() -> None:
    ent = EntityState(None, {})
    assert ha_state_topics("light", LIGHT_CFG) == ["desk/bri", "desk/state"]
    ha_apply_state("light", LIGHT_CFG, "desk/state", b"ON", ent)
    ha_apply_state("light", LIGHT_CFG, "desk/bri", b"40", ent)
    assert ent.state == "on" and ent.attributes["brightness"] == 102
    json_light = EntityState(None, {})
    payload = json.dumps({"state": "ON", "brightness": 128, "color_temp": 370}).encode()
    ha_apply_state("light", {"schema": "json", "state_topic": "l"}, "l", payload, json_light)
    assert json_light.state == "on" and json_light.attributes == {"brightness": 128, "color_temp_kelvin": 2703}
    cover = EntityState(None, {})
    cfg = {"state_topic": "b", "value_template": "{{ value_json.state }}", "position_topic": "b",
           "position_template": "{{ value_json.pos }}"}  # fmt: skip
    ha_apply_state("cover", cfg, "b", b'{"state": "open", "pos": 55}', cover)
    assert cover.state == "open" and cover.attributes["current_position"] == 55
    lock = EntityState(None, {})
    ha_apply_state("lock", {"state_topic": "d"}, "d", b"LOCKED", lock)
    assert lock.state == "locked"
    with pytest.raises(MqttError, match="template"):
        ha_apply_state("sensor", {"state_topic": "s", "value_template": "{{ value | nofilter }}"}, "s", b"1", lock)
