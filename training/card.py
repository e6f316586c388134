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


def _latency(summary: dict[str, Any] | None) -> str:
    lat = (summary or {}).get("latency_ms")
    return f"{lat['mean']:.0f} / {lat['p95']:.0f} ms" if lat else "—"


def _style(recipe: dict[str, Any]) -> str:
    """The prompt style the run's data used (runs before the option existed used the full style)."""
    return str(recipe.get("data", {}).get("prompt_style", "full"))


def write_card(run: Path, out: Path, *, name: str, base: str, hardware: str, notes: str = "") -> Path:
    """Markdown model card for a run directory (eval_base.json / eval_tuned.json if present), plus notes."""
    recipe = _load(run / "recipe.json") or {}
    data = _load(run / "data_card.json") or {}
    log = _load(run / "train_log.json") or {}
    checks = _load(run / "export_check.json") or {}
    base_eval = (_load(run / "eval_base.json") or {}).get("summary")
    tuned_eval = (_load(run / "eval_tuned.json") or {}).get("summary")
    train = recipe.get("train", {})
    precision = log.get("dtype", "?") + (f" with {log['autocast']} autocast" if log.get("autocast") else "")
    dropped = data.get("dropped", {})
    lines = [
        f"# {name}",
        "",
        f"{base}, fine-tuned with LoRA to turn home requests (and requests on plain OpenAI-style tool lists) into "
        "homefc function calls.",
        "",
        "## Training",
        f"- Recipe `{recipe.get('name')}`: LoRA r={train.get('lora_r')}, alpha={train.get('lora_alpha')}, "
        f"dropout={train.get('lora_dropout')}, modules {', '.join(train.get('target_modules', []))}; "
        f"lr {train.get('learning_rate')} (cosine, {train.get('warmup_fraction')} warm-up), batch "
        f"{train.get('batch_size')}, max {train.get('max_steps')} steps, seed {train.get('seed')}.",
        f"- Steps {log.get('steps')}, {log.get('tokens')} tokens, {log.get('examples_used')} examples encoded; "
        f"wall time {log.get('wall_seconds')} s ({log.get('tokens_per_second')} tokens/s) on {hardware} "
        f"({log.get('device')}, {precision}). Loss {log.get('first_losses', ['?'])[0]} → "
        f"{log.get('last_losses', ['?'])[-1]}. Data generation took {data.get('seconds')} s.",
        f"- Data: {data.get('examples')} examples (seed {data.get('seed')}) from {len(data.get('homes', []))} "
        f"training homes (generated homes and the bundled example flat; never an evaluation home) and "
        f"{len(data.get('toolsets', []))} training tool lists (training/tools.yaml). Prompts are built by the "
        "runtime's own retrieval and prompt code; every target passes the runtime grammar.",
        f"  Categories {json.dumps(data.get('categories'))}; retrieval misses kept as 'not found' answers: "
        f'{data.get("retrieval_misses")}; dropped {json.dumps(dropped)} ("evaluation sentence": generated '
        "sentences that happen to equal a held-out sentence, removed by exact match).",
        f"- Prompt: candidate lines in the `{_style(recipe)}` style, so the model's manifest entry needs "
        f"`profile: {'compact' if _style(recipe) == 'compact' else 'tuned'}`.",
        "",
        "## Files and export check",
        "",
        "llama.cpp on each file against PyTorch (peft adapter on the dequantised base): the same unconstrained "
        "greedy reply on the last prompts of data.jsonl:",
        "",
        "| file | kind | size | same reply |",
        "|---|---|---|---|",
    ]
    for label, check in checks.items():
        path = Path(check["file"])
        size = f"{path.stat().st_size / 1e6:.1f} MB" if path.exists() else "—"
        kind = "LoRA adapter (f16), on the base at run time" if label == "lora" else f"merged, {label.upper()}"
        lines.append(f"| `{path.name}` | {kind} | {size} | {check['agree']}/{check['samples']} |")
    lines += [
        "",
        "## Evaluation (`homefc eval`, held-out set in homefc/devices/eval)",
        "",
        "| category | untuned | tuned |",
        "|---|---|---|",
    ]
    for cat in CATEGORIES:
        if (base_eval and cat in base_eval["categories"]) or (tuned_eval and cat in tuned_eval["categories"]):
            lines.append(f"| {cat} | {_rate(base_eval, cat)} | {_rate(tuned_eval, cat)} |")
    for label, key in (("balanced score", "balanced"),):
        b = f"{100 * base_eval[key]:.1f}%" if base_eval and base_eval[key] is not None else "—"
        t = f"{100 * tuned_eval[key]:.1f}%" if tuned_eval and tuned_eval[key] is not None else "—"
        lines.append(f"| {label} | {b} | {t} |")
    lines.append(f"| latency mean / p95 | {_latency(base_eval)} | {_latency(tuned_eval)} |")
    lines += ["", notes.strip(), ""] if notes.strip() else [""]
    out.write_text("\n".join(lines), encoding="utf-8")
    return out
