"""Tests for homefc.domains: the bundled service specs, per-entity argument resolution and spec errors."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from homefc.domains import (
    BUNDLED_DOMAINS,
    READ_SERVICE,
    ArgSchema,
    DomainSpec,
    load_domain_file,
    load_domains,
    resolve_args,
)
from homefc.errors import DomainSpecError
from homefc.home import Entity

REQUIRED_DOMAINS = {
    "light",
    "switch",
    "fan",
    "cover",
    "lock",
    "climate",
    "media_player",
    "vacuum",
    "valve",
    "scene",
    "script",
    "button",
    "sensor",
    "binary_sensor",
    "todo",
    "alarm_control_panel",
    "water_heater",
    "humidifier",
}


@pytest.fixture(scope="module")
def domains() -> dict[str, DomainSpec]:
    return load_domains()


def _entity(entity_id: str, **attributes: Any) -> Entity:
    return Entity(id=entity_id, name=entity_id.split(".", 1)[1].replace("_", " "), attributes=attributes)


def _args_by_name(args: tuple[ArgSchema, ...] | None) -> dict[str, ArgSchema]:
    assert args is not None
    return {a.name: a for a in args}


def _spec_error(path: Path) -> str:
    with pytest.raises(DomainSpecError) as info:
        load_domain_file(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    return message


# --- bundled specs ------------------------------------------------------------------------------


def test_bundled_specs_cover_the_common_domains(domains: dict[str, DomainSpec]) -> None:
    assert set(domains) >= REQUIRED_DOMAINS


def test_bundled_specs_are_keyed_by_their_domain(domains: dict[str, DomainSpec]) -> None:
    for name, spec in domains.items():
        assert spec.domain == name
    assert set(domains) == {p.stem for p in BUNDLED_DOMAINS.glob("*.yaml")}


def test_every_domain_has_a_read_only_get_state(domains: dict[str, DomainSpec]) -> None:
    for spec in domains.values():
        service = spec.services[READ_SERVICE]
        assert service.writes is False, spec.domain
        assert service.confirm is False, spec.domain
        assert service.fields == {}, spec.domain


@pytest.mark.parametrize("domain", ["sensor", "binary_sensor"])
def test_sensors_only_have_get_state(domains: dict[str, DomainSpec], domain: str) -> None:
    assert list(domains[domain].services) == [READ_SERVICE]


def test_unlock_is_guarded_and_lock_is_not(domains: dict[str, DomainSpec]) -> None:
    services = domains["lock"].services
    assert services["unlock"].confirm is True
    assert services["lock"].confirm is False


def test_every_alarm_service_except_get_state_is_guarded(domains: dict[str, DomainSpec]) -> None:
    services = domains["alarm_control_panel"].services
    assert {"arm_home", "arm_away", "disarm"} <= set(services)
    for name, service in services.items():
        assert service.confirm is (name != READ_SERVICE), name


def test_no_service_asks_for_a_code(domains: dict[str, DomainSpec]) -> None:
    for spec in domains.values():
        for name, service in spec.services.items():
            assert "code" not in service.fields, f"{spec.domain}.{name}"


def test_every_domain_service_and_field_is_described(domains: dict[str, DomainSpec]) -> None:
    for spec in domains.values():
        assert spec.description.strip(), spec.domain
        for name, service in spec.services.items():
            assert service.description.strip(), f"{spec.domain}.{name}"
            for field_name, field in service.fields.items():
                assert field.description.strip(), f"{spec.domain}.{name}.{field_name}"


def test_read_only_services_are_not_guarded(domains: dict[str, DomainSpec]) -> None:
    for spec in domains.values():
        for name, service in spec.services.items():
            if not service.writes:
                assert not service.confirm, f"{spec.domain}.{name}"


def test_get_state_is_added_when_a_spec_omits_it() -> None:
    spec = DomainSpec(domain="garage_door", description="A garage door.")
    service = spec.services[READ_SERVICE]
    assert service.writes is False
    assert service.description == "Read the current state and attributes of a garage door."


# --- resolve_args -------------------------------------------------------------------------------


def test_light_without_brightness_gets_no_brightness(domains: dict[str, DomainSpec]) -> None:
    args = resolve_args(domains["light"].services["turn_on"], _entity("light.plain"))
    assert args == ()


def test_dimmable_light_gets_brightness_pct_0_to_100(domains: dict[str, DomainSpec]) -> None:
    args = _args_by_name(resolve_args(domains["light"].services["turn_on"], _entity("light.dim", brightness=128)))
    assert set(args) == {"brightness_pct", "brightness_step_pct"}
    pct = args["brightness_pct"]
    assert pct.type == "integer"
    assert pct.required is False
    assert (pct.minimum, pct.maximum) == (0, 100)
    assert pct.enum is None


def test_colour_temperature_bounds_come_from_the_entity(domains: dict[str, DomainSpec]) -> None:
    entity = _entity(
        "light.ct", brightness=10, color_temp_kelvin=3000, min_color_temp_kelvin=2200, max_color_temp_kelvin=4000
    )
    args = _args_by_name(resolve_args(domains["light"].services["turn_on"], entity))
    kelvin = args["color_temp_kelvin"]
    assert (kelvin.minimum, kelvin.maximum) == (2200, 4000)


def test_climate_hvac_mode_enum_comes_from_the_entity(domains: dict[str, DomainSpec]) -> None:
    entity = _entity("climate.office", hvac_modes=["off", "heat", "auto"])
    args = resolve_args(domains["climate"].services["set_hvac_mode"], entity)
    assert args is not None
    assert [a.name for a in args] == ["hvac_mode"]
    assert args[0].required is True
    assert args[0].enum == ("off", "heat", "auto")


def test_climate_temperature_bounds_come_from_min_and_max_temp(domains: dict[str, DomainSpec]) -> None:
    entity = _entity("climate.office", min_temp=5, max_temp=30.5)
    args = _args_by_name(resolve_args(domains["climate"].services["set_temperature"], entity))
    temperature = args["temperature"]
    assert temperature.type == "number"
    assert temperature.required is True
    assert (temperature.minimum, temperature.maximum) == (5, 30.5)


def test_climate_temperature_falls_back_to_spec_bounds(domains: dict[str, DomainSpec]) -> None:
    service = domains["climate"].services["set_temperature"]
    spec_field = service.fields["temperature"]
    for entity in (_entity("climate.a"), _entity("climate.b", min_temp="cold", max_temp=True)):
        args = _args_by_name(resolve_args(service, entity))
        assert (args["temperature"].minimum, args["temperature"].maximum) == (spec_field.minimum, spec_field.maximum)


def test_service_with_missing_required_attribute_does_not_apply(domains: dict[str, DomainSpec]) -> None:
    entity = _entity("climate.office", hvac_modes=["off", "heat"])
    assert resolve_args(domains["climate"].services["set_fan_mode"], entity) is None
    assert resolve_args(domains["lock"].services["open"], _entity("lock.door")) is None
    assert resolve_args(domains["lock"].services["open"], _entity("lock.door", supports_open=True)) == ()


def test_required_field_with_empty_enum_source_does_not_apply(domains: dict[str, DomainSpec]) -> None:
    service = domains["climate"].services["set_hvac_mode"]
    assert resolve_args(service, _entity("climate.office", hvac_modes=[])) is None
    assert resolve_args(service, _entity("climate.office", hvac_modes="heat")) is None


def test_enum_values_are_text(domains: dict[str, DomainSpec]) -> None:
    entity = _entity("vacuum.robot", fan_speed_list=[1, 2, 3])
    args = resolve_args(domains["vacuum"].services["set_fan_speed"], entity)
    assert args is not None
    assert args[0].enum == ("1", "2", "3")


def test_arg_json_schema() -> None:
    text = ArgSchema(name="item", type="string", required=True, description="Item.", max_length=80)
    assert text.json_schema() == {"type": "string", "description": "Item.", "maxLength": 80}
    number = ArgSchema(name="t", type="number", required=True, minimum=5.0, maximum=30.0)
    assert number.json_schema() == {"type": "number", "minimum": 5.0, "maximum": 30.0}
    choice = ArgSchema(name="mode", type="string", required=True, enum=("a", "b"))
    assert choice.json_schema() == {"type": "string", "enum": ["a", "b"]}


# --- spec files and errors ----------------------------------------------------------------------


GOOD_SPEC = """\
domain: gate
description: A garden gate.
services:
  open:
    description: Open the gate.
    confirm: true
"""


def test_a_valid_spec_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "gate.yaml"
    path.write_text(GOOD_SPEC, encoding="utf-8")
    spec = load_domain_file(path)
    assert spec.domain == "gate"
    assert list(spec.services) == ["open", READ_SERVICE]
    assert spec.services["open"].confirm is True
    assert load_domains(tmp_path) == {"gate": spec}


def test_malformed_spec_file_is_a_one_line_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "gate.yaml"
    path.write_text("domain: gate\nservices:\n  open: [unclosed\n  close: {}\n", encoding="utf-8")
    message = _spec_error(path)
    assert "invalid YAML" in message


def test_spec_whose_domain_differs_from_the_file_name_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "door.yaml"
    path.write_text(GOOD_SPEC, encoding="utf-8")
    assert _spec_error(path) == f"{path}: domain 'gate' does not match the file name"


def test_unknown_key_in_a_spec_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "gate.yaml"
    path.write_text(GOOD_SPEC.replace("    confirm: true\n", "    confirm: true\n    colour: red\n"), encoding="utf-8")
    message = _spec_error(path)
    assert "services.open.colour" in message


def test_unknown_field_type_in_a_spec_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "gate.yaml"
    text = GOOD_SPEC + "    fields:\n      angle:\n        type: array\n        description: Angle.\n"
    path.write_text(text, encoding="utf-8")
    assert "services.open.fields.angle.type" in _spec_error(path)


def test_service_without_description_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "gate.yaml"
    path.write_text("domain: gate\ndescription: A gate.\nservices:\n  open: {}\n", encoding="utf-8")
    assert "services.open.description" in _spec_error(path)


def test_broken_file_among_bundled_specs_fails_the_whole_load(tmp_path: Path) -> None:
    directory = tmp_path / "domains"
    shutil.copytree(BUNDLED_DOMAINS, directory)
    broken = directory / "light.yaml"
    broken.write_text("domain: light\ndescription: [\n", encoding="utf-8")
    with pytest.raises(DomainSpecError) as info:
        load_domains(directory)
    assert str(info.value).startswith(str(broken))
    assert "\n" not in str(info.value)


def test_directory_without_specs_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(DomainSpecError) as info:
        load_domains(tmp_path)
    assert str(info.value) == f"{tmp_path}: no domain spec files (*.yaml)"
