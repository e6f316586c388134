"""The demo's world when no broker is configured: an embedded broker and the home simulated on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from homefc.domains import DomainSpec
from homefc.errors import HomefcError
from homefc.home import Home
from homefc.mqtt.client import BrokerSettings
from homefc.mqtt.embedded import EmbeddedBroker
from homefc.mqtt.sim import SimulatedHome
from homefc.policy import PolicyConfig, Rule


@dataclass
class DemoWorld:
    """Where the demo's devices live."""

    broker: BrokerSettings
    sim: SimulatedHome

    def describe(self) -> str:
        """One line for the console: what is simulated where."""
        return (
            f"demo: {len(self.sim.devices)} simulated devices of {self.sim.home.name} on an embedded broker at "
            f"{self.broker.address} (writes allowed: nothing real is connected)"
        )


@contextmanager
def demo_world(home: Home, domains: dict[str, DomainSpec]) -> Iterator[DemoWorld]:
    """Start the embedded broker, simulate the home on it and wait until every device has announced itself."""
    with EmbeddedBroker() as broker:
        sim = SimulatedHome(home, domains, broker).start()
        try:
            if not sim.wait_announced(10.0):
                raise HomefcError(f"demo: the simulated home did not come up on {broker.address} within 10 s")
            yield DemoWorld(broker, sim)
        finally:
            sim.stop()


def demo_policy(policy: PolicyConfig) -> PolicyConfig:
    """The owner's policy with every write allowed: the demo's devices are simulated. Confirm and block rules stay."""
    return policy.model_copy(update={"allow_writes": [Rule(domain="*")]})
