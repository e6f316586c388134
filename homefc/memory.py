"""What a conversation remembers: recent turns in full, older ones folded into a whiteboard of the devices
touched and their last state, and what "it"/"those"/"… too" point at."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from homefc.calls import Call
from homefc.catalog import Catalog
from homefc.outcome import Outcome
from homefc.prompt import describe_state


@dataclass
class TurnRecord:
    """One finished turn, as memory keeps it."""

    text: str
    reply: str
    entities: list[str]


@dataclass
class Memory:
    """Recent turns in full, older ones folded into a whiteboard of the entities touched and their last state."""

    keep: int = 8
    turns: deque[TurnRecord] = field(default_factory=deque)
    whiteboard: dict[str, str] = field(default_factory=dict)
    last_entities: list[str] = field(default_factory=list)
    last_calls: list[Call] = field(default_factory=list)
    max_board: int = 40

    def remember(self, turn: TurnRecord, outcomes: Sequence[Outcome], catalog: Catalog) -> None:
        """Add a turn; what it touched becomes what "it"/"those" point at."""
        self.turns.append(turn)
        while len(self.turns) > self.keep:
            self.turns.popleft()
        if turn.entities:
            self.last_entities = list(turn.entities)
        writes = [o.call for o in outcomes if o.ok or o.status == "needs_confirmation"]
        if writes:
            self.last_calls = writes
        for outcome in outcomes:
            entity_id = outcome.call.entity_id
            if entity_id is None:
                continue
            spec = catalog.domains.get(entity_id.split(".", 1)[0])
            shown = spec.prompt_attributes if spec is not None else []
            said = describe_state(outcome.state, shown, "compact") if outcome.state is not None else outcome.status
            self.whiteboard.pop(entity_id, None)
            self.whiteboard[entity_id] = said
        while len(self.whiteboard) > self.max_board:
            self.whiteboard.pop(next(iter(self.whiteboard)))

    def summary(self) -> str:
        """The whiteboard as text: `light.hall: off; climate.bedroom: heat, 21 °C`."""
        return "; ".join(f"{k}: {v}" for k, v in self.whiteboard.items())
