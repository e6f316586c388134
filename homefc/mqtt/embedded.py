"""An in-process MQTT broker (amqtt) on a loopback port: the demo's broker when the owner has configured none."""

from __future__ import annotations

import asyncio
import logging
import threading
from types import TracebackType
from typing import Any

from homefc.errors import HomefcError
from homefc.mqtt.client import BrokerSettings

log = logging.getLogger(__name__)

START_TIMEOUT_S = 10.0


class EmbeddedBroker:
    """amqtt's broker on its own event-loop thread, bound to 127.0.0.1 only, anonymous, nothing kept on disk."""

    def __init__(self, port: int = 0) -> None:
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._broker: Any = None
        self.settings: BrokerSettings | None = None

    def start(self) -> BrokerSettings:
        """Start listening and return where clients connect; raises HomefcError in one line when it cannot."""
        try:
            from amqtt.broker import Broker
        except ImportError as exc:  # pragma: no cover - amqtt is a declared dependency
            raise HomefcError(f"embedded MQTT broker: amqtt is not installed ({exc})") from exc
        # amqtt logs every packet at INFO; the demo's console is not the place for it.
        logging.getLogger("amqtt").setLevel(logging.WARNING)
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="homefc-embedded-broker", daemon=True)
        self._thread.start()
        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{self._port}"}},
            "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
        }

        async def _start() -> int:
            self._broker = Broker(config, loop=loop)
            await self._broker.start()
            server = self._broker._servers["default"].instance  # amqtt keeps the asyncio.Server here
            return int(server.sockets[0].getsockname()[1])

        try:
            port = asyncio.run_coroutine_threadsafe(_start(), loop).result(START_TIMEOUT_S)
        except Exception as exc:
            self._stop_loop()
            raise HomefcError(f"embedded MQTT broker on 127.0.0.1:{self._port}: could not start ({exc})") from exc
        self.settings = BrokerSettings(host="127.0.0.1", port=port)
        log.info("embedded MQTT broker listening on 127.0.0.1:%d", port)
        return self.settings

    def stop(self) -> None:
        """Close every connection and the listener; safe to call twice."""
        if self._loop is None:
            return
        if self._broker is not None:
            try:
                asyncio.run_coroutine_threadsafe(self._broker.shutdown(), self._loop).result(START_TIMEOUT_S)
            except Exception as exc:  # a broker that fails to stop must not hide the caller's own error
                log.warning("embedded MQTT broker: shutdown failed: %s", exc)
            self._broker = None
        self._stop_loop()

    def _stop_loop(self) -> None:
        loop, self._loop = self._loop, None
        if loop is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(START_TIMEOUT_S)
        loop.close()

    def __enter__(self) -> BrokerSettings:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
