"""The per-request grammar admits exactly the candidate calls, checked with the real grammar engines."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from homefc.catalog import Catalog, Function, catalog_from_openai_tools
from homefc.engine import Engine, validate_gbnf
from homefc.grammar import build_grammar, int_range, literal, marker_expr, number_range

Accepts = Callable[[str, str], bool]


@pytest.fixture(scope="module")
def accepts(engine: Engine) -> Accepts:
    """accepts(grammar, text): does llguidance, with the real tokenizer, accept exactly this text?"""
    return engine.grammar_accepts


def _fns(catalog: Catalog, *keys: str) -> list[Function]:
    out = []
    for key in keys:
        tool, _, entity = key.partition(":")
        fn = catalog.get(tool, entity or None)
        assert fn is not None, key
        out.append(fn)
    return out


def _call(name: str, **args: object) -> str:
    return json.dumps({"name": name, "arguments": args}, ensure_ascii=False)


@pytest.mark.parametrize(("lo", "hi"), [(0, 100), (-100, 100), (7, 35), (2000, 6500), (153, 500), (-20, -3)])
def test_int_range_admits_exactly_the_range(accepts: Accepts, lo: int, hi: int) -> None:
    grammar = f"root ::= {int_range(lo, hi)}"
    probe = {lo - 1, lo, hi, hi + 1, (lo + hi) // 2, 0, -0, 10 * hi + 1}
    probe |= set(range(lo - 3, lo + 3)) | set(range(hi - 3, hi + 3))
    for n in sorted(probe):
        assert accepts(grammar, str(n)) == (lo <= n <= hi), n
    assert not accepts(grammar, "007")


def test_number_range_bounds_and_decimals(accepts: Accepts) -> None:
    grammar = f"root ::= {number_range(0.0, 1.0)}"
    for text, ok in [
        ("0", True),
        ("1", True),
        ("0.5", True),
        ("0.35", True),
        ("1.5", False),
        ("2", False),
        ("-0.1", False),
    ]:
        assert accepts(grammar, text) == ok, text
    grammar = f"root ::= {number_range(7, 35)}"
    for text, ok in [("21.5", True), ("35", True), ("35.5", False), ("6.5", False), ("7", True)]:
        assert accepts(grammar, text) == ok, text


def test_literal_escapes_quotes_and_backslashes(accepts: Accepts) -> None:
    text = 'say "hi" \\ there'
    assert accepts(f"root ::= {literal(text)}", text)


def test_full_catalog_grammar_is_valid_for_llama_cpp_and_llguidance(engine: Engine, flat_catalog: Catalog) -> None:
    grammar = build_grammar(flat_catalog.functions)
    validate_gbnf(engine, grammar.text)
    engine.constraint(grammar.text)
    engine.constraint(grammar.text, "llamacpp")
    assert grammar.n_functions == len(flat_catalog)


def test_grammar_admits_candidate_calls_only(accepts: Accepts, flat_catalog: Catalog) -> None:
    fns = _fns(
        flat_catalog,
        "light.turn_off:light.kitchen_ceiling",
        "light.turn_on:light.kitchen_ceiling",
        "lock.lock:lock.front_door",
    )
    g = build_grammar(fns).text
    assert accepts(g, _call("light.turn_off", entity_id="light.kitchen_ceiling"))
    assert accepts(g, _call("light.turn_on", entity_id="light.kitchen_ceiling", brightness_pct=40))
    assert accepts(g, _call("lock.lock", entity_id="lock.front_door"))


def test_grammar_rejects_unknown_entity(accepts: Accepts, flat_catalog: Catalog) -> None:
    g = build_grammar(_fns(flat_catalog, "light.turn_off:light.kitchen_ceiling")).text
    assert not accepts(g, _call("light.turn_off", entity_id="light.kitchen_oven"))
    assert not accepts(g, _call("light.turn_off", entity_id="light.living_room_ceiling"))


def test_grammar_rejects_service_not_among_candidates(accepts: Accepts, flat_catalog: Catalog) -> None:
    g = build_grammar(_fns(flat_catalog, "lock.lock:lock.front_door")).text
    assert not accepts(g, _call("lock.unlock", entity_id="lock.front_door"))
    assert not accepts(g, _call("light.turn_off", entity_id="lock.front_door"))


def test_grammar_rejects_out_of_range_and_unknown_arguments(accepts: Accepts, flat_catalog: Catalog) -> None:
    g = build_grammar(_fns(flat_catalog, "light.turn_on:light.kitchen_ceiling")).text
    assert not accepts(g, _call("light.turn_on", entity_id="light.kitchen_ceiling", brightness_pct=101))
    assert not accepts(g, _call("light.turn_on", entity_id="light.kitchen_ceiling", brightness_pct="50"))
    assert not accepts(g, _call("light.turn_on", entity_id="light.kitchen_ceiling", volume=3))


def test_grammar_admits_parallel_calls_up_to_the_limit(accepts: Accepts, flat_catalog: Catalog) -> None:
    fns = _fns(flat_catalog, "light.turn_off:light.kitchen_ceiling", "light.turn_off:light.hall_ceiling")
    g = build_grammar(fns, max_calls=2).text
    one = _call("light.turn_off", entity_id="light.kitchen_ceiling")
    two = _call("light.turn_off", entity_id="light.hall_ceiling")
    assert accepts(g, f"[{one}, {two}]")
    assert not accepts(g, f"[{one}, {two}, {one}]")
    assert not accepts(g, "[]")


def test_grammar_answer_cannot_look_like_json_or_special_tokens(accepts: Accepts, flat_catalog: Catalog) -> None:
    g = build_grammar(_fns(flat_catalog, "light.turn_off:light.kitchen_ceiling")).text
    assert accepts(g, "I can only control the devices in your home.")
    assert not accepts(g, '{"name": "light.turn_off"')
    assert not accepts(g, "Sure <|im_end|>")
    assert not accepts(g, " leading space")
    g_no_answer = build_grammar(_fns(flat_catalog, "light.turn_off:light.kitchen_ceiling"), allow_answer=False).text
    assert not accepts(g_no_answer, "Hello there")


def test_grammar_for_plain_tools_with_optional_arguments(accepts: Accepts, engine: Engine) -> None:
    catalog = catalog_from_openai_tools(
        [
            {
                "name": "get_weather",
                "description": "Weather for a city.",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "city": {"type": "string"},
                        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                    },
                    "required": ["city"],
                },
            },
            {
                "name": "list_alarms",
                "parameters": {
                    "type": "object",
                    "properties": {"limit": {"type": "integer", "minimum": 1, "maximum": 20}},
                },
            },
        ]
    )
    grammar = build_grammar(catalog.functions)
    validate_gbnf(engine, grammar.text)
    g = grammar.text
    assert accepts(g, _call("get_weather", city="Paris"))
    assert accepts(g, _call("get_weather", city="Paris", unit="celsius"))
    assert not accepts(g, _call("get_weather", unit="celsius"))
    assert accepts(g, _call("list_alarms"))
    assert accepts(g, _call("list_alarms", limit=5))
    assert not accepts(g, _call("list_alarms", limit=50))


def test_a_plain_call_marker_precedes_every_call(accepts: Accepts, flat_catalog: Catalog) -> None:
    fns = _fns(flat_catalog, "light.turn_off:light.kitchen_ceiling", "light.turn_on:light.kitchen_ceiling")
    g = build_grammar(fns, marker=marker_expr("<tool_call>")).text
    call = _call("light.turn_off", entity_id="light.kitchen_ceiling")
    assert accepts(g, f"<tool_call>{call}")
    assert accepts(g, f"Turning it off. <tool_call>{call}")
    assert accepts(g, f"<tool_call>[{call}, {_call('light.turn_on', entity_id='light.kitchen_ceiling')}]")
    assert accepts(g, "There is no such lamp here.")
    assert not accepts(g, call)  # a call needs the marker
    assert not accepts(g, "<tool_call>Sure")  # and a call after it
    assert not accepts(g, f"<tool_call>{call} and more")
    without_answer = build_grammar(fns, marker=marker_expr("<tool_call>"), allow_answer=False).text
    assert not accepts(without_answer, f"Sure. <tool_call>{call}")
    with pytest.raises(ValueError, match="must start with '<'"):
        marker_expr("CALL:")


def test_a_special_token_marker_is_that_token_not_its_spelling(engine: Engine, flat_catalog: Catalog) -> None:
    token = engine.special_token("<jupyter_code>")
    assert token is not None and engine.special_token("<tool_call>") is None
    fns = _fns(flat_catalog, "light.turn_off:light.kitchen_ceiling")
    g = build_grammar(fns, marker=marker_expr("<jupyter_code>", token)).text
    validate_gbnf(engine, g)  # llama.cpp parses token references natively
    call = engine.tokenize_plain(_call("light.turn_off", entity_id="light.kitchen_ceiling"))
    state = engine.constraint(g)
    assert state.accept([token, *call]) and state.accepting()
    spelled = engine.constraint(g)
    assert not spelled.accept(engine.tokenize_plain("<jupyter_code>"))
    # With no answer allowed the marker is forced, so fast-forward writes it without a model pass.
    forced = engine.constraint(build_grammar(fns, marker=marker_expr("<jupyter_code>", token), allow_answer=False).text)
    assert forced.forced()[:1] == [token]
