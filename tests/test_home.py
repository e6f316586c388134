"""Tests for homefc.home: the inventory models, loading YAML/JSON homes and one-line load errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from homefc.errors import HomeError
from homefc.home import Home, bundled_home, home_from_data, keep_names, load_home


@pytest.fixture(scope="module")
def flat() -> Home:
    return load_home(bundled_home())


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _load_error(path: Path) -> str:
    with pytest.raises(HomeError) as info:
        load_home(path)
    message = str(info.value)
    assert "\n" not in message
    return message


def _data_error(data: Any, source: str = "home.yaml") -> str:
    with pytest.raises(HomeError) as info:
        home_from_data(data, source=source)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{source}: ")
    return message


MINIMAL: dict[str, Any] = {
    "areas": [{"id": "kitchen", "name": "Kitchen"}],
    "devices": [{"id": "plug1", "name": "Smart plug", "area": "kitchen"}],
    "entities": [
        {"id": "switch.kettle", "name": "Kettle", "device": "plug1"},
        {"id": "light.kitchen", "name": "Kitchen light", "area": "kitchen"},
    ],
}


# --- the bundled flat ---------------------------------------------------------------------------


def test_bundled_flat_is_a_sizeable_home(flat: Home) -> None:
    assert len(flat.entities) >= 60
    assert len({e.domain for e in flat.entities}) >= 12
    assert len(flat.areas) >= 8


def test_bundled_flat_ids_are_unique(flat: Home) -> None:
    for items in (flat.areas, flat.devices, flat.entities):
        ids = [item.id for item in items]
        assert len(ids) == len(set(ids))


def test_bundled_flat_entity_lookup(flat: Home) -> None:
    entity = flat.entity("light.kitchen_ceiling")
    assert entity is not None
    assert entity.domain == "light"
    assert entity.object_id == "kitchen_ceiling"
    assert flat.entity("light.does_not_exist") is None
    assert flat.area("kitchen") is not None
    assert flat.area(None) is None


def test_bundled_flat_entities_without_area_inherit_the_device_area(flat: Home) -> None:
    devices = flat.index.devices
    inherited = [e for e in flat.entities if e.device is not None and devices[e.device].area is not None]
    assert inherited
    for entity in inherited:
        assert entity.area is not None


# --- models -------------------------------------------------------------------------------------


def test_entity_without_area_inherits_its_device_area() -> None:
    home = home_from_data(MINIMAL)
    kettle = home.entity("switch.kettle")
    assert kettle is not None
    assert kettle.area == "kitchen"


def test_discovered_entities_keep_the_files_names_aliases_and_areas() -> None:
    named = home_from_data(
        {
            "name": "Our flat",
            "areas": [{"id": "kitchen", "name": "Kitchen", "aliases": ["kitchenette"]}, {"id": "loft", "name": "Loft"}],
            "entities": [{"id": "switch.kettle", "name": "Kettle", "aliases": ["tea maker"], "area": "kitchen"}],
        }
    )
    found = home_from_data(
        {
            "areas": [{"id": "kitchen", "name": "kitchen"}, {"id": "garage", "name": "Garage"}],
            "entities": [
                {"id": "switch.kettle", "name": "Plug 0x00158d", "area": "garage"},
                {"id": "light.new_bulb", "name": "New bulb", "area": "garage"},
            ],
        }
    )
    home = keep_names(found, named)
    kettle, bulb = home.entity("switch.kettle"), home.entity("light.new_bulb")
    assert kettle is not None and (kettle.name, kettle.aliases, kettle.area) == ("Kettle", ["tea maker"], "kitchen")
    assert bulb is not None and (bulb.name, bulb.area) == ("New bulb", "garage")  # unknown to the file: as found
    kitchen = home.area("kitchen")
    assert kitchen is not None and kitchen.aliases == ["kitchenette"]
    assert sorted(a.id for a in home.areas) == ["garage", "kitchen"] and home.name == "Our flat"  # no empty loft


def test_entity_area_overrides_device_area() -> None:
    data = {
        "areas": [{"id": "kitchen", "name": "Kitchen"}, {"id": "hall", "name": "Hall"}],
        "devices": [{"id": "plug1", "name": "Smart plug", "area": "kitchen"}],
        "entities": [{"id": "switch.kettle", "name": "Kettle", "device": "plug1", "area": "hall"}],
    }
    assert home_from_data(data).entities[0].area == "hall"


def test_entity_without_area_or_device_has_no_area() -> None:
    home = home_from_data({"entities": [{"id": "script.good_night", "name": "Good night"}]})
    assert home.entities[0].area is None
    assert home.name == "Home"


def test_unknown_keys_are_ignored() -> None:
    data = {
        "name": "Test",
        "floors": [1, 2],
        "areas": [{"id": "kitchen", "name": "Kitchen", "colour": "blue"}],
        "entities": [{"id": "light.kitchen", "name": "Kitchen light", "area": "kitchen", "icon": "mdi:bulb"}],
    }
    home = home_from_data(data)
    assert home.name == "Test"
    assert [e.id for e in home.entities] == ["light.kitchen"]
    assert not hasattr(home.entities[0], "icon")


@pytest.mark.parametrize(
    ("given", "stored"),
    [(True, "on"), (False, "off"), (21.5, "21.5"), (3, "3"), ("heat", "heat")],
)
def test_state_is_stored_as_text(given: object, stored: str) -> None:
    home = home_from_data({"entities": [{"id": "sensor.x", "name": "X", "state": given}]})
    assert home.entities[0].state == stored


def test_yaml_on_off_states_are_stored_as_text(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "home.yaml",
        "entities:\n  - id: switch.a\n    name: A\n    state: on\n  - id: sensor.t\n    name: T\n    state: 21.5\n",
    )
    assert [e.state for e in load_home(path).entities] == ["on", "21.5"]


def test_yaml_timestamp_state_is_stored_as_text(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "home.yaml", "entities:\n  - id: scene.a\n    name: A\n    state: 2024-11-29T20:14:03+00:00\n"
    )
    assert load_home(path).entities[0].state == "2024-11-29T20:14:03+00:00"


def test_json_home_loads(tmp_path: Path) -> None:
    path = tmp_path / "home.json"
    path.write_text(json.dumps(MINIMAL), encoding="utf-8")
    home = load_home(path)
    assert [e.id for e in home.entities] == ["switch.kettle", "light.kitchen"]
    assert [e.area for e in home.entities] == ["kitchen", "kitchen"]


def test_load_home_accepts_a_string_path(tmp_path: Path) -> None:
    path = tmp_path / "home.json"
    path.write_text(json.dumps(MINIMAL), encoding="utf-8")
    assert len(load_home(str(path)).entities) == 2


# --- load errors --------------------------------------------------------------------------------


def test_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert _load_error(path) == f"{path}: file not found"


def test_directory_is_a_one_line_error(tmp_path: Path) -> None:
    message = _load_error(tmp_path)
    assert message.startswith(f"{tmp_path}: ")
    assert "directory" in message


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "home.yaml", "name: x\nareas:\n  - id: [oops\n    name: y\n")
    message = _load_error(path)
    assert message.startswith(f"{path}:4:")
    assert "invalid YAML" in message


def test_malformed_json_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "home.json", '{\n  "areas": [\n    {"id": "a",}\n  ]\n}\n')
    message = _load_error(path)
    assert message.startswith(f"{path}:3:")
    assert "invalid JSON" in message


def test_non_utf8_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "home.yaml"
    path.write_bytes(b"name: \xff\xfe caf\xe9\n")
    message = _load_error(path)
    assert message.startswith(f"{path}: cannot read: ")
    assert "utf-8" in message


def test_top_level_list_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path / "home.yaml", "- id: light.a\n  name: A\n")
    message = _load_error(path)
    assert message == f"{path}: expected a mapping with areas/devices/entities, got list"


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path / "home.yaml", "")
    assert _load_error(path) == f"{path}: expected a mapping with areas/devices/entities, got NoneType"


def test_bad_entity_id_names_entry_and_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "home.yaml",
        "entities:\n  - id: light.ok\n    name: OK\n  - id: Not An Id\n    name: Bad\n",
    )
    message = _load_error(path)
    assert message.startswith(f"{path}: ")
    assert "entities[1]" in message
    assert "(Not An Id).id:" in message


def test_missing_entity_name_names_entry_and_field() -> None:
    message = _data_error({"entities": [{"id": "light.a"}]})
    assert "entities[0] (light.a).name:" in message


def test_unknown_area_reference_names_entity_and_area() -> None:
    data = {
        "areas": [{"id": "kitchen", "name": "Kitchen"}],
        "entities": [{"id": "light.attic", "name": "Attic light", "area": "attic"}],
    }
    assert _data_error(data) == "home.yaml: entities[0] (light.attic).area: unknown area 'attic'"


def test_unknown_device_area_reference_is_rejected() -> None:
    data = {"devices": [{"id": "plug1", "name": "Plug", "area": "attic"}]}
    assert _data_error(data) == "home.yaml: devices[0] (plug1).area: unknown area 'attic'"


def test_unknown_device_reference_names_entity_and_device() -> None:
    data = {
        "devices": [{"id": "plug1", "name": "Plug"}],
        "entities": [{"id": "switch.a", "name": "A", "device": "plug2"}],
    }
    assert _data_error(data) == "home.yaml: entities[0] (switch.a).device: unknown device 'plug2'"


def test_duplicate_entity_ids_are_rejected() -> None:
    data = {
        "entities": [
            {"id": "light.a", "name": "A"},
            {"id": "light.b", "name": "B"},
            {"id": "light.a", "name": "A again"},
        ]
    }
    assert _data_error(data) == "home.yaml: entities[2] (light.a): duplicate id"


def test_duplicate_area_ids_are_rejected() -> None:
    data = {"areas": [{"id": "kitchen", "name": "Kitchen"}, {"id": "kitchen", "name": "Kitchen 2"}]}
    assert _data_error(data) == "home.yaml: areas[1] (kitchen): duplicate id"


def test_load_error_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "home.yaml", "entities:\n  - id: light.a\n    name: A\n    area: nowhere\n")
    assert _load_error(path) == f"{path}: entities[0] (light.a).area: unknown area 'nowhere'"
