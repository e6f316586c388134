"""The executor against the simulated home on a real Mosquitto: discovery round trip, every write confirmed."""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, flat: Home, domains: dict[str, DomainSpec]) -> Iterator[World]:
    broker = Mosquitto(tmp_path_factory.mktemp("broker")).start()
    sim = SimulatedHome(flat, domains, broker.settings).start()
    home, _ = discover(broker.settings, 1.0)
    live = LiveState(home)
    client = MqttClient(broker.settings)
    live.attach(client)
    client.connect()
    audit = tmp_path_factory.mktemp("audit") / "audit.jsonl"
    yield World(broker, sim, home, build_catalog(home, domains), live, client, audit)
    client.close()
    sim.stop()
    broker.stop()


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
