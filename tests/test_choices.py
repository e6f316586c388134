"""Choices the words name: a device's listed modes, presets, sources and options (homefc.choices)."""

from __future__ import annotations

import pytest

from homefc.assistant import Assistant
from homefc.catalog import Catalog
from homefc.choices import said_choices, value_score
from homefc.retrieval import Candidate
from homefc.rules import narrow


@pytest.mark.parametrize(
    ("value", "values", "said", "score"),
    [
        ("BBC Radio 4", ["BBC Radio 4", "BBC Radio 2"], "put radio 4 on", 1),  # "4" is its own word
        ("BBC Radio 2", ["BBC Radio 4", "BBC Radio 2"], "put radio 4 on", 0),
        ("heat", ["off", "heat", "cool"], "turn the heating on", 1),  # a word with an ending
        ("off", ["off", "heat"], "turn the office up", 0),  # not "off" + "ice"
        ("heat_cool", ["heat", "heat_cool", "cool"], "set it to heat cool", 3),  # said whole: one more
        ("heat", ["heat", "heat_cool", "cool"], "set it to heat cool", 2),
        ("Netflix", ["TV", "Netflix"], "stick netflix on", 2),
        ("Line-in", ["Line-in", "Spotify"], "i'm in a rush, turn the alarm off", 0),  # "in" says no value
        ("On", ["On", "Off", "Auto"], "set the fan switch to on", 2),  # a value of such words only: said whole
        ("On", ["On", "Off", "Auto"], "set the fan switch to auto", 0),
    ],
)
def test_value_scores(value: str, values: list[str], said: str, score: int) -> None:
    assert value_score(value, values, said) == score


def _said(catalog: Catalog, text: str, *keys: str) -> tuple[dict, set[str], set[str]]:
    functions = [f for f in catalog.functions if f.key in keys]
    assert len(functions) == len(keys)
    names = {}
    home = catalog.home
    assert home is not None
    for f in functions:
        entity = home.entity(f.entity_id or "")
        assert entity is not None
        names[entity.id] = [entity.name, *entity.aliases]
    found = said_choices(text, functions, names)
    return found.pins, found.exact, found.unsaid


def test_a_source_said_is_pinned_and_one_not_said_rules_the_service_out(flat_catalog: Catalog) -> None:
    key = "media_player.select_source:media_player.living_room_tv"
    assert _said(flat_catalog, "stick netflix on the telly", key) == ({key: {"source": "Netflix"}}, {key}, set())
    # "tv" is the device's own name, not its source "TV"
    assert _said(flat_catalog, "turn on the tv in the kitchen", key) == ({}, set(), {key})
    speaker = "media_player.select_source:media_player.living_room_speaker"
    pins, exact, unsaid = _said(flat_catalog, "switch the sonos to the radio", speaker)
    assert pins == {speaker: {"source": "Radio FM4"}} and not exact and not unsaid  # said in part: the model decides


def test_an_opener_says_no_option(flat_catalog: Catalog) -> None:
    programme = "select.select_option:select.dishwasher_program"
    assert _said(flat_catalog, "quick one: open the kitchen blind", programme) == ({}, set(), {programme})
    pinned = {programme: {"option": "Quick 45"}}
    assert _said(flat_catalog, "dishwasher on quick 45", programme) == (pinned, {programme}, set())


def test_a_value_said_as_people_shorten_it_is_the_request(flat_catalog: Catalog) -> None:
    programme = "select.select_option:select.dishwasher_program"
    pinned = {programme: {"option": "Auto 45-65"}}
    assert _said(flat_catalog, "dishwasher on auto 45 please", programme) == (pinned, {programme}, set())
    assert _said(flat_catalog, "dishwasher on auto", programme) == (pinned, set(), set())  # one word: the model decides


def test_modes_and_presets(flat_catalog: Catalog) -> None:
    fan = "fan.set_preset_mode:fan.bedroom"
    assert _said(flat_catalog, "bedroom fan on night mode", fan) == ({fan: {"preset_mode": "night"}}, {fan}, set())
    humid = "humidifier.set_mode:humidifier.bedroom"
    assert _said(flat_catalog, "switch the bedroom humidifier on", humid) == ({}, set(), {humid})
    hvac = "climate.set_hvac_mode:climate.bedroom"
    # "off" is also plain switching: pinned, but turn_off stays
    assert _said(flat_catalog, "turn the bedroom radiator off", hvac) == ({hvac: {"hvac_mode": "off"}}, set(), set())
    # two values said: nothing pinned, the service stays
    assert _said(flat_catalog, "bedroom humidifier to auto or sleep", humid) == ({}, set(), set())


def test_a_value_said_whole_leaves_only_its_service(flat_catalog: Catalog) -> None:
    candidates = [Candidate(f, 0.0, 0.0) for f in flat_catalog.functions if f.entity_id == "fan.bedroom"]
    kept, pins = narrow("put the bedroom fan on night", candidates, flat_catalog)
    assert [c.function.tool for c in kept] == ["fan.set_preset_mode"]
    assert pins["fan.set_preset_mode:fan.bedroom"] == {"preset_mode": "night"}
    # said in part, the entity keeps its other services: the model decides
    kept, pins = narrow("bedroom fan on, it's for the nights", candidates, flat_catalog)
    assert {"fan.turn_on", "fan.set_preset_mode"} <= {c.function.tool for c in kept}
    assert pins["fan.set_preset_mode:fan.bedroom"] == {"preset_mode": "night"}
    climate = [Candidate(f, 0.0, 0.0) for f in flat_catalog.functions if f.entity_id == "climate.bedroom"]
    kept, _ = narrow("turn the bedroom heating on", climate, flat_catalog)
    assert "climate.turn_on" in {c.function.tool for c in kept}
    assert not {"climate.set_preset_mode", "climate.set_hvac_mode"} & {c.function.tool for c in kept}  # none said


def test_the_shipped_model_sets_the_preset_said(tuned: Assistant) -> None:
    result = tuned.ask("put the bedroom fan on night")
    assert [(c.name, c.arguments) for c in result.calls] == [
        ("fan.set_preset_mode", {"entity_id": "fan.bedroom", "preset_mode": "night"})
    ]
