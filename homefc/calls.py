"""Parse model output into validated calls, or a plain answer, or a clear error."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from homefc.catalog import ENTITY_ARG, Catalog, Function
from homefc.domains import ArgSchema


class Call(BaseModel):
    """One validated function call."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    """Call name, e.g. `light.turn_off`."""
    arguments: dict[str, Any] = Field(default_factory=dict)
    """Arguments, entity_id included."""

    @property
    def entity_id(self) -> str | None:
        """The target entity, if the call has one."""
        value = self.arguments.get(ENTITY_ARG)
        return value if isinstance(value, str) else None

    def render(self) -> str:
        """Python-style rendering: `light.turn_off(entity_id="light.kitchen")`."""
        args = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in self.arguments.items())
        return f"{self.name}({args})"


@dataclass
class ParsedOutput:
    """What the model's output amounted to: calls, or an answer, or an error saying why neither."""

    calls: list[Call] = field(default_factory=list)
    """Validated calls (empty when the model answered in words or failed)."""
    answer: str | None = None
    """Plain-text answer, when the model made no call."""
    error: str | None = None
    """Why the output was unusable, in one line; None when it was usable."""
    prose: str = ""
    """What the model wrote before its call marker (shown while streaming; replies come from outcomes)."""

    @property
    def ok(self) -> bool:
        """True when the output is usable (calls or an answer)."""
        return self.error is None


def _check_value(arg: ArgSchema, value: Any) -> str | None:
    """Why `value` does not fit `arg`, or None."""
    if arg.type == "boolean":
        if not isinstance(value, bool):
            return "expected true or false"
        return None
    if arg.type in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"expected {'an integer' if arg.type == 'integer' else 'a number'}"
        if arg.type == "integer" and not float(value).is_integer():
            return "expected a whole number"
        if isinstance(value, float) and not math.isfinite(value):
            return "expected a finite number"
        if arg.enum is not None and str(value) not in arg.enum:
            return f"{value} is not one of {', '.join(arg.enum)}"
        if arg.minimum is not None and value < arg.minimum:
            return f"{value} is below the minimum {arg.minimum:g}"
        if arg.maximum is not None and value > arg.maximum:
            return f"{value} is above the maximum {arg.maximum:g}"
        return None
    if not isinstance(value, str):
        return "expected text"
    if arg.enum is not None and value not in arg.enum:
        return f"'{value}' is not one of {', '.join(arg.enum)}"
    if not value or len(value) > arg.max_length:
        return f"text must be 1 to {arg.max_length} characters"
    return None


def validate_call(data: Any, catalog: Catalog, allowed: set[str] | None = None) -> Call | str:
    """A validated Call, or one line saying what is wrong with it."""
    if not isinstance(data, dict) or set(data) - {"name", "arguments"} or "name" not in data:
        return "a call must be an object with 'name' and 'arguments'"
    name, args = data["name"], data.get("arguments", {})
    if not isinstance(name, str) or not isinstance(args, dict):
        return "a call's name must be text and its arguments an object"
    entity_id = args.get(ENTITY_ARG)
    fn: Function | None = None
    if isinstance(entity_id, str):
        fn = catalog.get(name, entity_id)
    if fn is None:
        # A plain tool may take entity_id as an ordinary argument (an imported tool list).
        fn = catalog.get(name)
    if fn is None:
        if isinstance(entity_id, str):
            return f"no function {name} for entity {entity_id}"
        return f"unknown function {name}"
    if allowed is not None and fn.key not in allowed:
        return f"{fn.key} was not among the candidates"
    schema = {a.name: a for a in fn.args}
    checked: dict[str, Any] = {}
    for key, value in args.items():
        if key == ENTITY_ARG and fn.entity_id is not None:
            checked[key] = value
            continue
        arg = schema.get(key)
        if arg is None:
            return f"{name}: unknown argument '{key}'"
        if isinstance(value, str) and arg.enum is None:
            # The grammar lets free text start with the space a word token carries (" Leeds"); a tool wants "Leeds".
            value = value.strip()
        problem = _check_value(arg, value)
        if problem:
            return f"{name}: argument '{key}': {problem}"
        checked[key] = value
    for arg in fn.args:
        if arg.required and arg.name not in args:
            return f"{name}: missing required argument '{arg.name}'"
    return Call(name=name, arguments=checked)


def _is_call(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def with_marker(reply: str, marker: str | None) -> str:
    """A reply as a model with this call marker writes it: the marker before calls; answers (and the empty
    follow-up reply) as they are."""
    return f"{marker}{reply}" if marker and _is_call(reply) else reply


def prose_of(text: str) -> str:
    """The prose a (partial) output starts with: all of it up to a call marker or a call, which prose never
    contains ('<' starts a marker; a call starts with '{' or '[' where no marker is used)."""
    if _is_call(text):
        return ""
    return text.split("<", 1)[0]


def parse_output(
    text: str, catalog: Catalog, candidates: Iterable[Function] | None = None, marker: str | None = None
) -> ParsedOutput:
    """Parse and validate raw model output against the catalog (and the request's candidates).

    With a call `marker`, the calls are what follows it and any text before it is prose; an output without the
    marker is an answer (or, from a model that skipped it, a bare call).
    """
    prose = ""
    if marker and marker in text:
        before, _, text = text.partition(marker)
        prose = before.strip()
        if not _is_call(text):
            return ParsedOutput(error="the model wrote the call marker but no call after it", prose=prose)
    parsed = _parse_calls(text, catalog, candidates)
    parsed.prose = prose
    return parsed


def _parse_calls(text: str, catalog: Catalog, candidates: Iterable[Function] | None) -> ParsedOutput:
    stripped = text.strip()
    if not stripped:
        return ParsedOutput(error="the model produced no output")
    if stripped[0] not in "{[":
        return ParsedOutput(answer=stripped)
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as exc:
        return ParsedOutput(error=f"the model's call is not valid JSON ({exc.msg} at column {exc.colno})")
    items = data if isinstance(data, list) else [data]
    if not items:
        return ParsedOutput(error="the model produced an empty list of calls")
    allowed = {f.key for f in candidates} if candidates is not None else None
    calls: list[Call] = []
    for item in items:
        result = validate_call(item, catalog, allowed)
        if isinstance(result, str):
            return ParsedOutput(error=result)
        calls.append(result)
    return ParsedOutput(calls=calls)


class ProseStream:
    """Passes on the prose of a growing output, piece by piece: never a call, never half a character."""

    def __init__(self, sink: Callable[[str], None]) -> None:
        self.sink = sink
        self.sent = 0

    def __call__(self, text: str) -> None:
        prose = prose_of(text)
        if prose.endswith("\ufffd"):
            prose = prose[:-1]  # a character whose bytes are still coming
        if len(prose) > self.sent:
            self.sink(prose[self.sent :])
            self.sent = len(prose)


class SpacedProse:
    """One prose sink over several clauses' model passes: a space between the clauses' prose."""

    def __init__(self, sink: Callable[[str], None]) -> None:
        self.sink = sink
        self.sent = False

    def next_clause(self) -> Callable[[str], None]:
        """The sink for the next clause's pass."""
        first = True

        def clause_sink(piece: str) -> None:
            nonlocal first
            self.sink(f" {piece}" if first and self.sent else piece)
            first, self.sent = False, True

        return clause_sink
