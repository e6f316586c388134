"""A connected home: the broker connection, the inventory with its MQTT mappings, live state and the executor."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from homefc.audit import AuditLog
from homefc.catalog import Catalog, build_catalog
from homefc.config import Settings
from homefc.domains import DomainSpec
from homefc.home import Home, keep_names
from homefc.mqtt.client import BrokerSettings, MqttClient
from homefc.mqtt.discover import discover
from homefc.mqtt.executor import Executor, LiveState
from homefc.mqtt.live import LiveInventory
from homefc.policy import Policy
from homefc.resources import state_dir

log = logging.getLogger(__name__)


@dataclass
class MqttSession:
    """Everything a front end needs to carry out calls on a real (or simulated) home."""

    client: MqttClient
    home: Home
    catalog: Catalog
    live: LiveState
    executor: Executor
    audit: AuditLog
    domains: dict[str, DomainSpec]
    on_inventory: list[Callable[[Home, Catalog], None]] = field(default_factory=list)
    """Called with the new inventory and catalog each time a followed inventory changes."""
    names: Home | None = None
    """The owner's inventory file without MQTT mappings: discovered devices keep its names and aliases."""
    _follower: LiveInventory | None = None

    def follow(self, broker: BrokerSettings) -> None:
        """Keep the inventory live from the broker's discovery messages (devices added, renamed, removed)."""
        self._follower = LiveInventory(broker, self.home, self._apply, names=self.names)
        self._follower.attach(self.client)

    def _apply(self, home: Home) -> None:
        catalog = build_catalog(home, self.domains)
        self.live.update(home)
        self.executor.catalog = catalog
        self.home, self.catalog = home, catalog
        for hook in list(self.on_inventory):
            hook(home, catalog)

    def close(self) -> None:
        """Stop following, disconnect and close the audit log."""
        if self._follower is not None:
            self._follower.close()
        self.client.close()
        self.audit.close()


def has_mappings(home: Home | None) -> bool:
    """Whether an inventory says itself how its entities map to MQTT topics (else discovery does)."""
    return home is not None and any(e.mqtt for e in home.entities)


def connected_home(home: Home | None, broker: BrokerSettings, seconds: float) -> Home:
    """The given inventory if it carries MQTT mappings, else the broker's discovery (listening `seconds`) under
    the given inventory's names and aliases, where there is one."""
    if home is not None and has_mappings(home):
        return home
    found, messages = discover(broker, seconds)
    log.info("discovered %d entities from %d messages on %s", len(found.entities), messages, broker.address)
    return keep_names(found, home) if home is not None else found


def open_session(
    settings: Settings,
    broker: BrokerSettings,
    domains: dict[str, DomainSpec],
    home: Home | None,
    *,
    seconds: float = 2.0,
    follow: bool = False,
) -> MqttSession:
    """Connect, find the inventory, follow live state and set up the executor with the owner's policy.

    With `follow`, the inventory itself follows discovery too (an inventory file without MQTT mappings lends its
    names and aliases to each rebuilt one); an inventory with its own mappings is the owner's word and is not
    followed.
    """
    audit = AuditLog(settings.audit_log or state_dir() / "audit.jsonl")
    inventory = connected_home(home, broker, seconds)
    live = LiveState(inventory)
    client = MqttClient(broker)
    live.attach(client)
    catalog = build_catalog(inventory, domains)
    executor = Executor(client, catalog, domains, live, policy=Policy(settings.policy), audit=audit)
    names = home if home is not None and not has_mappings(home) else None
    session = MqttSession(client, inventory, catalog, live, executor, audit, domains, names=names)
    if follow:
        session.follow(broker)
    try:
        client.connect()
    except BaseException:
        session.close()
        raise
    if not client.sync():  # answers must see the devices' retained state, not the inventory's
        log.warning("MQTT broker %s: retained state did not arrive within 5 s", broker.address)
    return session
