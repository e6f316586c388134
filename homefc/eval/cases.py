"""Evaluation case files: state-diff cases on a home, call-match cases on a plain tool list."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from homefc.errors import HomefcError, describe_validation_error
from homefc.home import read_data_file

Category = Literal["simple", "multiple", "parallel", "irrelevance", "multi_turn"]
CATEGORIES: tuple[str, ...] = ("simple", "multiple", "parallel", "multi_turn", "irrelevance")


class EvalError(HomefcError):
    """An evaluation case file is missing or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class EntityValues(_Strict):
    """State and attributes of one entity, as given in setup or expected after the sentence."""

    state: str | int | float | bool | None = None
    """The state (checked only when given)."""
    attributes: dict[str, Any] = Field(default_factory=dict)
    """Attributes (only the ones listed are set or checked)."""

    @property
    def has_state(self) -> bool:
        """Whether the file gave a state."""
        return "state" in self.model_fields_set

    def as_setup(self) -> dict[str, Any]:
        """The form VirtualHome.setup takes."""
        out: dict[str, Any] = {"attributes": self.attributes}
        if self.has_state:
            out["state"] = self.state
        return out


class CallSpec(_Strict):
    """An expected or reference call."""

    name: str
    """Call name."""
    arguments: dict[str, Any] = Field(default_factory=dict)
    """Arguments (entity_id included)."""


class StateCase(_Strict):
    """Sentences that should all lead to the same state change."""

    sentences: list[str] = Field(min_length=1)
    """Paraphrases of one request."""
    setup: dict[str, EntityValues] = Field(default_factory=dict)
    """Entity states before the sentence (others as in the inventory)."""
    expect_changes: dict[str, EntityValues]
    """Exactly these entities change, with these values; {} means nothing may change."""
    expect_reads: list[str] = Field(default_factory=list)
    """Entities the request asks about: their get_state must be called."""
    context_area: str | None = None
    """Where the speaker is (a voice satellite's area)."""
    category: Category | None = None
    """Report category; inferred when absent."""
    reference_calls: list[CallSpec] | None = None
    """Calls a correct assistant makes; checked against expect_changes by the test suite."""
    note: str = ""
    """Why the case exists (ambiguity, alias, relative change, ...)."""

    @model_validator(mode="after")
    def _infer_category(self) -> StateCase:
        if self.category is None:
            if not self.expect_changes and not self.expect_reads:
                self.category = "irrelevance"
            elif len(self.expect_changes) > 1:
                self.category = "parallel"
            else:
                self.category = "simple"
        return self


class StateCaseFile(_Strict):
    """A file of state-diff cases on one home."""

    home: str | None = None
    """Inventory path, relative to this file (or --home)."""
    tests: list[StateCase] = Field(min_length=1)
    """The cases."""


class Turn(_Strict):
    """One user turn of a dialogue and what must follow from it."""

    say: str = Field(min_length=1)
    """What the user says."""
    expect_changes: dict[str, EntityValues] = Field(default_factory=dict)
    """Exactly these entities change during this turn; {} means nothing may change."""
    expect_reads: list[str] = Field(default_factory=list)
    """Entities whose get_state must be called this turn."""
    expect_question: Literal["confirm", "clarify"] | None = None
    """The reply must ask this (a confirmation, or which device)."""
    expect_reply: list[str] = Field(default_factory=list)
    """Words the reply must contain (case-insensitive), e.g. the devices a state question lists."""
    reference_calls: list[CallSpec] | None = None
    """Calls a correct assistant makes this turn; checked against expect_changes by the test suite."""


DialogueKind = Literal["references", "nested", "clarification", "confirmation", "long"]


class Dialogue(_Strict):
    """A conversation: turns in order, each scored on its own state change; passes when every turn passes."""

    kind: DialogueKind
    """What it tests."""
    turns: list[Turn] = Field(min_length=1)
    """The turns."""
    setup: dict[str, EntityValues] = Field(default_factory=dict)
    """Entity states before the first turn."""
    context_area: str | None = None
    """Where the speaker is."""
    note: str = ""
    """Why the dialogue exists."""


class DialogueFile(_Strict):
    """A file of multi-turn dialogues on one home."""

    home: str | None = None
    """Inventory path, relative to this file (or --home)."""
    dialogues: list[Dialogue] = Field(min_length=1)
    """The dialogues."""


class CallCase(_Strict):
    """A sentence and the calls it must produce (BFCL-style AST match)."""

    sentence: str
    """The request."""
    expect_calls: list[CallSpec]
    """Expected calls, order-free; [] means it must not call."""
    may_omit: list[str] = Field(default_factory=list)
    """Optional arguments the model may leave out."""
    category: Category | None = None
    """Report category; inferred when absent."""

    @model_validator(mode="after")
    def _infer_category(self) -> CallCase:
        if self.category is None:
            n = len(self.expect_calls)
            self.category = "irrelevance" if n == 0 else "parallel" if n > 1 else "simple"
        return self


class CallCaseFile(_Strict):
    """A file of call-match cases on an OpenAI-style tool list."""

    tools: str
    """Tool list path, relative to this file."""
    tests: list[CallCase] = Field(min_length=1)
    """The cases."""


@dataclass(frozen=True)
class LoadedFile:
    """A parsed case file and where its home or tools live."""

    path: Path
    """The case file."""
    cases: StateCaseFile | CallCaseFile | DialogueFile
    """Its cases."""
    target: Path | None
    """Resolved home or tools path."""

    @property
    def sentences(self) -> list[str]:
        """Every user sentence of the file (paraphrases and dialogue turns included)."""
        if isinstance(self.cases, StateCaseFile):
            return [s for case in self.cases.tests for s in case.sentences]
        if isinstance(self.cases, DialogueFile):
            return [turn.say for d in self.cases.dialogues for turn in d.turns]
        return [case.sentence for case in self.cases.tests]

    @property
    def on_home(self) -> bool:
        """True for files on a home inventory (not a plain tool list)."""
        return not isinstance(self.cases, CallCaseFile)


def load_case_file(path: str | Path, home_override: Path | None = None) -> LoadedFile:
    """Load one case file: state-diff (`home` and `tests`), dialogues (`home` and `dialogues`) or call-match
    (`tools`)."""
    path = Path(path)
    data = read_data_file(path, EvalError)
    if not isinstance(data, dict):
        raise EvalError(f"{path}: expected a mapping with 'home' or 'tools' and 'tests'")
    model: type[StateCaseFile] | type[CallCaseFile] | type[DialogueFile] = (
        CallCaseFile if "tools" in data else DialogueFile if "dialogues" in data else StateCaseFile
    )
    try:
        cases = model.model_validate(data)
    except ValidationError as exc:
        raise EvalError(describe_validation_error(exc, source=str(path), root=data)) from None
    if isinstance(cases, CallCaseFile):
        return LoadedFile(path, cases, (path.parent / cases.tools).resolve())
    if home_override is not None:
        return LoadedFile(path, cases, home_override)
    if cases.home is None:
        raise EvalError(f"{path}: no 'home' in the file and no --home given")
    return LoadedFile(path, cases, (path.parent / cases.home).resolve())
