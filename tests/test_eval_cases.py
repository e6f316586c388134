"""The bundled evaluation set is large, varied and self-consistent: its reference calls score 100%."""

from __future__ import annotations

from pathlib import Path

import pytest

from homefc.domains import DomainSpec
from homefc.eval.cases import CallCaseFile, DialogueFile, EvalError, StateCaseFile, load_case_file
from homefc.eval.runner import Evaluator
from homefc.home import BUNDLED_HOMES, load_home
from homefc.resources import BUNDLED_EVAL

CASE_FILES = sorted(BUNDLED_EVAL.glob("*.yaml"))


def test_there_are_case_files() -> None:
    assert len(CASE_FILES) >= 3


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_reference_calls_reproduce_every_expected_change(path: Path, domains: dict[str, DomainSpec]) -> None:
    loaded = load_case_file(path)
    if isinstance(loaded.cases, StateCaseFile):
        assert all(case.reference_calls is not None for case in loaded.cases.tests)
    if isinstance(loaded.cases, DialogueFile):
        assert all(t.reference_calls is not None for d in loaded.cases.dialogues for t in d.turns if t.expect_changes)
    failures = [f"#{r.case} {r.sentence!r}: {r.reason}" for r in Evaluator(domains).run(loaded) if not r.passed]
    assert failures == []


def test_evaluation_set_is_large_and_covers_categories_and_domains() -> None:
    homes: set[Path] = set()
    sentences = 0
    categories: set[str] = set()
    domains: set[str] = set()
    with_area = 0
    kinds: set[str] = set()
    longest = 0
    for path in CASE_FILES:
        loaded = load_case_file(path)
        if isinstance(loaded.cases, StateCaseFile):
            assert loaded.target is not None
            homes.add(loaded.target)
            for case in loaded.cases.tests:
                sentences += len(case.sentences)
                categories.add(case.category or "")
                domains |= {e.split(".")[0] for e in [*case.expect_changes, *case.expect_reads]}
                with_area += case.context_area is not None
        elif isinstance(loaded.cases, DialogueFile):
            dialogues = loaded.cases.dialogues
            kinds |= {d.kind for d in dialogues}
            longest = max([longest, *(len(d.turns) for d in dialogues)])
        else:
            assert isinstance(loaded.cases, CallCaseFile)
            sentences += len(loaded.cases.tests)
    assert len(homes) >= 3
    assert sentences >= 300
    assert {"simple", "multiple", "parallel", "irrelevance"} <= categories
    assert len(domains) >= 12
    assert with_area >= 5
    assert kinds == {"references", "nested", "clarification", "confirmation", "long"} and longest >= 30


def test_evaluation_homes_are_not_example_homes() -> None:
    example_names = {load_home(p).name for p in BUNDLED_HOMES.glob("*.yaml")}
    for path in CASE_FILES:
        loaded = load_case_file(path)
        if loaded.on_home:
            assert loaded.target is not None
            assert BUNDLED_HOMES not in loaded.target.parents
            assert load_home(loaded.target).name not in example_names


def test_broken_case_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "cases.yaml"
    bad.write_text("home: h.yaml\ntests:\n  - sentences: []\n    expect_changes: {}\n")
    with pytest.raises(EvalError, match=r"cases.yaml: tests\[0\]\.sentences") as info:
        load_case_file(bad)
    assert "\n" not in str(info.value)
    no_home = tmp_path / "nohome.yaml"
    no_home.write_text("tests:\n  - sentences: [hi]\n    expect_changes: {}\n")
    with pytest.raises(EvalError, match="no 'home'"):
        load_case_file(no_home)
