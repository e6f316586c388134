"""Conditions and copied settings read from the words of a request (homefc.nested)."""

from __future__ import annotations

from homefc.nested import Condition, SameAs, condition, fold_object, same_as, state_is, value_phrase


def test_a_leading_condition_names_its_device() -> None:
    cond = condition("If the garage door is open, close it.")
    assert cond == Condition("the garage door", "open", "close it") and not cond.on_target
    assert condition("if the porch light's still on then turn it off") == Condition(
        "the porch light", "on", "turn it off"
    )
    it_first = condition("if it's open, close the lounge blind")
    assert it_first is not None and it_first.on_target and it_first.action == "close the lounge blind"


def test_a_trailing_condition_is_about_the_device_the_action_names() -> None:
    cond = condition("close the lounge blind if it's open")
    assert cond == Condition("it", "open", "close the lounge blind") and cond.on_target
    assert condition("turn the study light off if it\u2019s on please") == Condition(
        "it", "on", "turn the study light off"
    )
    assert condition("shut the bedroom window blind if it is still open") == Condition(
        "it", "open", "shut the bedroom window blind"
    )
    assert condition("pause the kitchen radio, but only if it's playing.") == Condition(
        "it", "playing", "pause the kitchen radio"
    )
    lights = condition("switch off the hall lights if they're on")
    assert lights is not None and lights.on_target and lights.state == "on"


def test_the_object_named_before_it_takes_its_place() -> None:
    assert condition("check the hallway light and switch it off if it's on") == Condition(
        "it", "on", "switch the hallway light off"
    )
    assert condition("the coffee machine, switch it off if it's still on") == Condition(
        "it", "on", "switch the coffee machine off"
    )
    assert fold_object("turn off the hall light") == "turn off the hall light"
    assert fold_object("check the weather and tell me") == "check the weather and tell me"


def test_sentences_that_are_not_conditions_stay_requests() -> None:
    assert condition("turn on the porch light when I'm home") is None
    assert condition("turn on the fan if it's hot") is None  # not a state a device reports
    assert condition("close the blind if the sun is out") is None
    assert condition("what if the door is open") is None
    assert condition("is the garage door open") is None


def test_copied_settings_in_three_phrasings() -> None:
    assert same_as("set the bedroom to the same temperature as the living room") == SameAs(
        "set the bedroom", "temperature", "living room"
    )
    assert same_as("make the bedroom radiator as warm as the office radiator") == SameAs(
        "set the bedroom radiator", "warm", "office radiator"
    )
    assert same_as("open the bedroom blackout blind as far as the kids room curtain") == SameAs(
        "set the bedroom blackout blind", "far", "kids room curtain"
    )
    assert same_as("run the Dyson just as fast as the extractor is") == SameAs("set the Dyson", "fast", "extractor")
    assert same_as("copy the towel rail temperature to the kids room radiator") == SameAs(
        "set the kids room radiator", "temperature", "towel rail"
    )
    assert same_as("match the bedroom fan speed to the extractor") == SameAs(
        "set the bedroom fan", "speed", "extractor"
    )
    assert same_as("set the office speaker volume to match the kitchen speaker") == SameAs(
        "set the office speaker", "volume", "kitchen speaker"
    )
    assert same_as("set the bedroom to 21 degrees") is None
    assert same_as("set the bedroom temperature to 21") is None
    assert same_as("set the kitchen light brightness to max") is None
    assert same_as("make the desk lamp as bright as possible") is None
    assert same_as("set the lights to the same as before") is None
    assert same_as("turn on the lamp") is None
    assert same_as("as loud as the kitchen speaker") is None  # no device to set


def test_conditions_compare_states_and_copies_say_values_as_requests_do() -> None:
    assert state_is("cover.blind", "opening", "open") and not state_is("cover.blind", "closed", "open")
    assert state_is("fan.extractor", "on", "running") and not state_is("fan.extractor", "off", "running")
    assert state_is("binary_sensor.window", "on", "open") and state_is("binary_sensor.window", "off", "closed")
    assert not state_is("light.hall", None, "on")
    assert value_phrase("heat", {"temperature": 21.5}, "warm") == "21.5 degrees"
    assert value_phrase("on", {"volume_level": 0.4}, "loud") == "40% volume"
    assert value_phrase("on", {"percentage": 100}, "fast") == "100%"
    assert value_phrase("open", {"current_position": 80}, "far") == "80%"
    assert value_phrase("on", {"brightness": 255}, "bright") == "100% brightness"
    assert value_phrase("19.5", {}, "temperature") == "19.5 degrees"
    assert value_phrase("on", {"is_on": True}, None) is None
