"""Zigbee2MQTT mapping: calls → one JSON /set body built from the exposes; device state JSON → entity state."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from homefc.calls import Call
from homefc.domains import DomainSpec
from homefc.home import Home
from homefc.mqtt.ha_codec import Unsupported
from homefc.mqtt.inventory import build_home
from homefc.mqtt.z2m import parse_z2m_devices
from homefc.mqtt.z2m_codec import topics, z2m_apply_state, z2m_commands
from homefc.virtual_home import EntityState, VirtualHome
from tests.test_discovery import Z2M_DEVICES


def _device(friendly: str, exposes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "EndDevice", "friendly_name": friendly, "ieee_address": friendly,
            "definition": {"vendor": "v", "model": "m", "exposes": exposes}}  # fmt: skip


def _binary(name: str, on: str, off: str) -> dict[str, Any]:
    return {"type": "binary", "name": name, "property": name, "access": 7, "value_on": on, "value_off": off}


def _numeric(name: str, **extra: Any) -> dict[str, Any]:
    return {"type": "numeric", "name": name, "property": name, "access": 7, **extra}


EXTRA = [
    _device("Hall/Blind", [{"type": "cover", "features": [
        {"type": "enum", "name": "state", "property": "state", "access": 7, "values": ["OPEN", "CLOSE", "STOP"]},
        _numeric("position", value_min=0, value_max=100)]}]),
    _device("Hall/Door lock", [{"type": "lock", "features": [_binary("state", "LOCK", "UNLOCK")]}]),
    _device("Hall/Radiator", [{"type": "climate", "features": [
        _numeric("occupied_heating_setpoint", value_min=5, value_max=30),
        {**_numeric("local_temperature"), "access": 5},
        {"type": "enum", "name": "system_mode", "property": "system_mode", "access": 7, "values": ["off", "heat"]}]}]),
]  # fmt: skip


@pytest.fixture(scope="module")
def home() -> Home:
    return build_home(parse_z2m_devices(json.dumps(Z2M_DEVICES + EXTRA).encode()))


def _body(home: Home, domains: dict[str, DomainSpec], entity_id: str, name: str, **args: Any) -> dict[str, Any]:
    vhome = VirtualHome(home, domains)
    entity = home.entity(entity_id)
    assert entity is not None and entity.mqtt is not None
    before = copy.deepcopy(vhome.states[entity_id])
    vhome.apply(Call(name=name, arguments={"entity_id": entity_id, **args}))
    (publish,) = z2m_commands(entity.domain, entity.mqtt, name, before, vhome.states[entity_id])
    assert publish.topic == f"zigbee2mqtt/{entity.mqtt['friendly_name']}/set"
    return json.loads(publish.payload)


def test_commands_follow_the_exposes(home: Home, domains: dict[str, DomainSpec]) -> None:
    assert _body(home, domains, "light.sofa_lamp", "light.turn_on", brightness_pct=50) == {
        "state": "ON",
        "brightness": 127,
    }
    assert _body(home, domains, "light.sofa_lamp", "light.turn_on", color_temp_kelvin=2700)["color_temp"] == 370
    assert _body(home, domains, "cover.blind", "cover.set_cover_position", position=40) == {"position": 40}
    assert _body(home, domains, "cover.blind", "cover.open_cover") == {"state": "OPEN"}
    assert _body(home, domains, "lock.door", "lock.unlock") == {"state": "UNLOCK"}
    assert _body(home, domains, "climate.radiator", "climate.set_temperature", temperature=21) == {
        "occupied_heating_setpoint": 21
    }


def test_read_only_devices_refuse_commands(home: Home) -> None:
    sensor = home.entity("sensor.bathroom_sensor_temperature")
    assert sensor is not None and sensor.mqtt is not None
    with pytest.raises(Unsupported, match="read-only"):
        z2m_commands("sensor", sensor.mqtt, "sensor.get_state", EntityState("1"), EntityState("2"))


def test_state_json_updates_entities(home: Home) -> None:
    lamp = home.entity("light.sofa_lamp")
    assert lamp is not None and lamp.mqtt is not None
    assert topics(lamp.mqtt)[0] == "zigbee2mqtt/Living room/Sofa lamp"
    ent = EntityState(None, {})
    z2m_apply_state("light", lamp.mqtt, b'{"state": "ON", "brightness": 254, "color_temp": 370, "linkquality": 9}', ent)
    assert ent.state == "on" and ent.attributes == {"brightness": 255, "color_temp_kelvin": 2703}
    leak = home.entity("binary_sensor.bathroom_sensor_water_leak")
    assert leak is not None and leak.mqtt is not None
    wet = EntityState(None, {})
    z2m_apply_state("binary_sensor", leak.mqtt, b'{"water_leak": true, "temperature": 20}', wet)
    assert wet.state == "on"
    radiator = home.entity("climate.radiator")
    assert radiator is not None and radiator.mqtt is not None
    heat = EntityState(None, {})
    z2m_apply_state("climate", radiator.mqtt, b'{"system_mode": "heat", "local_temperature": 19.5}', heat)
    assert heat.state == "heat" and heat.attributes == {"current_temperature": 19.5}
    z2m_apply_state("climate", radiator.mqtt, b"not json", heat)
    assert heat.state == "heat", "a malformed message changes nothing"
