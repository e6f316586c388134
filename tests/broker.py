"""A real Mosquitto for the test session: its own config, a free port on 127.0.0.1, stop and restart."""

from __future__ import annotations

import getpass
import shutil
import socket
import subprocess
import time
from pathlib import Path

from homefc.mqtt.client import BrokerSettings

INSTALL_HINT = "mosquitto is not installed: apt-get install mosquitto (the MQTT tests need a real broker)"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mosquitto:
    """One mosquitto process with a config written into workdir; anonymous unless users are given."""

    def __init__(self, workdir: Path, users: dict[str, str] | None = None) -> None:
        binary = shutil.which("mosquitto") or next(
            (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if Path(p).exists()), None
        )
        if binary is None:
            raise RuntimeError(INSTALL_HINT)
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        workdir.mkdir(parents=True, exist_ok=True)
        lines = [
            f"listener {self.port} 127.0.0.1",
            "persistence false",
            f"log_dest file {workdir / 'mosquitto.log'}",
            f"user {getpass.getuser()}",  # run as root, mosquitto would switch to a user that cannot read workdir
        ]
        if users:
            passwd = workdir / "passwd"
            passwd.write_text("")
            for user, password in users.items():
                subprocess.run(["mosquitto_passwd", "-b", str(passwd), user, password], check=True)
            lines += ["allow_anonymous false", f"password_file {passwd}"]
        else:
            lines.append("allow_anonymous true")
        self.config = workdir / "mosquitto.conf"
        self.config.write_text("\n".join(lines) + "\n")

    @property
    def settings(self) -> BrokerSettings:
        """Settings that reach this broker anonymously."""
        return BrokerSettings(host="127.0.0.1", port=self.port)

    def start(self, timeout: float = 10.0) -> Mosquitto:
        """Start the process and wait until the port accepts connections."""
        self.proc = subprocess.Popen([self.binary, "-c", str(self.config)], stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"mosquitto exited at start: {err.strip()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"mosquitto did not listen on {self.port} within {timeout} s")

    def stop(self) -> None:
        """Terminate the process (as a crash would look to clients: connections drop)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self) -> None:
        """Stop and start again on the same port."""
        self.stop()
        self.start()
