"""Candidate lines: the full style with signatures, and the compact style that leaves out what the id says."""

from __future__ import annotations

from pathlib import Path

from homefc.catalog import Catalog, load_tools
from homefc.prompt import describe_functions, request_content
from homefc.resources import BUNDLED_EVAL


def _line(catalog: Catalog, entity_id: str, style: str) -> str:
    fns = [f for f in catalog.functions if f.entity_id == entity_id]
    (line,) = describe_functions(fns, catalog, style=style)  # type: ignore[arg-type]
    return line


def test_full_lines_carry_name_area_state_and_signatures(flat_catalog: Catalog) -> None:
    line = _line(flat_catalog, "light.sofa_lamp", "full")
    assert line.startswith('light.sofa_lamp "Sofa lamp" in living room, ')
    assert "turn_on(brightness_pct? 0-100" in line and "get_state" in line


def test_compact_lines_leave_out_what_the_id_already_says(flat_catalog: Catalog) -> None:
    ceiling = _line(flat_catalog, "light.living_room_ceiling", "compact")
    # "Living room ceiling light": every word is in the id or is the domain's own word; so is the area.
    assert ceiling.startswith("light.living_room_ceiling, ") and '"' not in ceiling and " in " not in ceiling
    sofa = _line(flat_catalog, "light.sofa_lamp", "compact")
    assert sofa.startswith("light.sofa_lamp in living room, "), "the area is not in the id, so it stays"
    tv = _line(flat_catalog, "light.tv_backlight", "compact")
    assert '"TV backlight"' not in tv
    services = [f.tool.split(".")[1] for f in flat_catalog.functions if f.entity_id == "light.sofa_lamp"]
    assert "(" not in sofa and sofa.endswith(": " + ", ".join(services))


def test_compact_lines_fold_units_and_shorten_attribute_names(flat_catalog: Catalog) -> None:
    temperature = _line(flat_catalog, "sensor.living_room_temperature", "compact")
    assert "°C" in temperature and "unit_of_measurement" not in temperature
    blind = _line(flat_catalog, "cover.living_room_blind", "compact")
    assert "position " in blind and "current_position" not in blind
    assert "current_position" in _line(flat_catalog, "cover.living_room_blind", "full")


def test_plain_tools_keep_their_signatures_in_the_compact_style() -> None:
    tools = load_tools(Path(BUNDLED_EVAL) / "tools" / "assistant_tools.json")
    fns = [f for f in tools.functions if f.args][:3]
    assert describe_functions(fns, tools, style="compact") == describe_functions(fns, tools, style="full")


def test_compact_requests_are_shorter(flat_catalog: Catalog) -> None:
    fns = flat_catalog.functions[:24]
    full = request_content("turn off the sofa lamp", fns, flat_catalog, context_area="kitchen")
    compact = request_content("turn off the sofa lamp", fns, flat_catalog, context_area="kitchen", style="compact")
    assert len(compact) < 0.75 * len(full)
    assert compact.endswith("Speaker is in: kitchen\nRequest: turn off the sofa lamp")


def test_the_bare_style_leaves_the_candidates_to_the_grammar(flat_catalog: Catalog) -> None:
    fns = flat_catalog.functions[:24]
    bare = request_content("turn off the sofa lamp", fns, flat_catalog, context_area="kitchen", style="bare")
    assert bare == "Speaker is in: kitchen\nRequest: turn off the sofa lamp"
