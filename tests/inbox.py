"""A test's MQTT listener: every message on some topic filters, kept in order, with waiting helpers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homefc.mqtt.client import BrokerSettings, MqttClient


@dataclass
class Message:
    topic: str
    payload: Any
    """Parsed JSON (or the raw bytes when not JSON)."""


class Inbox:
    """Subscribes to topic filters and records what arrives; also publishes JSON for the test."""

    def __init__(self, broker: BrokerSettings, *filters: str) -> None:
        self.messages: list[Message] = []
        self._changed = threading.Condition()
        self.client = MqttClient(broker)
        for f in filters:
            self.client.subscribe(f, self._record)
        self.client.connect()
        self.client.sync()

    def _record(self, topic: str, payload: bytes, retained: bool) -> None:
        try:
            value: Any = json.loads(payload)
        except ValueError:
            value = payload
        with self._changed:
            self.messages.append(Message(topic, value))
            self._changed.notify_all()

    def send(self, topic: str, payload: Any) -> None:
        """Publish (JSON unless bytes) and wait for the broker's acknowledgement."""
        data = payload if isinstance(payload, bytes) else json.dumps(payload)
        assert self.client.publish(topic, data)

    def on(self, topic: str) -> list[Any]:
        """Payloads seen on one topic so far."""
        with self._changed:
            return [m.payload for m in self.messages if m.topic == topic]

    def wait(self, predicate: Callable[[list[Message]], bool], timeout: float = 60.0) -> list[Message]:
        """Block until predicate holds on the messages so far; fail the test otherwise."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self.messages):
                left = deadline - time.monotonic()
                assert left > 0, f"timed out; got {[m.topic for m in self.messages][-20:]}"
                self._changed.wait(left)
            return list(self.messages)

    def wait_topic(self, topic: str, count: int = 1, timeout: float = 60.0) -> list[Any]:
        """Block until `count` messages arrived on topic; returns their payloads."""
        self.wait(lambda ms: sum(m.topic == topic for m in ms) >= count, timeout)
        return self.on(topic)

    def close(self) -> None:
        self.client.close()
