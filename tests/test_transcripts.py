"""Unpunctuated speech and questions over several devices: run-on requests, bare values, durations, "or"
questions, rooms said by stem or alias, lists named in part (the fresh6 development set's transcript style)."""

from __future__ import annotations

import pytest

from homefc.catalog import Catalog, build_catalog
from homefc.config import Settings
from homefc.domains import DomainSpec
from homefc.factory import assistant_factory
from homefc.home import home_from_data
from homefc.numbers import digits
from homefc.pairs import split_named_pair
from homefc.plurals import split_areas, split_both
from homefc.questions import split_question
from homefc.references import area_list
from homefc.rooms import missing_appliance
from homefc.splits import (
    split_clauses,
    split_list,
    without_leading_reason,
    without_reason,
)
from homefc.todolists import carried_list, split_items


@pytest.fixture(scope="module")
def guest_house(domains: dict[str, DomainSpec]) -> Catalog:
    """Numbered guest rooms with aliases, an en suite the owners call "our bathroom", a fan named after another
    bathroom, two lists."""
    areas = [
        *({"id": f"room_{n}", "name": f"Room {n}", "aliases": [f"guest room {n}"]} for n in (1, 2, 3)),
        {"id": "ensuite", "name": "En suite", "aliases": ["our bathroom"]},
        {"id": "family_bathroom", "name": "Family bathroom", "aliases": ["main bathroom"]},
        {"id": "lounge", "name": "Lounge"},
        {"id": "garage", "name": "Garage"},
        {"id": "kitchen", "name": "Kitchen"},
    ]
    entities = [
        *({"id": f"cover.room_{n}_blind", "name": f"Room {n} blind", "area": f"room_{n}"} for n in (1, 2, 3)),
        {"id": "fan.ensuite_extractor", "name": "En suite extractor", "area": "ensuite"},
        {"id": "fan.bathroom_extractor", "name": "Bathroom extractor fan", "area": "family_bathroom"},
        {"id": "cover.lounge_bay_blinds", "name": "Lounge bay blinds", "area": "lounge"},
        {"id": "cover.lounge_curtains", "name": "Lounge curtains", "area": "lounge"},
        {"id": "light.lounge_ceiling", "name": "Lounge ceiling light", "aliases": ["big light"], "area": "lounge"},
        {"id": "light.lounge_floor_lamp", "name": "Lounge floor lamp", "area": "lounge"},
        {"id": "light.lounge_alcove", "name": "Alcove spots", "area": "lounge"},
        {"id": "light.hall_ceiling", "name": "Hall ceiling light", "aliases": ["big light"]},
        {"id": "cover.garage_door", "name": "Garage door", "area": "garage"},
        {"id": "cover.front_gates", "name": "Front gates"},
        {"id": "cover.kitchen_blind", "name": "Kitchen blind", "area": "kitchen"},
        {"id": "cover.lantern_blind", "name": "Roof lantern blind", "area": "kitchen"},
        {"id": "todo.diy", "name": "DIY jobs"},
        {"id": "todo.shopping", "name": "Shopping list"},
    ]
    return build_catalog(home_from_data({"areas": areas, "entities": entities}), domains)


def test_a_request_that_starts_mid_transcript_is_a_clause_of_its_own() -> None:
    assert split_clauses("close the pool cover turn off the underwater lights and lock the pool house") == [
        "close the pool cover",
        "turn off the underwater lights",
        "lock the pool house",
    ]
    assert split_clauses("lights off switch on the fan") == ["lights off", "switch on the fan"]
    for whole in (
        "turn off the plug switch on the landing",  # "switch" is a noun here
        "if it's cold turn on the heating",  # a condition, not a request
        "can you please turn off the light",
        "remember to lock the door",
    ):
        assert split_clauses(whole) == [whole]


def test_an_unpunctuated_reason_before_the_request_is_left_out(flat_catalog: Catalog) -> None:
    assert without_reason("the wifi's playing up again can you restart the router", flat_catalog) == (
        "can you restart the router"
    )
    assert without_reason("we're done swimming shut the pool cover", flat_catalog) == "shut the pool cover"
    assert without_reason("I'm cold can you turn up the heating", flat_catalog) == (
        "I'm cold can you turn up the heating"  # the reason says which way
    )


def test_a_mode_and_a_setpoint_in_one_breath_are_two_requests() -> None:
    assert split_clauses("put the cinema air con on cool at 20 degrees") == [
        "put the cinema air con on cool",
        "set the cinema air con to 20 degrees",
    ]
    assert split_clauses("barn air con on heat 22 degrees") == [
        "barn air con on heat",
        "set barn air con to 22 degrees",
    ]
    assert split_clauses("put the air con on cool") == ["put the air con on cool"]


def test_bare_values_of_several_devices_split_and_say_to() -> None:
    said = digits("living room thermostat twenty one kitchen underfloor nineteen")
    assert split_clauses(said) == ["living room thermostat to 21", "kitchen underfloor to 19"]
    for whole in ("room 1 lamp on room 2 lamp off", "put the oven on 180 for 20 minutes", "turn the 2 lamps on"):
        assert len(split_clauses(whole)) == (2 if whole.startswith("room") else 1)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("put the dryer timer on an hour and a half", "put the dryer timer on 90 minutes"),
        ("boost the hot water for two hours", "boost the hot water for 120 minutes"),
        ("run it for half an hour", "run it for 30 minutes"),
        ("press the one hour boost", "press the one hour boost"),  # a name, not a duration
        ("kitchen underfloor nineteen", "kitchen underfloor 19"),  # too large for a device's number
        ("set the alarm for seven thirty", "set the alarm for seven thirty"),  # a time
        ("nineteen eighty four", "nineteen eighty four"),
        ("seventeen", "seventeen"),
    ],
)
def test_durations_become_minutes_and_large_numbers_digits(text: str, written: str) -> None:
    assert digits(text) == written


def test_a_question_over_several_devices_is_one_question_each(guest_house: Catalog) -> None:
    assert split_question("uh did we leave the garage or the gates open", guest_house) == [
        "is the garage open?",
        "is the gates open?",
    ]
    assert split_question("are the garage door and the front gates open?", guest_house) == [
        "is the garage door open?",
        "is the front gates open?",
    ]
    for whole in ("is the garage door open", "are the lights on", "is the garage or the lounge on"):
        assert split_question(whole, guest_house) == [whole]


def test_every_room_of_a_numbered_stem_is_each_of_them(guest_house: Catalog) -> None:
    assert split_areas("close the blinds in every guest room", guest_house) == [
        f"close the blind in guest room {n}" for n in (1, 2, 3)
    ]
    assert split_areas("turn off the lights in every room", guest_house) == ["turn off the lights in every room"]


def test_all_of_a_kind_in_a_room_is_each_of_them(guest_house: Catalog) -> None:
    assert split_both("open all the blinds in the kitchen", guest_house) == [
        "open the kitchen blind",
        "open the roof lantern blind",
    ]


def test_items_share_the_first_ones_room_and_a_room_said_last(guest_house: Catalog) -> None:
    assert split_named_pair("lounge blinds and curtains shut please", guest_house) == [
        "lounge blinds shut please",
        "lounge curtains shut please",
    ]
    assert split_named_pair(
        "turn off the big light the floor lamp and the alcove spots in the lounge", guest_house
    ) == [
        "turn off the big light in the lounge",
        "turn off the floor lamp in the lounge",
        "turn off the alcove spots in the lounge",
    ]
    # "ceiling light" is words of two devices' names: without the room it names neither.
    whole = "turn off the ceiling light and the floor lamp"
    assert split_named_pair(whole, guest_house) == [whole]


def test_items_go_to_a_list_named_by_part_of_its_name(guest_house: Catalog) -> None:
    assert split_items("add screws and wood glue to the diy list", guest_house) == [
        "add screws to the diy list",
        "add wood glue to the diy list",
    ]
    whole = "add screws and wood glue to the list"  # "list" names both
    assert split_items(whole, guest_house) == [whole]


def test_an_appliance_the_home_lacks_is_missing(guest_house: Catalog) -> None:
    assert missing_appliance("unlock the minibar in room 3", guest_house) == "minibar"


def test_the_shipped_model_keeps_to_rooms_and_devices_said_in_a_transcript(
    guest_house: Catalog, domains: dict[str, DomainSpec]
) -> None:
    ask = assistant_factory(Settings(), domains)(guest_house).ask
    calls = [(c.name, c.arguments["entity_id"]) for c in ask("turn the fan on in our bathroom").calls]
    assert calls == [("fan.turn_on", "fan.ensuite_extractor")]
    calls = [(c.name, c.arguments["entity_id"]) for c in ask("did we leave the garage or the gates open").calls]
    assert sorted(calls) == [("cover.get_state", "cover.front_gates"), ("cover.get_state", "cover.garage_door")]
    calls = [(c.name, c.arguments["entity_id"]) for c in ask("close the room 1 blind turn on the alcove spots").calls]
    assert sorted(calls) == [("cover.close_cover", "cover.room_1_blind"), ("light.turn_on", "light.lounge_alcove")]


def test_rooms_listed_without_and_between_them_share_the_kind(guest_house: Catalog) -> None:
    for said in ("shut the room 1 room 2 and room 3 blinds", "shut the room 1, room 2 and room 3 blinds"):
        rooms = area_list(said, guest_house)
        assert rooms == "shut the room 1 and room 2 and room 3 blinds", said
        assert split_areas(rooms, guest_house) == [f"shut the room {n} blind" for n in (1, 2, 3)]
    assert split_list("shut the room 1, room 2 and room 3 blinds", guest_house) == [
        "shut the room 1 and room 2 and room 3 blinds"
    ]


def test_an_owner_said_alone_takes_the_device_before() -> None:
    assert carried_list(["Olu's lamp on", "Tamsin's off"]) == ["Olu's lamp on", "Tamsin's lamp off"]
    assert carried_list(["kitchen light on", "Tom's off"]) == ["kitchen light on", "Tom's off"]


def test_questions_of_the_weather_split_and_a_felt_reason_leaves_named_devices(guest_house: Catalog) -> None:
    assert split_clauses("what's the temperature on the terrace and how windy is it up there?") == [
        "what's the temperature on the terrace",
        "how windy is it up there?",
    ]
    assert split_named_pair("it's getting cold, turn off the kitchen blind and the garage door", guest_house) == [
        "turn off the kitchen blind",
        "turn off the garage door",
    ]
    # A felt reason still stays with one request: "it's freezing, turn it up" is about the heating.
    assert without_leading_reason("it's freezing, turn up the heating", guest_house) == (
        "it's freezing, turn up the heating"
    )
