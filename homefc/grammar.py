"""GBNF grammar for one request: exactly the candidate calls, a parallel list of them, or an answer."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from homefc.catalog import ENTITY_ARG, Function, functions_by_tool
from homefc.domains import ArgSchema

GRAMMAR_DIR = Path(__file__).parent / "grammars"
MAX_ENUM_INTS = 64
FRACTION = '"." [0-9] [0-9]?'


@dataclass(frozen=True)
class Grammar:
    """A generated GBNF grammar and what it admits."""

    text: str
    """GBNF source, root rule `root`."""
    tools: tuple[str, ...]
    """Call names it admits."""
    n_functions: int
    """How many entity × service functions it admits."""
    allow_answer: bool
    """Whether a plain-text answer is admitted."""
    max_calls: int
    """Most calls in one parallel list."""


def marker_expr(marker: str, token: int | None = None) -> str:
    """GBNF for a call marker: a reference to its one special token when the model has one, else its text.

    The marker must start with '<', which prose never contains, so prose cannot spell it by accident.
    """
    if not marker.startswith("<"):
        raise ValueError(f"call marker {marker!r} must start with '<'")
    return f"<[{token}]>" if token is not None else literal(marker)


def static_rules(name: str = "common") -> str:
    """The static GBNF pieces shipped in grammars/<name>.gbnf."""
    return (GRAMMAR_DIR / f"{name}.gbnf").read_text(encoding="utf-8")


def literal(text: str) -> str:
    """A GBNF string literal that matches `text` exactly."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def json_literal(value: str) -> str:
    """A GBNF literal for `value` written as a JSON string."""
    return literal(json.dumps(value, ensure_ascii=False))


def _fixed_width(a: str, b: str) -> str:
    """Digit strings of equal width from a to b (inclusive), as a GBNF expression."""
    if not a:
        return ""
    if a == b:
        return literal(a)
    if len(a) == 1:
        return f"[{a}-{b}]" if a != b else literal(a)
    fa, fb = int(a[0]), int(b[0])
    rest_a, rest_b = a[1:], b[1:]
    n = len(rest_a)
    if fa == fb:
        return f"{literal(a[0])} ({_fixed_width(rest_a, rest_b)})"
    parts = []
    low_full = rest_a == "0" * n
    high_full = rest_b == "9" * n
    lo_first = fa if low_full else fa + 1
    hi_first = fb if high_full else fb - 1
    if not low_full:
        parts.append(f"{literal(str(fa))} ({_fixed_width(rest_a, '9' * n)})")
    if lo_first <= hi_first:
        head = literal(str(lo_first)) if lo_first == hi_first else f"[{lo_first}-{hi_first}]"
        parts.append(f"{head} [0-9]{{{n}}}")
    if not high_full:
        parts.append(f"{literal(str(fb))} ({_fixed_width('0' * n, rest_b)})")
    return " | ".join(parts)


def _nonneg_range(lo: int, hi: int) -> list[str]:
    """Alternatives for the integers lo..hi (0 <= lo <= hi) written without leading zeros."""
    if hi - lo < MAX_ENUM_INTS:
        return [literal(str(v)) for v in range(lo, hi + 1)]
    parts = []
    width_lo, width_hi = len(str(lo)), len(str(hi))
    for width in range(width_lo, width_hi + 1):
        a = lo if width == width_lo else 10 ** (width - 1)
        b = hi if width == width_hi else 10**width - 1
        parts.append(f"({_fixed_width(str(a), str(b))})")
    return parts


def int_range(lo: int, hi: int) -> str:
    """GBNF for every integer in [lo, hi], JSON-formatted."""
    if lo > hi:
        raise ValueError(f"empty integer range {lo}..{hi}")
    alts: list[str] = []
    if lo < 0:
        neg_hi = min(hi, -1)
        alts += [f'"-" ({p})' for p in _nonneg_range(-neg_hi, -lo)]
    if hi >= 0:
        alts += _nonneg_range(max(lo, 0), hi)
    return "(" + " | ".join(alts) + ")"


def number_range(lo: float, hi: float) -> str:
    """GBNF for decimal numbers in [lo, hi] with up to two decimals (a safe subset of the interval)."""
    lo_i, hi_i = math.ceil(lo), math.floor(hi)
    if lo_i > hi_i:
        raise ValueError(f"no integer part within {lo}..{hi}")
    alts = [int_range(lo_i, hi_i)]
    frac_lo, frac_hi = max(lo_i, 0), hi_i - 1
    if frac_lo <= frac_hi:
        alts.append(f"{int_range(frac_lo, frac_hi)} {FRACTION}")
    if lo_i + 1 <= -1:
        alts.append(f"{int_range(lo_i + 1, -1)} {FRACTION}")
    return "(" + " | ".join(alts) + ")"


def value_expr(arg: ArgSchema) -> str:
    """GBNF for one argument value."""
    if arg.enum is not None:
        if arg.type == "string":
            return "(" + " | ".join(json_literal(v) for v in arg.enum) + ")"
        return "(" + " | ".join(literal(v) for v in arg.enum) + ")"
    if arg.type == "boolean":
        return "boolean"
    if arg.type == "integer":
        lo = math.ceil(arg.minimum) if arg.minimum is not None else -(10**9)
        hi = math.floor(arg.maximum) if arg.maximum is not None else 10**9
        return int_range(lo, hi)
    if arg.type == "number":
        lo_f = arg.minimum if arg.minimum is not None else -1e9
        hi_f = arg.maximum if arg.maximum is not None else 1e9
        return number_range(lo_f, hi_f)
    return f'"\\"" str-char{{1,{max(1, arg.max_length)}}} "\\""'


def _member(arg: ArgSchema, pinned: Mapping[str, Any] | None = None) -> str:
    if pinned and arg.name in pinned:
        return literal(f"{json.dumps(arg.name)}: {json.dumps(pinned[arg.name], ensure_ascii=False)}")
    return f"{literal(json.dumps(arg.name) + ': ')} {value_expr(arg)}"


def _args_after_first(args: Sequence[ArgSchema], pinned: Mapping[str, Any] | None = None) -> str:
    """Arguments that follow an earlier one: each prefixed by a comma, optional ones optional (a pinned one not)."""
    parts = []
    for arg in args:
        if pinned and arg.name in pinned and pinned[arg.name] is None:
            continue  # ruled out by the pins: a relative step leaves no room for an absolute level
        item = f'", " {_member(arg, pinned)}'
        parts.append(item if arg.required or (pinned and arg.name in pinned) else f"({item})?")
    return " ".join(parts)


def plain_arg_order(args: Sequence[ArgSchema]) -> list[ArgSchema]:
    """The order the grammar admits a plain tool's arguments in: required ones first, then optional ones."""
    return [a for a in args if a.required] + [a for a in args if not a.required]


def _args_from_start(args: Sequence[ArgSchema]) -> str:
    """Arguments of a plain tool in plain_arg_order, commas between."""
    ordered = plain_arg_order(args)
    if not ordered:
        return '""'
    if ordered[0].required:
        rest = _args_after_first(ordered[1:])
        return f"{_member(ordered[0])} {rest}".strip()
    # Every argument is optional: choose which comes first, the later ones may follow.
    alts = ['""']
    for i, arg in enumerate(ordered):
        rest = _args_after_first(ordered[i + 1 :])
        alts.append(f"{_member(arg)} {rest}".strip())
    return "(" + " | ".join(alts) + ")"


def build_grammar(
    functions: Sequence[Function],
    *,
    max_calls: int = 4,
    allow_answer: bool = True,
    pins: Mapping[str, Mapping[str, Any]] | None = None,
    allow_done: bool = False,
    marker: str | None = None,
) -> Grammar:
    """Grammar admitting one call, a JSON list of up to max_calls calls, or (optionally) an answer.

    `allow_done` also admits the empty output: a follow-up round (homefc.rounds) that needs no further call.
    With `marker` (GBNF from marker_expr) the calls follow the marker, after optional prose when answers are
    allowed; the marker stays inline in `root`, where llguidance admits a special-token reference.

    `pins` fixes argument values per function key (homefc.rules: a relative setpoint worked out from the current
    one): the function then admits exactly that value, and always writes it; a pin to None leaves the argument out.
    """
    pins = pins or {}
    if not functions and not allow_answer:
        raise ValueError("a grammar needs functions or an answer")
    rules: list[str] = []
    call_rules: list[str] = []
    groups = functions_by_tool(functions)
    for t, (tool, fns) in enumerate(groups.items()):
        head = literal(f'{{"name": {json.dumps(tool)}, "arguments": {{')
        by_args: dict[tuple[tuple[ArgSchema, ...], tuple[tuple[str, Any], ...]], list[str]] = {}
        plain: list[Function] = []
        for fn in fns:
            if fn.entity_id is None:
                plain.append(fn)
            else:
                pinned = tuple(sorted(pins.get(fn.key, {}).items()))
                by_args.setdefault((fn.args, pinned), []).append(fn.entity_id)
        bodies: list[str] = []
        for (args, pinned), entities in by_args.items():
            ents = " | ".join(json_literal(e) for e in entities)
            rest = _args_after_first(args, dict(pinned))
            bodies.append(f"{literal(json.dumps(ENTITY_ARG) + ': ')} ({ents}) {rest}".strip())
        for fn in plain:
            bodies.append(_args_from_start(fn.args))
        name = f"call-{t}"
        body_alts = " | ".join(f"({b})" for b in bodies)
        rules.append(f'{name} ::= {head} ({body_alts}) "}}}}"')
        call_rules.append(name)
    top: list[str] = []
    if call_rules:
        rules.insert(0, "call ::= " + " | ".join(call_rules))
        calls = ["call"]
        if max_calls > 1:
            calls.append(f'"[" call (", " call){{1,{max_calls - 1}}} "]"')
        lead = ""
        if marker:
            lead = f"answer? {marker} " if allow_answer else f"{marker} "
        top += [lead + c for c in calls]
    if allow_answer:
        top.append("answer")
    if allow_done:
        top.append('""')
    text = "root ::= " + " | ".join(top) + "\n" + "\n".join(rules) + "\n\n" + static_rules()
    return Grammar(
        text=text,
        tools=tuple(groups),
        n_functions=len(functions),
        allow_answer=allow_answer,
        max_calls=max_calls,
    )
