"""Every training step on a tiny configuration, on CPU: data, LoRA fine-tuning, GGUF export, llama.cpp load."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from homefc.catalog import build_catalog
from homefc.domains import DomainSpec
from homefc.engine import Engine
from homefc.eval.cases import StateCaseFile, load_case_file
from homefc.grammar import build_grammar
from homefc.resources import BUNDLED_EVAL
from homefc.retrieval import SentenceEmbedder
from training.codec import Codec, resolve_base
from training.config import RECIPES, DataConfig
from training.data import Example, build_examples, training_homes, write_examples

TINY = DataConfig(examples=24, home_sizes=[30, 40], include_example_homes=False, seed=7)


@pytest.fixture(scope="module")
def tiny_data(
    engine: Engine, embedder: SentenceEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[Example], dict[str, Any], list[str]]:
    """Tiny data set, built while recording every file the generator opens."""
    opened: list[str] = []

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and isinstance(args[0], str | Path):
            opened.append(str(args[0]))

    sys.addaudithook(hook)
    examples, card = build_examples(TINY, engine, embedder, tmp_path_factory.mktemp("cache"))
    snapshot = list(opened)
    opened.clear()
    return examples, card, snapshot


def test_generator_never_reads_evaluation_files(tiny_data: tuple[list[Example], dict[str, Any], list[str]]) -> None:
    _, _, opened = tiny_data
    assert opened, "the audit hook saw no file at all"
    eval_dir = str(BUNDLED_EVAL.resolve())
    assert not [p for p in opened if str(Path(p).resolve()).startswith(eval_dir)]


def test_no_evaluation_sentence_or_home_reaches_the_data(
    tiny_data: tuple[list[Example], dict[str, Any], list[str]],
) -> None:
    examples, card, _ = tiny_data
    eval_sentences: set[str] = set()
    eval_homes: set[str] = set()
    for path in BUNDLED_EVAL.glob("*.yaml"):
        loaded = load_case_file(path)
        if isinstance(loaded.cases, StateCaseFile):
            eval_homes.add(Path(str(loaded.target)).stem)
            eval_sentences |= {s.lower().strip() for case in loaded.cases.tests for s in case.sentences}
        else:
            eval_sentences |= {case.sentence.lower().strip() for case in loaded.cases.tests}
    assert not {e.text.lower().strip() for e in examples} & eval_sentences
    assert not set(card["homes"]) & eval_homes
    homes = training_homes(RECIPES["default"].data)
    assert all(name.startswith("generated-") or name == "flat" for name, _ in homes)


def test_every_target_passes_the_runtime_grammar(
    tiny_data: tuple[list[Example], dict[str, Any], list[str]], engine: Engine, domains: dict[str, DomainSpec]
) -> None:
    examples, card, _ = tiny_data
    assert len(examples) >= 20
    homes = dict(training_homes(TINY))
    for ex in examples:
        catalog = build_catalog(homes[ex.home], domains)
        fns = [catalog.get(*k.split(":", 1)) if ":" in k else catalog.get(k) for k in ex.candidates]
        assert all(fns)
        assert engine.grammar_accepts(build_grammar(fns).text, ex.target), ex.target  # type: ignore[arg-type]
        assert ex.content.startswith("Functions:\n") and ex.content.endswith(f"Request: {ex.text}")
    assert sum(card["categories"].values()) == len(examples)


def test_codec_masks_everything_but_the_reply(engine: Engine) -> None:
    codec = Codec.for_base(resolve_base("default"))
    ids, labels = codec.encode("Functions:\nlight.x: turn_on\nRequest: hi", '{"name": "light.turn_on"}')
    n_prompt = sum(1 for t in labels if t == -100)
    assert labels[n_prompt:] == ids[n_prompt:] and labels[-1] == engine.eos
    assert engine.detokenize(ids[n_prompt:-1]) == '{"name": "light.turn_on"}'
    tail = engine.tokenize("<|im_end|>\n<|im_start|>assistant\n")
    assert ids[n_prompt - len(tail) : n_prompt] == tail


def test_tiny_run_trains_exports_and_loads_in_llama_cpp(
    tiny_data: tuple[list[Example], dict[str, Any], list[str]], tmp_path: Path
) -> None:
    from training.export import export_gguf_adapter, verify_export
    from training.train import train

    examples, card, _ = tiny_data
    write_examples(examples, card, tmp_path)
    cfg = RECIPES["tiny"].train
    base = resolve_base("default")
    result = train(cfg, base, examples[:16], tmp_path, max_steps=2)
    assert result["steps"] == 2 and len(result["losses"]) == 2
    assert (tmp_path / "adapter" / "adapter_model.safetensors").exists()
    assert (tmp_path / "checkpoint.pt").exists()
    again = train(cfg, base, examples[:16], tmp_path, resume=True, max_steps=3)
    assert again["steps"] == 3 and again["losses"][:2] == result["losses"]
    gguf = export_gguf_adapter(tmp_path / "adapter", base, tmp_path / "tiny.lora.gguf")
    engine = Engine(base, lora_path=gguf)
    assert engine.lora_path == gguf
    assert engine.llm.metadata.get("general.architecture") == "llama"
    check = verify_export(base, tmp_path / "adapter", gguf, [(e.content, e.target) for e in examples[:2]], max_new=24)
    assert check["samples"] == 2 and len(check["rows"]) == 2
    json.dumps(check)
