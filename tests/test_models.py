"""Models are chosen by name from the manifest (base, adapter, prompt profile) or by path."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from homefc.errors import ModelError
from homefc.resources import MODELS_DIR, default_model_path, model_names, resolve_model


def test_manifest_default_resolves_to_an_existing_model() -> None:
    choice = resolve_model(None)
    assert choice.base.exists()
    assert choice.adapter is None or choice.adapter.exists()
    assert choice.profile in ("fewshot", "tuned")


def test_every_named_model_and_its_files_exist() -> None:
    manifest = yaml.safe_load((MODELS_DIR / "manifest.yaml").read_text())
    assert manifest["default"] in manifest["models"]
    for name in model_names():
        choice = resolve_model(name)
        assert choice.base.exists(), name
        if choice.adapter is not None:
            assert choice.adapter.exists(), name
            assert choice.profile == "tuned"


def test_untuned_model_stays_selectable() -> None:
    choice = resolve_model("smollm2-135m")
    assert choice.base == default_model_path() and choice.adapter is None and choice.profile == "fewshot"


def test_a_path_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    choice = resolve_model(str(path), adapter=tmp_path / "a.gguf")
    assert choice.base == path and choice.adapter == tmp_path / "a.gguf" and choice.profile == "tuned"
    assert resolve_model(str(path), profile="fewshot").profile == "fewshot"


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(ModelError, match=r"known names: .*smollm2-135m"):
        resolve_model("gpt-5")
