"""Tool results fed back to the model: the text of a follow-up round, shared by run time and training.

A request whose calls only read ("close the garage door if it is open") gets a second model pass that sees what
the reads returned and either acts on it or ends the turn. Run time (`Assistant.follow_up`) and the training
data (`training/data.py`) build that round from these functions, so the two cannot drift apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from homefc.calls import Call
from homefc.catalog import Catalog
from homefc.outcome import Outcome
from homefc.prompt import SENTINEL, FewShot, StateLike, prefix_messages

RESULT_ROLE = "tool"
"""Chat role of the turn that carries the results (Gemma's template folds it into a user turn)."""
DONE = ""
"""What the model writes when the results need no further call: nothing (its end-of-turn token)."""
MAX_VALUE_CHARS = 40

_REPLY = "\u2063HOMEFC-REPLY\u2063"
_QUESTION = re.compile(
    r"^\s*(is|are|was|were|what|what's|whats|which|who|how|how's|does|do|did|has|have|can|could|tell me|show me)\b"
    r"|\?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RoundFrame:
    """Chat-template text around one round: after the model's calls, and after the results it is given."""

    after_reply: str
    """End of the assistant turn and header of the results turn."""
    after_result: str
    """End of the results turn and header of the next assistant turn."""


def round_frame(render: Callable[[list[dict[str, str]]], str], fewshot: FewShot | None, system: str) -> RoundFrame:
    """Render a placeholder request, reply and result with the model's chat template and cut between them."""
    messages = [
        *prefix_messages(fewshot, system),
        {"role": "user", "content": SENTINEL},
        {"role": "assistant", "content": _REPLY},
        {"role": RESULT_ROLE, "content": SENTINEL},
    ]
    rendered = render(messages)
    _, sep, rest = rendered.partition(_REPLY)
    after_reply, sep2, after_result = rest.partition(SENTINEL)
    if not sep or not sep2:
        raise ValueError("the chat template dropped the reply or the result turn")
    return RoundFrame(after_reply, after_result)


def _short(value: Any) -> Any:
    """A state value small enough for the prompt: numbers and short strings; None for anything else."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return round(value, 2) if isinstance(value, float) else value
    if isinstance(value, str) and len(value) <= MAX_VALUE_CHARS:
        return value
    return None


def result_line(entity_id: str, state: str | None, attributes: Mapping[str, Any], shown: Sequence[str]) -> str:
    """One read's result as the model sees it: entity, state and the domain's prompt attributes, as JSON."""
    out: dict[str, Any] = {"entity_id": entity_id, "state": state if state is not None else "unknown"}
    for name in shown:
        if name in attributes and (value := _short(attributes[name])) is not None:
            out[name] = value
    return json.dumps(out, ensure_ascii=False)


def state_line(entity_id: str, state: StateLike, catalog: Catalog) -> str:
    """The result line of a read that returned this state, with its domain's prompt attributes."""
    spec = catalog.domains.get(entity_id.split(".", 1)[0])
    shown = spec.prompt_attributes if spec is not None else ()
    return result_line(entity_id, state.state, state.attributes, shown)


def outcome_line(outcome: Outcome, catalog: Catalog) -> str:
    """The result line of a carried-out call: what it read, or its status when it read nothing."""
    entity_id = outcome.call.entity_id or outcome.call.name
    if outcome.state is None:
        return result_line(entity_id, None if outcome.ok else outcome.status, {}, ())
    return state_line(entity_id, outcome.state, catalog)


def round_pieces(rounds: Sequence[Sequence[str]], frame: RoundFrame) -> list[tuple[str, str]]:
    """The text after the request's assistant header for earlier rounds, as (text, kind) pieces: kind 'template'
    is tokenised with its special tokens, 'reply' (the model's calls, a call marker included) and 'results' as
    plain text."""
    pieces: list[tuple[str, str]] = []
    for reply, results in rounds:
        pieces += [(reply, "reply"), (frame.after_reply, "template"), (results, "results")]
        pieces.append((frame.after_result, "template"))
    return pieces


def results_text(lines: Sequence[str]) -> str:
    """The results turn: one line per call, in call order."""
    return "\n".join(lines)


def reads_only(calls: Sequence[Call]) -> bool:
    """True when there are calls and none of them changes anything (only get_state reads)."""
    return bool(calls) and all(c.name.endswith(".get_state") for c in calls)


def is_question(text: str) -> bool:
    """A question is answered by its reads; anything else that only read wants the results acted on."""
    return bool(_QUESTION.search(text))


def wants_follow_up(text: str, calls: Sequence[Call]) -> bool:
    """Whether a request's calls should be fed back for another round: reads made for something not a question."""
    return reads_only(calls) and not is_question(text)
