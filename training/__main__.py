"""`python -m training STEP --recipe NAME --out DIR`: data, train, export, report, or all of them."""

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

    set_offline()
    engine = Engine(default_model_path())
    embedder = SentenceEmbedder(default_embedder_path())
    examples, card = build_examples(recipe.data, engine, embedder, cache_dir())
    write_examples(examples, card, out)
    print(json.dumps({k: card[k] for k in ("examples", "categories", "retrieval_misses", "dropped", "seconds")}))


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
    )
    print(json.dumps({k: v for k, v in result.items() if k != "losses"}))


def _export(recipe: Recipe, out: Path, samples: int) -> None:
    from training.codec import resolve_base
    from training.data import read_examples
    from training.export import export_gguf_adapter, verify_export

    base = resolve_base(recipe.train.base)
    gguf = export_gguf_adapter(out / "adapter", base, out / f"{recipe.name}.lora.gguf")
    examples = read_examples(out / "data.jsonl")[-samples:]
    check = verify_export(base, out / "adapter", gguf, [(e.content, e.target) for e in examples])
    (out / "export_check.json").write_text(json.dumps(check, indent=1) + "\n", encoding="utf-8")
    print(
        f"exported {gguf} ({gguf.stat().st_size / 1e6:.1f} MB); llama.cpp and PyTorch agree on "
        f"{check['agree']}/{check['samples']} greedy replies"
    )


def main(argv: list[str] | None = None) -> int:
    """Run one step (or all) of a recipe."""
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    parser.add_argument("step", choices=["data", "train", "export", "all"])
    parser.add_argument("--recipe", default="default", choices=sorted(RECIPES))
    parser.add_argument("--out", type=Path, required=True, help="run directory")
    parser.add_argument("--base", help="base model (GGUF file or HF directory) for recipes that need one")
    parser.add_argument("--examples", type=int, help="override the number of examples")
    parser.add_argument("--resume", action="store_true", help="continue from the run's checkpoint")
    parser.add_argument("--max-steps", type=int, help="stop after this many optimiser steps")
    parser.add_argument("--verify-samples", type=int, default=40, help="prompts compared after export")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    recipe = RECIPES[args.recipe]
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
        _export(recipe, args.out, args.verify_samples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
