"""Tests for homefc.catalog: expanding a home into functions and OpenAI-style tool export/import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from homefc.catalog import (
    ENTITY_ARG,
    Catalog,
    build_catalog,
    catalog_from_openai_tools,
    dump_tools,
    load_tools,
)
from homefc.domains import READ_SERVICE, ArgSchema, load_domains
from homefc.errors import CatalogError
from homefc.home import Home, bundled_home, load_home


@pytest.fixture(scope="module")
def home() -> Home:
    return load_home(bundled_home())


@pytest.fixture(scope="module")
def catalog(home: Home) -> Catalog:
    return build_catalog(home, load_domains())


WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name."},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
        },
    },
}

TIMER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "set_timer",
        "description": "Start a kitchen timer.",
        "parameters": {
            "type": "object",
            "properties": {"minutes": {"type": "integer", "minimum": 1, "maximum": 120}},
            "required": ["minutes"],
        },
    },
}


def _import_error(data: Any) -> str:
    with pytest.raises(CatalogError) as info:
        catalog_from_openai_tools(data)
    message = str(info.value)
    assert "\n" not in message
    return message


# --- build_catalog ------------------------------------------------------------------------------


def test_dimmable_kitchen_light_has_switch_and_read_functions(catalog: Catalog) -> None:
    tools = {f.tool for f in catalog.for_entity("light.kitchen_ceiling")}
    assert tools == {"light.turn_on", "light.turn_off", "light.toggle", "light.get_state"}


def test_turn_on_of_a_dimmable_light_offers_brightness(catalog: Catalog) -> None:
    fn = catalog.get("light.turn_on", "light.kitchen_ceiling")
    assert fn is not None
    pct = fn.arg("brightness_pct")
    assert pct is not None
    assert (pct.minimum, pct.maximum) == (0, 100)
    assert fn.arg("color_name") is None


def test_every_entity_has_get_state(catalog: Catalog, home: Home) -> None:
    for entity in home.entities:
        assert catalog.get(f"{entity.domain}.{READ_SERVICE}", entity.id) is not None, entity.id


def test_sensors_only_have_get_state(catalog: Catalog, home: Home) -> None:
    sensors = [e for e in home.entities if e.domain in ("sensor", "binary_sensor")]
    assert sensors
    for entity in sensors:
        assert [f.tool for f in catalog.for_entity(entity.id)] == [f"{entity.domain}.{READ_SERVICE}"]


def test_get_state_functions_do_not_write(catalog: Catalog) -> None:
    reads = [f for f in catalog.functions if f.tool.endswith(f".{READ_SERVICE}")]
    assert reads
    assert all(f.writes is False and f.confirm is False for f in reads)
    assert any(f.writes for f in catalog.functions)


def test_unlock_needs_confirmation_and_lock_does_not(catalog: Catalog) -> None:
    unlock = catalog.get("lock.unlock", "lock.front_door")
    lock = catalog.get("lock.lock", "lock.front_door")
    assert unlock is not None and lock is not None
    assert unlock.confirm is True
    assert lock.confirm is False


def test_every_document_mentions_the_entity_name(catalog: Catalog, home: Home) -> None:
    for fn in catalog.functions:
        assert fn.entity_id is not None
        entity = home.entity(fn.entity_id)
        assert entity is not None
        assert entity.name in fn.document, fn.key


def test_document_mentions_aliases_and_area(catalog: Catalog) -> None:
    fn = catalog.get("todo.add_item", "todo.shopping_list")
    assert fn is not None
    assert (
        fn.document
        == "add item: Shopping list (also groceries), in the Kitchen (kitchenette). Add an item to the list."
    )
    assert fn.area == "kitchen"


def test_function_keys_are_unique(catalog: Catalog) -> None:
    keys = [f.key for f in catalog.functions]
    assert len(keys) == len(set(keys))
    assert len(catalog) == len(keys)


def test_function_key_and_lookup(catalog: Catalog) -> None:
    fn = catalog.functions[0]
    assert fn.key == f"{fn.tool}:{fn.entity_id}"
    assert catalog.get(fn.tool, fn.entity_id) is fn
    assert catalog.get(fn.tool) is None
    assert catalog.get("light.explode", "light.kitchen_ceiling") is None


def test_every_function_targets_a_home_entity(catalog: Catalog, home: Home) -> None:
    assert catalog.home is home
    assert {f.entity_id for f in catalog.functions} == {e.id for e in home.entities}


# --- export -------------------------------------------------------------------------------------


def test_exported_tools_are_openai_functions_with_an_entity_enum(catalog: Catalog) -> None:
    tools = catalog.to_openai_tools()
    assert len(tools) == len({f.tool for f in catalog.functions})
    for tool in tools:
        assert tool["type"] == "function"
        fn = tool["function"]
        params = fn["parameters"]
        assert params["type"] == "object"
        entity = params["properties"][ENTITY_ARG]
        assert entity["type"] == "string"
        assert entity["enum"] == [f.entity_id for f in catalog.functions if f.tool == fn["name"]]
        assert params["required"][0] == ENTITY_ARG
        assert set(params["required"]) <= set(params["properties"])


def test_exported_flags_mark_read_only_and_guarded_tools(catalog: Catalog) -> None:
    tools = {t["function"]["name"]: t["function"] for t in catalog.to_openai_tools()}
    assert tools["light.get_state"]["x-homefc-readonly"] is True
    assert "x-homefc-confirm" not in tools["light.get_state"]
    assert tools["lock.unlock"]["x-homefc-confirm"] is True
    assert "x-homefc-confirm" not in tools["lock.lock"]
    assert "x-homefc-readonly" not in tools["lock.lock"]


def test_exported_arguments_merge_entities(catalog: Catalog) -> None:
    tools = {t["function"]["name"]: t["function"] for t in catalog.to_openai_tools()}
    turn_on = tools["light.turn_on"]["parameters"]
    assert turn_on["required"] == [ENTITY_ARG]
    assert turn_on["properties"]["brightness_pct"] == {
        "type": "integer",
        "description": "Brightness in percent.",
        "minimum": 0,
        "maximum": 100,
    }
    set_temp = tools["climate.set_temperature"]["parameters"]
    assert set_temp["required"] == [ENTITY_ARG, "temperature"]


def test_export_import_export_is_identical(catalog: Catalog) -> None:
    text = dump_tools(catalog)
    again = catalog_from_openai_tools(json.loads(text))
    assert dump_tools(again) == text
    assert all(f.entity_id is None for f in again.functions)


# --- import -------------------------------------------------------------------------------------


def test_import_plain_tools_gives_functions_without_entity() -> None:
    imported = catalog_from_openai_tools([WEATHER_TOOL, TIMER_TOOL])
    assert [f.key for f in imported.functions] == ["get_weather", "set_timer"]
    weather = imported.get("get_weather")
    assert weather is not None
    assert weather.entity_id is None
    assert weather.description == "Get the current weather in a city."
    assert weather.writes is True and weather.confirm is False
    assert weather.args == (
        ArgSchema(name="city", type="string", required=True, description="City name."),
        ArgSchema(name="unit", type="string", required=False, enum=("celsius", "fahrenheit")),
    )
    assert weather.document == "get weather: Get the current weather in a city. (city, unit)"
    timer = imported.get("set_timer")
    assert timer is not None
    assert timer.args == (ArgSchema(name="minutes", type="integer", required=True, minimum=1, maximum=120),)


def test_import_reads_homefc_flags() -> None:
    tool = {"name": "read_meter", "x-homefc-readonly": True, "x-homefc-confirm": True}
    fn = catalog_from_openai_tools([tool]).get("read_meter")
    assert fn is not None
    assert fn.writes is False
    assert fn.confirm is True
    assert fn.args == ()
    assert fn.description == "read meter"


def test_import_accepts_bare_function_dicts() -> None:
    imported = catalog_from_openai_tools([WEATHER_TOOL["function"], TIMER_TOOL])
    assert [f.tool for f in imported.functions] == ["get_weather", "set_timer"]
    assert imported.functions[0] == catalog_from_openai_tools([WEATHER_TOOL]).functions[0]


def test_import_accepts_a_tools_wrapper() -> None:
    imported = catalog_from_openai_tools({"tools": [WEATHER_TOOL]})
    assert [f.tool for f in imported.functions] == ["get_weather"]


def test_import_rejects_an_unsupported_parameter_type() -> None:
    tool = {
        "name": "add_items",
        "parameters": {"type": "object", "properties": {"items": {"type": "array"}}, "required": ["items"]},
    }
    message = _import_error([tool])
    assert message.startswith("<tools>: tools[0]")
    assert "items.type" in message


def test_import_error_names_the_failing_tool_index() -> None:
    bad = {"name": "bad tool name!"}
    assert _import_error([WEATHER_TOOL, bad]).startswith("<tools>: tools[1]")


def test_import_rejects_a_required_argument_without_schema() -> None:
    tool = {"name": "notify", "parameters": {"type": "object", "properties": {}, "required": ["message"]}}
    message = _import_error([tool])
    assert message == "<tools>: tools[0]: tool notify: required argument 'message' has no schema"


def test_import_rejects_duplicate_tool_names() -> None:
    assert _import_error([WEATHER_TOOL, WEATHER_TOOL]) == "<tools>: two tools share a name"


@pytest.mark.parametrize("data", [[], {"tools": []}])
def test_import_rejects_an_empty_list(data: Any) -> None:
    assert _import_error(data) == "<tools>: no tools"


@pytest.mark.parametrize("data", [None, "get_weather", {"function": WEATHER_TOOL["function"]}])
def test_import_rejects_anything_but_a_list(data: Any) -> None:
    assert _import_error(data) == "<tools>: expected a list of tools"


def test_load_tools_from_a_json_file(tmp_path: Path) -> None:
    path = tmp_path / "tools.json"
    path.write_text(json.dumps([WEATHER_TOOL, TIMER_TOOL]), encoding="utf-8")
    loaded = load_tools(path)
    assert [f.tool for f in loaded.functions] == ["get_weather", "set_timer"]
    assert loaded.functions == catalog_from_openai_tools([WEATHER_TOOL, TIMER_TOOL]).functions


def test_load_tools_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tools.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_tools(path)
    assert str(info.value) == f"{path}: no tools"
    missing = tmp_path / "missing.json"
    with pytest.raises(CatalogError) as info:
        load_tools(missing)
    assert str(info.value) == f"{missing}: file not found"
