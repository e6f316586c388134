"""Home Assistant value and command templates (Jinja), rendered in a sandbox: they come from the network."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jinja2 import ChainableUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from homefc.errors import MqttError


def _from_json(value: Any) -> Any:
    return json.loads(value)


@lru_cache(maxsize=1)
def _env() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(undefined=ChainableUndefined, autoescape=False)
    env.filters.update(from_json=_from_json, to_json=json.dumps)
    env.filters.setdefault("is_defined", lambda v: v)
    return env


@lru_cache(maxsize=1024)
def _compile(template: str):  # type: ignore[no-untyped-def]
    return _env().from_string(template)


def render(template: str, **variables: Any) -> str:
    """Render a template with `value`, `value_json` and the like; MqttError (one line) when it fails."""
    try:
        return str(_compile(template).render(**variables)).strip()
    except (TemplateError, ValueError, TypeError, ArithmeticError) as exc:
        raise MqttError(f"template {template!r} failed: {exc}") from None


def render_value(template: str | None, payload: bytes | str) -> str:
    """A state payload through its value template (`value`, and `value_json` when it is JSON)."""
    text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
    if not template:
        return text.strip()
    try:
        value_json: Any = json.loads(text)
    except ValueError:
        value_json = None
    return render(template, value=text, value_json=value_json)
