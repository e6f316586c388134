"""Summaries of evaluation records: rates with 95% intervals per category and domain, recall, latency."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from homefc.eval.cases import CATEGORIES
from homefc.eval.runner import Record
from homefc.eval.scorer import Rate, balanced_score


def _rate(records: Sequence[Record]) -> Rate:
    return Rate(sum(r.passed for r in records), len(records))


def _rate_json(rate: Rate) -> dict[str, Any]:
    lo, hi = rate.interval()
    return {
        "passed": rate.passed,
        "total": rate.total,
        "rate": round(rate.value, 4),
        "ci95": [round(lo, 4), round(hi, 4)],
    }


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarise(records: Sequence[Record]) -> dict[str, Any]:
    """Everything the report table shows, as JSON-ready data."""
    by_category: dict[str, list[Record]] = defaultdict(list)
    by_domain: dict[str, list[Record]] = defaultdict(list)
    by_size: dict[int, list[Record]] = defaultdict(list)
    for r in records:
        by_category[r.category].append(r)
        for d in r.domains:
            by_domain[d].append(r)
        if r.retrieved is not None:
            by_size[r.home_entities].append(r)
    acted = _rate([r for r in records if r.category != "irrelevance"])
    held = _rate(by_category.get("irrelevance", []))
    latencies = [r.timings["total_ms"] for r in records if r.timings]
    with_calls = [r for r in records if r.calls and r.timings]
    calls = sum(len(r.calls) for r in with_calls)
    forward = sum(r.forward_passes for r in with_calls)
    return {
        "sentences": len(records),
        "overall": _rate_json(_rate(records)),
        "categories": {c: _rate_json(_rate(by_category[c])) for c in CATEGORIES if by_category.get(c)},
        "domains": {d: _rate_json(_rate(rs)) for d, rs in sorted(by_domain.items())},
        "acted_when_it_should": _rate_json(acted),
        "held_back_when_it_should": _rate_json(held),
        "balanced": round(balanced_score(acted, held), 4) if acted.total and held.total else None,
        "retrieval_recall": {
            str(size): {"recall": round(sum(bool(r.retrieved) for r in rs) / len(rs), 4), "sentences": len(rs)}
            for size, rs in sorted(by_size.items())
        },
        "latency_ms": {
            "mean": round(statistics.fmean(latencies), 1) if latencies else 0.0,
            "p50": round(_percentile(latencies, 0.5), 1),
            "p95": round(_percentile(latencies, 0.95), 1),
        },
        "forward_passes_per_call": round(forward / calls, 2) if calls else None,
        "calls": calls,
    }


def _row(name: str, rate: dict[str, Any]) -> str:
    lo, hi = rate["ci95"]
    return f"| {name} | {rate['passed']}/{rate['total']} | {100 * rate['rate']:.1f}% | {100 * lo:.1f}–{100 * hi:.1f}% |"


def render(summary: dict[str, Any]) -> str:
    """A markdown table of the summary, for terminals and README."""
    lines = ["| category | passed | rate | 95% CI |", "|---|---|---|---|"]
    lines += [_row(c, r) for c, r in summary["categories"].items()]
    lines.append(_row("**all**", summary["overall"]))
    lines += ["", "| domain | passed | rate | 95% CI |", "|---|---|---|---|"]
    lines += [_row(d, r) for d, r in summary["domains"].items()]
    lat = summary["latency_ms"]
    if summary["balanced"] is None:
        lines += ["", "balanced score: n/a (needs both cases that must act and cases that must not)"]
    else:
        lines += [
            "",
            f"balanced score (harmonic mean of acted {100 * summary['acted_when_it_should']['rate']:.1f}% and "
            f"held back {100 * summary['held_back_when_it_should']['rate']:.1f}%): {100 * summary['balanced']:.1f}%",
        ]
    for size, rec in summary["retrieval_recall"].items():
        lines.append(
            f"retrieval recall (all needed functions in the candidates), {size}-entity home: "
            f"{100 * rec['recall']:.1f}% of {rec['sentences']} sentences"
        )
    if lat["mean"]:
        lines.append(f"latency: mean {lat['mean']:.0f} ms · p50 {lat['p50']:.0f} ms · p95 {lat['p95']:.0f} ms")
    if summary["forward_passes_per_call"] is not None:
        lines.append(
            f"forward passes per emitted call: {summary['forward_passes_per_call']:.2f} ({summary['calls']} calls)"
        )
    return "\n".join(lines)


def records_json(records: Sequence[Record]) -> list[dict[str, Any]]:
    """Every record as a dict."""
    return [asdict(r) for r in records]
