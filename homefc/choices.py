"""Choices the words name: a mode, preset, source or option of a device's own list.

A 135M model picks "sleep" for "switch the dehumidifier on" and the next track for "put radio 4 on the roberts".
A service that needs one of a device's listed values is only a candidate when the words say one of them, and the
value said is pinned in the grammar (homefc.rules.narrow).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from homefc.catalog import ENTITY_ARG, Function
from homefc.domains import ArgSchema
from homefc.numbers import SMALL

MIN_STEM = 3
"""Shortest value word that also matches a said word with an ending ("heat" in "heating", not "off" in "office")."""
SUFFIXES = frozenset({"s", "es", "ing", "ed", "er", "ers", "y"})


NO_VALUE_WORDS = frozenset({"a", "an", "the", "in", "on", "of", "to", "at", "for", "and", "with", "my", "your"})
"""Words that say no value although one may hold them ("Line-in", "clean the gutters")."""
ASIDES = re.compile(r"\b(?:quick one|quick question)\b")
"""Openers that say no value although a value may hold their words ("quick one:" is not the programme "Quick 45")."""


def _words(text: str, *, every: bool = False) -> list[str]:
    found = re.findall(r"[a-z0-9]+", text.lower().replace("_", " "))
    return found if every else [w for w in found if w not in NO_VALUE_WORDS]


def _matches(value_word: str, said: set[str]) -> bool:
    if value_word in said:
        return True
    if len(value_word) < MIN_STEM or value_word.isdigit():
        return False
    return any(w.startswith(value_word) and w[len(value_word) :] in SUFFIXES for w in said)


def value_score(value: str, others: Sequence[str], said_text: str) -> int:
    """How many of the value's own words (those no other listed value shares) the words say; 0 when none.

    "radio 4" says "BBC Radio 4" and not "BBC Radio 2"; "heating" says "heat"; "heat cool" says "heat_cool"
    better than "heat"."""
    value_words = _words(value)
    if not value_words:  # a value of such words only ("On"): said whole or not at all
        return 2 if f" {' '.join(_words(value, every=True))} " in f" {' '.join(_words(said_text, every=True))} " else 0
    said_words = _words(said_text)
    other_words = {w for o in others if o != value for w in _words(o)}
    own = [w for w in value_words if w not in other_words] or value_words
    said = set(said_words)
    hits = sum(1 for w in own if _matches(w, said))
    return hits + (1 if hits and f" {' '.join(value_words)} " in f" {' '.join(said_words)} " else 0)


NUMBER_WORDS = {w: str(n) for n, w in enumerate([*SMALL, "twenty"])}


def _numbered(said: list[str], value_words: set[str]) -> list[str]:
    """The said words with a number word as its digit where the word before it is a word of the listed values
    ("radio two" says "Radio 2"; "the one in the hall" says no "Radio 1")."""
    return [
        NUMBER_WORDS[w] if w in NUMBER_WORDS and i and said[i - 1] in value_words else w for i, w in enumerate(said)
    ]


def choice_arg(fn: Function) -> ArgSchema | None:
    """The required listed-value argument of a device service (hvac_mode, preset_mode, source, option, …)."""
    if fn.entity_id is None:
        return None
    for arg in fn.args:
        if arg.name != ENTITY_ARG and arg.required and arg.type == "string" and arg.enum:
            return arg
    return None


NOT_A_CHOICE = frozenset({"on", "off"})
"""Values that are also plain switching words: "turn the heating off" may be turn_off as well as hvac_mode off."""


@dataclass
class Choices:
    """What the words say of the candidates' listed values."""

    pins: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Function key → {argument: the one value said best}."""
    exact: set[str] = field(default_factory=set)
    """Keys whose pinned value is said word for word ("on breeze"): the request is for that service."""
    unsaid: set[str] = field(default_factory=set)
    """Keys of services none of whose values the words say."""


NOT_EXACT_DOMAINS = frozenset({"todo"})
"""Listed values that are contents, not settings: "put oat milk on the list" names the item "milk" and adds one."""


def said_choices(said: str, functions: Sequence[Function], names: Mapping[str, Sequence[str]]) -> Choices:
    """What the words (device names already blanked out) say of each candidate service's listed values; a word of
    the device's own names (entity id → names) says no value ("the tv" is not the source "TV")."""
    found = Choices()
    said_words = _words(ASIDES.sub(" ", said.lower()), every=True)
    for fn in functions:
        arg = choice_arg(fn)
        if arg is None or arg.enum is None:
            continue
        own = {w for n in names.get(fn.entity_id, ()) for w in _words(n)}
        numbered = _numbered(said_words, {w for v in arg.enum for w in _words(v)})
        rest = " ".join(w for w in numbered if w not in own)
        scores = {v: value_score(v, arg.enum, rest) for v in arg.enum}
        best = max(scores.values())
        if best == 0:
            found.unsaid.add(fn.key)
            continue
        top = [v for v, s in scores.items() if s == best]
        if len(top) > 1 and len({tuple(_words(v, every=True)) for v in top}) == 1:
            # "Eco" and "Eco+" read alike: the one said plainly ("eco plus" would say "plus").
            plus = re.search(r"\+|\bplus\b", said.lower()) is not None
            top = [min(top, key=lambda v: (("+" in v) != plus, len(v)))]
        if len(top) == 1:
            found.pins[fn.key] = {arg.name: top[0]}
            whole = " ".join(_words(top[0], every=True))
            setting = whole not in NOT_A_CHOICE and fn.tool.split(".")[0] not in NOT_EXACT_DOMAINS
            if setting and (f" {whole} " in f" {rest} " or part_said(top[0], " ".join(said_words))):
                found.exact.add(fn.key)
    return found


def part_said(value: str, said: str) -> bool:
    """Whether the words say two or more of the value's words in a row from one end, one of them its own
    ("radio 2" of "BBC Radio 2", "eco 50" of "Eco 50 programme"): the value as people say it."""
    words = _words(value, every=True)
    parts = [words[i:] for i in range(1, len(words) - 1)] + [words[:i] for i in range(2, len(words))]
    return any(f" {' '.join(p)} " in f" {said} " for p in parts if any(w.isdigit() or len(w) >= MIN_STEM for w in p))
