"""`homefc eval` runs the real assistant over case files and writes one JSON record per sentence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from homefc.resources import BUNDLED_EVAL

RECORD_KEYS = {
    "file",
    "case",
    "sentence_index",
    "sentence",
    "category",
    "domains",
    "home_entities",
    "passed",
    "reason",
    "calls",
    "answer",
    "error",
    "changes",
    "candidates",
    "needed",
    "retrieved",
    "timings",
    "forward_passes",
    "output_tokens",
}


def homefc(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOMEFC_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "homefc", *args], capture_output=True, text=True, env=env, timeout=600, check=False
    )


def test_eval_with_the_model_writes_a_record_per_sentence(tmp_path: Path, cache_dir: Path) -> None:
    out = tmp_path / "eval.json"
    case_file = sorted(BUNDLED_EVAL.glob("*.yaml"))[0]
    proc = homefc("eval", str(case_file), "--limit", "6", "--json", str(out), cache=cache_dir)
    assert proc.returncode == 0, proc.stderr
    assert "| category | passed | rate | 95% CI |" in proc.stdout
    assert "balanced score" in proc.stdout
    data = json.loads(out.read_text())
    assert len(data["records"]) == 6
    for record in data["records"]:
        assert set(record) == RECORD_KEYS
        assert record["timings"]["total_ms"] > 0
        assert isinstance(record["passed"], bool) and record["reason"]
        for entity, change in record["changes"].items():
            assert "." in entity
            for before_after in [change.get("state"), *change.get("attributes", {}).values()]:
                assert before_after is None or len(before_after) == 2
    assert data["summary"]["sentences"] == 6


def test_reference_replay_of_the_bundled_set_is_perfect(tmp_path: Path) -> None:
    proc = homefc("eval", "--reference", cache=tmp_path)
    assert proc.returncode == 0, proc.stderr
    all_row = next(line for line in proc.stdout.splitlines() if line.startswith("| **all**"))
    assert "| 100.0% |" in all_row


def test_missing_case_file_is_one_line_error(tmp_path: Path) -> None:
    proc = homefc("eval", "--reference", str(tmp_path / "nope.yaml"), cache=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "nope.yaml: file not found" in proc.stderr
