"""The audit log: one JSON line per call (executed, blocked, refused, failed), appended and flushed at once.

Opened when the assistant starts, so an unwritable log stops it before any call runs (fail closed).
"""

from __future__ import annotations

import datetime
import json
import os
import threading
from pathlib import Path
from typing import Any

from homefc.errors import ConfigError


class AuditLog:
    """Append-only JSONL: time, request text, call, decision, reason, outcome."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = path.open("a", encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot open the audit log: {exc.strerror or exc}") from None

    def record(
        self, *, text: str, call: dict[str, Any] | None, decision: str, outcome: str, reason: str = "", **extra: Any
    ) -> dict[str, Any]:
        """Append one entry and flush it to disk; returns the entry."""
        entry = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "text": text,
            "call": call,
            "decision": decision,
            "reason": reason,
            "outcome": outcome,
            **extra,
        }
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        with self._lock:
            self._fh.write(line)
            self._fh.flush()
            os.fsync(self._fh.fileno())
        return entry

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._fh.close()


def read_audit(path: Path) -> list[dict[str, Any]]:
    """All entries of an audit log (for tests and `homefc audit`-style inspection)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
