"""One MQTT connection (paho-mqtt 2.x) for the executor, discovery and simulator: connect, subscribe, publish.

Subscriptions are remembered and renewed on every (re)connect, so retained state is rebuilt after a broker
restart. Commands go out with QoS 1 and never retained; while the broker is away paho keeps them queued and
sends them on reconnect, and `publish` tells the caller whether the broker acknowledged in time.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from homefc.errors import MqttError

log = logging.getLogger(__name__)

PASSWORD_ENV = "HOMEFC_MQTT_PASSWORD"
USERNAME_ENV = "HOMEFC_MQTT_USERNAME"
CREDENTIAL_NAME = "mqtt-password"
"""systemd credential (LoadCredential=mqtt-password:/path) read when no other password is given."""

M = TypeVar("M", bound=BaseModel)
EARLY_ACKS = 1024
"""Acknowledgements remembered for messages `send` has not registered yet (message ids wrap at 65535)."""

Handler = Callable[[str, bytes, bool], None]
"""Called from the network thread with (topic, payload, retained)."""


class BrokerSettings(BaseModel):
    """The `[mqtt]` table: where the broker is and how to log in (secrets may come from the environment)."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    """Broker host name or address."""
    port: int = Field(default=1883, ge=1, le=65535)
    """Broker port (8883 is usual with TLS)."""
    username: str | None = None
    """User name; None means $HOMEFC_MQTT_USERNAME, or anonymous."""
    password: SecretStr | None = None
    """Password; None means `password_file`, then $HOMEFC_MQTT_PASSWORD, then the systemd credential
    `mqtt-password` ($CREDENTIALS_DIRECTORY/mqtt-password). Never logged."""
    password_file: Path | None = None
    """File whose first line is the password (keeps the secret out of the config file)."""
    tls: bool = False
    """Connect with TLS."""
    ca_file: Path | None = None
    """CA certificate for TLS; None means the system's."""
    keepalive: int = Field(default=30, ge=5, le=3600)
    """Seconds between pings."""
    discovery_prefix: str = "homeassistant"
    """Home Assistant discovery prefix."""
    z2m_base: str = "zigbee2mqtt"
    """Zigbee2MQTT base topic."""

    def credentials(self) -> tuple[str | None, str | None]:
        """User name and password from the settings, else from the environment."""
        user = self.username or os.environ.get(USERNAME_ENV)
        if self.password is not None:
            return user, self.password.get_secret_value()
        if self.password_file is not None:
            return user, _first_line(self.password_file)
        if PASSWORD_ENV in os.environ:
            return user, os.environ[PASSWORD_ENV]
        credentials = os.environ.get("CREDENTIALS_DIRECTORY")
        if credentials and (Path(credentials) / CREDENTIAL_NAME).is_file():
            return user, _first_line(Path(credentials) / CREDENTIAL_NAME)
        return user, None

    @property
    def address(self) -> str:
        """host:port, for messages."""
        return f"{self.host}:{self.port}"


def _first_line(path: Path) -> str:
    """A secret file's first line, or a one-line error naming the file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise MqttError(f"{path}: cannot read the MQTT password file ({exc})") from None
    return lines[0].strip() if lines else ""


@dataclass
class _Subscription:
    topic: str
    handler: Handler


class MqttClient:
    """A connected client with remembered subscriptions, running paho's network loop in a thread."""

    def __init__(self, settings: BrokerSettings, *, client_id: str | None = None, will: tuple[str, str] | None = None):
        import paho.mqtt.client as mqtt

        self.settings = settings
        self._mqtt = mqtt
        self._subs: list[_Subscription] = []
        self._lock = threading.Lock()
        self._connected = threading.Event()
        self._first_result: tuple[bool, str] | None = None
        self._first_done = threading.Event()
        self._closing = False
        self._connect_hooks: list[Callable[[], None]] = []
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id or f"homefc-{uuid.uuid4().hex[:10]}",
            protocol=mqtt.MQTTv311,
        )
        user, password = settings.credentials()
        if user:
            self.client.username_pw_set(user, password)
        if settings.tls:
            self.client.tls_set(ca_certs=str(settings.ca_file) if settings.ca_file else None)
        if will is not None:
            self.client.will_set(will[0], will[1], qos=1, retain=True)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.max_queued_messages_set(0)  # unbounded: an accepted command is never dropped for space
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_publish = self._on_publish
        self._pending: dict[int, threading.Event] = {}
        self._early: dict[int, bool] = {}
        """Acknowledgements that arrived before `send` registered their message id (oldest first)."""
        self._pending_lock = threading.Lock()

    # --- connection ---------------------------------------------------------------------------------------

    def connect(self, timeout: float = 10.0) -> MqttClient:
        """Connect and start the network thread; raise MqttError with one line when the broker says no."""
        where = self.settings.address
        try:
            self.client.connect(self.settings.host, self.settings.port, keepalive=self.settings.keepalive)
        except OSError as exc:
            raise MqttError(f"MQTT broker {where}: cannot connect ({exc.strerror or exc})") from None
        self.client.loop_start()
        if not self._first_done.wait(timeout):
            self.close()
            raise MqttError(f"MQTT broker {where}: no answer to the connection request within {timeout:g} s")
        ok, reason = self._first_result or (False, "unknown")
        if not ok:
            self.close()
            hint = " (check the user name and password)" if "authori" in reason.lower() else ""
            raise MqttError(f"MQTT broker {where}: connection refused: {reason}{hint}")
        self._connected.wait(timeout)  # subscriptions sent
        return self

    def sync(self, timeout: float = 5.0) -> bool:
        """Wait until the broker has delivered everything it owed before now (retained state of every
        subscription), by sending a message to a private topic and waiting for it to come back: a broker answers
        one client's packets in order. False on timeout."""
        topic = f"homefc/sync/{uuid.uuid4().hex}"
        back = threading.Event()
        self.subscribe(topic, lambda t, p, r: back.set())
        deadline = time.monotonic() + timeout
        done = False
        while not done and time.monotonic() < deadline:
            # again until it comes back: a broker that handles packets concurrently (amqtt) may route the first
            # one before the subscription is in place
            self.send(topic, b"sync")
            done = back.wait(min(0.25, max(0.0, deadline - time.monotonic())))
        with self._lock:
            self._subs = [s for s in self._subs if s.topic != topic]
        self.client.unsubscribe(topic)
        return done

    @property
    def connected(self) -> bool:
        """True while the connection is up."""
        return self._connected.is_set()

    def wait_connected(self, timeout: float) -> bool:
        """Wait for the connection to be up (after a broker restart)."""
        return self._connected.wait(timeout)

    def close(self) -> None:
        """Disconnect and stop the network thread."""
        self._closing = True
        self.client.disconnect()
        self.client.loop_stop()
        self._connected.clear()

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:  # type: ignore[no-untyped-def]
        ok = not reason_code.is_failure
        if self._first_result is None:
            self._first_result = (ok, str(reason_code))
            self._first_done.set()
        if not ok:
            log.warning("MQTT broker %s refused the connection: %s", self.settings.address, reason_code)
            return
        with self._lock:
            topics = sorted({s.topic for s in self._subs})
        for topic in topics:
            client.subscribe(topic, qos=1)
        self._connected.set()  # only now: a command sent after this cannot overtake the subscriptions
        for hook in list(self._connect_hooks):
            try:
                hook()
            except Exception:  # a failing hook must not kill the network thread
                log.exception("MQTT connect hook failed")
        log.info("connected to MQTT broker %s (%d subscriptions)", self.settings.address, len(topics))

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:  # type: ignore[no-untyped-def]
        self._connected.clear()
        if self._first_result is None:
            self._first_result = (False, str(reason_code))
            self._first_done.set()
        if self._closing:
            return
        log.warning("MQTT broker %s: disconnected (%s); reconnecting", self.settings.address, reason_code)

    def on_connect(self, hook: Callable[[], None]) -> None:
        """Run hook (on the network thread: use `send`, not `publish`) after every (re)connection."""
        self._connect_hooks.append(hook)

    # --- messages ---------------------------------------------------------------------------------------------

    def subscribe(self, topic: str, handler: Handler) -> None:
        """Call handler for every message on the topic filter, now and after every reconnect."""
        with self._lock:
            self._subs.append(_Subscription(topic, handler))
        if self.connected:
            self.client.subscribe(topic, qos=1)

    def _on_message(self, client, userdata, message) -> None:  # type: ignore[no-untyped-def]
        topic = message.topic
        with self._lock:
            handlers = [s.handler for s in self._subs if self._mqtt.topic_matches_sub(s.topic, topic)]
        for handler in handlers:
            try:
                handler(topic, message.payload, bool(message.retain))
            except Exception:  # a bad payload must not kill the network thread
                log.exception("MQTT handler for %s failed", topic)

    def send(self, topic: str, payload: str | bytes, *, retain: bool = False) -> Delivery:
        """Publish with QoS 1 and return at once; the Delivery says when the broker has acknowledged it.

        While the broker is away paho keeps the message queued and sends it when the connection returns.
        """
        acked = threading.Event()
        # Not under our lock: paho calls _on_publish holding its own message lock, so holding ours around
        # paho's publish would invert the lock order and deadlock two publishing threads.
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        if info.rc not in (self._mqtt.MQTT_ERR_SUCCESS, self._mqtt.MQTT_ERR_NO_CONN):
            raise MqttError(f"MQTT publish to {topic} failed: {self._mqtt.error_string(info.rc)}")
        with self._pending_lock:
            if self._early.pop(info.mid, None) is None:
                self._pending[info.mid] = acked
            else:  # acknowledged before we got here
                acked.set()
        return Delivery(topic, acked)

    def publish(self, topic: str, payload: str | bytes, *, retain: bool = False, timeout: float = 5.0) -> bool:
        """Publish with QoS 1; True once the broker acknowledged, False if it did not within timeout."""
        return self.send(topic, payload, retain=retain).wait(timeout)

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:  # type: ignore[no-untyped-def]
        with self._pending_lock:
            acked = self._pending.pop(mid, None)
            if acked is None:
                self._early[mid] = True
                while len(self._early) > EARLY_ACKS:
                    self._early.pop(next(iter(self._early)))
        if acked is not None:
            acked.set()


@dataclass
class Delivery:
    """One QoS 1 message on its way to the broker."""

    topic: str
    acked: threading.Event

    def wait(self, timeout: float) -> bool:
        """True once the broker acknowledged the message; False if not within timeout (it stays queued)."""
        return self.acked.wait(timeout)


def decode_json(model: type[M], payload: bytes) -> M:
    """A JSON message validated as `model`; ValueError with one line ("not JSON (…)", "field: what is wrong")."""
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON ({exc})") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ())) or "payload"
        raise ValueError(f"{where}: {err.get('msg')}") from None


class Outbox:
    """JSON replies sent with QoS 1, remembered until acknowledged so a shutdown can wait for them."""

    def __init__(self, client: MqttClient) -> None:
        self.client = client
        self._pending: list[Delivery] = []
        self._lock = threading.Lock()

    def send_json(self, topic: str, payload: object) -> None:
        """Queue one JSON message (never blocks; paho holds it while the broker is away)."""
        delivery = self.client.send(topic, json.dumps(payload, ensure_ascii=False))
        with self._lock:
            self._pending = [d for d in self._pending if not d.acked.is_set()]
            self._pending.append(delivery)

    def flush(self, timeout: float) -> bool:
        """Wait until every sent message is acknowledged; False if some were not within timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            pending = list(self._pending)
        return all(d.wait(max(0.0, deadline - time.monotonic())) for d in pending)
