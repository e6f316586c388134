"""The executor against the simulated home on a real Mosquitto: discovery round trip, every write confirmed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from homefc.audit import AuditLog, read_audit
from homefc.calls import Call
from homefc.catalog import Catalog, Function, build_catalog
from homefc.domains import ArgSchema, DomainSpec
from homefc.home import Home
from homefc.mqtt.client import MqttClient
from homefc.mqtt.discover import discover
from homefc.mqtt.executor import Executor, LiveState, _close
from homefc.mqtt.sim import SimulatedHome
from homefc.policy import Policy, PolicyConfig
from tests.broker import Mosquitto


@dataclass
class World:
    broker: Mosquitto
    sim: SimulatedHome
    home: Home
    catalog: Catalog
    live: LiveState
    client: MqttClient
    audit_path: Path

    def executor(self, policy: Policy | None = None, **kw: Any) -> Executor:
        audit = AuditLog(self.audit_path)
        return Executor(self.client, self.catalog, self.sim.state.domains, self.live, policy=policy, audit=audit, **kw)

    def close(self) -> None:
        self.client.close()
        self.sim.stop()
        self.broker.stop()


def start_world(workdir: Path, flat: Home, domains: dict[str, DomainSpec]) -> World:
    """A broker of its own, the flat simulated on it, its discovered inventory and live state."""
    broker = Mosquitto(workdir / "broker").start()
    sim = SimulatedHome(flat, domains, broker.settings).start()
    assert sim.wait_announced()
    home, _ = discover(broker.settings, 0.5)
    live = LiveState(home)
    client = MqttClient(broker.settings)
    live.attach(client)
    client.connect()
    return World(broker, sim, home, build_catalog(home, domains), live, client, workdir / "audit.jsonl")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, flat: Home, domains: dict[str, DomainSpec]) -> Iterator[World]:
    started = start_world(tmp_path_factory.mktemp("world"), flat, domains)
    yield started
    started.close()


def test_discovery_of_the_simulated_home_gives_back_the_same_home(
    world: World, flat: Home, domains: dict[str, DomainSpec]
) -> None:
    simulated = [e for e in flat.entities if e not in world.sim.skipped]
    got = {e.id: (e.name, e.area) for e in world.home.entities}
    assert got == {e.id: (e.name, e.area or "unassigned") for e in simulated}
    assert {d.via for d in world.sim.devices} == {"ha", "z2m"}

    def functions(catalog: Catalog) -> set[tuple[str, str | None, tuple[str, ...]]]:
        return {(f.tool, f.entity_id, tuple(a.name for a in f.args)) for f in catalog.functions if f.entity_id in got}

    lost = functions(build_catalog(flat, domains)) - functions(world.catalog)
    # Home Assistant's MQTT water heater has no away mode: the only function MQTT cannot carry.
    assert lost == {("water_heater.set_away_mode", "water_heater.boiler", ("away_mode",))}


def _sample(arg: ArgSchema) -> Any:
    if arg.enum:
        return arg.enum[-1]
    if arg.type == "boolean":
        return True
    if arg.type in ("integer", "number"):
        lo = arg.minimum if arg.minimum is not None else 0
        hi = arg.maximum if arg.maximum is not None else lo + 10
        return round(lo + (hi - lo) * 0.4) if arg.type == "integer" else round(lo + (hi - lo) * 0.4, 1)
    return "milk"


def _call(fn: Function) -> Call:
    args = {a.name: _sample(a) for a in fn.args if a.required or a.name in ("brightness_pct", "percentage")}
    return Call(name=fn.tool, arguments={"entity_id": fn.entity_id, **args})


def test_every_write_reaches_the_device_and_is_confirmed(world: World) -> None:
    executor = world.executor(Policy(PolicyConfig.model_validate({"allow_writes": [{"domain": "*"}]})))
    writes = [f for f in world.catalog.functions if f.writes]
    assert len(writes) > 150
    failures = []
    for fn in writes:
        call = _call(fn)
        outcome = executor.execute(call, text=f"test {call.render()}", confirmed=True)
        if outcome.status not in ("confirmed", "sent"):
            failures.append(f"{call.render()}: {outcome.status}: {outcome.message}")
            continue
        device = world.sim.state.states[fn.entity_id or ""]
        if outcome.status == "sent":  # an action is not confirmed by state; give its state message time to come
            world.live.wait_until(fn.entity_id or "", lambda s, d=device: s.state == d.state, 2.0)
        seen = world.live.get(fn.entity_id or "")
        for field in ("state", *seen.attributes):
            mine = seen.state if field == "state" else seen.attributes.get(field)
            theirs = device.state if field == "state" else device.attributes.get(field)
            if mine is not None and not _close(mine, theirs):
                failures.append(f"{call.render()}: {field} live {mine!r}, device {theirs!r}")
    assert not failures, "\n".join(failures[:40])
    entries = read_audit(world.audit_path)
    assert len(entries) >= len(writes) and {e["outcome"] for e in entries} <= {"confirmed", "sent"}


def test_read_only_by_default_blocks_writes_and_sends_nothing(world: World) -> None:
    executor = world.executor()  # no policy: read-only
    before = world.sim.commands
    outcome = executor.execute(Call(name="light.turn_on", arguments={"entity_id": "light.sofa_lamp"}), text="lamp on")
    assert outcome.status == "blocked" and "read-only" in outcome.message
    read = executor.execute(Call(name="light.get_state", arguments={"entity_id": "light.sofa_lamp"}))
    assert read.status == "read" and read.state is not None and read.state.state in ("on", "off")
    assert world.sim.commands == before, "nothing reached a device"
    last = read_audit(world.audit_path)[-2:]
    assert [e["outcome"] for e in last] == ["blocked", "read"] and last[0]["text"] == "lamp on"


def test_reads_answer_from_the_devices_retained_state(world: World) -> None:
    executor = world.executor()
    sensor = "sensor.living_room_temperature"
    device = world.sim.state.states[sensor]
    outcome = executor.execute(Call(name="sensor.get_state", arguments={"entity_id": sensor}))
    assert outcome.status == "read" and outcome.state is not None
    assert _close(float(outcome.state.state or "nan"), float(device.state or "nan"))


def test_guarded_calls_wait_for_confirmation(world: World) -> None:
    executor = world.executor(Policy(PolicyConfig.model_validate({"allow_writes": [{"domain": "lock"}]})))
    lock = Call(name="lock.lock", arguments={"entity_id": "lock.front_door"})
    assert executor.execute(lock).status == "confirmed"
    unlock = Call(name="lock.unlock", arguments={"entity_id": "lock.front_door"})
    asked = executor.execute(unlock, text="unlock the front door")
    assert asked.status == "needs_confirmation" and world.sim.state.states["lock.front_door"].state == "locked"
    done = executor.execute(unlock, text="unlock the front door", confirmed=True)
    assert done.status == "confirmed" and world.sim.state.states["lock.front_door"].state == "unlocked"
    decisions = [(e["decision"], e["outcome"]) for e in read_audit(world.audit_path)[-2:]]
    assert decisions == [("confirm", "needs_confirmation"), ("confirm", "confirmed")]


def test_an_offline_device_is_reported_not_commanded(world: World) -> None:
    executor = world.executor(Policy(PolicyConfig.model_validate({"allow_writes": [{"domain": "switch"}]})))
    entity = next(d.entity.id for d in world.sim.devices if d.entity.domain == "switch")
    world.sim.set_available(entity, False)
    try:
        assert world.live.wait_until(entity, lambda s: world.live.available.get(entity) is False, 3)
        outcome = executor.execute(Call(name="switch.turn_on", arguments={"entity_id": entity}))
        assert outcome.status == "unavailable" and "offline" in outcome.message
    finally:
        world.sim.set_available(entity, True)
    assert world.live.wait_until(entity, lambda s: world.live.available.get(entity) is True, 3)


def test_a_thousand_commands_in_a_row_none_lost(world: World) -> None:
    executor = world.executor(Policy(PolicyConfig.model_validate({"allow_writes": [{"domain": "light"}]})))
    lamp = "light.sofa_lamp"
    statuses = []
    for i in range(1000):
        level = 1 + i % 100
        call = Call(name="light.turn_on", arguments={"entity_id": lamp, "brightness_pct": level})
        statuses.append(executor.execute(call).status)
    assert statuses.count("confirmed") == 1000
    assert _close(world.sim.state.states[lamp].attributes["brightness"], round(100 * 255 / 100))


def test_broker_restart_mid_run_fails_plainly_then_recovers(
    tmp_path: Path, flat: Home, domains: dict[str, DomainSpec]
) -> None:
    own = start_world(tmp_path, flat, domains)
    broker, sim, client, live = own.broker, own.sim, own.client, own.live
    executor = own.executor(Policy(PolicyConfig.model_validate({"allow_writes": [{"domain": "light"}]})))
    on = Call(name="light.turn_on", arguments={"entity_id": "light.sofa_lamp", "brightness_pct": 30})
    off = Call(name="light.turn_off", arguments={"entity_id": "light.sofa_lamp"})
    try:
        assert executor.execute(on).status == "confirmed"
        broker.stop()
        deadline = time.monotonic() + 10
        while client.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        down = executor.execute(off)
        assert down.status == "failed" and "unreachable; nothing was sent" in down.message
        broker.start()
        assert client.wait_connected(40) and sim.client is not None and sim.client.wait_connected(40)
        assert sim.wait_announced()
        assert live.wait_until("light.sofa_lamp", lambda s: s.state == "on", 5), "state rebuilt from the devices"
        assert executor.execute(off).status == "confirmed"
        assert sim.state.states["light.sofa_lamp"].state == "off"
    finally:
        own.close()
