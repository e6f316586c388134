"""Training examples from the hand-written development sets (training/devdata.py): the run time's prompts, the
reference calls shared out per model pass, never an evaluation sentence, never the yardstick."""

from __future__ import annotations

from pathlib import Path

import pytest

from homefc.assistant import AskResult, Assistant, Pass
from homefc.calls import Call
from homefc.catalog import Catalog, build_catalog
from homefc.domains import DomainSpec
from homefc.engine import Engine
from homefc.eval.cases import load_case_file
from homefc.home import load_home
from homefc.resources import BUNDLED_EVAL
from homefc.retrieval import Candidate, Retriever, SentenceEmbedder
from training.config import RECIPES, DataConfig
from training.decontam import evaluation_sentences, normalise
from training.devdata import DEVSETS, assign, devset_examples, devset_files


def _pass(catalog: Catalog, *keys: str, settled: list[Call] | None = None) -> Pass:
    fns = [catalog.get(*k.split(":")) for k in keys]
    candidates = [Candidate(f, 1.0, 1.0) for f in fns if f is not None]
    result = AskResult(text="", calls=settled) if settled is not None else None
    return Pass("part", None, candidates, {}, "content", 0.0, result)


def test_the_yardstick_and_unknown_sets_never_train() -> None:
    with pytest.raises(ValueError, match="yardstick"):
        devset_files(["fresh5"])
    with pytest.raises(ValueError, match="no such development case file"):
        devset_files(["no-such-set"])
    assert "fresh5" not in RECIPES["natural"].data.devsets
    assert devset_files(["rules"]) == [DEVSETS / "rules.cases.yaml"]


def test_reference_calls_go_to_the_pass_that_offers_them(flat_catalog: Catalog) -> None:
    lamp = {"name": "light.turn_on", "arguments": {"entity_id": "light.living_room_ceiling"}}
    door = {"name": "lock.lock", "arguments": {"entity_id": "lock.front_door"}}
    first = _pass(flat_catalog, "light.turn_on:light.living_room_ceiling", "lock.lock:lock.front_door")
    second = _pass(flat_catalog, "lock.lock:lock.front_door")
    assert assign([lamp, door], [first, second]) == [[lamp], [door]]
    assert assign([lamp, door], [first]) == [[lamp, door]]
    # Calls listed in another order than the parts: each goes where its function ranks first.
    lamp_only = _pass(flat_catalog, "light.turn_on:light.living_room_ceiling")
    door_first = _pass(flat_catalog, "lock.lock:lock.front_door", "light.turn_on:light.living_room_ceiling")
    assert assign([lamp, door], [door_first, lamp_only]) == [[door], [lamp]]
    assert assign([door], [_pass(flat_catalog, "light.turn_on:light.living_room_ceiling")]) == "retrieval miss"
    assert assign([lamp], [first, second]) == "part without a call"
    # A call the rules make without the model is no pass's target.
    settled = _pass(flat_catalog, settled=[Call(name="light.turn_on", arguments={"entity_id": "light.kitchen"})])
    kitchen = {"name": "light.turn_on", "arguments": {"entity_id": "light.kitchen"}}
    assert assign([kitchen, door], [settled, second]) == [[], [door]]
    # Nothing to call: every pass answers.
    assert assign([], [first]) == [[]]


def test_development_sentences_train_on_the_prompts_the_run_time_builds(
    engine: Engine, embedder: SentenceEmbedder, domains: dict[str, DomainSpec], tmp_path: Path
) -> None:
    cfg = DataConfig(devsets=["rules"])
    examples, dropped = devset_examples(cfg, engine, embedder, domains, tmp_path, frozenset(evaluation_sentences()))
    assert len(examples) > 20, dropped
    assert all(e.kind == "devset" and e.home == "dev-devsets-rules" for e in examples)
    eval_sentences = evaluation_sentences()
    assert not {normalise(e.text) for e in examples} & eval_sentences
    eval_homes = {p.resolve() for p in BUNDLED_EVAL.glob("*.yaml")}
    assert not {(DEVSETS / "../../homefc/devices/homes/flat.yaml").resolve()} & eval_homes

    # The same sentence through Assistant.ask: the user turn the model saw is the example's content.
    catalog = build_catalog(load_home(DEVSETS / "../../homefc/devices/homes/flat.yaml"), domains)
    retriever = Retriever(catalog, embedder, domains, cache_dir=tmp_path, k=cfg.top_k)
    assistant = Assistant(catalog, retriever, engine, k=cfg.top_k, style=cfg.prompt_style)
    cases = load_case_file(DEVSETS / "rules.cases.yaml").cases
    plain_sentences = {s for c in cases.tests if not c.setup for s in c.sentences}  # type: ignore[union-attr]
    checked = 0
    for example in [e for e in examples if e.text in plain_sentences][:12]:
        result = assistant.ask(example.text, context_area=example.context_area)
        if result.content:
            assert result.content == example.content, example.text
            checked += 1
    assert checked >= 5


def test_an_evaluation_sentence_in_a_development_set_is_dropped(
    engine: Engine, embedder: SentenceEmbedder, domains: dict[str, DomainSpec], tmp_path: Path
) -> None:
    cfg = DataConfig(devsets=["rules"])
    first, _ = devset_examples(cfg, engine, embedder, domains, tmp_path)
    said = frozenset({normalise(first[0].text)})
    again, dropped = devset_examples(cfg, engine, embedder, domains, tmp_path, said)
    assert dropped["evaluation sentence"] >= 1
    assert normalise(first[0].text) not in {normalise(e.text) for e in again}
