"""Where a conversation's calls go: the MQTT executor, or the virtual home (evaluation, and chat without devices)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from homefc.audit import AuditLog
from homefc.calls import Call
from homefc.catalog import Catalog
from homefc.outcome import Outcome
from homefc.policy import Decision, Policy, PolicyConfig, Rule
from homefc.prompt import StateLike
from homefc.virtual_home import VirtualHome, VirtualHomeError


class Actuator(Protocol):
    """Carries out validated calls under the owner's policy and reports what happened."""

    def execute(self, call: Call, *, text: str = "", confirmed: bool = False) -> Outcome:
        """Run one call (guarded calls only with `confirmed`)."""
        ...

    @property
    def states(self) -> Mapping[str, StateLike]:
        """Current entity states, for prompts and answers."""
        ...


ALLOW_ALL = PolicyConfig(allow_writes=[Rule(domain="*")])
"""Every write allowed (guarded services still ask): the virtual home has nothing real to protect."""


class VirtualActuator:
    """Calls applied to a VirtualHome with the same policy decisions as the MQTT executor."""

    def __init__(
        self, home: VirtualHome, catalog: Catalog, *, policy: Policy | None = None, audit: AuditLog | None = None
    ) -> None:
        self.home = home
        self.catalog = catalog
        self.policy = policy or Policy(ALLOW_ALL)
        self.audit = audit

    @property
    def states(self) -> Mapping[str, StateLike]:
        """The virtual home's live states."""
        return self.home.states

    def execute(self, call: Call, *, text: str = "", confirmed: bool = False) -> Outcome:
        """Decide, apply and report, as the MQTT executor does, with the virtual home as the device."""
        outcome = self._execute(call, confirmed)
        if self.audit is not None:
            self.audit.record(
                text=text, call=call.model_dump(), decision=outcome.decision, outcome=outcome.status,
                reason=outcome.message, confirmed=confirmed,
            )  # fmt: skip
        return outcome

    def _execute(self, call: Call, confirmed: bool) -> Outcome:
        fn = self.catalog.get(call.name, call.entity_id)
        if fn is None or call.entity_id is None:
            return Outcome(call, Decision.BLOCK, "failed", f"{call.render()} is not a function of this home")
        verdict = self.policy.decide(fn)
        if verdict.decision == Decision.BLOCK:
            return Outcome(call, verdict.decision, "blocked", verdict.reason)
        if not fn.writes:
            state = self.home.read(call.entity_id)
            return Outcome(call, verdict.decision, "read", f"{call.entity_id}: {state.state}", state)
        if verdict.decision == Decision.CONFIRM and not confirmed:
            return Outcome(call, verdict.decision, "needs_confirmation", verdict.reason)
        try:
            self.home.apply(call)
        except VirtualHomeError as exc:
            return Outcome(call, verdict.decision, "failed", str(exc))
        state = self.home.read(call.entity_id)
        return Outcome(call, verdict.decision, "confirmed", f"{call.entity_id}: {state.state}", state)
