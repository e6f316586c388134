"""Call syntaxes compared by `homefc bench`: the JSON the model emits, Python-style calls, and a terse form.

The model and grammar use JSON (it is also what OpenAI-compatible clients expect); the other two are measured to
see what a different internal syntax would save in output tokens.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from homefc.calls import Call

SYNTAXES = ("json", "python", "terse")


def render(call: Call, syntax: str) -> str:
    """The call in one syntax: `{"name": …, "arguments": …}`, `light.turn_off(entity_id="light.x")` or
    `light.x.turn_off()` (the entity first, its domain not repeated, other arguments as keywords)."""
    if syntax == "json":
        return json.dumps({"name": call.name, "arguments": call.arguments}, ensure_ascii=False)
    if syntax == "python":
        return call.render()
    entity = call.entity_id
    if entity is None or not call.name.startswith(entity.split(".", 1)[0] + "."):
        return call.render()
    rest = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in call.arguments.items() if k != "entity_id")
    return f"{entity}.{call.name.split('.', 1)[1]}({rest})"


def tokens_per_call(calls: Sequence[Call], tokenize: Callable[[str], list[int]]) -> dict[str, float]:
    """Mean output tokens per call in each syntax (0 when there are no calls)."""
    if not calls:
        return dict.fromkeys(SYNTAXES, 0.0)
    return {s: round(sum(len(tokenize(render(c, s))) for c in calls) / len(calls), 2) for s in SYNTAXES}
