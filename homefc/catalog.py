"""Function catalog: entity × applicable service → Function; OpenAI-style tool import and export."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from homefc.domains import READ_SERVICE, ArgSchema, DomainSpec, resolve_args
from homefc.errors import CatalogError, describe_validation_error
from homefc.home import Home, read_data_file

T = TypeVar("T")

ENTITY_ARG = "entity_id"


@dataclass(frozen=True)
class Function:
    """One thing the model may call: a service on one entity, or a plain tool (entity_id None)."""

    tool: str
    """Call name, e.g. `light.turn_off` or `get_weather`."""
    entity_id: str | None
    """Target entity, or None for a plain tool."""
    description: str
    """What the call does, one line."""
    args: tuple[ArgSchema, ...]
    """Arguments besides entity_id, resolved for this entity."""
    writes: bool = True
    """False for read-only calls."""
    confirm: bool = False
    """Guarded: needs confirmation before it runs."""
    document: str = ""
    """Text embedded for retrieval."""
    area: str | None = None
    """Area id of the entity, if any."""

    @property
    def key(self) -> str:
        """Unique key: `tool` or `tool:entity_id`."""
        return f"{self.tool}:{self.entity_id}" if self.entity_id else self.tool

    def arg(self, name: str) -> ArgSchema | None:
        """The argument schema with this name, or None."""
        return next((a for a in self.args if a.name == name), None)


@dataclass
class Catalog:
    """All functions of a home (or of an imported tool list), with lookups."""

    functions: list[Function]
    """Every function, in a stable order."""
    home: Home | None = None
    """The home the functions were expanded from, if any."""
    domains: dict[str, DomainSpec] = field(default_factory=dict)
    """Domain specs the functions came from (empty for imported tools)."""
    _by_key: dict[str, Function] = field(default_factory=dict, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_key = {f.key: f for f in self.functions}
        if len(self._by_key) != len(self.functions):
            raise CatalogError("catalog: duplicate function names")

    def memo(self, key: str, build: Callable[[Catalog], T]) -> T:
        """`build(self)`, worked out once per catalog: the name indexes the text rules read on every request (a live
        inventory builds a new catalog, and with it new indexes)."""
        if key not in self._memo:
            self._memo[key] = build(self)
        return self._memo[key]

    def get(self, tool: str, entity_id: str | None = None) -> Function | None:
        """The function for this tool (and entity), or None."""
        return self._by_key.get(f"{tool}:{entity_id}" if entity_id else tool)

    def for_entity(self, entity_id: str) -> list[Function]:
        """Every function that targets this entity."""
        return [f for f in self.functions if f.entity_id == entity_id]

    def __len__(self) -> int:
        return len(self.functions)

    def to_openai_tools(self) -> list[dict[str, Any]]:
        """Export as OpenAI-style tools: one tool per service, `entity_id` an enum of its entities."""
        groups: dict[str, list[Function]] = {}
        for fn in self.functions:
            groups.setdefault(fn.tool, []).append(fn)
        return [_export_group(fns) for fns in groups.values()]


def _merge_args(fns: Sequence[Function]) -> dict[str, ArgSchema]:
    """Union of per-entity argument schemas: enums joined, bounds widened."""
    merged: dict[str, ArgSchema] = {}
    for fn in fns:
        for arg in fn.args:
            old = merged.get(arg.name)
            if old is None:
                merged[arg.name] = arg
                continue
            enum = None
            if old.enum is not None and arg.enum is not None:
                enum = tuple(dict.fromkeys(old.enum + arg.enum))
            lo = None if old.minimum is None or arg.minimum is None else min(old.minimum, arg.minimum)
            hi = None if old.maximum is None or arg.maximum is None else max(old.maximum, arg.maximum)
            merged[arg.name] = ArgSchema(
                arg.name, arg.type, old.required and arg.required, arg.description, enum, lo, hi, arg.max_length
            )
    return merged


def _export_group(fns: Sequence[Function]) -> dict[str, Any]:
    first = fns[0]
    props: dict[str, Any] = {}
    required: list[str] = []
    entities = [f.entity_id for f in fns if f.entity_id]
    if entities:
        props[ENTITY_ARG] = {"type": "string", "description": "Target entity.", "enum": entities}
        required.append(ENTITY_ARG)
    for name, arg in _merge_args(fns).items():
        props[name] = arg.json_schema()
        if arg.required:
            required.append(name)
    fn: dict[str, Any] = {
        "name": first.tool,
        "description": first.description,
        "parameters": {"type": "object", "properties": props, "required": required},
    }
    if not first.writes:
        fn["x-homefc-readonly"] = True
    if first.confirm:
        fn["x-homefc-confirm"] = True
    return {"type": "function", "function": fn}


def _document(tool: str, service_desc: str, home: Home, entity_id: str) -> str:
    """Short text that retrieval embeds for one entity × service."""
    entity = home.index.entities[entity_id]
    area = home.area(entity.area)
    words = tool.split(".", 1)[1].replace("_", " ")
    text = f"{words}: {entity.name}"
    if entity.aliases:
        text += f" (also {', '.join(entity.aliases)})"
    if area is not None:
        text += f", in the {area.name}"
        if area.aliases:
            text += f" ({', '.join(area.aliases)})"
    return f"{text}. {service_desc}"


def build_catalog(home: Home, domains: dict[str, DomainSpec]) -> Catalog:
    """Expand every entity × applicable service of the home into functions."""
    functions: list[Function] = []
    for entity in home.entities:
        spec = domains.get(entity.domain)
        services = spec.services if spec is not None else {}
        if spec is None:
            # An unknown domain can still be read.
            services = DomainSpec(domain=entity.domain, description=entity.domain).services
        for name, service in services.items():
            args = resolve_args(service, entity)
            if args is None:
                continue
            tool = f"{entity.domain}.{name}"
            functions.append(
                Function(
                    tool=tool,
                    entity_id=entity.id,
                    description=service.description,
                    args=args,
                    writes=service.writes and name != READ_SERVICE,
                    confirm=service.confirm or entity.attributes.get("device_class") in service.confirm_device_classes,
                    document=_document(tool, service.description, home, entity.id),
                    area=entity.area,
                )
            )
    return Catalog(functions, home=home, domains=domains)


# --- import of OpenAI-style tools -------------------------------------------------------------


class _PropSchema(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["string", "integer", "number", "boolean"]
    description: str = ""
    enum: list[str | int | float] | None = None
    minimum: float | None = None
    maximum: float | None = None
    maxLength: int = Field(default=64, ge=1, le=256)


class _ParamsSchema(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["object"] = "object"
    properties: dict[str, _PropSchema] = Field(default_factory=dict)
    required: list[str] = Field(default_factory=list)


class _FunctionDef(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
    description: str = ""
    parameters: _ParamsSchema = Field(default_factory=_ParamsSchema)
    readonly: bool = Field(default=False, alias="x-homefc-readonly")
    confirm: bool = Field(default=False, alias="x-homefc-confirm")


class _ToolDef(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["function"] = "function"
    function: _FunctionDef


def _imported_function(tool: _FunctionDef) -> Function:
    args: list[ArgSchema] = []
    for name in tool.parameters.required:
        if name not in tool.parameters.properties:
            raise CatalogError(f"tool {tool.name}: required argument '{name}' has no schema")
    for name, prop in tool.parameters.properties.items():
        enum = tuple(str(v) for v in prop.enum) if prop.enum is not None else None
        args.append(
            ArgSchema(
                name=name,
                type=prop.type,
                required=name in tool.parameters.required,
                description=prop.description,
                enum=enum,
                minimum=prop.minimum,
                maximum=prop.maximum,
                max_length=prop.maxLength,
            )
        )
    words = tool.name.replace("_", " ").replace(".", " ")
    doc = f"{words}: {tool.description}".strip()
    if args:
        doc += " (" + ", ".join(a.name.replace("_", " ") for a in args) + ")"
    return Function(
        tool=tool.name,
        entity_id=None,
        description=tool.description or words,
        args=tuple(args),
        writes=not tool.readonly,
        confirm=tool.confirm,
        document=doc,
    )


def catalog_from_openai_tools(data: Any, source: str = "<tools>") -> Catalog:
    """Build a catalog of plain functions from an OpenAI-style tool list (or bare function schemas)."""
    if isinstance(data, dict) and "tools" in data:
        data = data["tools"]
    if not isinstance(data, list):
        raise CatalogError(f"{source}: expected a list of tools")
    functions: list[Function] = []
    for i, item in enumerate(data):
        if isinstance(item, dict) and "function" not in item and "name" in item:
            item = {"type": "function", "function": item}
        try:
            tool = _ToolDef.model_validate(item)
        except ValidationError as exc:
            raise CatalogError(describe_validation_error(exc, source=f"{source}: tools[{i}]", root=item)) from None
        try:
            functions.append(_imported_function(tool.function))
        except CatalogError as exc:
            raise CatalogError(f"{source}: tools[{i}]: {exc}") from None
    if not functions:
        raise CatalogError(f"{source}: no tools")
    try:
        return Catalog(functions)
    except CatalogError:
        raise CatalogError(f"{source}: two tools share a name") from None


def load_tools(path: str | Path) -> Catalog:
    """Load an OpenAI-style tool list from a JSON or YAML file."""
    path = Path(path)
    return catalog_from_openai_tools(read_data_file(path, CatalogError), source=str(path))


def dump_tools(catalog: Catalog) -> str:
    """The catalog as pretty OpenAI-style tool JSON."""
    return json.dumps(catalog.to_openai_tools(), indent=2, ensure_ascii=False)


def functions_by_tool(functions: Iterable[Function]) -> dict[str, list[Function]]:
    """Group functions by call name, keeping first-seen order."""
    groups: dict[str, list[Function]] = {}
    for fn in functions:
        groups.setdefault(fn.tool, []).append(fn)
    return groups
