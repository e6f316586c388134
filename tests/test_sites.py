"""Per-site queues: order, bounds, isolation between sites, shutdown. A stand-in conversation plays a slow device.

The service tests (test_serve.py) run the same queues with the real model and broker; here a conversation whose
`say` waits on an event stands in for a device that takes its time, which a simulated MQTT device does not do.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from homefc.conversation import Conversation, Reply
from homefc.sites import MAX_SITES, Job, SiteWorkers, Status


@dataclass
class SlowConversation:
    """Answers each text after `gate` opens (for texts starting with 'slow'); records what it said."""

    gate: threading.Event
    said: list[str] = field(default_factory=list)
    context_area: str | None = None

    def say(self, text: str) -> Reply:
        if text.startswith("slow"):
            assert self.gate.wait(10)
        if text == "boom":
            raise RuntimeError("device exploded")
        self.said.append(text)
        return Reply(f"done: {text}")


class Results:
    def __init__(self) -> None:
        self.items: list[tuple[str, str, Status, str | None]] = []
        self.lock = threading.Lock()

    def job(self, site: str, text: str) -> Job:
        def finish(status: Status, reply: Reply | None) -> None:
            with self.lock:
                self.items.append((site, text, status, reply.text if reply else None))

        return Job(site, text, finish)

    def wait(self, n: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while len(self.items) < n:
            assert time.monotonic() < deadline, self.items
            time.sleep(0.01)


def _workers(gate: threading.Event, **kw: object) -> tuple[SiteWorkers, dict[str, SlowConversation]]:
    made: dict[str, SlowConversation] = {}

    def conversation_for(site: str) -> Conversation:
        made[site] = SlowConversation(gate)
        return made[site]  # type: ignore[return-value]

    return SiteWorkers(conversation_for, **kw), made  # type: ignore[arg-type]


def test_a_slow_site_holds_up_only_itself_and_keeps_its_order() -> None:
    gate = threading.Event()
    workers, made = _workers(gate, queue_size=8)
    results = Results()
    for text in ("slow 1", "fast 2", "fast 3"):
        assert workers.submit(results.job("hall", text)) == "ok"
    for i in range(5):
        workers.submit(results.job("kitchen", f"k{i}"))
    results.wait(5)
    assert [t for s, t, *_ in results.items] == [f"k{i}" for i in range(5)], "the kitchen did not wait for the hall"
    gate.set()
    results.wait(8)
    assert made["hall"].said == ["slow 1", "fast 2", "fast 3"]
    assert workers.close(2)


def test_a_full_queue_answers_busy_instead_of_growing() -> None:
    gate = threading.Event()
    workers, _ = _workers(gate, queue_size=2)
    results = Results()
    statuses = [workers.submit(results.job("hall", f"slow {i}")) for i in range(6)]
    # one runs, two wait, the rest are refused (the first may not have been taken off the queue yet)
    assert statuses.count("busy") in (3, 4) and statuses[:2] == ["ok", "ok"]
    assert all(st == "busy" and reply is None for _, _, st, reply in results.items)
    gate.set()
    assert workers.close(5)
    assert sum(st == "ok" for *_, st, _ in results.items) == statuses.count("ok")


def test_made_up_sites_beyond_the_limit_are_refused() -> None:
    workers, _ = _workers(threading.Event())
    results = Results()
    for i in range(MAX_SITES):
        assert workers.submit(results.job(f"s{i}", "fast")) == "ok"
    assert workers.submit(results.job("one-too-many", "fast")) == "busy"
    assert workers.close(5)


def test_a_failing_request_answers_error_and_the_site_goes_on() -> None:
    workers, _ = _workers(threading.Event())
    results = Results()
    workers.submit(results.job("hall", "boom"))
    workers.submit(results.job("hall", "fast"))
    results.wait(2)
    assert [st for *_, st, _ in results.items] == ["error", "ok"]
    assert workers.close(2)


def test_shutdown_finishes_accepted_work_then_refuses_and_reports_stalls() -> None:
    gate = threading.Event()
    workers, _ = _workers(gate)
    results = Results()
    workers.submit(results.job("hall", "slow a"))
    workers.submit(results.job("hall", "fast b"))
    time.sleep(0.1)
    assert workers.stalled(0.05) == ["hall"] and workers.stalled(60) == []
    threading.Timer(0.2, gate.set).start()
    assert workers.close(5), "both accepted requests finished within the drain time"
    assert [st for *_, st, _ in results.items] == ["ok", "ok"]
    assert workers.submit(results.job("hall", "fast c")) == "shutdown"


def test_shutdown_past_the_deadline_answers_the_rest() -> None:
    gate = threading.Event()
    workers, _ = _workers(gate)
    results = Results()
    for text in ("slow a", "fast b", "fast c"):
        workers.submit(results.job("hall", text))
    threading.Timer(0.5, gate.set).start()
    assert not workers.close(0.2)
    assert [(t, st) for _, t, st, _ in results.items] == [
        ("slow a", "ok"),
        ("fast b", "shutdown"),
        ("fast c", "shutdown"),
    ]
