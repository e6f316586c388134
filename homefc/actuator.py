"""Where a conversation's calls go: the MQTT executor, or the virtual home (evaluation, and chat without devices)."""

from __future__ import annotations

from abc import ABC, abstractmethod
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


class GatedActuator(ABC):
    """The part every actuator shares: the call must be a function of the home, the policy decides, a guarded call
    waits for confirmation, and every outcome goes to the audit log. Subclasses only carry allowed calls out."""

    catalog: Catalog
    policy: Policy
    audit: AuditLog | None

    def execute(self, call: Call, *, text: str = "", confirmed: bool = False) -> Outcome:
        """Decide, carry out and audit one call."""
        outcome = self._admit(call, confirmed)
        if self.audit is not None:
            state = None if outcome.state is None else {"state": outcome.state.state, **outcome.state.attributes}
            self.audit.record(
                text=text,
                call=call.model_dump(),
                decision=outcome.decision,
                outcome=outcome.status,
                reason=outcome.message,
                confirmed=confirmed,
                state=state,
            )
        return outcome

    def _admit(self, call: Call, confirmed: bool) -> Outcome:
        entity_id = call.entity_id
        fn = self.catalog.get(call.name, entity_id)
        if fn is None or entity_id is None:
            return Outcome(call, Decision.BLOCK, "failed", f"{call.render()} is not a function of this home")
        verdict = self.policy.decide(fn)
        if verdict.decision is Decision.BLOCK:
            return Outcome(call, verdict.decision, "blocked", verdict.reason)
        if verdict.decision is Decision.CONFIRM and not confirmed:
            return Outcome(call, verdict.decision, "needs_confirmation", verdict.reason)
        return self._carry_out(call, entity_id, fn.writes, verdict.decision)

    @abstractmethod
    def _carry_out(self, call: Call, entity_id: str, writes: bool, decision: str) -> Outcome:
        """Read or write one call the policy allowed."""


class VirtualActuator(GatedActuator):
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

    def _carry_out(self, call: Call, entity_id: str, writes: bool, decision: str) -> Outcome:
        if not writes:
            state = self.home.read(entity_id)
            return Outcome(call, decision, "read", f"{entity_id}: {state.state}", state)
        try:
            self.home.apply(call)
        except VirtualHomeError as exc:
            return Outcome(call, decision, "failed", str(exc))
        state = self.home.read(entity_id)
        return Outcome(call, decision, "confirmed", f"{entity_id}: {state.state}", state)
