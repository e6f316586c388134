"""Fold a LoRA adapter into its base GGUF and keep the result in the cache.

llama.cpp applying an adapter at run time adds two small matrix products to every projection of every token,
which doubles a 135M model's forward pass (`homefc bench`, "run-time LoRA"). The runtime therefore merges the
shipped GGUF adapter into the base once, writes one GGUF, and loads that instead: bfloat16 on CPUs with
AVX512-BF16 instructions (llama.cpp's prefill is faster on them than on Q8_0), Q8_0 elsewhere.

Metadata (tokenizer, chat template, hyper-parameters) is copied from the base unchanged. Weights with a LoRA
delta are dequantised, merged in float32 and quantised to the target type; everything else (norms, the token
embedding that SmolLM2 and Gemma 3 tie to the output layer) keeps its base bytes. Rows must be multiples of 32.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from homefc.errors import ModelError
from homefc.loading import cpu_has

log = logging.getLogger(__name__)

QTYPES = ("q8_0", "q4_0", "bf16")
SKIPPED_KEYS = ("GGUF.", "general.architecture", "general.file_type")
MERGE_FORMAT = 1
"""Bumped whenever the merge itself changes, so that cached merges made by older code are not reused."""


def _field(reader: Any, name: str) -> Any:
    field = reader.fields.get(name)
    return None if field is None else field.contents()


def gguf_adapter_deltas(adapter: Path) -> dict[str, np.ndarray]:
    """{base tensor name: alpha/r · B @ A} of a GGUF LoRA adapter (llama.cpp's own scaling)."""
    import gguf

    reader = gguf.GGUFReader(str(adapter))
    if _field(reader, "general.type") != "adapter" or _field(reader, "adapter.type") != "lora":
        raise ValueError("not a GGUF LoRA adapter (general.type must be 'adapter', adapter.type 'lora')")
    alpha = _field(reader, "adapter.lora.alpha")
    pairs: dict[str, dict[str, np.ndarray]] = {}
    for tensor in reader.tensors:
        name, _, part = tensor.name.rpartition(".")
        if part not in ("lora_a", "lora_b"):
            raise ValueError(f"unexpected tensor {tensor.name}")
        values = gguf.quants.dequantize(tensor.data, tensor.tensor_type).astype(np.float32)
        pairs.setdefault(name, {})[part] = values
    deltas: dict[str, np.ndarray] = {}
    for name, pair in pairs.items():
        if set(pair) != {"lora_a", "lora_b"}:
            raise ValueError(f"{name}: lora_a or lora_b is missing")
        a, b = pair["lora_a"], pair["lora_b"]
        rank = a.shape[0]
        if b.shape[1] != rank:
            raise ValueError(f"{name}: lora_a {a.shape} and lora_b {b.shape} do not fit together")
        scale = float(alpha) / rank if alpha else 1.0
        deltas[name] = scale * (b @ a)
    if not deltas:
        raise ValueError("the adapter holds no tensors")
    return deltas


def write_merged_gguf(base: Path, deltas: dict[str, np.ndarray], out: Path, qtype: str = "q8_0") -> Path:
    """Write base + deltas as one GGUF whose changed weights are stored as qtype (q8_0, q4_0 or bf16)."""
    import gguf

    if qtype not in QTYPES:
        raise ValueError(f"unsupported quantisation {qtype}; choose one of {', '.join(QTYPES)}")
    target = gguf.GGMLQuantizationType[qtype.upper()]
    file_type = {
        "q8_0": gguf.LlamaFileType.MOSTLY_Q8_0,
        "q4_0": gguf.LlamaFileType.MOSTLY_Q4_0,
        "bf16": gguf.LlamaFileType.MOSTLY_BF16,
    }[qtype]
    reader = gguf.GGUFReader(str(base))
    deltas = dict(deltas)
    writer = gguf.GGUFWriter(str(out), str(_field(reader, "general.architecture")))
    for key, field in reader.fields.items():
        if key.startswith(SKIPPED_KEYS):
            continue
        sub = field.types[1] if field.types[0] == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(key, field.contents(), field.types[0], sub_type=sub)
    writer.add_file_type(file_type)
    for tensor in reader.tensors:
        delta = deltas.pop(tensor.name, None)
        if delta is None:
            writer.add_tensor(tensor.name, tensor.data, raw_dtype=tensor.tensor_type)
            continue
        weight = gguf.quants.dequantize(tensor.data, tensor.tensor_type).astype(np.float32)
        if weight.shape != delta.shape:
            raise ValueError(f"{tensor.name}: adapter shape {delta.shape} does not match the base {weight.shape}")
        writer.add_tensor(tensor.name, gguf.quants.quantize(weight + delta, target), raw_dtype=target)
    if deltas:
        raise ValueError(f"adapter tensors missing from the base: {', '.join(sorted(deltas))}")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out


def cpu_has_bf16() -> bool:
    """True on x86 CPUs that advertise AVX512-BF16."""
    return cpu_has("avx512_bf16")


def merge_type(setting: str = "auto") -> str:
    """The merged model's weight type: the setting, or for 'auto' bf16 where the CPU computes in it, else q8_0."""
    if setting == "auto":
        return "bf16" if cpu_has_bf16() else "q8_0"
    if setting not in QTYPES:
        raise ValueError(f"unsupported merge type {setting}; choose auto or one of {', '.join(QTYPES)}")
    return setting


def merge_key(base: Path, adapter: Path, qtype: str) -> str:
    """Cache key: the adapter's bytes, the base file's identity (path, size, mtime) and the merge format."""
    digest = hashlib.sha256(f"{MERGE_FORMAT}|{qtype}|".encode())
    stat = base.stat()
    digest.update(f"{base.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|".encode())
    digest.update(adapter.read_bytes())
    return digest.hexdigest()[:16]


def merged_model(base: Path, adapter: Path, cache: Path, qtype: str = "q8_0") -> Path:
    """The cached merge of adapter into base, written on first use (atomically: a crash leaves no half file).

    Raises ModelError when the adapter does not fit the base, OSError when the cache cannot be written.
    """
    try:
        key = merge_key(base, adapter, qtype)
    except OSError as exc:
        raise ModelError(f"{adapter}: cannot read: {exc}") from None
    out = cache / f"{base.stem}+{adapter.stem}.{qtype}.{key}.gguf"
    if out.is_file():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    log.info("merging %s into %s (once; cached as %s)", adapter.name, base.name, out)
    try:
        write_merged_gguf(base, gguf_adapter_deltas(adapter), tmp, qtype)
        os.replace(tmp, out)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ModelError(f"{adapter}: cannot merge into {base.name}: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return out
