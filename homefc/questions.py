"""Where one question asks after several devices ("did we leave the garage or the gates open?"): one question per
device, so each gets its read (the small model reads the first and stops)."""

from __future__ import annotations

import re

from homefc.catalog import Catalog
from homefc.pairs import PAIR_BREAK, name_parts
from homefc.references import KIND_DOMAINS, area_names, plain
from homefc.splits import is_entity_name

STATES = r"open|closed|shut|locked|unlocked|on|off|running|playing|left on|left open"
PAIR_QUESTION = re.compile(
    r"^(?:(?:uh|um|er|so|and|hey)\s+)*"
    r"(?:is|are|(?:did|have)\s+(?:we|you|i|they|the kids|someone|anyone)\s+(?:leave|left))\s+"
    rf"(?:the\s+)?(?P<items>.+?)\s+(?:still\s+)?(?P<state>{STATES})(?:\s+(?:again|now|still))?\s*\??$",
    re.I,
)
"""A yes/no question after a state of two to four devices, joined by "and" or "or"."""
ON_OFF = ("on", "off", "running", "playing")
OR_BREAK = re.compile(rf"{PAIR_BREAK.pattern}|\s+or\s+(?:the\s+)?")


def split_question(text: str, catalog: Catalog) -> list[str]:
    """ "is the garage door or the gates open?" → "is the garage door open?", "is the gates open?": where every
    item is a device's name or words of some device's name (not a kind, nor a room asked on or off); [text]
    otherwise."""
    found = PAIR_QUESTION.match(text.strip())
    if found is None or catalog.home is None:
        return [text]
    items = [plain(re.sub(r"^the\s+", "", i.strip(), flags=re.I)) for i in OR_BREAK.split(found.group("items"))]
    items = [i for i in items if i]
    if not 2 <= len(items) <= 4:
        return [text]
    parts = catalog.memo("name_parts", name_parts)
    rooms = set().union(*(area_names(a) for a in catalog.home.areas))
    for item in items:
        # A room alone is a device only where its state is a door's ("did we leave the garage open").
        if item in KIND_DOMAINS or (item in rooms and found.group("state").lower() in ON_OFF):
            return [text]
        if not is_entity_name(catalog, item) and item not in parts:
            return [text]
    return [f"is the {item} {found.group('state').lower()}?" for item in items]
