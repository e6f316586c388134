"""`homefc/request` → `homefc/response/<id>`: a small JSON request topic for other integrations.

Request: `{"id": "abc", "text": "turn off the hall light", "site": "hall", "area": "hall"}` (`site` and
`area` optional). Reply: `{"id", "site", "seq", "status", "text", "question", "calls": [...]}`, where
status is ok, busy, error or shutdown and `seq` counts the site's finished requests (their order).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from homefc.conversation import Reply
from homefc.mqtt.client import MqttClient, decode_json
from homefc.sites import Job, SiteWorkers, Status, status_text

log = logging.getLogger(__name__)

TOPIC_SAFE = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


class Request(BaseModel):
    """One request on the request topic."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=TOPIC_SAFE.pattern)
    """Caller's id; the reply goes to `<response_prefix>/<id>` (letters, digits, `_.:-`)."""
    text: str = Field(max_length=10_000)
    site: str = Field(default="default", pattern=TOPIC_SAFE.pattern)
    """Which conversation (and queue) the request belongs to."""
    area: str | None = Field(default=None, max_length=128)
    """Where the speaker is ("here"); default: the site's area."""


def response(request: Request, status: Status, reply: Reply | None, seq: int) -> dict[str, Any]:
    """The reply message: what was said back and every call with its outcome."""
    text = reply.text if reply is not None else status_text(status)
    return {
        "id": request.id,
        "site": request.site,
        "seq": seq,
        "status": status,
        "text": text,
        "question": reply.question if reply is not None else None,
        "calls": [
            {"name": o.call.name, "arguments": o.call.arguments, "status": o.status, "message": o.message}
            for o in (reply.outcomes if reply is not None else [])
        ],
    }


class RequestBridge:
    """Takes requests from the request topic and answers each on its response topic."""

    def __init__(
        self,
        client: MqttClient,
        sites: SiteWorkers,
        send: Callable[[str, dict[str, Any]], None],
        *,
        topic: str = "homefc/request",
        response_prefix: str = "homefc/response",
        area_of: Callable[[str], str | None] = lambda site: None,
    ) -> None:
        self.client = client
        self.sites = sites
        self.send = send
        self.topic = topic.rstrip("/")
        self.response_prefix = response_prefix.rstrip("/")
        self.area_of = area_of
        self._seq: dict[str, int] = {}
        self._lock = threading.Lock()

    def attach(self) -> None:
        """Listen on the request topic (`topic/#` matches it too; below it only to say those are not served)."""
        self.client.subscribe(f"{self.topic}/#", self._on_message)

    def _on_message(self, topic: str, payload: bytes, retained: bool) -> None:
        if topic != self.topic:
            log.warning("%s: unknown topic (requests go to %s); skipped", topic, self.topic)
            return
        if retained:
            log.warning("%s: retained request skipped (a stale request must not run at start)", topic)
            return
        try:
            request = decode_json(Request, payload)
        except ValueError as exc:
            log.warning("%s: malformed request skipped: %s", topic, exc)
            return
        area = request.area if request.area is not None else self.area_of(request.site)
        self.sites.submit(Job(request.site, request.text, lambda s, r: self._finish(request, s, r), area))

    def _finish(self, request: Request, status: Status, reply: Reply | None) -> None:
        with self._lock:
            seq = self._seq[request.site] = self._seq.get(request.site, 0) + 1
        self.send(f"{self.response_prefix}/{request.id}", response(request, status, reply, seq))
