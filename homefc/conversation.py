"""A dialogue over one home: turns, references across turns, confirmation, clarification and nested reads.

The model handles one self-contained request at a time (what it was trained for). The conversation turns each
utterance into such requests: it replaces "those"/"it" by the names they point at, repeats the last action on a
new target ("and the hall too"), reads a device first where the request depends on it ("if the garage is open,
close it", "the same temperature as the living room"), and asks back when the words do not decide between
devices. Replies are rendered from the outcomes (answers.py), never from the model's imagination.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from homefc.actuator import Actuator
from homefc.answers import join, name_of, render
from homefc.assistant import EMPTY_REPLY, AskResult, Assistant, clean_text
from homefc.calls import Call
from homefc.catalog import Catalog
from homefc.memory import Memory, TurnRecord
from homefc.nested import Condition, condition, same_as, state_is, value_phrase, wanted_attributes
from homefc.outcome import Outcome
from homefc.references import (
    PLURAL,
    choose,
    distinguishing,
    ellipsis,
    find_area,
    is_no,
    is_yes,
    match_entities,
    state_question,
    substitute,
)
from homefc.rounds import outcome_line, reads_only, results_text, wants_follow_up

NOT_LISTED = frozenset({"sensor", "binary_sensor", "scene", "script", "button", "event", "todo", "weather"})
"""Domains left out of "what's on?" answers: their state is a reading or has no on/off meaning."""
SCORE_TIE = 0.1
"""Retrieval scores this close count as equally good targets when the words do not tell them apart."""


@dataclass
class Step:
    """One thing the conversation did for a turn (for the call inspector)."""

    kind: str
    """model, follow-up, state question, repeat, condition, same as, clarified, confirmed."""
    text: str
    """What was asked (the request as the model saw it, or the rule's input)."""
    result: AskResult | None = None
    """The model's run, when it ran."""


@dataclass
class Reply:
    """What the assistant says back, and what it did."""

    text: str
    outcomes: list[Outcome] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    question: Literal["confirm", "clarify"] | None = None
    """Set when the reply asks the user something; the next turn answers it."""
    execute_ms: float = 0.0
    """Time spent carrying out calls (MQTT round trips included)."""

    @property
    def calls(self) -> list[Call]:
        """Every call carried out or attempted this turn."""
        return [o.call for o in self.outcomes]


@dataclass
class Pending:
    """A question waiting for the next turn."""

    kind: Literal["confirm", "clarify"]
    calls: list[Call]
    options: list[str] = field(default_factory=list)
    text: str = ""
    condition: str | None = None
    """For a conditional request ("close the blind if it's open"): the state the chosen device must be in."""


class Conversation:
    """Turns of one dialogue over an assistant (the model) and an actuator (where calls go)."""

    def __init__(
        self,
        assistant: Assistant,
        actuator: Actuator,
        *,
        context_area: str | None = None,
        max_rounds: int = 3,
        keep_turns: int = 8,
    ) -> None:
        self.assistant = assistant
        self.actuator = actuator
        self.context_area = context_area
        self.max_rounds = max_rounds
        self.memory = Memory(keep=keep_turns)
        self.pending: Pending | None = None
        self._listed: list[str] = []

    @property
    def catalog(self) -> Catalog:
        """The catalog of the home being talked about."""
        return self.assistant.catalog

    def say(self, text: str | bytes, on_prose: Callable[[str], None] | None = None) -> Reply:
        """One user turn in, one reply out (calls carried out on the way).

        `on_prose` is given the model's prose as it is written, when the turn goes to the model as it stands (a
        front end shows it at once; when the reply is that prose, it has been shown already).
        """
        clean, _ = clean_text(text, self.assistant.max_input_chars)
        if not clean:
            return Reply(EMPTY_REPLY)
        reply = self._answer_pending(clean) if self.pending is not None else None
        if reply is None:
            for rule in (self._state_question, self._condition, self._same_as, self._repeat):
                reply = rule(clean)
                if reply is not None:
                    break
        if reply is None:
            reply = self._request(clean, on_prose=on_prose)
        entities = list(dict.fromkeys(e for o in reply.outcomes if (e := o.call.entity_id)))
        if not entities and reply.steps and reply.steps[0].kind == "state question":
            entities = self._listed
        self.memory.remember(TurnRecord(clean, reply.text, entities), reply.outcomes, self.catalog)
        return reply

    # --- the model's path ----------------------------------------------------------------------

    def _request(
        self,
        text: str,
        steps: list[Step] | None = None,
        kind: str = "model",
        on_prose: Callable[[str], None] | None = None,
    ) -> Reply:
        names = [name_of(self.catalog, e) for e in self.memory.last_entities]
        if len(names) > 1 and PLURAL.search(text):
            # "turn those off" on three devices: three one-target requests, which the model gets right far more
            # often than one request with three targets.
            return self._each(text, names, steps or [], kind)
        resolved = substitute(text, names) or text
        states = self.actuator.states
        result = self.assistant.ask(resolved, context_area=self.context_area, states=states, on_prose=on_prose)
        steps = [*(steps or []), Step(kind, resolved, result)]
        if result.error:
            return Reply("Sorry, I could not work out what to do with that.", steps=steps)
        calls = _unique(result.calls)
        if not calls:
            return Reply(result.answer or "Sorry, I could not work out what to do with that.", steps=steps)
        if len(calls) == 1 and (options := self._ambiguous(resolved, calls[0], result)):
            return self._ask_which(Pending("clarify", calls, options, resolved), steps)
        if self.assistant.rounds and result.content and wants_follow_up(resolved, calls):
            return self._follow(resolved, result, steps)
        reply = self._run(calls, resolved, steps)
        reply.text = " ".join([reply.text, *result.unmet])
        return reply

    def _follow(self, text: str, result: AskResult, steps: list[Step]) -> Reply:
        """Reads made to act on ("close the garage door if it is open"): their results go back to the model,
        whose next calls run; at most max_rounds model passes, and a call already made ends the turn."""
        outcomes: list[Outcome] = []
        made: set[str] = set()
        execute_s = 0.0
        calls = _unique(result.calls)
        for round_no in range(1, self.max_rounds + 1):
            new = [c for c in calls if c.render() not in made]
            if not new:
                break
            start = time.perf_counter()
            done = [self.actuator.execute(c, text=text) for c in new]
            execute_s += time.perf_counter() - start
            outcomes += done
            made |= {c.render() for c in new}
            if not reads_only(new) or round_no == self.max_rounds:
                break
            result = self.assistant.follow_up(result, results_text([outcome_line(o, self.catalog) for o in done]))
            steps.append(Step("follow-up", text, result))
            if result.error or not result.calls:
                break
            calls = _unique(result.calls)
        return self._reply(outcomes, text, steps, execute_s)

    def _each(self, text: str, names: list[str], steps: list[Step], kind: str) -> Reply:
        outcomes: list[Outcome] = []
        execute_s = 0.0
        for name in names[: self.assistant.max_calls * 2]:
            resolved = PLURAL.sub(name, text, count=1)
            result = self.assistant.ask(resolved, context_area=self.context_area, states=self.actuator.states)
            steps.append(Step(kind, resolved, result))
            start = time.perf_counter()
            outcomes += [self.actuator.execute(call, text=resolved) for call in result.calls[:1]]
            execute_s += time.perf_counter() - start
        if not outcomes:
            return Reply("Sorry, I could not work out what to do with that.", steps=steps)
        return self._reply(outcomes, text, steps, execute_s)

    def _ambiguous(self, text: str, call: Call, result: AskResult) -> list[str]:
        """Other targets retrieval ranks as high for the same service, when the words name none of them."""
        chosen = call.entity_id
        scores = {c.function.entity_id: c.score for c in result.candidates if c.function.tool == call.name}
        if chosen is None or chosen not in scores:
            return []
        rivals = [e for e, s in scores.items() if e and e != chosen and s >= scores[chosen] - SCORE_TIE]
        if not rivals or match_entities(self.catalog, text, [chosen, *rivals]) == [chosen]:
            return []
        options = [chosen, *rivals]
        return [] if distinguishing(self.catalog, text, options) else options

    def _run(self, calls: Sequence[Call], text: str, steps: list[Step], *, confirmed: bool = False) -> Reply:
        start = time.perf_counter()
        outcomes = [self.actuator.execute(c, text=text, confirmed=confirmed) for c in calls]
        return self._reply(outcomes, text, steps, time.perf_counter() - start)

    def _reply(self, outcomes: list[Outcome], text: str, steps: list[Step], execute_s: float) -> Reply:
        """The turn's reply from its outcomes; guarded calls among them wait for the next turn's yes."""
        waiting = [o.call for o in outcomes if o.status == "needs_confirmation"]
        self.pending = Pending("confirm", waiting, text=text) if waiting else None
        reply = Reply(render(self.catalog, outcomes), outcomes, steps, "confirm" if waiting else None)
        reply.execute_ms = execute_s * 1000
        return reply

    # --- answers to a question of the previous turn ---------------------------------------------

    def _answer_pending(self, text: str) -> Reply | None:
        pending, self.pending = self.pending, None
        assert pending is not None
        if pending.kind == "confirm":
            if is_yes(text):
                return self._run(pending.calls, pending.text, [Step("confirmed", text)], confirmed=True)
            if is_no(text):
                names = join([name_of(self.catalog, c.entity_id) for c in pending.calls])
                return Reply(f"OK, I left {names} as it is.")
            return None
        picked = choose(pending.options, text, self.catalog)
        if picked:
            template = pending.calls[0]
            calls = [self._retarget(template, entity_id) for entity_id in picked]
            if pending.condition is not None:
                return self._run_if(calls, pending.condition, f"{pending.text} ({text})", [Step("clarified", text)])
            return self._run(calls, f"{pending.text} ({text})", [Step("clarified", text)])
        if is_no(text):
            return Reply("OK, never mind.")
        return None

    def _ask_which(self, pending: Pending, steps: list[Step]) -> Reply:
        """Ask which of the pending question's options is meant; the next turn's answer picks."""
        self.pending = pending
        names = join([name_of(self.catalog, o) for o in pending.options]).replace(" and ", " or ")
        return Reply(f"Which one: {names}?", steps=steps, question="clarify")

    @staticmethod
    def _retarget(call: Call, entity_id: str) -> Call:
        return Call(name=call.name, arguments={**call.arguments, "entity_id": entity_id})

    # --- rules for what a single request cannot say -----------------------------------------------

    def _state_question(self, text: str) -> Reply | None:
        """ "What's on in the living room?" answered from live state; "those" then means the ones listed."""
        question = state_question(text)
        home = self.catalog.home
        if question is None or home is None:
            return None
        area = find_area(self.catalog, question.area_text) if question.area_text else None
        if question.here:
            area = next((a for a in home.areas if a.id == self.context_area), None)
        if (question.area_text or question.here) and area is None:
            return None
        states = self.actuator.states
        found = [
            e.id
            for e in home.entities
            if e.domain not in NOT_LISTED
            and (not question.domains or e.domain in question.domains)
            and (area is None or e.area == area.id)
            and (s := states.get(e.id)) is not None
            and s.state == question.state
        ]
        where = f" in {('the ' + area.name[:1].lower() + area.name[1:])}" if area else ""
        self._listed = found
        if not found:
            text_out = f"Nothing is {question.state}{where}."
        else:
            verb = "is" if len(found) == 1 else "are"
            names = join([name_of(self.catalog, e) for e in found])
            text_out = f"{names[:1].upper()}{names[1:]} {verb} {question.state}{where}."
        return Reply(text_out, steps=[Step("state question", text)])

    def _read(self, subject: str, prefer: Sequence[str] = ()) -> Outcome | None:
        """Read the entity a phrase names: the best retrieval match with a read function, preferring entities that
        carry one of the `prefer` attributes (a thermostat's set temperature over a thermometer's reading)."""
        states = self.actuator.states
        reads = [
            c.function.entity_id
            for c in self.assistant.retriever.retrieve(subject, k=self.assistant.k)
            if c.function.entity_id and not c.function.writes and c.function.tool.endswith(".get_state")
        ]
        with_attr = [e for e in reads if (s := states.get(e)) is not None and any(a in s.attributes for a in prefer)]
        chosen = (with_attr or reads or [None])[0]
        if chosen is None:
            return None
        return self._read_entity(chosen, subject)

    def _read_entity(self, entity_id: str, text: str) -> Outcome:
        """A `get_state` call on the entity, carried out (and audited) like any call."""
        call = Call(name=f"{entity_id.split('.', 1)[0]}.get_state", arguments={"entity_id": entity_id})
        return self.actuator.execute(call, text=text)

    def _condition(self, text: str) -> Reply | None:
        """ "If the garage door is open, close it": read first, act only when the condition holds."""
        cond = condition(text)
        if cond is None:
            return None
        if cond.on_target:
            return self._act_if(cond, text)
        read = self._read(cond.subject)
        if read is None or read.state is None or read.call.entity_id is None:
            return None
        steps = [Step("condition", text)]
        if not _holds(read, cond.state):
            return Reply(_left([read], self.catalog), [read], steps)
        self.memory.last_entities = [read.call.entity_id]
        reply = self._request(cond.action, steps)
        reply.outcomes.insert(0, read)
        return reply

    def _act_if(self, cond: Condition, text: str) -> Reply | None:
        """ "Close the lounge blind if it's open": the model picks the calls for the action alone; each runs only
        if a read of its own device shows the condition holds, so the check is on exactly what would change."""
        result = self.assistant.ask(cond.action, context_area=self.context_area, states=self.actuator.states)
        steps = [Step("condition", text), Step("model", cond.action, result)]
        calls = [c for c in _unique(result.calls) if c.entity_id and not c.name.endswith(".get_state")]
        if result.error or not calls:
            return Reply(result.answer, steps=steps) if result.answer and not result.calls else None
        if len(calls) == 1 and (options := self._ambiguous(cond.action, calls[0], result)):
            return self._ask_which(Pending("clarify", calls, options, text, cond.state), steps)
        return self._run_if(calls, cond.state, text, steps)

    def _run_if(self, calls: list[Call], state: str, text: str, steps: list[Step]) -> Reply:
        """Read each device the calls would change; run the calls whose device is in the state."""
        reads: dict[str, Outcome] = {}
        for call in calls:
            entity_id = call.entity_id or ""
            if entity_id not in reads:
                reads[entity_id] = self._read_entity(entity_id, text)
        holding = [c for c in calls if _holds(reads[c.entity_id or ""], state)]
        self.memory.last_entities = list(reads)
        if not holding:
            return Reply(_left(list(reads.values()), self.catalog), list(reads.values()), steps)
        reply = self._run(holding, text, steps)
        reply.outcomes[:0] = list(reads.values())
        return reply

    def _same_as(self, text: str) -> Reply | None:
        """ "Set the bedroom to the same temperature as the living room": read the source, then ask with its value."""
        same = same_as(text)
        if same is None or not same.head:
            return None
        read = self._read(f"{same.what or ''} {same.source}".strip(), wanted_attributes(same.what))
        if read is None or read.state is None:
            return None
        value = value_phrase(read.state.state, read.state.attributes, same.what)
        if value is None:
            return None
        reply = self._request(f"{same.head} to {value}", [Step("same as", text)])
        reply.outcomes.insert(0, read)
        return reply

    def _repeat(self, text: str) -> Reply | None:
        """ "And the hall too": the last action (or read) again, on the new target."""
        rest = ellipsis(text)
        if rest is None or not self.memory.last_calls:
            return None
        area = find_area(self.catalog, rest)
        calls: list[Call] = []
        for last in self.memory.last_calls:
            targets = [f.entity_id for f in self.catalog.functions if f.tool == last.name and f.entity_id]
            if area is not None:
                home = self.catalog.home
                named = match_entities(self.catalog, rest, targets)
                in_area = [e for e in targets if home is not None and (x := home.entity(e)) and x.area == area.id]
                chosen = [e for e in named if e in in_area] or in_area
            else:
                chosen = match_entities(self.catalog, rest, targets)
                if len(chosen) > 1 and len(self.memory.last_calls) == 1:
                    # one device before, several that fit the words now: ask rather than switch them all
                    return self._ask_which(Pending("clarify", [last], chosen, text), [Step("repeat", rest)])
            calls.extend(self._retarget(last, e) for e in chosen)
        calls = _unique(calls)
        if not calls:
            return None
        return self._run(calls, text, [Step("repeat", rest)])


def _unique(calls: Sequence[Call]) -> list[Call]:
    """The calls without repeats: a call twice in one turn is a loop, run once."""
    return list({c.render(): c for c in calls}.values())


def _left(reads: Sequence[Outcome], catalog: Catalog) -> str:
    """The reply when a condition does not hold: what each device is, and that it was left alone."""
    parts = [f"{name_of(catalog, o.call.entity_id)} is {o.state.state if o.state else 'unknown'}" for o in reads]
    said = join(parts)
    return f"{said[:1].upper()}{said[1:]}, so I left {'it' if len(reads) == 1 else 'them'}."


def _holds(read: Outcome, wanted: str) -> bool:
    """Whether a read found its device in the wanted state."""
    return read.state is not None and state_is(read.call.entity_id or "", read.state.state, wanted)
