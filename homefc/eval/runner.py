"""Run case files through the real assistant (or through their reference calls) and score every sentence."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homefc.actuator import VirtualActuator
from homefc.assistant import AskResult, Assistant
from homefc.calls import Call, validate_call
from homefc.catalog import Catalog, build_catalog, load_tools
from homefc.conversation import Conversation
from homefc.domains import DomainSpec
from homefc.eval.cases import CallCaseFile, Dialogue, DialogueFile, LoadedFile, StateCase, StateCaseFile, Turn
from homefc.eval.scorer import Verdict, match_calls, needed_keys, score_state
from homefc.home import Home, load_home
from homefc.virtual_home import VirtualHome, VirtualHomeError, diff

log = logging.getLogger(__name__)

AssistantFactory = Callable[[Catalog], Assistant]


@dataclass
class Record:
    """The outcome of one sentence, with everything needed to see why it passed or failed."""

    file: str
    """Case file."""
    case: int
    """Index of the case in the file."""
    sentence_index: int
    """Index of the sentence among the case's paraphrases."""
    sentence: str
    """The request."""
    category: str
    """simple, multiple, parallel, multi_turn or irrelevance."""
    domains: list[str]
    """Domains the case is about (of expected changes, reads or calls); ['none'] for irrelevance."""
    home_entities: int
    """Size of the home (entities), or of the tool list."""
    passed: bool
    """Whether it passed."""
    reason: str
    """Why it failed, or 'ok'."""
    calls: list[dict[str, Any]] = field(default_factory=list)
    """Calls made."""
    answer: str | None = None
    """Plain-text answer, if any."""
    error: str | None = None
    """Why the model's output was unusable, if it was."""
    changes: dict[str, Any] = field(default_factory=dict)
    """entity → {state: [before, after], attributes: {name: [before, after]}}."""
    candidates: list[str] = field(default_factory=list)
    """Functions retrieval offered."""
    needed: list[str] = field(default_factory=list)
    """Functions the case needs (from its reference or expected calls)."""
    retrieved: bool | None = None
    """Whether every needed function was among the candidates (None when nothing is needed)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Time split in ms."""
    forward_passes: int = 0
    """Model evaluations while decoding."""
    output_tokens: int = 0
    """Tokens the model emitted."""


def _changes_json(changes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for entity_id, change in changes.items():
        item: dict[str, Any] = {}
        if change.state is not None:
            item["state"] = list(change.state)
        if change.attributes:
            item["attributes"] = {k: list(v) for k, v in change.attributes.items()}
        out[entity_id] = item
    return out


def _domains_of(entity_ids: list[str], calls: list[str]) -> list[str]:
    found = sorted({e.split(".", 1)[0] for e in entity_ids} | {c.split(".", 1)[0] for c in calls if "." in c})
    return found or ["none"]


class Evaluator:
    """Scores case files; with no assistant factory it replays each case's reference calls instead."""

    def __init__(self, domains: dict[str, DomainSpec], make_assistant: AssistantFactory | None = None) -> None:
        self.domains = domains
        self.make_assistant = make_assistant
        self._homes: dict[Path, tuple[Home, Catalog]] = {}
        self._assistants: dict[Path, Assistant] = {}

    def _home(self, path: Path) -> tuple[Home, Catalog]:
        if path not in self._homes:
            home = load_home(path)
            self._homes[path] = (home, build_catalog(home, self.domains))
        return self._homes[path]

    def _assistant(self, key: Path, catalog: Catalog) -> Assistant | None:
        if self.make_assistant is None:
            return None
        if key not in self._assistants:
            self._assistants[key] = self.make_assistant(catalog)
        return self._assistants[key]

    def run(self, loaded: LoadedFile, *, limit: int | None = None, repeat: int = 1) -> Iterator[Record]:
        """Records for every sentence of a file (each repeated `repeat` times), at most `limit`."""
        count = 0
        if isinstance(loaded.cases, StateCaseFile):
            sentences = self._state_sentences(loaded)
        elif isinstance(loaded.cases, DialogueFile):
            sentences = self._dialogues(loaded)
        else:
            sentences = self._call_sentences(loaded)
        for make_record in sentences:
            for _ in range(repeat):
                if limit is not None and count >= limit:
                    return
                count += 1
                yield make_record()

    # --- state-diff cases ---------------------------------------------------------------------

    def _state_sentences(self, loaded: LoadedFile) -> Iterator[Callable[[], Record]]:
        assert isinstance(loaded.cases, StateCaseFile) and loaded.target is not None
        home, catalog = self._home(loaded.target)
        assistant = self._assistant(loaded.target, catalog)
        for ci, case in enumerate(loaded.cases.tests):
            for si, sentence in enumerate(case.sentences):
                yield lambda ci=ci, si=si, case=case, sentence=sentence: self._state_record(
                    loaded, home, catalog, assistant, ci, si, case, sentence
                )

    def _state_record(
        self,
        loaded: LoadedFile,
        home: Home,
        catalog: Catalog,
        assistant: Assistant | None,
        ci: int,
        si: int,
        case: StateCase,
        sentence: str,
    ) -> Record:
        vhome = VirtualHome(home, self.domains)
        reference = case.reference_calls or []
        record = Record(
            file=str(loaded.path),
            case=ci,
            sentence_index=si,
            sentence=sentence,
            category=case.category or "simple",
            domains=_domains_of([*case.expect_changes, *case.expect_reads], [c.name for c in reference]),
            home_entities=len(home.entities),
            passed=False,
            reason="",
            needed=sorted(needed_keys(reference)),
        )
        try:
            vhome.setup({k: v.as_setup() for k, v in case.setup.items()})
        except VirtualHomeError as exc:
            record.reason = f"bad case: {exc}"
            return record
        before = vhome.snapshot()
        calls, verdict = self._calls_for(record, catalog, assistant, sentence, case, vhome)
        if verdict is None:
            try:
                for call in calls:
                    vhome.apply(call)
            except VirtualHomeError as exc:
                verdict = Verdict(False, f"call could not be applied: {exc}")
        changes = diff(before, vhome.snapshot())
        record.changes = _changes_json(changes)
        if verdict is None:
            verdict = score_state(
                case.expect_changes, changes, self.domains, expect_reads=case.expect_reads, calls=calls
            )
        record.passed, record.reason = verdict.passed, verdict.reason
        return record

    def _calls_for(
        self,
        record: Record,
        catalog: Catalog,
        assistant: Assistant | None,
        sentence: str,
        case: StateCase,
        vhome: VirtualHome,
    ) -> tuple[list[Call], Verdict | None]:
        """The calls to apply: the model's, or the case's reference calls (validated like the model's)."""
        if assistant is None:
            calls: list[Call] = []
            for spec in case.reference_calls or []:
                checked = validate_call(spec.model_dump(), catalog)
                if isinstance(checked, str):
                    return [], Verdict(False, f"bad reference call: {checked}")
                calls.append(checked)
            record.calls = [c.model_dump() for c in calls]
            return calls, None
        result = assistant.ask(sentence, context_area=case.context_area, states=vhome.states)
        self._fill(record, result)
        if result.error:
            return [], Verdict(False, f"unusable output: {result.error}")
        return result.calls, None

    @staticmethod
    def _fill(record: Record, result: AskResult) -> None:
        record.calls = [c.model_dump() for c in result.calls]
        record.answer, record.error = result.answer, result.error
        record.candidates = [c.function.key for c in result.candidates]
        if record.needed:
            record.retrieved = set(record.needed) <= set(record.candidates)
        record.timings = {k: round(v, 2) for k, v in vars(result.timings).items()}
        record.forward_passes = result.stats.get("forward_passes", 0)
        record.output_tokens = result.stats.get("output_tokens", 0)

    # --- dialogues ----------------------------------------------------------------------------

    def _dialogues(self, loaded: LoadedFile) -> Iterator[Callable[[], Record]]:
        assert isinstance(loaded.cases, DialogueFile) and loaded.target is not None
        home, catalog = self._home(loaded.target)
        assistant = self._assistant(loaded.target, catalog)
        for ci, dialogue in enumerate(loaded.cases.dialogues):
            yield lambda ci=ci, dialogue=dialogue: self._dialogue_record(loaded, home, catalog, assistant, ci, dialogue)

    def _dialogue_record(
        self,
        loaded: LoadedFile,
        home: Home,
        catalog: Catalog,
        assistant: Assistant | None,
        ci: int,
        dialogue: Dialogue,
    ) -> Record:
        changed = [e for t in dialogue.turns for e in [*t.expect_changes, *t.expect_reads]]
        references = [c.name for t in dialogue.turns for c in t.reference_calls or []]
        record = Record(
            file=str(loaded.path),
            case=ci,
            sentence_index=0,
            sentence=f"[{dialogue.kind}] " + " / ".join(t.say for t in dialogue.turns),
            category="multi_turn",
            domains=_domains_of(changed, references),
            home_entities=len(home.entities),
            passed=False,
            reason="",
        )
        vhome = VirtualHome(home, self.domains)
        try:
            vhome.setup({k: v.as_setup() for k, v in dialogue.setup.items()})
        except VirtualHomeError as exc:
            record.reason = f"bad case: {exc}"
            return record
        conversation = None
        if assistant is not None:
            conversation = Conversation(assistant, VirtualActuator(vhome, catalog), context_area=dialogue.context_area)
        for ti, turn in enumerate(dialogue.turns, start=1):
            verdict = self._turn(record, catalog, conversation, vhome, turn)
            if not verdict.passed:
                record.reason = f"turn {ti} ({turn.say!r}): {verdict.reason}"
                return record
        record.passed, record.reason = True, "ok"
        return record

    def _turn(self, record: Record, catalog: Catalog, conversation: Any, vhome: VirtualHome, turn: Turn) -> Verdict:
        """Play one turn (the conversation, or the turn's reference calls) and score its own state change."""
        before = vhome.snapshot()
        question: str | None = None
        reply_text = ""
        if conversation is None:
            calls: list[Call] = []
            for spec in turn.reference_calls or []:
                checked = validate_call(spec.model_dump(), catalog)
                if isinstance(checked, str):
                    return Verdict(False, f"bad reference call: {checked}")
                calls.append(checked)
            try:
                for call in calls:
                    vhome.apply(call)
            except VirtualHomeError as exc:
                return Verdict(False, f"reference call could not be applied: {exc}")
            question, reply_text = turn.expect_question, " ".join(turn.expect_reply)
        else:
            reply = conversation.say(turn.say)
            calls = reply.calls
            question, reply_text = reply.question, reply.text
            for step in reply.steps:
                if step.result is not None:
                    record.timings = {
                        k: round(record.timings.get(k, 0.0) + v, 2) for k, v in vars(step.result.timings).items()
                    }
                    record.forward_passes += step.result.stats.get("forward_passes", 0)
        record.calls += [c.model_dump() for c in calls]
        record.answer = reply_text
        changes = diff(before, vhome.snapshot())
        record.changes = {**record.changes, **_changes_json(changes)}
        verdict = score_state(turn.expect_changes, changes, self.domains, expect_reads=turn.expect_reads, calls=calls)
        if not verdict.passed:
            return verdict
        if question != turn.expect_question:
            return Verdict(
                False, f"the reply asked {question or 'nothing'}, expected {turn.expect_question or 'no question'}"
            )
        missing = [w for w in turn.expect_reply if w.lower() not in reply_text.lower()]
        if missing:
            return Verdict(False, f"the reply {reply_text!r} does not mention {', '.join(missing)}")
        return Verdict(True, "ok")

    # --- call-match cases ---------------------------------------------------------------------

    def _call_sentences(self, loaded: LoadedFile) -> Iterator[Callable[[], Record]]:
        assert isinstance(loaded.cases, CallCaseFile) and loaded.target is not None
        catalog = load_tools(loaded.target)
        assistant = self._assistant(loaded.target, catalog)
        for ci, case in enumerate(loaded.cases.tests):

            def make(ci: int = ci, case: Any = case) -> Record:
                record = Record(
                    file=str(loaded.path),
                    case=ci,
                    sentence_index=0,
                    sentence=case.sentence,
                    category=case.category or "simple",
                    domains=["tools"] if case.expect_calls else ["none"],
                    home_entities=len(catalog),
                    passed=False,
                    reason="",
                    needed=sorted(needed_keys(case.expect_calls)),
                )
                if assistant is None:
                    calls = [Call(name=c.name, arguments=c.arguments) for c in case.expect_calls]
                    record.calls = [c.model_dump() for c in calls]
                    verdict = match_calls(case.expect_calls, calls, case.may_omit)
                else:
                    result = assistant.ask(case.sentence)
                    self._fill(record, result)
                    if result.error:
                        verdict = Verdict(False, f"unusable output: {result.error}")
                    else:
                        verdict = match_calls(case.expect_calls, result.calls, case.may_omit)
                record.passed, record.reason = verdict.passed, verdict.reason
                return record

            yield make
