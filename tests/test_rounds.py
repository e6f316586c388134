"""Follow-up rounds: read results fed back to the model, built the same way at run time and in training."""

from __future__ import annotations

import json

import pytest

from homefc.actuator import VirtualActuator
from homefc.assistant import Assistant
from homefc.calls import Call
from homefc.catalog import Catalog
from homefc.conversation import Conversation
from homefc.domains import DomainSpec
from homefc.engine import Engine
from homefc.grammar import build_grammar
from homefc.home import Home
from homefc.outcome import Outcome
from homefc.prompt import TUNED_SYSTEM_PROMPT
from homefc.retrieval import Retriever
from homefc.rounds import (
    DONE,
    outcome_line,
    reads_only,
    result_line,
    results_text,
    round_frame,
    wants_follow_up,
)
from homefc.tui.inspector import inspect
from homefc.virtual_home import EntityState, VirtualHome
from training.codec import Codec, resolve_base


@pytest.fixture(scope="module")
def tuned_base(flat_catalog: Catalog, flat_retriever: Retriever, engine: Engine) -> Assistant:
    """An assistant framed like the tuned profile (short system prompt, compact lines) with rounds on."""
    return Assistant(flat_catalog, flat_retriever, engine, system=TUNED_SYSTEM_PROMPT, style="compact", rounds=True)


def _read(entity_id: str) -> Call:
    return Call(name=f"{entity_id.split('.')[0]}.get_state", arguments={"entity_id": entity_id})


def test_round_frame_cuts_the_chatml_template_between_reply_and_results(engine: Engine) -> None:
    frame = round_frame(engine.render_chat, None, TUNED_SYSTEM_PROMPT)
    assert frame.after_reply == "<|im_end|>\n<|im_start|>tool\n"
    assert frame.after_result == "<|im_end|>\n<|im_start|>assistant\n"


def test_follow_up_prompt_is_token_for_token_the_training_prompt(tuned_base: Assistant) -> None:
    """Training renders a follow-up example exactly as the run time prompts it, so the two cannot drift."""
    first = tuned_base.ask("close the living room blind if it is open")
    assert first.content
    rounds = [
        (first.raw, result_line("cover.living_room_blind", "open", {"current_position": 100}, ["current_position"]))
    ]
    codec = Codec.for_base(resolve_base("default"))
    ids, labels = codec.encode(first.content, '{"name": "cover.close_cover"}', [list(r) for r in rounds])
    prompt = ids[: sum(1 for t in labels if t == -100)]
    assert prompt == tuned_base._prefix + tuned_base.follow_up_tokens(first.content, rounds)
    done_ids, done_labels = codec.encode(first.content, DONE, [list(r) for r in rounds])
    assert done_ids[-1] == tuned_base.engine.eos and [t for t in done_labels if t != -100] == [tuned_base.engine.eos]


def test_result_lines_keep_the_domain_attributes_and_drop_long_values(
    flat_catalog: Catalog, domains: dict[str, DomainSpec]
) -> None:
    line = result_line(
        "media_player.kitchen",
        "playing",
        {"volume_level": 0.4, "source": "x" * 80, "media_title": "Song"},
        ["volume_level", "source"],
    )
    assert json.loads(line) == {"entity_id": "media_player.kitchen", "state": "playing", "volume_level": 0.4}
    outcome = Outcome(
        _read("climate.living_room"),
        "allow",
        "read",
        "",
        EntityState("heat", {"temperature": 21.0, "hvac_modes": ["heat"]}),
    )
    assert json.loads(outcome_line(outcome, flat_catalog)) == {
        "entity_id": "climate.living_room",
        "state": "heat",
        "temperature": 21.0,
    }
    blocked = Outcome(_read("lock.front_door"), "block", "blocked", "not allowed")
    assert json.loads(outcome_line(blocked, flat_catalog))["state"] == "blocked"
    assert results_text(["a", "b"]) == "a\nb"


def test_only_reads_made_to_act_are_fed_back() -> None:
    read, act = _read("cover.garage_door"), Call(name="cover.close_cover", arguments={"entity_id": "cover.garage_door"})
    assert wants_follow_up("close the garage door if it's open", [read])
    assert wants_follow_up("check the garage door and shut it if it is open", [read])
    assert not wants_follow_up("is the garage door open?", [read])
    assert not wants_follow_up("how far open is the garage door", [read])
    assert not wants_follow_up("close the garage door", [act])
    assert not wants_follow_up("close the garage door if it's open", [read, act])
    assert not reads_only([])


def test_grammar_admits_the_empty_reply_only_in_a_follow_up(tuned_base: Assistant, flat_catalog: Catalog) -> None:
    functions = [f for f in flat_catalog.functions if f.entity_id == "cover.balcony_awning"]
    engine = tuned_base.engine
    assert engine.grammar_accepts(build_grammar(functions, allow_done=True).text, DONE)
    assert not engine.grammar_accepts(build_grammar(functions).text, DONE)


def test_keep_suffix_reuses_the_request_and_holds_the_same_context(tuned_base: Assistant) -> None:
    """A follow-up keeps the request's tokens in the context, which then holds exactly the tokens a fresh
    evaluation reads. (Their decoding is not compared: on CPUs without AVX-512 llama.cpp's sums differ with the
    batch split, and the untuned model's near-tied prose took another word.)"""
    first = tuned_base.ask("check the balcony awning and close it if it is open")
    results = result_line("cover.balcony_awning", "open", {}, [])
    again = tuned_base.follow_up(first, results)
    assert again.stats["cached_tokens"] > len(tuned_base._prefix)
    prompt = [*tuned_base._prefix, *tuned_base.follow_up_tokens(first.content, [(first.raw, results)])]
    llm = tuned_base.engine.llm
    assert list(llm.input_ids[: len(prompt)]) == prompt
    assert again.stats["prompt_tokens"] + again.stats["cached_tokens"] == len(prompt) <= llm.n_tokens


def test_conversation_feeds_reads_back_within_the_round_bound(
    tuned_base: Assistant, flat: Home, domains: dict[str, DomainSpec]
) -> None:
    """Whatever the model does with the results, a turn makes at most max_rounds passes and no call twice."""
    home = VirtualHome(flat, domains)
    conv = Conversation(tuned_base, VirtualActuator(home, tuned_base.catalog), max_rounds=2)
    reply = conv.say("check the balcony awning and close it if it is open")
    rendered = [c.render() for c in reply.calls]
    assert len(rendered) == len(set(rendered))
    follow_ups = [s for s in reply.steps if s.kind == "follow-up"]
    assert len(follow_ups) <= 1
    if reply.steps[0].result is not None and reads_only(reply.steps[0].result.calls):
        assert follow_ups and follow_ups[0].result is not None and follow_ups[0].result.rounds
        shown = inspect(reply).plain
        assert "follow-up: " in shown and '  given: {"entity_id": "cover.balcony_awning"' in shown
