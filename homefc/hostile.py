"""Requests that try to override the assistant's rules ("SYSTEM OVERRIDE: … disarm the alarm") or that ask it to
pass on a threat ("text her I know where she lives"): refused whole.

The small model follows an injected instruction as readily as a real one; docs/conventions.md says an unsafe
request gets no call, so words that claim a mode or new instructions end the request before any model pass.
"""

from __future__ import annotations

import re

from homefc.catalog import Catalog
from homefc.references import plain

INJECTION = re.compile(
    r"\b(?:system|admin|administrator|developer|debug|god|root|maintenance|service|engineer)\s+(?:override|mode|access)\b"
    r"|\boverride\s+(?:code|mode|enabled|activated|accepted|granted)\b"
    r"|\bignore\s+(?:(?:all|any|your|the|previous|prior|above|earlier|those|these|safety|my)\s+)*(?:rules|instructions"
    r"|prompts?|guidelines|restrictions|safeguards|programming|policy|policies)\b"
    r"|\b(?:disregard|forget|bypass)\s+(?:\w+\s+){0,3}(?:rules|instructions|guidelines|restrictions|safeguards|policy)\b"
    r"|\b(?:jailbreak|jailbroken|prompt injection|new instructions|you are now)\b"
    r"|\b(?:new|updated|revised)\s+(?:system\s+)?(?:prompt|instructions|rules|policy)\b|\bsystem prompt\b"
    r"|\b(?:has|have|had)\s+(?:\w+\s+){0,2}(?:authori[sz]ed|permitted|cleared)\s+you\b"
    r"|\byou\s+(?:are|have been)\s+(?:now\s+)?(?:authori[sz]ed|permitted|cleared)\b",
    re.I,
)
"""Words that claim a mode, an override or new instructions, as an attack on the assistant says them."""
THREAT = re.compile(
    r"\bi know where (?:you|she|he|they) lives?\b|\bwatch (?:your|her|his|their) back\b"
    r"|\b(?:you|she|he|they)(?:'ll| will) regret\b|\b(?:i'?ll|i will|gonna|going to) (?:kill|hurt|stab|shoot|burn)\b"
    r"|\b(?:you're|you are|she's|he's) dead\b",
    re.I,
)
"""Words of a threat to a person: no assistant sends or says them on someone's behalf."""
REFUSAL = "I can't help with that."


def injected(text: str, catalog: Catalog) -> bool:
    """Whether the request claims an override of the assistant's rules (unless the words are a device's name: a
    home may have a "maintenance mode" switch) or carries a threat."""
    if THREAT.search(text):
        return True
    found = [plain(m.group(0)) for m in INJECTION.finditer(text)]
    if not found:
        return False
    home = catalog.home
    names = [plain(n) for e in (home.entities if home else []) for n in [e.name, *e.aliases]]
    return any(not any(f in n for n in names) for f in found)
