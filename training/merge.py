"""Step 3b: fold the LoRA adapter into the base GGUF's weights and write one quantised GGUF (Q8_0 or Q4_0).

Metadata (tokenizer, chat template, hyper-parameters) is copied from the base file unchanged. Weights with a
LoRA delta are dequantised, merged in float32 and quantised to the target type; norms stay F32; the token
embedding (tied to the output layer in SmolLM2 and Gemma 3) keeps its base bytes, because quantising the
output projection to 4 bits costs more accuracy than it saves memory. Row lengths must be multiples of 32.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from training.export import adapter_tensors, base_metadata

log = logging.getLogger(__name__)

QTYPES = ("q8_0", "q4_0")
SKIPPED_KEYS = ("GGUF.", "general.architecture", "general.file_type")


def merged_deltas(adapter_dir: Path, meta: dict[str, Any]) -> dict[str, np.ndarray]:
    """{GGUF tensor name: alpha/r · B @ A} in the GGUF's row order."""
    tensors, alpha, rank = adapter_tensors(adapter_dir, meta)
    return {name: (alpha / rank) * (b @ a) for name, (a, b) in tensors.items()}


def export_merged_gguf(adapter_dir: Path, base: Path, out: Path, qtype: str = "q8_0") -> Path:
    """Write base + adapter as one GGUF whose merged weights are quantised to qtype (q8_0 or q4_0)."""
    import gguf

    if qtype not in QTYPES:
        raise ValueError(f"unsupported quantisation {qtype}; choose one of {', '.join(QTYPES)}")
    target = gguf.GGMLQuantizationType[qtype.upper()]
    file_type = {"q8_0": gguf.LlamaFileType.MOSTLY_Q8_0, "q4_0": gguf.LlamaFileType.MOSTLY_Q4_0}[qtype]
    reader = gguf.GGUFReader(str(base))
    meta = base_metadata(base)
    deltas = merged_deltas(adapter_dir, meta)
    writer = gguf.GGUFWriter(str(out), meta["arch"])
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
        merged = weight + delta
        writer.add_tensor(tensor.name, gguf.quants.quantize(merged, target), raw_dtype=target)
    if deltas:
        raise ValueError(f"adapter tensors missing from the base: {', '.join(sorted(deltas))}")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    log.info("wrote %s (%.1f MB)", out, out.stat().st_size / 1e6)
    return out
