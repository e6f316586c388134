"""Requests on plain OpenAI-style tool lists (training/tools.yaml), so the tuned model also serves `--tools`.

tools.yaml holds tool schemas, toolsets (the tools offered together) and phrasing groups. A group's `values`
map each slot to a list of values (a scalar is said and passed as is; `{say, arg}` is said one way and passed
another) or to `{range: [lo, hi]}` (an integer). `args` map each argument to a slot or a literal.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from homefc.catalog import Catalog, Function, catalog_from_openai_tools
from homefc.grammar import plain_arg_order
from training.requests import SLOT, Request

TOOLS = Path(__file__).parent / "tools.yaml"


@dataclass
class Toolset:
    """Tools offered together, with the phrasing groups of each tool."""

    name: str
    """Toolset name from tools.yaml."""
    catalog: Catalog
    """The toolset as the runtime sees an imported tool list."""
    groups: dict[str, list[dict[str, Any]]]
    """Phrasing groups per tool name."""
    same_job: frozenset[str] = frozenset()
    """Tools of other lists that do what one of this list's tools does (tools.yaml `overlaps`)."""


def load_toolsets(path: Path = TOOLS) -> list[Toolset]:
    """Every toolset of tools.yaml as a catalog plus its phrasing groups."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tools = {t["function"]["name"]: t for t in data["tools"]}
    sets = []
    for name, members in data["toolsets"].items():
        catalog = catalog_from_openai_tools([{"type": "function", "function": tools[m]["function"]} for m in members])
        same = {t for group in data.get("overlaps", []) if set(group) & set(members) for t in group}
        sets.append(Toolset(name, catalog, {m: tools[m]["requests"] for m in members}, frozenset(same - set(members))))
    return sets


def _fill(spec: Any, rng: random.Random) -> tuple[str, Any]:
    """(spoken form, argument value) of one slot."""
    if isinstance(spec, dict) and "range" in spec:
        value = rng.randint(*spec["range"])
        return str(value), value
    choice = rng.choice(spec)
    if isinstance(choice, dict):
        return str(choice["say"]), choice["arg"]
    return str(choice), choice


class ToolRequestMaker:
    """Draws requests on one toolset: one call, two calls in one sentence, or nothing the tools can do."""

    def __init__(self, toolset: Toolset, others: list[Toolset], templates: dict[str, Any], rng: random.Random) -> None:
        self.set = toolset
        self.rng = rng
        self.t = templates
        mine = set(toolset.groups)
        name_words = {w for tool in mine for w in tool.split("_") if len(w) > 3}
        self.chat = [c for c in templates["irrelevant"]["chat"] if not name_words & set(re.findall(r"[a-z]+", c))]
        self.foreign = [
            (ts, tool) for ts in others for tool in ts.groups if tool not in mine and tool not in toolset.same_job
        ]

    def _phrase(self, toolset: Toolset, tool: str) -> tuple[str, dict[str, Any]]:
        group = self.rng.choice(toolset.groups[tool])
        said: dict[str, str] = {}
        passed: dict[str, Any] = {}
        for slot, spec in group.get("values", {}).items():
            said[slot], passed[slot] = _fill(spec, self.rng)
        text = SLOT.sub(lambda m: said[m.group(1)], self.rng.choice(group["text"]))
        if self.rng.random() < 0.3:
            text = text[:1].upper() + text[1:]
        given = {a: passed[v] if isinstance(v, str) and v in passed else v for a, v in group.get("args", {}).items()}
        fn = toolset.catalog.get(tool)
        assert fn is not None
        return text, {"name": tool, "arguments": _ordered(fn, given)}

    def simple(self) -> Request:
        """One tool call."""
        tool = self.rng.choice(sorted(self.set.groups))
        text, call = self._phrase(self.set, tool)
        category = "multiple" if len(call["arguments"]) > 1 else "simple"
        return Request(text, category, [call], kind="tool")

    def parallel(self) -> Request | None:
        """Two requests for different tools joined in one sentence."""
        a, b = self.rng.sample(sorted(self.set.groups), 2)
        (ta, ca), (tb, cb) = self._phrase(self.set, a), self._phrase(self.set, b)
        joiner = self.rng.choice([" and ", ", then ", ", and "])
        return Request(f"{ta}{joiner}{tb[:1].lower()}{tb[1:]}", "parallel", [ca, cb], kind="tool_parallel")

    def irrelevant(self) -> Request:
        """Chit-chat no tool covers, a home-device command, or a request for a tool this list does not have: no call."""
        irr = self.t["irrelevant"]
        roll = self.rng.random()
        if roll < 0.35 and self.foreign:
            toolset, tool = self.rng.choice(self.foreign)
            text = self._phrase(toolset, tool)[0]
        elif roll < 0.65:
            text = self.rng.choice(irr["home_commands"])
        else:
            text = self.rng.choice(self.chat)
        return Request(text, "irrelevance", answer=irr["tool_answer"], kind="tool_irrelevant")

    MIX: tuple[tuple[str, float], ...] = (("simple", 0.65), ("parallel", 0.15), ("irrelevant", 0.2))

    def draw(self) -> Request | None:
        """One request of a kind drawn from the mix."""
        kinds, weights = zip(*self.MIX, strict=True)
        return getattr(self, self.rng.choices(kinds, weights=weights)[0])()


def _ordered(fn: Function, args: dict[str, Any]) -> dict[str, Any]:
    """Arguments in the grammar's order for plain tools: required ones first, then optional ones."""
    return {a.name: args[a.name] for a in plain_arg_order(fn.args) if a.name in args}
