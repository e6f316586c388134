"""Keep a connected home's inventory live: follow discovery messages and hand each settled change on."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from homefc.home import Home, keep_names
from homefc.mqtt.client import BrokerSettings, MqttClient
from homefc.mqtt.discover import DiscoveryCollector

log = logging.getLogger(__name__)

SETTLE_S = 1.0
"""Quiet time after the last discovery message before the inventory is rebuilt (a bridge announces in bursts)."""


def fingerprint(home: Home) -> tuple[tuple[str, str, str, str | None, str], ...]:
    """What matters for calls: ids, names, aliases, areas and MQTT mappings (states change without rediscovery)."""
    return tuple(sorted((e.id, e.name, "|".join(e.aliases), e.area, repr(e.mqtt)) for e in home.entities))


class LiveInventory:
    """Rebuilds the inventory from the broker's discovery state and calls `on_change(home)` when it differs."""

    def __init__(
        self,
        settings: BrokerSettings,
        current: Home,
        on_change: Callable[[Home], None],
        *,
        settle_s: float = SETTLE_S,
        names: Home | None = None,
    ) -> None:
        self._collector = DiscoveryCollector(settings)
        self._collector.on_change = self._poke
        self._name = current.name
        self._last = fingerprint(current)
        self._on_change = on_change
        self._settle_s = settle_s
        self._names = names
        """The owner's inventory file whose names and aliases the discovered devices keep (home.keep_names)."""
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._closed = False

    def attach(self, client: MqttClient) -> None:
        """Subscribe to the discovery topics (retained configs arrive at once and settle like any change)."""
        self._collector.attach(client)

    def _poke(self) -> None:
        with self._lock:
            if self._closed:
                return
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self._settle_s, self._rebuild)
            self._timer.daemon = True
            self._timer.start()

    def _rebuild(self) -> None:
        home = self._collector.home(self._name)
        if not home.entities:
            log.warning("discovery now lists no entities; keeping the current inventory")
            return
        if self._names is not None:
            home = keep_names(home, self._names)
        mark = fingerprint(home)
        with self._lock:
            if self._closed or mark == self._last:
                return
            self._last = mark
        log.info("inventory changed: %d entities", len(home.entities))
        try:
            self._on_change(home)
        except Exception:  # a front end's failure to follow must not stop discovery
            log.exception("applying the changed inventory failed; keeping the previous one")

    def close(self) -> None:
        """Stop rebuilding (pending changes are dropped)."""
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
