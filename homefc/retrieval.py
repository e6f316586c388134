"""Retrieval: embed one document per function, FAISS top-k, lexical boosts, on-disk embedding cache."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from homefc.catalog import Catalog, Function
from homefc.domains import READ_SERVICE, DomainSpec
from homefc.errors import EmbedderError

log = logging.getLogger(__name__)

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "in",
        "on",
        "of",
        "to",
        "at",
        "my",
        "our",
        "me",
        "please",
        "can",
        "could",
        "you",
        "would",
        "will",
        "is",
        "are",
        "it",
        "its",
        "this",
        "that",
        "and",
        "or",
        "for",
        "with",
        "be",
        "do",
        "does",
        "turn",
        "switch",
        "set",
        "make",
        "put",
        "get",
        "what",
        "how",
        "whats",
    ]
)
ENTITY_WEIGHT = 0.35
AREA_WEIGHT = 0.2
DOMAIN_WEIGHT = 0.15
CONTEXT_AREA_WEIGHT = 0.1


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    @property
    def name(self) -> str:
        """Identity of the model, part of the cache key."""
        ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings, one row per text, L2-normalised."""
        ...


class SentenceEmbedder:
    """A sentence-transformers model from a local path, on the CPU, with the hub off.

    A BERT model with mean pooling (the default all-MiniLM-L6-v2) runs in numpy (homefc.minilm), which gives the
    same vectors without importing sentence-transformers (about 4 s of a cold start); any other model loads
    through sentence-transformers.
    """

    def __init__(self, path: str | Path) -> None:
        from homefc.minilm import MiniLM, supported
        from homefc.resources import set_offline

        set_offline()
        path = Path(path)
        if not path.exists():
            raise EmbedderError(f"{path}: embedder not found")
        self._minilm: MiniLM | None = None
        self._model: Any = None
        try:
            if supported(path):
                self._minilm = MiniLM(path)
            else:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(path), device="cpu")
        except Exception as exc:
            raise EmbedderError(f"{path}: cannot load as a sentence-transformers model: {exc}") from None
        # The numpy path's vectors equal sentence-transformers' to 1e-6, so both share the embedding cache.
        self._name = f"{path.resolve()}"

    @property
    def name(self) -> str:
        """The model's resolved path."""
        return self._name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised embeddings of the texts."""
        if self._minilm is not None:
            return self._minilm.encode(list(texts))
        vecs = self._model.encode(
            list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)


@dataclass(frozen=True)
class Candidate:
    """A retrieved function and why it was picked."""

    function: Function
    """The function."""
    score: float
    """Combined score (semantic similarity plus lexical boosts)."""
    semantic: float
    """Cosine similarity of the request and the function's document."""


def _stem(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokens(text: str) -> frozenset[str]:
    """Content words of a text, lower-cased, plural s removed, stop words dropped."""
    return frozenset(_stem(w) for w in re.findall(r"\w+", text.lower()) if w not in STOPWORDS)


CLAUSE_SPLIT = re.compile(
    r"\s*(?:[,;]\s*(?:and\s+|then\s+)?|\s+and\s+(?:then\s+|also\s+)?|\s+then\s+|\s+plus\s+)", re.I
)
MAX_CLAUSES = 4


def clauses(text: str) -> list[str]:
    """The parts of a request joined by 'and', commas, 'then' or 'plus'; [] for a single-clause request."""
    parts = [p for p in CLAUSE_SPLIT.split(text.strip()) if tokens(p)]
    return parts[:MAX_CLAUSES] if len(parts) > 1 else []


def _phrase_in(phrase: frozenset[str], words: frozenset[str]) -> bool:
    return bool(phrase) and phrase <= words


@dataclass(frozen=True)
class _Lexicon:
    """Token sets used for the lexical boosts, built once per catalog."""

    entity_names: dict[str, tuple[frozenset[str], ...]]
    area_names: dict[str, tuple[frozenset[str], ...]]
    domain_words: dict[str, tuple[frozenset[str], ...]]


def _lexicon(catalog: Catalog, domains: dict[str, DomainSpec]) -> _Lexicon:
    entity_names: dict[str, tuple[frozenset[str], ...]] = {}
    area_names: dict[str, tuple[frozenset[str], ...]] = {}
    if catalog.home is not None:
        for entity in catalog.home.entities:
            entity_names[entity.id] = tuple(tokens(n) for n in [entity.name, *entity.aliases])
        for area in catalog.home.areas:
            area_names[area.id] = tuple(tokens(n) for n in [area.name, *area.aliases])
    domain_words = {d: tuple(tokens(k) for k in [d.replace("_", " "), *spec.keywords]) for d, spec in domains.items()}
    return _Lexicon(entity_names, area_names, domain_words)


def documents_key(embedder_name: str, documents: Sequence[str]) -> str:
    """Cache key of a set of embedded documents."""
    digest = hashlib.sha256(embedder_name.encode())
    for doc in documents:
        digest.update(b"\x00" + doc.encode())
    return digest.hexdigest()[:32]


def embed_documents(
    embedder: Embedder,
    documents: Sequence[str],
    cache_dir: Path | None,
    known: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Embeddings of the documents, read from the on-disk cache when the same set was embedded before.

    `known` holds vectors of documents embedded earlier (a previous inventory), so a changed home embeds only
    its new documents.
    """
    path = cache_dir / "embeddings" / f"{documents_key(embedder.name, documents)}.npy" if cache_dir else None
    if path is not None and path.exists():
        try:
            cached = np.load(path)
            if cached.shape[0] == len(documents):
                log.debug("embedding cache hit: %s", path)
                return np.ascontiguousarray(cached, dtype=np.float32)
        except (OSError, ValueError):
            log.warning("embedding cache %s is unreadable; embedding again", path)
    vectors = _encode(embedder, documents, known or {})
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, vectors)
            tmp.replace(path)
        except OSError as exc:
            log.warning("cannot write embedding cache %s: %s", path, exc)
    return vectors


def _encode(embedder: Embedder, documents: Sequence[str], known: Mapping[str, np.ndarray]) -> np.ndarray:
    if not documents:
        return np.zeros((0, 1), dtype=np.float32)
    new = sorted({d for d in documents if d not in known})
    if len(new) == len(set(documents)):
        return embedder.encode(documents)
    fresh = dict(zip(new, embedder.encode(new), strict=True)) if new else {}
    log.info("embedding %d new of %d documents", len(new), len(documents))
    return np.stack([fresh[d] if d in fresh else known[d] for d in documents]).astype(np.float32)


class Retriever:
    """Top-k functions for a request: FAISS over function documents plus name, area and domain matches."""

    def __init__(
        self,
        catalog: Catalog,
        embedder: Embedder,
        domains: dict[str, DomainSpec],
        *,
        cache_dir: Path | None = None,
        k: int = 8,
        previous: Retriever | None = None,
    ) -> None:
        import faiss

        self.catalog = catalog
        self.embedder = embedder
        self.k = k
        self._functions = list(catalog.functions)
        known = previous.vectors_by_document() if previous is not None and previous.embedder is embedder else None
        self._vectors = embed_documents(embedder, [f.document for f in self._functions], cache_dir, known)
        self._index = faiss.IndexFlatIP(self._vectors.shape[1])
        if len(self._functions):
            self._index.add(self._vectors)
        self._lexicon = _lexicon(catalog, domains)
        self._reads = {f.entity_id: f for f in self._functions if f.entity_id and f.tool.endswith(READ_SERVICE)}

    def vectors_by_document(self) -> dict[str, np.ndarray]:
        """The embedding of each function document (reused when the inventory changes)."""
        return {f.document: self._vectors[i] for i, f in enumerate(self._functions)}

    def retrieve(self, text: str, *, k: int | None = None, context_area: str | None = None) -> list[Candidate]:
        """The best k functions for the text, plus the read function of every entity they write to.

        A request of several clauses ("close the blinds and turn on the lamp") is also ranked clause by clause,
        and the rankings are merged in turns, so each clause keeps its best functions among the k.
        """
        k = k or self.k
        if not self._functions:
            return []
        texts = [text, *clauses(text)]
        queries = self.embedder.encode(texts)
        n_sem = min(len(self._functions), max(64, 8 * k))
        rankings = [self._rank(t, q, context_area, n_sem) for t, q in zip(texts, queries, strict=True)]
        chosen: list[Candidate] = []
        keys: set[str] = set()
        for depth in range(max(len(r) for r in rankings)):
            for ranking in rankings:
                if depth < len(ranking) and len(chosen) < k and ranking[depth].function.key not in keys:
                    keys.add(ranking[depth].function.key)
                    chosen.append(ranking[depth])
        for cand in list(chosen):
            fn = cand.function
            read = self._reads.get(fn.entity_id) if fn.writes else None
            if read is not None and read.key not in keys:
                keys.add(read.key)
                chosen.append(Candidate(read, cand.score - 1e-3, cand.semantic))
        return chosen

    def _rank(self, text: str, query: np.ndarray, context_area: str | None, n_sem: int) -> list[Candidate]:
        """The n_sem semantically nearest functions plus lexically boosted ones, by combined score, best first."""
        sims, idx = self._index.search(query[None, :], n_sem)
        semantic: dict[int, float] = {int(i): float(s) for i, s in zip(idx[0], sims[0], strict=True) if i >= 0}
        boosts = self._boosts(tokens(text), context_area)
        for i in boosts:
            if i not in semantic:
                semantic[i] = float(self._vectors[i] @ query)
        scored = sorted(
            ((semantic[i] + boosts.get(i, 0.0), semantic[i], i) for i in semantic), key=lambda t: (-t[0], t[2])
        )
        return [Candidate(self._functions[i], score, sem) for score, sem, i in scored[:n_sem]]

    def _boosts(self, words: frozenset[str], context_area: str | None) -> dict[int, float]:
        """Lexical boosts per function index: entity names, areas and domain keywords found in the text."""
        lex = self._lexicon
        areas = {a for a, names in lex.area_names.items() if any(_phrase_in(n, words) for n in names)}
        doms = {d for d, names in lex.domain_words.items() if any(_phrase_in(n, words) for n in names)}
        if not areas and context_area:
            areas_bonus = {context_area: CONTEXT_AREA_WEIGHT}
        else:
            areas_bonus = dict.fromkeys(areas, AREA_WEIGHT)
        entity_score: dict[str, float] = {}
        for entity_id, names in lex.entity_names.items():
            best = max((len(n & words) / len(n) for n in names if n), default=0.0)
            if best > 0:
                entity_score[entity_id] = best * ENTITY_WEIGHT
        out: dict[int, float] = {}
        for i, fn in enumerate(self._functions):
            if fn.entity_id is None:
                continue
            b = entity_score.get(fn.entity_id, 0.0)
            if fn.area in areas_bonus:
                b += areas_bonus[fn.area]
            if fn.tool.split(".", 1)[0] in doms:
                b += DOMAIN_WEIGHT
            if b > 0:
                out[i] = b
        return out
