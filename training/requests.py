"""Synthetic requests for one home: phrasings from templates.yaml, each with the reply a correct assistant gives."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from homefc.catalog import ENTITY_ARG, Catalog, Function
from homefc.home import Entity, Home
from homefc.rounds import state_line
from homefc.virtual_home import EntityState

TEMPLATES = Path(__file__).parent / "templates.yaml"
SLOT = re.compile(r"\{(\w+)\}")
ROOM_HEAD_DOMAINS = frozenset({"light", "climate", "cover", "fan", "media_player", "humidifier"})
"""Domains whose devices people call by room and head noun ("kitchen light", "bedroom blind")."""


@dataclass
class Request:
    """A request and the reply a correct assistant gives."""

    text: str
    """What the person says."""
    category: str
    """simple, multiple, parallel or irrelevance."""
    calls: list[dict[str, Any]] = field(default_factory=list)
    """Expected calls (name, arguments) in the grammar's argument order."""
    answer: str | None = None
    """Expected plain answer when no call fits."""
    context_area: str | None = None
    """Speaker's area, if the request depends on it."""
    kind: str = ""
    """Which generator made it (for the data card)."""
    results: str | None = None
    """For a request that reads first: the results turn its reads get back (homefc.rounds)."""
    then: list[dict[str, Any]] = field(default_factory=list)
    """The calls after those results (none: the turn ends there)."""
    states: dict[str, EntityState] = field(default_factory=dict)
    """Live states the prompt shows instead of the inventory's (a read-first request's drawn state)."""

    @property
    def domains(self) -> list[str]:
        """Domains of the calls (['none'] without calls)."""
        return sorted({c["name"].split(".")[0] for c in self.calls}) or ["none"]


def _holds(name: str, words: str) -> bool:
    """Whether `words` occur in `name` as whole words (case-insensitive)."""
    return re.search(rf"\b{re.escape(words)}\b", name.lower()) is not None


def load_templates(path: Path = TEMPLATES) -> dict[str, Any]:
    """The phrasing templates."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class RequestMaker:
    """Draws varied requests for one home from the templates."""

    def __init__(
        self,
        home: Home,
        catalog: Catalog,
        templates: dict[str, Any],
        rng: random.Random,
        copy_share: float = 0.45,
        short_name_share: float = 0.0,
        spoken_share: float = 0.0,
    ) -> None:
        self.home = home
        self.copy_share = copy_share
        self.short_name_share = short_name_share
        self.spoken_share = spoken_share
        self.catalog = catalog
        self.t = templates
        self.rng = rng
        self.by_tool: dict[str, list[Function]] = {}
        for fn in catalog.functions:
            if fn.entity_id:
                self.by_tool.setdefault(fn.tool, []).append(fn)
        self.tools = [t for t in self.t["services"] if t in self.by_tool]
        names = " ".join(e.name.lower() + " " + " ".join(e.aliases).lower() for e in home.entities)
        self.home_words = set(re.findall(r"\w+", names))

    # --- helpers ------------------------------------------------------------------------------

    def _name(self, entity: Entity) -> str:
        if self.short_name_share and self.rng.random() < self.short_name_share:
            short = self.short_names(entity)
            if short:
                return self.rng.choice(short)
        choices = [entity.name] * 3 + entity.aliases
        name = self.rng.choice(choices)
        return name.lower() if self.rng.random() < 0.75 else name

    def short_names(self, entity: Entity) -> list[str]:
        """Shorter names people use where they are unambiguous: the name without its room ('the awning') when no
        other device's name holds those words, and room plus head noun ('kitchen light') when no other device of
        that room has that noun."""
        out: list[str] = []
        noun = self.noun(entity)
        others = [e for e in self.home.entities if e.id != entity.id]
        if noun and not any(_holds(n, noun) for e in others for n in [e.name, *e.aliases]):
            out.append(noun)
        area = self.home.area(entity.area)
        words = re.findall(r"[a-z]+", (noun or entity.name).lower())
        if area is not None and words and entity.domain in ROOM_HEAD_DOMAINS:
            head = words[-1]
            same_room = [e for e in others if e.area == entity.area]
            if not any(_holds(n, head) for e in same_room for n in [e.name, *e.aliases]):
                room = self.rng.choice([area.name, *area.aliases]).lower()
                if f"{room} {head}" not in (entity.name.lower(), noun):
                    out.append(f"{room} {head}")
        return out

    def spoken(self, text: str, tools: Sequence[str] = ()) -> str:
        """The request as people say it to a voice assistant some of the time: why they ask (a clause that names no
        device), a greeting or filler before it, a courtesy after it, lower case without punctuation (a
        transcript). Words that mean nothing to the rules."""
        if not self.spoken_share or self.rng.random() >= self.spoken_share:
            return text
        spoken = self.t["spoken"]
        if self.rng.random() < 0.4:
            reasons = spoken["reasons"]
            reason = self.rng.choice([r for t in tools for r in reasons.get(t, [])] or reasons["any"])
            if self.rng.random() < 0.5:
                text = f"{reason}, {text[:1].lower()}{text[1:]}"
            else:
                text = f"{text.rstrip('.?!')}, {reason}"
        if self.rng.random() < 0.5:
            text = self.rng.choice(spoken["before"]) + text
        if self.rng.random() < 0.5:
            text = text.rstrip(".?!") + self.rng.choice(spoken["after"])
        if self.rng.random() < 0.5:
            text = re.sub(r"[,.?!:;](?!\d)", "", text.lower())
        return text

    def _area(self, entity: Entity) -> str | None:
        area = self.home.area(entity.area)
        if area is None:
            return None
        return self.rng.choice([area.name] * 2 + area.aliases).lower()

    def noun(self, entity: Entity) -> str | None:
        """The entity's name without its area words ('Kitchen ceiling light' → 'ceiling light')."""
        area = self.home.area(entity.area)
        if area is None:
            return None
        name = entity.name.lower()
        for prefix in [area.name.lower(), *[a.lower() for a in area.aliases]]:
            if name.startswith(prefix + " ") and len(name) > len(prefix) + 2:
                return name[len(prefix) + 1 :]
        return None

    def _value(self, sampler: str, fn: Function, entity: Entity, slots: dict[str, Any]) -> Any:
        rng, attrs = self.rng, entity.attributes
        if sampler.startswith("enum_"):
            arg = fn.arg(sampler[5:])
            return rng.choice(arg.enum) if arg and arg.enum else None
        arg_bounds = {a.name: (a.minimum, a.maximum) for a in fn.args}
        samplers: dict[str, Callable[[], Any]] = {
            "pct": lambda: rng.choice(range(5, 101, 5)),
            "step": lambda: rng.choice([10, 20, 25, 30, 40, 50]),
            "pos": lambda: rng.choice(range(10, 100, 10)),
            "vol": lambda: rng.choice(range(10, 101, 10)),
            "vol_fraction": lambda: round(slots["v"] / 100, 2),
            "humidity": lambda: rng.choice(range(30, 71, 5)),
            "delta": lambda: rng.choice([2, 2, 3]),
            "color_name": lambda: rng.choice(fn.arg("color_name").enum or ["red"]),  # type: ignore[union-attr]
            "new_item": lambda: rng.choice([i for i in self.t["items"] if i not in attrs.get("items", [])]),
        }
        if sampler in samplers:
            return samplers[sampler]()
        if sampler == "kelvin":
            lo, hi = arg_bounds.get("color_temp_kelvin", (2200, 6500))
            return rng.choice(range(int(lo or 2200) // 100 * 100 + 100, int(hi or 6500) + 1, 100))
        if sampler.startswith("temperature"):
            lo, hi = arg_bounds.get("temperature", (None, None))
            lo, hi = (lo if lo is not None else 7), (hi if hi is not None else 35)
            current = attrs.get("temperature")
            if sampler == "temperature":
                value = rng.choice(range(int(lo) + 1, int(hi)))
                return value + 0.5 if rng.random() < 0.2 and value + 0.5 <= hi else value
            if not isinstance(current, int | float):
                return None
            step = {"temperature_up": 1, "temperature_down": -1}.get(sampler) or slots.get("d", 1)
            value = current + (step if sampler in ("temperature_up", "temperature_plus") else -abs(step))
            return value if lo <= value <= hi else None
        if sampler == "number":
            lo, hi = attrs.get("min"), attrs.get("max")
            if not isinstance(lo, int | float) or not isinstance(hi, int | float):
                return None
            return rng.choice(range(int(lo), int(hi) + 1, max(1, int(attrs.get("step", 1)))))
        if sampler == "enum_item":
            items = attrs.get("items") or []
            return rng.choice(items) if items else None
        raise KeyError(f"unknown value sampler {sampler}")

    def _call(self, fn: Function, args: dict[str, Any]) -> dict[str, Any]:
        ordered: dict[str, Any] = {ENTITY_ARG: fn.entity_id}
        for arg in fn.args:
            if arg.name in args:
                ordered[arg.name] = args[arg.name]
        return {"name": fn.tool, "arguments": ordered}

    def phrase(self, fn: Function, *, name: str | None = None) -> tuple[str, dict[str, Any]] | None:
        """One phrasing of the function with its call, or None when no template fits this entity."""
        entity = self.home.index.entities[fn.entity_id or ""]
        groups = [g for g in self.t["services"].get(fn.tool, []) if all(fn.arg(a) for a in g.get("args", {}))]
        if not groups:
            return None
        group = self.rng.choices(groups, weights=[g.get("share", 1.0) for g in groups])[0]
        slots: dict[str, Any] = {}
        for slot, sampler in group.get("values", {}).items():
            value = self._value(sampler, fn, entity, slots)
            if value is None:
                return None
            slots[slot] = value
        text = self.rng.choice(group["text"])
        slots["name"] = name or self._name(entity)
        slots["area"] = self._area(entity)
        slots["noun"] = self.noun(entity)
        if any(slots.get(s) is None for s in SLOT.findall(text)):
            return None
        args = {arg: slots[v] if isinstance(v, str) and v in slots else v for arg, v in group.get("args", {}).items()}
        return SLOT.sub(lambda m: str(slots[m.group(1)]), text), self._call(fn, args)

    # --- generators ---------------------------------------------------------------------------

    def simple(self) -> Request | None:
        """One entity, one service, phrased with its name or an alias."""
        fn = self.rng.choice(self.by_tool[self.rng.choice(self.tools)])
        made = self.phrase(fn)
        if made is None:
            return None
        text, call = made
        category = "multiple" if len(call["arguments"]) > 1 or fn.tool.endswith("get_items") else "simple"
        return Request(text, category, [call], kind="simple")

    def read(self) -> Request | None:
        """A question about one entity, answered by its get_state."""
        fns = [f for f in self.catalog.functions if f.tool.endswith(".get_state") and f.entity_id]
        fn = self.rng.choice(fns)
        entity = self.home.index.entities[fn.entity_id or ""]
        texts = self.t["reads"].get(entity.domain, self.t["reads"]["default"])
        text = self.rng.choice(texts)
        slots = {"name": self._name(entity), "area": self._area(entity), "noun": self.noun(entity)}
        if any(slots.get(s) is None for s in SLOT.findall(text)):
            return None
        return Request(SLOT.sub(lambda m: str(slots[m.group(1)]), text), "simple", [self._call(fn, {})], kind="read")

    PARALLEL_TOOLS = (
        "light.turn_off",
        "light.turn_on",
        "switch.turn_off",
        "switch.turn_on",
        "cover.close_cover",
        "cover.open_cover",
        "cover.set_cover_position",
        "fan.turn_off",
        "media_player.turn_off",
        "lock.lock",
    )

    def _joined_names(self, entities: list[Entity]) -> str:
        """'a and b', 'a, b and c', or 'kitchen and hall ceiling lights' when the entities share a noun."""
        nouns = {self.noun(e) for e in entities}
        if len(entities) == 2 and len(nouns) == 1 and None not in nouns and self.rng.random() < 0.5:
            areas = [self._area(e) for e in entities]
            if None not in areas and areas[0] != areas[1]:
                noun = nouns.pop() or ""
                return f"{areas[0]} and {areas[1]} {noun if noun.endswith('s') else noun + 's'}"
        names = [self._name(e) for e in entities]
        if len(names) == 2:
            return f"{names[0]}{self.rng.choice(self.t['parallel']['joiners'])}{names[1]}"
        last = self.rng.choice([" and ", ", and ", " and the "])
        return ", ".join(names[:-1]) + last + names[-1]

    def parallel(self) -> Request | None:
        """Several requests in one sentence: two or three entities with one service, or different requests."""
        if self.rng.random() < 0.5:
            tools = [t for t in self.PARALLEL_TOOLS if len(self.by_tool.get(t, [])) > 1]
            if not tools:
                return None
            fns = self.by_tool[self.rng.choice(tools)]
            n = 3 if len(fns) > 2 and self.rng.random() < 0.3 else 2
            picked = self.rng.sample(fns, n)
            entities = [self.home.index.entities[f.entity_id or ""] for f in picked]
            made = self.phrase(picked[0], name=self._joined_names(entities))
            if made is None or "{" in made[0]:
                return None
            args = {k: v for k, v in made[1]["arguments"].items() if k != ENTITY_ARG}
            if any(fn.arg(a) is None for fn in picked[1:] for a in args):
                return None
            calls = [made[1], *(self._call(fn, args) for fn in picked[1:])]
            return Request(made[0], "parallel", calls, kind="parallel_same")
        parts = [self.simple() for _ in range(3 if self.rng.random() < 0.2 else 2)]
        if any(p is None for p in parts):
            return None
        requests = [p for p in parts if p is not None]
        if len({r.calls[0]["arguments"][ENTITY_ARG] for r in requests}) < len(requests):
            return None
        texts = [r.text for r in requests]
        joiners = self.t["parallel"]["clause_joiners"]
        text = texts[0]
        for i, t in enumerate(texts[1:], start=1):
            text += (" and " if i == len(texts) - 1 and len(texts) > 2 else self.rng.choice(joiners)) + t
        return Request(text, "parallel", [c for r in requests for c in r.calls], kind="parallel_mixed")

    def area_wide(self) -> Request | None:
        """All lights of an area (2 to 4 of them) on or off."""
        by_area: dict[str, list[Entity]] = {}
        for e in self.home.entities:
            if e.domain == "light" and e.area:
                by_area.setdefault(e.area, []).append(e)
        areas = [a for a, es in by_area.items() if 2 <= len(es) <= 4]
        if not areas:
            return None
        area_id = self.rng.choice(areas)
        text = self.rng.choice(self.t["parallel"]["area_wide"])
        tool = "light.turn_off" if (" off" in text or "off " in text) else "light.turn_on"
        area = self.home.index.areas[area_id]
        name = self.rng.choice([area.name, *area.aliases]).lower()
        calls = [self._call(self.catalog.get(tool, e.id), {}) for e in by_area[area_id] if self.catalog.get(tool, e.id)]  # type: ignore[arg-type]
        return Request(text.replace("{area}", name), "parallel", calls, kind="area_wide")

    def here(self) -> Request | None:
        """'Turn on the ceiling light here': the speaker's area picks among same-named entities."""
        fn = self.rng.choice(self.by_tool[self.rng.choice(self.tools)])
        entity = self.home.index.entities[fn.entity_id or ""]
        noun = self.noun(entity)
        if noun is None or not entity.area:
            return None
        same = [e for e in self.home.entities if e.area == entity.area and self.noun(e) == noun]
        if len(same) != 1:
            return None
        made = self.phrase(fn, name=noun + self.rng.choice(["", "", " here", " in here", " in this room"]))
        if made is None:
            return None
        return Request(made[0], "multiple", [made[1]], context_area=entity.area, kind="here")

    def irrelevant(self) -> Request | None:
        """Chit-chat, a device the home does not have, or an unsafe request: no call."""
        irr = self.t["irrelevant"]
        roll = self.rng.random()
        if roll < 0.4:
            return Request(self.rng.choice(irr["chat"]), "irrelevance", answer=irr["answer"], kind="chat")
        if roll < 0.75:
            thing = self.rng.choice(irr["things"])
            if set(re.findall(r"\w+", thing)) & self.home_words:
                return None
            text = self.rng.choice(irr["missing"]).replace("{thing}", thing)
            return Request(text, "irrelevance", answer=irr["missing_answer"].replace("{thing}", thing), kind="missing")
        return Request(self.rng.choice(irr["unsafe"]), "irrelevance", answer=irr["unsafe_answer"], kind="unsafe")

    def _result(self, entity: Entity, state: str, attributes: dict[str, Any]) -> tuple[str, dict[str, EntityState]]:
        """The results turn of a read of the entity as the run time writes it, and the live state the prompt then
        shows for it (at run time both come from the same device)."""
        live = EntityState(state, {**entity.attributes, **attributes})
        return state_line(entity.id, live, self.catalog), {entity.id: live}

    def nested(self) -> Request | None:
        """A request that reads first: act only if a device is in a state, or copy another device's setting."""
        t = self.t["nested"]
        if self.rng.random() < 1.0 - self.copy_share:
            group = self.rng.choice(t["condition"])
            pairs = [
                (read, act)
                for d in group["domains"]
                for read in self.by_tool.get(f"{d}.get_state", [])
                if (act := self.catalog.get(f"{d}.{group['then']}", read.entity_id)) is not None
            ]
            if not pairs:
                return None
            read, act = self.rng.choice(pairs)
            entity = self.home.index.entities[read.entity_id or ""]
            text = self.rng.choice(group["text"]).replace("{name}", self._name(entity))
            holds = self.rng.random() < 0.5
            results, states = self._result(entity, group["when"] if holds else group["other"], {})
            then = [self._call(act, {})] if holds else []
            kind = "nested_condition"
            return Request(text, "nested", [self._call(read, {})], kind=kind, results=results, then=then, states=states)
        group = self.rng.choice(t["same"])
        fns = self.by_tool.get(f"{group['domain']}.{group['then']}", [])
        if len(fns) < 2:
            return None
        target_fn, source_fn = self.rng.sample(fns, 2)
        read = self.catalog.get(f"{group['domain']}.get_state", source_fn.entity_id)
        if read is None:
            return None
        target = self.home.index.entities[target_fn.entity_id or ""]
        source = self.home.index.entities[source_fn.entity_id or ""]
        value = self.rng.choice(group["values"])
        text = self.rng.choice(group["text"]).replace("{name}", self._name(target))
        text = text.replace("{other}", self._name(source))
        results, states = self._result(source, str(group["state"]), {group["attr"]: value})
        then = [self._call(target_fn, {group["arg"]: value})]
        return Request(
            text, "nested", [self._call(read, {})], kind="nested_same", results=results, then=then, states=states
        )

    MIX: tuple[tuple[str, float], ...] = (
        ("simple", 0.38),
        ("read", 0.10),
        ("parallel", 0.18),
        ("area_wide", 0.05),
        ("here", 0.09),
        ("irrelevant", 0.20),
    )
    """One-pass requests: the validation set's mix."""

    def draw(self) -> Request | None:
        """One request of a kind drawn from the one-pass MIX."""
        kinds, weights = zip(*self.MIX, strict=True)
        kind = self.rng.choices(kinds, weights=weights)[0]
        request: Request | None = getattr(self, kind)()
        if request is not None:
            request.text = self.spoken(request.text, [c["name"] for c in request.calls])
        return request
