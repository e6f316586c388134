"""Step 1: training data built by the runtime's own retrieval, prompt and grammar code.

Sources are generated homes, the example homes in homefc/devices/homes and the tool lists in
training/tools.yaml only; evaluation homes and sentences (homefc/devices/eval) are never read here.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from homefc.calls import parse_output, with_marker
from homefc.catalog import ENTITY_ARG, Catalog, build_catalog
from homefc.domains import load_domains
from homefc.engine import Engine
from homefc.grammar import build_grammar, marker_expr
from homefc.home import BUNDLED_HOMES, Home, load_home
from homefc.homegen import generate_home
from homefc.numbers import digits
from homefc.prompt import request_content
from homefc.retrieval import Embedder, Retriever
from homefc.rounds import DONE
from homefc.rules import narrow
from training.config import DataConfig
from training.decontam import normalise
from training.requests import Request, RequestMaker, load_templates
from training.tools import ToolRequestMaker, load_toolsets

log = logging.getLogger(__name__)

MISS_ANSWER = "Sorry, I couldn't find that in your home."


@dataclass
class Example:
    """One training example: the runtime's per-request prompt content and the reply to learn."""

    home: str
    """Source home."""
    kind: str
    """Generator that made the request."""
    category: str
    """simple, multiple, parallel or irrelevance."""
    domains: list[str]
    """Domains of the expected calls."""
    text: str
    """The request."""
    context_area: str | None
    """Speaker's area, if any."""
    content: str
    """The user turn exactly as the runtime builds it (candidates + request)."""
    target: str
    """The assistant reply: JSON call(s) or a short answer."""
    candidates: list[str]
    """Functions retrieval offered (keys)."""
    retrieval_miss: bool
    """True when retrieval did not offer a needed function (the target is then an answer)."""
    rounds: list[list[str]] = field(default_factory=list)
    """Earlier rounds of a follow-up example: [the model's calls, the results it got] (homefc.rounds)."""


def training_homes(cfg: DataConfig) -> list[tuple[str, Home]]:
    """Generated homes of the configured sizes plus the bundled example homes."""
    homes = [
        (f"generated-{n}-s{cfg.seed + i}", generate_home(n, seed=cfg.seed + i)) for i, n in enumerate(cfg.home_sizes)
    ]
    if cfg.include_example_homes:
        homes += [(p.stem, load_home(p)) for p in sorted(BUNDLED_HOMES.glob("*.yaml"))]
    return homes


def calls_text(calls: list[dict[str, Any]]) -> str:
    """Calls in the exact form the grammar admits: one object, or a list of several; none is DONE."""
    if not calls:
        return DONE
    if len(calls) == 1:
        return json.dumps(calls[0], ensure_ascii=False)
    return json.dumps(calls, ensure_ascii=False)


def target_text(request: Request) -> str:
    """The reply in the exact form the grammar admits."""
    if request.answer is not None:
        return request.answer
    return calls_text(request.calls)


def needed_key(call: dict[str, Any]) -> str:
    """The catalog key of the function a target call uses."""
    entity = call["arguments"].get(ENTITY_ARG)
    return f"{call['name']}:{entity}" if entity else call["name"]


@dataclass
class _Collector:
    """Turns drawn requests into examples through the runtime's retrieval, prompt and grammar."""

    cfg: DataConfig
    engine: Engine
    rng: random.Random
    exclude: frozenset[str] = frozenset()
    examples: list[Example] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)
    dropped: Counter[str] = field(default_factory=Counter)

    marker_gbnf: str | None = field(init=False, default=None)
    """The call marker as the run time's grammar writes it for this tokenizer."""

    def __post_init__(self) -> None:
        marker = self.cfg.call_marker
        self.marker_gbnf = marker_expr(marker, self.engine.special_token(marker)) if marker else None

    def collect(
        self, name: str, catalog: Catalog, retriever: Retriever, draw: Callable[[], Request | None], n: int
    ) -> None:
        """Add up to n examples for one home or toolset."""
        cfg, made, attempts = self.cfg, 0, 0
        while made < n and attempts < n * 20:
            attempts += 1
            request = draw()
            if request is None or len(request.calls) > cfg.max_calls:
                self.dropped["no fitting template"] += request is None
                continue
            if (name, request.text.lower()) in self.seen:
                self.dropped["duplicate"] += 1
                continue
            if normalise(request.text) in self.exclude:
                self.dropped["evaluation sentence"] += 1
                continue
            # The run time's path from text to prompt: spoken numbers as digits where the rules are on.
            said = digits(request.text) if cfg.rules else request.text
            cands = retriever.retrieve(said, k=cfg.top_k, context_area=request.context_area)
            pins: dict[str, dict[str, Any]] = {}
            if cfg.rules:
                cands, pins = narrow(said, cands, catalog, request.states or None)
            fns = [c.function for c in cands]
            keys = {f.key for f in fns}
            miss = bool({needed_key(c) for c in request.calls} - keys)
            if request.results is not None and (miss or {needed_key(c) for c in request.then} - keys):
                self.dropped["retrieval miss (read-first request)"] += 1
                continue
            if miss:
                if self.rng.random() > cfg.keep_miss_fraction:
                    self.dropped["retrieval miss (not kept)"] += 1
                    continue
                request = Request(
                    request.text,
                    request.category,
                    answer=MISS_ANSWER,
                    context_area=request.context_area,
                    kind=request.kind + "+miss",
                )
            marker, mark = cfg.call_marker, self.marker_gbnf
            target = with_marker(target_text(request), marker)
            grammar = build_grammar(fns, max_calls=cfg.max_calls, pins=pins, marker=mark).text
            parsed = parse_output(target, catalog, fns, marker)
            if not parsed.ok or not self.engine.grammar_accepts(grammar, target, marker):
                self.dropped["rejected by grammar or schema"] += 1
                continue
            follow: Example | None = None
            content = request_content(
                said,
                fns,
                catalog,
                context_area=request.context_area,
                states=request.states or None,
                style=cfg.prompt_style,
            )
            if request.results is not None:
                then = with_marker(calls_text(request.then), marker)
                grammar = build_grammar(fns, max_calls=cfg.max_calls, pins=pins, allow_done=True, marker=mark).text
                if (then and not parse_output(then, catalog, fns, marker).ok) or not self.engine.grammar_accepts(
                    grammar, then, marker
                ):
                    self.dropped["rejected by grammar or schema"] += 1
                    continue
                domains = sorted({c["name"].split(".")[0] for c in request.then}) or ["none"]
                follow = Example(
                    name,
                    request.kind + ("+act" if request.then else "+done"),
                    request.category,
                    domains,
                    request.text,
                    request.context_area,
                    content,
                    then,
                    sorted(keys),
                    False,
                    [[target, request.results]],
                )
            self.seen.add((name, request.text.lower()))
            self.examples.append(
                Example(
                    name,
                    request.kind,
                    request.category,
                    request.domains,
                    request.text,
                    request.context_area,
                    content,
                    target,
                    sorted(keys),
                    miss,
                )
            )
            if follow is not None:
                self.examples.append(follow)
            made += 1 + (follow is not None)


def _add_follow_ups(
    cfg: DataConfig,
    col: _Collector,
    homes: list[tuple[str, Home, Catalog, Retriever]],
    templates: dict[str, Any],
    per_home: int,
) -> None:
    """Add read-first requests on top of the one-pass data, drawn from their own random stream.

    The one-pass examples stay exactly those of a recipe without follow-ups, so a comparison of the two
    models measures the follow-up data, not a different draw of everything else.
    """
    rng = random.Random(cfg.seed + 7919)
    extra = _Collector(cfg, col.engine, rng, col.exclude, col.examples, col.seen, col.dropped)
    n = max(2, round(per_home * cfg.follow_up_share))
    for name, home, catalog, retriever in homes:
        maker = RequestMaker(home, catalog, templates, rng, cfg.copy_share)
        extra.collect(name, catalog, retriever, maker.nested, n)


def build_examples(
    cfg: DataConfig,
    engine: Engine,
    embedder: Embedder,
    cache_dir: Path | None,
    exclude: frozenset[str] = frozenset(),
) -> tuple[list[Example], dict[str, Any]]:
    """Generate, retrieve, render and filter examples; returns them with the data card.

    `exclude` holds normalised sentences (training.decontam) that no example may use.
    """
    start = time.perf_counter()
    rng = random.Random(cfg.seed)
    domains = load_domains()
    templates = load_templates()
    homes = training_homes(cfg)
    toolsets = load_toolsets() if cfg.tool_examples else []
    per_home = max(1, (cfg.examples - cfg.tool_examples) // len(homes))
    col = _Collector(cfg, engine, rng, exclude)
    built: list[tuple[str, Home, Catalog, Retriever]] = []
    for name, home in homes:
        catalog = build_catalog(home, domains)
        retriever = Retriever(catalog, embedder, domains, cache_dir=cache_dir, k=cfg.top_k)
        maker = RequestMaker(
            home, catalog, templates, rng, short_name_share=cfg.short_name_share, spoken_share=cfg.spoken_share
        )
        col.collect(name, catalog, retriever, maker.draw, per_home)
        built.append((name, home, catalog, retriever))
    for toolset in toolsets:
        retriever = Retriever(toolset.catalog, embedder, domains, cache_dir=cache_dir, k=cfg.top_k)
        maker = ToolRequestMaker(toolset, [t for t in toolsets if t is not toolset], templates, rng)
        col.collect(f"tools-{toolset.name}", toolset.catalog, retriever, maker.draw, cfg.tool_examples // len(toolsets))
    if cfg.follow_up_share:
        _add_follow_ups(cfg, col, built, templates, per_home)
    examples = col.examples
    if cfg.devsets:
        from training.devdata import devset_examples

        dev, dev_dropped = devset_examples(cfg, engine, embedder, domains, cache_dir, exclude)
        examples += dev
        col.dropped.update({f"development sentence: {k}": v for k, v in dev_dropped.items()})
    rng.shuffle(examples)
    card = {
        "seed": cfg.seed,
        "examples": len(examples),
        "homes": [n for n, _ in homes],
        "toolsets": [t.name for t in toolsets],
        "categories": dict(Counter(e.category for e in examples)),
        "kinds": dict(Counter(e.kind for e in examples)),
        "domains": dict(Counter(d for e in examples for d in e.domains)),
        "retrieval_misses": sum(e.retrieval_miss for e in examples),
        "dropped": dict(col.dropped),
        "seconds": round(time.perf_counter() - start, 1),
        "config": asdict(cfg),
    }
    return examples, card


def write_examples(examples: list[Example], card: dict[str, Any], out_dir: Path) -> Path:
    """Write data.jsonl and data_card.json; returns the JSONL path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "data.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for ex in examples:
            fh.write(json.dumps(asdict(ex), ensure_ascii=False) + "\n")
    (out_dir / "data_card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return path


def read_examples(path: Path) -> list[Example]:
    """Examples from a data.jsonl."""
    with path.open(encoding="utf-8") as fh:
        return [Example(**json.loads(line)) for line in fh if line.strip()]
