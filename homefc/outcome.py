"""What happened to a call: the one result type of every way calls are carried out (MQTT, the virtual home)."""

from __future__ import annotations

from dataclasses import dataclass

from homefc.calls import Call
from homefc.virtual_home import EntityState

STATUSES = ("read", "confirmed", "sent", "timeout", "unavailable", "needs_confirmation", "blocked", "failed")


@dataclass
class Outcome:
    """What happened to one call, in words a person understands."""

    call: Call
    decision: str
    """Policy: allow, confirm or block."""
    status: str
    """One of STATUSES."""
    message: str
    state: EntityState | None = None
    """The entity's state afterwards (or as read)."""

    @property
    def ok(self) -> bool:
        """True when the call did what was asked (read, or the device took the command)."""
        return self.status in ("read", "confirmed", "sent")
