"""Fill a hand-written case file's expectations by replaying its reference calls on its home.

`python -m training.expect FILE...`: for each case with `reference_calls`, `expect_changes` and `expect_reads`
become what those calls do to a fresh virtual home after the case's `setup`, so a person writes the sentence and
the calls a correct assistant makes, never the attribute arithmetic (a 10 % dimmer step is brightness 178).
"""

from __future__ import annotations

import sys
from itertools import takewhile
from pathlib import Path
from typing import Any

import yaml

from homefc.calls import Call
from homefc.catalog import ENTITY_ARG
from homefc.domains import DomainSpec, load_domains
from homefc.home import Home, load_home
from homefc.virtual_home import VirtualHome, diff

READ_SUFFIXES = (".get_state", ".get_items")


def replay(
    calls: list[dict[str, Any]], home: Home, domains: dict[str, DomainSpec], setup: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """What `calls` change on a fresh virtual home (in case-file form) and which entities they read."""
    probe = VirtualHome(home, domains)
    probe.setup(setup or {})
    before = probe.snapshot()
    reads: list[str] = []
    for call in calls:
        if call["name"].endswith(READ_SUFFIXES):
            reads.append(call["arguments"][ENTITY_ARG])
        probe.apply(Call(name=call["name"], arguments=call["arguments"]))
    expect: dict[str, Any] = {}
    for entity_id, change in diff(before, probe.states).items():
        values: dict[str, Any] = {"attributes": {k: new for k, (_, new) in change.attributes.items()}}
        if change.state is not None:
            values["state"] = change.state[1]
        expect[entity_id] = values
    return expect, reads


def fill_file(path: Path, domains: dict[str, DomainSpec]) -> int:
    """Rewrite `path` with expectations from its reference calls (its leading comment kept); returns the number
    of cases filled."""
    text = path.read_text(encoding="utf-8")
    header = "".join(line + "\n" for line in takewhile(lambda x: x.startswith("#"), text.splitlines()))
    doc = yaml.safe_load(text)
    home = load_home(path.parent / doc["home"])
    filled = 0
    for case in doc["tests"]:
        if case.get("reference_calls") is None:
            continue
        expect, reads = replay(case["reference_calls"], home, domains, case.get("setup"))
        case["expect_changes"] = expect
        case.pop("expect_reads", None)
        if reads:
            case["expect_reads"] = reads
        filled += 1
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)
    path.write_text(header + body, encoding="utf-8")
    return filled


def main(argv: list[str] | None = None) -> int:
    """Fill each file named on the command line; one line per file, or the error and exit status 1."""
    domains = load_domains()
    for name in argv if argv is not None else sys.argv[1:]:
        try:
            count = fill_file(Path(name), domains)
        except Exception as exc:  # any bad file: one line, exit 1
            print(f"{name}: {exc}", file=sys.stderr)
            return 1
        print(f"{name}: {count} cases filled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
