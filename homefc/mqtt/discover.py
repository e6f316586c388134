"""Collect discovery messages from a broker for a while and build the home inventory (`homefc discover`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from homefc.home import Home
from homefc.mqtt.client import BrokerSettings, MqttClient
from homefc.mqtt.ha import parse_ha_config
from homefc.mqtt.inventory import Found, build_home
from homefc.mqtt.z2m import parse_z2m_devices


class DiscoveryCollector:
    """Latest discovery state by topic: Home Assistant configs (an empty payload deletes) and Zigbee2MQTT devices."""

    def __init__(self, settings: BrokerSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._ha: dict[str, list[Found]] = {}
        self._z2m: list[Found] = []
        self.messages = 0
        self.on_change: Callable[[], None] | None = None
        """Called (on the client's thread) after every discovery message."""

    def attach(self, client: MqttClient) -> None:
        """Subscribe to the discovery topics on a client."""
        client.subscribe(f"{self.settings.discovery_prefix}/#", self._on_ha)
        client.subscribe(f"{self.settings.z2m_base}/bridge/devices", self._on_z2m)

    def _on_ha(self, topic: str, payload: bytes, retained: bool) -> None:
        if not topic.endswith("/config"):
            return
        found = parse_ha_config(topic, payload, self.settings.discovery_prefix)
        with self._lock:
            self.messages += 1
            if found is None:
                self._ha.pop(topic, None)
            else:
                self._ha[topic] = found
        self._changed()

    def _on_z2m(self, topic: str, payload: bytes, retained: bool) -> None:
        found = parse_z2m_devices(payload, self.settings.z2m_base)
        with self._lock:
            self.messages += 1
            self._z2m = found
        self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def home(self, name: str = "Discovered home") -> Home:
        """The inventory of everything discovered so far (Home Assistant entities first, by topic)."""
        with self._lock:
            found = [f for topic in sorted(self._ha) for f in self._ha[topic]] + list(self._z2m)
        return build_home(found, name)


def discover(settings: BrokerSettings, seconds: float) -> tuple[Home, int]:
    """Connect, listen for `seconds` (retained configs arrive at once), and return the inventory and message count."""
    collector = DiscoveryCollector(settings)
    client = MqttClient(settings)
    collector.attach(client)
    client.connect()
    try:
        time.sleep(seconds)
    finally:
        client.close()
    return collector.home(), collector.messages
