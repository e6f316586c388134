"""A conversion tool's from and to, and an alarm tool's hour and minute, as the words say them."""

from __future__ import annotations

from typing import Any

import pytest

from homefc.calls import Call
from homefc.catalog import Catalog, catalog_from_openai_tools
from homefc.clocks import clock_arguments
from homefc.conversions import conversion_arguments
from homefc.grounding import grounded_calls

UNITS = ["km", "mile", "m", "ft", "inch", "cm", "kg", "lb", "g", "oz", "litre", "gallon", "ml", "cup", "celsius"]
TOOLS: list[dict[str, Any]] = [
    {
        "name": "convert_units",
        "description": "Convert a quantity between units.",
        "parameters": {
            "properties": {
                "value": {"type": "number", "description": "The quantity"},
                "from_unit": {"type": "string", "description": "Unit of the value", "enum": [*UNITS, "fahrenheit"]},
                "to_unit": {"type": "string", "description": "Unit to convert to", "enum": [*UNITS, "fahrenheit"]},
            },
            "required": ["value", "from_unit", "to_unit"],
        },
    },
    {
        "name": "convert_currency",
        "description": "Convert money between currencies.",
        "parameters": {
            "properties": {
                "amount": {"type": "number"},
                "from_currency": {"type": "string", "description": "ISO 4217 code, e.g. GBP"},
                "to_currency": {"type": "string", "description": "ISO 4217 code, e.g. EUR"},
            },
            "required": ["amount", "from_currency", "to_currency"],
        },
    },
    {
        "name": "set_alarm",
        "description": "Set an alarm.",
        "parameters": {
            "properties": {
                "hour": {"type": "integer", "description": "Hour, 24-hour clock", "minimum": 0, "maximum": 23},
                "minute": {"type": "integer", "description": "Minute (default 0)", "minimum": 0, "maximum": 59},
            },
            "required": ["hour"],
        },
    },
    {
        "name": "set_timer",
        "description": "Start a timer.",
        "parameters": {
            "properties": {"hours": {"type": "integer"}, "minutes": {"type": "integer", "description": "Length"}},
        },
    },
]


@pytest.fixture(scope="module")
def tools() -> Catalog:
    return catalog_from_openai_tools(TOOLS)


def _args(tools: Catalog, tool: str) -> Any:
    fn = tools.get(tool)
    assert fn is not None
    return fn.args


@pytest.mark.parametrize(
    ("text", "tool", "nth", "pair"),
    [
        ("how many ounces is 250 grams", "convert_units", 0, ("g", "oz")),
        ("how many feet in 3 metres", "convert_units", 0, ("m", "ft")),
        ("How many kilometres is 26.2 miles?", "convert_units", 0, ("mile", "km")),
        ("what's 180 degrees Fahrenheit in Celsius", "convert_units", 0, ("fahrenheit", "celsius")),
        ("convert 10 kilos to pounds and 5 litres to gallons", "convert_units", 1, ("litre", "gallon")),
        ("how much is 50 quid in euros", "convert_currency", 0, ("GBP", "EUR")),
        ("what is £200 in dollars", "convert_currency", 0, ("GBP", "USD")),
        ("convert 100 pounds to euros and to dollars", "convert_currency", 1, ("GBP", "USD")),
    ],
)
def test_the_unit_said_with_the_amount_is_the_source(
    tools: Catalog, text: str, tool: str, nth: int, pair: tuple[str, str]
) -> None:
    prefix = "unit" if tool == "convert_units" else "currency"
    wrong = {f"from_{prefix}": "x", f"to_{prefix}": "x"}
    placed = conversion_arguments(wrong, _args(tools, tool), text, nth)
    assert (placed[f"from_{prefix}"], placed[f"to_{prefix}"]) == pair


@pytest.mark.parametrize("text", ["convert 20 to kilos", "what's the exchange rate", "3 metres, feet or inches"])
def test_words_that_do_not_settle_both_change_nothing(tools: Catalog, text: str) -> None:
    given = {"from_unit": "km", "to_unit": "m"}
    assert conversion_arguments(given, _args(tools, "convert_units"), text) == given


def test_the_time_said_is_the_alarm_hour_and_minute(tools: Catalog) -> None:
    args = _args(tools, "set_alarm")
    assert clock_arguments({"hour": 17, "minute": 17}, args, "set an alarm for seven am") == {"hour": 7, "minute": 0}
    assert clock_arguments({"hour": 12}, args, "wake me up at half six") == {"hour": 6, "minute": 30}
    assert clock_arguments({"hour": 6}, args, "alarms for 6:30 and 6:45", nth=1) == {"hour": 6, "minute": 45}
    assert clock_arguments({"hour": 9}, args, "set an alarm for 9pm") == {"hour": 21}
    # A timer's hours are a length, not a time of day.
    assert clock_arguments({"minutes": 5}, _args(tools, "set_timer"), "a timer at 7 pm for 5 minutes") == {"minutes": 5}


def test_grounding_places_both(tools: Catalog) -> None:
    calls = [Call(name="convert_currency", arguments={"amount": 50, "from_currency": "EUR", "to_currency": "EUR"})]
    assert grounded_calls("how much is 50 quid in euros", calls, tools.functions)[0].arguments == {
        "amount": 50,
        "from_currency": "GBP",
        "to_currency": "EUR",
    }
