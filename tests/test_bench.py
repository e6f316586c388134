"""`homefc bench` runs every configuration on a generated home and reports cold start from a fresh process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from homefc.bench import CONFIGS, bench_requests
from homefc.calls import Call
from homefc.cli import main
from homefc.homegen import generate_home
from homefc.merge import merge_type
from homefc.syntax import render


def test_bench_requests_are_fixed_and_name_the_home_s_entities() -> None:
    home = generate_home(60, seed=1)
    first, again = bench_requests(home, 30), bench_requests(home, 30)
    assert first == again and len(first) == 30
    names = [e.name.lower() for e in home.entities]
    assert sum(any(n in text for n in names) for text in first) >= 20


def test_bench_reports_each_configuration_and_a_warm_restart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bench.json"
    assert main(["bench", "--home-size", "30", "--requests", "2", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    rows = report["homes"][0]["configs"]
    configs = [c for c in CONFIGS if c.model != report["merge_type"]]
    assert report["merge_type"] == merge_type() and len(configs) == len(CONFIGS) - 1
    assert [r["name"] for r in rows] == [c.name for c in configs]
    assert all(r["requests"] == 2 for r in rows)
    default = rows[0]
    assert default["p50_ratio"] == 1.0 and default["same_calls_as_default"] == 1.0
    no_ff = next(r for r in rows if r["name"] == "no fast-forward")
    assert default["forward_passes_per_call"] < no_ff["forward_passes_per_call"]
    assert report["cold_start"]["warm_caches"]["prefix_from"] == "disk"
    assert report["cold_start"]["warm_caches"]["peak_rss_mb"] > 0
    syntax = default["syntax_tokens_per_call"]
    assert syntax["json"] > syntax["python"] > syntax["terse"] > 0
    table = capsys.readouterr().out
    assert all(c.name in table for c in configs) and "Cold start" in table and "terse" in table


def test_call_syntaxes_render_the_same_call() -> None:
    call = Call(name="light.turn_on", arguments={"entity_id": "light.sofa_lamp", "brightness_pct": 20})
    assert (
        render(call, "json")
        == '{"name": "light.turn_on", "arguments": {"entity_id": "light.sofa_lamp", "brightness_pct": 20}}'
    )
    assert render(call, "python") == 'light.turn_on(entity_id="light.sofa_lamp", brightness_pct=20)'
    assert render(call, "terse") == "light.sofa_lamp.turn_on(brightness_pct=20)"
    tool = Call(name="get_weather", arguments={"city": "Paris"})
    assert render(tool, "terse") == render(tool, "python") == 'get_weather(city="Paris")'


def test_bench_refuses_a_tiny_home() -> None:
    assert main(["bench", "--home-size", "5"]) == 1
