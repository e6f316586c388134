"""`homefc sim`: a home inventory served over MQTT, half as Home Assistant devices, half as Zigbee2MQTT devices.

Every simulated device publishes its discovery (retained), availability and state, and reacts to commands the
way the device would: it adopts the values a command carries and publishes its new state. Entities whose
domain neither convention carries over MQTT (media players, to-do lists, scripts, helpers) are left out.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from homefc.domains import DomainSpec
from homefc.home import Entity, Home
from homefc.mqtt.client import BrokerSettings, Delivery, MqttClient
from homefc.mqtt.ha import HA_COMPONENTS
from homefc.mqtt.sim_ha import ha_config, ha_device_apply, ha_state_messages
from homefc.mqtt.sim_z2m import z2m_carries, z2m_device, z2m_device_apply, z2m_state_message
from homefc.virtual_home import VirtualHome

log = logging.getLogger(__name__)


@dataclass
class SimDevice:
    """One simulated device: the entity it stands for and how it speaks MQTT."""

    entity: Entity
    via: str
    """"ha" or "z2m"."""
    config: dict[str, Any] = field(default_factory=dict)
    """Home Assistant discovery config, or the Zigbee2MQTT bridge/devices entry."""

    @property
    def friendly_name(self) -> str:
        """Zigbee2MQTT friendly name."""
        return str(self.config["friendly_name"])

    @property
    def expose(self) -> dict[str, Any]:
        """The Zigbee2MQTT device's one expose."""
        return dict(self.config["definition"]["exposes"][0])


def split_devices(home: Home) -> tuple[list[SimDevice], list[Entity]]:
    """Alternate Home Assistant and Zigbee2MQTT among entities both can carry; the rest where possible."""
    devices: list[SimDevice] = []
    skipped: list[Entity] = []
    turn = 0
    for entity in home.entities:
        area = home.area(entity.area)
        area_name = area.name if area else None
        both = entity.domain in HA_COMPONENTS and z2m_carries(entity)
        if both and turn % 2 == 1:
            devices.append(SimDevice(entity, "z2m", z2m_device(entity, area_name)))
        elif entity.domain in HA_COMPONENTS:
            devices.append(SimDevice(entity, "ha", ha_config(entity, area_name)))
        else:
            skipped.append(entity)
            continue
        turn += both
    return devices, skipped


class SimulatedHome:
    """Serves a home's entities over MQTT with the virtual home's state."""

    def __init__(self, home: Home, domains: dict[str, DomainSpec], settings: BrokerSettings) -> None:
        self.home = home
        self.settings = settings
        self.state = VirtualHome(home, domains)
        self.devices, self.skipped = split_devices(home)
        self._by_command: dict[str, SimDevice] = {}
        self._by_friendly: dict[str, SimDevice] = {}
        self._lock = threading.Lock()
        self.commands = 0
        self.client: MqttClient | None = None
        self.announced: Delivery | None = None
        self._announced = threading.Event()
        for dev in self.devices:
            if dev.via == "ha":
                for key, value in dev.config.items():
                    if key.endswith("command_topic") or key == "set_fan_speed_topic":
                        self._by_command[str(value)] = dev
            else:
                self._by_friendly[dev.friendly_name] = dev

    def start(self, client: MqttClient | None = None) -> SimulatedHome:
        """Connect (unless given a client), publish discovery, availability and state, and listen for commands."""
        self.client = client or MqttClient(self.settings, client_id="homefc-sim")
        for topic in sorted(self._by_command):
            self.client.subscribe(topic, self._on_ha_command)
        self.client.subscribe(f"{self.settings.z2m_base}/#", self._on_z2m)
        self.client.on_connect(self._announce)  # again after a broker restart, as devices do
        if not self.client.connected:
            self.client.connect()
        else:
            self._announce()
        log.info("simulating %d entities (%d not carried over MQTT)", len(self.devices), len(self.skipped))
        return self

    def _announce(self) -> None:
        """Publish discovery, availability and state (retained), without waiting: runs on the network thread."""
        assert self.client is not None
        self._announced.clear()
        base, prefix = self.settings.z2m_base, self.settings.discovery_prefix
        with self._lock:
            for dev in self.devices:
                if dev.via == "ha":
                    topic = f"{prefix}/{dev.entity.domain}/{dev.entity.object_id}/config"
                    self.client.send(topic, json.dumps(dev.config), retain=True)
                    self.client.send(dev.config["availability_topic"], "online", retain=True)
                else:
                    self.client.send(f"{base}/{dev.friendly_name}/availability", '{"state":"online"}', retain=True)
                self._publish_state(dev)
            devices = [dev.config for dev in self.devices if dev.via == "z2m"]
            self.client.send(f"{base}/bridge/devices", json.dumps(devices), retain=True)
            last = self.client.send(f"{base}/bridge/state", '{"state":"online"}', retain=True)
        self.announced = last
        self._announced.set()

    def stop(self) -> None:
        """Disconnect (retained discovery and state stay on the broker, as with real devices)."""
        if self.client is not None:
            self.client.close()

    def set_available(self, entity_id: str, online: bool) -> None:
        """Make a device go offline or come back (for tests of unavailable devices)."""
        assert self.client is not None
        dev = next(d for d in self.devices if d.entity.id == entity_id)
        if dev.via == "ha":
            self.client.publish(dev.config["availability_topic"], "online" if online else "offline", retain=True)
        else:
            body = json.dumps({"state": "online" if online else "offline"})
            self.client.publish(f"{self.settings.z2m_base}/{dev.friendly_name}/availability", body, retain=True)

    def wait_announced(self, timeout: float = 10.0) -> bool:
        """True once the broker has acknowledged the last message of the latest announcement."""
        deadline = time.monotonic() + timeout
        if not self._announced.wait(timeout) or self.announced is None:
            return False
        return self.announced.wait(max(0.0, deadline - time.monotonic()))

    def _publish_state(self, dev: SimDevice, *, wait: bool = False) -> None:
        assert self.client is not None
        ent = self.state.states[dev.entity.id]
        if dev.via == "ha":
            messages = [(p.topic, p.payload) for p in ha_state_messages(dev.entity.domain, dev.config, ent)]
        else:
            topic = f"{self.settings.z2m_base}/{dev.friendly_name}"
            messages = [(topic, z2m_state_message(dev.entity.domain, dev.expose, ent))]
        for topic, payload in messages:
            if wait:
                self.client.publish(topic, payload, retain=True)
            else:  # inside a message handler: waiting for the acknowledgement there would block the network loop
                self.client.send(topic, payload, retain=True)

    def _on_ha_command(self, topic: str, payload: bytes, retained: bool) -> None:
        dev = self._by_command.get(topic)
        if dev is None or retained:
            return
        with self._lock:
            ent = self.state.states[dev.entity.id]
            if ha_device_apply(dev.entity.domain, dev.config, topic, payload, ent):
                self.commands += 1
                self._publish_state(dev)
            else:
                log.warning("sim: %s ignored %r on %s", dev.entity.id, payload[:60], topic)

    def _on_z2m(self, topic: str, payload: bytes, retained: bool) -> None:
        base = self.settings.z2m_base + "/"
        if retained or not topic.startswith(base):
            return
        name, _, action = topic[len(base) :].rpartition("/")
        dev = self._by_friendly.get(name)
        if dev is None or action not in ("set", "get"):
            return
        with self._lock:
            if action == "get":
                self._publish_state(dev)
                return
            ent = self.state.states[dev.entity.id]
            if z2m_device_apply(dev.entity.domain, dev.expose, payload, ent):
                self.commands += 1
                self._publish_state(dev)
            else:
                log.warning("sim: %s ignored %r", dev.entity.id, payload[:60])
