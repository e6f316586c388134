"""A request whose words fix a value of the one device of the room named is asked again when the model answers."""

from __future__ import annotations

from homefc.assistant import Assistant
from homefc.catalog import Catalog, build_catalog
from homefc.domains import DomainSpec
from homefc.home import home_from_data
from homefc.onedevice import pinned_device, speakers_own
from homefc.retrieval import Candidate
from homefc.rules import narrow


def _pinned(catalog: Catalog, text: str, area: str | None = None) -> set[str]:
    candidates = [Candidate(f, 0.0, 0.0) for f in catalog.functions if f.entity_id]
    kept, pins = narrow(text, candidates, catalog)
    return pinned_device(text, [c.function for c in kept], pins, catalog, area)


def test_the_one_device_whose_value_the_words_fix(flat_catalog: Catalog) -> None:
    assert _pinned(flat_catalog, "make it a bit warmer in the office") == {"climate.office"}
    assert _pinned(flat_catalog, "make it a bit warmer in here", "bedroom") == {"climate.bedroom"}
    assert _pinned(flat_catalog, "make it a bit warmer") == set()  # no room: every thermostat is pinned
    assert _pinned(flat_catalog, "make it a bit warmer in here") == set()  # "here" without a speaker's room
    assert _pinned(flat_catalog, "turn on the light in the office") == set()  # nothing fixed
    # words for something else: the thermostat is not what is asked for
    assert _pinned(flat_catalog, "make the oven in the kitchen a bit warmer") == set()
    assert _pinned(flat_catalog, "turn the fridge in the kitchen up a degree") == set()
    assert _pinned(flat_catalog, "turn the kitchen heating up 1 degree please") == {"climate.kitchen"}


def test_the_model_is_asked_again_when_it_answers(tuned: Assistant) -> None:
    result = tuned.ask("could you set it to 21 in the study")  # the office's alias
    call = 'climate.set_temperature(entity_id="climate.office", temperature=21)'
    assert [c.render() for c in result.calls] == [call]
    assert result.stats["pinned_retry"] == 1  # the first pass answered instead
    oven = tuned.ask("make the oven in the kitchen a bit warmer")
    assert not oven.calls and oven.answer and "pinned_retry" not in oven.stats


def test_a_kind_said_once_is_the_speakers_own_device(domains: dict[str, DomainSpec]) -> None:
    areas = [{"id": "priyas_room", "name": "Priya's room"}, {"id": "lounge", "name": "Lounge"}]
    entities = [
        {"id": "cover.priyas_blind", "name": "Priya's blind", "area": "priyas_room"},
        {"id": "cover.lounge_blind", "name": "Lounge blind", "area": "lounge"},
        {"id": "cover.lounge_blind_2", "name": "Lounge blind 2", "area": "lounge"},
        {"id": "light.lounge_lamp", "name": "Lounge lamp", "area": "lounge"},
    ]
    catalog = build_catalog(home_from_data({"areas": areas, "entities": entities}), domains)
    offered = [Candidate(f, 0.5, 0.5) for f in catalog.functions if f.tool in ("cover.close_cover", "light.turn_off")]

    def kept(text: str, area: str | None = "priyas_room") -> list[str]:
        return sorted(c.function.entity_id or "" for c in speakers_own(text, offered, catalog, area))

    assert kept("close the blind") == ["cover.priyas_blind", "light.lounge_lamp"]
    everything = sorted(c.function.entity_id or "" for c in offered)
    assert kept("close the blind", None) == everything  # no speaker's room
    assert kept("close the lounge blind") == everything  # a room named
    assert kept("close the blinds") == everything  # more than one
    assert kept("close the blind", "lounge") == everything  # two of them there
