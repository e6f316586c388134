"""Step 2: LoRA fine-tuning with peft on transformers; loss on the assistant's reply only.

Reads top to bottom: config, data, model, loop, checkpoint. CPU keeps float32 weights (bfloat16 autocast where
the CPU supports it), GPU runs in bfloat16.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import random
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from training.codec import Codec
from training.config import TrainConfig
from training.data import Example

log = logging.getLogger(__name__)


def load_base_model(base: Path, dtype: Any) -> Any:
    """A trainable transformers model from a GGUF file (dequantised) or an HF directory."""
    from transformers import AutoModelForCausalLM, GgufConfig

    if base.is_file():
        return AutoModelForCausalLM.from_pretrained(
            str(base.parent), gguf_file=base.name, quantization_config=GgufConfig(dequantize=True), dtype=dtype
        )
    return AutoModelForCausalLM.from_pretrained(str(base), dtype=dtype)


def encode_examples(codec: Codec, examples: list[Example], max_length: int) -> list[tuple[list[int], list[int]]]:
    """Token ids and labels per example; examples longer than max_length are dropped."""
    out = []
    for ex in examples:
        ids, labels = codec.encode(ex.content, ex.target, ex.rounds)
        if len(ids) <= max_length:
            out.append((ids, labels))
    return out


def reply_loss(model: Any, ids: Any, mask: Any, labels: Any) -> Any:
    """Mean cross-entropy over the reply tokens, with logits computed only where they predict a reply token.

    Prompts are most of every example, and the output layer is a large share of a small model's compute
    (Gemma 3 270M: 262k-token vocabulary), so skipping it at prompt positions saves much of a step.
    """
    import torch.nn.functional as F

    targets = labels[:, 1:]
    keep = (targets != -100).any(dim=0).nonzero().squeeze(1)
    logits = model(input_ids=ids, attention_mask=mask, logits_to_keep=keep).logits
    return F.cross_entropy(logits.float().flatten(0, 1), targets[:, keep].flatten(), ignore_index=-100)


PAD_MULTIPLE = 16
"""Batch widths are rounded up to this: few distinct shapes keep oneDNN's kernel cache and the heap small."""


def _release_memory() -> None:
    """Hand freed heap pages back to the OS (glibc); without it a CPU run's RSS grew 11 -> 15 GB and slowed."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(name).malloc_trim(0)


def _batches(data: list[tuple[list[int], list[int]]], size: int, rng: random.Random) -> list[list[int]]:
    """Index batches of similar length (less padding), in random order."""
    order = sorted(range(len(data)), key=lambda i: (len(data[i][0]), rng.random()))
    batches = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(batches)
    return batches


def native_cpu_bf16() -> bool:
    """Whether the CPU multiplies bfloat16 in hardware (AVX512-BF16 or AMX). oneDNN also reports bfloat16 on plain
    AVX-512 CPUs, where it emulates it: autocast there made a training step about 4x slower than float32."""
    import torch

    if not torch.ops.mkldnn._is_mkldnn_bf16_supported():
        return False
    try:
        flags = Path("/proc/cpuinfo").read_text().split()
    except OSError:
        return True  # not Linux: trust oneDNN
    return "avx512_bf16" in flags or "amx_bf16" in flags


def train(
    cfg: TrainConfig,
    base: Path,
    examples: list[Example],
    out_dir: Path,
    *,
    resume: bool = False,
    max_steps: int | None = None,
    marker: str | None = None,
) -> dict[str, Any]:
    """Fine-tune a LoRA adapter; saves it (peft format) and train_log.json in out_dir. Returns the log.

    `marker` is the data's call marker (DataConfig.call_marker), tokenised as its special token.
    """
    import torch
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict
    from peft.utils import get_peft_model_state_dict
    from tqdm import tqdm

    out_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    cuda = torch.cuda.is_available()
    device = "cuda" if cuda else "cpu"
    dtype = torch.bfloat16 if (cfg.dtype == "auto" and cuda) or cfg.dtype == "bfloat16" else torch.float32
    if not cuda:
        torch.set_num_threads(os.cpu_count() or 1)
    # Master weights stay float32; matmuls run in bfloat16 where the CPU has native support (1.5x on AVX512-BF16).
    cpu_bf16 = not cuda and cfg.cpu_autocast and native_cpu_bf16()
    autocast = torch.autocast("cpu", dtype=torch.bfloat16) if cpu_bf16 else contextlib.nullcontext()
    log.info("config %s", json.dumps(asdict(cfg)))

    codec = Codec.for_base(base, marker)
    data = encode_examples(codec, examples, cfg.max_length)
    if not data:
        raise ValueError("no training example fits max_length")
    model = load_base_model(base, dtype)
    lora = LoraConfig(
        r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        target_modules=cfg.target_modules,
        bias="none",
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(model, lora).to(device)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=cfg.learning_rate, weight_decay=0.0)

    steps_per_epoch = math.ceil(len(data) / cfg.batch_size)
    total = max(1, math.ceil(steps_per_epoch * cfg.epochs))
    for cap in (cfg.max_steps, max_steps):
        if cap is not None:
            total = min(total, cap)
    warmup = max(1, int(total * cfg.warmup_fraction))

    def lr_at(step: int) -> float:
        if step < warmup:
            return cfg.learning_rate * (step + 1) / warmup
        progress = (step - warmup) / max(1, total - warmup)
        return cfg.learning_rate * 0.5 * (1 + math.cos(math.pi * progress))

    ckpt = out_dir / "checkpoint.pt"
    step, losses, tokens_seen, elapsed = 0, [], 0, 0.0
    if resume and ckpt.exists():
        state = torch.load(ckpt, map_location=device, weights_only=False)
        set_peft_model_state_dict(model, state["adapter"])
        optimiser.load_state_dict(state["optimiser"])
        step, losses, tokens_seen, elapsed = state["step"], state["losses"], state["tokens"], state["elapsed"]
        log.info("resumed at step %d", step)

    # The batch order depends only on the seed and the data, so a resumed run continues the same order.
    schedule: list[list[int]] = []
    while len(schedule) < total:
        schedule += _batches(data, cfg.batch_size, rng)
    pad = codec.eos
    bar = tqdm(total=total, initial=step, desc="train", unit="step")
    start = time.perf_counter() - elapsed
    while step < total:
        batch = [data[i] for i in schedule[step]]
        width = -(-max(len(ids) for ids, _ in batch) // PAD_MULTIPLE) * PAD_MULTIPLE
        ids = torch.tensor([x + [pad] * (width - len(x)) for x, _ in batch], device=device)
        labels = torch.tensor([y + [-100] * (width - len(y)) for _, y in batch], device=device)
        mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x, _ in batch], device=device)
        for group in optimiser.param_groups:
            group["lr"] = lr_at(step)
        with autocast:
            loss = reply_loss(model, ids, mask, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimiser.step()
        optimiser.zero_grad(set_to_none=True)
        step += 1
        tokens_seen += int(mask.sum())
        losses.append(round(loss.item(), 5))
        bar.update(1)
        bar.set_postfix(loss=f"{losses[-1]:.4f}", lr=f"{lr_at(step - 1):.1e}")
        if not cuda and step % 10 == 0:
            _release_memory()
        if step % cfg.checkpoint_every == 0 or step == total:
            torch.save(
                {
                    "adapter": get_peft_model_state_dict(model),
                    "optimiser": optimiser.state_dict(),
                    "step": step,
                    "losses": losses,
                    "tokens": tokens_seen,
                    "elapsed": time.perf_counter() - start,
                },
                ckpt,
            )
    bar.close()
    wall = time.perf_counter() - start
    model.save_pretrained(str(out_dir / "adapter"))
    result = {
        "config": asdict(cfg),
        "base": str(base),
        "examples_used": len(data),
        "steps": step,
        "tokens": tokens_seen,
        "wall_seconds": round(wall, 1),
        "tokens_per_second": round(tokens_seen / wall, 1) if wall else None,
        "device": torch.cuda.get_device_name(0) if cuda else f"cpu x{torch.get_num_threads()}",
        "dtype": str(dtype).replace("torch.", ""),
        "autocast": "bfloat16" if cpu_bf16 else None,
        "first_losses": losses[:5],
        "last_losses": losses[-5:],
        "losses": losses,
    }
    (out_dir / "train_log.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result
