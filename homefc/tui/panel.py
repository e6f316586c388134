"""The live home panel: entities grouped by area, each with an icon, its state and a bar or reading."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from homefc.home import Home
from homefc.prompt import StateLike

ICONS = {
    "light": "●",
    "switch": "■",
    "input_boolean": "■",
    "fan": "✣",
    "cover": "▥",
    "lock": "▣",
    "climate": "≈",
    "water_heater": "≈",
    "media_player": "♪",
    "vacuum": "◍",
    "valve": "⊗",
    "alarm_control_panel": "⚑",
    "sensor": "·",
    "binary_sensor": "·",
    "humidifier": "≈",
    "siren": "!",
}
ACTIVE = {"on", "open", "opening", "unlocked", "playing", "heat", "cool", "heat_cool", "auto", "cleaning", "triggered"}
NAME_WIDTH = 18
STATE_WIDTH = 16


def _bar(fraction: float, width: int = 5) -> str:
    filled = max(0, min(width, round(fraction * width)))
    return "▮" * filled + "▯" * (width - filled)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def describe(domain: str, state: StateLike | None, available: bool = True) -> Text:
    """One entity's state as a short coloured text: `on ▮▮▮▯▯ 60%`, `19.5° → 21° heat`, `locked`."""
    if not available:
        return Text("offline", style="bold red")
    if state is None or state.state is None:
        return Text("unknown", style="dim")
    attrs, value = state.attributes, state.state
    if len(value) > STATE_WIDTH:
        value = value[: STATE_WIDTH - 1] + "…"
    style = "bold yellow" if value in ACTIVE else "grey70"
    text = Text(value, style=style)
    brightness = _number(attrs.get("brightness"))
    if domain == "light" and value == "on" and brightness is not None:
        text.append(f" {_bar(brightness / 255)} {round(brightness * 100 / 255)}%", style="yellow")
    position = _number(attrs.get("current_position"))
    if domain == "cover" and position is not None:
        text.append(f" {_bar(position / 100)} {position:g}%", style="cyan")
    if domain in ("climate", "water_heater"):
        current, target = _number(attrs.get("current_temperature")), _number(attrs.get("temperature"))
        reading = f"{current:g}°" if current is not None else ""
        goal = f" → {target:g}°" if target is not None else ""
        text = Text(f"{reading}{goal} ", style="bold magenta") + text
    if domain == "sensor":
        unit = attrs.get("unit_of_measurement")
        text = Text(f"{value} {unit}" if unit else value, style="bold cyan")
    return text


class HomePanel(VerticalScroll):
    """Entities by area, refreshed from the live states whenever a device reports."""

    DEFAULT_CSS = """
    HomePanel { width: 40; border-left: solid $primary; padding: 0 1; }
    HomePanel .area { text-style: bold; color: $accent; margin-top: 1; }
    HomePanel Static { width: 100%; height: 1; }
    """

    def __init__(
        self,
        home: Home,
        states: Callable[[], Mapping[str, StateLike]],
        available: Callable[[str], bool] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.home = home
        self._states = states
        self._available = available or (lambda entity_id: True)
        self._rows: dict[str, Static] = {}

    def compose(self):  # type: ignore[no-untyped-def]
        """One heading per area (and 'Elsewhere'), one line per entity."""
        names = {a.id: a.name for a in self.home.areas}
        groups: dict[str, list[str]] = {}
        for entity in self.home.entities:
            groups.setdefault(names.get(entity.area or "", "Elsewhere"), []).append(entity.id)
        for area, ids in groups.items():
            yield Static(area, classes="area")
            for entity_id in ids:
                row = Static(self._line(entity_id), id=f"row-{entity_id.replace('.', '--')}", shrink=True)
                self._rows[entity_id] = row
                yield row

    def _line(self, entity_id: str) -> Text:
        entity = self.home.entity(entity_id)
        assert entity is not None
        name = entity.name if len(entity.name) <= NAME_WIDTH else entity.name[: NAME_WIDTH - 1] + "…"
        line = Text(f"{ICONS.get(entity.domain, '•')} ", style="bold", no_wrap=True, overflow="ellipsis")
        line.append(f"{name:<{NAME_WIDTH}} ")
        line.append_text(describe(entity.domain, self._states().get(entity_id), self._available(entity_id)))
        return line

    def refresh_entity(self, entity_id: str) -> None:
        """Redraw one entity's line (after its device reported)."""
        row = self._rows.get(entity_id)
        if row is not None:
            row.update(self._line(entity_id))

    def refresh_all(self) -> None:
        """Redraw every line."""
        for entity_id in self._rows:
            self.refresh_entity(entity_id)

    def line_text(self, entity_id: str) -> str:
        """The plain text of an entity's line (for tests and screen readers)."""
        return self._line(entity_id).plain
