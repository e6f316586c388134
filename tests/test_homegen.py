"""Tests for the home generator and the bundled example flat."""

from __future__ import annotations

from pathlib import Path

import pytest

from homefc.home import bundled_home, load_home, write_home
from homefc.homegen import generate_home

SIZES = (60, 500, 2000)


@pytest.fixture(scope="module", params=SIZES)
def generated(request: pytest.FixtureRequest):
    return request.param, generate_home(request.param, seed=7)


def test_exact_entity_count(generated) -> None:
    n, home = generated
    assert len(home.entities) == n


def test_unique_ids(generated) -> None:
    _, home = generated
    for items in (home.areas, home.devices, home.entities):
        ids = [item.id for item in items]
        assert len(ids) == len(set(ids))
    names = [e.name.lower() for e in home.entities]
    assert len(names) == len(set(names))


def test_many_domains_and_areas(generated) -> None:
    n, home = generated
    assert len({e.domain for e in home.entities}) >= 12
    assert len(home.areas) >= 8
    if n >= 500:
        assert len(home.areas) > 20


def test_references_and_areas_resolve(generated) -> None:
    _, home = generated
    area_ids = {a.id for a in home.areas}
    device_ids = {d.id for d in home.devices}
    used_devices = {e.device for e in home.entities if e.device}
    assert used_devices == device_ids  # no device without entities
    assert all(e.area in area_ids for e in home.entities if e.area is not None)
    assert sum(e.area is not None for e in home.entities) > 0.9 * len(home.entities)


def test_same_name_repeated_per_room(generated) -> None:
    _, home = generated
    ceiling = [e for e in home.entities if e.name.endswith(" ceiling light")]
    assert len({e.area for e in ceiling}) >= 2
    assert any(e.aliases for e in home.entities)
    assert sum(d.name == "Ceiling light" for d in home.devices) >= 2


def test_conventions(generated) -> None:
    _, home = generated
    lights = [e for e in home.entities if e.domain == "light"]
    assert any("brightness" in e.attributes for e in lights)
    assert any("brightness" not in e.attributes for e in lights) or len(lights) < 10
    for e in home.entities:
        if e.domain == "climate":
            assert e.state in e.attributes["hvac_modes"]
            assert e.attributes["min_temp"] <= e.attributes["temperature"] <= e.attributes["max_temp"]
        elif e.domain == "light" and "brightness" in e.attributes:
            assert 0 <= e.attributes["brightness"] <= 255
        elif e.domain == "sensor":
            float(e.state)
        elif e.domain == "select":
            assert e.state in e.attributes["options"]
        elif e.domain == "todo":
            assert int(e.state) == len(e.attributes["items"])


def test_deterministic_for_seed() -> None:
    assert generate_home(500, seed=3).model_dump() == generate_home(500, seed=3).model_dump()


def test_seeds_differ() -> None:
    assert generate_home(500, seed=1).model_dump() != generate_home(500, seed=2).model_dump()


@pytest.mark.parametrize("n", [1, 61, 1234, 5000])
def test_other_sizes(n: int) -> None:
    assert len(generate_home(n, seed=n).entities) == n


def test_write_home_round_trip(tmp_path: Path) -> None:
    home = generate_home(500, seed=11)
    path = tmp_path / "home.yaml"
    write_home(home, path)
    assert load_home(path).model_dump() == home.model_dump()


def test_flat_round_trip(tmp_path: Path) -> None:
    home = load_home(bundled_home("flat"))
    path = tmp_path / "flat.yaml"
    write_home(home, path)
    assert load_home(path).model_dump() == home.model_dump()


def test_flat_counts() -> None:
    home = load_home(bundled_home("flat"))
    assert len(home.entities) >= 75
    assert len(home.areas) >= 10
    assert len({e.domain for e in home.entities}) >= 15
    assert len(home.devices) >= 25
    assert all(1 <= len(a.aliases) <= 3 for a in home.areas)
    ceiling = [e for e in home.entities if e.name.lower().endswith("ceiling light")]
    assert len({e.area for e in ceiling}) >= 2


def test_flat_named_entities() -> None:
    home = load_home(bundled_home("flat"))
    kitchen = home.entity("light.kitchen_ceiling")
    assert kitchen is not None
    assert kitchen.name == "Kitchen ceiling light"
    assert kitchen.area == "kitchen"
    assert "brightness" in kitchen.attributes
    for entity_id in (
        "light.living_room_ceiling",
        "cover.living_room_blind",
        "lock.front_door",
        "climate.living_room",
        "media_player.living_room_tv",
        "vacuum.robot",
        "todo.shopping_list",
    ):
        assert home.entity(entity_id) is not None, entity_id
    lights = [e for e in home.entities if e.domain == "light"]
    assert any("rgb_color" in e.attributes for e in lights)
    assert any("brightness" not in e.attributes for e in lights)
    blinds = [
        e
        for e in home.entities
        if e.device and e.domain == "cover" and next(d for d in home.devices if d.id == e.device).name == "Window blind"
    ]
    assert len({e.area for e in blinds}) >= 2
