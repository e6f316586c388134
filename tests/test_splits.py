"""Where one sentence holds several requests: clauses, device lists, named pairs, "both" twins, list items."""

from __future__ import annotations

import pytest

from homefc.assistant import Assistant
from homefc.catalog import Catalog, build_catalog
from homefc.domains import DomainSpec
from homefc.home import home_from_data
from homefc.pairs import split_named_pair
from homefc.plurals import split_areas, split_both
from homefc.references import plain
from homefc.rooms import clause_areas
from homefc.splits import (
    name_heads,
    named_back_reference,
    split_clauses,
    split_list,
    trailing_reason,
    without_reason,
)
from homefc.todolists import carried_list, restated_add, split_items


def test_a_device_added_with_as_well_takes_the_state_before_it() -> None:
    assert split_clauses("I'm getting in the bath, put the towel rail on and the bathroom light as well") == [
        "I'm getting in the bath, put the towel rail on",
        "the bathroom light on",
    ]
    assert split_clauses("turn the fan off and the lamp too please") == ["turn the fan off", "the lamp off"]
    assert split_clauses("turn the hall light on and the landing light too") == [
        "turn the hall light on",
        "the landing light on",
    ]
    assert split_clauses("turn on the fan and the lamp as well") == ["turn on the fan and the lamp as well"]


def test_requests_that_start_with_less_common_verbs_or_end_in_a_step_are_parts_of_their_own() -> None:
    assert split_clauses("flip the christmas tree, then make the telly quieter") == [
        "flip the christmas tree",
        "make the telly quieter",
    ]
    assert split_clauses("stop the kitchen speaker, also find the robot vacuum") == [
        "stop the kitchen speaker",
        "find the robot vacuum",
    ]
    assert split_clauses("arm the alarm and also go back a song on the terrace speaker") == [
        "arm the alarm",
        "go back a song on the terrace speaker",
    ]
    assert split_clauses("set the hot water to 60 degrees; office fan slower") == [
        "set the hot water to 60 degrees",
        "office fan slower",
    ]
    assert split_clauses("lock the shed, then the tv at 40 percent volume") == [
        "lock the shed",
        "the tv at 40 percent volume",
    ]
    # Words of a statement keep a step from being a request, not a verb its own request ("that is by the door").
    assert split_clauses("turn on the lamp that is by the door, then close the blind") == [
        "turn on the lamp that is by the door",
        "close the blind",
    ]
    # One word is no request of its own: "buzz" goes with "open".
    assert split_clauses("close the garage; buzz open the front door") == [
        "close the garage",
        "buzz open the front door",
    ]
    for whole in (
        "buzz open the front door",
        "message Tom saying dinner's at 7 and send Lucy the same",  # "the same" points back
        "the kids are quieter now, then turn the radio up",  # a statement, not a step
        "hold on robot vacuum, pause",
    ):
        assert split_clauses(whole) == [whole]


def test_names_prepositions_and_sums_do_not_split_a_request() -> None:
    for whole in (
        "run the lock up script",  # a verb after "the" is part of a name
        "set the volume on the radio in the kitchen to 20 percent",  # "on the …" is a place, not a state
        "switch the fairy lights on the balcony on",
        "what's 23 times 47",  # a sum, not two values
        "what's 15 percent of 80",
        "start the washing machine on cotton 60",  # "on" says how it runs: "cotton 60" had set the hot water
    ):
        assert split_clauses(whole) == [whole]
    assert split_clauses("room 2 lamp off room 1 lamp on") == ["room 2 lamp off", "room 1 lamp on"]
    porch = "switch the porch light on garden lights off"
    assert split_clauses(porch) == ["switch the porch light on", "garden lights off"]


def test_several_requests_in_one_sentence_are_split_per_action() -> None:
    assert split_clauses("close the blind, then play the radio") == ["close the blind", "play the radio"]
    assert split_clauses("lock the door; open the garage and also start the vacuum") == [
        "lock the door",
        "open the garage",
        "start the vacuum",
    ]
    assert split_clauses("switch off the TV and open the blinds") == ["switch off the TV", "open the blinds"]
    assert split_clauses("turn on the lights, roll out the awning and play some music") == [
        "turn on the lights",
        "roll out the awning",
        "play some music",
    ]
    assert split_clauses("the hall light off and then run the good night script") == [
        "the hall light off",
        "run the good night script",
    ]
    for whole in (
        "turn on the lamp and then dim it",  # points back
        "turn off the kitchen, office and hall lights",  # one action, several targets: the model's job
        "set the living room and kitchen to 21",
        "turn the light on and off",
        "switch the living room fan and also the bathroom fan off",  # "off" is the fan's too
    ):
        assert split_clauses(whole) == [whole]
    assert split_clauses("run the good night script, then the living room blind down") == [
        "run the good night script",
        "the living room blind down",
    ]
    assert split_clauses("turn the heating up and also the hall light off") == [
        "turn the heating up",
        "the hall light off",
    ]
    assert split_clauses("open the velux, it's stuffy up there") == ["open the velux, it's stuffy up there"]


def test_one_action_on_three_or_more_devices_is_split_per_device() -> None:
    assert split_list("turn off the desk lamp, hall ceiling light and the porch light") == [
        "turn off the desk lamp",
        "turn off the hall ceiling light",
        "turn off the porch light",
    ]
    assert split_list("garage door, guest room curtain and living room blind up") == [
        "garage door up",
        "guest room curtain up",
        "living room blind up",
    ]
    for whole in (
        "turn off the kitchen, office and hall lights",  # the noun is shared: "the kitchen" alone is not a device
        "close the garage door and the living room blind",  # two items: the model writes two calls well
        "what is the temperature, humidity and pressure",
    ):
        assert split_list(whole) == [whole]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("switch off the tree and the telly backlight", ["switch off the tree", "switch off the telly backlight"]),
        ("sofa lamp and big light on", ["sofa lamp on", "big light on"]),
        ("turn on the desk lamp and also the office speaker", ["turn on the desk lamp", "turn on the office speaker"]),
        # Words of one device's name each ("Bedroom window blind").
        ("close the bedroom blind and the lounge blind", ["close the bedroom blind", "close the lounge blind"]),
        # Not two devices: the noun is shared, or one item is not a device's name.
        ("turn off the living room and kitchen ceiling lights", None),
        ("both bedside lamps off", None),
        ("the tree and the telly backlight", None),  # no action said
    ],
)
def test_two_devices_named_in_full_become_two_requests(
    flat_catalog: Catalog, text: str, parts: list[str] | None
) -> None:
    assert split_named_pair(text, flat_catalog) == (parts or [text])


def test_both_of_a_numbered_pair_is_one_request_per_twin(domains: dict[str, DomainSpec]) -> None:
    lights = [{"id": f"light.garden_lights{n}", "name": f"Garden lights{n.replace('_', ' ')}"} for n in ("", "_2")]
    catalog = build_catalog(home_from_data({"entities": [*lights, {"id": "light.desk", "name": "Desk lamp"}]}), domains)
    assert split_both("we're eating outside, put both garden lights on", catalog) == [
        "we're eating outside, put garden lights on",
        "we're eating outside, put garden lights 2 on",
    ]
    assert split_both("Both of the garden lights off please", catalog) == [
        "garden lights off please",
        "garden lights 2 off please",
    ]
    assert split_both("turn on both desk lamps", catalog) == ["turn on both desk lamps"]  # no twin


def test_twins_said_in_the_plural_are_one_request_each(domains: dict[str, DomainSpec]) -> None:
    entities = [
        {"id": "cover.kitchen_blind", "name": "Kitchen blind"},
        {"id": "cover.kitchen_blind_2", "name": "Kitchen blind 2"},
        {"id": "light.path_lights", "name": "Path lights"},
        {"id": "light.path_lights_2", "name": "Path lights 2"},
        {"id": "cover.bay_left", "name": "Bay window blind left", "aliases": ["left bay blind"]},
        {"id": "cover.bay_right", "name": "Bay window blind right", "aliases": ["right bay blind"]},
    ]
    catalog = build_catalog(home_from_data({"entities": entities}), domains)
    assert split_both("kitchen blinds down", catalog) == ["kitchen blind down", "kitchen blind 2 down"]
    assert split_both("turn on path lights 1 and 2", catalog) == ["turn on path lights", "turn on path lights 2"]
    assert split_both("both bay blinds up", catalog) == ["left bay blind up", "right bay blind up"]
    for whole in ("open the kitchen blind", "path lights on", "kitchen blind 2 up"):
        assert split_both(whole, catalog) == [whole]


def test_a_reason_after_a_pair_is_not_a_device(flat_catalog: Catalog) -> None:
    assert split_named_pair("turn off the desk lamp and the printer, he's gone to bed", flat_catalog) == [
        "turn off the desk lamp, he's gone to bed",
        "turn off the printer, he's gone to bed",
    ]
    assert split_list("turn off the desk lamp, the sofa lamp and the hall light, we're out") == [
        "turn off the desk lamp, we're out",
        "turn off the sofa lamp, we're out",
        "turn off the hall light, we're out",
    ]


def test_several_items_for_one_list_are_one_request_per_item(flat_catalog: Catalog) -> None:
    assert split_items("add eggs and butter to the shopping list", flat_catalog) == [
        "add eggs to the shopping list",
        "add butter to the shopping list",
    ]
    assert split_items("please add milk, bread and cheese to my shopping list", flat_catalog) == [
        "please add milk to my shopping list",
        "please add bread to my shopping list",
        "please add cheese to my shopping list",
    ]
    assert split_items("add lemons and tonic water to the shopping list", flat_catalog) == [
        "add lemons to the shopping list",
        "add tonic water to the shopping list",  # "water" is a verb only where it leads
    ]
    for whole in (
        "add eggs to the shopping list",  # one item
        "add eggs and butter to the fridge list",  # no such list
        "add eggs and turn on the light to the shopping list",  # an item with a verb
    ):
        assert split_items(whole, flat_catalog) == [whole]


def test_more_clause_breaks_when_each_part_says_what_to_do() -> None:
    assert split_clauses("kitchen ceiling light on and the pendant down to 30 percent") == [
        "kitchen ceiling light on",
        "the pendant down to 30 percent",
    ]
    assert split_clauses("gym light on and the gym fan on at half speed") == [
        "gym light on",
        "the gym fan on at half speed",
    ]
    assert split_clauses("studio spots to 60 percent and raise the desk to 110") == [
        "studio spots to 60 percent",
        "raise the desk to 110",
    ]
    assert split_clauses("turn off the EV charger, and the chest freezer needs to go back on") == [
        "turn off the EV charger",
        "the chest freezer needs to go back on",
    ]
    # A reason before the first request stays with it; a list of actions after a comma splits.
    assert split_clauses("I'm off to read in the library, could you open the shutter, switch on the lamp") == [
        "I'm off to read in the library, could you open the shutter",
        "switch on the lamp",
    ]
    assert split_clauses("is the front door locked, and turn on the porch light") == [
        "is the front door locked",
        "turn on the porch light",
    ]
    for whole in (
        "the kids are asleep, turn off the kids room ceiling light",  # a statement asks for nothing
        "it's boiling in the bedroom, set the aircon to cool",
        "turn off the kitchen, hall, and landing lights",  # "landing lights" alone says nothing to do
        "turn off the light on the landing and the fan",
        "the record player, switch it off, nobody's listening",
        "turn the lights out, please",
        "set the living room and the kitchen to 21",
    ):
        assert split_clauses(whole) == [whole]


def test_bare_states_and_values_in_a_row_are_one_request_each() -> None:
    """ "hall light on, kitchen spots off, and start the hoover" had run as two passes (the first with two states);
    "the underfloor heating to 21 and the front room radiator to 20" as one, which set both to 21."""
    assert split_clauses("hall light on, kitchen spots off, and start the hoover") == [
        "hall light on",
        "kitchen spots off",
        "start the hoover",
    ]
    assert split_clauses("festoon lights on, awning out and play some music") == [
        "festoon lights on",
        "awning out",
        "play some music",
    ]
    assert split_clauses("set the kitchen underfloor heating to 21 and the front room radiator to 20") == [
        "set the kitchen underfloor heating to 21",
        "the front room radiator to 20",
    ]
    assert split_clauses("kitchen heating to 21 degrees and the lounge heating to 20") == [
        "kitchen heating to 21 degrees",
        "the lounge heating to 20",
    ]
    # A value straight after the name, with no "to", is that device's (the second twin had taken both values).
    assert split_clauses("sofa lamp 1 on and sofa lamp 2 50 percent") == ["sofa lamp 1 on", "sofa lamp 2 to 50 percent"]
    assert split_clauses("heating 21 and hot water 60") == ["heating to 21", "hot water to 60"]
    # After "to", the value is part of an option's name ("Quick 30"), not a second value.
    assert split_clauses("set the washing machine to quick 30 and turn on the hall light") == [
        "set the washing machine to quick 30",
        "turn on the hall light",
    ]
    for whole in ("lamp 1 on and lamp 2 please", "oven off in 20 minutes and the hall light on"):
        assert split_clauses(whole) == [whole]


def test_a_clause_naming_no_room_is_about_the_room_named_before(flat_catalog: Catalog) -> None:
    clauses = ["open the kitchen blind", "switch on the lamp in there", "turn the speaker up"]
    assert clause_areas(clauses, flat_catalog, None) == [
        ("open the kitchen blind", None),
        ("switch on the lamp in the kitchen", None),
        ("turn the speaker up in the kitchen", None),
    ]
    # A device named in full only leans towards the room; a known speaker's room stays the default.
    assert clause_areas(["open the kitchen blind", "turn on the sofa lamp"], flat_catalog, None)[1] == (
        "turn on the sofa lamp",
        "kitchen",
    )
    assert clause_areas(["open the kitchen blind", "put the heating up"], flat_catalog, "bedroom")[1] == (
        "put the heating up",
        "bedroom",
    )
    # The kitchen has no fan: the room is not carried, so the fan is not "missing".
    assert clause_areas(["open the kitchen blind", "turn on the fan"], flat_catalog, None)[1] == (
        "turn on the fan",
        None,
    )
    assert clause_areas(["turn on the lamp", "open the blind"], flat_catalog, None) == [
        ("turn on the lamp", None),
        ("open the blind", None),
    ]


def test_a_numbered_pair_said_as_one_and_two_is_one_request_per_twin(domains: dict[str, DomainSpec]) -> None:
    lamps = [{"id": f"light.snug_lamp_{n}", "name": f"Snug lamp {n}"} for n in (1, 2)]
    floor = [{"id": f"light.floor_lamp{n}", "name": f"Floor lamp{n.replace('_', ' ')}"} for n in ("", "_2")]
    catalog = build_catalog(home_from_data({"entities": [*lamps, *floor]}), domains)
    assert split_both("snug lamps one and two off", catalog) == ["snug lamp 1 off", "snug lamp 2 off"]
    assert split_both("switch on floor lamps 1 and 2 please", catalog) == [
        "switch on floor lamp please",
        "switch on floor lamp 2 please",
    ]
    assert split_both("turn on rooms one and two", catalog) == ["turn on rooms one and two"]


def test_a_spoken_list_of_whole_names_is_one_request_per_device(flat_catalog: Catalog) -> None:
    assert split_named_pair("switch off the tree the telly backlight and the sofa lamp", flat_catalog) == [
        "switch off the tree",
        "switch off the telly backlight",
        "switch off the sofa lamp",
    ]
    assert split_named_pair("turn on the light in the kitchen", flat_catalog) == ["turn on the light in the kitchen"]


def test_a_trailing_reason_is_left_out_of_the_request(flat_catalog: Catalog) -> None:
    assert without_reason("hot water up to 60 please, we've got guests tonight", flat_catalog) == (
        "hot water up to 60 please"
    )
    assert without_reason("switch off the radio, as it's driving me mad", flat_catalog) == "switch off the radio"
    for kept in (
        "set the heating, I'm cold",  # says which way
        "turn on the light, I'm in the office",  # says where
        "do something, we're bored",  # nothing to do without it
        "turn off the lamp, it's the desk lamp",  # names the device
        "turn off the lamp and the fan",
    ):
        assert without_reason(kept, flat_catalog) == kept


def test_lights_of_several_areas_are_one_request_per_area(flat_catalog: Catalog) -> None:
    assert split_areas("Kitchen and hall lights off please", flat_catalog) == [
        "kitchen lights off please",
        "hall lights off please",
    ]
    assert split_areas("turn off all the lights in the kitchen, the hall and the lounge", flat_catalog) == [
        "turn off all the lights in the kitchen",
        "turn off all the lights in the hall",
        "turn off all the lights in the lounge",
    ]
    # A narrower noun they share goes with each area (singular for one device), and so does a trailing reason.
    assert split_areas("the living room and kitchen ceiling lights off, we're out", flat_catalog) == [
        "the living room ceiling light off, we're out",
        "the kitchen ceiling light off, we're out",
    ]
    for whole in (
        "turn off the kitchen lights and the hall lamp",
        "kitchen lights off",
        "turn off the kitchen and hall lights and the radio",
    ):
        assert split_areas(whole, flat_catalog) == [whole]


def test_a_plural_kind_of_several_areas_is_one_request_per_area_that_has_it(flat_catalog: Catalog) -> None:
    assert split_areas("close the blinds in the living room and the bedroom", flat_catalog) == [
        "close the blind in the living room",
        "close the blind in the bedroom",
    ]
    assert split_areas("radiators in the office and the bathroom to 19 please", flat_catalog) == [
        "radiator in the office to 19 please",
        "radiator in the bathroom to 19 please",
    ]
    # A singular where each area has just one: "the TV in the snug and the one in the lounge".
    assert split_areas("open the blind in the living room and the one in the bedroom", flat_catalog) == [
        "open the blind in the living room",
        "open the blind in the bedroom",
    ]
    for whole in (
        "close the blinds in the living room and the kitchen",  # the kitchen has no blind
        "move the radiator from the office to the bathroom",
        "close the blind in the living room and the one in the kitchen",  # the kitchen has none
    ):
        assert split_areas(whole, flat_catalog) == [whole]


def test_the_shipped_model_turns_off_every_light_of_both_areas(tuned: Assistant) -> None:
    result = tuned.ask("turn off the lights in the kitchen and the hall")
    kitchen_and_hall = [
        e.id for e in tuned.catalog.home.entities if e.domain == "light" and e.area in ("kitchen", "hall")
    ]
    assert sorted(c.arguments["entity_id"] for c in result.calls) == sorted(kitchen_and_hall)
    assert {c.name for c in result.calls} == {"light.turn_off"}


def test_a_plural_of_a_phrase_devices_of_one_room_share_is_each_of_them(domains: dict[str, DomainSpec]) -> None:
    lamps = [
        {"id": "light.dereks_lamp", "name": "Derek's bedside lamp", "area": "bedroom"},
        {"id": "light.maggies_lamp", "name": "Maggie's bedside lamp", "area": "bedroom"},
        {"id": "light.lounge_left", "name": "Lounge lamp left", "area": "lounge"},
        {"id": "light.lounge_right", "name": "Lounge lamp right", "area": "lounge"},
        {"id": "light.lounge_ceiling", "name": "Lounge ceiling light", "area": "lounge"},
    ]
    areas = [{"id": "bedroom", "name": "Bedroom"}, {"id": "lounge", "name": "Lounge"}]
    catalog = build_catalog(home_from_data({"areas": areas, "entities": lamps}), domains)
    assert split_both("switch off the bedside lamps please", catalog) == [
        "switch off the derek's bedside lamp please",
        "switch off the maggie's bedside lamp please",
    ]
    assert split_both("lounge lamps on", catalog) == ["lounge lamp left on", "lounge lamp right on"]
    guest = {"id": "light.guest_lamp", "name": "Guest bedside lamp", "area": "guest_room"}
    areas.append({"id": "guest_room", "name": "Guest room"})
    spread = build_catalog(home_from_data({"areas": areas, "entities": [*lamps, guest]}), domains)
    assert split_both("switch off the bedside lamps", spread) == ["switch off the bedside lamps"]  # two rooms


def test_a_leading_reason_is_left_out_unless_the_request_points_back_at_it(flat_catalog: Catalog) -> None:
    assert without_reason("I'm going to sleep, turn off the lights in here", flat_catalog) == (
        "turn off the lights in here"
    )
    for kept in (
        "we're out of halloumi, add it to the shopping list",
        "I'm in the office, turn the lights on",
        "it's freezing, turn the heating on",
    ):
        assert without_reason(kept, flat_catalog) == kept
    assert without_reason("annexe lights off please, Joan's fast asleep", flat_catalog) == "annexe lights off please"
    assert split_clauses("pond pump off and the heater on, there's a frost tonight") == [
        "pond pump off, there's a frost tonight",
        "the heater on, there's a frost tonight",
    ]


def test_a_rooms_plural_kind_is_each_device_that_says_it(domains: dict[str, DomainSpec]) -> None:
    areas = [{"id": "conservatory", "name": "Conservatory"}]
    entities = [
        {"id": "cover.roof", "name": "Conservatory roof blinds", "area": "conservatory"},
        {"id": "cover.side", "name": "Conservatory side blinds", "area": "conservatory"},
        {"id": "cover.door", "name": "Conservatory door", "area": "conservatory"},
        {"id": "light.one", "name": "Conservatory pendant", "area": "conservatory"},
        {"id": "light.two", "name": "Conservatory spots", "area": "conservatory"},
    ]
    catalog = build_catalog(home_from_data({"areas": areas, "entities": entities}), domains)
    assert split_both("Close the conservatory blinds, it's bright", catalog) == [
        "Close the conservatory roof blinds, it's bright",
        "Close the conservatory side blinds, it's bright",
    ]
    assert split_both("conservatory lights off", catalog) == ["conservatory lights off"]  # rules.area_lights
    assert split_both("open the conservatory doors", catalog) == ["open the conservatory doors"]  # one door


def test_more_breaks_between_requests(flat_catalog: Catalog) -> None:
    # A bare state before the place, and a value with its unit after it, say what to do.
    assert split_clauses("Lights off in the kitchen and the hall, and lock the front door") == [
        "Lights off in the kitchen and the hall",
        "lock the front door",
    ]
    assert split_clauses("lock the front door, and the humidifier to 50 percent humidity") == [
        "lock the front door",
        "the humidifier to 50 percent humidity",
    ]
    # The volume after a source is a request of its own, read in the room named before.
    assert split_clauses("Put Radio 3 on in the study and the volume to half") == [
        "Put Radio 3 on in the study",
        "the volume to half",
    ]
    assert split_clauses("put the radio on and the volume up a bit") == ["put the radio on and the volume up a bit"]
    # A device's one-word name is a list item.
    assert split_list("turn off the printer, the tree and the coffee machine, we're going away", flat_catalog) == [
        "turn off the printer, we're going away",
        "turn off the tree, we're going away",
        "turn off the coffee machine, we're going away",
    ]
    assert split_list("turn off the printer, the fridge and the coffee machine", flat_catalog) == [
        "turn off the printer, the fridge and the coffee machine"
    ]


def test_things_run_out_of_are_added_as_said(flat_catalog: Catalog) -> None:
    """The model refused "we're out of firelighters, stick them on the shopping list"."""
    assert restated_add("We're out of firelighters, stick them on the shopping list", flat_catalog) == (
        "add firelighters to the shopping list"
    )
    said = "we need matches, tealights and bin bags, can you put them on the shopping list please"
    assert restated_add(said, flat_catalog) == "add matches, tealights and bin bags to the shopping list"
    assert split_items(restated_add(said, flat_catalog), flat_catalog)[2] == "add bin bags to the shopping list"
    for whole in ("I need a break, put it on the calendar", "add milk to the shopping list"):
        assert restated_add(whole, flat_catalog) == whole
    # A transcript has no comma before "put them on …".
    assert restated_add("we're out of milk and avocados put them on the shopping list", flat_catalog) == (
        "add milk and avocados to the shopping list"
    )


def test_items_with_values_of_their_own_keep_them(domains: dict[str, DomainSpec]) -> None:
    names = ("Arco lamp", "Living room downlights", "Nanoleaf")
    lights = [{"id": f"light.l{i}", "name": n} for i, n in enumerate(names)]
    catalog = build_catalog(home_from_data({"entities": lights}), domains)
    assert split_list(
        "set the arco lamp to 50 percent, the living room downlights to 20 and the nanoleaf off", catalog
    ) == ["set the arco lamp to 50 percent", "set the living room downlights to 20", "set the nanoleaf off"]
    assert split_clauses("step lights to 30 percent and the wall washers purple please") == [
        "step lights to 30 percent",
        "the wall washers purple please",
    ]
    assert split_clauses("turn the lamp on and the strip purple") == ["turn the lamp on", "the strip purple"]
    # A value said once for both stays whole.
    assert split_clauses("make the lamp and the strip purple") == ["make the lamp and the strip purple"]


def test_names_sharing_one_plural_noun_are_one_request_each(domains: dict[str, DomainSpec]) -> None:
    doors = [{"id": f"lock.{d}_door", "name": f"{d.title()} door"} for d in ("front", "back", "side")]
    catalog = build_catalog(home_from_data({"entities": [*doors, {"id": "light.hall", "name": "Hall light"}]}), domains)
    assert split_both("are the front and back doors locked?", catalog) == [
        "are the front door locked?",
        "are the back door locked?",
    ]
    assert split_both("lock the front, back and side doors", catalog) == [
        "lock the front door",
        "lock the back door",
        "lock the side door",
    ]
    assert split_both("lock the front and garage doors", catalog) == ["lock the front and garage doors"]


def test_plurals_of_numbered_names_and_both_of_a_kind(domains: dict[str, DomainSpec]) -> None:
    entities = [
        {"id": "light.lily_spot_1", "name": "Lily spot 1", "area": "terrace"},
        {"id": "light.lily_spot_2", "name": "Lily spot 2", "area": "terrace"},
        {"id": "light.hue_play_left", "name": "Hue Play left", "area": "lounge"},
        {"id": "light.hue_play_right", "name": "Hue Play right", "area": "lounge"},
        {"id": "cover.shade_1", "name": "Living room shade 1", "area": "lounge"},
        {"id": "cover.shade_2", "name": "Living room shade 2", "area": "lounge"},
        {"id": "vacuum.roborock", "name": "Roborock", "aliases": ["robot vacuum"]},
        {"id": "vacuum.braava", "name": "Braava", "aliases": ["robot mop"]},
    ]
    areas = [{"id": "terrace", "name": "Terrace"}, {"id": "lounge", "name": "Lounge"}]
    catalog = build_catalog(home_from_data({"areas": areas, "entities": entities}), domains)
    assert split_both("make the lily spots green", catalog) == [
        "make the lily spot 1 green",
        "make the lily spot 2 green",
    ]
    assert split_both("turn on the hue play bars", catalog) == [
        "turn on the hue play left",
        "turn on the hue play right",
    ]
    assert split_both("close both living room shades", catalog) == [
        "close living room shade 1",
        "close living room shade 2",
    ]
    assert split_both("get both robots cleaning", catalog) == ["get roborock cleaning", "get braava cleaning"]
    assert split_both("turn on the lily spot 1", catalog) == ["turn on the lily spot 1"]


def test_a_pair_named_by_part_of_each_devices_name_splits(domains: dict[str, DomainSpec]) -> None:
    entities = [
        {"id": "media_player.denon", "name": "Denon receiver", "device": "avr"},
        {"id": "select.denon_mode", "name": "Denon sound mode", "device": "avr"},
        {"id": "media_player.projector", "name": "Projector"},
        {"id": "media_player.era", "name": "Sonos Era 300"},
        {"id": "media_player.era_100", "name": "Sonos Era 100"},
    ]
    data = {"devices": [{"id": "avr", "name": "AVR"}], "entities": entities}
    catalog = build_catalog(home_from_data(data), domains)
    assert split_named_pair("turn on the projector and the denon", catalog) == [
        "turn on the projector",
        "turn on the denon",
    ]
    assert split_named_pair("switch off the projector and the era 300", catalog) == [
        "switch off the projector",
        "switch off the era 300",
    ]
    # "sonos" is two devices' word.
    assert split_named_pair("switch off the projector and the sonos", catalog) == [
        "switch off the projector and the sonos"
    ]


def test_ticking_off_several_items_and_a_list_carried_to_the_next_add(flat_catalog: Catalog) -> None:
    lists = sorted(n for n in (plain(e.name) for e in flat_catalog.home.entities if e.domain == "todo"))
    name = lists[0]
    assert split_items(f"tick off coffee beans and limes on the {name}, i got them", flat_catalog) == [
        f"tick off coffee beans on the {name}, i got them",
        f"tick off limes on the {name}, i got them",
    ]
    assert carried_list(["take radio times off nan's list", "add a birthday card"]) == [
        "take radio times off nan's list",
        "add a birthday card to nan's list",
    ]
    assert carried_list(["take radio times off nan's list", "add milk to the shopping list"])[1] == (
        "add milk to the shopping list"
    )
    # A list named by its own name, without "list": "the chores".
    assert carried_list(["tick hoovering off the chores", "add bleach"], flat_catalog)[1] == "add bleach to the chores"
    assert carried_list(["turn the hall light off", "add bleach"], flat_catalog)[1] == "add bleach"


def test_a_pronoun_after_a_second_verb_is_the_device_the_first_clause_names(flat_catalog: Catalog) -> None:
    name = next(plain(e.name) for e in flat_catalog.home.entities if e.domain == "media_player")
    assert named_back_reference(f"put the {name} on radio 2 and turn it up a bit", flat_catalog) == (
        f"put the {name} on radio 2 and turn the {name} up a bit"
    )
    # One change of one device: the second pass would not see it switched on.
    whole = f"turn on the {name} and then turn it up"
    assert named_back_reference(whole, flat_catalog) == whole


def test_reasons_without_a_comma_and_questions_joined_by_and() -> None:
    assert trailing_reason("kitchen lights off please we're done eating") is not None
    # Unpunctuated, as a voice transcript: after a value or a state.
    found = trailing_reason("raise my desk to 110 centimetres i want to stand for a bit")
    assert found is not None and found.group("reason") == "i want to stand for a bit"
    assert trailing_reason("turn on the light i said") is None
    assert split_clauses("what's the co2 like in the office and how humid is the en-suite") == [
        "what's the co2 like in the office",
        "how humid is the en-suite",
    ]
    assert split_clauses("is the tv on and is it loud") == ["is the tv on and is it loud"]


def test_a_counted_plural_is_each_of_that_many_devices(domains: dict[str, DomainSpec]) -> None:
    blinds = [{"id": f"cover.bay_{s}", "name": f"Bay blind {s}", "area": "lounge"} for s in ("left", "middle", "right")]
    side = {"id": "cover.side", "name": "Side window blind", "area": "lounge"}
    areas = [{"id": "lounge", "name": "Lounge"}]
    catalog = build_catalog(home_from_data({"areas": areas, "entities": [*blinds, side]}), domains)
    assert split_both("can you shut all three blinds in the bay window", catalog) == [
        "can you shut bay blind left",
        "can you shut bay blind middle",
        "can you shut bay blind right",
    ]
    # Four blinds in the lounge, not three: which?
    assert split_both("shut three blinds in the lounge", catalog) == ["shut three blinds in the lounge"]


def test_numbered_rooms_mass_kinds_and_questions_go_to_each_area(domains: dict[str, DomainSpec]) -> None:
    areas = [{"id": f"room_{n}", "name": f"Room {n}", "aliases": [a]} for n, a in ((1, "bluebell"), (2, "foxglove"))]
    areas.append({"id": "room_3", "name": "Room 3", "aliases": ["primrose"]})
    entities = [
        e
        for n in (1, 2, 3)
        for e in (
            {"id": f"light.room_{n}", "name": f"Room {n} ceiling light", "area": f"room_{n}"},
            {"id": f"climate.room_{n}", "name": f"Room {n} radiator", "area": f"room_{n}"},
        )
    ]
    catalog = build_catalog(home_from_data({"areas": areas, "entities": entities}), domains)
    assert split_areas("turn off the lights in rooms 1 2 and 3", catalog) == [
        "turn off the lights in room 1",
        "turn off the lights in room 2",
        "turn off the lights in room 3",
    ]
    assert split_areas("put the heating on in bluebell and primrose", catalog) == [
        "put the heating on in bluebell",
        "put the heating on in primrose",
    ]
    assert split_areas("how warm are foxglove and primrose", catalog) == [
        "how warm are foxglove",
        "how warm are primrose",
    ]
    assert split_areas("what's the temperature in room 1 and in room 2", catalog) == [
        "what's the temperature in room 1",
        "what's the temperature in room 2",
    ]
    assert split_areas("turn off the lights in rooms 1 and 7", catalog) == ["turn off the lights in rooms 1 and 7"]


def test_unpunctuated_states_and_a_question_after_and_are_parts() -> None:
    assert split_clauses("room 2 lamp off room 1 lamp on") == ["room 2 lamp off", "room 1 lamp on"]
    assert split_clauses("sarah's lamp off tom's lamp to 20 percent") == [
        "sarah's lamp off",
        "tom's lamp to 20 percent",
    ]
    assert split_clauses("hall light off kitchen light on and start the hoover") == [
        "hall light off",
        "kitchen light on",
        "start the hoover",
    ]
    for whole in (
        "put the radio on classic fm",
        "turn the fan on full",
        "breakfast room lights off but leave the dresser lamp on",
        "take radio times off nan's list",
        "turn off the light that's on",
    ):
        assert split_clauses(whole) == [whole]
    assert split_clauses("switch on the pool house light and tell me how humid it is in there") == [
        "switch on the pool house light",
        "tell me how humid it is in there",
    ]


def test_a_value_for_it_after_switching_on_is_a_request_of_its_own(flat_catalog: Catalog) -> None:
    assert named_back_reference("turn on the kitchen ceiling light and set it to 40 percent", flat_catalog) == (
        "turn on the kitchen ceiling light and set the kitchen ceiling light to 40 percent"
    )


def test_a_pronoun_is_the_device_of_the_clause_just_before_it(domains: dict[str, DomainSpec]) -> None:
    areas = [{"id": "cellar", "name": "Cellar"}, {"id": "dining_room", "name": "Dining room"}]
    entities = [
        {"id": "light.cellar", "name": "Cellar light", "area": "cellar"},
        {"id": "light.dining_room", "name": "Dining room light", "area": "dining_room"},
        {"id": "select.washing_machine_programme", "name": "Washing machine programme", "area": "cellar"},
        {"id": "button.washing_machine_start", "name": "Washing machine start", "area": "cellar"},
    ]
    catalog = build_catalog(home_from_data({"areas": areas, "entities": entities}), domains)
    # Not the cellar light of the first clause: the washing machine, which two entities' names begin with.
    said = "put the cellar light on, set the washing machine to quick 30 and start it"
    assert named_back_reference(said, catalog) == f"{said[: -len('it')]}the washing machine"
    # Switching on and then dimming the same light is one change of it, whatever came before.
    said = "set the washing machine to quick 30, turn on the cellar light and dim it"
    assert named_back_reference(said, catalog) == said
    # A room's name is not a device's, and a remark before the pronoun names no device to act on.
    assert "dining room" not in name_heads(catalog)
    remark = "the dining room is too dark, brighten it"
    assert named_back_reference(remark, catalog) == remark
