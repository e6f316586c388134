"""A non-editable install (the README's run command) carries every data file the runtime reads."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_domains_homes_prompts_and_grammars(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("homefc-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    data_dir = ROOT / "homefc"
    wanted = [p for pattern in ("devices/**/*.yaml", "grammars/*.gbnf") for p in data_dir.glob(pattern)]
    assert wanted
    for path in wanted:
        assert f"homefc/{path.relative_to(data_dir).as_posix()}" in names
