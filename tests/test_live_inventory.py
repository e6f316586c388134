"""The embedded demo broker, and a session that follows devices joining and leaving the broker's discovery."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from homefc.calls import Call
from homefc.config import Settings
from homefc.domains import DomainSpec
from homefc.errors import MqttError
from homefc.home import Home
from homefc.mqtt.client import MqttClient
from homefc.mqtt.embedded import EmbeddedBroker
from homefc.mqtt.session import open_session
from homefc.mqtt.sim import SimulatedHome
from homefc.policy import PolicyConfig, Rule
from tests.broker import Mosquitto


def _until(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_the_embedded_broker_carries_retained_messages_and_lets_go_of_its_port() -> None:
    with EmbeddedBroker() as settings:
        publisher = MqttClient(settings, client_id="pub").connect()
        publisher.publish("demo/lamp/state", "ON", retain=True)
        got: list[tuple[str, bytes, bool]] = []
        arrived = threading.Event()
        listener = MqttClient(settings, client_id="sub")
        listener.subscribe("demo/#", lambda t, p, r: (got.append((t, p, r)), arrived.set()))
        listener.connect()
        assert arrived.wait(5.0)
        assert got == [("demo/lamp/state", b"ON", True)]
        listener.close()
        publisher.close()
    with pytest.raises(MqttError, match=rf"MQTT broker 127.0.0.1:{settings.port}: cannot connect"):
        MqttClient(settings).connect()


def _part(flat: Home, *ids: str) -> Home:
    return Home(name=flat.name, areas=flat.areas, entities=[e for e in flat.entities if e.id in ids])


def test_a_session_follows_devices_that_join_and_leave(
    tmp_path: Path, flat: Home, domains: dict[str, DomainSpec]
) -> None:
    broker = Mosquitto(tmp_path / "broker").start()
    first = SimulatedHome(_part(flat, "light.sofa_lamp"), domains, broker.settings).start()
    assert first.wait_announced()
    settings = Settings(audit_log=tmp_path / "audit.jsonl", policy=PolicyConfig(allow_writes=[Rule(domain="*")]))
    session = open_session(settings, broker.settings, domains, None, seconds=0.5, follow=True)
    seen: list[Home] = []
    session.on_inventory.append(lambda home, catalog: seen.append(home))
    joined = SimulatedHome(_part(flat, "switch.christmas_tree"), domains, broker.settings)
    try:
        assert [e.id for e in session.home.entities] == ["light.sofa_lamp"]
        joined.start(MqttClient(broker.settings, client_id="second-bridge"))
        assert joined.wait_announced()
        assert _until(lambda: session.catalog.get("switch.turn_on", "switch.christmas_tree") is not None)
        assert [e.id for e in seen[-1].entities] == ["light.sofa_lamp", "switch.christmas_tree"]
        tree_on = Call(name="switch.turn_on", arguments={"entity_id": "switch.christmas_tree"})
        outcome = session.executor.execute(tree_on, text="t")
        assert outcome.status == "confirmed", outcome.message
        assert joined.state.states["switch.christmas_tree"].state == "on"
        # the device is removed the Home Assistant way: an empty retained config
        joined.client.publish("homeassistant/switch/christmas_tree/config", b"", retain=True)  # type: ignore[union-attr]
        assert _until(lambda: session.catalog.get("switch.turn_on", "switch.christmas_tree") is None)
        lamp_on = Call(name="light.turn_on", arguments={"entity_id": "light.sofa_lamp"})
        assert session.executor.execute(lamp_on, text="t").status == "confirmed"
    finally:
        session.close()
        joined.stop()
        first.stop()
        broker.stop()


def test_discovered_devices_keep_the_names_and_aliases_of_a_home_file_without_mappings(
    tmp_path: Path, flat: Home, domains: dict[str, DomainSpec]
) -> None:
    broker = Mosquitto(tmp_path / "broker").start()
    first = SimulatedHome(_part(flat, "light.sofa_lamp"), domains, broker.settings).start()
    assert first.wait_announced()
    settings = Settings(audit_log=tmp_path / "audit.jsonl")
    session = open_session(settings, broker.settings, domains, flat, seconds=0.5, follow=True)
    joined = SimulatedHome(_part(flat, "switch.christmas_tree"), domains, broker.settings)
    try:
        assert [e.id for e in session.home.entities] == ["light.sofa_lamp"]  # only what discovery found
        lamp = session.home.entity("light.sofa_lamp")
        assert lamp is not None and lamp.aliases == ["reading lamp", "lamp by the sofa"]
        living = session.home.area("living_room")
        assert living is not None and "lounge" in living.aliases and session.home.name == flat.name
        joined.start(MqttClient(broker.settings, client_id="second-bridge"))
        assert joined.wait_announced()
        assert _until(lambda: session.home.entity("switch.christmas_tree") is not None)
        tree = session.home.entity("switch.christmas_tree")
        assert tree is not None and tree.aliases == ["tree"]  # the rebuilt inventory keeps them too
        assert session.home.entity("light.sofa_lamp").aliases == lamp.aliases  # type: ignore[union-attr]
    finally:
        session.close()
        joined.stop()
        first.stop()
        broker.stop()
