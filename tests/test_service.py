"""`homefc serve` as systemd runs it: a child process, sd_notify on a socket the test owns, SIGTERM; the unit file."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from homefc.cli import main
from homefc.install import CONFIG_SKELETON, unit_text
from homefc.mqtt.sim import SimulatedHome
from homefc.sdnotify import Notifier
from tests.broker import Mosquitto
from tests.inbox import Inbox

ROOT = Path(__file__).resolve().parents[1]


class NotifySocket:
    """The service manager's side of sd_notify: a datagram socket collecting what the service says."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.lines: list[str] = []

    def wait_for(self, line: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while line not in self.lines:
            left = deadline - time.monotonic()
            assert left > 0, f"no {line!r} within {timeout} s; got {self.lines[-10:]}"
            self.sock.settimeout(left)
            try:
                self.lines += self.sock.recv(4096).decode().splitlines()
            except TimeoutError:
                continue

    def collect(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                self.lines += self.sock.recv(4096).decode().splitlines()
            except TimeoutError:
                break

    def close(self) -> None:
        self.sock.close()


def test_serve_tells_systemd_it_is_ready_pings_the_watchdog_and_stops_cleanly(
    tmp_path: Path, simulated: tuple[Mosquitto, SimulatedHome]
) -> None:
    broker, sim = simulated
    config = tmp_path / "config.toml"
    config.write_text(
        f'audit_log = "{tmp_path / "audit.jsonl"}"\n[mqtt]\nport = {broker.port}\n'
        '[serve]\ndrain_s = 60\n[policy]\nallow_writes = [{domain = "light"}]\n'
    )
    notify = NotifySocket(tmp_path / "notify.sock")
    env = {**os.environ, "NOTIFY_SOCKET": str(notify.path), "WATCHDOG_USEC": "400000", "PYTHONUNBUFFERED": "1"}
    env.pop("WATCHDOG_PID", None)
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "homefc", "--log-level", "INFO", "serve", "--config", str(config)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    inbox = None
    try:
        notify.wait_for("READY=1", 180)
        notify.collect(1.5)
        pings = notify.lines[notify.lines.index("READY=1") :].count("WATCHDOG=1")
        assert pings >= 4, f"{pings} watchdog pings in 1.5 s at a 0.4 s watchdog"
        sim.state.states["light.sofa_lamp"].state = "off"
        inbox = Inbox(broker.settings, "homefc/response/#")
        texts = ["turn on the sofa lamp", "is the sofa lamp on?", "is the hall ceiling light on?"]
        for i, text in enumerate(texts):
            inbox.send("homefc/request", {"id": f"r{i}", "text": text})
        time.sleep(0.3)  # delivered to the service: accepted
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(120) == 0  # a generous drain_s: this checks that accepted work finishes, not how fast
        for i in range(len(texts)):
            [reply] = inbox.wait_topic(f"homefc/response/r{i}", timeout=5)
            assert reply["status"] == "ok", reply
        assert sim.state.states["light.sofa_lamp"].state == "on"
        notify.wait_for("STOPPING=1", 1)
        assert any(line.startswith("STATUS=serving: 78 entities") for line in notify.lines)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if inbox is not None:
            inbox.close()
        notify.close()
        log.close()
    served = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in served
    assert "stopped: 3 requests handled, 0 refused\n" in served, served


def test_notifier_speaks_to_abstract_sockets_and_is_silent_without_systemd() -> None:
    name = f"homefc-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind("\0" + name)
        notifier = Notifier(address="@" + name)
        assert notifier.ready("serving") and notifier.watchdog()
        assert server.recv(100) == b"READY=1\nSTATUS=serving"
        assert server.recv(100) == b"WATCHDOG=1"
    silent = Notifier(address="")
    assert not silent.enabled and not silent.ready("x")


def test_serve_without_a_broker_or_config_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--config", str(tmp_path / "missing.toml")]) == 1
    assert capsys.readouterr().err == f"homefc: error: {tmp_path / 'missing.toml'}: config file not found\n"
    config = tmp_path / "c.toml"
    config.write_text("[serve]\nqueue_size = 4\n")
    assert main(["serve", "--config", str(config)]) == 1
    assert "no [mqtt] table and no --broker: serve needs a broker" in capsys.readouterr().err


def test_config_check_accepts_the_skeleton_and_names_bad_entries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "config.toml"
    good.write_text(CONFIG_SKELETON)
    assert main(["config", "check", "--config", str(good)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{good}: valid\n") and "writes allowed: none (read-only)" in out
    bad = tmp_path / "bad.toml"
    bad.write_text("[serve]\nqueue_size = 0\n")
    assert main(["config", "check", "--config", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "serve.queue_size" in err and str(bad) in err
    unknown = tmp_path / "areas.toml"
    home = ROOT / "homefc" / "devices" / "homes" / "flat.yaml"
    unknown.write_text(f'home = "{home}"\n[serve.sites]\nsat = "attic"\n')
    assert main(["config", "check", "--config", str(unknown)]) == 1
    assert "[serve.sites] sat = 'attic': no such area" in capsys.readouterr().err


def test_install_service_is_a_dry_run_unless_told_and_keeps_the_owners_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["install-service", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"{tmp_path}/etc/systemd/system/homefc.service: would write" in out and "dry run" in out
    assert not (tmp_path / "etc").exists()
    config = tmp_path / "etc" / "homefc" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("# mine\n")
    assert main(["install-service", "--root", str(tmp_path), "--write"]) == 0
    out = capsys.readouterr().out
    assert f"{config}: exists, left as it is" in out and config.read_text() == "# mine\n"
    unit = (tmp_path / "etc" / "systemd" / "system" / "homefc.service").read_text()
    assert "Type=notify" in unit and "ExecStart=/usr/local/bin/homefc " not in unit


def test_the_repository_unit_is_the_packaged_one_and_systemd_accepts_it(tmp_path: Path) -> None:
    repo_unit = ROOT / "packaging" / "systemd" / "homefc.service"
    assert repo_unit.read_text() == unit_text("/usr/local/bin/homefc")
    for setting in ("Type=notify", "WatchdogSec=", "Restart=on-failure", "DynamicUser=yes", "ProtectSystem=strict"):
        assert setting in repo_unit.read_text()
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    unit = tmp_path / "homefc.service"
    unit.write_text(unit_text(shutil.which("homefc") or sys.executable))
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    security = subprocess.run(
        [analyze, "security", "--offline=true", "--no-pager", str(unit)], capture_output=True, text=True, timeout=60
    )
    found = re.search(r"Overall exposure level for homefc.service: ([\d.]+)", security.stdout)
    if security.returncode != 0 and found is None:
        return  # an older systemd without offline security analysis
    assert found is not None and float(found.group(1)) <= 2.0, security.stdout[-400:]


def test_the_mqtt_password_comes_from_a_file_or_a_systemd_credential(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from homefc.errors import MqttError
    from homefc.mqtt.client import BrokerSettings

    monkeypatch.delenv("HOMEFC_MQTT_PASSWORD", raising=False)
    (tmp_path / "mqtt-password").write_text("from-credential\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    assert BrokerSettings(username="homefc").credentials() == ("homefc", "from-credential")
    (tmp_path / "pw").write_text("from-file\nignored\n")
    assert BrokerSettings(username="homefc", password_file=tmp_path / "pw").credentials()[1] == "from-file"
    monkeypatch.setenv("HOMEFC_MQTT_PASSWORD", "from-env")
    assert BrokerSettings().credentials()[1] == "from-env"
    with pytest.raises(MqttError, match="missing: cannot read the MQTT password file"):
        BrokerSettings(password_file=tmp_path / "missing").credentials()
