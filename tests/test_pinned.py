"""A request whose words fix a value of the one device of the room named is asked again when the model answers."""

from __future__ import annotations

from homefc.assistant import Assistant
from homefc.catalog import Catalog
from homefc.onedevice import pinned_device
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
    result = tuned.ask("could you make it a bit warmer in the office")
    call = 'climate.set_temperature(entity_id="climate.office", temperature=22.5)'
    assert [c.render() for c in result.calls] == [call]
    assert result.stats["pinned_retry"] == 1  # the first pass answered instead
    oven = tuned.ask("make the oven in the kitchen a bit warmer")
    assert not oven.calls and oven.answer and "pinned_retry" not in oven.stats
