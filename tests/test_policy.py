"""Read-only by default; writes where the config allows; guarded services confirmed; blocks win; audit lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from homefc.audit import AuditLog, read_audit
from homefc.catalog import Catalog, Function, build_catalog
from homefc.config import load_settings
from homefc.domains import DomainSpec
from homefc.errors import ConfigError
from homefc.home import home_from_data
from homefc.policy import Decision, Policy, PolicyConfig


def _fn(catalog: Catalog, tool: str, entity: str) -> Function:
    fn = catalog.get(tool, entity)
    assert fn is not None, (tool, entity)
    return fn


def _policy(**config: object) -> Policy:
    return Policy(PolicyConfig.model_validate(config))


def test_with_no_config_everything_reads_and_nothing_writes(flat_catalog: Catalog) -> None:
    policy = Policy()
    assert policy.decide(_fn(flat_catalog, "light.get_state", "light.sofa_lamp")).decision is Decision.ALLOW
    verdict = policy.decide(_fn(flat_catalog, "light.turn_on", "light.sofa_lamp"))
    assert verdict.decision is Decision.BLOCK
    assert "read-only" in verdict.reason and 'allow_writes = [{entity = "light.sofa_lamp"}]' in verdict.reason
    writes = [f for f in flat_catalog.functions if f.writes]
    assert writes and all(policy.decide(f).decision is Decision.BLOCK for f in writes)


@pytest.mark.parametrize(
    ("rule", "allowed", "still_blocked"),
    [
        ({"domain": "light"}, ("light.turn_on", "light.sofa_lamp"), ("switch.turn_on", None)),
        ({"area": "living_room"}, ("light.turn_off", "light.sofa_lamp"), ("light.turn_off", "light.bedroom_ceiling")),
        ({"entity": "light.sofa_*"}, ("light.toggle", "light.sofa_lamp"), ("light.toggle", "light.tv_backlight")),
        ({"service": "turn_off"}, ("light.turn_off", "light.sofa_lamp"), ("light.turn_on", "light.sofa_lamp")),
        (
            {"service": "cover.*"},
            ("cover.close_cover", "cover.living_room_blind"),
            ("light.turn_on", "light.sofa_lamp"),
        ),
        (
            {"domain": "light", "area": "bedroom"},
            ("light.turn_on", "light.bedroom_ceiling"),
            ("light.turn_on", "light.sofa_lamp"),
        ),
    ],
)
def test_allow_rules_open_exactly_what_they_name(
    flat_catalog: Catalog, rule: dict[str, str], allowed: tuple[str, str], still_blocked: tuple[str, str | None]
) -> None:
    policy = _policy(allow_writes=[rule])
    assert policy.decide(_fn(flat_catalog, *allowed)).decision is Decision.ALLOW
    tool, entity = still_blocked
    fn = flat_catalog.get(tool, entity) if entity else next(f for f in flat_catalog.functions if f.tool == tool)
    assert fn is not None and policy.decide(fn).decision is Decision.BLOCK


def test_guarded_services_need_confirmation_even_when_allowed(flat_catalog: Catalog) -> None:
    policy = _policy(allow_writes=[{"domain": "*"}])
    assert policy.decide(_fn(flat_catalog, "lock.unlock", "lock.front_door")).decision is Decision.CONFIRM
    assert policy.decide(_fn(flat_catalog, "lock.lock", "lock.front_door")).decision is Decision.ALLOW
    disarm = policy.decide(_fn(flat_catalog, "alarm_control_panel.disarm", "alarm_control_panel.flat_alarm"))
    assert disarm.decision is Decision.CONFIRM and "guarded" in disarm.reason
    assert all(
        a.name != "code" for a in _fn(flat_catalog, "alarm_control_panel.disarm", "alarm_control_panel.flat_alarm").args
    )


def test_opening_a_garage_door_is_guarded_and_a_blind_is_not(domains: dict[str, DomainSpec]) -> None:
    home = home_from_data(
        {
            "entities": [
                {"id": "cover.garage_door", "name": "Garage door", "attributes": {"device_class": "garage"}},
                {"id": "cover.blind", "name": "Blind", "attributes": {"device_class": "blind"}},
            ]
        }
    )
    catalog = build_catalog(home, domains)
    policy = _policy(allow_writes=[{"domain": "cover"}])
    assert policy.decide(_fn(catalog, "cover.open_cover", "cover.garage_door")).decision is Decision.CONFIRM
    assert policy.decide(_fn(catalog, "cover.close_cover", "cover.garage_door")).decision is Decision.ALLOW
    assert policy.decide(_fn(catalog, "cover.open_cover", "cover.blind")).decision is Decision.ALLOW


def test_confirm_and_block_rules(flat_catalog: Catalog) -> None:
    policy = _policy(
        allow_writes=[{"domain": "*"}],
        confirm=[{"domain": "climate"}],
        block=[{"entity": "light.tv_backlight"}],
    )
    assert (
        policy.decide(_fn(flat_catalog, "climate.set_temperature", "climate.living_room")).decision is Decision.CONFIRM
    )
    blocked = policy.decide(_fn(flat_catalog, "light.get_state", "light.tv_backlight"))
    assert blocked.decision is Decision.BLOCK and '{entity = "light.tv_backlight"}' in blocked.reason


def test_policy_comes_from_the_config_file_and_bad_rules_are_one_line(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[policy]\nallow_writes = [{domain = "light"}, {area = "kitchen", service = "turn_off"}]\n')
    settings = load_settings(good)
    assert [r.domain for r in settings.policy.allow_writes] == ["light", None]
    empty = tmp_path / "empty.toml"
    empty.write_text("[policy]\nallow_writes = [{}]\n")
    with pytest.raises(ConfigError, match=r"empty.toml: policy.allow_writes\[0\]: .*at least one of domain"):
        load_settings(empty)
    typo = tmp_path / "typo.toml"
    typo.write_text('[policy]\nallow_writes = [{domian = "light"}]\n')
    with pytest.raises(ConfigError, match=r"typo.toml: policy.allow_writes\[0\].domian: Extra inputs"):
        load_settings(typo)


def test_audit_log_appends_one_flushed_line_per_call(tmp_path: Path) -> None:
    path = tmp_path / "state" / "audit.jsonl"
    log = AuditLog(path)
    log.record(text="unlock the door", call={"name": "lock.unlock"}, decision="confirm", outcome="refused")
    assert json.loads(path.read_text())["outcome"] == "refused", "on disk before close"
    log.record(text="lights off", call={"name": "light.turn_off"}, decision="allow", outcome="confirmed")
    log.close()
    entries = read_audit(path)
    assert [e["decision"] for e in entries] == ["confirm", "allow"] and all("time" in e for e in entries)
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="cannot open the audit log"):
        AuditLog(blocker / "audit.jsonl")
