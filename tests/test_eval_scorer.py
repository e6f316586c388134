"""The scorer is strict: extra or missing changes fail, numbers compare sensibly, calls match BFCL-style."""

from __future__ import annotations

from typing import Any

import pytest

from homefc.calls import Call
from homefc.domains import DomainSpec
from homefc.eval.cases import CallSpec, EntityValues
from homefc.eval.scorer import Rate, balanced_score, match_calls, normalise, score_state, values_equal
from homefc.virtual_home import Change


def expect(**entities: dict[str, Any]) -> dict[str, EntityValues]:
    return {k.replace("__", "."): EntityValues.model_validate(v) for k, v in entities.items()}


def change(state: tuple[str, str] | None = None, **attrs: tuple[Any, Any]) -> Change:
    return Change(state, dict(attrs))


def test_exact_change_passes(domains: dict[str, DomainSpec]) -> None:
    got = {"light.a": change(("off", "on"), brightness=(0, 128))}
    assert score_state(expect(light__a={"state": "on", "attributes": {"brightness": 128}}), got, domains).passed


def test_extra_entity_change_fails(domains: dict[str, DomainSpec]) -> None:
    got = {"light.a": change(("off", "on")), "light.b": change(("off", "on"))}
    verdict = score_state(expect(light__a={"state": "on"}), got, domains)
    assert not verdict.passed and verdict.reason == "unexpected change of light.b"


def test_missing_change_fails(domains: dict[str, DomainSpec]) -> None:
    verdict = score_state(expect(light__a={"state": "on"}), {}, domains)
    assert not verdict.passed and verdict.reason == "no change of light.a"


def test_nothing_may_change_when_nothing_is_expected(domains: dict[str, DomainSpec]) -> None:
    assert score_state({}, {}, domains).passed
    assert not score_state({}, {"switch.x": change(("off", "on"))}, domains).passed


def test_wrong_value_and_unasked_attribute_fail(domains: dict[str, DomainSpec]) -> None:
    want = expect(light__a={"state": "on", "attributes": {"brightness": 128}})
    assert not score_state(want, {"light.a": change(("off", "on"), brightness=(0, 127))}, domains).passed
    extra_attr = {"light.a": change(("off", "on"), brightness=(0, 128), rgb_color=([1, 1, 1], [255, 0, 0]))}
    verdict = score_state(want, extra_attr, domains)
    assert not verdict.passed and "rgb_color changed unasked" in verdict.reason
    assert not score_state(
        expect(light__a={"attributes": {"brightness": 128}}),
        {"light.a": change(("off", "on"), brightness=(0, 128))},
        domains,
    ).passed


def test_derived_attributes_are_ignored_unless_asked(domains: dict[str, DomainSpec]) -> None:
    got = {"light.a": change(None, rgb_color=([1, 1, 1], [255, 0, 0]), color_mode=("hs", "rgb"))}
    assert score_state(expect(light__a={"attributes": {"rgb_color": [255, 0, 0]}}), got, domains).passed
    wrong = expect(light__a={"attributes": {"rgb_color": [255, 0, 0], "color_mode": "xy"}})
    assert not score_state(wrong, got, domains).passed


def test_volume_levels_compare_with_a_tolerance(domains: dict[str, DomainSpec]) -> None:
    want = expect(media_player__tv={"attributes": {"volume_level": 0.4}})
    assert score_state(want, {"media_player.tv": change(None, volume_level=(0.3, 0.4000000001))}, domains).passed
    assert score_state(want, {"media_player.tv": change(None, volume_level=(0.3, 0.41))}, domains).passed
    assert not score_state(want, {"media_player.tv": change(None, volume_level=(0.3, 0.45))}, domains).passed


def test_brightness_is_compared_exactly_after_rounding(domains: dict[str, DomainSpec]) -> None:
    want = expect(light__a={"attributes": {"brightness": 128}})
    assert not score_state(want, {"light.a": change(None, brightness=(0, 127))}, domains).passed
    assert score_state(want, {"light.a": change(None, brightness=(0, 128.0))}, domains).passed


def test_numeric_states_compare_as_numbers() -> None:
    assert values_equal("21", "21.0")
    assert values_equal(21.5, "21.5")
    assert not values_equal("on", "off")
    assert not values_equal(True, 1)


def test_requested_read_must_be_made(domains: dict[str, DomainSpec]) -> None:
    read = Call(name="lock.get_state", arguments={"entity_id": "lock.front"})
    assert score_state({}, {}, domains, expect_reads=["lock.front"], calls=[read]).passed
    verdict = score_state({}, {}, domains, expect_reads=["lock.front"], calls=[])
    assert not verdict.passed and verdict.reason == "did not read lock.front"


def spec(name: str, **args: Any) -> CallSpec:
    return CallSpec(name=name, arguments=args)


def call(name: str, **args: Any) -> Call:
    return Call(name=name, arguments=args)


def test_call_match_is_order_free_and_normalises_strings() -> None:
    want = [spec("get_weather", city="New York"), spec("set_timer", minutes=10)]
    got = [call("set_timer", minutes=10.0), call("get_weather", city="new-york")]
    assert match_calls(want, got).passed


def test_call_match_accepts_int_for_float_and_rejects_other_values() -> None:
    assert match_calls([spec("convert", value=2.0)], [call("convert", value=2)]).passed
    verdict = match_calls([spec("convert", value=2.0)], [call("convert", value=3)])
    assert not verdict.passed and "expected 2.0" in verdict.reason


def test_call_match_optional_arguments_only_where_allowed() -> None:
    want = [spec("get_weather", city="Paris", unit="celsius")]
    assert not match_calls(want, [call("get_weather", city="Paris")]).passed
    assert match_calls(want, [call("get_weather", city="Paris")], may_omit=["unit"]).passed
    assert not match_calls([spec("get_weather", city="Paris")], [call("get_weather", city="Paris", unit="c")]).passed


def test_call_match_counts_and_must_not_call() -> None:
    assert match_calls([], []).passed
    assert not match_calls([], [call("get_weather", city="Paris")]).passed
    assert not match_calls([spec("a"), spec("a")], [call("a")]).passed
    assert not match_calls([spec("a")], [call("b")]).passed


def test_normalise_follows_bfcl() -> None:
    assert normalise("San Francisco, CA") == "sanfranciscoca"
    assert normalise(3) == 3.0 and normalise(True) is True


@pytest.mark.parametrize(("passed", "total"), [(0, 10), (5, 10), (10, 10), (95, 100)])
def test_wilson_interval_contains_the_rate(passed: int, total: int) -> None:
    rate = Rate(passed, total)
    lo, hi = rate.interval()
    assert 0.0 <= lo <= rate.value <= hi <= 1.0
    assert hi - lo < 0.7


def test_balanced_score_punishes_never_calling() -> None:
    assert balanced_score(Rate(0, 80), Rate(20, 20)) == 0.0
    assert balanced_score(Rate(80, 80), Rate(20, 20)) == 1.0
    assert balanced_score(Rate(40, 80), Rate(20, 20)) == pytest.approx(2 * 0.5 * 1 / 1.5)
