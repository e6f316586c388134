"""Examples from hand-written development cases (training/devsets): people's wording with its reference calls.

The templates give the model many homes but a narrow way of speaking; the development sets were written as people
talk. Each sentence goes through the run time's own `Assistant.passes` (rewriting, splitting, retrieval, word rules,
prompt), and each reference call becomes the target of the pass whose candidates offer it, so training sees exactly
the prompts the run time builds. A case set used here stops measuring anything: `DataConfig.devsets` names the
sets that train, and `fresh5/` (the untouched yardstick) may never be one of them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homefc.assistant import Assistant, Pass
from homefc.calls import parse_output
from homefc.catalog import ENTITY_ARG, Function, build_catalog, load_tools
from homefc.domains import DomainSpec
from homefc.engine import Engine
from homefc.eval.cases import CallCaseFile, DialogueFile, load_case_file
from homefc.grammar import build_grammar
from homefc.home import Home, load_home
from homefc.retrieval import Embedder, Retriever
from homefc.splits import VERBS
from homefc.virtual_home import VirtualHome
from training.config import DataConfig
from training.data import MISS_ANSWER, Example, calls_text, needed_key
from training.decontam import normalise

DEVSETS = Path(__file__).parent / "devsets"
YARDSTICK = "fresh5"
"""The development set no change and no training run may use."""
CHAT_ANSWER = "I can only help with the devices in your home."
TOOL_ANSWER = "I can't do that with the tools I have."
ASKS = re.compile(rf"^(?:(?:please|can you|could you|would you)\s+)?{VERBS}\b", re.I)
"""A request to do something (which the home may lack), not chat or a question."""


def devset_files(names: Sequence[str], root: Path = DEVSETS) -> list[Path]:
    """The case files of the named development sets (a directory's *.cases.yaml, or one file by name)."""
    files: list[Path] = []
    for name in names:
        if name == YARDSTICK:
            raise ValueError(f"training/devsets/{YARDSTICK} is the untouched yardstick; it never trains")
        path = root / name
        files += sorted(path.glob("*.cases.yaml")) if path.is_dir() else [root / f"{name}.cases.yaml"]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise ValueError(f"no such development case file: {', '.join(missing)}")
    return files


@dataclass
class _Item:
    sentence: str
    category: str
    calls: list[dict[str, Any]]
    context_area: str | None = None
    setup: dict[str, dict[str, Any]] = field(default_factory=dict)


def _items(path: Path) -> tuple[Home | None, Path, list[_Item]] | None:
    """The home (None for a tool list), the file it names and the sentences of one case file (None for dialogues,
    which are not one-pass requests)."""
    loaded = load_case_file(path)
    cases = loaded.cases
    if isinstance(cases, DialogueFile) or loaded.target is None:
        return None
    if isinstance(cases, CallCaseFile):
        items = [
            _Item(c.sentence, c.category or "simple", [s.model_dump() for s in c.expect_calls]) for c in cases.tests
        ]
        return None, loaded.target, items
    home = load_home(loaded.target)
    items = [
        _Item(
            s,
            c.category or "simple",
            [r.model_dump() for r in c.reference_calls],
            c.context_area,
            {k: v.as_setup() for k, v in c.setup.items()},
        )
        for c in cases.tests
        if c.reference_calls is not None
        for s in c.sentences
    ]
    return home, loaded.target, items


def _answer(text: str, tools: bool) -> str:
    """The reply to a sentence that must not call anything, as the generator words it (training/templates.yaml):
    on a tool list, what the tools cannot do; in a home, a request for something it lacks is not found and
    anything else is out of scope."""
    if tools:
        return TOOL_ANSWER
    return MISS_ANSWER if ASKS.match(text.strip()) else CHAT_ANSWER


def _ordered(call: dict[str, Any], fn: Function) -> dict[str, Any]:
    """The call with its arguments in the grammar's order (entity first, then the function's own order)."""
    args = call["arguments"]
    ordered: dict[str, Any] = {ENTITY_ARG: fn.entity_id} if fn.entity_id else {}
    ordered |= {a.name: args[a.name] for a in fn.args if a.name in args and a.name != ENTITY_ARG}
    return {"name": fn.tool, "arguments": ordered}


def assign(calls: list[dict[str, Any]], passes: list[Pass]) -> list[list[dict[str, Any]]] | str:
    """Each model pass's share of the reference calls; a reason (str) where they do not share out: a call no pass
    offers, or a pass left without one while others act. A call goes to the pass that ranks its function highest
    (each part's own device comes first), then to a part still without a call, then to the earliest."""
    settled = {needed_key(c.model_dump()) for p in passes if p.settled is not None for c in p.settled.calls}
    shares: list[list[dict[str, Any]]] = [[] for _ in passes]
    for call in calls:
        key = needed_key(call)
        ranks = {
            i: next(r for r, c in enumerate(p.candidates) if c.function.key == key)
            for i, p in enumerate(passes)
            if p.settled is None and key in {c.function.key for c in p.candidates}
        }
        if not ranks:
            if key in settled:
                continue  # the rules make this call without the model
            return "retrieval miss"
        i = min(ranks, key=lambda i: (ranks[i], bool(shares[i]), i))
        fn = passes[i].candidates[ranks[i]].function
        shares[i].append(_ordered(call, fn))
    if calls and any(not share for share, p in zip(shares, passes, strict=True) if p.settled is None):
        return "part without a call"
    return shares


def devset_examples(
    cfg: DataConfig,
    engine: Engine,
    embedder: Embedder,
    domains: dict[str, DomainSpec],
    cache_dir: Path | None,
    exclude: frozenset[str] = frozenset(),
) -> tuple[list[Example], Counter[str]]:
    """One example per model pass of every sentence of the configured development sets; returns them with the
    count of sentences dropped and why."""
    examples: list[Example] = []
    dropped: Counter[str] = Counter()
    for path in devset_files(cfg.devsets):
        found = _items(path)
        if found is None:
            continue
        home, target, items = found
        catalog = build_catalog(home, domains) if home is not None else load_tools(target)
        retriever = Retriever(catalog, embedder, domains, cache_dir=cache_dir, k=cfg.top_k)
        assistant = Assistant(
            catalog, retriever, engine, k=cfg.top_k, max_calls=cfg.max_calls, style=cfg.prompt_style, rules=cfg.rules
        )
        name = f"dev-{path.parent.name}-{path.name.removesuffix('.cases.yaml')}"
        for item in items:
            if normalise(item.sentence) in exclude:
                dropped["evaluation sentence"] += 1
                continue
            states = None
            if item.setup and home is not None:
                vhome = VirtualHome(home, domains)
                vhome.setup(item.setup)
                states = vhome.states
            passes = assistant.passes(item.sentence, context_area=item.context_area, states=states)
            if any(normalise(p.text) in exclude for p in passes):
                dropped["evaluation sentence"] += 1  # a part that says what an evaluation sentence says
                continue
            shares = assign(item.calls, passes)
            if isinstance(shares, str):
                dropped[shares] += 1
                continue
            made = []
            for p, share in zip(passes, shares, strict=True):
                if p.settled is not None:
                    continue
                fns = [c.function for c in p.candidates]
                target = calls_text(share) if share else _answer(p.text, home is None)
                grammar = build_grammar(fns, max_calls=cfg.max_calls, pins=p.pins).text
                if not parse_output(target, catalog, fns).ok or not engine.grammar_accepts(grammar, target):
                    made = None
                    break
                calls_domains = sorted({c["name"].split(".")[0] for c in share}) or ["none"]
                keys = sorted(f.key for f in fns)
                made.append(
                    Example(
                        name,
                        "devset",
                        item.category,
                        calls_domains,
                        p.text,
                        p.context_area,
                        p.content,
                        target,
                        keys,
                        False,
                    )
                )
            if made is None:
                dropped["rejected by grammar or schema"] += 1
                continue
            examples += made
    return examples, dropped
