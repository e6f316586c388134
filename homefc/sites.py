"""Requests queued per site, one conversation per site, one model shared by all of them.

Each site has its own bounded queue and worker thread, so a site's requests keep their order and a slow
device at one site never holds up another. Only the model step is serialised (`ModelSlot`): llama.cpp
state is one per process, while carrying out calls (MQTT round trips) runs at every site at once.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from homefc.assistant import AskResult, Assistant
from homefc.conversation import Conversation, Reply

log = logging.getLogger(__name__)

Status = Literal["ok", "busy", "error", "shutdown"]
MAX_SITES = 64
"""More distinct sites than this are answered busy: a stream of made-up siteIds must not spawn threads."""
BUSY_TEXT = "I'm busy right now; please ask again in a moment."
ERROR_TEXT = "Sorry, something went wrong with that request."
SHUTDOWN_TEXT = "I'm shutting down; please ask again in a minute."


def status_text(status: Status) -> str:
    """What to say when a request got no reply: busy, shutting down, or failed."""
    return {"busy": BUSY_TEXT, "shutdown": SHUTDOWN_TEXT}.get(status, ERROR_TEXT)


class ModelSlot:
    """The one assistant (model, retriever, catalog) all sites share, and the lock that serialises it."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.lock = threading.Lock()

    def replace(self, make: Callable[[Assistant], Assistant]) -> None:
        """Swap in a new assistant (a changed inventory) between two requests."""
        with self.lock:
            self.assistant = make(self.assistant)


class SharedAssistant:
    """What a site's conversation sees as its assistant: the slot's current one, one request at a time."""

    def __init__(self, slot: ModelSlot) -> None:
        self._slot = slot

    def ask(self, text: str, **kwargs: Any) -> AskResult:
        """The model step, waiting for other sites' model steps (not for their devices)."""
        with self._slot.lock:
            return self._slot.assistant.ask(text, **kwargs)

    def follow_up(self, first: AskResult, results: str) -> AskResult:
        """A follow-up round (homefc.rounds), waiting like `ask`: the model runs one request at a time."""
        with self._slot.lock:
            return self._slot.assistant.follow_up(first, results)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._slot.assistant, name)


@dataclass
class Job:
    """One request for a site; `finish` is called exactly once, with the reply or why there is none."""

    site: str
    text: str
    finish: Callable[[Status, Reply | None], None]
    area: str | None = None
    """Speaker's area for this request, overriding the site's."""
    accepted: float = field(default_factory=time.monotonic)


@dataclass
class _Site:
    name: str
    jobs: queue.Queue[Job | None]
    thread: threading.Thread | None = None
    conversation: Conversation | None = None
    last_used: float = 0.0
    busy_since: float | None = None
    done: int = 0


class SiteWorkers:
    """Per-site queues in front of per-site conversations."""

    def __init__(
        self,
        conversation_for: Callable[[str], Conversation],
        *,
        queue_size: int = 8,
        idle_s: float = 300.0,
    ) -> None:
        self.conversation_for = conversation_for
        self.queue_size = queue_size
        self.idle_s = idle_s
        self._sites: dict[str, _Site] = {}
        self._lock = threading.Lock()
        self._accepting = True
        self._abort = threading.Event()
        self.handled = 0
        self.refused = 0

    def submit(self, job: Job) -> Status:
        """Queue the job ("ok"), or refuse it ("busy", "shutdown") after calling its finish with that status."""
        with self._lock:
            status: Status = "ok"
            if not self._accepting:
                status = "shutdown"
            elif job.site not in self._sites and len(self._sites) >= MAX_SITES:
                status = "busy"
            else:
                site = self._site(job.site)
                try:
                    site.jobs.put_nowait(job)
                except queue.Full:
                    status = "busy"
            if status != "ok":
                self.refused += 1
        if status != "ok":
            log.warning("site %s: request refused (%s): %.80r", job.site, status, job.text)
            _finish(job, status, None)
        return status

    def _site(self, name: str) -> _Site:
        site = self._sites.get(name)
        if site is None:
            site = _Site(name, queue.Queue(maxsize=self.queue_size))
            site.thread = threading.Thread(target=self._work, args=(site,), name=f"site-{name}"[:15], daemon=True)
            self._sites[name] = site
            site.thread.start()
        return site

    def _work(self, site: _Site) -> None:
        while True:
            job = site.jobs.get()
            if job is None:
                return
            if self._abort.is_set():
                _finish(job, "shutdown", None)
                continue
            site.busy_since = time.monotonic()
            try:
                _finish(job, *self._handle(site, job))
            finally:
                site.busy_since = None
                site.last_used = time.monotonic()

    def _handle(self, site: _Site, job: Job) -> tuple[Status, Reply | None]:
        now = time.monotonic()
        if site.conversation is None or (self.idle_s and now - site.last_used > self.idle_s):
            site.conversation = self.conversation_for(site.name)
        conversation = site.conversation
        if job.area is not None:
            conversation.context_area = job.area
        try:
            reply = conversation.say(job.text)
        except Exception:  # one bad request must not take the site (or the service) down
            log.exception("site %s: request failed: %.80r", site.name, job.text)
            return "error", None
        site.done += 1
        self.handled += 1
        return "ok", reply

    def forget(self) -> None:
        """Drop every site's conversation (the home changed under them); queues and order stay."""
        with self._lock:
            for site in self._sites.values():
                site.last_used = float("-inf")

    def stalled(self, limit_s: float) -> list[str]:
        """Sites whose current request has run longer than limit_s, or whose worker died."""
        now = time.monotonic()
        with self._lock:
            sites = list(self._sites.values())
        return [
            s.name
            for s in sites
            if (s.busy_since is not None and now - s.busy_since > limit_s) or not (s.thread and s.thread.is_alive())
        ]

    def waiting(self) -> int:
        """Requests queued, not yet started."""
        with self._lock:
            return sum(s.jobs.qsize() for s in self._sites.values())

    def close(self, timeout: float) -> bool:
        """Stop taking requests and finish the queued ones; after `timeout` s the rest are answered "shutdown".

        True when every accepted request was carried out.
        """
        with self._lock:
            self._accepting = False
            sites = list(self._sites.values())
        deadline = time.monotonic() + timeout
        for site in sites:  # the end marker goes behind every queued job
            while not _put_end(site):
                if time.monotonic() > deadline:
                    self._abort.set()  # queued jobs are now answered "shutdown", which makes room
        for site in sites:
            if site.thread is not None:
                site.thread.join(max(0.0, deadline - time.monotonic()))
        clean = not self._abort.is_set() and not any(s.thread is not None and s.thread.is_alive() for s in sites)
        if not clean:
            self._abort.set()
            for site in sites:
                if site.thread is not None:
                    site.thread.join(5.0)
        return clean


def _put_end(site: _Site) -> bool:
    """Queue the worker's end marker; False if the queue stayed full for a moment."""
    try:
        site.jobs.put(None, timeout=0.1)
    except queue.Full:
        return False
    return True


def _finish(job: Job, status: Status, reply: Reply | None) -> None:
    try:
        job.finish(status, reply)
    except Exception:
        log.exception("site %s: sending the reply failed", job.site)
