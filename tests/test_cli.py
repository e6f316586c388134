"""`homefc` as a user runs it: output for people and for machines, one-line errors, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from homefc.home import load_home
from tests.test_engine import write_metadata_only_gguf


def homefc(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOMEFC_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "homefc", *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("homefc: error: ")
    for needle in needles:
        assert needle in lines[0]
    assert "Traceback" not in proc.stderr


def test_ask_json_prints_calls_candidates_and_timings(cache_dir: Path) -> None:
    proc = homefc("ask", "--json", "turn off the kitchen light", cache=cache_dir)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["error"] is None
    assert bool(out["calls"]) != (out["answer"] is not None)
    assert "light.kitchen_ceiling" in {c["entity_id"] for c in out["candidates"]}
    assert set(out["timings"]) == {"retrieve_ms", "grammar_ms", "prefill_ms", "decode_ms", "total_ms"}
    # Only turn_off is left for "turn off", so the grammar may force the whole call without a forward pass.
    assert out["stats"]["forward_passes"] >= 0 and out["stats"]["output_tokens"] >= 1


def test_grammar_only_keeps_the_candidates_out_of_the_prompt(cache_dir: Path) -> None:
    """Prompt strategy (c): the same candidates constrain the output, the prompt holds only the request."""
    runs = [
        homefc("ask", "--json", *flag, "turn off the kitchen light", cache=cache_dir)
        for flag in ([], ["--grammar-only"])
    ]
    listed, bare = (json.loads(p.stdout) for p in runs)
    assert bare["stats"]["prompt_tokens"] < listed["stats"]["prompt_tokens"] - 20
    assert [c["entity_id"] for c in bare["candidates"]] == [c["entity_id"] for c in listed["candidates"]]
    allowed = {(c["name"], c["entity_id"]) for c in bare["candidates"]}
    assert bare["calls"] and all((c["name"], c["arguments"]["entity_id"]) in allowed for c in bare["calls"])


def test_ask_prints_call_candidates_and_timings_for_people(cache_dir: Path) -> None:
    proc = homefc("ask", "close the lounge blind", cache=cache_dir)
    assert proc.returncode == 0, proc.stderr
    assert "candidates (" in proc.stdout
    assert "cover.close_cover:cover.living_room_blind" in proc.stdout
    assert "timings: retrieve" in proc.stdout and "total" in proc.stdout


def test_missing_home_file(tmp_path: Path) -> None:
    assert_one_line_error(homefc("ask", "--home", str(tmp_path / "nope.yaml"), "hi", cache=tmp_path), "nope.yaml")


def test_malformed_home_yaml(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("areas:\n  - id: kitchen\n    name: [unclosed\n")
    assert_one_line_error(homefc("ask", "--home", str(bad), "hi", cache=tmp_path), "bad.yaml", "invalid YAML")


def test_invalid_entity_names_the_entry(tmp_path: Path) -> None:
    bad = tmp_path / "home.yaml"
    bad.write_text("entities:\n  - id: light.ok\n    name: OK\n  - id: Not An Id\n    name: X\n")
    assert_one_line_error(homefc("ask", "--home", str(bad), "hi", cache=tmp_path), "entities[1]", "id")


def test_unknown_model_path(tmp_path: Path) -> None:
    assert_one_line_error(
        homefc("ask", "--model", str(tmp_path / "missing.gguf"), "hi", cache=tmp_path), "missing.gguf", "not found"
    )


def test_model_that_is_not_gguf(tmp_path: Path) -> None:
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"\x00" * 64)
    assert_one_line_error(homefc("ask", "--model", str(fake), "hi", cache=tmp_path), "not a GGUF file")


def test_gguf_that_is_not_a_model(tmp_path: Path) -> None:
    path = tmp_path / "meta.gguf"
    write_metadata_only_gguf(path)
    assert_one_line_error(homefc("ask", "--model", str(path), "hi", cache=tmp_path), "meta.gguf", "cannot load")


def test_bad_config_file(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text("top_k = 'many'\n")
    assert_one_line_error(homefc("ask", "--config", str(cfg), "hi", cache=tmp_path), "config.toml", "top_k")


def test_bad_tool_list(tmp_path: Path) -> None:
    tools = tmp_path / "tools.json"
    tools.write_text('[{"name": "x", "parameters": {"type": "object", "properties": {"a": {"type": "array"}}}}]')
    assert_one_line_error(homefc("ask", "--tools", str(tools), "hi", cache=tmp_path), "tools.json", "tools[0]")


def test_usage_error_exits_2(tmp_path: Path) -> None:
    proc = homefc("ask", cache=tmp_path)
    assert proc.returncode == 2


def test_tools_export_writes_openai_json(tmp_path: Path) -> None:
    out = tmp_path / "tools.json"
    proc = homefc("tools", "-o", str(out), cache=tmp_path)
    assert proc.returncode == 0, proc.stderr
    tools = json.loads(out.read_text())
    assert {t["function"]["name"] for t in tools} >= {"light.turn_off", "lock.unlock", "sensor.get_state"}


@pytest.mark.parametrize("n", [500, 2000])
def test_gen_home_writes_a_loadable_home(tmp_path: Path, n: int) -> None:
    out = tmp_path / "big.yaml"
    proc = homefc("gen-home", "--entities", str(n), "-o", str(out), cache=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert len(load_home(out).entities) == n
