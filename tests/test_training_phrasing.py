"""Generated phrasing beyond the templates: shorter names must stay unambiguous, spoken wrappers must not change
what the run time's rules see, and hand-written case files get their expectations from their reference calls."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from homefc.catalog import build_catalog
from homefc.domains import DomainSpec
from homefc.eval.cases import load_case_file
from homefc.eval.runner import Evaluator
from homefc.home import Home, load_home
from homefc.homegen import generate_home
from homefc.references import has_action
from homefc.retrieval import Candidate
from homefc.rules import HERE, narrow
from homefc.splits import split_clauses
from training.expect import fill_file
from training.requests import RequestMaker, _holds, load_templates

DEVSETS = Path(__file__).parent.parent / "training" / "devsets"


@pytest.fixture(scope="module")
def home() -> Home:
    """A generated home of the training kind (a seed no recipe uses)."""
    return generate_home(140, seed=424242)


def test_short_names_name_one_device(home: Home, domains: dict[str, DomainSpec]) -> None:
    maker = RequestMaker(home, build_catalog(home, domains), load_templates(), random.Random(1))
    seen = 0
    for entity in home.entities:
        for short in maker.short_names(entity):
            seen += 1
            others = [e for e in home.entities if e.id != entity.id]
            room, _, head = short.rpartition(" ")
            if short == maker.noun(entity):
                assert not any(_holds(n, short) for e in others for n in [e.name, *e.aliases]), short
            else:
                area = home.area(entity.area)
                assert area is not None and room in [area.name.lower(), *(a.lower() for a in area.aliases)], short
                same_room = [e for e in others if e.area == entity.area]
                assert not any(_holds(n, head) for e in same_room for n in [e.name, *e.aliases]), short
    assert seen > 20


def test_a_room_with_two_lights_gets_no_room_light_name(domains: dict[str, DomainSpec], flat: Home) -> None:
    maker = RequestMaker(flat, build_catalog(flat, domains), load_templates(), random.Random(1))
    kitchen_lights = [e for e in flat.entities if e.area == "kitchen" and e.domain == "light"]
    assert len(kitchen_lights) > 1
    for entity in kitchen_lights:
        assert not any(
            s.endswith(" light") and s.startswith(("kitchen", "kitchenette")) for s in maker.short_names(entity)
        )


def test_spoken_wrappers_leave_the_rules_unchanged(home: Home, domains: dict[str, DomainSpec]) -> None:
    catalog = build_catalog(home, domains)
    candidates = [Candidate(fn, 0.0, 0.0) for fn in catalog.functions if fn.entity_id]
    plain = RequestMaker(home, catalog, load_templates(), random.Random(3))
    spoken = RequestMaker(home, catalog, load_templates(), random.Random(4), spoken_share=1.0)
    checked, changed = 0, []
    for _ in range(300):
        request = plain.simple()
        if request is None:
            continue
        wrapped = spoken.spoken(request.text, [c["name"] for c in request.calls])
        kept, pins = narrow(request.text, candidates, catalog)
        kept_spoken, pins_spoken = narrow(wrapped, candidates, catalog)
        if [c.function.key for c in kept] != [c.function.key for c in kept_spoken] or pins != pins_spoken:
            changed.append((request.text, wrapped))
        checked += 1
    assert changed == []
    assert checked > 200


def test_reasons_ask_for_nothing() -> None:
    reasons = load_templates()["spoken"]["reasons"]
    for tool, said in reasons.items():
        for reason in said:
            assert not has_action(reason), (tool, reason)
            assert not HERE.search(reason), (tool, reason)
            assert split_clauses(f"{reason}, turn off the lamp") == [f"{reason}, turn off the lamp"]


def test_spoken_share_zero_changes_nothing(home: Home, domains: dict[str, DomainSpec]) -> None:
    catalog = build_catalog(home, domains)
    a = RequestMaker(home, catalog, load_templates(), random.Random(9))
    b = RequestMaker(home, catalog, load_templates(), random.Random(9), short_name_share=0.0, spoken_share=0.0)
    assert [(r.text, r.calls) if r else None for r in (a.draw() for _ in range(50))] == [
        (r.text, r.calls) if r else None for r in (b.draw() for _ in range(50))
    ]


def test_spoken_keeps_decimals(home: Home, domains: dict[str, DomainSpec]) -> None:
    maker = RequestMaker(home, build_catalog(home, domains), load_templates(), random.Random(0), spoken_share=1.0)
    outs = {maker.spoken("Set the bedroom radiator to 18.5, please.") for _ in range(40)}
    assert all("18.5" in o for o in outs)
    assert any(o == o.lower() and "," not in o for o in outs)


def test_expectations_come_from_replaying_the_reference_calls(
    tmp_path: Path, flat: Home, domains: dict[str, DomainSpec]
) -> None:
    (tmp_path / "flat.yaml").write_text(
        (Path(__file__).parent.parent / "homefc/devices/homes/flat.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    cases = {
        "home": "flat.yaml",
        "tests": [
            {
                "sentences": ["big light a touch dimmer"],
                "reference_calls": [
                    {
                        "name": "light.turn_on",
                        "arguments": {"entity_id": "light.living_room_ceiling", "brightness_step_pct": -10},
                    }
                ],
            },
            {
                "sentences": ["kitchen light on"],
                "setup": {"light.kitchen_ceiling": {"state": "off"}},
                "reference_calls": [{"name": "light.turn_on", "arguments": {"entity_id": "light.kitchen_ceiling"}}],
            },
            {
                "sentences": ["is the front door locked"],
                "reference_calls": [{"name": "lock.get_state", "arguments": {"entity_id": "lock.front_door"}}],
            },
            {"sentences": ["tell me a joke"], "reference_calls": []},
        ],
    }
    path = tmp_path / "dev.cases.yaml"
    path.write_text(yaml.safe_dump(cases), encoding="utf-8")
    assert fill_file(path, domains) == 4
    filled = yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]
    assert filled[0]["expect_changes"] == {"light.living_room_ceiling": {"attributes": {"brightness": 178}}}
    assert filled[1]["expect_changes"]["light.kitchen_ceiling"]["state"] == "on"
    assert filled[2]["expect_changes"] == {} and filled[2]["expect_reads"] == ["lock.front_door"]
    assert filled[3]["expect_changes"] == {} and "expect_reads" not in filled[3]
    records = Evaluator(domains).run(load_case_file(path))
    assert [r.passed for r in records] == [True] * 4


@pytest.mark.parametrize(
    # rounds.dialogues.yaml (top level) reads before it acts, which a replay of reference calls does not.
    "path",
    sorted([*DEVSETS.glob("**/*.cases.yaml"), *DEVSETS.glob("*/*.dialogues.yaml")]),
    ids=lambda p: p.stem,
)
def test_development_cases_are_self_consistent(path: Path, domains: dict[str, DomainSpec]) -> None:
    loaded = load_case_file(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "home" in data:
        home = load_home(path.parent / data["home"])
        tests = getattr(loaded.cases, "tests", [])  # a dialogue file's turns are checked by the replay alone
        assert all(c.reference_calls is not None for c in tests if c.expect_changes or c.expect_reads)
        assert home.entities
    failures = [f"#{r.case} {r.sentence!r}: {r.reason}" for r in Evaluator(domains).run(loaded) if not r.passed]
    assert failures == []
