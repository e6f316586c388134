"""systemd's notify protocol spoken directly: READY=1, WATCHDOG=1, STATUS= datagrams to $NOTIFY_SOCKET."""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)


class Notifier:
    """Sends state lines to the service manager; does nothing when not started by systemd (no NOTIFY_SOCKET)."""

    def __init__(self, address: str | None = None) -> None:
        address = address if address is not None else os.environ.get("NOTIFY_SOCKET")
        self.address = "\0" + address[1:] if address and address.startswith("@") else address
        usec = os.environ.get("WATCHDOG_USEC", "")
        pid = os.environ.get("WATCHDOG_PID", "")
        mine = not pid or pid == str(os.getpid())
        self.watchdog_s = int(usec) / 1e6 if usec.isdigit() and int(usec) > 0 and mine else None
        """The watchdog period systemd expects, or None when no watchdog is set for this process."""

    @property
    def enabled(self) -> bool:
        """True when a service manager listens."""
        return bool(self.address)

    def send(self, *lines: str) -> bool:
        """Send one datagram of `KEY=value` lines; False (logged once per call) if it could not be sent."""
        if not self.address:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.connect(self.address)
                sock.sendall("\n".join(lines).encode())
            return True
        except OSError as exc:
            log.warning("sd_notify to %r failed: %s", self.address, exc)
            return False

    def ready(self, status: str) -> bool:
        """Startup finished: the service may be depended on now."""
        return self.send("READY=1", f"STATUS={status}")

    def status(self, status: str) -> bool:
        """A line `systemctl status` shows."""
        return self.send(f"STATUS={status}")

    def watchdog(self) -> bool:
        """Tell the watchdog the service is alive."""
        return self.send("WATCHDOG=1")

    def extend_timeout(self, seconds: float) -> bool:
        """Ask for more time to start (a model load on a slow card)."""
        return self.send(f"EXTEND_TIMEOUT_USEC={int(seconds * 1e6)}")

    def stopping(self) -> bool:
        """Shutdown has begun."""
        return self.send("STOPPING=1", "STATUS=stopping")
