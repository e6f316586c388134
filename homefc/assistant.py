"""The one request path: retrieve → prompt → grammar → decode → validate."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from homefc.calls import Call, ProseStream, SpacedProse, parse_output
from homefc.capability import lacking
from homefc.catalog import ENTITY_ARG, Catalog, Function
from homefc.engine import Engine, Generation
from homefc.grammar import build_grammar, marker_expr
from homefc.grounding import NO_TOOL, grounded_calls, in_said_words, joined_calls, named_tool, tool_list_answer
from homefc.hostile import REFUSAL, injected
from homefc.implied import dark_room, dark_room_lights, measured_reads, reads_the_place
from homefc.numbers import digits
from homefc.onedevice import (
    named_acted,
    named_pinned,
    one_device_calls,
    pinned_device,
    said_rooms_own,
    single_device,
    speakers_own,
)
from homefc.pairs import split_named_pair
from homefc.plurals import split_areas, split_both
from homefc.prompt import SYSTEM_PROMPT, FewShot, PromptStyle, StateLike, chat_frame, request_content
from homefc.questions import split_question
from homefc.references import numbered_names, owner_pronouns, self_corrected
from homefc.retrieval import Candidate, Retriever
from homefc.rooms import clause_areas, missing_appliance, missing_device, missing_room
from homefc.rounds import RoundFrame, round_frame, round_pieces
from homefc.rules import (
    NOT_FOUND,
    AreaLights,
    area_alias_said,
    area_lights,
    devices_of_missing_area,
    named_devices,
    narrow,
)
from homefc.splits import (
    named_back_reference,
    split_clauses,
    split_list,
    without_reason,
)
from homefc.todolists import carried_list, restated_add, split_items
from homefc.toolargs import each_time, said_arguments, the_same
from homefc.toolfit import content_tool, evidenced_calls, fitting_calls, timed_calls, timed_pair
from homefc.toolsplit import split_tool_requests
from homefc.values import brightness_step

log = logging.getLogger(__name__)

EMPTY_REPLY = "I didn't catch a request. Try something like: turn off the kitchen light."
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


@dataclass
class Timings:
    """Where the time of one request went, in milliseconds."""

    retrieve_ms: float = 0.0
    """Embedding the request, ranking functions, the word rules' narrowing and the prompt's user turn."""
    grammar_ms: float = 0.0
    """Building the request's grammar."""
    prefill_ms: float = 0.0
    """Evaluating the per-request prompt."""
    decode_ms: float = 0.0
    """Generating the output."""
    total_ms: float = 0.0
    """Text in to validated calls out."""


@dataclass
class AskResult:
    """Everything one request produced."""

    text: str
    """The request as the model saw it (cleaned, possibly shortened)."""
    calls: list[Call] = field(default_factory=list)
    """Validated calls."""
    answer: str | None = None
    """Plain-text answer, when no call was made."""
    error: str | None = None
    """Why the model's output was unusable, if it was."""
    candidates: list[Candidate] = field(default_factory=list)
    """Functions retrieval offered to the model."""
    raw: str = ""
    """The model's raw output."""
    truncated: bool = False
    """True when the request was longer than the input limit and was cut."""
    timings: Timings = field(default_factory=Timings)
    """Time split."""
    stats: dict[str, int] = field(default_factory=dict)
    """Token counts: prompt, cached, forward passes, sampled, forced."""
    content: str = ""
    """The user turn the model saw (candidates and request); empty when no model pass ran."""
    pins: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Argument values the word rules fixed, per function key."""
    rounds: list[tuple[str, str]] = field(default_factory=list)
    """Earlier rounds of this request: (the model's calls, the results it was given)."""
    said: str = ""
    """The request as said (cleaned, numbers still in words); free text passed to a plain tool keeps these words."""
    unmet: list[str] = field(default_factory=list)
    """"Can't find …" answers of a split request's parts that made no call while other parts did."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the result."""
        return {
            "text": self.text,
            "calls": [c.model_dump() for c in self.calls],
            "answer": self.answer,
            "unmet": self.unmet,
            "error": self.error,
            "candidates": [
                {"name": c.function.tool, "entity_id": c.function.entity_id, "score": round(c.score, 4)}
                for c in self.candidates
            ],
            "raw": self.raw,
            "truncated": self.truncated,
            "timings": {k: round(v, 2) for k, v in asdict(self.timings).items()},
            "stats": self.stats,
        }


@dataclass
class Pass:
    """One model pass as the run time prepares it."""

    text: str
    """The part of the request the model is asked (a reason that says nothing of it left out)."""
    context_area: str | None
    """The area the part is read in."""
    candidates: list[Candidate]
    """The functions offered, after the word rules narrowed them."""
    pins: dict[str, dict[str, Any]]
    """Argument values the word rules fixed, per function key."""
    content: str
    """The user turn the model sees."""
    retrieve_ms: float = 0.0
    """Time spent retrieving and narrowing."""
    settled: AskResult | None = None
    """Where the rules settled the part without a model pass: their result (no candidates, no content)."""


def clean_text(text: str | bytes, max_chars: int) -> tuple[str, bool]:
    """User text made safe for the prompt: valid UTF-8, no control characters, bounded length."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    else:
        text = text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text, False
    cut = text[:max_chars]
    if " " in cut[max_chars // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut, True


class Assistant:
    """Turns a request into validated calls over one catalog; every front end uses this."""

    def __init__(
        self,
        catalog: Catalog,
        retriever: Retriever,
        engine: Engine,
        *,
        fewshot: FewShot | None = None,
        system: str = SYSTEM_PROMPT,
        k: int = 8,
        max_calls: int = 4,
        max_input_chars: int = 400,
        max_tokens: int = 256,
        backend: str = "llguidance",
        fast_forward: bool = True,
        style: PromptStyle = "full",
        split: bool = True,
        rules: bool = True,
        rounds: bool = False,
        marker: str | None = None,
    ) -> None:
        self.catalog = catalog
        self.marker = marker
        """The call marker the model writes before its calls (None: a call starts with '{' or '[')."""
        self._marker_gbnf = marker_expr(marker, engine.special_token(marker)) if marker else None
        self.rounds = rounds
        """The model was trained on follow-up rounds (homefc.rounds): reads made to act are fed back to it."""
        self.split = split
        """Ask once per clause of a several-action request ("close the blind, then play the radio")."""
        self.rules = rules
        """Compute what the words fix (homefc.rules) instead of asking the model for it."""
        self.style: PromptStyle = style
        self.retriever = retriever
        self.engine = engine
        self.k = k
        self.max_calls = max_calls
        self.max_input_chars = max_input_chars
        self.max_tokens = max_tokens
        self.backend = backend
        self.fast_forward = fast_forward
        frame = chat_frame(engine.render_chat, fewshot, system)
        self._prefix = engine.tokenize(frame.head)
        self._tail = engine.tokenize(frame.tail)
        self._frame_args = (fewshot, system)
        self.prefix_ms = engine.ensure_prefix(self._prefix)

    def ask(
        self,
        text: str | bytes,
        *,
        context_area: str | None = None,
        states: Mapping[str, StateLike] | None = None,
        use_cache: bool = True,
        fast_forward: bool | None = None,
        backend: str | None = None,
        on_prose: Callable[[str], None] | None = None,
    ) -> AskResult:
        """Run one request through retrieval, the grammar-constrained model and validation.

        `states` gives live entity states for the prompt (else the inventory's); `use_cache`, `fast_forward` and
        `backend` switch optimisations off or change the grammar engine (for `homefc bench`). `on_prose` is
        given the model's prose piece by piece as it is written (never the calls).
        """
        start = time.perf_counter()
        clean, said, truncated = self._rewritten(text)
        result = AskResult(text=clean, truncated=truncated, said=said)
        if not clean:
            result.answer = EMPTY_REPLY
            result.timings.total_ms = (time.perf_counter() - start) * 1000
            return result
        if self.rules and injected(clean, self.catalog):
            result.answer = REFUSAL
            result.stats = {"refused": 1}
            result.timings.total_ms = (time.perf_counter() - start) * 1000
            return result
        options = {"context_area": context_area, "states": states, "use_cache": use_cache}
        options |= {"fast_forward": fast_forward, "backend": backend}
        areas = self._parts(clean, context_area)
        if len(areas) == 1:
            self._ask_one(result, on_prose=on_prose, **options)
        else:
            # Each action (and each device of a long list) gets its own retrieval and model pass: one clause's
            # candidates do not crowd out another's, and the small model writes one or two calls well where it
            # drops the third.
            spaced = SpacedProse(on_prose) if on_prose is not None else None
            parts = []
            for c, area in areas:
                sink = spaced.next_clause() if spaced is not None else None
                options["context_area"] = area
                parts.append(self._ask_one(AskResult(text=c, truncated=truncated, said=said), on_prose=sink, **options))
            _merge(result, parts)
            if self.rules and self.catalog.home is None:
                result.calls = the_same(result.calls, self.catalog.functions)
        result.timings.total_ms = (time.perf_counter() - start) * 1000
        return result

    def _rewritten(self, text: str | bytes) -> tuple[str, str, bool]:
        """(the request as the rules read it, as said, whether it was cut): numbers as digits, owners, self-corrections
        and restated list adds resolved."""
        clean, truncated = clean_text(text, self.max_input_chars)
        said = clean
        if self.rules:
            clean = restated_add(
                owner_pronouns(self_corrected(numbered_names(digits(clean), self.catalog), self.catalog), self.catalog),
                self.catalog,
            )
            clean = named_back_reference(clean, self.catalog)
        return clean, said, truncated

    def _parts(self, clean: str, context_area: str | None) -> list[tuple[str, str | None]]:
        """The parts of a request that each get a model pass, with the area each is read in ([(clean, context_area)]
        for one request)."""
        clauses = [clean]
        if self.split:
            items = [item for c in split_clauses(clean) for item in split_list(c, self.catalog)]
            items = [part for item in items for part in split_areas(item, self.catalog)]
            pairs = [part for item in items for part in split_named_pair(item, self.catalog)]
            pairs = [part for pair in pairs for part in split_question(pair, self.catalog)]
            twins = [part for pair in pairs for part in split_both(pair, self.catalog)]
            clauses = carried_list([part for twin in twins for part in split_items(twin, self.catalog)], self.catalog)
            if self.catalog.home is None:
                clauses = [part for clause in clauses for part in split_tool_requests(clause)]
        if len(clauses) == 1:
            return [(clean, context_area)]
        if not self.rules:
            return [(c, context_area) for c in clauses]
        return clause_areas(clauses, self.catalog, context_area)

    def passes(
        self, text: str, *, context_area: str | None = None, states: Mapping[str, StateLike] | None = None
    ) -> list[Pass]:
        """The first model pass `ask` runs for each part of text, prepared but not run (a part the rules settle
        comes with their result instead). Training data is built from these, so its prompts are the run time's
        (training/devdata.py)."""
        clean, _, _ = self._rewritten(text)
        if not clean or (self.rules and injected(clean, self.catalog)):
            return []
        out = []
        for part, area in self._parts(clean, context_area):
            clause = without_reason(part, self.catalog) if self.rules else part
            settled = self._by_rule(AskResult(text=part), clause, area)
            out.append(
                self._prepare(clause, area, states) if settled is None else Pass(clause, area, [], {}, "", 0.0, settled)
            )
        return out

    def _by_rule(self, result: AskResult, clean: str, context_area: str | None) -> AskResult | None:
        """The result with its answer or calls filled where the rules settle the request without a model pass (a
        room or device the home lacks, every light of a room); None otherwise."""
        if not self.rules:
            return None
        if (room := missing_room(clean, self.catalog)) is not None:
            result.answer = f"Sorry, I can't find {_a(room)} {room} in your home."
            result.stats = {"missing_room": 1}
            return result
        if (appliance := missing_appliance(clean, self.catalog)) is not None:
            result.answer = f"Sorry, I can't find {_a(appliance)} {appliance} in your home."
            result.stats = {"missing_device": 1}
            return result
        if (kind := missing_device(clean, self.catalog)) is not None:
            result.answer = f"Sorry, I can't find {_a(kind[0])} {kind[0]} in the {kind[1]}."
            result.stats = {"missing_device": 1}
            return result
        if (lights := self._room_lights(clean, context_area)) is not None:
            # Every light of the area, as docs/conventions.md reads it: no model pass, so none is dropped.
            result.calls = [Call(name=f.tool, arguments={ENTITY_ARG: f.entity_id}) for f in lights.functions]
            result.stats = {"rule_calls": len(result.calls)}
            return result
        return None

    def _prepare(self, clean: str, context_area: str | None, states: Mapping[str, StateLike] | None) -> Pass:
        """Retrieval, the word rules' narrowing and pins, and the user turn for one model pass."""
        t0 = time.perf_counter()
        candidates = self.retriever.retrieve(clean, k=self.k, context_area=context_area)
        retrieved = time.perf_counter()
        pins: dict[str, dict[str, Any]] = {}
        if self.rules:
            candidates, pins = narrow(clean, candidates, self.catalog, states)
            candidates = speakers_own(clean, candidates, self.catalog, context_area)
            candidates = said_rooms_own(clean, candidates, self.catalog)
        functions = [c.function for c in candidates]
        content = request_content(
            clean, functions, self.catalog, context_area=context_area, states=states, style=self.style
        )
        return Pass(clean, context_area, candidates, pins, content, (retrieved - t0) * 1000)

    def _room_lights(self, text: str, context_area: str | None) -> AreaLights | None:
        """Every light of a room, where the words mean that: "kitchen lights off", and "I can't see a thing in here"
        (docs/conventions.md: that room's lights on; "too dark" brightens one on, so the model keeps that)."""
        if (lights := area_lights(text, self.catalog, context_area)) is not None:
            return lights
        return dark_room(text, self.catalog, context_area) if brightness_step(text) is None else None

    def _ask_one(
        self,
        result: AskResult,
        *,
        context_area: str | None,
        states: Mapping[str, StateLike] | None,
        use_cache: bool,
        fast_forward: bool | None,
        backend: str | None,
        on_prose: Callable[[str], None] | None,
    ) -> AskResult:
        """One model pass for result.text; fills and returns result."""
        clean = without_reason(result.text, self.catalog) if self.rules else result.text
        start = time.perf_counter()
        if self._by_rule(result, clean, context_area) is not None:
            result.timings.total_ms = (time.perf_counter() - start) * 1000
            return result
        prepared = self._prepare(clean, context_area, states)
        result.candidates, pins, content = prepared.candidates, prepared.pins, prepared.content
        functions = [c.function for c in result.candidates]
        t1 = time.perf_counter()
        grammar = build_grammar(functions, max_calls=self.max_calls, pins=pins, marker=self._marker_gbnf)
        t2 = time.perf_counter()
        suffix = self.engine.tokenize_plain(content) + self._tail
        fast = self.fast_forward if fast_forward is None else fast_forward
        options: dict[str, Any] = {"max_tokens": self.max_tokens, "use_cache": use_cache, "fast_forward": fast}
        options["backend"] = backend or self.backend
        named = named_devices(clean, functions, self.catalog) if self.rules and on_prose is not None else None
        pinned, dark, measured = set(), [], []
        if self.rules:
            pinned = pinned_device(clean, functions, pins, self.catalog, context_area)
            pinned = pinned or named_pinned(clean, functions, pins, self.catalog)
            dark = dark_room_lights(clean, self.catalog, context_area)
            measured = measured_reads(clean, self.catalog, context_area)
        # Prose that the retries below could take back is not streamed.
        hold = bool(named) or bool(pinned) or bool(dark) or bool(measured)
        hold = hold or (named is not None and area_alias_said(clean, self.catalog))
        stream = ProseStream(on_prose) if on_prose is not None and not hold else None
        gen = self.engine.generate(self._prefix, suffix, grammar.text, on_text=stream, **options)
        result.content, result.pins = content, pins
        self._take(result, gen, functions)
        prefill_ms, decode_ms = gen.prefill_ms, gen.decode_ms
        missing = self.rules and result.answer is not None and NOT_FOUND.search(result.answer) is not None
        if missing and result.answer is not None:
            if named is None:
                named = named_devices(clean, functions, self.catalog)
            named = named or devices_of_missing_area(result.answer, functions, self.catalog)
        # The model says a device (or room) does not exist that the words name by its name or alias (the prompt
        # shows ids, not aliases), or answers a request whose words fix a value of one device of the room named:
        # ask again with only that device's (room's, pinned) functions and no answer.
        retry = [f for f in functions if f.entity_id in named] if missing and named else []
        if not retry and pinned and result.answer is not None and not result.calls:
            retry = [f for f in functions if f.entity_id in pinned and f.key in pins]
        lit = {f.entity_id for f in dark}
        if not retry and dark and not any(c.name == "light.turn_on" and c.entity_id in lit for c in result.calls):
            # A plain turn_on unless the words fixed a step ("too dark" brightens a light that is on).
            retry = dark
            pins = {f.key: pins.get(f.key) or {a.name: None for a in f.args if a.name != ENTITY_ARG} for f in dark}
        if not retry and measured and not reads_the_place(result.calls, measured, self.catalog):
            retry = measured
        acted = set()
        if self.rules and not retry and result.answer is not None and not result.calls and not missing:
            acted = named_acted(clean, functions, self.catalog)
            # Never a guarded service: a refusal of "unlock the front door" stands.
            retry = [
                f for f in functions if f.entity_id in acted and not f.tool.endswith(".get_state") and not f.confirm
            ]
        if self.rules and not retry and self.catalog.home is None and len(result.calls) == 1:
            # A tool list: the one tool the words name by a word of its own ("email Mr Patel"), not the one picked.
            chosen = result.calls[0].name
            tool = content_tool(clean, self.catalog.functions, chosen) or named_tool(clean, functions, chosen)
            # The weather now or the forecast is the time said, not the word "weather" (timed_calls below).
            pair = {f.tool for f in timed_pair(self.catalog.functions) or ()}
            retry = [tool] if tool is not None and tool.tool != chosen and {tool.tool, chosen} != pair else []
        if retry:
            marker = self._marker_gbnf
            again = build_grammar(retry, max_calls=self.max_calls, pins=pins, allow_answer=False, marker=marker)
            gen = self.engine.generate(self._prefix, suffix, again.text, keep_suffix=True, **options)
            self._take(result, gen, retry)
            decode_ms += gen.prefill_ms + gen.decode_ms
        result.timings = Timings(
            retrieve_ms=prepared.retrieve_ms,
            grammar_ms=(t2 - t1) * 1000,
            prefill_ms=prefill_ms,
            decode_ms=decode_ms,
            total_ms=(time.perf_counter() - start) * 1000,
        )
        result.stats = self._stats(gen, len(grammar.text), len(pins))
        if named and missing:
            result.stats["named_retry"] = 1
        elif retry and retry is dark:
            result.stats["dark_retry"] = 1
        elif retry and retry is measured:
            result.stats["measured_retry"] = 1
        elif retry and acted:
            result.stats["acted_retry"] = 1
        elif retry:
            result.stats["pinned_retry"] = 1
        if self.rules and len(result.calls) > 1 and single_device(clean, self.catalog):
            # Words for one device keep one device's calls: the model adds a call for a reason clause.
            kept = one_device_calls(result.calls, clean, self.catalog)
            result.stats["dropped_calls"] = len(result.calls) - len(kept)
            result.calls = kept
        if self.rules and result.calls:
            kept, reply = lacking(clean, result.calls, self.catalog)
            if len(kept) < len(result.calls):
                result.stats["lacking"] = len(result.calls) - len(kept)
                result.calls, result.answer = kept, reply
        if self.rules and self.catalog.home is None and result.answer:
            result.answer = tool_list_answer(result.answer)
        if self.rules and self.catalog.home is None and result.calls:
            # A plain tool list: a tool that does not do what the verb asks ("book …" on a search) is declined and
            # the weather now or to come is the one the words say (homefc/toolfit.py); arguments the words do not
            # give are the model's own (homefc/grounding.py), those they give and the model missed are read off
            # them (homefc/toolargs.py).
            tools = self.catalog.functions
            fitting = fitting_calls(clean, result.calls, tools)
            if len(fitting) < len(result.calls):
                result.stats["unfit"] = len(result.calls) - len(fitting)
            grounded = evidenced_calls(clean, grounded_calls(clean, timed_calls(clean, fitting, tools), tools), tools)
            if not grounded:
                result.answer = NO_TOOL
                result.stats["made_up"] = len(result.calls)
            # "what are Tesla and Nvidia trading at": one call per value said with "and".
            result.calls = said_arguments(clean, each_time(clean, joined_calls(clean, grounded, tools), tools), tools)
            if result.said:
                result.calls = in_said_words(result.calls, tools, result.text, result.said)
        return result

    def follow_up(self, first: AskResult, results: str) -> AskResult:
        """Another model pass on the same request, given what its calls returned: further calls, or none.

        `results` is the results turn (homefc.rounds.results_text). The reply holds this round's calls only; an
        empty output (the grammar admits it here) means the request needs nothing more.
        """
        start = time.perf_counter()
        functions = [c.function for c in first.candidates]
        rounds = [*first.rounds, (first.raw, results)]
        result = AskResult(first.text, candidates=first.candidates, content=first.content, pins=first.pins)
        result.rounds = rounds
        grammar = build_grammar(
            functions, max_calls=self.max_calls, pins=first.pins, allow_done=True, marker=self._marker_gbnf
        )
        gen = self.engine.generate(
            self._prefix,
            self.follow_up_tokens(first.content, rounds),
            grammar.text,
            max_tokens=self.max_tokens,
            fast_forward=self.fast_forward,
            backend=self.backend,
            keep_suffix=True,
        )
        self._take(result, gen, functions)
        if not gen.text.strip():
            result.error = None
        result.timings = Timings(
            prefill_ms=gen.prefill_ms, decode_ms=gen.decode_ms, total_ms=(time.perf_counter() - start) * 1000
        )
        result.stats = self._stats(gen, len(grammar.text), len(first.pins))
        return result

    @cached_property
    def round_frame(self) -> RoundFrame:
        """The chat template around a follow-up round, rendered on first use (most requests never need it)."""
        return round_frame(self.engine.render_chat, *self._frame_args)

    def follow_up_tokens(self, content: str, rounds: list[tuple[str, str]]) -> list[int]:
        """The prompt after the cached prefix for a follow-up: the request, then each round's calls and results."""
        tokens = self.engine.tokenize_plain(content) + self._tail
        for text, kind in round_pieces(rounds, self.round_frame):
            if kind == "template":
                tokens += self.engine.tokenize(text)
            elif kind == "reply":
                tokens += self.engine.tokenize_reply(text, self.marker)
            else:
                tokens += self.engine.tokenize_plain(text)
        return tokens

    def _take(self, result: AskResult, gen: Generation, functions: list[Function]) -> None:
        """Parse a generation into the result's calls, answer or error."""
        parsed = parse_output(gen.text, self.catalog, functions, self.marker)
        if parsed.ok and not gen.stopped and parsed.answer is None:
            parsed.error = "the model's output was cut off"
        # The same call twice in one reply is a repeat, not a request: a toggle or a volume step would undo or
        # double what was asked.
        calls = list({call.render(): call for call in parsed.calls}.values())
        result.calls, result.answer, result.error, result.raw = calls, parsed.answer, parsed.error, gen.text

    @staticmethod
    def _stats(gen: Generation, grammar_bytes: int, pinned: int) -> dict[str, int]:
        return {
            "prompt_tokens": gen.prompt_tokens,
            "cached_tokens": gen.cached_tokens,
            "forward_passes": gen.forward_passes,
            "sampled_tokens": gen.sampled_tokens,
            "forced_tokens": gen.forced_tokens,
            "output_tokens": len(gen.tokens),
            "mask_us_per_token": round(gen.mask_ms * 1000 / max(1, len(gen.tokens))),
            "grammar_bytes": grammar_bytes,
            "pinned_functions": pinned,
        }


def _merge(result: AskResult, parts: list[AskResult]) -> None:
    """One result from the clauses' results: all calls (once each), an answer or error only when none acted, else
    the "can't find" answers of the parts that did nothing (so "… and the kettle on" is not silently half done)."""
    seen: set[str] = set()
    for part in parts:
        for call in part.calls:
            if call.render() not in seen:
                seen.add(call.render())
                result.calls.append(call)
    unique: dict[str, Candidate] = {}
    for part in parts:
        for candidate in part.candidates:
            unique.setdefault(candidate.function.key, candidate)
    result.candidates = list(unique.values())
    if not result.calls:
        result.answer = next((p.answer for p in parts if p.answer), None)
        result.error = None if result.answer else next((p.error for p in parts if p.error), None)
    else:
        missed = [p.answer for p in parts if p.answer and not p.calls and NOT_FOUND.search(p.answer)]
        result.unmet = list(dict.fromkeys(missed))
    result.raw = "\n".join(p.raw for p in parts)
    for name in ("retrieve_ms", "grammar_ms", "prefill_ms", "decode_ms"):
        setattr(result.timings, name, sum(getattr(p.timings, name) for p in parts))
    for part in parts:
        for key, value in part.stats.items():
            result.stats[key] = (
                max(result.stats.get(key, 0), value) if key in MAX_STATS else result.stats.get(key, 0) + value
            )
    result.stats["clauses"] = len(parts)


MASS_NOUNS = frozenset({"heating", "lighting", "aircon", "air conditioning", "underfloor heating", "hot water"})


def _a(noun: str) -> str:
    """The article before a device kind: "an oven", "a radiator", "any heating"."""
    return "any" if noun in MASS_NOUNS else "an" if noun[:1] in "aeiou" else "a"


MAX_STATS = frozenset({"grammar_bytes", "mask_us_per_token"})
"""Stats that are a size or a rate: the largest clause's, not a sum."""
