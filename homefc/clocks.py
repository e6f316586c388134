"""Clock times, durations and numbers as a request says them ("half six", "an hour and a half", "twenty three").

Used to check a plain tool's arguments against the words said (homefc/grounding.py): a time or an amount the words do
not give is the model's own."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from homefc.domains import ArgSchema
from homefc.numbers import NUMBER, _value
from homefc.values import SECONDS

UNIT = r"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?)\b"
DURATION = re.compile(rf"\b(?P<n>\d+(?:\.\d+)?|an?|half an?)\s*-?\s*{UNIT}(?P<half>\s+and\s+a\s+half)?", re.I)
ARG_UNIT = re.compile(r"\b(?:in\s+)?(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?)\b", re.I)
SPOKEN_NUMBER = re.compile(rf"\b{NUMBER}\b", re.I)
CLOCK_FORMAT = re.compile(r"\bHH:MM\b", re.I)
CLOCK_WORD = (
    r"(?P<h>\d{1,2}|"
    + "|".join(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"])
    + ")"
)
CLOCK = re.compile(
    rf"\b(?:(?P<half>half)\s+(?:past\s+)?|(?P<quarter>quarter)\s+(?P<side>past|to)\s+)?{CLOCK_WORD}"
    r"(?:[:.](?P<m>\d{2}))?"
    r"(?:\s*(?P<ampm>am|pm|a\.m\.|p\.m\.|o'clock|in the (?:morning|afternoon|evening)|at night))?\b"
    r"|\b(?P<noon>noon|midday|midnight)\b",
    re.I,
)
EVENING = re.compile(r"\b(?:pm|p\.m\.|tonight|this evening|in the (?:evening|afternoon)|at night)\b", re.I)
NOT_A_TIME = re.compile(
    r"\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|people|persons?|percent|%|degrees?)\b",
    re.I,
)
HOUR_WORDS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def said_numbers(text: str) -> set[float]:
    """Every number the words say, in digits or in words ("twenty three" → 23), halves and quarters as parts."""
    found = {float(n.replace(",", "")) for n in re.findall(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?", text)}
    found |= {float(_value(m)) for m in SPOKEN_NUMBER.finditer(text)}
    found |= {0.5} if re.search(r"\bhalf\b", text, re.I) else set()
    found |= {12.0} if re.search(r"\bdozen\b", text, re.I) else set()
    return found


def durations(text: str) -> list[tuple[float, float]]:
    """Each duration said: (the amount as said, the duration in seconds); "an hour and a half" → (1.5, 5400)."""
    out = []
    for m in DURATION.finditer(text):
        amount = {"a": 1.0, "an": 1.0, "half a": 0.5, "half an": 0.5}.get(m.group("n").lower())
        n = amount if amount is not None else float(m.group("n"))
        n += 0.5 if m.group("half") else 0
        out.append((n, n * SECONDS[m.group("unit").lower()]))
    return out


def clock_times(text: str) -> list[str]:
    """Each clock time said, as HH:MM on a 24-hour clock ("half six" → 06:30, "8pm" → 20:00); a bare number counts
    only after "at" or "for" ("at seven"), since "7 eggs" is no time."""
    return [value for value, _ in clocks(text)]


def clocks(text: str) -> list[tuple[str, str]]:
    """(HH:MM, the words that said it) for each clock time said."""
    out = []
    evening = bool(EVENING.search(text))
    for m in CLOCK.finditer(text):
        if m.group("noon"):
            out.append(("00:00" if m.group("noon").lower() == "midnight" else "12:00", m.group(0)))
            continue
        h_said = m.group("h").lower()
        hour = int(h_said) if h_said.isdigit() else HOUR_WORDS.index(h_said)
        minute = int(m.group("m") or 0)
        plain_number = not (m.group("half") or m.group("quarter") or m.group("m") or m.group("ampm"))
        before = text[: m.start()].split()[-1:]
        if plain_number and not (before and before[0].lower() in ("at", "for", "till", "until", "by")):
            continue
        if plain_number and NOT_A_TIME.match(text[m.end() :]):
            continue
        if hour > 23 or minute > 59:
            continue
        if m.group("half"):
            minute = 30
        elif m.group("quarter"):
            minute = 15 if m.group("side").lower() == "past" else 45
            hour = hour if m.group("side").lower() == "past" else (hour - 1) % 12 or 12
        ampm = (m.group("ampm") or "").lower().replace(".", "")
        ampm = "am" if ampm == "in the morning" else "pm" if ampm.startswith(("in the", "at night")) else ampm
        if hour < 12 and (ampm == "pm" or (not ampm and evening and hour >= 1)):
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        out.append((f"{hour:02d}:{minute:02d}", m.group(0)))
    return out


CLOCK_WORDS = frozenset(
    {"half", "quarter", "past", "am", "pm", "o'clock", "oclock", "morning", "evening", "night", "time", "times"}
)


def digit_words(value: str) -> set[str]:
    """Hours said in digits ("8", "6:45", "7am"), not a long number (a tracking number)."""
    return set(re.findall(r"\b\d{1,2}(?:[:.]\d{2})?(?:am|pm)?\b", value.lower()))


HOUR_ARG = re.compile(r"^(?:(?P<prefix>\w+_)?hour)$")
LENGTH_WORDS = re.compile(r"\b(?:length|duration|long|lasts?|for how)\b", re.I)


def clock_arguments(arguments: dict[str, Any], args: Sequence[ArgSchema], text: str, nth: int = 0) -> dict[str, Any]:
    """A plain tool's hour and minute of the day as the words say the time ("set an alarm for seven am" is hour 7,
    minute 0, whatever the model wrote; the nth call of a tool takes the nth time said). Unchanged where the tool
    has no such hour (a 24-hour integer, not a length) or no time is said."""
    by_name = {a.name: a for a in args}
    hour = next(
        (
            a
            for a in args
            if a.type == "integer"
            and HOUR_ARG.match(a.name)
            and not LENGTH_WORDS.search(a.description)
            and (a.maximum is None or a.maximum >= 23)
        ),
        None,
    )
    if hour is None or not (times := clock_times(text)):
        return arguments
    h, m = (int(x) for x in times[min(nth, len(times) - 1)].split(":"))
    prefix = found.group("prefix") or "" if (found := HOUR_ARG.match(hour.name)) else ""
    minute = by_name.get(f"{prefix}minute")
    placed = {**arguments, hour.name: h}
    if minute is not None and minute.type == "integer" and (m or minute.name in arguments or minute.required):
        placed[minute.name] = m
    return placed
