"""The text rules a conversation uses: pronouns, "… too", yes/no, choices, state questions."""

from __future__ import annotations

import pytest

from homefc.catalog import Catalog
from homefc.references import (
    StateQuestion,
    choose,
    distinguishing,
    ellipsis,
    find_area,
    is_no,
    is_yes,
    owner_pronouns,
    self_corrected,
    state_question,
    substitute,
)


def test_pronouns_become_the_names_they_point_at() -> None:
    names = ["the sofa lamp", "the desk lamp"]
    assert substitute("turn those off", names) == "turn the sofa lamp and the desk lamp off"
    assert substitute("dim it to 20%", names[:1]) == "dim the sofa lamp to 20%"
    assert substitute("turn that off", names[:1]) == "turn the sofa lamp off"
    assert substitute("is that light on", names[:1]) is None  # "that light" names a device itself
    assert substitute("turn off the hall light", names) is None
    assert substitute("turn it off", []) is None


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("and the hall too", "the hall"),
        ("the kitchen as well", "the kitchen"),
        ("what about the bedroom?", "the bedroom"),
        ("also the desk lamp", "the desk lamp"),
        ("and turn on the hall light", None),  # says what to do: a request of its own
        ("the kitchen", None),  # no marker that it repeats anything
    ],
)
def test_a_repeated_action_is_recognised_by_its_marker(text: str, rest: str | None) -> None:
    assert ellipsis(text) == rest


def test_yes_and_no() -> None:
    assert is_yes("Yes please") and is_yes("ok") and is_yes("yeah, do it")
    assert is_no("no") and is_no("cancel that") and is_no("never mind")
    assert not is_yes("no") and not is_no("yes") and not is_yes("turn on the lamp")


def test_state_questions() -> None:
    assert state_question("What's on in the living room?") == state_question("what is on in the living room")
    question = state_question("which lights are on in the kitchen")
    assert question is not None and (question.state, question.area_text) == ("on", "kitchen")
    assert question.domains == ("light",) and not question.here
    here = state_question("which blinds are open here?")
    assert here is not None and here.here and here.domains == ("cover",) and here.area_text is None
    assert state_question("what's on in here") == StateQuestion("on", None, True, ())
    assert state_question("what's open?") is not None and state_question("turn on the light") is None


def test_answers_to_which_one(flat_catalog: Catalog) -> None:
    options = ["light.sofa_lamp", "light.desk_lamp", "light.bedside_lamp_left"]
    assert choose(options, "the sofa one", flat_catalog) == ["light.sofa_lamp"]
    assert choose(options, "the second one", flat_catalog) == ["light.desk_lamp"]
    assert choose(options, "both", flat_catalog) == options
    assert choose(options, "the one in the office", flat_catalog) == ["light.desk_lamp"]
    assert choose(options, "the purple one", flat_catalog) == []
    area = find_area(flat_catalog, "the lounge")
    assert area is not None and area.id == "living_room"
    assert not distinguishing(flat_catalog, "turn on the lamp", options)
    assert distinguishing(flat_catalog, "turn on the sofa lamp", options)


def test_his_or_her_after_an_owner_the_home_names_things_by_is_that_owner(flat_catalog: Catalog) -> None:
    said = "close Mia's curtains and turn her night light off, she's asleep"
    assert owner_pronouns(said, flat_catalog) == "close Mia's curtains and turn Mia's night light off, she's asleep"
    # The owner said by name alone.
    assert owner_pronouns("Mia wants her night light on", flat_catalog) == "Mia wants Mia's night light on"
    for whole in (
        "turn off her light",  # no owner said
        "turn on Bob's lamp and his fan",  # nothing in the home is Bob's
        "turn on Mia's light, Anna's lamp and her heating",  # two owners: whose?
    ):
        assert owner_pronouns(whole, flat_catalog) == whole
    # A transcript drops the apostrophe: the home's owner gets it back, other words ending in s keep theirs.
    assert owner_pronouns("mias night light on", flat_catalog) == "mia's night light on"
    assert owner_pronouns("turn the lights on", flat_catalog) == "turn the lights on"


def test_a_correction_at_the_end_replaces_the_number_or_room(flat_catalog: Catalog) -> None:
    assert self_corrected("set the office to 19 no sorry 21", flat_catalog) == "set the office to 21"
    assert self_corrected("set the office to 19 no sorry twenty one", flat_catalog) == "set the office to 21"
    assert self_corrected("turn on the lamp in the kitchen oh no wait it's the hall", flat_catalog) == (
        "turn on the lamp in the hall"
    )
    for whole in ("turn the lamp on sorry", "sorry turn the lamp on", "set it to 20 no sorry the bedroom one"):
        assert self_corrected(whole, flat_catalog) == whole
