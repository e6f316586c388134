"""Several requests in one sentence on a plain tool list: one model pass each (a home has homefc/splits.py).

The small model answers "text Sam I'm late and call Mum" or "put on Radio 1 and turn it up to 40" with one call
and drops the other. A sentence is cut where "and", "then" or a semicolon is followed by words that open a request
of their own: an imperative verb an assistant's tools answer, or a question. Words that are the content of a
message, note or reminder ("remind me to buy milk and call the plumber", "tell Jo that I'm late and to start
without me") are never cut, nor a part too short to be a request. A later part's "off it" is the list the part
before it named.
"""

from __future__ import annotations

import re

from homefc.toolfit import LEAD

OPENERS = (
    r"(?:text|message|send|email|e-mail|mail|call|ring|phone|facetime|dial|play|put on|turn|switch|set|start|stop"
    r"|pause|resume|skip|add|remind|find|search|look up|book|order|convert|translate|tell me|show me|give me|get|check"
    r"|read|open|close|cancel|create|schedule|log|track|navigate|take|remove|wake|make|note|save|lock|unlock|dim"
    r"|what(?:'s|s| is| are| about)?|how(?:'s|s)?|is it|is there|are there|are we|do i|does|did i|have i|has"
    r"|when(?:'s|s)?"
    r"|where(?:'s|s)?|who(?:'s|s)?|will it|can you|could you)"
)
BREAK = re.compile(
    rf"\s*(?:;\s*|,\s*(?:and\s+(?:then\s+|also\s+)?|then\s+|also\s+)|\s+and\s+then\s+|\s+then\s+|\s+and\s+(?:also\s+)?)(?={OPENERS}\b)",
    re.I,
)
CONTENT = re.compile(
    r"\b(?:saying|says|to say|that|with the (?:message|text|subject|body)|remind(?:er)? (?:me|us|him|her|them) to"
    r"|reminder to|note(?: that)?|write(?: down)?|titled|called|asking|ask(?:ing)? (?:\w+ )?(?:to|if|whether))\b|:",
    re.I,
)


BARE = re.compile(r"\b(?:it|that|this|them|please|for me)\b", re.I)
"""Words that leave a part with only its verb ("log it", "do that please") when taken out."""
CONDITION = re.compile(r"^\W*(?:if|unless|once|as soon as|in case|whenever|before|after|until|while)\b", re.I)


def split_tool_requests(text: str) -> list[str]:
    """The requests of one sentence on a tool list ("text Sam I'm late", "call Mum"); [text] where it holds one,
    or where a cut would fall inside what a message, note or reminder is to say."""
    parts: list[str] = []
    start = 0
    for found in BREAK.finditer(text):
        head = text[start : found.start()].strip(" ,.;")
        if CONTENT.search(text[: found.start()]):
            break
        if len(LEAD.sub("", head).split()) < 2 or CONDITION.match(head):
            # A greeting or filler ("ok so, play …") or a condition ("if it rains, remind me …") is no request.
            continue
        parts.append(head)
        start = found.end()
    tail = text[start:].strip(" ,.;")
    if not parts or len(BARE.sub("", tail).split()) < 2:
        # "…, log it": a verb on what was just said is not a request of its own.
        return [text]
    return carried_place([*parts, tail])


PLACE = re.compile(
    r"\b(?:on|to|off|from|onto|in)\s+(?P<place>(?:the|my|our)\s+[\w' -]*?\b(?:list|calendar|playlist|basket|cart))\b",
    re.I,
)
IT_PLACE = re.compile(r"\b(?P<prep>on|to|off|from|onto|in)\s+it\b", re.I)


def carried_place(parts: list[str]) -> list[str]:
    """ "put bananas on the shopping list and take the apples off it": a later part's "off it" is the list the part
    before it named."""
    out = parts[:1]
    for part in parts[1:]:
        place = PLACE.search(out[-1])
        out.append(IT_PLACE.sub(rf"\g<prep> {place['place']}", part) if place is not None else part)
    return out
