"""Requests whose words imply the devices (homefc/implied.py): a dark room's lights, a place's thermometer."""

from __future__ import annotations

from homefc.assistant import Assistant
from homefc.calls import Call
from homefc.catalog import Catalog
from homefc.implied import dark_room_lights, measured_reads, reads_the_place


def test_the_lights_of_a_dark_room_are_asked_again(flat_catalog: Catalog) -> None:
    """Words that ask for light without saying so get the named (or the speaker's) room's lights on a retry."""
    on = [f.key for f in dark_room_lights("I can't see a thing in here", flat_catalog, "kids_room")]
    assert on == ["light.turn_on:light.kids_room_ceiling", "light.turn_on:light.night_light"]
    assert [f.key for f in dark_room_lights("it's pitch black in the loo", flat_catalog)] == [
        "light.turn_on:light.guest_wc"
    ]
    assert dark_room_lights("I can't see a thing in here", flat_catalog) == []
    assert dark_room_lights("the kids room is cold", flat_catalog, "kids_room") == []
    # A question, or words that say what to do, leave it to the model.
    assert dark_room_lights("why is it so dark in here", flat_catalog, "kids_room") == []
    assert dark_room_lights("it's pitch black in the loo, open the blind", flat_catalog) == []


def test_a_question_of_what_a_sensor_measures_reads_the_places_sensor(flat_catalog: Catalog) -> None:
    def keys(text: str, area: str | None = None) -> list[str]:
        return [f.key for f in measured_reads(text, flat_catalog, area)]

    assert keys("how cold is it outside?") == ["sensor.get_state:sensor.balcony_temperature"]
    assert keys("what's the temperature in the study") == ["sensor.get_state:sensor.office_temperature"]
    assert keys("is it humid in here", "bathroom") == ["sensor.get_state:sensor.bathroom_humidity"]
    # A statement, no place, or two quantities: the model decides.
    assert keys("it's freezing in here", "bedroom") == []
    assert keys("how cold is it") == []
    assert keys("is it hot and humid in the bedroom?") == []
    assert keys("is the hot water on in the bathroom?") == []


def test_a_read_of_the_same_place_answers_the_question(flat_catalog: Catalog) -> None:
    reads = measured_reads("how warm is it in the lounge?", flat_catalog)
    thermostat = Call(name="climate.get_state", arguments={"entity_id": "climate.living_room"})
    elsewhere = Call(name="sensor.get_state", arguments={"entity_id": "sensor.bedroom_temperature"})
    assert reads_the_place([thermostat], reads, flat_catalog)
    assert not reads_the_place([elsewhere], reads, flat_catalog)
    assert not reads_the_place([], reads, flat_catalog)
    # A thermostat says the temperature, not the humidity: the room's humidity sensor answers that.
    humid = measured_reads("how humid is it in the bathroom?", flat_catalog)
    towel_rail = Call(name="climate.get_state", arguments={"entity_id": "climate.bathroom"})
    assert humid and not reads_the_place([towel_rail], humid, flat_catalog)


def test_how_cold_outside_reads_the_outdoor_thermometer(tuned: Assistant) -> None:
    """ "How cold is it outside?" once read the living room's thermometer, and in another home was refused."""
    result = tuned.ask("how cold is it outside?", context_area="living_room")
    assert [c.render() for c in result.calls] == ['sensor.get_state(entity_id="sensor.balcony_temperature")']
