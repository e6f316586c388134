"""A connected home: the broker connection, the inventory with its MQTT mappings, live state and the executor."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from homefc.audit import AuditLog
from homefc.catalog import Catalog, build_catalog
from homefc.config import Settings
from homefc.domains import DomainSpec
from homefc.home import Home
from homefc.mqtt.client import BrokerSettings, MqttClient
from homefc.mqtt.discover import discover
from homefc.mqtt.executor import Executor, LiveState
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

    def close(self) -> None:
        """Disconnect and close the audit log."""
        self.client.close()
        self.audit.close()


def connected_home(home: Home | None, broker: BrokerSettings, seconds: float) -> Home:
    """The given inventory if it carries MQTT mappings, else the broker's discovery (listening `seconds`)."""
    if home is not None and any(e.mqtt for e in home.entities):
        return home
    found, messages = discover(broker, seconds)
    log.info("discovered %d entities from %d messages on %s", len(found.entities), messages, broker.address)
    return found


def open_session(
    settings: Settings,
    broker: BrokerSettings,
    domains: dict[str, DomainSpec],
    home: Home | None,
    *,
    seconds: float = 2.0,
) -> MqttSession:
    """Connect, find the inventory, follow live state and set up the executor with the owner's policy."""
    audit = AuditLog(settings.audit_log or state_dir() / "audit.jsonl")
    inventory = connected_home(home, broker, seconds)
    live = LiveState(inventory)
    client = MqttClient(broker)
    live.attach(client)
    client.connect()
    catalog = build_catalog(inventory, domains)
    executor = Executor(client, catalog, domains, live, policy=Policy(settings.policy), audit=audit)
    return MqttSession(client, inventory, catalog, live, executor, audit)
