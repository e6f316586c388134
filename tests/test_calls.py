"""Tests for homefc.calls: parsing model output into validated calls, a plain answer, or an error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from homefc.calls import Call, ParsedOutput, parse_output, prose_of, validate_call
from homefc.catalog import Catalog, Function, build_catalog, catalog_from_openai_tools
from homefc.domains import load_domains
from homefc.home import bundled_home, load_home


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog(load_home(bundled_home()), load_domains())


@pytest.fixture(scope="module")
def dimmable(catalog: Catalog) -> Function:
    """light.turn_on of a light that takes brightness_pct."""
    return next(f for f in catalog.functions if f.tool == "light.turn_on" and f.arg("brightness_pct") is not None)


@pytest.fixture(scope="module")
def plain_light(catalog: Catalog) -> Function:
    """light.turn_on of a light that cannot be dimmed."""
    return next(f for f in catalog.functions if f.tool == "light.turn_on" and f.arg("brightness_pct") is None)


@pytest.fixture(scope="module")
def hvac(catalog: Catalog) -> Function:
    """climate.set_hvac_mode of some climate entity."""
    return next(f for f in catalog.functions if f.tool == "climate.set_hvac_mode")


@pytest.fixture(scope="module")
def thermostat(catalog: Catalog) -> Function:
    """climate.set_temperature of some climate entity."""
    return next(f for f in catalog.functions if f.tool == "climate.set_temperature")


@pytest.fixture(scope="module")
def home_switch(catalog: Catalog) -> str:
    """Entity id of some switch in the flat."""
    fn = next(f for f in catalog.functions if f.tool == "switch.turn_off")
    assert fn.entity_id is not None
    return fn.entity_id


def _call(name: str, **arguments: Any) -> str:
    return json.dumps({"name": name, "arguments": arguments})


def _error(parsed: ParsedOutput) -> str:
    assert parsed.calls == []
    assert parsed.answer is None
    assert parsed.error is not None
    assert not parsed.ok
    assert "\n" not in parsed.error
    return parsed.error


# --- valid output -------------------------------------------------------------------------------


def test_single_call_parses_and_renders(catalog: Catalog) -> None:
    assert catalog.get("light.turn_off", "light.kitchen_ceiling") is not None
    parsed = parse_output(_call("light.turn_off", entity_id="light.kitchen_ceiling"), catalog)
    assert parsed.ok
    assert parsed.answer is None
    assert parsed.calls == [Call(name="light.turn_off", arguments={"entity_id": "light.kitchen_ceiling"})]
    assert parsed.calls[0].entity_id == "light.kitchen_ceiling"
    assert parsed.calls[0].render() == 'light.turn_off(entity_id="light.kitchen_ceiling")'


def test_call_with_arguments_renders_them_in_order(catalog: Catalog, dimmable: Function) -> None:
    parsed = parse_output(_call("light.turn_on", entity_id=dimmable.entity_id, brightness_pct=40), catalog)
    assert parsed.ok
    assert parsed.calls[0].render() == f'light.turn_on(entity_id="{dimmable.entity_id}", brightness_pct=40)'


def test_surrounding_whitespace_is_ignored(catalog: Catalog) -> None:
    parsed = parse_output("\n  " + _call("light.toggle", entity_id="light.kitchen_ceiling") + "  \n", catalog)
    assert [c.name for c in parsed.calls] == ["light.toggle"]


def test_a_list_of_two_calls_parses_in_order(catalog: Catalog, thermostat: Function) -> None:
    text = json.dumps(
        [
            {"name": "light.turn_off", "arguments": {"entity_id": "light.kitchen_ceiling"}},
            {"name": "climate.set_temperature", "arguments": {"entity_id": thermostat.entity_id, "temperature": 20}},
        ]
    )
    parsed = parse_output(text, catalog)
    assert parsed.ok
    assert [c.render() for c in parsed.calls] == [
        'light.turn_off(entity_id="light.kitchen_ceiling")',
        f'climate.set_temperature(entity_id="{thermostat.entity_id}", temperature=20)',
    ]


def test_plain_text_is_an_answer(catalog: Catalog) -> None:
    parsed = parse_output("  It is 21 degrees in the kitchen.\n", catalog)
    assert parsed.ok
    assert parsed.calls == []
    assert parsed.answer == "It is 21 degrees in the kitchen."


def test_a_call_marker_separates_prose_from_calls(catalog: Catalog) -> None:
    call = _call("light.turn_off", entity_id="light.kitchen_ceiling")
    parsed = parse_output(f"Turning it off. <tool_call>{call}", catalog, marker="<tool_call>")
    assert parsed.ok and parsed.prose == "Turning it off." and parsed.answer is None
    assert [c.render() for c in parsed.calls] == ['light.turn_off(entity_id="light.kitchen_ceiling")']
    answer = parse_output("No such lamp here.", catalog, marker="<tool_call>")
    assert answer.answer == "No such lamp here." and not answer.calls
    assert "marker but no call" in _error(parse_output("Sure <tool_call>okay", catalog, marker="<tool_call>"))
    assert "is not valid JSON" in _error(parse_output('<tool_call>{"name": ', catalog, marker="<tool_call>"))


@pytest.mark.parametrize(
    ("text", "prose"),
    [
        ("It is 21", "It is 21"),
        ("Turning it off. <tool", "Turning it off. "),
        ("Sure<jupyter_code>{", "Sure"),
        ('{"name": "light', ""),
        (' [{"name"', ""),
    ],
)
def test_prose_of_a_partial_output_stops_at_a_marker_or_call(text: str, prose: str) -> None:
    assert prose_of(text) == prose


def test_call_among_the_candidates_is_accepted(catalog: Catalog, dimmable: Function) -> None:
    text = _call("light.turn_on", entity_id=dimmable.entity_id)
    assert parse_output(text, catalog, candidates=[dimmable]).ok


def test_validate_call_returns_a_call(catalog: Catalog, hvac: Function) -> None:
    assert hvac.args[0].enum
    mode = hvac.args[0].enum[0]
    result = validate_call({"name": hvac.tool, "arguments": {"entity_id": hvac.entity_id, "hvac_mode": mode}}, catalog)
    assert result == Call(name=hvac.tool, arguments={"entity_id": hvac.entity_id, "hvac_mode": mode})


def test_plain_tool_call_validates_against_an_imported_catalog() -> None:
    tools = catalog_from_openai_tools(
        [{"name": "get_weather", "parameters": {"properties": {"city": {"type": "string"}}, "required": ["city"]}}]
    )
    parsed = parse_output('{"name": "get_weather", "arguments": {"city": "Oslo"}}', tools)
    assert parsed.calls == [Call(name="get_weather", arguments={"city": "Oslo"})]
    assert parsed.calls[0].entity_id is None
    assert _error(parse_output('{"name": "get_weather", "arguments": {}}', tools)) == (
        "get_weather: missing required argument 'city'"
    )


def test_free_text_arguments_lose_surrounding_spaces() -> None:
    """The grammar lets a string begin with a word token's space; the tool gets the words alone."""
    tools = catalog_from_openai_tools(
        [{"name": "get_weather", "parameters": {"properties": {"city": {"type": "string"}}, "required": ["city"]}}]
    )
    parsed = parse_output('{"name": "get_weather", "arguments": {"city": " Leeds "}}', tools)
    assert parsed.calls == [Call(name="get_weather", arguments={"city": "Leeds"})]
    assert _error(parse_output('{"name": "get_weather", "arguments": {"city": "  "}}', tools)) == (
        "get_weather: argument 'city': text must be 1 to 64 characters"
    )


def test_reimported_export_accepts_entity_calls(catalog: Catalog) -> None:
    reimported = catalog_from_openai_tools(catalog.to_openai_tools())
    parsed = parse_output(_call("light.turn_off", entity_id="light.kitchen_ceiling"), reimported)
    assert parsed.error is None


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n"])
def test_empty_output_is_an_error(catalog: Catalog, text: str) -> None:
    assert _error(parse_output(text, catalog)) == "the model produced no output"


@pytest.mark.parametrize("text", ['{"name": "light.turn_off", ', "{not json}", '[{"name": "x"}'])
def test_invalid_json_is_an_error_not_an_exception(catalog: Catalog, text: str) -> None:
    assert _error(parse_output(text, catalog)).startswith("the model's call is not valid JSON")


def test_empty_list_is_an_error(catalog: Catalog) -> None:
    assert _error(parse_output("[]", catalog)) == "the model produced an empty list of calls"


def test_unknown_function_is_an_error(catalog: Catalog) -> None:
    text = _call("light.explode", entity_id="light.kitchen_ceiling")
    assert _error(parse_output(text, catalog)) == "no function light.explode for entity light.kitchen_ceiling"
    assert _error(parse_output('{"name": "light.explode", "arguments": {}}', catalog)) == (
        "unknown function light.explode"
    )


def test_service_on_an_entity_it_does_not_apply_to_is_an_error(catalog: Catalog, home_switch: str) -> None:
    assert catalog.get("light.turn_off", home_switch) is None
    text = _call("light.turn_off", entity_id=home_switch)
    assert _error(parse_output(text, catalog)) == f"no function light.turn_off for entity {home_switch}"


def test_service_whose_requirement_the_entity_lacks_is_an_error(catalog: Catalog, thermostat: Function) -> None:
    assert catalog.get("climate.set_fan_mode", thermostat.entity_id) is None
    text = _call("climate.set_fan_mode", entity_id=thermostat.entity_id, fan_mode="auto")
    assert _error(parse_output(text, catalog)) == f"no function climate.set_fan_mode for entity {thermostat.entity_id}"


def test_unknown_entity_is_an_error(catalog: Catalog) -> None:
    text = _call("light.turn_off", entity_id="light.does_not_exist")
    assert _error(parse_output(text, catalog)) == "no function light.turn_off for entity light.does_not_exist"


def test_unknown_argument_is_an_error(catalog: Catalog) -> None:
    text = _call("light.turn_off", entity_id="light.kitchen_ceiling", transition=2)
    assert _error(parse_output(text, catalog)) == "light.turn_off: unknown argument 'transition'"


def test_brightness_on_a_light_that_cannot_dim_is_an_error(catalog: Catalog, plain_light: Function) -> None:
    text = _call("light.turn_on", entity_id=plain_light.entity_id, brightness_pct=50)
    assert _error(parse_output(text, catalog)) == "light.turn_on: unknown argument 'brightness_pct'"


def test_missing_required_argument_is_an_error(catalog: Catalog, thermostat: Function) -> None:
    text = _call("climate.set_temperature", entity_id=thermostat.entity_id)
    assert _error(parse_output(text, catalog)) == "climate.set_temperature: missing required argument 'temperature'"


def test_value_above_maximum_is_an_error(catalog: Catalog, dimmable: Function) -> None:
    text = _call("light.turn_on", entity_id=dimmable.entity_id, brightness_pct=101)
    error = _error(parse_output(text, catalog))
    assert error == "light.turn_on: argument 'brightness_pct': 101 is above the maximum 100"


def test_value_below_minimum_is_an_error(catalog: Catalog, thermostat: Function) -> None:
    low = thermostat.args[0].minimum
    assert low is not None
    text = _call("climate.set_temperature", entity_id=thermostat.entity_id, temperature=low - 1)
    assert "is below the minimum" in _error(parse_output(text, catalog))


def test_bounds_are_inclusive(catalog: Catalog, dimmable: Function) -> None:
    for value in (0, 100):
        assert parse_output(_call("light.turn_on", entity_id=dimmable.entity_id, brightness_pct=value), catalog).ok


@pytest.mark.parametrize("value", ["50", True, 50.5, None])
def test_wrong_type_for_integer_is_an_error(catalog: Catalog, dimmable: Function, value: Any) -> None:
    text = _call("light.turn_on", entity_id=dimmable.entity_id, brightness_pct=value)
    error = _error(parse_output(text, catalog))
    assert error in (
        "light.turn_on: argument 'brightness_pct': expected an integer",
        "light.turn_on: argument 'brightness_pct': expected a whole number",
    )


def test_number_for_text_is_an_error(catalog: Catalog, hvac: Function) -> None:
    text = _call(hvac.tool, entity_id=hvac.entity_id, hvac_mode=1)
    assert _error(parse_output(text, catalog)) == f"{hvac.tool}: argument 'hvac_mode': expected text"


def test_enum_violation_is_an_error(catalog: Catalog, hvac: Function) -> None:
    assert hvac.args[0].enum is not None
    assert "turbo" not in hvac.args[0].enum
    text = _call(hvac.tool, entity_id=hvac.entity_id, hvac_mode="turbo")
    allowed = ", ".join(hvac.args[0].enum)
    assert _error(parse_output(text, catalog)) == f"{hvac.tool}: argument 'hvac_mode': 'turbo' is not one of {allowed}"


def test_call_not_among_the_candidates_is_an_error(catalog: Catalog, dimmable: Function, plain_light: Function) -> None:
    text = _call("light.turn_on", entity_id=plain_light.entity_id)
    error = _error(parse_output(text, catalog, candidates=[dimmable]))
    assert error == f"{plain_light.key} was not among the candidates"


def test_extra_top_level_key_is_an_error(catalog: Catalog) -> None:
    text = json.dumps({"name": "light.turn_off", "arguments": {"entity_id": "light.kitchen_ceiling"}, "why": "dark"})
    assert _error(parse_output(text, catalog)) == "a call must be an object with 'name' and 'arguments'"


@pytest.mark.parametrize(
    "item",
    [
        {"arguments": {"entity_id": "light.kitchen_ceiling"}},
        {"name": 3, "arguments": {}},
        {"name": "light.turn_off", "arguments": ["light.kitchen_ceiling"]},
        "light.turn_off",
    ],
)
def test_malformed_call_objects_are_errors(catalog: Catalog, item: Any) -> None:
    assert isinstance(validate_call(item, catalog), str)
    assert _error(parse_output(json.dumps([item]), catalog))


def test_one_bad_call_in_a_list_fails_the_whole_output(catalog: Catalog) -> None:
    text = json.dumps(
        [
            {"name": "light.turn_off", "arguments": {"entity_id": "light.kitchen_ceiling"}},
            {"name": "light.turn_off", "arguments": {"entity_id": "light.nowhere"}},
        ]
    )
    assert _error(parse_output(text, catalog)) == "no function light.turn_off for entity light.nowhere"
