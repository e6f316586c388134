"""Discovery payloads (Home Assistant, Zigbee2MQTT) become an inventory the runtime's catalog accepts."""

from __future__ import annotations

import json
import logging

import pytest

from homefc.catalog import build_catalog
from homefc.domains import DomainSpec
from homefc.mqtt.ha import expand, parse_ha_config
from homefc.mqtt.inventory import build_home
from homefc.mqtt.z2m import parse_z2m_devices

HA_LIGHT = {
    "~": "home/kitchen/ceiling",
    "name": "Ceiling light",
    "uniq_id": "kitchen_ceiling_1",
    "cmd_t": "~/set",
    "stat_t": "~/state",
    "bri_cmd_t": "~/brightness/set",
    "bri_scl": 100,
    "avty": [{"t": "~/status", "pl_avail": "up"}],
    "dev": {"ids": ["0xabc"], "name": "Kitchen", "mf": "Acme", "sa": "Kitchen"},
}

HA_DEVICE = {
    "dev": {"ids": "multi-1", "name": "Hall sensor", "sa": "Hall"},
    "o": {"name": "tester"},
    "stat_t": "hall/sensor/state",
    "cmps": {
        "t1": {"p": "sensor", "name": "Temperature", "dev_cla": "temperature", "unit_of_meas": "°C"},
        "s1": {"p": "switch", "name": "Night mode", "cmd_t": "hall/sensor/night/set"},
        "c1": {"p": "camera", "name": "Doorbell camera"},
    },
}

Z2M_DEVICES = [
    {"type": "Coordinator", "friendly_name": "Coordinator", "ieee_address": "0x00"},
    {
        "type": "Router",
        "friendly_name": "Living room/Sofa lamp",
        "ieee_address": "0x01",
        "definition": {
            "vendor": "IKEA",
            "model": "LED1545G12",
            "exposes": [
                {
                    "type": "light",
                    "features": [
                        {"type": "binary", "name": "state", "property": "state", "access": 7, "value_on": "ON"},
                        {"type": "numeric", "name": "brightness", "property": "brightness", "access": 7},
                        {"type": "numeric", "name": "color_temp", "property": "color_temp", "access": 7,
                         "value_min": 250, "value_max": 454},
                    ],
                },
                {"type": "numeric", "name": "linkquality", "property": "linkquality", "access": 1,
                 "category": "diagnostic"},
            ],
        },
    },
    {
        "type": "EndDevice",
        "friendly_name": "bathroom_sensor",
        "ieee_address": "0x02",
        "definition": {
            "vendor": "Aqara",
            "model": "WSDCGQ11LM",
            "exposes": [
                {"type": "numeric", "name": "temperature", "property": "temperature", "access": 1, "unit": "°C"},
                {"type": "binary", "name": "water_leak", "property": "water_leak", "access": 1},
            ],
        },
    },
    {"type": "EndDevice", "friendly_name": "mystery", "ieee_address": "0x03", "definition": None},
]  # fmt: skip


def _payload(data: object) -> bytes:
    return json.dumps(data).encode()


def test_abbreviations_and_base_topic_are_expanded() -> None:
    cfg = expand(HA_LIGHT)
    assert cfg["command_topic"] == "home/kitchen/ceiling/set"
    assert cfg["brightness_command_topic"] == "home/kitchen/ceiling/brightness/set"
    assert cfg["brightness_scale"] == 100 and cfg["unique_id"] == "kitchen_ceiling_1"
    assert cfg["availability"] == [{"topic": "home/kitchen/ceiling/status", "payload_available": "up"}]
    assert cfg["device"]["manufacturer"] == "Acme" and cfg["device"]["suggested_area"] == "Kitchen"
    assert "~" not in cfg


def test_per_entity_and_device_discovery_become_an_inventory(domains: dict[str, DomainSpec]) -> None:
    found = parse_ha_config("homeassistant/light/kitchen/ceiling/config", _payload(HA_LIGHT))
    assert found is not None
    found += parse_ha_config("homeassistant/device/multi-1/config", _payload(HA_DEVICE)) or []
    home = build_home(found)
    ids = [e.id for e in home.entities]
    assert ids == ["light.kitchen_ceiling_light", "sensor.hall_sensor_temperature", "switch.hall_sensor_night_mode"]
    light = home.entity("light.kitchen_ceiling_light")
    assert light is not None and light.area == "kitchen" and light.device == "0xabc"
    assert light.mqtt is not None and light.mqtt["via"] == "ha" and light.mqtt["config"]["brightness_scale"] == 100
    sensor = home.entity("sensor.hall_sensor_temperature")
    assert sensor is not None and sensor.attributes["unit_of_measurement"] == "°C"
    assert sensor.mqtt is not None and sensor.mqtt["config"]["state_topic"] == "hall/sensor/state", "shared keys"
    assert {a.id for a in home.areas} == {"kitchen", "hall"}
    catalog = build_catalog(home, domains)
    turn_on = catalog.get("light.turn_on", "light.kitchen_ceiling_light")
    assert turn_on is not None and turn_on.arg("brightness_pct") is not None


def test_malformed_or_foreign_payloads_are_skipped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert parse_ha_config("homeassistant/light/x/config", b"{not json") == []
        assert parse_ha_config("homeassistant/light/x/config", b"[1, 2]") == []
        assert parse_ha_config("homeassistant/device/x/config", _payload({"dev": {}})) == []
        assert parse_ha_config("homeassistant/light/x/config", b"") is None, "an empty payload deletes"
        assert parse_ha_config("homeassistant/camera/x/config", _payload({"name": "Cam"})) == []
        assert parse_z2m_devices(b"\xff\xfe") == []
        assert parse_z2m_devices(_payload({"not": "a list"})) == []
    text = caplog.text
    assert "homeassistant/light/x/config: discovery payload is not JSON" in text
    assert "not a JSON object" in text and "without a components table" in text
    assert "zigbee2mqtt/bridge/devices: not JSON" in text


def test_zigbee2mqtt_devices_become_entities(domains: dict[str, DomainSpec], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        found = parse_z2m_devices(_payload(Z2M_DEVICES))
    assert "mystery is not supported by Zigbee2MQTT" in caplog.text
    home = build_home(found)
    by_id = {e.id: e for e in home.entities}
    assert set(by_id) == {
        "light.sofa_lamp",
        "sensor.bathroom_sensor_temperature",
        "binary_sensor.bathroom_sensor_water_leak",
    }
    lamp = by_id["light.sofa_lamp"]
    assert lamp.area == "living_room" and lamp.attributes["min_color_temp_kelvin"] == 2203
    assert lamp.mqtt is not None and lamp.mqtt["friendly_name"] == "Living room/Sofa lamp"
    assert by_id["sensor.bathroom_sensor_temperature"].area == "unassigned"
    assert by_id["binary_sensor.bathroom_sensor_water_leak"].attributes["device_class"] == "moisture"
    catalog = build_catalog(home, domains)
    assert catalog.get("light.turn_on", "light.sofa_lamp") is not None


def test_same_names_get_unique_ids() -> None:
    cfg = {"name": "Lamp", "cmd_t": "a/set"}
    found = (parse_ha_config("homeassistant/light/a/config", _payload(cfg)) or []) + (
        parse_ha_config("homeassistant/light/b/config", _payload(cfg)) or []
    )
    assert [e.id for e in build_home(found).entities] == ["light.lamp", "light.lamp_2"]
