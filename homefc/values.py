"""Values the words fix: setpoints relative to the current one, a named setpoint, brightness steps, cover positions.

A 135M model cannot add 3 to 20.5; docs/conventions.md fixes these readings, so the run time computes them and
pins them in the grammar (homefc.rules.narrow).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from homefc.catalog import Catalog, Function
from homefc.domains import ArgSchema
from homefc.prompt import StateLike

DEGREES = r"(?:degrees?|°\s*c?|deg)"
AMOUNT = r"\d*[.,]5|\d+"
RELATIVE_TEMPERATURE = (
    re.compile(
        rf"\b(?:(?:by\s+)?(?P<n>{AMOUNT})\s*{DEGREES}\s+)?(?:a\s+(?:bit|little|touch)\s+|slightly\s+)?"
        rf"(?P<dir>warmer|hotter|cooler|colder)\b(?:\s+by\s+(?P<n2>{AMOUNT})\s*{DEGREES}\b)?"
    ),
    re.compile(rf"\b(?P<dir>up|down)\s+(?:by\s+)?(?P<n>{AMOUNT})\s*{DEGREES}\b"),
    re.compile(rf"\b(?P<dir>raise|lower|increase|decrease|reduce|bump|drop)\b.*?\bby\s+(?P<n>{AMOUNT})\s*{DEGREES}\b"),
)
UP_WORDS = frozenset({"warmer", "hotter", "up", "raise", "increase", "bump"})
TEMPERATURE_ARG = "temperature"
BRIGHTNESS_STEP_ARG = "brightness_step_pct"
BRIGHTNESS_STEP = 10
"""Percent a light moves for "brighter" or "dim" without a number (docs/conventions.md)."""
BRIGHTNESS_LEVEL_ARGS = ("brightness_pct", "brightness")
"""Absolute brightness arguments, which a step rules out (Home Assistant takes one brightness argument)."""
ABSOLUTE_LEVEL = re.compile(
    r"\b(?:to|at)\s+(?:\d+\s*(?:%|percent)|half|full|max)|(?<!\bup )(?<!\bdown )(?<!\bby )\b\d+\s*(?:%|percent)"
    r"(?:\s+please)?\W*$"
)
"""A level, not a step: "to 40 percent", and a bare "tom's reading lamp 70 percent" at the end."""
BRIGHTNESS_BY = re.compile(r"\bby\s+(?P<n>\d+)\s*(?:%|percent)")
NOTCH = r"(?:\s+a)?\s+(?:bit|notch|touch|little|tad|smidge)"
DIMMER = re.compile(rf"\b(?:dim|dimmer|darker|less bright|too bright|turn (?:\w+ )*?down|lower|down{NOTCH})\b")
BRIGHTER = re.compile(rf"\b(?:brighter|brighten|more light|too dark|too dim|turn (?:\w+ )*?up|raise|up{NOTCH})\b")


def temperature_step(text: str) -> float | None:
    """Degrees a relative request moves a setpoint ("3 degrees warmer" → 3, "a bit cooler" → -1), else None."""
    said = text.lower()
    for pattern in RELATIVE_TEMPERATURE:
        match = pattern.search(said)
        if match is None:
            continue
        groups = match.groupdict()
        amount = groups.get("n") or groups.get("n2") or "1"
        step = float(amount.replace(",", "."))
        return step if match.group("dir") in UP_WORDS else -step
    found = UP_A_BIT.search(said)
    if found is not None and HEATING_SAID.search(said):
        return 1.0 if found.group("dir") == "up" else -1.0
    for turned in TURNED_UP.finditer(said) if not re.search(r"\d", said) else ():
        # The heating named between the verb and "up" ("turn the radiator up"), or just after ("turn up the heating").
        after = " ".join(re.split(r"[,.;!?]|\band\b", said[turned.end() :])[0].split()[:4])
        named = turned.group("words") if turned.group("words") else after
        if WARMTH_SAID.search(named):
            return 1.0 if turned.group("dir") == "up" else -1.0
    return None


UP_A_BIT = re.compile(
    r"\b(?P<dir>up|down)\b(?:\s+[\w']+){0,3}?\s+(?:a\s+(?:bit|touch|little|notch|tad|smidge)|slightly)\b"
)
HEATING_SAID = re.compile(r"\b(?:heating|heater|radiators?|rads?|thermostat|temperature|hot water|boiler|aircon|ac)\b")
"""'the heating up a touch': a step of one degree, as "a bit warmer" (docs/conventions.md)."""
TURNED_UP = re.compile(
    r"\b(?:turn|put|bump|crank|knock|notch|nudge|push)(?:s|ed|ing)?\s+(?P<words>(?:[\w']+\s+){0,4}?)(?P<dir>up|down)\b"
    r"(?!\s+(?:to|by|at)\b)"
)
WARMTH_SAID = re.compile(r"\b(?:heating|heater|radiators?|rads?|thermostat|boiler|underfloor)\b")
"""'turn the radiator up' with no amount: a step of one degree, as "warmer"; not an aircon, where "up" may mean
more cooling."""


SETPOINT = re.compile(
    rf"\b(?:to|at|on)\s+(?P<n>{AMOUNT})(?![\d.,:]|\s*(?:%|percent|per cent|am|pm|o'?clock|h\b|hours?|min))"
    rf"(?:\s*{DEGREES})?"
    rf"|\b(?P<n2>{AMOUNT})\s*{DEGREES}"
    rf"|\b(?:make|keep|have|want|like|need)\s+it\s+(?P<n3>{AMOUNT})(?![\d.,:]|\s*(?:%|percent|per cent|am|pm|o'?clock))"
    rf"|(?:^|,\s*)(?P<n4>{AMOUNT})\s+(?:in|for)\s+(?:here|this room|the\s)"
)
MODE_WORDS = re.compile(r"\b(?:mode|eco|away|boost|comfort|sleep|auto|cool|cooling|dry|fan|off|preset)\b")


def temperature_setpoint(text: str) -> float | None:
    """The target an absolute temperature request names ("bedroom heating at 18.5", "19 degrees in the office",
    "make it 21 in the study", "21 in here please"), else None; None too for a relative request or one that also
    names a mode (the model decides those)."""
    said = text.lower()
    if temperature_step(said) is not None or MODE_WORDS.search(said):
        return None
    match = SETPOINT.search(said)
    if match is None:
        return None
    number = match.group("n") or match.group("n2") or match.group("n3") or match.group("n4")
    return float(number.replace(",", "."))


WHY_BRIGHTER = re.compile(r"\b(?:too dark|too dim)\b")
"""Words that say why a light is wanted, not a step, when the request also says "on" ("too dark, lamp on")."""


def _light_direction(said: str) -> tuple[bool, bool]:
    """Whether the (lower-case) words ask a light to go dimmer, and brighter."""
    down, up = bool(DIMMER.search(said)), bool(BRIGHTER.search(said))
    if up and re.search(r"\bon\b", said) and not BRIGHTER.search(WHY_BRIGHTER.sub(" ", said)):
        up = False
    return down, up


def brightness_step(text: str) -> int | None:
    """Percent a relative light request moves brightness ("dim the lamp" → -10, "brighter by 30%" → 30), else None."""
    said = text.lower()
    if ABSOLUTE_LEVEL.search(said) or re.search(r"\b(?:off|out)\b", said):
        return None
    down, up = _light_direction(said)
    if down == up:
        return None
    by = BRIGHTNESS_BY.search(said)
    step = int(by.group("n")) if by else BRIGHTNESS_STEP
    return -step if down else step


POSITION_ARG = "position"
HALFWAY = re.compile(r"\b(?:halfway|half way|half open|half closed|half)\b")
TO_PERCENT = re.compile(r"\b(?:to|at)\s+(?P<n>\d+)\s*(?:%|percent)")


def cover_position(text: str) -> int | None:
    """The position a cover request names ("halfway" → 50, "open the blind to 40 percent" → 40), else None."""
    said = text.lower()
    if re.search(r"\b(?:tilt|tilted|slats?)\b", said):
        return None
    if (match := TO_PERCENT.search(said)) is not None:
        return int(match.group("n"))
    return 50 if HALFWAY.search(said) else None


LEVEL_WORDS = {
    "a quarter": 25,
    "quarter": 25,
    "half": 50,
    "three quarters": 75,
    "full": 100,
    "max": 100,
    "maximum": 100,
}
"""Percent levels said in words (a volume, a brightness)."""
VOLUME_ARG = "volume_level"
VOLUME_TO = re.compile(
    r"\bvolume\b(?!.*\bby\b).*?\b(?:(?:to|at)\s+(?P<n>\d+)\s*(?:%|percent)?(?![\d.,])|(?P<p>\d+)\s*(?:%|percent)"
    r"|(?:to|at)\s+(?P<word>a quarter|quarter|half|three quarters|full|max(?:imum)?))"
)


def volume_level(text: str) -> float | None:
    """The volume a request names ("volume to 30%" → 0.3, "the volume on the echo to a quarter" → 0.25), else
    None; a step ("volume up by 10") names none."""
    match = VOLUME_TO.search(text.lower())
    if match is None:
        return None
    number = match.group("n") or match.group("p")
    percent = int(number) if number else LEVEL_WORDS[match.group("word")]
    return percent / 100 if 0 <= percent <= 100 else None


PERCENTAGE_ARG = "percentage"
SPEED_STEP_ARG = "percentage_step"
FAN_LEVEL = re.compile(
    r"\b(?:on|to|at)\s+(?P<word>full|max|maximum|half|a quarter|three quarters)(?:\s+(?:speed|power|blast|whack))?\b"
    r"(?!\s+(?:brightness|volume))|\b(?P<word2>full|top|max|maximum|half)\s+(?:speed|power|blast)\b"
    r"|\b(?P<out>flat out)\b"
)


def fan_level(text: str) -> int | None:
    """The fan speed a request says in words ("the stove fan on full" → 100, "at half speed" → 50), else None."""
    match = FAN_LEVEL.search(text.lower())
    if match is None:
        return None
    if match.group("out"):
        return 100
    word = match.group("word") or match.group("word2")
    return 100 if word == "top" else LEVEL_WORDS[word]


BRIGHTNESS_ARG = "brightness_pct"
BRIGHTNESS_LEVEL = re.compile(
    r"\b(?:to|at)\s+(?P<n>\d+)\s*(?:%|percent)|\b(?P<word>full|half|max|maximum)\s+brightness\b"
    r"|\bbrightness\s+(?:to|at)\s+(?P<word2>full|half|max|maximum)\b"
    r"|(?<!\bup )(?<!\bdown )(?<!\bby )\b(?P<bare>\d+)\s*(?:%|percent)(?:\s+please)?\W*$"
)
KELVIN_ARG = "color_temp_kelvin"
KELVIN = re.compile(r"\b(?P<n>\d{4})\s*(?:k|kelvin)\b")
COLOR_ARG = "color_name"
BRIGHTNESS_SAID = re.compile(r"%|\b(?:percent|per cent|bright\w*|dim\w*|dark\w*|half|full|max\w*|min\w*|level)\b")
WHITE_TONE = re.compile(r"\b(?:warm|cool|cold|daylight|soft|bright)\s+white\b")


def brightness_level(text: str) -> int | None:
    """The brightness a light request names ("down to 40 percent" → 40, "full brightness" → 100), else None; none
    where the words also say off or out, or speak of a volume."""
    said = text.lower()
    if re.search(r"\b(?:off|out|volume)\b", said) or (match := BRIGHTNESS_LEVEL.search(said)) is None:
        return None
    if match.group("n") or match.group("bare"):
        return int(match.group("n") or match.group("bare"))
    return LEVEL_WORDS[match.group("word") or match.group("word2")]


def kelvin(text: str) -> int | None:
    """A colour temperature said in kelvin ("a warm 2700 kelvin" → 2700), else None."""
    match = KELVIN.search(text.lower())
    return int(match.group("n")) if match else None


def color_name(text: str, functions: Sequence[Function], catalog: Catalog) -> str | None:
    """The one colour the request says that the candidates' colour argument allows ("can the nightlight go purple"),
    else None; a colour inside a candidate's name ("the blue lamp") or a white tone ("warm white") is none."""
    said = WHITE_TONE.sub(" ", text.lower())
    words = set(re.findall(r"[a-z]+", said))
    colors: set[str] = set()
    names: set[str] = set()
    for fn in functions:
        arg = fn.arg(COLOR_ARG)
        if fn.entity_id is None or arg is None or arg.enum is None:
            continue
        colors.update(arg.enum)
        entity = catalog.home.entity(fn.entity_id) if catalog.home is not None else None
        if entity is not None:
            names.update(re.findall(r"[a-z]+", " ".join([entity.name, *entity.aliases]).lower()))
    found = (words & colors) - names
    return found.pop() if len(found) == 1 else None


ITEM_ARG = "item"
ADDED_ITEM = re.compile(
    r"\b(?:add|put|stick|pop|chuck)\s+(?:some\s+|an?\s+)?(?P<item>[\w'][\w' -]*)\s+(?:to|on|onto)\s+(?:the|my|our)\s+"
    r"[\w' -]+?(?:,?\s+please)?[.!?]*$",
    re.I,
)


BACK_REFERENCE = re.compile(r"(?:it|them|that|this|those|these|some more|more)", re.I)


def added_item(text: str) -> str | None:
    """The item of "add lemons to the shopping list" as said (the model writes "lemon"); None past five words."""
    found = ADDED_ITEM.search(text.strip())
    if found is None or not 1 <= len(found.group("item").split()) <= 5:
        return None
    if BACK_REFERENCE.fullmatch(found.group("item")):
        # "we're out of halloumi, add it to the list": the thing run out of, else the model writes what "it" is.
        before = OUT_OF.search(text[: found.start()])
        return before.group("item") if before and len(before.group("item").split()) <= 4 else None
    return found.group("item")


OUT_OF = re.compile(
    r"\b(?:out of|run out of|ran out of|low on|running low on|short of|no more|need(?:s)? (?:some )?more)\s+"
    r"(?:the\s+)?(?P<item>[\w'][\w' -]*?)\s*(?:,|;|\s+(?:so|and)\b)",
    re.I,
)
"""What "it" is in "we're out of halloumi, add it to the list"."""


VALUE_ARG = "value"
DURATION = re.compile(
    r"\b(?:to|for|at)\s+(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>seconds?|secs?|s|minutes?|mins?|hours?|hrs?|h)\b", re.I
)
AN_HOUR = re.compile(r"\b(?:to|for|at)\s+(?P<n>an?|half an?)\s+(?P<unit>hour|minute)\b", re.I)
"""A duration said without a number: "for an hour", "to half a minute"."""
SECONDS = {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "min": 60, "mins": 60, "minute": 60}
SECONDS |= {"minutes": 60, "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600}


def duration_values(text: str, functions: Sequence[Function], catalog: Catalog) -> dict[str, dict[str, Any]]:
    """A duration said in one unit for a number kept in another ("gate timer to 2 minutes" is 120 for a delay in
    seconds): the value in the entity's unit, by function key. The small model copies the digits as said."""
    found = DURATION.search(text) or AN_HOUR.search(text)
    home = catalog.home
    if found is None or home is None:
        return {}
    amount = {"a": "1", "an": "1", "half an": "0.5", "half a": "0.5"}.get(found.group("n").lower(), found.group("n"))
    said = float(amount) * SECONDS[found.group("unit").lower()]
    pins: dict[str, dict[str, Any]] = {}
    for fn in functions:
        entity = home.entity(fn.entity_id) if fn.entity_id and fn.tool == "number.set_value" else None
        unit = str(entity.attributes.get("unit_of_measurement", "")).lower() if entity is not None else ""
        arg = fn.arg(VALUE_ARG)
        if unit in SECONDS and arg is not None:
            value = said / SECONDS[unit]
            value = int(value) if value.is_integer() else round(value, 2)
            if _within(arg, value):
                pins[fn.key] = {VALUE_ARG: value}
    return pins


def value_pins(
    text: str,
    functions: Sequence[Function],
    catalog: Catalog,
    states: Mapping[str, StateLike] | None = None,
) -> dict[str, dict[str, Any]]:
    """Argument values the words fix for the candidates, by function key (for build_grammar's `pins`)."""
    pins: dict[str, dict[str, Any]] = {}
    degrees = temperature_step(text)
    if degrees is not None:
        pins.update(temperature_pins(degrees, functions, catalog, states))
    elif (target := temperature_setpoint(text)) is not None:
        value = int(target) if target.is_integer() else target
        for fn in functions:
            arg = fn.arg(TEMPERATURE_ARG)
            if fn.entity_id and arg is not None and _within(arg, target):
                pins[fn.key] = {TEMPERATURE_ARG: value}
    named: list[tuple[str, Any]] = [(POSITION_ARG, cover_position(text)), (BRIGHTNESS_STEP_ARG, brightness_step(text))]
    named += [(VOLUME_ARG, volume_level(text)), (BRIGHTNESS_ARG, brightness_level(text)), (KELVIN_ARG, kelvin(text))]
    named += [(COLOR_ARG, color_name(text, functions, catalog)), (PERCENTAGE_ARG, fan_level(text))]
    pins.update(duration_values(text, functions, catalog))
    item = added_item(text)
    for fn in functions:
        arg = fn.arg(ITEM_ARG) if item is not None and fn.entity_id and fn.tool.endswith(".add_item") else None
        if item is not None and arg is not None and _within(arg, item):
            pins.setdefault(fn.key, {})[ITEM_ARG] = item
    level_said = bool(BRIGHTNESS_SAID.search(text.lower()))
    for name, value in named:
        if value is None:
            continue
        for fn in functions:
            arg = fn.arg(name)
            # Entity services only: a plain tool's "position" is not a cover's.
            if fn.entity_id and arg is not None and _within(arg, value):
                pins.setdefault(fn.key, {})[name] = value
                # Home Assistant takes one brightness argument: a step leaves no absolute level beside it.
                pins[fn.key] |= {a: None for a in BRIGHTNESS_LEVEL_ARGS if name == BRIGHTNESS_STEP_ARG and fn.arg(a)}
                if name in (KELVIN_ARG, COLOR_ARG) and not level_said:
                    # "make it purple" keeps the light's level: the model would add one.
                    pins[fn.key] |= {a: None for a in BRIGHTNESS_LEVEL_ARGS if fn.arg(a) and a not in pins[fn.key]}
    return pins


LEVEL_SAID = re.compile(
    r"%|\d|\b(?:percent|per cent|bright\w*|dim\w*|darker|half|full|max\w*|min\w*|level|low|lower|high|higher|soft"
    r"|softly|gentle|night|reading|bit|little|touch)\b"
)


def no_brightness_level(text: str) -> bool:
    """Whether the words say no level for a light ("hall light on", "it's getting dark, lamp on"): no number, no
    level or direction word; docs/conventions.md. The model had added brightness_pct 10 or 0 to a plain "on"."""
    said = text.lower()
    return not LEVEL_SAID.search(said)


def no_brightness_step(text: str) -> bool:
    """Whether the words rule out a relative brightness: an absolute level, or no direction at all ("lamp on",
    "too dark in here, put the lamp on"); docs/conventions.md."""
    said = text.lower()
    return bool(ABSOLUTE_LEVEL.search(said)) or not any(_light_direction(said))


def _within(arg: ArgSchema, value: float | str) -> bool:
    if isinstance(value, str):
        return arg.enum is None or value in arg.enum
    return (arg.minimum is None or arg.minimum <= value) and (arg.maximum is None or value <= arg.maximum)


def temperature_pins(
    step: float,
    functions: Sequence[Function],
    catalog: Catalog,
    states: Mapping[str, StateLike] | None = None,
) -> dict[str, dict[str, Any]]:
    """For each candidate that sets a temperature: the target `step` degrees from the entity's current one.

    Keyed by function key, for build_grammar's `pins`; an entity without a known target, or whose new target
    falls outside the argument's range, gets no pin (the model then chooses, or answers).
    """
    pins: dict[str, dict[str, Any]] = {}
    home = catalog.home
    if home is None:
        return pins
    for fn in functions:
        arg = fn.arg(TEMPERATURE_ARG)
        if fn.entity_id is None or arg is None:
            continue
        entity = home.entity(fn.entity_id)
        current_state: StateLike | None = (states or {}).get(fn.entity_id, entity)
        current = current_state.attributes.get(TEMPERATURE_ARG) if current_state is not None else None
        if isinstance(current, bool) or not isinstance(current, int | float):
            continue
        value = round(float(current) + step, 1)
        if not _within(arg, value):
            continue
        pins[fn.key] = {TEMPERATURE_ARG: int(value) if value.is_integer() else value}
    return pins
