"""Carry out validated calls over MQTT: policy first, then commands, then the device's own confirmation.

Reads answer from live state (retained state topics, or a Zigbee2MQTT `/get`), never from the model. A write
is predicted with the domain specs' effects, turned into absolute commands, sent with QoS 1 only while the
broker is connected (a command accepted by paho is never silently dropped: it is acknowledged or reported),
and confirmed when the device reports the predicted values within a bound. Every call is audited.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from homefc.actuator import GatedActuator
from homefc.audit import AuditLog
from homefc.calls import Call
from homefc.catalog import Catalog
from homefc.domains import DomainSpec
from homefc.errors import MqttError
from homefc.home import Entity, Home
from homefc.mqtt.client import MqttClient
from homefc.mqtt.ha_codec import (
    ACTIONS,
    Unsupported,
    ha_apply_state,
    ha_availability,
    ha_commands,
    ha_observable,
    ha_state_topics,
)
from homefc.mqtt.z2m_codec import topics as z2m_topics
from homefc.mqtt.z2m_codec import z2m_apply_state, z2m_commands, z2m_observable
from homefc.outcome import Outcome
from homefc.policy import Policy
from homefc.prompt import describe_state
from homefc.virtual_home import EntityState, VirtualHomeError, predict

log = logging.getLogger(__name__)


class LiveState:
    """Entity states as the devices report them over MQTT (starting from the inventory's), and availability."""

    def __init__(self, home: Home) -> None:
        self.home = home
        self.states = {e.id: EntityState(e.state, copy.deepcopy(e.attributes)) for e in home.entities}
        self.available: dict[str, bool] = {}
        self._routes: dict[str, list[Entity]] = {}
        self._availability: dict[str, list[tuple[Entity, str, str]]] = {}
        self._cond = threading.Condition()
        self._client: MqttClient | None = None
        self._subscribed: set[str] = set()
        self.on_change: list[Callable[[str], None]] = []
        """Called with the entity id (on the network thread) after its state or availability changed."""
        self._route(home)

    def _route(self, home: Home) -> None:
        routes: dict[str, list[Entity]] = {}
        availability: dict[str, list[tuple[Entity, str, str]]] = {}
        for entity in home.entities:
            mapping = entity.mqtt or {}
            if mapping.get("via") == "ha":
                cfg = mapping["config"]
                for topic in ha_state_topics(mapping["component"], cfg):
                    routes.setdefault(topic, []).append(entity)
                for topic, up, down in ha_availability(cfg):
                    availability.setdefault(topic, []).append((entity, up, down))
            elif mapping.get("via") == "z2m":
                state, _, _, avail = z2m_topics(mapping)
                routes.setdefault(state, []).append(entity)
                availability.setdefault(avail, []).append((entity, "online", "offline"))
        self._routes, self._availability = routes, availability

    def attach(self, client: MqttClient) -> None:
        """Subscribe to every state and availability topic (and to new ones after `update`)."""
        self._client = client
        self._subscribe_new()

    def _subscribe_new(self) -> None:
        if self._client is None:
            return
        for topic in sorted(set(self._routes) - self._subscribed):
            self._client.subscribe(topic, self._on_state)
            self._subscribed.add(topic)
        for topic in sorted(set(self._availability) - self._subscribed):
            self._client.subscribe(topic, self._on_availability)
            self._subscribed.add(topic)

    def update(self, home: Home) -> None:
        """Follow a changed inventory: keep the states of entities that stay, start new ones from the inventory.

        Topics of removed entities stay subscribed but route to nothing; retained state of new topics arrives
        on subscription.
        """
        with self._cond:
            self.home = home
            self.states = {
                e.id: self.states.get(e.id) or EntityState(e.state, copy.deepcopy(e.attributes)) for e in home.entities
            }
            self.available = {k: v for k, v in self.available.items() if k in self.states}
            self._route(home)
        self._subscribe_new()

    def _on_state(self, topic: str, payload: bytes, retained: bool) -> None:
        with self._cond:
            for entity in self._routes.get(topic, []):
                mapping = entity.mqtt or {}
                try:
                    if mapping["via"] == "ha":
                        ha_apply_state(mapping["component"], mapping["config"], topic, payload, self.states[entity.id])
                    else:
                        z2m_apply_state(entity.domain, mapping, payload, self.states[entity.id])
                except (MqttError, ValueError, KeyError, TypeError) as exc:
                    log.warning("%s: state message on %s not understood (%s)", entity.id, topic, exc)
            self._cond.notify_all()
        self._changed(e.id for e in self._routes.get(topic, []))

    def _on_availability(self, topic: str, payload: bytes, retained: bool) -> None:
        text = payload.decode("utf-8", "replace").strip()
        try:
            body = json.loads(text)
            if isinstance(body, dict) and isinstance(body.get("state"), str):
                text = body["state"]
        except ValueError:
            pass
        with self._cond:
            for entity, up, down in self._availability.get(topic, []):
                if text in (up, down):
                    self.available[entity.id] = text == up
            self._cond.notify_all()
        self._changed(entity.id for entity, _, _ in self._availability.get(topic, []))

    def _changed(self, entity_ids: Iterable[str]) -> None:
        for entity_id in entity_ids:
            for hook in list(self.on_change):
                try:
                    hook(entity_id)
                except Exception:  # a front end's failure must not stop state tracking
                    log.exception("state change hook failed")

    def get(self, entity_id: str) -> EntityState:
        """A copy of the entity's current state."""
        with self._cond:
            return copy.deepcopy(self.states[entity_id])

    def wait_until(self, entity_id: str, check: Any, timeout: float) -> bool:
        """Wait until check(state) holds for the entity, at most timeout seconds."""
        with self._cond:
            return self._cond.wait_for(lambda: check(self.states[entity_id]), timeout)


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return abs(a - b) <= max(1.0, 0.02 * abs(b))  # device scales (0-254, mireds, 0-100) round
    return bool(a == b)


class Executor(GatedActuator):
    """Policy, MQTT commands and confirmation for calls on one home."""

    def __init__(
        self,
        client: MqttClient,
        catalog: Catalog,
        domains: dict[str, DomainSpec],
        live: LiveState,
        *,
        policy: Policy | None = None,
        audit: AuditLog | None = None,
        confirm_timeout: float = 3.0,
        ack_timeout: float = 5.0,
    ) -> None:
        self.client = client
        self.catalog = catalog
        self.domains = domains
        self.live = live
        self.policy = policy or Policy()
        self.audit = audit
        self.confirm_timeout = confirm_timeout
        self.ack_timeout = ack_timeout

    @property
    def states(self) -> dict[str, EntityState]:
        """The devices' live states (for prompts and answers)."""
        return self.live.states

    def _carry_out(self, call: Call, entity_id: str, writes: bool, decision: str) -> Outcome:
        entity = self.live.home.entity(entity_id)
        mapping = entity.mqtt if entity is not None else None
        if not writes:
            return self._read(call, decision, entity_id, mapping)
        if entity is None or not mapping:
            return Outcome(call, decision, "failed", f"{entity_id} has no MQTT mapping, so it cannot be reached")
        if self.live.available.get(entity_id) is False:
            return Outcome(
                call, decision, "unavailable", f"{entity_id} is unavailable (its device is offline); nothing was sent"
            )
        before = self.live.get(entity_id)
        try:
            expected = predict(self.domains, call, before)
            if mapping["via"] == "ha":
                publishes = ha_commands(mapping["component"], mapping["config"], call.name, before, expected)
                observable = ha_observable(mapping["component"], mapping["config"])
            else:
                publishes = z2m_commands(entity.domain, mapping, call.name, before, expected)
                observable = z2m_observable(mapping)
        except (Unsupported, VirtualHomeError, MqttError) as exc:
            return Outcome(call, decision, "failed", f"{entity_id}: {exc}")
        if not self.client.connected:
            return Outcome(
                call,
                decision,
                "failed",
                f"the MQTT broker {self.client.settings.address} is unreachable; nothing was sent",
            )
        deliveries = [self.client.send(p.topic, p.payload) for p in publishes]
        if not all(d.wait(self.ack_timeout) for d in deliveries):
            return Outcome(
                call,
                decision,
                "failed",
                f"the broker did not acknowledge the command for {entity_id} within {self.ack_timeout:g} s; "
                "it stays queued and goes out when the connection returns",
            )
        fields = {f for f in observable if _value(expected, f) != _value(before, f)} or set(observable)
        if not observable or call.name in ACTIONS:
            return Outcome(
                call,
                decision,
                "sent",
                f"sent {call.name} to {entity_id} (it reports no state to confirm)",
                expected,
            )
        ok = self.live.wait_until(
            entity_id, lambda s: all(_close(_value(s, f), _value(expected, f)) for f in fields), self.confirm_timeout
        )
        now = self.live.get(entity_id)
        if ok:
            return Outcome(
                call,
                decision,
                "confirmed",
                f"{entity_id}: {describe_state(now, sorted(fields - {'state'}))}",
                now,
            )
        return Outcome(
            call,
            decision,
            "timeout",
            f"sent {call.name} to {entity_id}, but the device did not report the change "
            f"within {self.confirm_timeout:g} s",
            now,
        )

    def _read(self, call: Call, decision: str, entity_id: str, mapping: dict[str, Any] | None) -> Outcome:
        state = self.live.get(entity_id)
        if state.state is None and mapping and mapping.get("via") == "z2m" and self.client.connected:
            self.client.send(z2m_topics(mapping)[2], json.dumps({"state": ""}))
            self.live.wait_until(entity_id, lambda s: s.state is not None, 1.0)
            state = self.live.get(entity_id)
        if self.live.available.get(entity_id) is False:
            return Outcome(call, decision, "unavailable", f"{entity_id} is unavailable (its device is offline)", state)
        spec = self.domains.get(entity_id.split(".", 1)[0])
        shown = describe_state(state, spec.prompt_attributes if spec else ())
        return Outcome(call, decision, "read", f"{entity_id}: {shown or 'unknown'}", state)


def _value(state: EntityState, field: str) -> Any:
    return state.state if field == "state" else state.attributes.get(field)
