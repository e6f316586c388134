"""Domain service specs (devices/domains/*.yaml): services, argument schemas, read/write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from homefc.errors import DomainSpecError, describe_validation_error
from homefc.home import Entity, read_data_file

BUNDLED_DOMAINS = Path(__file__).parent / "devices" / "domains"
READ_SERVICE = "get_state"

ArgType = Literal["string", "integer", "number", "boolean"]


class FieldSpec(BaseModel):
    """One argument of a service, a JSON-schema subset plus per-entity hints."""

    model_config = ConfigDict(extra="forbid")

    type: ArgType
    """JSON type of the value."""
    description: str = ""
    """One line for people and for the model's prompt."""
    required: bool = False
    """Whether every call must give it."""
    enum: list[str] | None = None
    """Allowed values (strings)."""
    enum_from: str | None = None
    """Entity attribute holding the allowed values (e.g. `hvac_modes`)."""
    minimum: float | None = None
    """Inclusive lower bound for numbers."""
    maximum: float | None = None
    """Inclusive upper bound for numbers."""
    minimum_from: str | None = None
    """Entity attribute holding the lower bound (e.g. `min_temp`)."""
    maximum_from: str | None = None
    """Entity attribute holding the upper bound (e.g. `max_temp`)."""
    requires: str | None = None
    """Entity attribute that must exist for the field to be offered (a supported feature)."""
    max_length: int = 64
    """Longest free-text value the grammar admits."""


class EffectSpec(BaseModel):
    """One step of what a service does to an entity's state (interpreted by virtual_home.py)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    state: str | None = None
    """Set the state to this value."""
    state_from: str | None = None
    """Set the state to this argument's value."""
    toggle: tuple[str, str] | None = None
    """Flip the state between these two values."""
    attr: str | None = None
    """Attribute that `value` / `from` / `step` / `append` / `remove` act on."""
    value: Any = None
    """Literal value for `attr` (or the step size when `step` and no argument given)."""
    from_arg: str | None = Field(default=None, alias="from")
    """Argument whose value feeds `attr`."""
    multiply: float = 1
    """Scale the value: value * multiply / divide."""
    divide: float = 1
    """See multiply."""
    round: bool = False
    """Round the scaled value to an integer (Python's round, as Home Assistant does)."""
    step: bool = False
    """Add the value to the attribute instead of replacing it."""
    sign: int = 1
    """-1 for decreasing steps."""
    min: float | None = None
    """Clamp the result from below."""
    max: float | None = None
    """Clamp the result from above."""
    only_if_unset: bool = False
    """Set `attr` only when it is missing, None or 0 (a default, e.g. full brightness)."""
    onoff: bool = False
    """Write a boolean value as "on"/"off"."""
    append: bool = False
    """Append the value to a list attribute (once)."""
    remove: bool = False
    """Remove the value from a list attribute."""
    op: str | None = None
    """A named effect that data cannot express (see virtual_home.OPS)."""
    if_arg: str | None = None
    """Only when the call gives this argument."""
    unless_arg: str | None = None
    """Only when the call does not give this argument."""
    if_attr: str | None = None
    """Only when the entity has this attribute."""
    if_state: list[str] | None = None
    """Only when the current state is one of these."""
    if_args: dict[str, Any] | None = None
    """Only when these arguments have these values."""


class ServiceSpec(BaseModel):
    """One Home Assistant service of a domain."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1)
    """What the service does, in one line."""
    writes: bool = True
    """False for services that only read."""
    confirm: bool = False
    """Guarded: always needs the owner's confirmation (unlock, disarm)."""
    confirm_device_classes: list[str] = Field(default_factory=list)
    """Guarded only on entities of these device classes (opening a garage door or a gate)."""
    requires: str | None = None
    """Entity attribute that must exist for the service to apply to an entity."""
    fields: dict[str, FieldSpec] = Field(default_factory=dict)
    """Arguments besides `entity_id`, in the order the model writes them."""
    effects: list[EffectSpec] = Field(default_factory=list)
    """State effects for the virtual home, applied in order (interpreted by virtual_home.py)."""


class DomainSpec(BaseModel):
    """Everything homefc knows about one domain."""

    model_config = ConfigDict(extra="forbid")

    domain: str = Field(pattern=r"^[a-z_]+$")
    """Domain name as in entity ids (`light`)."""
    description: str = Field(min_length=1)
    """What kind of thing this is."""
    keywords: list[str] = Field(default_factory=list)
    """Words that point to this domain in a request (`lamp`, `blinds`)."""
    states: list[str] = Field(default_factory=list)
    """Possible states, for documentation and the simulator."""
    services: dict[str, ServiceSpec] = Field(default_factory=dict)
    """Services by name, without the domain prefix."""
    prompt_attributes: list[str] = Field(default_factory=list)
    """Attributes shown beside the state in the prompt (e.g. brightness, temperature)."""
    derived: list[str] = Field(default_factory=list)
    """Attributes that follow from others (e.g. color_mode); a state diff ignores them unless asked."""

    @model_validator(mode="after")
    def _add_read_service(self) -> DomainSpec:
        if READ_SERVICE not in self.services:
            self.services[READ_SERVICE] = ServiceSpec(
                description=f"Read the current state and attributes of a {self.domain.replace('_', ' ')}.",
                writes=False,
            )
        return self


@dataclass(frozen=True)
class ArgSchema:
    """An argument schema resolved for one entity: concrete enum and bounds."""

    name: str
    """Argument name."""
    type: ArgType
    """JSON type."""
    required: bool
    """Whether the call must carry it."""
    description: str = ""
    """One line for the prompt."""
    enum: tuple[str, ...] | None = None
    """Allowed values, if restricted."""
    minimum: float | None = None
    """Inclusive lower bound."""
    maximum: float | None = None
    """Inclusive upper bound."""
    max_length: int = 64
    """Longest free-text value."""

    def json_schema(self) -> dict[str, Any]:
        """This argument as a JSON-schema property."""
        out: dict[str, Any] = {"type": self.type}
        if self.description:
            out["description"] = self.description
        if self.enum is not None:
            out["enum"] = list(self.enum)
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.type == "string" and self.enum is None:
            out["maxLength"] = self.max_length
        return out


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def resolve_args(service: ServiceSpec, entity: Entity) -> tuple[ArgSchema, ...] | None:
    """The service's arguments for this entity, or None when the service does not apply to it."""
    attrs = entity.attributes
    if service.requires and service.requires not in attrs:
        return None
    out: list[ArgSchema] = []
    for name, spec in service.fields.items():
        if spec.requires and spec.requires not in attrs:
            if spec.required:
                return None
            continue
        enum = tuple(spec.enum) if spec.enum is not None else None
        if spec.enum_from:
            values = attrs.get(spec.enum_from)
            if not isinstance(values, list) or not values:
                if spec.required:
                    return None
                continue
            enum = tuple(str(v) for v in values)
        lo = _number(attrs.get(spec.minimum_from)) if spec.minimum_from else None
        hi = _number(attrs.get(spec.maximum_from)) if spec.maximum_from else None
        out.append(
            ArgSchema(
                name=name,
                type=spec.type,
                required=spec.required,
                description=spec.description,
                enum=enum,
                minimum=lo if lo is not None else spec.minimum,
                maximum=hi if hi is not None else spec.maximum,
                max_length=spec.max_length,
            )
        )
    return tuple(out)


def load_domain_file(path: Path) -> DomainSpec:
    """Load and validate one domain spec file."""
    data = read_data_file(path, DomainSpecError)
    try:
        spec = DomainSpec.model_validate(data)
    except ValidationError as exc:
        raise DomainSpecError(describe_validation_error(exc, source=str(path), root=data)) from None
    if spec.domain != path.stem:
        raise DomainSpecError(f"{path}: domain '{spec.domain}' does not match the file name")
    return spec


def load_domains(directory: Path | None = None) -> dict[str, DomainSpec]:
    """All domain specs of a directory (default: the bundled ones), by domain name."""
    directory = directory or BUNDLED_DOMAINS
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise DomainSpecError(f"{directory}: no domain spec files (*.yaml)")
    return {spec.domain: spec for spec in (load_domain_file(f) for f in files)}
