"""Every training step on a tiny configuration, on CPU: data, LoRA fine-tuning, GGUF export, llama.cpp load."""

from __future__ import annotations

import json
import random
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from homefc.catalog import Catalog, build_catalog
from homefc.domains import DomainSpec
from homefc.engine import Engine
from homefc.eval.cases import load_case_file
from homefc.grammar import build_grammar
from homefc.resources import BUNDLED_EVAL
from homefc.retrieval import Retriever, SentenceEmbedder
from homefc.virtual_home import EntityState
from training.codec import Codec, resolve_base
from training.config import RECIPES, DataConfig
from training.data import Example, _Collector, build_examples, training_homes, write_examples
from training.decontam import evaluation_sentences, normalise
from training.requests import Request, RequestMaker, load_templates
from training.tools import ToolRequestMaker, load_toolsets

TINY = DataConfig(examples=30, home_sizes=[30, 40], include_example_homes=False, tool_examples=12, seed=7)


@pytest.fixture(scope="module")
def tiny_data(
    engine: Engine, embedder: SentenceEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[Example], dict[str, Any], list[str]]:
    """Tiny data set, built while recording every file the generator opens."""
    opened: list[str] = []

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and isinstance(args[0], str | Path):
            opened.append(str(args[0]))

    exclude = frozenset(evaluation_sentences())
    sys.addaudithook(hook)
    examples, card = build_examples(TINY, engine, embedder, tmp_path_factory.mktemp("cache"), exclude)
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
        if loaded.on_home:
            eval_homes.add(Path(str(loaded.target)).stem)
        eval_sentences |= {s.lower().strip() for s in loaded.sentences}
    assert not {e.text.lower().strip() for e in examples} & eval_sentences
    assert {e.home for e in examples if e.home.startswith("tools-")}, "no example on a plain tool list"
    assert not set(card["homes"]) & eval_homes
    homes = training_homes(RECIPES["default"].data)
    assert all(name.startswith("generated-") or name == "flat" for name, _ in homes)


def test_an_excluded_sentence_never_becomes_an_example_whatever_its_case_and_punctuation(
    engine: Engine, embedder: SentenceEmbedder, flat_catalog: Catalog, domains: dict[str, DomainSpec]
) -> None:
    planted = Request("Turn OFF the kitchen light!", "simple", [{"name": "light.turn_off", "arguments": {}}])
    col = _Collector(TINY, engine, random.Random(0), frozenset({normalise("turn off the kitchen light")}))
    col.collect("flat", flat_catalog, Retriever(flat_catalog, embedder, domains), lambda: planted, 3)
    assert col.examples == []
    assert col.dropped["evaluation sentence"] == 3 * 20


def test_a_read_first_request_gives_the_read_and_its_follow_up(
    engine: Engine, embedder: SentenceEmbedder, flat_catalog: Catalog, domains: dict[str, DomainSpec]
) -> None:
    """Two examples per request: request → read; request + read + results → the action, or nothing."""
    read = {"name": "cover.get_state", "arguments": {"entity_id": "cover.living_room_blind"}}
    close = {"name": "cover.close_cover", "arguments": {"entity_id": "cover.living_room_blind"}}
    results = '{"entity_id": "cover.living_room_blind", "state": "open"}'
    acts = Request("close the lounge blind if it's open", "nested", [read], results=results, then=[close])
    closed = {"cover.living_room_blind": EntityState("closed", {"current_position": 0})}
    shut = results.replace("open", "closed")
    ends = Request("shut the lounge blind if it is open", "nested", [read], results=shut, states=closed)
    col = _Collector(TINY, engine, random.Random(0))
    retriever = Retriever(flat_catalog, embedder, domains)
    for request in (acts, ends):
        col.collect("flat", flat_catalog, retriever, lambda r=request: r, 1)
    first, act, again, done = col.examples
    assert json.loads(first.target) == read and not first.rounds
    assert json.loads(act.target) == close and act.rounds == [[first.target, results]]
    assert done.target == "" and done.rounds[0][1].endswith('"closed"}') and done.kind == "+done"
    assert act.content == first.content and json.loads(again.target) == read
    assert 'window blind", open, position 100:' in act.content
    assert 'window blind", closed, position 0:' in done.content


def test_follow_up_data_leaves_the_one_pass_examples_as_they_were(
    tiny_data: tuple[list[Example], dict[str, Any], list[str]],
    engine: Engine,
    embedder: SentenceEmbedder,
    tmp_path: Path,
) -> None:
    """Read-first examples come on top, so a model with follow-ups is compared on the same one-pass data."""
    plain, _, _ = tiny_data
    cfg = replace(TINY, follow_up_share=0.5)
    examples, card = build_examples(cfg, engine, embedder, tmp_path, frozenset(evaluation_sentences()))
    one_pass = [e for e in examples if not e.kind.startswith("nested")]
    assert sorted(map(repr, one_pass)) == sorted(map(repr, plain))
    added = [e for e in examples if e.kind.startswith("nested")]
    assert added and card["categories"]["nested"] == len(added)
    assert {e.kind.split("+")[0] for e in added if e.rounds} <= {"nested_condition", "nested_same"}


def test_copy_share_zero_draws_only_conditional_follow_ups(domains: dict[str, DomainSpec]) -> None:
    """Recipe rounds-if leaves out the copy examples ("as warm as the hall"); the default keeps both kinds."""
    name, home = training_homes(replace(TINY, include_example_homes=True))[-1]
    catalog = build_catalog(home, domains)
    templates = load_templates()
    kinds: dict[float, set[str]] = {}
    for share in (0.0, 0.45):
        maker = RequestMaker(home, catalog, templates, random.Random(7), copy_share=share)
        kinds[share] = {r.kind for _ in range(60) if (r := maker.nested()) is not None}
    assert kinds[0.0] == {"nested_condition"}, name
    assert kinds[0.45] == {"nested_condition", "nested_same"}, name


def test_a_tool_list_never_learns_to_refuse_what_it_can_do() -> None:
    # A request for another list's tool is a "can't do that" example, unless this list has a tool for the same job.
    sets = load_toolsets()
    templates = load_templates()
    organiser = next(ts for ts in sets if ts.name == "organiser")
    assert {"weather_forecast", "draft_email"} <= organiser.same_job
    maker = ToolRequestMaker(organiser, [ts for ts in sets if ts is not organiser], templates, random.Random(3))
    foreign = {tool for _, tool in maker.foreign}
    assert foreign and not foreign & organiser.same_job and "book_taxi" in foreign


def test_every_target_passes_the_runtime_grammar(
    tiny_data: tuple[list[Example], dict[str, Any], list[str]], engine: Engine, domains: dict[str, DomainSpec]
) -> None:
    examples, card, _ = tiny_data
    assert len(examples) >= 20
    catalogs = {name: build_catalog(home, domains) for name, home in training_homes(TINY)}
    catalogs |= {f"tools-{ts.name}": ts.catalog for ts in load_toolsets()}
    for ex in examples:
        catalog = catalogs[ex.home]
        fns = [catalog.get(*k.split(":", 1)) if ":" in k else catalog.get(k) for k in ex.candidates]
        assert all(fns)
        grammar = build_grammar(fns, allow_done=bool(ex.rounds)).text  # type: ignore[arg-type]
        assert engine.grammar_accepts(grammar, ex.target), ex.target
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
    from training.merge import export_merged_gguf
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
    merged = export_merged_gguf(tmp_path / "adapter", base, tmp_path / "tiny.q8_0.gguf", "q8_0")
    checks = verify_export(
        base,
        tmp_path / "adapter",
        [(e.content, e.target, e.rounds) for e in examples[:2]],
        {"lora": (base, gguf), "q8_0": (merged, None)},
        max_new=24,
    )
    assert set(checks) == {"lora", "q8_0"}
    assert all(c["samples"] == 2 and len(c["rows"]) == 2 for c in checks.values())
    (tmp_path / "export_check.json").write_text(json.dumps(checks))
    from training.__main__ import main

    assert main(["card", "--out", str(tmp_path), "--recipe", "tiny", "--notes", str(tmp_path / "data_card.json")]) == 0
    card = (tmp_path / "MODEL_CARD.md").read_text()
    assert "| `tiny.lora.gguf` | LoRA adapter" in card and "| `tiny.q8_0.gguf` | merged, Q8_0 |" in card
    assert "Steps 3," in card and '"seed": 7' in card


def test_reply_loss_equals_the_full_causal_lm_loss(tiny_data: tuple[list[Example], dict[str, Any], list[str]]) -> None:
    import torch

    from training.train import encode_examples, load_base_model, reply_loss

    examples, _, _ = tiny_data
    base = resolve_base("default")
    data = encode_examples(Codec.for_base(base), examples[:3], 640)
    width = max(len(x) for x, _ in data)
    ids = torch.tensor([x + [0] * (width - len(x)) for x, _ in data])
    labels = torch.tensor([y + [-100] * (width - len(y)) for _, y in data])
    mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x, _ in data])
    model = load_base_model(base, torch.float32).eval()
    with torch.no_grad():
        full = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        fast = reply_loss(model, ids, mask, labels)
    assert abs(float(full) - float(fast)) < 1e-4


def _boosted_adapter(src: Path, dst: Path, std: float) -> Path:
    """A copy of a peft adapter with large seeded random lora_B, so that merge mistakes cannot hide in tiny deltas.

    (After one training step lora_B is tiny and its size depends on the data; a fixed random one is not.)
    """
    from safetensors.numpy import load_file, save_file

    dst.mkdir()
    (dst / "adapter_config.json").write_text((src / "adapter_config.json").read_text())
    tensors = load_file(str(src / "adapter_model.safetensors"))
    rng = np.random.default_rng(0)
    save_file(
        {k: rng.normal(0, std, v.shape).astype(v.dtype) if "lora_B" in k else v for k, v in tensors.items()},
        str(dst / "adapter_model.safetensors"),
    )
    return dst


def _logits(engine: Engine, ids: list[int]) -> np.ndarray:
    engine.llm.reset()
    engine.llm.eval(ids)
    return np.array(engine._last_logits(), dtype=np.float32)


@pytest.mark.parametrize("qtype", ["q8_0", "q4_0"])
def test_merged_quantised_export_matches_the_runtime_adapter(
    tiny_data: tuple[list[Example], dict[str, Any], list[str]], tmp_path: Path, qtype: str
) -> None:
    from training.export import export_gguf_adapter
    from training.merge import export_merged_gguf
    from training.train import train

    examples, _, _ = tiny_data
    base = resolve_base("default")
    train(RECIPES["tiny"].train, base, examples[:8], tmp_path / "run", max_steps=1)
    adapter = _boosted_adapter(tmp_path / "run" / "adapter", tmp_path / "boosted", 0.2)
    lora = export_gguf_adapter(adapter, base, tmp_path / "boosted.lora.gguf")
    merged = export_merged_gguf(adapter, base, tmp_path / f"merged.{qtype}.gguf", qtype)
    plain_engine = Engine(base)
    ids = plain_engine.tokenize(plain_engine.render_chat([{"role": "user", "content": "turn off the kitchen light"}]))
    plain, with_lora, folded = (
        _logits(Engine(m, lora_path=a), ids) for m, a in ((base, None), (base, lora), (merged, None))
    )

    # Distances between logit vectors (cosines of whole vectors are too close to 1 to tell a merge mistake from
    # the change). Q8_0 must reproduce the adapter's change closely. Q4_0 re-quantises every weight, which adds
    # noise of about the change's size, so it must only land nearer base + adapter than the base.
    change = float(np.linalg.norm(with_lora - plain))
    error = float(np.linalg.norm(folded - with_lora))
    assert change > 0.1 * float(np.linalg.norm(plain - plain.mean())), "the boosted adapter should move the logits"
    if qtype == "q8_0":
        assert error < 0.25 * change, (error, change)
    else:
        assert error < float(np.linalg.norm(folded - plain)), (error, float(np.linalg.norm(folded - plain)))
    import gguf

    types = {t.name: t.tensor_type.name for t in gguf.GGUFReader(str(merged)).tensors}
    assert types["blk.0.attn_q.weight"] == qtype.upper() and types["blk.0.attn_norm.weight"] == "F32"


def test_merged_export_refuses_an_unknown_quantisation(tmp_path: Path) -> None:
    from training.merge import export_merged_gguf

    with pytest.raises(ValueError, match="unsupported quantisation q3_k"):
        export_merged_gguf(tmp_path, resolve_base("default"), tmp_path / "x.gguf", "q3_k")


def test_validation_set_is_consistent_and_disjoint_from_training_homes(
    tmp_path: Path, domains: dict[str, DomainSpec]
) -> None:
    from homefc.eval.runner import Evaluator
    from training.valset import VALIDATION_SEED, write_validation_set

    counts = write_validation_set(tmp_path, [40, 60], per_home=40)
    assert {"simple", "parallel", "irrelevance"} <= set(counts["categories"])
    assert {"parallel_same", "parallel_mixed"} <= set(counts["kinds"])
    for recipe in RECIPES.values():
        seeds = {recipe.data.seed + i for i in range(len(recipe.data.home_sizes))}
        assert all(seed < VALIDATION_SEED for seed in seeds)
    for path in sorted(tmp_path.glob("*.cases.yaml")):
        loaded = load_case_file(path)
        assert len(loaded.cases.tests) == 40
        failures = [f"{r.sentence!r}: {r.reason}" for r in Evaluator(domains).run(loaded) if not r.passed]
        assert failures == []


def test_a_call_marker_is_written_trained_as_its_special_token_and_read_back_by_llama_cpp(
    engine: Engine, embedder: SentenceEmbedder, flat_catalog: Catalog, flat_retriever: Retriever, tmp_path: Path
) -> None:
    from homefc.assistant import Assistant
    from homefc.prompt import TUNED_SYSTEM_PROMPT
    from training.export import export_gguf_adapter
    from training.train import train

    marker = "<jupyter_code>"
    cfg = replace(TINY, examples=10, home_sizes=[30], tool_examples=2, call_marker=marker)
    examples, _ = build_examples(cfg, engine, embedder, tmp_path / "cache", frozenset())
    targets = [e.target for e in examples]
    assert any(t.startswith(marker) for t in targets)
    assert all(t.startswith((f"{marker}{{", f"{marker}[")) or t[:1] not in "{[<" for t in targets), targets
    codec = Codec.for_base(resolve_base("default"), marker)
    call = next(e for e in examples if e.target.startswith(marker))
    ids, labels = codec.encode(call.content, call.target)
    reply = [t for t in labels if t != -100]
    assert reply[0] == engine.special_token(marker) and reply == ids[-len(reply) :]
    assert engine.detokenize(reply[1:-1]) == call.target.removeprefix(marker)

    train(RECIPES["tiny"].train, resolve_base("default"), examples[:4], tmp_path, max_steps=1, marker=marker)
    gguf = export_gguf_adapter(tmp_path / "adapter", resolve_base("default"), tmp_path / "marker.lora.gguf")
    tuned = Engine(resolve_base("default"), lora_path=gguf)
    assistant = Assistant(
        flat_catalog, flat_retriever, tuned, system=TUNED_SYSTEM_PROMPT, style="compact", marker=marker
    )
    for text in ["turn off the sofa lamp", "tell me a joke"]:
        result = assistant.ask(text)
        assert result.error is None, result.raw
        assert not result.calls or result.raw.split(marker)[1][:1] in ("{", "[")
