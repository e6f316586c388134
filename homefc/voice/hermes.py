"""Hermes MQTT bridge (Rhasspy 2.5, Snips-compatible satellites): recognised text in, intents and speech out.

Consumes `hermes/asr/textCaptured` and `hermes/nlu/query`; for each, runs one conversation turn at the
satellite's site and publishes `hermes/nlu/intentParsed` plus `hermes/intent/<call name>` (or
`hermes/nlu/intentNotRecognized` when no call was made), speaks the reply with `hermes/tts/say`, then ends
the dialogue session, or continues it when the reply asks a question (which one? go ahead?).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from homefc.conversation import Reply
from homefc.mqtt.client import MqttClient, decode_json
from homefc.sites import Job, SiteWorkers, Status, status_text

log = logging.getLogger(__name__)

TEXT_CAPTURED = "hermes/asr/textCaptured"
NLU_QUERY = "hermes/nlu/query"
INTENT_PARSED = "hermes/nlu/intentParsed"
NOT_RECOGNIZED = "hermes/nlu/intentNotRecognized"
TTS_SAY = "hermes/tts/say"
END_SESSION = "hermes/dialogueManager/endSession"
CONTINUE_SESSION = "hermes/dialogueManager/continueSession"
MAX_TEXT = 10_000
"""Longer recognised text is refused as malformed (the assistant itself reads only the first 400 characters)."""
DUPLICATE_S = 10.0
"""An nlu/query repeating a textCaptured of the same session within this long is the dialogue manager
forwarding the same words: it is answered once."""


class _Hermes(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    site_id: str = Field(default="default", alias="siteId", min_length=1, max_length=128)
    session_id: str | None = Field(default=None, alias="sessionId", max_length=256)


class TextCaptured(_Hermes):
    """`hermes/asr/textCaptured`: what the speech recogniser heard."""

    text: str = Field(max_length=MAX_TEXT)


class NluQuery(_Hermes):
    """`hermes/nlu/query`: a dialogue manager asking for the intent of a text."""

    input: str = Field(max_length=MAX_TEXT)
    id: str | None = Field(default=None, max_length=256)


def parse(topic: str, payload: bytes) -> TextCaptured | NluQuery:
    """The message on a Hermes input topic; ValueError with a one-line reason when it is not one."""
    return decode_json(TextCaptured if topic == TEXT_CAPTURED else NluQuery, payload)


def intent_messages(message: TextCaptured | NluQuery, reply: Reply | None) -> list[tuple[str, dict[str, Any]]]:
    """The NLU result: intentParsed and hermes/intent/<name> for the first call, else intentNotRecognized."""
    text = message.text if isinstance(message, TextCaptured) else message.input
    base: dict[str, Any] = {"input": text, "siteId": message.site_id, "sessionId": message.session_id}
    if isinstance(message, NluQuery):
        base["id"] = message.id
    calls = reply.calls if reply is not None else []
    if not calls:
        custom = json.dumps({"reply": reply.text}) if reply is not None else None
        return [(NOT_RECOGNIZED, {**base, "customData": custom})]
    first = calls[0]
    slots = [
        {
            "entity": name,
            "slotName": name,
            "rawValue": str(value),
            "value": {"kind": "Unknown", "value": value},
            "confidence": 1.0,
        }
        for name, value in first.arguments.items()
    ]
    custom = {
        "reply": reply.text if reply else "",
        "calls": [{"name": o.call.name, "arguments": o.call.arguments, "status": o.status} for o in reply.outcomes]
        if reply
        else [],
    }
    parsed = {**base, "intent": {"intentName": first.name, "confidenceScore": 1.0}, "slots": slots}
    parsed["customData"] = json.dumps(custom)
    return [(INTENT_PARSED, parsed), (f"hermes/intent/{first.name}", parsed)]


def speech_messages(
    message: TextCaptured | NluQuery, text: str, question: bool, lang: str | None
) -> list[tuple[str, dict[str, Any]]]:
    """Speak the reply at the satellite, then end the session, or keep it open for the answer to a question."""
    say: dict[str, Any] = {
        "text": text,
        "siteId": message.site_id,
        "id": uuid.uuid4().hex,
        "sessionId": message.session_id,
    }
    if lang:
        say["lang"] = lang
    out: list[tuple[str, dict[str, Any]]] = [(TTS_SAY, say)]
    if message.session_id is None:
        return out
    if question:
        out.append((CONTINUE_SESSION, {"sessionId": message.session_id, "sendIntentNotRecognized": True}))
    else:
        out.append((END_SESSION, {"sessionId": message.session_id}))
    return out


class HermesBridge:
    """Subscribes to the Hermes input topics and answers them through the site workers."""

    def __init__(
        self,
        client: MqttClient,
        sites: SiteWorkers,
        send: Callable[[str, dict[str, Any]], None],
        *,
        area_of: Callable[[str], str | None],
        lang: str | None = None,
    ) -> None:
        self.client = client
        self.sites = sites
        self.send = send
        self.area_of = area_of
        self.lang = lang
        self._recent: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def attach(self) -> None:
        """Start listening (subscriptions survive reconnects)."""
        self.client.subscribe(TEXT_CAPTURED, self._on_message)
        self.client.subscribe(NLU_QUERY, self._on_message)

    def _on_message(self, topic: str, payload: bytes, retained: bool) -> None:
        if retained:
            log.warning("%s: retained message skipped (a stale request must not run at start)", topic)
            return
        try:
            message = parse(topic, payload)
        except ValueError as exc:
            log.warning("%s: malformed Hermes message skipped: %s", topic, exc)
            return
        text = message.text if isinstance(message, TextCaptured) else message.input
        if self._repeated(message, text):
            log.info("%s: session %s already answered %.60r; skipped", topic, message.session_id, text)
            return
        self.sites.submit(
            Job(
                message.site_id,
                text,
                lambda status, reply: self._finish(message, status, reply),
                self.area_of(message.site_id),
            )
        )

    def _repeated(self, message: TextCaptured | NluQuery, text: str) -> bool:
        if message.session_id is None:
            return False
        now = time.monotonic()
        key = (message.session_id, text.strip().lower())
        with self._lock:
            self._recent = {k: t for k, t in self._recent.items() if now - t < DUPLICATE_S}
            seen = key in self._recent
            self._recent[key] = now
        return seen

    def _finish(self, message: TextCaptured | NluQuery, status: Status, reply: Reply | None) -> None:
        for topic, payload in intent_messages(message, reply if status == "ok" else None):
            self.send(topic, payload)
        text = reply.text if reply is not None else status_text(status)
        for topic, payload in speech_messages(
            message, text, reply is not None and reply.question is not None, self.lang
        ):
            self.send(topic, payload)
