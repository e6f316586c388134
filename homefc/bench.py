"""`homefc bench`: latency of the request path with each optimisation on and off, measured in one process.

Configurations alternate request by request (rotating which goes first), so machine drift hits them all alike;
ratios against the default configuration are the numbers to compare. Nothing here is a test: no threshold.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homefc.assistant import AskResult, Assistant
from homefc.calls import Call
from homefc.catalog import build_catalog
from homefc.config import Settings
from homefc.domains import load_domains
from homefc.home import Home
from homefc.homegen import generate_home
from homefc.merge import merge_type
from homefc.resources import resolve_model
from homefc.syntax import tokens_per_call

HOME_SEED = 4242
"""Seed of the generated benchmark homes (fixed, so runs compare)."""


@dataclass(frozen=True)
class BenchConfig:
    """One way of running the same request."""

    name: str
    use_cache: bool = True
    fast_forward: bool = True
    backend: str = "llguidance"
    model: str = ""
    """Which assistant runs it: '' the default; 'lora' the adapter applied per token instead of merged; 'q8_0' or
    'bf16' the adapter merged into weights of that type (tuned models only; left out where it is the default);
    'grammar-only' the candidates in the grammar but not in the prompt (prompt strategy)."""


CONFIGS: tuple[BenchConfig, ...] = (
    BenchConfig("default"),
    BenchConfig("no prefix cache", use_cache=False),
    BenchConfig("no fast-forward", fast_forward=False),
    BenchConfig("llama.cpp GBNF sampler", fast_forward=False, backend="llamacpp"),
    BenchConfig("run-time LoRA", model="lora"),
    BenchConfig("Q8_0 merge", model="q8_0"),
    BenchConfig("BF16 merge", model="bf16"),
    BenchConfig("grammar-only prompt", model="grammar-only"),
)

_TEMPLATES: dict[str, list[str]] = {
    "light": ["turn off the {name}", "set the {name} to 40%", "turn on the {name}", "is the {name} on"],
    "switch": ["turn on the {name}", "switch off the {name}"],
    "cover": ["close the {name}", "open the {name} halfway"],
    "climate": ["set the {name} to 21 degrees", "make the {name} a bit warmer"],
    "media_player": ["pause the {name}", "set the {name} volume to 30%"],
    "lock": ["lock the {name}", "is the {name} locked"],
    "sensor": ["what's the {name}"],
    "fan": ["turn on the {name}"],
}
_CHAT = ["tell me a joke", "what's the capital of France", "turn on the sauna"]


def bench_requests(home: Home, n: int, seed: int = 0) -> list[str]:
    """A fixed mix of single, parallel and no-call requests on the home's own entities."""
    rng = random.Random(seed)
    entities = [e for e in home.entities if e.domain in _TEMPLATES]
    out: list[str] = []
    while len(out) < n:
        roll = rng.random()
        if roll < 0.1:
            out.append(rng.choice(_CHAT))
        elif roll < 0.25:
            lights = [e for e in entities if e.domain == "light"]
            a, b = rng.sample(lights, 2)
            out.append(f"turn off the {a.name.lower()} and the {b.name.lower()}")
        else:
            entity = rng.choice(entities)
            out.append(rng.choice(_TEMPLATES[entity.domain]).format(name=entity.name.lower()))
    return out


@dataclass
class ConfigStats:
    """What one configuration cost over the request set."""

    name: str
    totals_ms: list[float] = field(default_factory=list)
    retrieve_ms: list[float] = field(default_factory=list)
    prefill_ms: list[float] = field(default_factory=list)
    decode_ms: list[float] = field(default_factory=list)
    forward_passes: int = 0
    output_tokens: int = 0
    calls: int = 0
    mask_us: list[float] = field(default_factory=list)
    same_as_default: int = 0
    emitted: list[Call] = field(default_factory=list)

    def add(self, result: AskResult, default: AskResult | None) -> None:
        """Record one request."""
        t, s = result.timings, result.stats
        self.totals_ms.append(t.total_ms)
        self.retrieve_ms.append(t.retrieve_ms)
        self.prefill_ms.append(t.prefill_ms)
        self.decode_ms.append(t.decode_ms)
        self.forward_passes += s.get("forward_passes", 0)
        self.output_tokens += s.get("output_tokens", 0)
        self.calls += len(result.calls)
        self.emitted.extend(result.calls)
        self.mask_us.append(s.get("mask_us_per_token", 0))
        ref = default or result
        self.same_as_default += [c.model_dump() for c in result.calls] == [c.model_dump() for c in ref.calls]

    def summary(self) -> dict[str, Any]:
        """Percentiles and means."""
        n = len(self.totals_ms)
        ordered = sorted(self.totals_ms)
        return {
            "name": self.name,
            "requests": n,
            "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[min(n - 1, int(0.95 * n))], 1),
            "retrieve_ms": round(statistics.mean(self.retrieve_ms), 1),
            "prefill_ms": round(statistics.mean(self.prefill_ms), 1),
            "decode_ms": round(statistics.mean(self.decode_ms), 1),
            "forward_passes_per_call": round(self.forward_passes / max(1, self.calls), 2),
            "output_tokens_per_call": round(self.output_tokens / max(1, self.calls), 2),
            "forward_share_of_tokens": round(self.forward_passes / max(1, self.output_tokens), 3),
            "mask_us_per_token": round(statistics.mean(self.mask_us), 1),
            "same_calls_as_default": round(self.same_as_default / max(1, n), 3),
        }


def run_configs(
    assistant: Assistant,
    requests: list[str],
    configs: tuple[BenchConfig, ...],
    variants: dict[str, Assistant] | None = None,
) -> list[dict[str, Any]]:
    """Every request under every configuration, the order rotating per request; one warm-up request each.

    `variants` are the same assistant on other model files, by BenchConfig.model; configurations whose model is
    not among them are left out.
    """
    variants = variants or {}
    configs = tuple(c for c in configs if not c.model or c.model in variants)

    def ask(c: BenchConfig, text: str) -> AskResult:
        target = variants[c.model] if c.model else assistant
        return target.ask(text, use_cache=c.use_cache, fast_forward=c.fast_forward, backend=c.backend)

    stats = {c.name: ConfigStats(c.name) for c in configs}
    for c in configs:
        ask(c, requests[0])
    for i, text in enumerate(requests):
        results: dict[str, AskResult] = {}
        for c in configs[i % len(configs) :] + configs[: i % len(configs)]:
            results[c.name] = ask(c, text)
        for c in configs:
            stats[c.name].add(results[c.name], results.get(configs[0].name))
    rows = [stats[c.name].summary() for c in configs]
    rows[0]["syntax_tokens_per_call"] = tokens_per_call(stats[configs[0].name].emitted, assistant.engine.tokenize_plain)
    base = rows[0]
    for row in rows:
        row["p50_ratio"] = round(row["p50_ms"] / base["p50_ms"], 2) if base["p50_ms"] else None
    return rows


def ready_probe(settings_json: str, home_size: int) -> dict[str, Any]:
    """In a fresh process: time from start to a ready assistant, then one request; peak RSS. Prints JSON."""
    import resource

    start = time.perf_counter()
    from homefc.factory import assistant_factory

    settings = Settings.model_validate_json(settings_json)
    domains = load_domains(settings.domains)
    catalog = build_catalog(generate_home(home_size, seed=HOME_SEED), domains)
    assistant = assistant_factory(settings, domains)(catalog)
    ready = time.perf_counter() - start
    assistant.ask("turn off the kitchen ceiling light")
    return {
        "ready_ms": round(ready * 1000),
        "prefix_from": assistant.engine.prefix_source,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _probe(settings: Settings, home_size: int) -> dict[str, Any]:
    code = (
        "import json, sys; from homefc.bench import ready_probe; "
        "print(json.dumps(ready_probe(sys.argv[1], int(sys.argv[2]))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, settings.model_dump_json(), str(home_size)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    """CPU model and core count, for the report header."""
    name = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{name}, {os.cpu_count()} cores"


def run_bench(settings: Settings, home_sizes: list[int], n_requests: int) -> dict[str, Any]:
    """The whole benchmark: cold start probes, then every configuration on each home size."""
    from homefc.factory import AssistantFactory, assistant_factory

    report: dict[str, Any] = {"machine": machine(), "settings": json.loads(settings.model_dump_json()), "homes": []}
    probe_first = _probe(settings, home_sizes[0])  # fills the on-disk caches if they were empty
    probe_warm = _probe(settings, home_sizes[0])
    report["cold_start"] = {"first": probe_first, "warm_caches": probe_warm}
    domains = load_domains(settings.domains)
    make = assistant_factory(settings, domains)
    makers: dict[str, AssistantFactory] = {}
    if settings.merge_adapter and resolve_model(settings.model, settings.adapter).adapter is not None:
        makers["lora"] = assistant_factory(settings.model_copy(update={"merge_adapter": False}), domains)
        for qtype in ("q8_0", "bf16"):
            if qtype != merge_type(settings.merge_type):
                makers[qtype] = assistant_factory(settings.model_copy(update={"merge_type": qtype}), domains)
    report["merge_type"] = merge_type(settings.merge_type) if makers else None
    if settings.prompt_strategy == "candidates":
        bare = settings.model_copy(update={"prompt_strategy": "grammar-only"})
        makers["grammar-only"] = assistant_factory(bare, domains)
    for size in home_sizes:
        home = generate_home(size, seed=HOME_SEED)
        catalog = build_catalog(home, domains)
        assistant = make(catalog)
        variants = {name: maker(catalog) for name, maker in makers.items()}
        rows = run_configs(assistant, bench_requests(home, n_requests), CONFIGS, variants)
        report["homes"].append({"entities": size, "functions": len(assistant.catalog.functions), "configs": rows})
    return report


def render_markdown(report: dict[str, Any]) -> str:
    """The report as README-ready markdown."""
    warm = report["cold_start"]["warm_caches"]
    model = report["settings"].get("model") or "default model"
    merged = f"; adapter merged into {report['merge_type'].upper()}" if report.get("merge_type") else ""
    lines = [
        f"Machine: {report['machine']}; {model}{merged}; threads {report['settings'].get('threads') or 'all'}.",
        f"Cold start to ready with warm caches: {warm['ready_ms']} ms (prefix state from {warm['prefix_from']}); "
        f"first start: {report['cold_start']['first']['ready_ms']} ms; peak RSS {warm['peak_rss_mb']} MB.",
        "",
        "| home | configuration | p50 ms | p95 ms | retrieve | prefill | decode | forward passes / call "
        "| tokens / call | grammar µs / token | same calls as default | p50 ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for home in report["homes"]:
        for r in home["configs"]:
            lines.append(
                f"| {home['entities']} | {r['name']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['retrieve_ms']:.0f} "
                f"| {r['prefill_ms']:.0f} | {r['decode_ms']:.0f} | {r['forward_passes_per_call']:.1f} "
                f"| {r['output_tokens_per_call']:.1f} | {r['mask_us_per_token']:.0f} "
                f"| {100 * r['same_calls_as_default']:.0f}% | {r['p50_ratio']:.2f} |"
            )
    lines += ["", "| home | output tokens per call: JSON (emitted) | Python-style | terse |", "|---|---|---|---|"]
    for home in report["homes"]:
        syntax = home["configs"][0].get("syntax_tokens_per_call")
        if syntax:
            lines.append(
                f"| {home['entities']} | {syntax['json']:.1f} | {syntax['python']:.1f} | {syntax['terse']:.1f} |"
            )
    return "\n".join(lines) + "\n"


def write_report(report: dict[str, Any], json_path: Path | None) -> None:
    """Save the JSON report."""
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
