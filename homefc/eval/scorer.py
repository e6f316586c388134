"""Strict scoring: state diffs against expected changes, and BFCL-style AST matching of calls."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from homefc.calls import Call
from homefc.catalog import ENTITY_ARG
from homefc.domains import READ_SERVICE, DomainSpec
from homefc.eval.cases import CallSpec, EntityValues
from homefc.virtual_home import Change

FLOAT_TOLERANCE = 0.011
READ_SERVICES = (READ_SERVICE, "get_items")


@dataclass(frozen=True)
class Verdict:
    """Pass or fail, and why."""

    passed: bool
    """Whether the case passed."""
    reason: str
    """One line: what was wrong, or 'ok'."""


OK = Verdict(True, "ok")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def values_equal(expected: Any, actual: Any) -> bool:
    """Equal, with numbers compared numerically (0.011 tolerance for non-integers) and lists item by item."""
    if isinstance(expected, list | tuple) and isinstance(actual, list | tuple):
        return len(expected) == len(actual) and all(values_equal(e, a) for e, a in zip(expected, actual, strict=True))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    e, a = _number(expected), _number(actual)
    if e is not None and a is not None:
        if e.is_integer() and a.is_integer():
            return e == a
        return math.isclose(e, a, abs_tol=FLOAT_TOLERANCE)
    return expected == actual


def score_state(
    expected: Mapping[str, EntityValues],
    changes: Mapping[str, Change],
    domains: Mapping[str, DomainSpec],
    *,
    expect_reads: Sequence[str] = (),
    calls: Sequence[Call] = (),
) -> Verdict:
    """Exactly the expected entities changed, each to the expected values; requested reads were made."""
    read = {c.entity_id for c in calls if c.name.split(".", 1)[-1] in READ_SERVICES}
    for entity_id in expect_reads:
        if entity_id not in read:
            return Verdict(False, f"did not read {entity_id}")
    extra = sorted(set(changes) - set(expected))
    if extra:
        return Verdict(False, f"unexpected change of {', '.join(extra)}")
    missing = sorted(set(expected) - set(changes))
    if missing:
        return Verdict(False, f"no change of {', '.join(missing)}")
    for entity_id, want in expected.items():
        change = changes[entity_id]
        spec = domains.get(entity_id.split(".", 1)[0])
        derived = set(spec.derived) if spec else set()
        if want.has_state:
            after = change.state[1] if change.state else None
            if change.state is None or not values_equal(want.state, after):
                got = after if change.state else "unchanged"
                return Verdict(False, f"{entity_id}: state {got}, expected {want.state}")
        elif change.state is not None and "state" not in derived:
            return Verdict(False, f"{entity_id}: state changed to {change.state[1]} unasked")
        for name, value in want.attributes.items():
            if name not in change.attributes:
                return Verdict(False, f"{entity_id}: {name} unchanged, expected {value}")
            after = change.attributes[name][1]
            if not values_equal(value, after):
                return Verdict(False, f"{entity_id}: {name} {after}, expected {value}")
        unasked = sorted(set(change.attributes) - set(want.attributes) - derived)
        if unasked:
            return Verdict(False, f"{entity_id}: {', '.join(unasked)} changed unasked")
    return OK


def normalise(value: Any) -> Any:
    """BFCL's normalisation: strings lower-cased without spaces and punctuation; ints become floats."""
    if isinstance(value, str):
        return re.sub(r"[ ,./\-_*^!?'\"]", "", value.lower())
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    return value


def _call_matches(expected: CallSpec, got: Call, may_omit: Sequence[str]) -> str | None:
    if expected.name != got.name:
        return f"called {got.name}, expected {expected.name}"
    unknown = sorted(set(got.arguments) - set(expected.arguments))
    if unknown:
        return f"{got.name}: unexpected argument {', '.join(unknown)}"
    for name, value in expected.arguments.items():
        if name not in got.arguments:
            if name in may_omit:
                continue
            return f"{got.name}: missing argument {name}"
        if normalise(value) != normalise(got.arguments[name]):
            return f"{got.name}: {name}={got.arguments[name]!r}, expected {value!r}"
    return None


def match_calls(expected: Sequence[CallSpec], got: Sequence[Call], may_omit: Sequence[str] = ()) -> Verdict:
    """Order-free AST match: same number of calls, each expected call matched by a distinct actual one."""
    if len(expected) != len(got):
        return Verdict(False, f"{len(got)} calls, expected {len(expected)}")
    if not expected:
        return OK
    first_problem = ""
    for perm in itertools.permutations(got):
        problems = [_call_matches(e, g, may_omit) for e, g in zip(expected, perm, strict=True)]
        if not any(problems):
            return OK
        first_problem = first_problem or next(p for p in problems if p)
    return Verdict(False, first_problem)


def needed_keys(calls: Sequence[CallSpec]) -> set[str]:
    """Catalog keys (tool:entity or tool) the calls need retrieval to offer."""
    out = set()
    for call in calls:
        entity = call.arguments.get(ENTITY_ARG)
        out.add(f"{call.name}:{entity}" if isinstance(entity, str) else call.name)
    return out


@dataclass(frozen=True)
class Rate:
    """A success rate with its 95% Wilson interval."""

    passed: int
    """Successes."""
    total: int
    """Trials."""

    @property
    def value(self) -> float:
        """passed / total (0 when empty)."""
        return self.passed / self.total if self.total else 0.0

    def interval(self, z: float = 1.96) -> tuple[float, float]:
        """95% Wilson score interval."""
        if not self.total:
            return (0.0, 0.0)
        n, p = self.total, self.value
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return (max(0.0, centre - half), min(1.0, centre + half))


def balanced_score(acted: Rate, held_back: Rate) -> float:
    """Harmonic mean of 'acted correctly when it should' and 'held back when it should'."""
    a, h = acted.value, held_back.value
    return 2 * a * h / (a + h) if a + h else 0.0
