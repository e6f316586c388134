"""`homefc sim` and `homefc ask --execute` end to end: real model, real broker, simulated devices."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from homefc.audit import read_audit
from homefc.cli import main
from homefc.mqtt.sim import SimulatedHome
from tests.broker import Mosquitto


def _config(tmp_path: Path, broker: Mosquitto, policy: str) -> Path:
    path = tmp_path / "homefc.toml"
    audit = tmp_path / "audit.jsonl"
    path.write_text(f'audit_log = "{audit}"\n[mqtt]\nport = {broker.port}\n[policy]\n{policy}\n')
    return path


def test_sim_serves_a_home_until_told_to_stop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broker = Mosquitto(tmp_path / "broker").start()
    try:
        assert main(["sim", "--broker", f"127.0.0.1:{broker.port}", "--seconds", "0.3"]) == 0
        out = capsys.readouterr().out
        assert "simulating 78 entities of Example flat" in out and "media_player.living_room_tv" in out
    finally:
        broker.stop()


def test_ask_execute_without_a_broker_runs_the_demo_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOMEFC_STATE_DIR", str(tmp_path))
    assert main(["ask", "turn off the sofa lamp", "--execute"]) == 0
    out = capsys.readouterr().out
    assert "demo: 78 simulated devices of Example flat on an embedded broker at 127.0.0.1:" in out
    assert 'light.turn_off(entity_id="light.sofa_lamp"): confirmed: ' in out
    [entry] = read_audit(tmp_path / "audit.jsonl")
    assert entry["decision"] == "allow" and entry["outcome"] == "confirmed"


def test_ask_execute_changes_the_device_where_policy_allows(
    tmp_path: Path, simulated: tuple[Mosquitto, SimulatedHome], capsys: pytest.CaptureFixture[str]
) -> None:
    broker, sim = simulated
    sim.state.states["light.sofa_lamp"].state = "on"
    blocked = _config(tmp_path, broker, "")
    assert main(["ask", "turn off the sofa lamp", "--execute", "--config", str(blocked)]) == 0
    out = capsys.readouterr().out
    assert 'light.turn_off(entity_id="light.sofa_lamp"): blocked: ' in out and "read-only" in out
    assert sim.state.states["light.sofa_lamp"].state == "on"
    allowed = _config(tmp_path, broker, 'allow_writes = [{domain = "light"}]')
    assert main(["ask", "turn off the sofa lamp", "--execute", "--config", str(allowed)]) == 0
    assert 'light.turn_off(entity_id="light.sofa_lamp"): confirmed: ' in capsys.readouterr().out
    assert sim.state.states["light.sofa_lamp"].state == "off"
    entries = read_audit(tmp_path / "audit.jsonl")
    assert [e["outcome"] for e in entries] == ["blocked", "confirmed"]
    assert entries[1]["text"] == "turn off the sofa lamp"


def test_chat_plain_holds_a_conversation_on_the_demo_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOMEFC_STATE_DIR", str(tmp_path))
    script = "what's on in the living room?\nturn those off\nunlock the front door\nno\nclose the lounge blind\nquit\n"
    script += "turn on the sofa lamp\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(script))
    assert main(["chat", "--plain"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("homefc: demo: 78 simulated devices of Example flat")
    assert out[1:] == [
        "you> what's on in the living room?",
        "homefc> The living room ceiling light and the sofa lamp are on in the living room.",
        "you> turn those off",
        "homefc> Turned off the living room ceiling light and the sofa lamp.",
        "you> unlock the front door",
        "homefc> Shall I unlock the front door lock? It needs your yes.",
        "you> no",
        "homefc> OK, I left the front door lock as it is.",
        "you> close the lounge blind",  # an alias from the example flat's file: discovery carries none
        "homefc> Closed the living room window blind.",
    ]
    decisions = [(e["call"]["name"], e["outcome"]) for e in read_audit(tmp_path / "audit.jsonl")]
    assert decisions == [
        ("light.turn_off", "confirmed"),
        ("light.turn_off", "confirmed"),
        ("lock.unlock", "needs_confirmation"),
        ("cover.close_cover", "confirmed"),
    ]
