"""`homefc serve`: one long-running process answering Hermes voice topics and the request topic.

Loads model, embedder and home once, follows the inventory over MQTT, tells systemd when it is ready and
alive (sd_notify), and on SIGTERM finishes what it accepted before it exits.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ClassVar

from homefc.assistant import Assistant
from homefc.catalog import Catalog
from homefc.config import Settings
from homefc.conversation import Conversation
from homefc.domains import load_domains
from homefc.factory import assistant_factory
from homefc.home import Home, load_home
from homefc.mqtt.client import BrokerSettings, Outbox
from homefc.mqtt.session import has_mappings, open_session
from homefc.request_topic import RequestBridge
from homefc.sdnotify import Notifier
from homefc.sites import ModelSlot, SharedAssistant, SiteWorkers
from homefc.voice.hermes import HermesBridge

log = logging.getLogger(__name__)

LOAD_EXTENSION_S = 120.0
"""Start-up time asked of systemd while the model loads (a Pi's SD card is slow)."""


class JournalFormatter(logging.Formatter):
    """`<priority>logger: message` lines: journald reads the priority; no timestamp, journald adds its own."""

    PRIORITY: ClassVar[dict[int, int]] = {
        logging.DEBUG: 7,
        logging.INFO: 6,
        logging.WARNING: 4,
        logging.ERROR: 3,
        logging.CRITICAL: 2,
    }

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record).replace("\n", " | ")
        return f"<{self.PRIORITY.get(record.levelno, 6)}>{record.name}: {line}"


def setup_logging(level: str) -> None:
    """Log to stderr, in journald's form when systemd reads our output (JOURNAL_STREAM is set)."""
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("JOURNAL_STREAM"):
        handler.setFormatter(JournalFormatter("%(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


@dataclass
class Service:
    """The running pieces, for the serving loop and for tests that drive it in-process."""

    sites: SiteWorkers
    outbox: Outbox
    connected: Callable[[], bool]
    describe: str


def area_resolver(settings: Settings, home: Home) -> Callable[[str], str | None]:
    """siteId → area: the config's [serve.sites] table, else the siteId itself when it names an area."""
    areas = {a.id for a in home.areas}

    def area_of(site: str) -> str | None:
        if site in settings.serve.sites:
            return settings.serve.sites[site]
        return site if site in areas else None

    return area_of


def check_sites(settings: Settings, home: Home) -> list[str]:
    """Problems with [serve.sites]: areas the home does not have."""
    areas = {a.id for a in home.areas}
    return [
        f"[serve.sites] {site} = {area!r}: no such area"
        for site, area in settings.serve.sites.items()
        if area not in areas
    ]


@contextmanager
def running(settings: Settings, broker: BrokerSettings, notifier: Notifier | None = None) -> Iterator[Service]:
    """Load everything, connect, and answer requests until the block ends; then drain and disconnect."""
    notifier = notifier or Notifier(address="")
    notifier.extend_timeout(LOAD_EXTENSION_S)
    notifier.status("loading the model and the home")
    domains = load_domains(settings.domains)
    home = load_home(settings.home) if settings.home else None
    make = assistant_factory(settings, domains)
    notifier.status(f"connecting to {broker.address}")
    session = open_session(settings, broker, domains, home, follow=not has_mappings(home))
    try:
        for problem in check_sites(settings, session.home):
            log.warning("%s", problem)
        slot = ModelSlot(make(session.catalog))
        area_of = area_resolver(settings, session.home)

        def conversation_for(site: str) -> Conversation:
            shared: Assistant = SharedAssistant(slot)  # type: ignore[assignment]
            return Conversation(shared, session.executor, context_area=area_of(site))

        sites = SiteWorkers(
            conversation_for, queue_size=settings.serve.queue_size, idle_s=settings.serve.session_idle_s
        )

        def inventory_changed(new_home: Home, catalog: Catalog) -> None:
            slot.replace(lambda old: make(catalog, previous=old))
            sites.forget()
            log.info("inventory changed: %d entities", len(new_home.entities))

        session.on_inventory.append(inventory_changed)
        outbox = Outbox(session.client)
        if settings.serve.hermes:
            HermesBridge(session.client, sites, outbox.send_json, area_of=area_of, lang=settings.serve.lang).attach()
        RequestBridge(
            session.client,
            sites,
            outbox.send_json,
            topic=settings.serve.request_topic,
            response_prefix=settings.serve.response_prefix,
            area_of=area_of,
        ).attach()
        session.client.sync()  # subscriptions are in place before anyone is told we are ready
        describe = f"{len(session.home.entities)} entities, broker {broker.address}"
        yield Service(sites, outbox, lambda: session.client.connected, describe)
        notifier.stopping()
        clean = sites.close(settings.serve.drain_s)  # replies get 1 s more to reach the broker
        if not outbox.flush(1.0):
            log.warning("some replies were not acknowledged by the broker before shutdown")
        log.info(
            "stopped: %d requests handled, %d refused%s",
            sites.handled,
            sites.refused,
            "" if clean else ", some cut short",
        )
    finally:
        session.close()


def serve(settings: Settings, broker: BrokerSettings, stop: threading.Event | None = None) -> int:
    """Serve until SIGTERM/SIGINT (or `stop` is set); pings the systemd watchdog while the request loop is healthy."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    notifier = Notifier()
    with running(settings, broker, notifier) as service:
        if stop.is_set():
            return 0
        notifier.ready(f"serving: {service.describe}")
        log.info("ready: %s", service.describe)
        period = min(notifier.watchdog_s / 2, 1.0) if notifier.watchdog_s else 1.0
        last_status = ""
        while not stop.wait(period):
            stalled = service.sites.stalled(settings.serve.stall_s)
            if stalled:
                log.error("request loop stalled at site(s) %s; withholding the watchdog ping", ", ".join(stalled))
            elif notifier.watchdog_s:
                notifier.watchdog()
            status = _status(service)
            if status != last_status:
                notifier.status(status)
                last_status = status
        log.info("SIGTERM: finishing accepted requests")
    return 0


def _status(service: Service) -> str:
    broker = "connected" if service.connected() else "broker away, reconnecting"
    return f"{broker}; {service.sites.handled} handled, {service.sites.waiting()} waiting"
