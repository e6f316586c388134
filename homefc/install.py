"""`homefc install-service`: the systemd unit and a config skeleton, printed (dry run) or written."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

UNIT_PATH = Path("/etc/systemd/system/homefc.service")
CONFIG_PATH = Path("/etc/homefc/config.toml")
UNIT_EXEC = "/usr/local/bin/homefc"
"""The program path in the shipped unit, replaced by the installed one."""

CONFIG_SKELETON = """\
# homefc settings (`homefc config check` validates this file). Every key is optional.

# home = "/etc/homefc/home.yaml"     # inventory file; without one, the broker's discovery is the inventory
# model = "smollm2-135m-homefc"      # a name from `homefc/models/manifest.yaml`, or a GGUF path
# threads = 4

[mqtt]
host = "127.0.0.1"
port = 1883
# username = "homefc"
# password: from LoadCredential=mqtt-password (see the unit), password_file, or $HOMEFC_MQTT_PASSWORD

[serve]
hermes = true                        # answer hermes/asr/textCaptured and hermes/nlu/query
request_topic = "homefc/request"
response_prefix = "homefc/response"
queue_size = 8                       # requests waiting per site before "busy"
drain_s = 3.0                        # on SIGTERM, accepted requests get this long (under TimeoutStopSec=15)

[serve.sites]                        # satellite siteId = area id, so "here" means that room
# kitchen-satellite = "kitchen"

[policy]                             # read-only until you allow writes
# allow_writes = [{ domain = "light" }, { domain = "switch" }, { domain = "cover" }]
"""


@dataclass
class Planned:
    """One file install-service writes."""

    path: Path
    text: str
    keep_existing: bool
    """True for the config: an owner's file is never overwritten."""


def unit_text(program: str) -> str:
    """The shipped unit with ExecStart naming `program`."""
    text = resources.files("homefc").joinpath("systemd/homefc.service").read_text(encoding="utf-8")
    return text.replace(f"ExecStart={UNIT_EXEC} ", f"ExecStart={program} ")


def installed_program() -> str:
    """Absolute path of the running homefc (a venv's, typically), so the unit runs this installation."""
    found = shutil.which("homefc")
    if found:
        return str(Path(found).resolve())
    return str(Path(sys.argv[0]).resolve())


def plan(root: Path = Path("/"), program: str | None = None) -> list[Planned]:
    """What would be written under root."""
    return [
        Planned(root / UNIT_PATH.relative_to("/"), unit_text(program or installed_program()), keep_existing=False),
        Planned(root / CONFIG_PATH.relative_to("/"), CONFIG_SKELETON, keep_existing=True),
    ]


def install(planned: list[Planned], *, write: bool) -> list[str]:
    """Write (or only describe) each file; returns one line per file saying what happened."""
    lines = []
    for item in planned:
        exists = item.path.exists()
        if item.keep_existing and exists:
            lines.append(f"{item.path}: exists, left as it is")
            continue
        verb = ("replaced" if exists else "wrote") if write else ("would replace" if exists else "would write")
        if write:
            item.path.parent.mkdir(parents=True, exist_ok=True)
            item.path.write_text(item.text, encoding="utf-8")
            item.path.chmod(0o644)
        lines.append(f"{item.path}: {verb}")
    return lines
