"""Where one sentence holds several requests: clauses, lists of devices, named pairs, "both" twins, list items.

Pure text functions (over the catalog where names matter), used by `Assistant.ask` before retrieval so each part
gets its own model pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from homefc.catalog import Catalog
from homefc.references import has_action, plain

VERBS = (
    r"(?:turn|switch|set|open|close|shut|lock|unlock|dim|brighten|start|stop|pause|play|resume|continue|arm|disarm"
    r"|raise|lower|make|put|add|run|activate|mute|unmute|skip|dock|send|pull|tilt|press)"
)
CLAUSE_BREAK = re.compile(
    r"\s*(?:;|,\s*(?:and\s+)?(?:then|also|after that)\b|\s+and\s+(?:then|also)\b|\s+then\b|,?\s+and\s+(?="
    + VERBS
    + r"\b))\s*",
    re.I,
)
"""Where one request ends and another begins: "…; …", "…, then …", "… and also …", "… and <verb> …"."""
SEQUENCE = re.compile(r";|\b(?:then|after that)\b", re.I)
"""A break that puts one request after another, not one action on two devices."""
PARTICLE = re.compile(r"\b(?:on|off|up|down)\b")
LIST_REQUEST = re.compile(
    r"^(?P<prefix>(?:(?:please|can you|could you)\s+)?" + VERBS + r"(?:\s+(?:on|off|up|down|out))?(?:\s+the)?\s+)?"
    r"(?P<items>.+?)"
    r"(?P<tail>\s+(?:on|off|up|down|halfway|a little|a bit|(?:to|by) \d+\s*(?:%|percent|degrees)?)(?:\s+please)?)?"
    r"[.!?]*$",
    re.I,
)
"""One action on a list of devices: "turn off the A, B and C", "A, B and C off"."""
BACK_REFERENCE = re.compile(r"\b(it|them|those|these|they|that one)\b", re.I)


def split_clauses(text: str) -> list[str]:
    """Several requests in one sentence, one per action ("close the blind, then play the radio"); [text] unless
    every part says what to do and none points back at another ("turn on the lamp and then dim it" stays whole)."""
    parts, breaks, start = [], [], 0
    for found in CLAUSE_BREAK.finditer(text):
        parts.append(text[start : found.start()].strip(" ,.;"))
        breaks.append(found.group(0))
        start = found.end()
    parts.append(text[start:].strip(" ,.;"))
    breaks = [b for i, b in enumerate(breaks) if parts[i + 1] and any(parts[: i + 1])]
    parts = [p for p in parts if p]
    if len(parts) < 2 or not all(_says_what(p) for p in parts):
        return [text]
    if any(BACK_REFERENCE.search(p) for p in parts) or _shared_particle(parts, breaks):
        return [text]
    return parts


def _shared_particle(parts: Sequence[str], breaks: Sequence[str]) -> bool:
    """ "switch the fan and also the extractor off": a part with no verb of its own whose on/off/up/down belongs
    to the verb before it too (which says none), joined by "and (also)" rather than "then" or ";"."""
    for before, sep, part in zip(parts, breaks, parts[1:], strict=False):
        if has_action(part) or SEQUENCE.search(sep) or PARTICLE.search(plain(before)):
            continue
        return True
    return False


def split_list(text: str) -> list[str]:
    """One action on three or more devices, one request per device ("turn off the A, B and the C" → "turn off the
    A", …); [text] unless each item is a device-like phrase of 2–6 words with no verb of its own. Two-item lists stay
    whole: "the living room and kitchen ceiling lights" shares its noun, which splitting would lose."""
    match = LIST_REQUEST.match(text.strip())
    if match is None or "," not in match.group("items"):
        return [text]
    items = [i.strip() for i in re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group("items"))]
    items = [re.sub(r"^the\s+", "", i, flags=re.I) for i in items if i]
    if len(items) < 3 or any(not 2 <= len(i.split()) <= 6 or has_action(i) for i in items):
        return [text]
    prefix, tail = match.group("prefix") or "", match.group("tail") or ""
    return [f"{prefix}{item}{tail}".strip() for item in items]


PAIR_BREAK = re.compile(r",\s*(?:and\s+)?(?:also\s+)?|\s+(?:and(?:\s+also)?|plus)\s+")
"""Between the two devices of a pair: ", ", " and ", " and also ", " plus "."""


def split_named_pair(text: str, catalog: Catalog) -> list[str]:
    """One action on two devices, each named in full by its name or an alias ("close the garage door and the
    living room blind 2" → two requests); [text] otherwise. Only whole names split: "the living room and kitchen
    ceiling lights" shares its noun and stays one request."""
    match = LIST_REQUEST.match(text.strip())
    if match is None or catalog.home is None:
        return [text]
    items = [plain(re.sub(r"^the\s+", "", i.strip(), flags=re.I)) for i in PAIR_BREAK.split(match.group("items"))]
    items = [i for i in items if i]
    prefix, tail = match.group("prefix") or "", match.group("tail") or ""
    if len(items) != 2 or not (prefix or tail):
        return [text]
    if any(not _is_entity_name(catalog, i) for i in items):
        return [text]
    return [f"{prefix}{item}{tail}".strip() for item in items]


BOTH = re.compile(
    r"\bboth\s+(?:of\s+)?(?:the\s+|my\s+|our\s+)?(?P<name>[\w' ]+?)"
    r"(?=\s+(?:on|off|up|down|open|closed?|to|at)\b|[\s.,!?]*$)",
    re.I,
)
"""'both <name>': a pair of numbered twins ("both garden lights on")."""


def split_both(text: str, catalog: Catalog) -> list[str]:
    """ "Both <name> …" where the home has "<name>" and "<name> 2" (or the name's singular and its twin) → one
    request per twin; [text] otherwise."""
    match = BOTH.search(text)
    if match is None or catalog.home is None:
        return [text]
    name = plain(match.group("name"))
    for base in (name, name.removesuffix("s")):
        if _is_entity_name(catalog, base) and _is_entity_name(catalog, f"{base} 2"):
            head, tail = text[: match.start()], text[match.end() :]
            return [f"{head}{base}{tail}".strip(), f"{head}{base} 2{tail}".strip()]
    return [text]


ADD_ITEMS = re.compile(
    r"^(?P<pre>(?:.*?\b)?(?:add|put)\s+)(?P<items>[\w' -]+?(?:,\s*[\w' -]+?)*,?\s+and\s+[\w' -]+?)"
    r"(?P<post>\s+(?:to|on)\s+(?:the|my|our)\s+(?P<list>[\w' -]+?))[.!?]*$",
    re.I,
)
"""Several items for one list: "add eggs and butter to the shopping list"."""


def split_items(text: str, catalog: Catalog) -> list[str]:
    """One request per item where several are added to one to-do list of the home ("add eggs and butter to the
    shopping list" → "add eggs to the shopping list", …); [text] otherwise. Items are 1–3 words with no verb."""
    match = ADD_ITEMS.match(text.strip())
    if match is None or catalog.home is None:
        return [text]
    lists = {plain(n) for e in catalog.home.entities if e.domain == "todo" for n in [e.name, *e.aliases]}
    if plain(match.group("list")) not in lists:
        return [text]
    items = [i.strip() for i in re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group("items")) if i.strip()]
    if len(items) < 2 or any(not 1 <= len(i.split()) <= 3 or has_action(i) for i in items):
        return [text]
    return [f"{match.group('pre')}{item}{match.group('post')}" for item in items]


def _is_entity_name(catalog: Catalog, said: str) -> bool:
    """Whether the words are an entity's whole name or alias (the names worked out once per catalog: 9 ms at 2,000
    entities)."""
    return said in catalog.memo("entity_names", _entity_names)


def _entity_names(catalog: Catalog) -> frozenset[str]:
    home = catalog.home
    return frozenset(plain(n) for e in (home.entities if home else []) for n in [e.name, *e.aliases])


def _says_what(part: str) -> bool:
    """A verb, or a bare state word ("the dining room radiator off")."""
    return has_action(part) or bool(re.search(r"\b(on|off|up|down)\s*$", plain(part)))
