"""Prompt text: the cached prefix (instructions, worked examples) and the per-request part."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from homefc.calls import with_marker
from homefc.catalog import Catalog, Function, build_catalog
from homefc.domains import ArgSchema, DomainSpec
from homefc.errors import HomeError
from homefc.home import Home, home_from_data, read_data_file

FEWSHOT_FILE = Path(__file__).parent / "devices" / "prompts" / "fewshot.yaml"
MAX_ENUM_SHOWN = 6

SYSTEM_PROMPT = (
    "You are homefc, a smart-home assistant. Each request lists the functions you may call. "
    'Reply with one JSON call {"name": ..., "arguments": {...}}, or a JSON list of calls when the '
    "request needs several. Use only the listed functions and entity ids, and only the arguments the "
    "request asks for. To answer a question about a device, call its get_state function. If no listed "
    "function fits, or the request is not about the home, reply with one short sentence and no call."
)


def system_prompt(marker: str | None = None) -> str:
    """The untuned model's instructions; with a call marker, each call or list of calls follows the marker."""
    if marker is None:
        return SYSTEM_PROMPT
    return SYSTEM_PROMPT.replace(
        'Reply with one JSON call {"name": ..., "arguments": {...}}, or a JSON list of calls',
        f'To call, reply with {marker} and one JSON call {{"name": ..., "arguments": {{...}}}}, or {marker} and a '
        "JSON list of calls",
    )


# A tuned model learned the format from its training data: a short system prompt and no worked examples
# keep every request (and every training example) short.
TUNED_SYSTEM_PROMPT = (
    "You are homefc, a smart-home assistant. Reply with a JSON call of the listed functions, a JSON list of "
    "calls, or one short sentence when no function fits."
)


class _Example(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request: str
    candidates: list[str]
    reply: str


class _FewShot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    home: dict[str, object]
    examples: list[_Example]


def _describe_arg(arg: ArgSchema) -> str:
    if arg.enum is not None:
        shown = list(arg.enum[:MAX_ENUM_SHOWN]) + (["..."] if len(arg.enum) > MAX_ENUM_SHOWN else [])
        kind = "|".join(shown)
    elif arg.type in ("integer", "number") and arg.minimum is not None and arg.maximum is not None:
        kind = f"{arg.minimum:g}-{arg.maximum:g}"
    elif arg.type == "string":
        kind = "text"
    else:
        kind = arg.type
    return f"{arg.name}{'' if arg.required else '?'} {kind}"


def _service_text(fn: Function) -> str:
    service = fn.tool.split(".", 1)[1] if fn.entity_id else fn.tool
    if not fn.args:
        return service
    return f"{service}({', '.join(_describe_arg(a) for a in fn.args)})"


PromptStyle = Literal["full", "compact", "bare"]
"""How candidate functions are written: `full` with argument signatures (what an untuned model needs, and the
first tuned adapter's format); `compact` with service names only, since the grammar carries the arguments;
`bare` not at all (the candidates are only in the grammar: the prompt strategy `grammar-only`)."""

_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _covered(text: str, object_id: str, domain: str) -> bool:
    """True when every word of a name or area is already in the entity id (or is the domain's own word)."""
    known = _words(object_id) | _words(domain.replace("_", " "))
    return all(w in known or w.rstrip("s") in known for w in _words(text))


class StateLike(Protocol):
    """Anything with a state and attributes (an inventory entity, a virtual or live MQTT state)."""

    state: str | None
    attributes: dict[str, Any]


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return (
            "["
            + ", ".join(_format_value(v) for v in value[:MAX_ENUM_SHOWN])
            + (", ..." if len(value) > MAX_ENUM_SHOWN else "")
            + "]"
        )
    return str(value)


def describe_state(entity_state: StateLike, shown: Sequence[str], style: PromptStyle = "full") -> str:
    """State plus the attributes the domain shows: `on, brightness 128` (compact: `21.5 °C`, `position 40`)."""
    parts = [entity_state.state] if entity_state.state is not None else []
    for name in shown:
        value = entity_state.attributes.get(name)
        if value is None:
            continue
        if style == "compact" and name == "unit_of_measurement" and parts:
            parts[0] = f"{parts[0]} {_format_value(value)}"
        else:
            label = name.removeprefix("current_") if style == "compact" else name
            parts.append(f"{label} {_format_value(value)}")
    return ", ".join(parts)


def describe_functions(
    functions: Sequence[Function],
    catalog: Catalog,
    states: Mapping[str, StateLike] | None = None,
    style: PromptStyle = "full",
) -> list[str]:
    """One line per entity (its services grouped) or per plain tool; `states` overrides inventory states.

    Compact lines leave out what the entity id already says (a name or area whose words are all in it) and the
    argument signatures of entity services; plain tools keep theirs, since no domain spec explains them.
    """
    lines: list[str] = []
    by_entity: dict[str, list[Function]] = {}
    for fn in functions:
        if fn.entity_id is None:
            desc = f" - {fn.description}" if fn.description else ""
            lines.append(f"{_service_text(fn)}{desc}")
        else:
            by_entity.setdefault(fn.entity_id, []).append(fn)
    home = catalog.home
    for entity_id, fns in by_entity.items():
        entity = home.entity(entity_id) if home else None
        about = ""
        if entity is not None:
            object_id = entity_id.split(".", 1)[1]
            compact = style == "compact"
            area = home.area(entity.area) if home else None
            if not (compact and _covered(entity.name, object_id, entity.domain)):
                about = f' "{entity.name}"'
            if area is not None and not (compact and _covered(area.name, object_id, entity.domain)):
                about += f" in {area.name.lower()}"
            current: StateLike = states.get(entity_id, entity) if states is not None else entity
            spec = catalog.domains.get(entity.domain)
            shown = describe_state(current, spec.prompt_attributes if spec else (), style)
            if shown:
                about += f", {shown}"
        if style == "compact":
            services = ", ".join(f.tool.split(".", 1)[1] for f in fns)
        else:
            services = ", ".join(_service_text(f) for f in fns)
        lines.append(f"{entity_id}{about}: {services}")
    return lines


def request_content(
    text: str,
    functions: Sequence[Function],
    catalog: Catalog,
    *,
    context_area: str | None = None,
    states: Mapping[str, StateLike] | None = None,
    style: PromptStyle = "full",
) -> str:
    """The user turn: candidate functions (none in the `bare` style), where the speaker is, and the request."""
    parts = [] if style == "bare" else ["Functions:", *describe_functions(functions, catalog, states, style)]
    if context_area and catalog.home is not None:
        area = catalog.home.area(context_area)
        if area is not None:
            parts.append(f"Speaker is in: {area.name.lower()}")
    parts.append(f"Request: {text}")
    return "\n".join(parts)


@dataclass(frozen=True)
class FewShot:
    """Worked examples for the prefix, each with its own made-up candidate functions."""

    catalog: Catalog
    """Catalog of the few-shot home."""
    examples: list[tuple[str, list[Function], str]]
    """(request, candidates, reply)."""


def load_fewshot(domains: dict[str, DomainSpec], path: Path = FEWSHOT_FILE, marker: str | None = None) -> FewShot:
    """Load the worked examples and expand their home with the runtime's own catalog code.

    With a call `marker`, example replies that are calls start with it, as the model's own calls must.
    """
    raw = _FewShot.model_validate(read_data_file(path, HomeError))
    home: Home = home_from_data(raw.home, source=str(path))
    catalog = build_catalog(home, domains)
    examples: list[tuple[str, list[Function], str]] = []
    for ex in raw.examples:
        fns: list[Function] = []
        for key in ex.candidates:
            tool, _, entity = key.partition(":")
            fn = catalog.get(tool, entity or None)
            if fn is None:
                raise HomeError(f"{path}: example '{ex.request}': unknown function {key}")
            fns.append(fn)
        examples.append((ex.request, fns, with_marker(ex.reply, marker)))
    return FewShot(catalog, examples)


def prefix_messages(fewshot: FewShot | None, system: str = SYSTEM_PROMPT) -> list[dict[str, str]]:
    """System prompt and worked examples: everything that is the same for every request."""
    messages = [{"role": "system", "content": system}]
    if fewshot is not None:
        for request, fns, reply in fewshot.examples:
            messages.append({"role": "user", "content": request_content(request, fns, fewshot.catalog)})
            messages.append({"role": "assistant", "content": reply})
    return messages


SENTINEL = "\u2063HOMEFC-REQUEST\u2063"


@dataclass(frozen=True)
class ChatFrame:
    """The chat template split around the user turn: the cached head before it, the tail after it."""

    head: str
    """Everything before the request's user content (system prompt, worked examples, user header)."""
    tail: str
    """Everything after it (end of turn, assistant header)."""


def chat_frame(
    render: Callable[[list[dict[str, str]]], str], fewshot: FewShot | None, system: str = SYSTEM_PROMPT
) -> ChatFrame:
    """Render the prefix messages plus a placeholder user turn and split the text at the placeholder."""
    rendered = render([*prefix_messages(fewshot, system), {"role": "user", "content": SENTINEL}])
    head, sep, tail = rendered.partition(SENTINEL)
    if not sep:
        raise ValueError("the chat template dropped the user message")
    return ChatFrame(head, tail)
