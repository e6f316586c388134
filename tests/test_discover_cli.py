"""`homefc discover` against a real Mosquitto holding retained discovery messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from homefc.cli import main
from homefc.home import load_home
from homefc.mqtt.client import MqttClient
from tests.broker import Mosquitto, free_port
from tests.test_discovery import HA_DEVICE, HA_LIGHT, Z2M_DEVICES


def test_discover_writes_the_inventory_of_retained_discovery(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broker = Mosquitto(tmp_path / "broker").start()
    try:
        client = MqttClient(broker.settings).connect()
        assert client.publish("homeassistant/light/kitchen/ceiling/config", json.dumps(HA_LIGHT), retain=True)
        assert client.publish("homeassistant/device/multi-1/config", json.dumps(HA_DEVICE), retain=True)
        assert client.publish("homeassistant/switch/gone/config", json.dumps({"name": "Gone"}), retain=True)
        assert client.publish("homeassistant/switch/gone/config", b"", retain=True)  # deleted again
        assert client.publish("zigbee2mqtt/bridge/devices", json.dumps(Z2M_DEVICES), retain=True)
        assert client.publish("homeassistant/light/bad/config", b"{oops", retain=True)
        client.close()
        out = tmp_path / "home.yaml"
        assert main(["discover", "--broker", f"127.0.0.1:{broker.port}", "--seconds", "1", "-o", str(out)]) == 0
        home = load_home(out)
        assert [e.id for e in home.entities] == [
            "sensor.hall_sensor_temperature",
            "switch.hall_sensor_night_mode",
            "light.kitchen_ceiling_light",
            "light.sofa_lamp",
            "sensor.bathroom_sensor_temperature",
            "binary_sensor.bathroom_sensor_water_leak",
        ]
        kitchen = home.entity("light.kitchen_ceiling_light")
        assert kitchen is not None and kitchen.mqtt is not None
        assert kitchen.mqtt["config"]["command_topic"] == "home/kitchen/ceiling/set"
        assert "discovered 6 entities in 4 areas" in capsys.readouterr().out
    finally:
        broker.stop()


def test_discover_on_an_empty_broker_or_none_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broker = Mosquitto(tmp_path / "broker").start()
    try:
        assert main(["discover", "--broker", f"127.0.0.1:{broker.port}", "--seconds", "0.3"]) == 1
        assert "no usable discovery messages in 0.3 s" in capsys.readouterr().err
    finally:
        broker.stop()
    port = free_port()
    assert main(["discover", "--broker", f"127.0.0.1:{port}", "--seconds", "0.3"]) == 1
    assert f"MQTT broker 127.0.0.1:{port}: cannot connect" in capsys.readouterr().err
    assert main(["discover", "--broker", "host:notaport"]) == 1
    assert "expected HOST or HOST:PORT" in capsys.readouterr().err
