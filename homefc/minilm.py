"""A BERT sentence encoder (all-MiniLM-L6-v2 and its kind) in numpy: the same vectors as sentence-transformers.

Importing sentence-transformers pulls in transformers, scikit-learn and torch, about 4 s of a 5 s cold start on
a 2-core machine, to run a 6-layer encoder. A BERT model with mean pooling needs only its tokenizer (the
`tokenizers` package), its weights (`safetensors`) and a dozen matrix products, so that is what runs here.
Other sentence-transformers models still load through sentence-transformers (homefc.retrieval).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

MAX_TOKENS = 256
"""Longest input in tokens when the model directory does not say (sentence_bert_config.json)."""
BULK = 64
"""Texts from which an encode uses every core: fewer (a request) run on one BLAS thread, since OpenBLAS's idle
threads spin after a call and slowed the model's prefill that follows by half (`homefc bench`)."""


def supported(path: Path) -> bool:
    """Whether a sentence-transformers directory holds a BERT model with mean pooling that this module runs."""
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        modules = json.loads((path / "modules.json").read_text(encoding="utf-8"))
        types = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling_dir = next(m["path"] for m in modules if m["type"].endswith(".Pooling"))
        pooling = json.loads((path / pooling_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, StopIteration, TypeError):
        return False
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v}
    return (
        config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and types[:2] == ["Transformer", "Pooling"]
        and set(types[2:]) <= {"Normalize"}
        and modes == {"pooling_mode_mean_tokens"}
        and (path / "tokenizer.json").is_file()
        and (path / "model.safetensors").is_file()
    )


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7), in place where it can."""
    z = x * np.float32(1.0 / np.sqrt(2.0))
    a = np.abs(z)
    t = a * np.float32(0.3275911)
    t += 1.0
    np.reciprocal(t, out=t)
    poly = t * np.float32(1.061405429)
    for coef in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += np.float32(coef)
        poly *= t
    np.multiply(a, a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    poly *= a  # 1 - erf(|z|)
    np.subtract(np.float32(1.0), poly, out=poly)
    poly *= np.sign(z)
    poly += 1.0
    poly *= x
    poly *= 0.5
    return poly


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class MiniLM:
    """A BERT encoder with mean pooling and unit-length output, loaded from a sentence-transformers directory."""

    def __init__(self, path: Path) -> None:
        from safetensors.numpy import load_file
        from threadpoolctl import ThreadpoolController
        from tokenizers import Tokenizer

        self._pools = ThreadpoolController()
        config: dict[str, Any] = json.loads((path / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        st_config = path / "sentence_bert_config.json"
        limit = MAX_TOKENS
        if st_config.is_file():
            limit = int(json.loads(st_config.read_text(encoding="utf-8")).get("max_seq_length", MAX_TOKENS))
        weights = load_file(str(path / "model.safetensors"))
        self.w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in weights.items()}
        for name in [k for k in self.w if k.startswith("encoder.") and k.endswith(".weight") and self.w[k].ndim == 2]:
            self.w[name] = np.ascontiguousarray(self.w[name].T)  # (in, out): one plain product per layer
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(min(limit, int(config.get("max_position_embeddings", 512))))

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length sentence vectors, one row per text (batched by length, so little of a batch is padding)."""
        dim = self.w["embeddings.word_embeddings.weight"].shape[1]
        out = np.zeros((len(texts), dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with self._pools.limit(limits=None if len(texts) >= BULK else 1, user_api="blas"):
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                out[rows] = self._batch([texts[i] for i in rows])
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.float32)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1.0
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:width][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        blocked = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)
        for n in range(self.layers):
            x = self._layer(x, f"encoder.layer.{n}.", blocked)
        summed = (x * mask[..., None]).sum(1)
        pooled = summed / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)

    def _layer(self, x: np.ndarray, p: str, blocked: np.ndarray) -> np.ndarray:
        w = self.w
        batch, width, hidden = x.shape
        size = hidden // self.heads

        def dense(v: np.ndarray, name: str) -> np.ndarray:
            weight = w[name + ".weight"]
            return (v.reshape(-1, v.shape[-1]) @ weight + w[name + ".bias"]).reshape(batch, width, weight.shape[1])

        def split(v: np.ndarray) -> np.ndarray:
            return v.reshape(batch, width, self.heads, size).transpose(0, 2, 1, 3)

        q = split(dense(x, p + "attention.self.query"))
        k = split(dense(x, p + "attention.self.key"))
        v = split(dense(x, p + "attention.self.value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + blocked
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        attn = (scores / scores.sum(-1, keepdims=True)) @ v
        attn = attn.transpose(0, 2, 1, 3).reshape(batch, width, hidden)
        ln1 = p + "attention.output.LayerNorm"
        x = _layer_norm(dense(attn, p + "attention.output.dense") + x, w[ln1 + ".weight"], w[ln1 + ".bias"], self.eps)
        hidden_states = _gelu(dense(x, p + "intermediate.dense"))
        ln2 = p + "output.LayerNorm"
        return _layer_norm(dense(hidden_states, p + "output.dense") + x, w[ln2 + ".weight"], w[ln2 + ".bias"], self.eps)
