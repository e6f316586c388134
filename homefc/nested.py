"""Requests that must read before they act, parsed from their words: conditions and copied settings.

"If the garage door is open, close it", "close the lounge blind if it's open", "the same temperature as the
living room", "as loud as the kitchen speaker", "copy the towel rail temperature to the kids room radiator".
The conversation reads the device these name and then acts (or not) with a plain request the model was trained
on; the model's own follow-up round (homefc.rounds) handles what these patterns miss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from homefc.references import STATE_WORDS

_STATES = "|".join(STATE_WORDS)
CONDITION = re.compile(
    r"^(?:if|when|in case)\s+(?P<subject>.+?)(?:\s+is|\s+are|'s|'re)\s+(?:still\s+)?(?P<state>"
    + _STATES
    + r")\s*,?\s*(?:then\s+)?(?P<action>.+?)[.!?]*$",
    re.I,
)
"""A leading condition: "if the garage door is open, close it"."""
TRAILING_CONDITION = re.compile(
    r"^(?P<action>.+?),?\s+(?:but\s+)?(?:only\s+)?(?:if|in case)\s+(?P<subject>it|they|that|this|that one|this one)"
    r"(?:\s+is|\s+are|'s|'re)\s+(?:still\s+|currently\s+)?(?P<state>" + _STATES + r")(?:\s+(?:right\s+)?now)?"
    r"(?:\s+please)?\s*[.!?]*$",
    re.I,
)
"""A condition after the action, on the device the action names: "close the lounge blind if it's open"."""
PRONOUN = re.compile(r"\b(?:it|them|that one|this one)\b", re.I)
CHECK_AND = re.compile(
    r"^(?:please\s+)?(?:check|look at|see)\s+(?:on\s+)?(?P<object>.+?)\s+and\s+(?:then\s+)?(?P<rest>.+)$", re.I
)
""""Check the hallway light and switch it off": the object is what "it" means."""
TOPIC_FIRST = re.compile(r"^(?P<object>[^,]+?),\s*(?:please\s+)?(?P<rest>.+)$", re.I)
""""The coffee machine, switch it off"."""
SAME_AS = re.compile(
    r"(?:to\s+)?the same(?:\s+(?P<what>[\w ]+?))?\s+as\s+(?:the\s+|in the\s+)?(?P<source>[\w' ]+?)\s*[.!?]*$", re.I
)
"""A copied setting: "set the bedroom to the same temperature as the living room"."""
AS_AS = re.compile(
    r"\s+(?:just\s+)?as\s+(?P<what>warm|hot|cold|cool|bright|dim|dark|loud|quiet|fast|slow|far|high|low|open)\s+as"
    r"\s+(?:the\s+|in the\s+)?(?P<source>[\w' ]+?)(?:\s+is|\s+does)?(?:\s+please)?\s*[.!?]*$",
    re.I,
)
"""A comparison: "make the bedroom radiator as warm as the office radiator"."""
COPY = re.compile(
    r"^(?:please\s+)?copy\s+(?:the\s+)?(?P<source>[\w' ]+?)(?:'s)?\s+(?P<what>temperature|brightness|volume|position"
    r"|speed|setting)\s+(?:over\s+)?(?:to|onto)\s+(?:the\s+)?(?P<target>[\w' ]+?)\s*[.!?]*$",
    re.I,
)
"""A setting copied by name: "copy the towel rail temperature to the kids room radiator"."""
_SETTING = r"(?P<what>temperature|brightness|volume|position|speed)"
MATCH = re.compile(
    r"^(?:please\s+)?(?:match\s+(?:the\s+)?(?P<target>[\w' ]+?)(?:'s)?\s+" + _SETTING + r"\s+(?:to|with)"
    r"|set\s+(?:the\s+)?(?P<target2>[\w' ]+?)(?:'s)?\s+(?P<what2>temperature|brightness|volume|position|speed)"
    r"\s+to\s+match)\s+(?:that of\s+)?(?:the\s+)?(?P<source>[\w' ]+?)(?:'s)?\s*[.!?]*$",
    re.I,
)
"""A setting matched by name: "match the bedroom fan speed to the extractor", "set the X volume to match the Y"."""
SET_VERBS = frozenset(
    {"make", "get", "run", "open", "close", "turn", "put", "have", "bring", "raise", "lower", "match"}
)
"""Verbs a copied-setting request starts with that a plain request says as "set ... to <value>"."""


@dataclass
class Condition:
    """A request to act only if a device is in a state."""

    subject: str
    """The device the condition is about, in the person's words; a pronoun means the device acted on."""
    state: str
    """The state it must be in (one of STATE_WORDS)."""
    action: str
    """What to do if it is, as a request on its own."""

    @property
    def on_target(self) -> bool:
        """True when the condition is about the device the action names ("close the blind if it's open")."""
        return PRONOUN.fullmatch(self.subject) is not None or self.subject.lower() in {"they", "that", "this"}


def condition(text: str) -> Condition | None:
    """The parts of a conditional request, else None."""
    said = text.strip().replace("\u2019", "'")
    if match := CONDITION.match(said):
        return Condition(match.group("subject").strip(), match.group("state").lower(), match.group("action").strip())
    if match := TRAILING_CONDITION.match(said):
        action = fold_object(match.group("action").strip())
        return Condition(match.group("subject").lower(), match.group("state").lower(), action)
    return None


def fold_object(action: str) -> str:
    """An action that names its device once and then says "it", with the name put in its place:
    "check the hallway light and switch it off" → "switch the hallway light off"."""
    for pattern in (CHECK_AND, TOPIC_FIRST):
        match = pattern.match(action)
        if match and PRONOUN.search(match.group("rest")):
            return PRONOUN.sub(match.group("object").strip(), match.group("rest"), count=1)
    return action


@dataclass
class SameAs:
    """A request to give a device the setting another one has."""

    head: str
    """The request up to the setting ("set the bedroom"), said as "set <device>"."""
    what: str | None
    """Which setting, in the person's words ("temperature", "warm"); None when the words do not say."""
    source: str
    """The device whose setting is copied."""


def same_as(text: str) -> SameAs | None:
    """The parts of a "the same X as Y", "as warm as Y", "copy Y's X to Z" or "match Z's X to Y" request, else
    None."""
    said = text.strip().replace("\u2019", "'")
    for pattern in (COPY, MATCH):
        if match := pattern.match(said):
            groups = match.groupdict()
            target, what = (groups.get("target") or groups["target2"]).strip(), groups.get("what") or groups["what2"]
            return _same(f"set the {target}", what.lower(), match.group("source"))
    for pattern in (SAME_AS, AS_AS):
        if (match := pattern.search(said)) is not None:
            what = (match.group("what") or "").strip() or None
            head = said[: match.start()].strip()
            return _same(set_head(head), what, match.group("source")) if head else None
    return None


NOT_DEVICES = frozenset({"possible", "it", "you", "i", "we", "before", "usual", "always", "ever", "yesterday", "last"})
"""First words of an "as X as ..." that is not a device: "as bright as possible", "the same as before"."""


def _same(head: str, what: str | None, source: str) -> SameAs | None:
    source = source.strip()
    first = source.split(" ", 1)[0].lower() if source else ""
    if not first or first in NOT_DEVICES or any(ch.isdigit() for ch in source):
        return None
    return SameAs(head, what, source)


def set_head(head: str) -> str:
    """A copied-setting request's head as a plain "set" request: "make the bedroom radiator" → "set the bedroom
    radiator"."""
    words = head.split()
    if words and words[-1].lower() == "to":
        words = words[:-1]
    if words and words[-1].lower() in {"up", "down"}:
        words = words[:-1]
    if words and words[0].lower() in SET_VERBS:
        words = words[1:]
    if words and words[0].lower() != "set":
        words = ["set", *words]
    return " ".join(words)


_STATE_SYNONYMS = {"open": {"open", "on", "opening"}, "closed": {"closed", "off", "closing"}}
_RUNNING = frozenset({"on", "running", "cleaning", "playing", "heat", "cool", "heat_cool", "auto", "dry", "fan_only"})


def state_is(entity_id: str, actual: str | None, wanted: str) -> bool:
    """Whether a device's state is what a condition asks for ("running" is any working state)."""
    if actual is None:
        return False
    if entity_id.startswith("binary_sensor."):
        return actual in _STATE_SYNONYMS.get(wanted, {wanted})
    if wanted == "running":
        return actual in _RUNNING
    return actual == wanted or (wanted == "open" and actual == "opening")


def wanted_attributes(what: str | None) -> list[str]:
    """The attributes a copied setting can mean, most likely first."""
    want = (what or "").lower()
    if any(w in want for w in ("bright", "level", "dim", "dark")):
        return ["brightness"]
    if any(w in want for w in ("position", "open", "far", "high", "low")):
        return ["current_position"]
    if any(w in want for w in ("volume", "loud", "quiet")):
        return ["volume_level"]
    if any(w in want for w in ("temp", "warm", "heat", "hot", "cold", "cool")):
        return ["temperature"]
    if any(w in want for w in ("speed", "fast", "slow")):
        return ["percentage"]
    return ["temperature", "brightness", "current_position", "volume_level", "percentage"]


def value_phrase(state: str | None, attributes: dict[str, Any], what: str | None) -> str | None:
    """The value a copied setting refers to, said the way a request says it (`21 degrees`, `40%`)."""
    want = (what or "").lower()
    for name in wanted_attributes(what):
        value = attributes.get(name)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        if name == "temperature":
            return f"{value:g} degrees"
        if name == "brightness":
            return f"{round(value * 100 / 255)}% brightness"
        if name == "volume_level":
            return f"{round(value * 100)}% volume"
        return f"{value:g}%"
    if any(w in want for w in ("temp", "warm", "heat", "hot", "cold", "cool")) and state is not None:
        try:
            return f"{float(state):g} degrees"
        except ValueError:
            return None
    return None
