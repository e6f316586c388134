"""The MQTT connection against a real Mosquitto: messages, clear refusals, and recovery from a broker restart."""

from __future__ import annotations

import queue
from pathlib import Path

import pytest

from homefc.errors import MqttError
from homefc.mqtt.client import BrokerSettings, MqttClient
from tests.broker import Mosquitto, free_port


def _collector(client: MqttClient, topic: str) -> queue.Queue[tuple[str, bytes, bool]]:
    got: queue.Queue[tuple[str, bytes, bool]] = queue.Queue()
    client.subscribe(topic, lambda t, p, r: got.put((t, p, r)))
    return got


def test_publish_and_receive_including_retained(mosquitto: Mosquitto) -> None:
    sender = MqttClient(mosquitto.settings).connect()
    try:
        assert sender.publish("t/retained", "kept", retain=True)
        receiver = MqttClient(mosquitto.settings).connect()
        got = _collector(receiver, "t/#")
        assert got.get(timeout=5) == ("t/retained", b"kept", True)
        assert sender.publish("t/live", b"now")
        assert got.get(timeout=5) == ("t/live", b"now", False)
        receiver.close()
    finally:
        sender.publish("t/retained", b"", retain=True)  # clear it for other tests
        sender.close()


def test_a_broken_handler_does_not_stop_delivery(mosquitto: Mosquitto) -> None:
    client = MqttClient(mosquitto.settings).connect()
    client.subscribe("h/x", lambda t, p, r: 1 / 0)
    got = _collector(client, "h/x")
    client.publish("h/x", "1")
    client.publish("h/x", "2")
    assert [got.get(timeout=5)[1] for _ in range(2)] == [b"1", b"2"]
    client.close()


def test_no_broker_is_one_clear_line() -> None:
    settings = BrokerSettings(port=free_port())
    with pytest.raises(MqttError, match=rf"MQTT broker 127.0.0.1:{settings.port}: cannot connect \(.*refused"):
        MqttClient(settings).connect()


def test_wrong_credentials_are_refused_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broker = Mosquitto(tmp_path, users={"homefc": "right"}).start()
    try:
        wrong = BrokerSettings(port=broker.port, username="homefc", password="wrong")  # type: ignore[arg-type]
        with pytest.raises(MqttError, match=r"connection refused: Not authorized \(check the user name and password\)"):
            MqttClient(wrong).connect()
        monkeypatch.setenv("HOMEFC_MQTT_USERNAME", "homefc")
        monkeypatch.setenv("HOMEFC_MQTT_PASSWORD", "right")
        ok = MqttClient(broker.settings).connect()
        assert ok.connected and "right" not in repr(BrokerSettings(password="right"))  # type: ignore[arg-type]
        ok.close()
    finally:
        broker.stop()


def test_after_a_broker_restart_queued_commands_go_out_and_subscriptions_return(tmp_path: Path) -> None:
    broker = Mosquitto(tmp_path).start()
    try:
        listener = MqttClient(broker.settings).connect()
        got = _collector(listener, "cmd/#")
        sender = MqttClient(broker.settings).connect()
        broker.stop()
        delivery = sender.send("cmd/light", "ON")
        assert not delivery.wait(0.5), "no broker, no acknowledgement"
        broker.start()
        assert delivery.wait(40), "the queued command went out once the broker was back"
        assert listener.wait_connected(40)
        deadline_probe = listener.publish("cmd/probe", "x")
        assert deadline_probe
        topics = set()
        while "cmd/probe" not in topics:
            topics.add(got.get(timeout=10)[0])
        sender.close()
        listener.close()
    finally:
        broker.stop()
