"""The virtual home applies every domain's services the way Home Assistant does."""

from __future__ import annotations

from typing import Any

import pytest

from homefc.calls import Call
from homefc.domains import DomainSpec
from homefc.home import Home, home_from_data
from homefc.virtual_home import VirtualHome, VirtualHomeError, diff

HOME = {
    "areas": [{"id": "lab", "name": "Lab"}],
    "entities": [
        {"id": "light.dim", "name": "Dim", "state": "off", "attributes": {"brightness": 100}},
        {
            "id": "light.rgb",
            "name": "RGB",
            "state": "on",
            "attributes": {
                "brightness": 200,
                "rgb_color": [1, 2, 3],
                "color_mode": "rgb",
                "color_temp_kelvin": 3000,
                "min_color_temp_kelvin": 2200,
                "max_color_temp_kelvin": 6500,
            },
        },
        {"id": "light.plain", "name": "Plain", "state": "off"},
        {"id": "switch.plug", "name": "Plug", "state": "off"},
        {
            "id": "fan.desk",
            "name": "Fan",
            "state": "off",
            "attributes": {
                "percentage": 0,
                "oscillating": False,
                "direction": "forward",
                "preset_modes": ["auto", "sleep"],
            },
        },
        {
            "id": "cover.blind",
            "name": "Blind",
            "state": "closed",
            "attributes": {"current_position": 0, "current_tilt_position": 0},
        },
        {"id": "cover.garage", "name": "Garage", "state": "closed"},
        {"id": "lock.door", "name": "Door", "state": "locked", "attributes": {"supports_open": True}},
        {
            "id": "climate.room",
            "name": "Radiator",
            "state": "off",
            "attributes": {
                "hvac_modes": ["off", "heat", "auto"],
                "temperature": 20,
                "min_temp": 7,
                "max_temp": 30,
                "fan_modes": ["low", "high"],
                "fan_mode": "low",
                "preset_modes": ["eco", "comfort"],
                "preset_mode": "eco",
            },
        },
        {
            "id": "media_player.tv",
            "name": "TV",
            "state": "off",
            "attributes": {
                "volume_level": 0.3,
                "is_volume_muted": False,
                "source_list": ["HDMI 1", "Netflix"],
                "source": "HDMI 1",
                "media_track": 3,
            },
        },
        {
            "id": "vacuum.robo",
            "name": "Robo",
            "state": "docked",
            "attributes": {"fan_speed_list": ["quiet", "max"], "fan_speed": "quiet"},
        },
        {"id": "valve.water", "name": "Water", "state": "closed", "attributes": {"current_position": 0}},
        {"id": "scene.movie", "name": "Movie", "state": "unknown"},
        {"id": "script.bye", "name": "Bye", "state": "off"},
        {"id": "button.ring", "name": "Ring", "state": "unknown"},
        {"id": "sensor.temp", "name": "Temp", "state": "21.5", "attributes": {"unit_of_measurement": "°C"}},
        {"id": "binary_sensor.door", "name": "Door contact", "state": "off"},
        {"id": "todo.shop", "name": "Shop", "state": "2", "attributes": {"items": ["eggs", "milk"]}},
        {"id": "alarm_control_panel.home", "name": "Alarm", "state": "disarmed"},
        {
            "id": "water_heater.boiler",
            "name": "Boiler",
            "state": "eco",
            "attributes": {
                "temperature": 50,
                "min_temp": 30,
                "max_temp": 70,
                "operation_list": ["off", "eco", "electric"],
                "operation_mode": "eco",
                "away_mode": "off",
            },
        },
        {
            "id": "humidifier.air",
            "name": "Air",
            "state": "off",
            "attributes": {
                "humidity": 40,
                "min_humidity": 30,
                "max_humidity": 70,
                "available_modes": ["normal", "eco"],
                "mode": "normal",
            },
        },
        {"id": "number.desk", "name": "Desk", "state": "70", "attributes": {"min": 60, "max": 120}},
        {"id": "select.mode", "name": "Mode", "state": "a", "attributes": {"options": ["a", "b", "c"]}},
        {"id": "siren.hall", "name": "Siren", "state": "off"},
        {"id": "input_boolean.guest", "name": "Guest", "state": "off"},
    ],
}

# (call name, arguments besides entity_id, entity, expected {state?, attributes?}); None = no change at all.
CASES: list[tuple[str, dict[str, Any], str, dict[str, Any] | None]] = [
    ("light.turn_on", {}, "light.dim", {"state": "on"}),
    ("light.turn_on", {"brightness_pct": 50}, "light.dim", {"state": "on", "attributes": {"brightness": 128}}),
    ("light.turn_on", {"brightness_pct": 30}, "light.dim", {"state": "on", "attributes": {"brightness": 76}}),
    ("light.turn_on", {"brightness_pct": 0}, "light.rgb", {"state": "off", "attributes": {"brightness": 0}}),
    ("light.turn_on", {"brightness_step_pct": 20}, "light.rgb", {"attributes": {"brightness": 251}}),
    ("light.turn_on", {"brightness_step_pct": 50}, "light.rgb", {"attributes": {"brightness": 255}}),
    ("light.turn_on", {"brightness_step_pct": -100}, "light.rgb", {"state": "off", "attributes": {"brightness": 0}}),
    ("light.turn_on", {"color_name": "red"}, "light.rgb", {"attributes": {"rgb_color": [255, 0, 0]}}),
    (
        "light.turn_on",
        {"color_temp_kelvin": 2700},
        "light.rgb",
        {"attributes": {"color_temp_kelvin": 2700, "color_mode": "color_temp"}},
    ),
    ("light.turn_on", {}, "light.plain", {"state": "on"}),
    ("light.turn_off", {}, "light.rgb", {"state": "off"}),
    ("light.toggle", {}, "light.rgb", {"state": "off"}),
    ("light.toggle", {}, "light.dim", {"state": "on"}),
    ("light.get_state", {}, "light.rgb", None),
    ("switch.turn_on", {}, "switch.plug", {"state": "on"}),
    ("switch.toggle", {}, "switch.plug", {"state": "on"}),
    ("fan.turn_on", {}, "fan.desk", {"state": "on", "attributes": {"percentage": 100}}),
    ("fan.set_percentage", {"percentage": 40}, "fan.desk", {"state": "on", "attributes": {"percentage": 40}}),
    ("fan.increase_speed", {}, "fan.desk", {"state": "on", "attributes": {"percentage": 25}}),
    ("fan.oscillate", {"oscillating": True}, "fan.desk", {"attributes": {"oscillating": True}}),
    ("fan.set_direction", {"direction": "reverse"}, "fan.desk", {"attributes": {"direction": "reverse"}}),
    (
        "fan.set_preset_mode",
        {"preset_mode": "sleep"},
        "fan.desk",
        {"state": "on", "attributes": {"preset_mode": "sleep"}},
    ),
    ("cover.open_cover", {}, "cover.blind", {"state": "open", "attributes": {"current_position": 100}}),
    (
        "cover.set_cover_position",
        {"position": 30},
        "cover.blind",
        {"state": "open", "attributes": {"current_position": 30}},
    ),
    (
        "cover.set_cover_tilt_position",
        {"tilt_position": 45},
        "cover.blind",
        {"attributes": {"current_tilt_position": 45}},
    ),
    ("cover.open_cover_tilt", {}, "cover.blind", {"attributes": {"current_tilt_position": 100}}),
    ("cover.open_cover", {}, "cover.garage", {"state": "open"}),
    ("cover.stop_cover", {}, "cover.garage", None),
    ("lock.unlock", {}, "lock.door", {"state": "unlocked"}),
    ("lock.open", {}, "lock.door", {"state": "open"}),
    ("climate.set_temperature", {"temperature": 22.5}, "climate.room", {"attributes": {"temperature": 22.5}}),
    ("climate.set_hvac_mode", {"hvac_mode": "auto"}, "climate.room", {"state": "auto"}),
    ("climate.turn_on", {}, "climate.room", {"state": "heat"}),
    ("climate.set_fan_mode", {"fan_mode": "high"}, "climate.room", {"attributes": {"fan_mode": "high"}}),
    ("climate.set_preset_mode", {"preset_mode": "comfort"}, "climate.room", {"attributes": {"preset_mode": "comfort"}}),
    ("media_player.turn_on", {}, "media_player.tv", {"state": "on"}),
    ("media_player.media_pause", {}, "media_player.tv", {"state": "paused"}),
    ("media_player.volume_set", {"volume_level": 0.55}, "media_player.tv", {"attributes": {"volume_level": 0.55}}),
    ("media_player.volume_up", {}, "media_player.tv", {"attributes": {"volume_level": 0.4}}),
    ("media_player.volume_down", {}, "media_player.tv", {"attributes": {"volume_level": 0.2}}),
    (
        "media_player.volume_mute",
        {"is_volume_muted": True},
        "media_player.tv",
        {"attributes": {"is_volume_muted": True}},
    ),
    ("media_player.select_source", {"source": "Netflix"}, "media_player.tv", {"attributes": {"source": "Netflix"}}),
    ("media_player.media_next_track", {}, "media_player.tv", {"attributes": {"media_track": 4}}),
    ("vacuum.start", {}, "vacuum.robo", {"state": "cleaning"}),
    ("vacuum.return_to_base", {}, "vacuum.robo", {"state": "returning"}),
    ("vacuum.set_fan_speed", {"fan_speed": "max"}, "vacuum.robo", {"attributes": {"fan_speed": "max"}}),
    ("valve.open_valve", {}, "valve.water", {"state": "open", "attributes": {"current_position": 100}}),
    ("valve.set_valve_position", {"position": 0}, "valve.water", None),
    ("scene.turn_on", {}, "scene.movie", {"state": "activated"}),
    ("script.turn_on", {}, "script.bye", {"state": "on"}),
    ("button.press", {}, "button.ring", {"state": "pressed"}),
    ("sensor.get_state", {}, "sensor.temp", None),
    ("binary_sensor.get_state", {}, "binary_sensor.door", None),
    (
        "todo.add_item",
        {"item": "bread"},
        "todo.shop",
        {"state": "3", "attributes": {"items": ["eggs", "milk", "bread"]}},
    ),
    ("todo.remove_item", {"item": "eggs"}, "todo.shop", {"state": "1", "attributes": {"items": ["milk"]}}),
    (
        "todo.update_item",
        {"item": "milk", "status": "completed"},
        "todo.shop",
        {"state": "1", "attributes": {"items": ["eggs"]}},
    ),
    ("todo.get_items", {}, "todo.shop", None),
    ("alarm_control_panel.arm_away", {}, "alarm_control_panel.home", {"state": "armed_away"}),
    ("alarm_control_panel.trigger", {}, "alarm_control_panel.home", {"state": "triggered"}),
    ("water_heater.set_temperature", {"temperature": 60}, "water_heater.boiler", {"attributes": {"temperature": 60}}),
    (
        "water_heater.set_operation_mode",
        {"operation_mode": "electric"},
        "water_heater.boiler",
        {"state": "electric", "attributes": {"operation_mode": "electric"}},
    ),
    ("water_heater.set_away_mode", {"away_mode": True}, "water_heater.boiler", {"attributes": {"away_mode": "on"}}),
    ("water_heater.turn_off", {}, "water_heater.boiler", {"state": "off"}),
    ("humidifier.turn_on", {}, "humidifier.air", {"state": "on"}),
    ("humidifier.set_humidity", {"humidity": 55}, "humidifier.air", {"attributes": {"humidity": 55}}),
    ("humidifier.set_mode", {"mode": "eco"}, "humidifier.air", {"attributes": {"mode": "eco"}}),
    ("number.set_value", {"value": 95}, "number.desk", {"state": "95"}),
    ("select.select_option", {"option": "c"}, "select.mode", {"state": "c"}),
    ("select.select_next", {}, "select.mode", {"state": "b"}),
    ("select.select_previous", {}, "select.mode", {"state": "c"}),
    ("siren.turn_on", {}, "siren.hall", {"state": "on"}),
    ("input_boolean.toggle", {}, "input_boolean.guest", {"state": "on"}),
]


@pytest.fixture()
def vhome(domains: dict[str, DomainSpec]) -> VirtualHome:
    home: Home = home_from_data(HOME, source="test")
    return VirtualHome(home, domains)


@pytest.mark.parametrize(
    ("name", "args", "entity", "expected"), CASES, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)]
)
def test_service_changes_exactly_the_expected_state(
    vhome: VirtualHome, name: str, args: dict[str, Any], entity: str, expected: dict[str, Any] | None
) -> None:
    before = vhome.snapshot()
    vhome.apply(Call(name=name, arguments={"entity_id": entity, **args}))
    changes = diff(before, vhome.snapshot())
    if expected is None:
        assert changes == {}
        return
    assert set(changes) == {entity}
    change = changes[entity]
    if "state" in expected:
        assert change.state is not None and change.state[1] == expected["state"]
    else:
        assert change.state is None
    assert {k: v[1] for k, v in change.attributes.items()} == expected.get("attributes", {})


def test_every_writing_service_of_every_domain_is_pinned(domains: dict[str, DomainSpec]) -> None:
    pinned = {c[0] for c in CASES}
    unpinned_ok = {
        "cover.close_cover",
        "cover.close_cover_tilt",
        "valve.close_valve",
        "valve.stop_valve",
        "lock.lock",
        "light.turn_off",
        "switch.turn_off",
        "fan.turn_off",
        "fan.toggle",
        "fan.decrease_speed",
        "climate.turn_off",
        "media_player.turn_off",
        "media_player.media_play",
        "media_player.media_stop",
        "media_player.media_previous_track",
        "vacuum.pause",
        "vacuum.stop",
        "vacuum.locate",
        "vacuum.clean_spot",
        "script.turn_off",
        "alarm_control_panel.arm_home",
        "alarm_control_panel.arm_night",
        "alarm_control_panel.arm_vacation",
        "alarm_control_panel.disarm",
        "water_heater.turn_on",
        "humidifier.turn_off",
        "humidifier.toggle",
        "siren.turn_off",
        "siren.toggle",
        "input_boolean.turn_on",
        "input_boolean.turn_off",
        "switch.toggle",
        "lock.unlock",
    }
    domains_pinned = {name.split(".")[0] for name in pinned}
    assert domains_pinned == set(domains)
    for domain, spec in domains.items():
        for service, svc in spec.services.items():
            if svc.writes and svc.effects:
                assert f"{domain}.{service}" in pinned | unpinned_ok, f"{domain}.{service} has no test"


def test_read_calls_change_nothing(vhome: VirtualHome) -> None:
    before = vhome.snapshot()
    for entity in vhome.states:
        vhome.apply(Call(name=f"{entity.split('.')[0]}.get_state", arguments={"entity_id": entity}))
    assert diff(before, vhome.snapshot()) == {}


def test_setup_overrides_state_and_merges_attributes(vhome: VirtualHome) -> None:
    vhome.setup({"light.rgb": {"state": False, "attributes": {"brightness": 10}}})
    state = vhome.read("light.rgb")
    assert state.state == "off"
    assert state.attributes["brightness"] == 10 and state.attributes["color_mode"] == "rgb"


def test_unknown_entity_and_wrong_domain_are_errors(vhome: VirtualHome) -> None:
    with pytest.raises(VirtualHomeError, match="unknown entity"):
        vhome.apply(Call(name="light.turn_on", arguments={"entity_id": "light.nope"}))
    with pytest.raises(VirtualHomeError, match="does not apply"):
        vhome.apply(Call(name="light.turn_on", arguments={"entity_id": "switch.plug"}))
    with pytest.raises(VirtualHomeError, match="unknown service"):
        vhome.apply(Call(name="switch.explode", arguments={"entity_id": "switch.plug"}))
    with pytest.raises(VirtualHomeError, match="unknown entity"):
        vhome.setup({"light.nope": {"state": "on"}})


def test_snapshot_is_independent_of_later_changes(vhome: VirtualHome) -> None:
    before = vhome.snapshot()
    vhome.apply(Call(name="todo.add_item", arguments={"entity_id": "todo.shop", "item": "tea"}))
    assert before["todo.shop"].attributes["items"] == ["eggs", "milk"]
