"""Which services a request's words ask for (homefc/asked.py), and the one-device readings beside them."""

from __future__ import annotations

from homefc.asked import (
    switching_direction,
    unasked_changes,
    unasked_reads,
    unasked_services,
    unasked_toggles,
    unnamed_timers,
    unsaid_siblings,
)
from homefc.catalog import Catalog, build_catalog
from homefc.domains import DomainSpec
from homefc.home import home_from_data
from homefc.onedevice import named_acted, named_pinned, single_device
from homefc.retrieval import Candidate
from homefc.rules import narrow


def _functions(catalog: Catalog, *keys: str) -> list:
    return [f for k in keys if (f := catalog.get(*k.split(":"))) is not None]


def test_words_that_switch_on_or_fix_a_value_rule_out_switching_off(flat_catalog: Catalog) -> None:
    fns = _functions(flat_catalog, "switch.turn_on:switch.coffee_machine", "switch.turn_off:switch.coffee_machine")
    off = {"switch.turn_off:switch.coffee_machine"}
    assert switching_direction("the coffee machine needs to go back on", fns, flat_catalog, {}) == off
    assert switching_direction("switch on the coffee machine ta", fns, flat_catalog, {}) == off
    assert switching_direction("turn the coffee machine on and off", fns, flat_catalog, {}) == set()
    # "on" as a place says nothing; a value said does.
    assert switching_direction("the coffee machine on the counter, nobody needs it", fns, flat_catalog, {}) == set()
    pins = {"light.turn_on:light.sofa_lamp": {"brightness_pct": 30}}
    assert switching_direction("the sofa lamp down to 30 percent", fns, flat_catalog, pins) == off
    assert switching_direction("the sofa lamp down to 30 percent", fns, flat_catalog, {}) == set()


def test_words_that_ask_for_light_rule_out_switching_off(flat_catalog: Catalog) -> None:
    """ "It's pitch black in here" once switched the loo's only light off."""
    fns = _functions(flat_catalog, "light.turn_on:light.guest_wc", "light.turn_off:light.guest_wc")
    off = {"light.turn_off:light.guest_wc"}
    for said in ("it's pitch black in here I can't see a thing", "I can't see a thing in the loo", "so dark in here"):
        assert switching_direction(said, fns, flat_catalog, {}) == off
    assert switching_direction("I can't see why the loo light is on, turn it off", fns, flat_catalog, {}) == set()
    assert switching_direction("it's dark out, the loo light can go off", fns, flat_catalog, {}) == {
        "light.turn_on:light.guest_wc"
    }


def test_words_that_only_switch_off_rule_out_switching_on(flat_catalog: Catalog) -> None:
    """ "Turn off Mateo's LED strip and his gaming PC" once switched the PC on."""
    fns = _functions(flat_catalog, "switch.turn_on:switch.coffee_machine", "switch.turn_off:switch.coffee_machine")
    on = {"switch.turn_on:switch.coffee_machine"}
    for said in ("turn off the coffee machine", "switch the kettle and the coffee machine off", "coffee machine off"):
        assert switching_direction(said, fns, flat_catalog, {}) == on
    # A state is no request, and another verb may switch something on.
    assert switching_direction("the coffee machine's off, sort it", fns, flat_catalog, {}) == set()
    assert switching_direction("lights off and start the coffee machine", fns, flat_catalog, {}) == set()
    assert switching_direction("kick off the coffee machine", fns, flat_catalog, {}) == set()


def test_a_light_switched_on_with_no_level_said_gets_none(flat_catalog: Catalog) -> None:
    """ "Put the lamp by the sofa on" once came out as brightness_pct 10, "gym light on" as 0 (the light stayed off)."""
    on = flat_catalog.get("light.turn_on", "light.sofa_lamp")
    assert on is not None
    _, pins = narrow("put the sofa lamp on", [Candidate(on, 0.9, 0.9)], flat_catalog)
    assert "brightness_pct" in pins[on.key] and pins[on.key]["brightness_pct"] is None
    for said in (
        "sofa lamp on at 40 percent",
        "sofa lamp on low",
        "sofa lamp on, half brightness",
    ):
        _, pins = narrow(said, [Candidate(on, 0.9, 0.9)], flat_catalog)
        assert pins.get(on.key, {}).get("brightness_pct", 1) is not None, said


def test_one_device_named_and_acted_on_is_asked_again_after_a_refusal(flat_catalog: Catalog) -> None:
    """ "Turn on the Meaco" (its only candidates left) was refused with "I can't help with that."."""
    fns = flat_catalog.functions
    assert named_acted("turn on the coffee machine", fns, flat_catalog) == {"switch.coffee_machine"}
    assert named_acted("is the coffee machine on?", fns, flat_catalog) == set()
    assert named_acted("the coffee machine", fns, flat_catalog) == set()
    assert named_acted("turn on the coffee machine and the sofa lamp", fns, flat_catalog) == set()


def test_is_and_do_ask_only_as_questions(flat_catalog: Catalog) -> None:
    """ "Start the Roborock please, the kitchen floor is a mess" kept its reads for the "is" of a statement."""
    fns = _functions(flat_catalog, "vacuum.start:vacuum.robot", "vacuum.get_state:vacuum.robot")
    read = {"vacuum.get_state:vacuum.robot"}
    name = flat_catalog.home.entity("vacuum.robot").name  # type: ignore[union-attr]
    assert unasked_reads(f"start the {name} please, the kitchen floor is a mess", fns, flat_catalog, {}) == read
    assert unasked_reads(f"the {name}, is it on", fns, flat_catalog, {}) == set()
    assert unasked_reads(f"get the {name} going", fns, flat_catalog, {}) == read


def test_a_toggle_nobody_asked_for_becomes_the_devices_on_and_off(flat_catalog: Catalog) -> None:
    toggle = flat_catalog.get("light.toggle", "light.desk_lamp")
    read = flat_catalog.get("light.get_state", "light.desk_lamp")
    assert toggle is not None and read is not None
    candidates = [Candidate(toggle, 0.9, 0.8), Candidate(read, 0.5, 0.5)]
    keys = [c.function.key for c in unasked_toggles("switch on the desk lamp", candidates, flat_catalog)]
    assert keys == ["light.turn_on:light.desk_lamp", "light.turn_off:light.desk_lamp", read.key]
    assert unasked_toggles("flip the desk lamp", candidates, flat_catalog) == candidates
    kept, _ = narrow("switch on the desk lamp", candidates, flat_catalog)
    assert [c.function.key for c in kept] == ["light.turn_on:light.desk_lamp"]


def test_a_read_needs_a_question_where_the_words_set_something(flat_catalog: Catalog) -> None:
    fns = _functions(flat_catalog, "climate.set_temperature:climate.office", "climate.get_state:climate.office")
    pins = {"climate.set_temperature:climate.office": {"temperature": 21}}
    read = {"climate.get_state:climate.office"}
    assert unasked_reads("set the study heating to 21 degrees", fns, flat_catalog, pins) == read
    assert unasked_reads("set the study heating to 21 degrees if you would", fns, flat_catalog, pins) == read
    bedtime = _functions(flat_catalog, "input_boolean.get_state:input_boolean.bedtime_mode")
    assert unasked_reads("bedtime on", bedtime, flat_catalog, {}) == {bedtime[0].key}
    blind = _functions(flat_catalog, "cover.get_state:cover.bedroom_blind")
    assert unasked_reads("pull the bedroom window blind up", blind, flat_catalog, {}) == {blind[0].key}
    for asked in ("is the study heating at 21 degrees", "set it to 21 degrees?", "check the study heating is at 21"):
        assert unasked_reads(asked, fns, flat_catalog, pins) == set()
    assert unasked_reads("turn the heating off if it's on", fns, flat_catalog, {}) == set()
    # Nothing set or switched: the model decides.
    assert unasked_reads("the study heating", fns, flat_catalog, {}) == set()


def test_a_plural_that_names_one_device_of_the_room_is_one_device(flat_catalog: Catalog) -> None:
    assert single_device("the fairy lights on the balcony, full brightness", flat_catalog)
    assert single_device("worktop lights on", flat_catalog)
    assert not single_device("turn off the lights in the kitchen", flat_catalog)
    assert not single_device("the kitchen counter lights and the kettle", flat_catalog)
    assert single_device("the office is way too warm, turn the radiator down", flat_catalog)
    assert not single_device("the hall light too", flat_catalog)


def test_a_named_device_with_a_value_fixed_is_asked_again_alone(flat_catalog: Catalog) -> None:
    fns = _functions(flat_catalog, "light.turn_on:light.night_light", "light.turn_on:light.desk_lamp")
    pins = {"light.turn_on:light.night_light": {"color_temp_kelvin": 3000, "brightness_pct": None}}
    assert named_pinned("make the star lamp warmer, about 3000 kelvin", fns, pins, flat_catalog) == {
        "light.night_light"
    }
    assert named_pinned("make the star lamp warmer", fns, {}, flat_catalog) == set()  # nothing fixed
    both = "make the star lamp and the desk lamp warmer, about 3000 kelvin"
    assert named_pinned(both, fns, pins, flat_catalog) == set()  # two devices


def test_a_verb_without_a_device_word_leaves_the_reads(flat_catalog: Catalog) -> None:
    """ "Set an alarm for 7" is no request to the home: the model answers it better with the reads in view. A word
    of a device's name with an action is a request ("get the sprinkler going in the vegetable patch" was read)."""
    blind = _functions(flat_catalog, "cover.get_state:cover.bedroom_blind")
    assert unasked_reads("set an alarm for 7", blind, flat_catalog, {}) == set()
    assert unasked_reads("pull it up", blind, flat_catalog, {}) == set()
    assert unasked_reads("pull the blind up", blind, flat_catalog, {}) == {"cover.get_state:cover.bedroom_blind"}


def test_a_question_of_state_is_answered_by_a_read(flat_catalog: Catalog) -> None:
    """ "has somebody left the side gate open" had the model open a blind: a question of state rules out changes."""
    fns = _functions(flat_catalog, "cover.open_cover:cover.bedroom_blind", "cover.get_state:cover.bedroom_blind")
    question = "has somebody left the bedroom blind open"
    assert unasked_changes(question, fns) == {"cover.open_cover:cover.bedroom_blind"}
    assert unasked_reads(question, fns, flat_catalog, {}) == set()
    for request in (
        "is it hot in here, open the bedroom blind",  # a request after the question
        "could you open the bedroom blind",
        "open the bedroom blind",
        "is the bedroom blind open? if so close it",
        "have the bedroom blind open",
    ):
        assert unasked_changes(request, fns) == set(), request


def test_a_value_fixed_on_one_entity_rules_out_its_devices_other_entities(flat_catalog: Catalog) -> None:
    """ "set the dishwasher to intensive" is the programme: the model pressed "Start dishwasher"."""
    fns = _functions(
        flat_catalog, "button.press:button.dishwasher_start", "select.select_option:select.dishwasher_program"
    )
    pins = {"select.select_option:select.dishwasher_program": {"option": "Intensive 70"}}
    assert unsaid_siblings("set the dishwasher to intensive", fns, pins, flat_catalog) == {
        "button.press:button.dishwasher_start"
    }
    assert unsaid_siblings("set the dishwasher to intensive and start it", fns, pins, flat_catalog) == set()
    assert unsaid_siblings("set the dishwasher to intensive", fns, {}, flat_catalog) == set()


def test_a_volume_level_needs_a_number_or_a_word_for_one(flat_catalog: Catalog) -> None:
    fns = _functions(
        flat_catalog,
        "media_player.volume_set:media_player.office_speaker",
        "media_player.volume_up:media_player.office_speaker",
    )
    assert unasked_services("bit louder on the office speaker", fns, flat_catalog) == {fns[0].key}
    assert fns[0].key not in unasked_services("office speaker volume to half", fns, flat_catalog)
    assert fns[0].key not in unasked_services("office speaker volume to 30 percent", fns, flat_catalog)


def test_a_timer_of_its_own_is_not_a_machines_timer(domains: dict[str, DomainSpec]) -> None:
    """ "Set a timer for twenty minutes for the cookies" had set the dryer's timer."""
    entities = [
        {"id": "number.dryer_timer", "name": "Dryer timer", "area": "utility"},
        {"id": "number.kitchen_timer", "name": "Kitchen timer", "area": "kitchen"},
    ]
    areas = [{"id": "utility", "name": "Utility"}, {"id": "kitchen", "name": "Kitchen"}]
    home = build_catalog(home_from_data({"areas": areas, "entities": entities}), domains)
    fns = [f for f in home.functions if f.tool == "number.set_value"]
    assert unnamed_timers("set a timer for 20 minutes for the cookies", fns, home) == {"number.dryer_timer"}
    assert unnamed_timers("timer for 20 minutes please", fns, home) == {"number.dryer_timer"}
    assert unnamed_timers("set the dryer timer to 60 minutes", fns, home) == set()
    assert unnamed_timers("put a dryer timer on for an hour", fns, home) == set()


def test_on_before_a_players_name_does_not_switch_it_on(flat_catalog: Catalog) -> None:
    fns = _functions(
        flat_catalog,
        "media_player.turn_on:media_player.office_speaker",
        "media_player.media_previous_track:media_player.office_speaker",
    )
    assert fns[0].key in unasked_services("go back a song on the office speaker", fns, flat_catalog)
    for switching in ("turn on the office speaker", "office speaker on please", "put the office speaker on"):
        assert fns[0].key not in unasked_services(switching, fns, flat_catalog), switching
