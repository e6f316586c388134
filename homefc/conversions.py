"""The from and to of a conversion tool as the words say them ("how many ounces is 250 grams": grams to ounces).

The small model swaps the two units, repeats one, or picks a neighbour in the list ("50 quid in euros" became
EUR to EUR). On a plain tool with a from/to pair of text arguments (from_unit and to_unit, source_currency and
target_currency), the unit said with the amount is the source and the other one said is the target, each written
the way the tool lists or describes it (an enum value, or an ISO 4217 code). Nothing changes where the words do not
settle both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from homefc.domains import ArgSchema

UNITS: dict[str, tuple[str, ...]] = {
    "mm": ("millimetres", "millimeters", "millimetre", "millimeter", "mm"),
    "cm": ("centimetres", "centimeters", "centimetre", "centimeter", "cm"),
    "m": ("metres", "meters", "metre", "meter", "m"),
    "km": ("kilometres", "kilometers", "kilometre", "kilometer", "km", "kms"),
    "in": ("inches", "inch"),
    "ft": ("feet", "foot", "ft"),
    "yd": ("yards", "yard", "yd"),
    "mi": ("miles", "mile", "mi"),
    "mg": ("milligrams", "milligram", "mg"),
    "g": ("grams", "gram", "grammes", "g"),
    "kg": ("kilograms", "kilogram", "kilos", "kilo", "kg", "kgs"),
    "fl_oz": ("fluid ounces", "fluid ounce", "fl oz", "fl_oz"),
    "oz": ("ounces", "ounce", "oz"),
    "lb": ("pounds", "pound", "lbs", "lb"),
    "st": ("stone", "stones", "st"),
    "ml": ("millilitres", "milliliters", "millilitre", "milliliter", "ml"),
    "l": ("litres", "liters", "litre", "liter", "l"),
    "tsp": ("teaspoons", "teaspoon", "tsp"),
    "tbsp": ("tablespoons", "tablespoon", "tbsp"),
    "cup": ("cups", "cup"),
    "pint": ("pints", "pint"),
    "gallon": ("gallons", "gallon", "gal"),
    "celsius": ("degrees celsius", "celsius", "centigrade", "°c"),
    "fahrenheit": ("degrees fahrenheit", "fahrenheit", "°f"),
}
CURRENCIES: dict[str, tuple[str, ...]] = {
    "CAD": ("canadian dollars", "canadian dollar", "cad"),
    "AUD": ("australian dollars", "australian dollar", "aussie dollars", "aud"),
    "NZD": ("new zealand dollars", "nzd"),
    "USD": ("us dollars", "american dollars", "dollars", "dollar", "bucks", "usd", "$"),
    "GBP": ("british pounds", "pounds sterling", "pounds", "pound", "quid", "sterling", "gbp", "£"),
    "EUR": ("euros", "euro", "eur", "€"),
    "JPY": ("japanese yen", "yen", "jpy", "¥"),
    "CHF": ("swiss francs", "swiss franc", "francs", "chf"),
    "INR": ("indian rupees", "rupees", "rupee", "inr"),
    "CNY": ("chinese yuan", "yuan", "renminbi", "cny"),
    "SEK": ("swedish kronor", "swedish krona", "kronor", "krona", "sek"),
    "NOK": ("norwegian kroner", "norwegian krone", "nok"),
    "DKK": ("danish kroner", "danish krone", "dkk"),
    "PLN": ("polish zloty", "zloty", "zlotys", "pln"),
    "MXN": ("mexican pesos", "pesos", "peso", "mxn"),
    "ZAR": ("south african rand", "rand", "zar"),
    "TRY": ("turkish lira", "lira"),
}
PAIR = re.compile(r"^(?:from|source)_(?P<what>\w+)$|^(?:to|target)_(?P<what2>\w+)$")
AMOUNT = r"(?:\d+(?:[.,]\d+)?)"
TARGET = r"(?:to|in|into|as)"
SYMBOLS = frozenset("£$€¥")
"""Currency signs, written before the amount."""


def _table(arg: ArgSchema, what: str) -> dict[str, tuple[str, ...]] | None:
    """Currencies or units, by what the argument names or says it holds."""
    about = f"{what} {arg.description}".lower()
    if "currenc" in about or "iso 4217" in about:
        return CURRENCIES
    if "unit" in about:
        return UNITS
    return None


def _written(key: str, arg: ArgSchema, table: dict[str, tuple[str, ...]]) -> str | None:
    """A unit or currency as the argument takes it: its enum value naming it, else the key (an ISO code)."""
    if not arg.enum:
        return key
    forms = {key.lower(), *table[key]}
    return next(
        (str(v) for v in arg.enum if str(v).lower().replace("_", " ") in forms or str(v).lower() in forms), None
    )


def _said(text: str, table: dict[str, tuple[str, ...]]) -> list[tuple[int, int, str]]:
    """(start, end, key) of each unit or currency said, longest name first, no two overlapping."""
    found: list[tuple[int, int, str]] = []
    forms = sorted(((f, k) for k, fs in table.items() for f in fs), key=lambda fk: len(fk[0]), reverse=True)
    for form, key in forms:
        edge = r"\b" if form[0].isalnum() else ""
        for m in re.finditer(rf"{edge}{re.escape(form)}{edge if form[-1].isalnum() else ''}", text, re.I):
            if not any(m.start() < e and s < m.end() for s, e, _ in found):
                found.append((m.start(), m.end(), key))
    return sorted(found)


def _pairs(text: str, table: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """(source, target) per amount said: the unit written with the amount ("250 grams", "£200", "180 degrees
    Fahrenheit") and the other one said, after the amount with "to"/"in" or before it ("how many ounces is …")."""
    said = _said(text, table)
    pairs = []
    for i, (start, end, key) in enumerate(said):
        symbol = re.match(rf"\s*{AMOUNT}", text[end:]) if text[start:end] in SYMBOLS else None
        if symbol is not None:
            end += symbol.end()  # "£200 in dollars": the target comes after the amount
        elif not re.search(rf"{AMOUNT}\s*(?:degrees\s+)?$", text[:start]):
            continue
        # "100 pounds to euros and to dollars": every target said before the next amount.
        rest = [k for s, _, k in said[i + 1 :] if re.match(rf"^[^\d£$€¥]*?\b{TARGET}\s*$", text[end:s]) and k != key]
        ahead = [k for _, _, k in said[:i] if k != key]
        targets = rest or (ahead[-1:] if len(said) == 2 else [])
        pairs.extend((key, target) for target in targets)
    return pairs


def conversion_arguments(
    arguments: dict[str, Any], args: Sequence[ArgSchema], text: str, nth: int = 0
) -> dict[str, Any]:
    """A conversion tool's source and target as the words say them (the nth call takes the nth amount's pair);
    unchanged where the tool has no such pair or the words do not give both."""
    source = target = None
    for arg in args:
        found = PAIR.match(arg.name)
        if arg.type != "string" or found is None:
            continue
        if found.group("what"):
            source = (arg, found.group("what"))
        else:
            target = (arg, found.group("what2"))
    if source is None or target is None or source[1] != target[1]:
        return arguments
    table = _table(source[0], source[1])
    if table is None or not (pairs := _pairs(text, table)):
        return arguments
    said_from, said_to = pairs[min(nth, len(pairs) - 1)]
    written = _written(said_from, source[0], table), _written(said_to, target[0], table)
    if written[0] is None or written[1] is None:
        return arguments
    return {**arguments, source[0].name: written[0], target[0].name: written[1]}
