"""The numpy BERT encoder gives sentence-transformers' vectors for the real all-MiniLM-L6-v2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from homefc.minilm import MiniLM, supported
from homefc.resources import default_embedder_path
from homefc.retrieval import SentenceEmbedder

TEXTS = [
    "turn on the kitchen light",
    "close the lounge blind if it's open",
    "light.kitchen_ceiling: Kitchen ceiling light, kitchen; turn on, turn off",
    "Wie geht's? ünïcödé 😀 – \u2063",
    "",
    "blind " * 400,  # past the 256-token limit: truncated as sentence-transformers truncates
    "a",
]


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(default_embedder_path()), device="cpu")
    return np.asarray(model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True), dtype=np.float32)


def test_numpy_vectors_equal_sentence_transformers(reference: np.ndarray) -> None:
    path = default_embedder_path()
    assert supported(path)
    ours = MiniLM(path).encode(TEXTS, batch_size=3)
    assert ours.shape == reference.shape and ours.dtype == np.float32
    assert np.abs(ours - reference).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert MiniLM(path).encode([]).shape == (0, reference.shape[1])


def _copy(tmp_path: Path, change: dict[str, object]) -> Path:
    """The embedder directory with its pooling config changed (large files linked, not copied)."""
    src = default_embedder_path()
    dst = tmp_path / "embedder"
    for item in src.rglob("*"):
        target = dst / item.relative_to(src)
        if item.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(item)
    pooling = dst / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text()) | change
    pooling.unlink()
    pooling.write_text(json.dumps(config))
    return dst


def test_other_models_load_through_sentence_transformers(tmp_path: Path, reference: np.ndarray) -> None:
    cls_pooled = _copy(tmp_path, {"pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False})
    assert not supported(cls_pooled) and not supported(tmp_path / "missing")
    embedder = SentenceEmbedder(cls_pooled)
    vectors = embedder.encode(TEXTS[:2])
    assert vectors.shape == (2, reference.shape[1])
    assert np.abs(vectors - reference[:2]).max() > 1e-3  # CLS pooling: a different model, loaded as such
    assert np.abs(SentenceEmbedder(default_embedder_path()).encode(TEXTS[:2]) - reference[:2]).max() < 1e-5
