"""Step 3b: fold the trained peft adapter into the base GGUF and write one quantised GGUF (Q8_0 or Q4_0).

The writing is the runtime's own (`homefc.merge`), so a merged export and the merge the runtime makes on first
use from the shipped GGUF adapter are the same file format, made by the same code.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from homefc.merge import QTYPES, write_merged_gguf
from training.export import adapter_tensors, base_metadata

log = logging.getLogger(__name__)

__all__ = ["QTYPES", "export_merged_gguf", "merged_deltas"]


def merged_deltas(adapter_dir: Path, meta: dict[str, Any]) -> dict[str, np.ndarray]:
    """{GGUF tensor name: alpha/r · B @ A} in the GGUF's row order."""
    tensors, alpha, rank = adapter_tensors(adapter_dir, meta)
    return {name: (alpha / rank) * (b @ a) for name, (a, b) in tensors.items()}


def export_merged_gguf(adapter_dir: Path, base: Path, out: Path, qtype: str = "q8_0") -> Path:
    """Write base + adapter as one GGUF whose merged weights are quantised to qtype (q8_0 or q4_0)."""
    if qtype not in QTYPES:
        raise ValueError(f"unsupported quantisation {qtype}; choose one of {', '.join(QTYPES)}")
    write_merged_gguf(base, merged_deltas(adapter_dir, base_metadata(base)), out, qtype)
    log.info("wrote %s (%.1f MB)", out, out.stat().st_size / 1e6)
    return out
