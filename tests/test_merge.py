"""The runtime folds the shipped LoRA adapter into a cached model (Q8_0 or bf16) that decodes the calls of run-time
LoRA."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from homefc import merge
from homefc.assistant import Assistant
from homefc.catalog import Catalog
from homefc.domains import DomainSpec
from homefc.engine import Engine
from homefc.errors import ModelError
from homefc.factory import model_files
from homefc.merge import merged_model
from homefc.prompt import TUNED_SYSTEM_PROMPT
from homefc.resources import default_model_path, resolve_model
from homefc.retrieval import Retriever

REQUESTS = [
    "turn off the kitchen light",
    "set the bedroom lamp to 30 percent",
    "close the living room blinds",
    "is the front door locked",
    "turn off the kitchen and hall lights",
    "make the bedroom a bit warmer",
    "what's the capital of France",
    "pause the living room speaker",
]


@pytest.fixture(scope="module")
def tuned() -> tuple[Path, Path]:
    choice = resolve_model(None)
    assert choice.adapter is not None, "the default model is the tuned one"
    return choice.base, choice.adapter


STYLE = "compact" if resolve_model(None).profile == "compact" else "full"


def test_the_merge_is_made_once_and_then_reused(tuned: tuple[Path, Path], cache_dir: Path) -> None:
    base, adapter = tuned
    model, lora = model_files(base, adapter, cache_dir, merge=True)
    assert lora is None and model.parent == cache_dir / "models" / "merged" and model.suffix == ".gguf"
    made = model.stat().st_mtime_ns
    assert model_files(base, adapter, cache_dir, merge=True) == (model, None)
    assert model.stat().st_mtime_ns == made
    assert not [p for p in model.parent.iterdir() if p.name.startswith(".")], "no temporary file left behind"
    assert model_files(base, adapter, cache_dir, merge=False) == (base, adapter)


def test_auto_merge_type_follows_the_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """bf16 where the CPU computes in it (faster prefill in `homefc bench`), q8_0 elsewhere; a named type as is."""
    monkeypatch.setattr(merge, "cpu_has_bf16", lambda: True)
    assert merge.merge_type() == "bf16" and merge.merge_type("q8_0") == "q8_0"
    monkeypatch.setattr(merge, "cpu_has_bf16", lambda: False)
    assert merge.merge_type("auto") == "q8_0" and merge.merge_type("bf16") == "bf16"
    with pytest.raises(ValueError, match="unsupported merge type q2_k"):
        merge.merge_type("q2_k")


@pytest.mark.parametrize("qtype", ["q8_0", "bf16"])
def test_merged_model_decodes_the_calls_run_time_lora_decodes(
    qtype: str,
    tuned: tuple[Path, Path],
    cache_dir: Path,
    flat_catalog: Catalog,
    flat_retriever: Retriever,
    domains: dict[str, DomainSpec],
) -> None:
    base, adapter = tuned
    merged, _ = model_files(base, adapter, cache_dir, merge=True, qtype=qtype)
    assert f".{qtype}." in merged.name
    replies = []
    for model, lora in ((merged, None), (base, adapter)):
        engine = Engine(model, n_ctx=2048, lora_path=lora)
        assistant = Assistant(flat_catalog, flat_retriever, engine, system=TUNED_SYSTEM_PROMPT, style=STYLE)
        replies.append([[c.model_dump() for c in assistant.ask(text).calls] for text in REQUESTS])
        engine.close()
    same = sum(a == b for a, b in zip(*replies, strict=True))
    # Q8_0 re-quantises the merged weights and bf16 rounds them; a near-tie may flip, a merge mistake flips most.
    assert same >= len(REQUESTS) - 1, replies
    assert any(replies[0]), "the tuned model makes calls on these requests"


def test_an_adapter_that_is_not_a_lora_adapter_is_refused_in_one_line(tmp_path: Path) -> None:
    base = default_model_path()
    with pytest.raises(ModelError, match=r"cannot merge into .*not a GGUF LoRA adapter"):
        merged_model(base, base, tmp_path)
    text = tmp_path / "adapter.gguf"
    text.write_text("hello")
    with pytest.raises(ModelError, match=r"adapter.gguf: not a GGUF file"):
        model_files(base, text, tmp_path, merge=True)
    assert not list(tmp_path.rglob("*.tmp"))


def test_an_unwritable_cache_falls_back_to_run_time_lora(
    tuned: tuple[Path, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    base, adapter = tuned
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache directory should be")
    with caplog.at_level(logging.WARNING):
        assert model_files(base, adapter, blocked, merge=True) == (base, adapter)
    assert "applying the adapter at run time" in caplog.text


def test_a_changed_adapter_gets_a_new_merge(tuned: tuple[Path, Path], tmp_path: Path) -> None:
    base, adapter = tuned
    copy = tmp_path / adapter.name
    shutil.copyfile(adapter, copy)
    first = merged_model(base, copy, tmp_path / "cache")
    with copy.open("r+b") as fh:  # flip one byte inside the last tensor's data
        fh.seek(os.path.getsize(copy) - 2)
        byte = fh.read(1)
        fh.seek(-1, os.SEEK_CUR)
        fh.write(bytes([byte[0] ^ 1]))
    assert merged_model(base, copy, tmp_path / "cache") != first
