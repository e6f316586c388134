"""Step 3: write the LoRA adapter as a GGUF adapter that llama.cpp loads at run time, and verify exports.

Facts this relies on (checked on this machine): llama.cpp scales by alpha / r; tensor names are the base
GGUF's (`blk.N.attn_q.weight.lora_a`); for the llama architecture the rows of lora_b of attn_q and attn_k
are permuted the way the llama conversion permutes Q and K.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


def _permute(w: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's Q/K row order: interleaved rotary halves per head."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def permute_for_llama(name: str, rows: np.ndarray, meta: dict[str, Any]) -> np.ndarray:
    """Rows of a Q or K projection (or its lora_b / delta) in llama.cpp's order; other tensors unchanged."""
    if meta["arch"] == "llama" and name.endswith("attn_q.weight"):
        return _permute(rows, meta["n_head"])
    if meta["arch"] == "llama" and name.endswith("attn_k.weight"):
        return _permute(rows, meta["n_head_kv"])
    return rows


def base_metadata(base: Path) -> dict[str, Any]:
    """Architecture, layer and head counts of the base GGUF."""
    import gguf

    reader = gguf.GGUFReader(str(base))

    def field(name: str) -> Any:
        f = reader.fields[name]
        value = f.parts[f.data[0]]
        return bytes(value).decode() if f.types[0] == gguf.GGUFValueType.STRING else value.tolist()[0]

    arch = field("general.architecture")
    return {
        "arch": arch,
        "n_layer": field(f"{arch}.block_count"),
        "n_head": field(f"{arch}.attention.head_count"),
        "n_head_kv": field(f"{arch}.attention.head_count_kv"),
    }


def load_peft_adapter(adapter_dir: Path) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], float, int]:
    """{hf module name: (A, B)} as float32 arrays, plus lora alpha and rank."""
    from safetensors.numpy import load_file

    config = json.loads((adapter_dir / "adapter_config.json").read_text())
    tensors = load_file(str(adapter_dir / "adapter_model.safetensors"))
    pairs: dict[str, dict[str, np.ndarray]] = {}
    for key, value in tensors.items():
        module, _, rest = key.partition(".lora_")
        module = module.removeprefix("base_model.model.")
        pairs.setdefault(module, {})[rest.split(".")[0]] = value.astype(np.float32)
    out = {m: (p["A"], p["B"]) for m, p in pairs.items()}
    return out, float(config["lora_alpha"]), int(config["r"])


def adapter_tensors(
    adapter_dir: Path, meta: dict[str, Any]
) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], float, int]:
    """{GGUF tensor name: (A, B in llama.cpp's row order)} of a peft adapter for this base, with alpha and rank."""
    import gguf

    arch_enum = next(k for k, v in gguf.MODEL_ARCH_NAMES.items() if v == meta["arch"])
    names = gguf.get_tensor_name_map(arch_enum, meta["n_layer"])
    weights, alpha, rank = load_peft_adapter(adapter_dir)
    out = {}
    for module, (a, b) in sorted(weights.items()):
        name = names.get_name(module + ".weight", try_suffixes=(".weight",))
        if name is None:
            raise ValueError(f"no GGUF tensor name for {module}")
        out[name] = (a, permute_for_llama(name, b, meta))
    return out, alpha, rank


def export_gguf_adapter(adapter_dir: Path, base: Path, out: Path, *, dtype: str = "f16") -> Path:
    """Write a GGUF LoRA adapter for the base GGUF from a peft adapter directory."""
    import gguf

    meta = base_metadata(base)
    tensors, alpha, _ = adapter_tensors(adapter_dir, meta)
    writer = gguf.GGUFWriter(str(out), meta["arch"])
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, alpha)
    np_dtype = np.float16 if dtype == "f16" else np.float32
    for name, (a, b) in tensors.items():
        writer.add_tensor(f"{name}.lora_a", np.ascontiguousarray(a.astype(np_dtype)))
        writer.add_tensor(f"{name}.lora_b", np.ascontiguousarray(b.astype(np_dtype)))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out


def _llama_greedy(engine: Any, ids: list[int], max_new: int) -> list[int]:
    engine.llm.reset()
    engine.llm.eval(ids)
    out: list[int] = []
    for _ in range(max_new):
        token = int(np.argmax(engine._last_logits()))
        if token == engine.eos:
            break
        out.append(token)
        engine.llm.eval([token])
    return out


def verify_export(
    base: Path,
    adapter_dir: Path,
    samples: list[tuple[str, str, list[list[str]]]],
    exports: dict[str, tuple[Path, Path | None]],
    *,
    max_new: int = 96,
) -> dict[str, dict[str, Any]]:
    """Greedy replies of PyTorch (base + peft adapter) against llama.cpp on each export, on the same prompts.

    `exports` maps a label to (GGUF model, GGUF LoRA adapter or None); the result gives per label how often
    llama.cpp's reply is the same call(s) as PyTorch's.
    """
    import torch
    from peft import PeftModel

    from homefc.engine import Engine
    from training.codec import Codec
    from training.train import load_base_model

    codec = Codec.for_base(base)
    model = PeftModel.from_pretrained(load_base_model(base, torch.float32), str(adapter_dir)).eval()
    prompts, torch_outs = [], []
    for content, target, rounds in samples:
        ids, labels = codec.encode(content, target, rounds)
        prompt = ids[: labels.index(next(t for t in labels if t != -100))]
        with torch.no_grad():
            gen = model.generate(
                torch.tensor([prompt]),
                max_new_tokens=max_new,
                do_sample=False,
                eos_token_id=codec.eos,
                pad_token_id=codec.eos,
            )
        prompts.append(prompt)
        torch_outs.append([t for t in gen[0, len(prompt) :].tolist() if t != codec.eos])
    results = {}
    for label, (model_file, lora) in exports.items():
        engine = Engine(model_file, n_ctx=2048, lora_path=lora)
        agree, rows = 0, []
        for (_, target, _), prompt, torch_out in zip(samples, prompts, torch_outs, strict=True):
            texts = (
                engine.detokenize(torch_out).strip(),
                engine.detokenize(_llama_greedy(engine, prompt, max_new)).strip(),
            )
            same = _same_reply(*texts)
            agree += same
            rows.append({"target": target, "pytorch": texts[0], "llama_cpp": texts[1], "same": same})
        results[label] = {
            "file": str(model_file if lora is None else lora),
            "samples": len(samples),
            "agree": agree,
            "rate": round(agree / max(1, len(samples)), 4),
            "rows": rows,
        }
        engine.close()
    return results


def _same_reply(a: str, b: str) -> bool:
    """Same call(s) when both parse as JSON, else the same text."""
    try:
        return bool(json.loads(a) == json.loads(b))
    except json.JSONDecodeError:
        return a == b
