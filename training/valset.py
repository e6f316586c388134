"""A validation set from the training distribution: fresh generated homes, cases in `homefc eval` format.

Diagnosing a tuned model on the held-out evaluation set would tune on it; this set is drawn by the same
generators as the training data, from homes with seeds the training recipes never use, so failures can be
studied per generator kind without ever opening homefc/devices/eval.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from homefc.catalog import build_catalog
from homefc.domains import DomainSpec, load_domains
from homefc.home import Home, write_home
from homefc.homegen import generate_home
from training.expect import replay
from training.requests import Request, RequestMaker, load_templates

VALIDATION_SEED = 900_000
"""Home seeds from here up; training homes use the recipe seed plus a small index (1234 + i by default)."""


def _case(request: Request, home: Home, domains: dict[str, DomainSpec]) -> dict[str, Any] | None:
    """The eval case for one request: expected changes from replaying its calls on a fresh virtual home."""
    expect, reads = replay(request.calls, home, domains)
    if request.calls and not expect and not reads:
        return None  # the call would change nothing (already in that state): not a test of anything
    case: dict[str, Any] = {
        "sentences": [request.text],
        "category": request.category,
        "expect_changes": expect,
        "note": request.kind,
        "reference_calls": request.calls,
    }
    if reads:
        case["expect_reads"] = reads
    if request.context_area:
        case["context_area"] = request.context_area
    return case


def write_validation_set(out: Path, sizes: list[int], per_home: int, seed: int = VALIDATION_SEED) -> dict[str, Any]:
    """Write one home YAML and one case file per size under `out`; returns counts per kind and category."""
    out.mkdir(parents=True, exist_ok=True)
    domains, templates = load_domains(), load_templates()
    rng = random.Random(seed)
    kinds: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    for i, size in enumerate(sizes):
        home = generate_home(size, seed=seed + i)
        name = f"val-{size}-s{seed + i}"
        write_home(home, out / f"{name}.home.yaml")
        maker = RequestMaker(home, build_catalog(home, domains), templates, rng)
        tests: list[dict[str, Any]] = []
        seen: set[str] = set()
        for _ in range(per_home * 20):
            if len(tests) >= per_home:
                break
            request = maker.draw()
            if request is None or request.text.lower() in seen:
                continue
            case = _case(request, home, domains)
            if case is None:
                continue
            seen.add(request.text.lower())
            tests.append(case)
            kinds[request.kind] += 1
            categories[request.category] += 1
        doc = {"home": f"{name}.home.yaml", "tests": tests}
        (out / f"{name}.cases.yaml").write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), "utf-8")
    return {"kinds": dict(kinds), "categories": dict(categories)}
