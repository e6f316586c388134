"""Rooms the words name that the home does not have: answered without a model pass."""

from __future__ import annotations

import pytest

from homefc.assistant import Assistant
from homefc.catalog import Catalog, build_catalog, catalog_from_openai_tools
from homefc.config import Settings
from homefc.domains import DomainSpec
from homefc.factory import assistant_factory
from homefc.home import home_from_data
from homefc.rooms import missing_appliance, missing_device, missing_room


@pytest.mark.parametrize(
    ("text", "room"),
    [
        ("lights on in the cellar", "cellar"),
        ("what's the temperature in the loft", "loft"),
        ("turn on the conservatory heating", "conservatory heating"),
        ("turn on the kitchen light", None),
        ("warm up the study", None),  # the office's alias
        ("that fan in the loo is driving me mad", None),  # the Guest WC's kind
        ("the lounge feels cold", None),  # a living room's word
        ("turn on the balcony lights", None),
        ("turn on the radiator", None),  # no room said
    ],
)
def test_a_room_the_home_does_not_have(flat_catalog: Catalog, text: str, room: str | None) -> None:
    assert missing_room(text, flat_catalog) == room


def test_a_numbered_room_the_home_does_not_number(domains: dict[str, DomainSpec]) -> None:
    """ "turn the radiator up in room seven" of a guest house with Room 1 … Room 3."""
    areas = [{"id": f"room_{n}", "name": f"Room {n}"} for n in (1, 2, 3)]
    entities = [{"id": f"climate.room_{n}", "name": f"Room {n} radiator", "area": f"room_{n}"} for n in (1, 2, 3)]
    catalog = build_catalog(home_from_data({"areas": areas, "entities": entities}), domains)
    assert missing_room("turn the radiator up in room 7", catalog) == "room 7"
    assert missing_room("turn the radiator up in room seven", catalog) == "room 7"
    assert missing_room("room two radiator up", catalog) is None
    assert missing_room("room 2 radiator up", catalog) is None
    assert missing_room("set the radiator to 21 in room 3", catalog) is None


def test_a_tool_list_has_no_rooms() -> None:
    tool = {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}
    catalog = catalog_from_openai_tools([{"type": "function", "function": tool}])
    assert missing_room("weather in the cellar", catalog) is None


def test_a_missing_room_gets_an_answer_and_no_call(
    tuned: Assistant, flat_catalog: Catalog, domains: dict[str, DomainSpec]
) -> None:
    result = tuned.ask("lights on in the cellar")
    assert not result.calls and result.answer == "Sorry, I can't find a cellar in your home."
    assert result.stats == {"missing_room": 1}
    plain = assistant_factory(Settings(rules=False), domains)(flat_catalog)
    assert "missing_room" not in plain.ask("lights on in the cellar").stats
    assert tuned.ask("open the attic window").answer == "Sorry, I can't find an attic window in your home."


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("open the window in the hall", ("window", "hall")),
        ("set the radiator in the guest wc to twenty", ("radiator", "guest wc")),
        ("turn on the fan in the kitchen", ("fan", "kitchen")),
        ("turn on the lamp in the kitchen", None),  # the kitchen has lights
        ("the heating in the bathroom up a bit", None),  # the towel radiator is a thermostat
        ("turn off the light on the landing", None),  # no such room: the model's business
        ("turn on the star lamp in the kitchen", None),  # a device named in full: the model decides
        ("turn on the radiator", None),  # no room said
        ("switch on the lamp in the kitchen, the tea's brewing", None),  # "switch" the verb, not a device
        ("turn on the switch in the bathroom", ("switch", "bathroom")),
        ("set the guest wc radiator to 20", ("radiator", "guest wc")),  # the room before the kind
        ("office fan on please", ("fan", "office")),
        ("in the balcony switch on the lights", None),  # the verb after the room
        ("set the kitchen radiator to 22", None),
        ("open the living room blind", None),
        ("set the hall air con to 19", ("aircon", "hall")),  # two words, one kind
    ],
)
def test_a_device_the_room_does_not_have(flat_catalog: Catalog, text: str, missing: tuple[str, str] | None) -> None:
    assert missing_device(text, flat_catalog) == missing


def test_a_missing_device_gets_an_answer_and_no_call(tuned: Assistant) -> None:
    result = tuned.ask("set the radiator in the guest wc to twenty")
    assert not result.calls and result.answer == "Sorry, I can't find a radiator in the guest wc."
    assert result.stats == {"missing_device": 1}


@pytest.mark.parametrize(
    ("text", "appliance"),
    [
        ("put the kettle on please", "kettle"),
        ("can you preheat the oven to 200", "oven"),
        ("start the dishwasher", None),  # the flat has one (a device and its entities)
        ("is the fridge on?", "fridge"),
        ("add kettle descaler to the shopping list", None),
        ("turn on the light over the oven", None),  # a light, left to the model
        ("turn off the kettle plug", None),  # another noun after it
        ("make the oven in the kitchen a bit warmer", "oven"),
    ],
)
def test_an_appliance_the_home_does_not_have(flat_catalog: Catalog, text: str, appliance: str | None) -> None:
    assert missing_appliance(text, flat_catalog) == appliance


def test_a_missing_appliance_gets_an_answer_and_no_call(tuned: Assistant) -> None:
    result = tuned.ask("could you put the kettle on, we've got guests")
    assert not result.calls and result.answer == "Sorry, I can't find a kettle in your home."


def test_a_device_placed_nowhere_is_the_rooms_its_name_says(domains: dict[str, DomainSpec]) -> None:
    areas = [{"id": "room_4", "name": "Room 4"}]
    fan = {"id": "fan.room_4_fan", "name": "Room 4 desk fan"}
    lamp = {"id": "light.room_4", "name": "Room 4 lamp", "area": "room_4"}
    catalog = build_catalog(home_from_data({"areas": areas, "entities": [fan, lamp]}), domains)
    assert missing_device("turn on the fan in room 4", catalog) is None
    assert missing_device("turn on the radiator in room 4", catalog) == ("radiator", "room 4")
