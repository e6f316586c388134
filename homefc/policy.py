"""Who may change what: read-only by default, writes only where the owner's config allows, guarded calls confirmed.

A language model chooses the calls, so the policy decides on the validated call and its catalog function alone,
never on anything the model wrote besides it. Order: reads are allowed; a `block` rule wins over everything;
a write that no `allow_writes` rule covers is blocked; guarded services (unlock, disarm, opening a garage door;
see `confirm` in the domain specs) and `confirm` rules need the owner's yes; everything else runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatchcase

from pydantic import BaseModel, ConfigDict, model_validator

from homefc.catalog import Function


class Decision(StrEnum):
    """What happens to a call."""

    ALLOW = "allow"
    CONFIRM = "confirm"
    BLOCK = "block"


class Rule(BaseModel):
    """Matches calls whose every given field matches (shell patterns: `light.*`, `*_lamp`)."""

    model_config = ConfigDict(extra="forbid")

    domain: str | None = None
    """Entity domain, e.g. `light`."""
    area: str | None = None
    """Area id, e.g. `kitchen`."""
    entity: str | None = None
    """Entity id, e.g. `switch.coffee_maker`."""
    service: str | None = None
    """Service, either `turn_on` or `light.turn_on` (or a plain tool's name)."""

    @model_validator(mode="after")
    def _not_empty(self) -> Rule:
        if not any((self.domain, self.area, self.entity, self.service)):
            raise ValueError("a rule needs at least one of domain, area, entity, service (use domain = '*' for all)")
        return self

    def matches(self, fn: Function) -> bool:
        """True when every field the rule gives matches the function."""
        domain, _, service = fn.tool.rpartition(".") if fn.entity_id else ("", "", fn.tool)
        checks = (
            (self.domain, domain),
            (self.area, fn.area or ""),
            (self.entity, fn.entity_id or ""),
        )
        if any(pattern is not None and not fnmatchcase(value, pattern) for pattern, value in checks):
            return False
        if self.service is None:
            return True
        target = fn.tool if "." in self.service else service
        return fnmatchcase(target, self.service)

    def describe(self) -> str:
        """TOML inline-table text of the rule, for messages that tell the owner what to add."""
        fields = {k: v for k, v in self.model_dump().items() if v is not None}
        return "{" + ", ".join(f'{k} = "{v}"' for k, v in fields.items()) + "}"


class PolicyConfig(BaseModel):
    """The `[policy]` table of the config file."""

    model_config = ConfigDict(extra="forbid")

    allow_writes: list[Rule] = []
    """Writes that may run; none by default (read-only)."""
    confirm: list[Rule] = []
    """Writes that need the owner's confirmation besides the guarded services."""
    block: list[Rule] = []
    """Calls that never run, even where an allow rule matches (reads included)."""


@dataclass(frozen=True)
class Verdict:
    """The decision on one call and why, in words a person understands."""

    decision: Decision
    reason: str


class Policy:
    """Decides allow / confirm / block for calls on catalog functions."""

    def __init__(self, config: PolicyConfig | None = None) -> None:
        self.config = config or PolicyConfig()

    def decide(self, fn: Function) -> Verdict:
        """The verdict for a call on this function."""
        target = fn.entity_id or fn.tool
        for rule in self.config.block:
            if rule.matches(fn):
                return Verdict(Decision.BLOCK, f"{fn.tool} on {target} is blocked by the rule {rule.describe()}")
        if not fn.writes:
            return Verdict(Decision.ALLOW, "reading is always allowed")
        if not any(rule.matches(fn) for rule in self.config.allow_writes):
            hint = Rule(entity=fn.entity_id) if fn.entity_id else Rule(service=fn.tool)
            return Verdict(
                Decision.BLOCK,
                f"{fn.tool} on {target} is not allowed: homefc is read-only until the config allows writes, "
                f"e.g. allow_writes = [{hint.describe()}] in [policy]",
            )
        if fn.confirm:
            return Verdict(Decision.CONFIRM, f"{fn.tool} on {target} is a guarded action and needs confirmation")
        for rule in self.config.confirm:
            if rule.matches(fn):
                return Verdict(Decision.CONFIRM, f"{fn.tool} on {target} needs confirmation ({rule.describe()})")
        return Verdict(Decision.ALLOW, "allowed by the config")
