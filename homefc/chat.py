"""`homefc chat --plain`: a line-based conversation in the terminal over the same engine the TUI will use."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TextIO

from homefc.catalog import Catalog
from homefc.config import Settings
from homefc.conversation import Conversation
from homefc.domains import DomainSpec
from homefc.factory import assistant_factory
from homefc.home import Home, bundled_home, load_home
from homefc.mqtt.client import BrokerSettings
from homefc.mqtt.session import MqttSession, has_mappings, open_session

QUIT = frozenset({"quit", "exit", "bye", "/quit", "/exit"})


@dataclass
class ChatWorld:
    """A conversation wired to devices, and a line saying where those devices are."""

    conversation: Conversation
    banner: str
    session: MqttSession


@contextmanager
def open_chat(
    settings: Settings, domains: dict[str, DomainSpec], broker: BrokerSettings | None, area: str | None
) -> Iterator[ChatWorld]:
    """The conversation on the configured broker (following its discovery), else on the demo's simulated home."""
    from homefc.mqtt.demo import demo_policy, demo_world

    with ExitStack() as stack:
        home: Home | None = load_home(settings.home) if settings.home else None
        if broker is None:
            home = home or load_home(bundled_home())
            world = stack.enter_context(demo_world(home, domains))
            banner = world.describe()
            settings = settings.model_copy(update={"policy": demo_policy(settings.policy)})
            broker = world.broker
        else:
            banner = f"connected to {broker.address}"
        # An inventory from discovery follows discovery (under the names of a home file without MQTT mappings).
        session = open_session(settings, broker, domains, home, follow=not has_mappings(home))
        stack.callback(session.close)
        make = assistant_factory(settings, domains)
        conversation = Conversation(make(session.catalog), session.executor, context_area=area)

        def rebuild(new_home: Home, catalog: Catalog) -> None:
            conversation.assistant = make(catalog, previous=conversation.assistant)

        session.on_inventory.append(rebuild)
        yield ChatWorld(conversation, f"{banner}; {len(session.home.entities)} entities", session)


def run_plain(conversation: Conversation, banner: str, lines: TextIO | None = None, out: TextIO | None = None) -> int:
    """Read a line, answer it, until end of input or 'quit' (stdin and stdout unless given)."""
    lines = lines or sys.stdin
    out = out or sys.stdout
    interactive = lines.isatty()
    print(f"homefc: {banner}. Say 'quit' to leave.", file=out, flush=True)
    while True:
        if interactive:
            print("you> ", end="", file=out, flush=True)
        line = lines.readline()
        if not line or line.strip().lower() in QUIT:
            return 0
        if not line.strip():
            continue
        if not interactive:
            print(f"you> {line.strip()}", file=out)
        shown: list[str] = []

        def stream(piece: str, shown: list[str] = shown) -> None:
            print(piece if shown else f"homefc> {piece.lstrip()}", end="", file=out, flush=True)
            shown.append(piece)

        reply = conversation.say(line, on_prose=stream)
        if shown:
            print(file=out)
            if reply.text.strip() == "".join(shown).strip():
                continue  # the reply is the prose already shown
        print(f"homefc> {reply.text}", file=out, flush=True)


def run_tui(world: ChatWorld) -> int:
    """The Textual app over a chat world; returns its exit code."""
    from homefc.tui.app import HomefcApp

    session = world.session
    app = HomefcApp(
        world.conversation,
        banner=world.banner,
        connected=lambda: session.client.connected,
        available=lambda entity_id: session.live.available.get(entity_id, True),
        subscribe_changes=session.live.on_change.append,
    )
    session.on_inventory.append(lambda home, catalog: app.call_from_thread(app.replace_home, home))
    app.run()
    return app.return_code or 0
