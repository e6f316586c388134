"""Requests on a home's to-do lists: several items for one list ("add eggs and butter to the shopping list"), a
list carried to the next clause, "we're out of firelighters, stick them on the shopping list"; and an owner said
alone ("Olu's lamp on and Tamsin's off")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from homefc.catalog import Catalog
from homefc.references import has_action, plain
from homefc.splits import trailing_reason

ADD_ITEMS = re.compile(
    r"^(?P<pre>(?:.*?\b)?(?:add|put|remove|delete|(?:tick|cross|mark|take|strike)(?:\s+off)?)\s+)"
    r"(?P<items>[\w' -]+?(?:,\s*[\w' -]+?)*,?\s+and\s+[\w' -]+?)"
    r"(?P<post>\s+(?:to|on|onto|off|from)\s+(?:the|my|our)\s+(?P<list>[\w' -]+?))[.!?]*$",
    re.I,
)
"""Several items for one list: "add eggs and butter to the shopping list", "tick off eggs and milk on the list"."""


def split_items(text: str, catalog: Catalog) -> list[str]:
    """One request per item where several are added to (or ticked off) one to-do list of the home ("add eggs and
    butter to the shopping list" → "add eggs to the shopping list", …); [text] otherwise. Items are 1–3 words, not
    led by a verb."""
    found = trailing_reason(text)
    reason = found.group(0) if found is not None else ""
    match = ADD_ITEMS.match((text[: found.start()] if found is not None else text).strip())
    if match is None or catalog.home is None:
        return [text]
    if not _a_todo_list(plain(match.group("list")), catalog):
        return [text]
    items = [i.strip() for i in re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group("items")) if i.strip()]
    # A verb starts a request, not an item; "tonic water" is an item.
    if len(items) < 2 or any(not 1 <= len(i.split()) <= 3 or has_action(i.split()[0]) for i in items):
        return [text]
    return [f"{match.group('pre')}{item}{match.group('post')}{reason}" for item in items]


LIST_SAID = re.compile(r"\b(?:the|my|our|[a-z]+'s)\s+(?:[\w'-]+\s+){0,2}?list\b", re.I)
BARE_ADD = re.compile(
    r"^(?:and\s+)?(?:also\s+)?(?:add|put|stick|pop)\s+(?!.*\b(?:to|on|onto)\s+(?:the|my|our)\b)", re.I
)


def carried_list(clauses: Sequence[str], catalog: Catalog | None = None) -> list[str]:
    """Clauses where an "add …" that names no list takes the list the clause before named ("take radio times off
    nan's list and add a birthday card" → "add a birthday card to nan's list", also by the list's own name: "tick
    order feed off the farm jobs and add fence posts"), and an owner said alone takes the device the clause before
    named ("Olu's lamp on and Tamsin's off")."""
    out = list(clauses)
    lists = sorted(_todo_lists(catalog), key=len, reverse=True) if catalog is not None else []
    for i in range(1, len(out)):
        found = LIST_SAID.search(out[i - 1])
        before, this = plain(out[i - 1]), plain(out[i])
        named = found.group(0) if found is not None else next((n for n in lists if _says(before, n)), None)
        unnamed = not LIST_SAID.search(out[i]) and not any(_says(this, n) for n in lists)
        if named is not None and BARE_ADD.match(out[i]) and unnamed:
            out[i] = f"{out[i].rstrip(' .!')} to {named if found is not None else f'the {named}'}"
        owner = OWNER_ALONE.fullmatch(out[i].strip())
        noun = OWNER_NOUN.search(out[i - 1])
        if owner is not None and noun is not None:
            # "Olu's lamp on and Tamsin's off": Tamsin's lamp.
            out[i] = f"{owner.group('owner')} {noun.group('noun')} {owner.group('state')}"
    return out


OWNER_ALONE = re.compile(r"(?:and\s+)?(?P<owner>\w+'s)\s+(?P<state>on|off)\W*", re.I)
OWNER_NOUN = re.compile(r"\b\w+'s\s+(?P<noun>\w+(?:\s+\w+)?)\s+(?:on|off)\b", re.I)


RUN_OUT_ADD = re.compile(
    r"^(?:.*?\b)?(?:out of|low on|short of|needs?(?: some)?(?: more)?|(?:have|got) no(?: more)?)\s+(?:the\s+|some\s+)?"
    r"(?P<items>[\w'][\w' ,-]*?)(?:\s*[,;]\s*|\s+(?=so\b|and\b)|\s+(?=(?:add|put|stick|pop|chuck|jot|write)\s"
    r"+(?:them|it|those|these)\b))(?:(?:so|and)\s+)?"
    r"(?:(?:can|could|would) you\s+|please\s+)?"
    r"(?:add|put|stick|pop|chuck|jot|write)\s+(?:them|it|those|these)\s+(?:down\s+)?"
    r"(?P<post>(?:on|to|onto)\s+(?:the|my|our)\s+(?P<list>[\w' -]+?))(?:,?\s+please)?[.!?]*$",
    re.I,
)
"""What "them" is in "we need matches, tealights and bin bags, stick them on the shopping list" (a transcript's
"we're out of milk and avocados put them on the list" has no comma)."""


def restated_add(text: str, catalog: Catalog) -> str:
    """ "We're out of firelighters, stick them on the shopping list" → "add firelighters to the shopping list" where
    the home has that to-do list: the small model refused the first, and the items can then be split; the text
    unchanged otherwise."""
    found = RUN_OUT_ADD.match(text.strip())
    if found is None or plain(found.group("list")) not in _todo_lists(catalog):
        return text
    items = found.group("items")
    if items.lower().startswith("to ") or not 1 <= len(re.split(r",\s*|\s+and\s+", items)) <= 6:
        return text  # "I need to call the plumber, put it on the chores list": a task, said as the model reads it
    post = re.sub(r"^(?:on|onto)\b", "to", found.group("post"), flags=re.I)
    return f"add {items} {post}"


def _a_todo_list(said: str, catalog: Catalog) -> bool:
    """Whether the words name a to-do list: a name or alias, or words of one list's names ("the diy list" of "DIY
    jobs")."""
    if said in _todo_lists(catalog):
        return True
    words = set(said.split()) - {"list"}
    todos = [e for e in catalog.home.entities if e.domain == "todo"] if catalog.home else []
    return bool(words) and sum(any(words <= set(plain(n).split()) for n in [e.name, *e.aliases]) for e in todos) == 1


def _says(said: str, name: str) -> bool:
    """Whether plain words say a list's plain name whole."""
    return re.search(rf"\b{re.escape(name)}\b", said) is not None


def _todo_lists(catalog: Catalog) -> set[str]:
    home = catalog.home
    return {plain(n) for e in (home.entities if home else []) if e.domain == "todo" for n in [e.name, *e.aliases]}
