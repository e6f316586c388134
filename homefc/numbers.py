"""Spoken numbers to digits where they are values ("to nineteen degrees" → "to 19 degrees").

Voice and typed requests say numbers as words; the tuned model and the word rules (homefc.rules) know digits.
Only a number said as a value is rewritten: after "to", "at" or "by", or before a unit. "Turn on the one in
the hall" keeps its "one". A device's number said with "number" becomes the digit its name ends with ("floor
lamp number three" → "floor lamp 3").
"""

from __future__ import annotations

import re

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
    rf"(?:(?P<tens>{'|'.join(TENS)})(?:[\s-](?P<unit>{'|'.join(UNIT_WORDS)}))?"
    rf"|(?P<small>{'|'.join(SMALL)})|(?P<hundred>(?:a|one) hundred))"
    r"(?P<half>\s+and\s+a\s+half)?"
)
SPOKEN = re.compile(
    rf"\b(?P<pre>(?:to|at|by)\s+)?{NUMBER}\b(?P<post>\s*(?:degrees?|percent|per cent|%|°))?",
    re.I,
)

A_DEGREE = re.compile(r"\b(?P<half>half\s+)?an?\s+degree\b", re.I)
""""Up a degree", "half a degree warmer": an amount said with an article."""

NUMBERED = re.compile(rf"\bnumber\s+(?:{NUMBER}|(?P<digit>\d+))\b", re.I)


def _value(match: re.Match[str]) -> str:
    groups = match.groupdict()
    if groups["hundred"]:
        n = 100
    elif groups["tens"]:
        n = (TENS.index(groups["tens"].lower()) + 2) * 10
        n += SMALL.index(groups["unit"].lower()) if groups["unit"] else 0
    else:
        n = SMALL.index(groups["small"].lower())
    return f"{n}.5" if groups["half"] else str(n)


def digits(text: str) -> str:
    """The text with each number said as a value written in digits; everything else unchanged."""

    def replace(match: re.Match[str]) -> str:
        if not match.group("pre") and not match.group("post"):
            return match.group(0)
        return f"{match.group('pre') or ''}{_value(match)}{match.group('post') or ''}"

    text = NUMBERED.sub(lambda m: m.group("digit") or _value(m), text)
    text = A_DEGREE.sub(lambda m: "0.5 degrees" if m.group("half") else "1 degree", text)
    return SPOKEN.sub(replace, text)
