"""What a generated home's devices are made of: entity specs per device template, with realistic names,
states, attributes and aliases (homefc.homegen places them in rooms)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

Attrs = dict[str, Any]
Spec = tuple[str, str, str, Attrs, tuple[str, ...]]  # domain, name suffix, state, attributes, alias ideas
Maker = Callable[[random.Random, str], list[Spec]]  # (rng, room kind) -> entity specs

PLUGS = {  # what hangs on a smart plug, by room kind
    "kitchen": ("coffee machine", "kettle", "toaster", "microwave"),
    "office": ("printer", "monitor", "3D printer"),
    "living": ("Christmas tree", "aquarium", "record player", "fan heater"),
    "gym": ("treadmill", "rowing machine"),
    "bedroom": ("electric blanket", "fan heater", "charger"),
    "garden": ("pool pump", "fountain", "mower charger"),
    "utility": ("tumble dryer", "freezer", "dehumidifier"),
    "garage": ("EV charger", "chest freezer", "compressor"),
}
MAKERS = (
    ("Philips", "Hue"),
    ("IKEA", "TRADFRI"),
    ("Aqara", "T1"),
    ("Shelly", "Plus 1PM"),
    ("Tuya", "TS011F"),
    ("Sonoff", "ZBMINI"),
    ("Danfoss", "Ally"),
    ("Eve", "Energy"),
    ("Nous", "A1Z"),
    ("Bosch", "Smart Home II"),
)


def _s(domain: str, suffix: str, state: str, attrs: Attrs | None = None, aliases: tuple[str, ...] = ()) -> Spec:
    return (domain, suffix, state, attrs or {}, aliases)


def _num(r: random.Random, lo: float, hi: float, digits: int = 0) -> str:
    return str(round(r.uniform(lo, hi), digits)) if digits else str(r.randint(int(lo), int(hi)))


def _light_attrs(r: random.Random, style: str) -> Attrs:
    if style == "onoff":
        return {}
    attrs: Attrs = {"brightness": r.randint(3, 255), "color_mode": "brightness"}
    if style in ("ct", "colour"):
        lo, hi = r.choice((2000, 2200, 2700)), r.choice((5000, 6500))
        attrs.update(
            color_mode="color_temp",
            color_temp_kelvin=r.randrange(lo, hi, 100),
            min_color_temp_kelvin=lo,
            max_color_temp_kelvin=hi,
        )
    if style in ("colour", "rgb"):
        attrs["rgb_color"] = [r.randint(0, 255) for _ in range(3)]
        if style == "rgb" or r.random() < 0.5:
            attrs["color_mode"] = "rgb"
    return attrs


def _lamp(suffix: str, styles: tuple[str, ...], aliases: tuple[str, ...] = ()) -> Maker:
    def make(r: random.Random, kind: str) -> list[Spec]:
        state = "on" if r.random() < 0.35 else "off"
        return [_s("light", suffix, state, _light_attrs(r, r.choice(styles)), aliases)]

    return make


def _sensor(suffix: str, device_class: str, unit: str, lo: float, hi: float, digits: int = 0) -> Maker:
    return lambda r, kind: [
        _s("sensor", suffix, _num(r, lo, hi, digits), {"unit_of_measurement": unit, "device_class": device_class})
    ]


def _binary(suffix: str, dc: str, p_on: float = 0.1) -> Maker:
    return lambda r, kind: [_s("binary_sensor", suffix, "on" if r.random() < p_on else "off", {"device_class": dc})]


def _combo(*makers: Maker) -> Maker:
    return lambda r, kind: [spec for make in makers for spec in make(r, kind)]


def _climate(ac: bool) -> Maker:
    def make(r: random.Random, kind: str) -> list[Spec]:
        target = r.choice((17.0, 18.0, 19.0, 20.0, 20.5, 21.0, 21.5, 22.0) if not ac else (19.0, 21.0, 23.0, 25.0))
        attrs: Attrs = {
            "hvac_modes": ["off", "cool", "heat", "auto", "heat_cool"] if ac else ["heat", "off"],
            "temperature": target,
            "current_temperature": round(target + r.uniform(-2, 2), 1),
            "min_temp": 16 if ac else 5,
            "max_temp": 30,
        }
        if ac:
            attrs.update(fan_modes=["auto", "low", "medium", "high"], fan_mode=r.choice(("auto", "low", "high")))
        else:
            attrs.update(preset_modes=["comfort", "eco", "away"], preset_mode=r.choice(("comfort", "eco")))
        state = r.choice(("off", "off", "cool", "auto") if ac else ("heat", "heat", "heat", "off"))
        return [_s("climate", "air conditioner" if ac else "radiator", state, attrs, ("AC",) if ac else ("heating",))]

    return make


def _cover(suffix: str, device_class: str, positions: bool = True, tilt: bool = False, domain: str = "cover") -> Maker:
    def make(r: random.Random, kind: str) -> list[Spec]:
        attrs: Attrs = {"device_class": device_class}
        pos = r.choice((0, 0, 30, 50, 80, 100, 100))
        if positions:
            attrs["current_position"] = pos
        if tilt and r.random() < 0.5:
            attrs["current_tilt_position"] = r.choice((0, 50, 100))
        state = ("open" if pos else "closed") if positions else r.choice(("open", "closed", "closed", "opening"))
        return [_s(domain, suffix, state, attrs, ("shade",) if device_class == "blind" else ())]

    return make


def _plug(r: random.Random, kind: str) -> list[Spec]:
    thing = r.choice(PLUGS.get(kind, ("heater", "charger", "lamp")))
    on = r.random() < 0.4
    return [
        _s("switch", thing, "on" if on else "off", None, ("plug",)),
        _s(
            "sensor",
            f"{thing} power",
            _num(r, 5, 2200, 1) if on else "0.0",
            {"unit_of_measurement": "W", "device_class": "power"},
        ),
    ]


def _media(suffix: str, sources: tuple[str, ...], aliases: tuple[str, ...]) -> Maker:
    def make(r: random.Random, kind: str) -> list[Spec]:
        state = r.choice(("off", "off", "on", "playing", "paused", "idle"))
        attrs: Attrs = {
            "volume_level": round(r.random(), 2),
            "is_volume_muted": r.random() < 0.1,
            "source_list": list(sources),
            "source": r.choice(sources),
        }
        if state in ("playing", "paused"):
            attrs["media_title"] = r.choice(("Morning news", "Clair de Lune", "Planet Earth", "Jazz FM", "Tatort"))
        return [_s("media_player", suffix, state, attrs, aliases)]

    return make


def _fan(suffix: str, full: bool) -> Maker:
    def make(r: random.Random, kind: str) -> list[Spec]:
        attrs: Attrs = {"percentage": r.choice((0, 33, 66, 100))}
        if full:
            attrs.update(
                preset_modes=["auto", "night", "breeze"],
                preset_mode=r.choice(("auto", "night")),
                oscillating=r.random() < 0.5,
                direction=r.choice(("forward", "reverse")),
            )
        return [_s("fan", suffix, r.choice(("on", "off", "off")), attrs)]

    return make


def _humidifier(r: random.Random, kind: str) -> list[Spec]:
    attrs = {
        "humidity": r.choice((40, 45, 50, 55)),
        "min_humidity": 30,
        "max_humidity": 80,
        "mode": r.choice(("auto", "sleep")),
        "available_modes": ["auto", "sleep", "low", "high"],
    }
    return [_s("humidifier", "humidifier", r.choice(("on", "off")), attrs)]


def _appliance(name: str, programmes: tuple[str, ...]) -> Maker:
    return lambda r, kind: [
        _s("select", f"{name} programme", r.choice(programmes), {"options": list(programmes)}),
        _s("sensor", f"{name} remaining time", _num(r, 0, 180), {"unit_of_measurement": "min"}),
        _s("button", f"start {name}", r.choice(("unknown", "2024-11-28T21:02:11+00:00"))),
    ]


def _vacuum(r: random.Random, kind: str) -> list[Spec]:
    attrs = {
        "fan_speed_list": ["quiet", "balanced", "turbo", "max"],
        "fan_speed": r.choice(("quiet", "balanced")),
        "battery_level": r.randint(15, 100),
    }
    return [
        _s(
            "vacuum",
            "robot vacuum",
            r.choice(("docked", "cleaning", "returning", "paused", "idle")),
            attrs,
            ("hoover", "vacuum cleaner"),
        ),
        _s("button", "find robot vacuum", "unknown"),
    ]


def _boiler(r: random.Random, kind: str) -> list[Spec]:
    ops = ["eco", "comfort", "boost", "off"]
    attrs = {
        "temperature": r.choice((45, 50, 55, 60)),
        "min_temp": 35,
        "max_temp": 65,
        "operation_list": ops,
        "operation_mode": r.choice(ops[:3]),
        "away_mode": r.choice(("on", "off")),
    }
    return [_s("water_heater", "hot water", attrs["operation_mode"], attrs, ("boiler", "water heater"))]


def _helper(domain: str, suffixes: tuple[str, ...]) -> Maker:
    states = {"scene": ("unknown", "2024-11-29T20:14:03+00:00"), "script": ("off",), "input_boolean": ("on", "off")}
    return lambda r, kind: [_s(domain, r.choice(suffixes), r.choice(states[domain]))]


_BATTERY = _sensor("sensor battery", "battery", "%", 5, 100)
TEMPLATES: dict[str, tuple[str | None, Maker]] = {
    "ceiling": ("Ceiling light", _lamp("ceiling light", ("onoff", "dim", "dim", "ct", "colour"), ("big light",))),
    "pendant": ("Pendant light", _lamp("pendant light", ("dim", "ct"), ("lamp over the table",))),
    "spots": ("Spotlights", _lamp("spotlights", ("dim", "ct"), ("downlights",))),
    "lamp": ("Floor lamp", _lamp("floor lamp", ("dim", "ct", "colour"), ("reading lamp", "standing lamp"))),
    "table_lamp": ("Table lamp", _lamp("table lamp", ("onoff", "dim", "colour"), ("little lamp",))),
    "bedside": ("Bedside lamp", _lamp("bedside lamp", ("dim", "ct"), ("bed lamp",))),
    "desk_lamp": ("Desk lamp", _lamp("desk lamp", ("dim", "ct"))),
    "night_light": ("Night light", _lamp("night light", ("rgb", "colour"))),
    "mirror": ("Mirror light", _lamp("mirror light", ("onoff",))),
    "strip": ("LED strip", _lamp("LED strip", ("rgb", "colour"), ("backlight", "light strip"))),
    "outdoor_light": ("Outdoor light", _lamp("lights", ("onoff", "dim"), ("outside lights",))),
    "radiator": ("Radiator thermostat", _climate(ac=False)),
    "aircon": ("Air conditioner", _climate(ac=True)),
    "climate": (
        "Climate sensor",
        _combo(
            _sensor("temperature", "temperature", "°C", 16, 26, 1),
            _sensor("humidity", "humidity", "%", 30, 70),
            _BATTERY,
        ),
    ),
    "co2": (
        "Air quality monitor",
        _combo(_sensor("CO2", "co2", "ppm", 420, 1800), _sensor("air temperature", "temperature", "°C", 17, 25, 1)),
    ),
    "motion": (
        "Motion sensor",
        _combo(_binary("motion", "motion", 0.2), _sensor("light level", "illuminance", "lx", 0, 800)),
    ),
    "presence": ("Presence sensor", _binary("presence", "occupancy", 0.3)),
    "window": ("Window sensor", _binary("window", "window", 0.15)),
    "door": ("Door sensor", _binary("door contact", "door", 0.1)),
    "smoke": ("Smoke detector", _binary("smoke detector", "smoke", 0.0)),
    "leak": ("Leak sensor", _binary("leak", "moisture", 0.02)),
    "blind": ("Window blind", _cover("window blind", "blind", tilt=True)),
    "curtain": ("Curtain", _cover("curtain", "curtain")),
    "shutter": ("Roller shutter", _cover("shutter", "shutter")),
    "awning": ("Awning", _cover("awning", "awning")),
    "garage_door": ("Garage door", _cover("door", "garage", positions=False)),
    "plug": ("Smart plug", _plug),
    "tv": ("TV", _media("TV", ("TV", "HDMI 1", "HDMI 2", "Netflix", "YouTube"), ("telly", "television"))),
    "speaker": ("Speaker", _media("speaker", ("Spotify", "Radio", "Bluetooth", "Line-in"), ("music",))),
    "fan": ("Fan", _fan("fan", True)),
    "extractor": ("Extractor fan", _fan("extractor fan", False)),
    "humidifier": ("Humidifier", _humidifier),
    "siren": ("Siren", lambda r, kind: [_s("siren", "siren", "off")]),
    "irrigation": ("Irrigation valve", _cover("irrigation", "water", domain="valve")),
    "water_valve": ("Water valve", _cover("water valve", "water", positions=False, domain="valve")),
    "washer": ("Washing machine", _appliance("washing machine", ("Cotton 40", "Cotton 60", "Eco 40-60", "Quick 15"))),
    "dishwasher": ("Dishwasher", _appliance("dishwasher", ("Eco 50", "Auto 45-65", "Intensive 70", "Quick 45"))),
    "desk": (
        "Standing desk",
        lambda r, kind: [
            _s(
                "number",
                "desk height",
                _num(r, 62, 127),
                {"min": 62, "max": 127, "step": 1, "unit_of_measurement": "cm"},
            )
        ],
    ),
    "energy": (
        "Energy meter",
        _combo(_sensor("power", "power", "W", 80, 6000), _sensor("energy", "energy", "kWh", 0, 40, 2)),
    ),
    "weather": (
        "Weather station",
        _combo(
            _sensor("temperature", "temperature", "°C", -8, 32, 1),
            _sensor("humidity", "humidity", "%", 30, 95),
            _sensor("light level", "illuminance", "lx", 0, 90000),
        ),
    ),
    "scene": (None, _helper("scene", ("relax", "evening", "bright", "movie time", "reading"))),
    "script": (None, _helper("script", ("bedtime routine", "wake-up routine", "all off"))),
    "toggle": (None, _helper("input_boolean", ("do not disturb", "guest mode", "party mode"))),
    "lock": (
        "Smart lock",
        lambda r, kind: [
            _s("lock", "lock", r.choice(("locked", "locked", "unlocked", "jammed")), {"supports_open": True}, ("door",))
        ],
    ),
    "alarm": (
        "Alarm panel",
        lambda r, kind: [
            _s(
                "alarm_control_panel",
                "alarm",
                r.choice(("disarmed", "disarmed", "armed_home", "armed_away", "armed_night")),
                None,
                ("burglar alarm",),
            )
        ],
    ),
    "vacuum": ("Robot vacuum", _vacuum),
    "boiler": ("Boiler", _boiler),
}
