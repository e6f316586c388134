"""Spoken numbers to digits where they are values ("to nineteen degrees" → "to 19 degrees").

Voice and typed requests say numbers as words; the tuned model and the word rules (homefc.rules) know digits.
Only a number said as a value is rewritten: after "to", "at" or "by", before a unit, or 13 and over (too large
for a device's own number). "Turn on the one in the hall" keeps its "one". A device's number said with "number"
becomes the digit its name ends with ("floor lamp number three" → "floor lamp 3"). A duration in hours after
"for", "on" or "to" becomes minutes ("on an hour and a half" → "on 90 minutes"), the unit timers take.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

SMALL = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
UNIT_WORDS = SMALL[1:10]

NUMBER = (
    rf"(?:(?P<hundred>(?:a|one) hundred)"
    rf"(?:\s+and\s+(?:(?P<h_tens>{'|'.join(TENS)})(?:[\s-](?P<h_unit>{'|'.join(UNIT_WORDS)}))?"
    rf"|(?P<h_small>{'|'.join(SMALL[1:])})))?"
    rf"|(?P<tens>{'|'.join(TENS)})(?:[\s-](?P<unit>{'|'.join(UNIT_WORDS)}))?|(?P<small>{'|'.join(SMALL)}))"
    r"(?P<half>\s+and\s+a\s+half)?"
)
SPOKEN = re.compile(
    rf"\b(?P<pre>(?:to|at|by)\s+)?{NUMBER}\b(?P<post>\s*(?:degrees?|percent|per cent|%|°))?",
    re.I,
)

A_DEGREE = re.compile(r"\b(?P<half>half\s+)?an?\s+degree\b", re.I)
""""Up a degree", "half a degree warmer": an amount said with an article."""

HOURS = re.compile(
    r"\b(?P<pre>for|to|on|at|by|of|in)\s+(?:(?P<half_an>half an hour)"
    rf"|(?:an?|(?P<word>{'|'.join(SMALL[1:13])})|(?P<n>\d+))(?P<half>\s+and\s+a\s+half)?\s+hours?"
    r"(?P<tail>\s+and\s+a\s+half)?)\b",
    re.I,
)
"""A duration in hours after "for", "on", "to"…, which timers take in minutes: "on an hour and a half" → "on 90
minutes"."""


def _minutes(match: re.Match[str]) -> str:
    if match.group("half_an"):
        return f"{match.group('pre')} 30 minutes"
    word = match.group("word")
    hours = float(match.group("n") or (SMALL.index(word.lower()) if word else 1))
    hours += 0.5 if match.group("half") or match.group("tail") else 0
    return f"{match.group('pre')} {hours * 60:g} minutes"


NUMBERED = re.compile(rf"\bnumber\s+(?:{NUMBER}|(?P<digit>\d+))\b", re.I)


def _value(match: re.Match[str]) -> str:
    groups = match.groupdict()
    if groups["hundred"]:
        n = 100 + (SMALL.index(groups["h_small"].lower()) if groups["h_small"] else 0)
        if groups["h_tens"]:
            n += (TENS.index(groups["h_tens"].lower()) + 2) * 10
            n += SMALL.index(groups["h_unit"].lower()) if groups["h_unit"] else 0
    elif groups["tens"]:
        n = (TENS.index(groups["tens"].lower()) + 2) * 10
        n += SMALL.index(groups["unit"].lower()) if groups["unit"] else 0
    else:
        n = SMALL.index(groups["small"].lower())
    return f"{n}.5" if groups["half"] else str(n)


def _value_sized(match: re.Match[str]) -> bool:
    """A number too large to be a device's ("thermostat twenty one kitchen nineteen"): 13 and over."""
    around = " ".join(match.string[: match.start()].split()[-1:] + match.string[match.end() :].split()[:1]).lower()
    if not around:
        return False  # "seventeen" said alone: nothing says it is a value
    if re.search(rf"\b(?:{'|'.join(SMALL + TENS)}|half|past|o'clock|am|pm)\b", around):
        return False  # a time or a year: "seven thirty", "nineteen eighty four"
    return (
        bool(match.group("tens") or match.group("hundred"))
        or SMALL.index((match.group("small") or "zero").lower()) >= 13
    )


def digits(text: str) -> str:
    """The text with each number said as a value written in digits; everything else unchanged."""

    def replace(match: re.Match[str]) -> str:
        if not match.group("pre") and not match.group("post") and not _value_sized(match):
            return match.group(0)
        return f"{match.group('pre') or ''}{_value(match)}{match.group('post') or ''}"

    text = NUMBERED.sub(lambda m: m.group("digit") or _value(m), text)
    text = HOURS.sub(_minutes, SPOKEN.sub(replace, text))
    text = A_DEGREE.sub(lambda m: "0.5 degrees" if m.group("half") else "1 degree", text)
    return SPOKEN.sub(replace, text)


def as_said(value: str, written: str, said: str) -> str:
    """`value` (words of `written`, the request with numbers in digits) with each number put back as `said` has it:
    a message "dinner's at 7" is sent as "dinner's at seven", in the person's words."""
    before, after = said.split(), written.split()
    out = value
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=after, b=before, autojunk=False).get_opcodes():
        new, old = " ".join(after[i1:i2]), " ".join(before[j1:j2])
        if tag == "replace" and re.search(r"\d", new) and not re.search(r"\d", old):
            out = re.sub(rf"(?<![\w.]){re.escape(new)}(?![\w.])", old.replace("\\", r"\\"), out)
    return out
