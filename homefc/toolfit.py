"""Whether a plain tool does what the request's verb asks (an imported tool list, not a home).

The small model answers "book a table at Luigi's" with the restaurant search, "delete the reminder" with the tool
that sets one and "reschedule the dentist" with the calendar listing: the nearest tool, doing something else.
A request that starts with a verb of its own kind (book, buy, pay, delete, cancel, reschedule, share, …) is
declined when the tool chosen says nothing of that kind in its name or description, or says it cannot ("Shows
results; cannot book"), or when it speaks of another thing than the one the verb acts on ("cancel my 3pm meeting"
on a tool that cancels alarms) (docs/conventions.md, "Plain tool lists"). The same holds for a request acting on a
kept thing of one kind on a tool that never names that kind ("read me my texts" on the news); a further call needs
a word of its own tool; the weather now or the forecast follows the time said; and the tool named before what a
message says is the one asked for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from homefc.calls import Call
from homefc.catalog import Function
from homefc.grounding import GENERIC

# Each kind: the imperative forms that start a request, and the pattern of a word in a tool's name or description
# that says the tool does it.
KINDS: dict[str, tuple[frozenset[str], str]] = {
    "book": (frozenset({"book", "reserve"}), r"book(?:s|ed|ings?)?|reserv(?:e|es|ed|ing|ations?)"),
    "buy": (
        frozenset({"buy", "purchase"}),
        r"buy(?:s|ing)?|purchas(?:e|es|ed|ing)|order(?:s|ed|ing)?|shop(?:s|ping)?|groceries",
    ),
    "pay": (frozenset({"pay", "transfer"}), r"pay(?:s|ing|ments?)?|transfer(?:s|red|ring)?|split"),
    "sell": (frozenset({"sell"}), r"sell(?:s|ing)?|sales?"),
    "delete": (
        frozenset({"delete", "remove", "erase", "clear"}),
        r"delet(?:e|es|ed|ing|ion)|remov(?:e|es|ed|ing|al)|eras(?:e|es|ed|ing)|clear(?:s|ed|ing)?",
    ),
    "cancel": (frozenset({"cancel"}), r"cancel(?:s|l?ed|l?ing|l?ations?)?|stop(?:s|ped|ping)?"),
    "move": (
        frozenset({"reschedule", "postpone", "rearrange"}),
        r"mov(?:e|es|ed|ing)|reschedul(?:e|es|ed|ing)|postpon(?:e|es|ed|ing)|rearrang(?:e|es|ed|ing)|edit(?:s|ing)?",
    ),
    "share": (frozenset({"share"}), r"shar(?:e|es|ed|ing)"),
    "forward": (frozenset({"forward"}), r"forward(?:s|ed|ing)?"),
    "reply": (frozenset({"reply", "respond"}), r"repl(?:y|ies|ied|ying)|respon(?:d|ds|ded|ding|se)"),
    "edit": (frozenset({"edit", "rename"}), r"edit(?:s|ed|ing)?|renam(?:e|es|ed|ing)|updat(?:e|es|ed|ing)"),
    "print": (frozenset({"print"}), r"print(?:s|ed|ing|er)?"),
    "download": (frozenset({"download", "upload"}), r"(?:down|up)load(?:s|ed|ing)?"),
    "install": (frozenset({"install", "uninstall"}), r"(?:un)?install(?:s|ed|ing)?"),
    "post": (frozenset({"post", "tweet", "publish"}), r"post(?:s|ed|ing)?|tweet(?:s|ed|ing)?|publish(?:es|ed|ing)?"),
    "subscribe": (frozenset({"subscribe", "unsubscribe"}), r"(?:un)?subscri(?:be|bes|bed|bing|ption)"),
}
LEAD = re.compile(
    r"^(?:(?:hey|hi|ok|okay|so|um+|uh+|right|please|just|quickly|now|then|also|and|oh)\b[\s,]*"
    r"|(?:can|could|would|will)\s+(?:you|i|we)\s+(?:please\s+)?"
    r"|(?:i|we)\s*(?:'d|would)\s+(?:like|love)\s+(?:you\s+)?to\s+|(?:i|we)\s+(?:want|need)\s+(?:you\s+)?to\s+"
    r"|i\s+wanna\s+|let'?s\s+|go\s+ahead\s+and\s+|help\s+me\s+|try\s+(?:and|to)\s+)+",
    re.I,
)
# Verbs of two kinds: "order a taxi" books, "order milk" buys.
EITHER = {"order": ("buy", "book")}
# "Cancel the gym membership, add it to my to-dos": the verb is what the note says, not what is asked.
CONTENT = re.compile(r",\s*(?:then\s+)?(?:add|put|save|write|note|pop|stick)\s+(?:it|that|this)\b", re.I)
NEGATED = re.compile(r"\b(?:cannot|can't|can not|does not|doesn't|won't|will not|not|no|never|without)\s+(\w+)", re.I)


def asked_kinds(text: str) -> tuple[str, ...]:
    """The kinds the verb that starts the request may be ("book a table …" → ("book",)); () for everyday verbs."""
    if CONTENT.search(text):
        return ()
    first = re.match(r"[a-z]+", LEAD.sub("", text.strip().lower()))
    if first is None:
        return ()
    verb = first.group(0)
    if verb == "move" and thing_of(text) is not None:
        return ("move",)  # "move the dentist appointment"; "move 3 songs ahead" skips
    return EITHER.get(verb) or tuple(kind for kind, (verbs, _) in KINDS.items() if verb in verbs)


OBJECT_END = re.compile(
    r"\b(?:about|for|at|on|in|with|from|to|by|of|that|which|who|so|because|please|and|then)\b|[,.;!?]", re.I
)
NOT_A_HEAD = re.compile(
    r"^(?:my|our|your|his|her|their|the|a|an|this|that|these|those|all|every|next|last|today'?s|tomorrow'?s"
    r"|tonight'?s|\d\w*|\w+'s|o'clock|am|pm|it|them|one|ones|everything|something)$",
    re.I,
)


def object_head(text: str) -> str | None:
    """The noun the request's verb acts on ("cancel my 3pm meeting" → "meeting"); None where it is a pronoun or not
    plain."""
    body = LEAD.sub("", text.strip())
    words = OBJECT_END.split(body, maxsplit=1)[0].split()[1:]
    nouns = [w for w in words if not NOT_A_HEAD.match(w)]
    return nouns[-1].lower() if nouns and words and not NOT_A_HEAD.match(words[-1]) else None


RIDES = frozenset({"ride", "rides", "taxi", "cab", "uber", "car", "lift"})
"""A ride is a thing kept and cancelled, but "a bike ride" is no taxi: not a thing a request acts on (thing_of)."""
THINGS: tuple[frozenset[str], ...] = (
    frozenset({"timer", "timers", "countdown"}),
    frozenset({"alarm", "alarms", "wake-up"}),
    frozenset({"reminder", "reminders"}),
    frozenset({"meeting", "meetings", "appointment", "appointments", "event", "events", "calendar"}),
    frozenset({"order", "orders", "delivery", "takeaway"}),
    RIDES,
    frozenset({"booking", "bookings", "reservation", "reservations", "table"}),
    frozenset({"subscription", "subscriptions", "membership"}),
    frozenset({"note", "notes"}),
    frozenset({"task", "tasks", "to-do", "todo"}),
    frozenset({"message", "messages", "text", "texts", "sms"}),
    frozenset({"email", "emails", "mail"}),
    frozenset({"flight", "flights"}),
    frozenset({"parcel", "parcels", "package", "packages"}),
)
"""Things a tool keeps and a request cancels, deletes or moves; each set names one kind of thing."""
RECORD_KINDS = frozenset({"cancel", "delete", "move", "edit"})


def _about(fn: Function) -> str:
    """What a tool says of itself: its name's words and its description."""
    return f"{fn.tool.replace('_', ' ')} {fn.description}"


def other_thing(fn: Function, noun: str) -> bool:
    """True when the noun is a thing of one kind and the tool's name speaks only of things of another ("cancel my
    meeting" on cancel_timer); False where either is not such a thing."""
    asked = next((kind for kind in THINGS if noun in kind), None)
    own = [kind for kind in THINGS if kind & set(fn.tool.lower().split("_"))]
    return asked is not None and bool(own) and asked not in own


def thing_of(text: str) -> str | None:
    """The kept thing the request acts on (THINGS but rides: "a bike ride" is no taxi): the verb's object ("read me
    my latest texts" → "texts"), or the first such thing among the words of the object ("track flight BA117" →
    "flight"; not a name's word, "Royal Mail"); None where it acts on none."""
    kinds = [kind for kind in THINGS if kind is not RIDES]
    head = object_head(text)
    if head is not None and any(head in kind for kind in kinds):
        return head
    body = LEAD.sub("", text.strip())
    words = [w for w in OBJECT_END.split(body, maxsplit=1)[0].split()[1:] if not w[:1].isupper()]
    # "in random order" orders nothing.
    return next((w.lower() for w in words if w.lower() != "order" and any(w.lower() in kind for kind in kinds)), None)


def speaks_of(fn: Function, noun: str) -> bool:
    """True when the tool's name or description names the kind of thing the noun is ("texts" for send_message,
    "Send a text message"); True for a noun of no kind."""
    kind = next((kind for kind in THINGS if noun in kind), None)
    words = re.findall(r"[a-z]+", _about(fn).lower())
    return kind is None or any(w == k or (len(k) > 4 and w.startswith(k[:5])) for w in words for k in kind)


PAST_QUESTION = re.compile(r"^\W*(?:did|has|had|was|were|have\s+(?:i|you|we|they))\b", re.I)
"""A question of what has happened ("did Sarah text me back?"): a tool that acts does not answer it."""
ACTING = frozenset({"send", "set", "create", "add", "play", "book", "order", "start", "call", "make", "post", "log"})


def does(fn: Function, kind: str) -> bool:
    """True when the tool's name or description says it does `kind`, and not that it cannot."""
    pattern = re.compile(rf"\b(?:{KINDS[kind][1]})\b", re.I)
    words = _about(fn)
    denied = {m.group(1).lower() for m in NEGATED.finditer(words)}
    return any(m.group(0).lower() not in denied for m in pattern.finditer(words))


def fitting_calls(text: str, calls: Sequence[Call], functions: Sequence[Function]) -> list[Call]:
    """The calls whose tool does what the request's verb asks, on the kind of thing it asks it of, and not a tool
    that acts for a question of what has happened; all of them when the verb is an everyday one."""
    by_name = {f.tool: f for f in functions}
    # The verb governs the first request of the clause; a second call there answers words after an "and".
    first = calls[0] if calls else None
    fn = by_name.get(first.name) if first is not None else None
    if first is not None and fn is not None and fn.entity_id is None:
        # A thing said inside what a note or task says is not what the request acts on.
        carried = " ".join(str(v).lower() for v in first.arguments.values() if isinstance(v, str))
        thing = thing_of(text)
        thing = None if thing is not None and re.search(rf"\b{re.escape(thing)}\b", carried) else thing
        past = PAST_QUESTION.match(text) is not None and fn.tool.lower().split("_")[0] in ACTING
        if (thing is not None and not speaks_of(fn, thing)) or past:
            return [c for c in calls if c is not first]
    kinds = asked_kinds(text)
    if not kinds:
        return list(calls)
    # "cancel my 3pm meeting" on a tool that cancels timers: the right verb on another thing.
    noun = object_head(text)

    def fits(fn: Function) -> bool:
        other = noun is not None and bool(RECORD_KINDS & set(kinds)) and other_thing(fn, noun)
        return any(does(fn, k) for k in kinds) and not other

    return [c for c in calls if c is not first or c.name not in by_name or fits(by_name[c.name])]


FILLER = frozenset(
    {"what", "when", "which", "where", "with", "that", "this", "from", "into", "user", "users", "given", "optional"}
    | {"optionally", "specific", "about", "their", "there", "will", "name", "names", "number", "value", "values"}
    | {"returns", "return", "using", "based", "also", "only", "like", "each", "some", "more", "than", "other"}
)
"""Words of many tools' descriptions that say nothing of what the tool does."""


def _tool_words(fn: Function, with_description: bool) -> set[str]:
    """A tool's own words: those of its name (and description) that are not everyday words of many tools."""
    words = fn.tool.lower().split("_") + (re.findall(r"[a-z]+", fn.description.lower()) if with_description else [])
    return {w for w in words if len(w) >= 4 and w not in GENERIC and w not in FILLER}


def _said(word: str, said: set[str]) -> bool:
    """The word is said, or a form of it ("remind" for reminder, "emails" for email)."""
    return any(s == word or (min(len(s), len(word)) >= 5 and (s.startswith(word) or word.startswith(s))) for s in said)


def evidenced_calls(text: str, calls: Sequence[Call], functions: Sequence[Function]) -> list[Call]:
    """The calls without a tool the words give no sign of: after the first call, a call on a tool not called before
    stays only where a word of that tool's name or description is said ("give me the top three headlines" does not
    ask for the weather as well)."""
    by_name = {f.tool: f for f in functions if f.entity_id is None}
    said = set(re.findall(r"[a-z]+", text.lower()))
    kept: list[Call] = []
    for call in calls:
        fn = by_name.get(call.name)
        new = kept and all(c.name != call.name for c in kept)
        if fn is None or not new or any(_said(w, said) for w in _tool_words(fn, True)):
            kept.append(call)
    return kept


LATER = re.compile(
    r"\b(?:tomorrow|tonight|later|weekend|next|coming|forecast|going to|gonna|will (?:it|there|i)"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day|in \d+ days|over the)\b",
    re.I,
)
"""Words of a time still to come: a forecast, not the weather now."""
NOW = re.compile(r"\b(?:right now|now|currently|at the moment|at present|just now|outside)\b", re.I)
FORECAST = re.compile(r"\bforecast", re.I)
CURRENT = re.compile(r"\b(?:current|currently|right now|now|live)\b", re.I)


def _timed(fn: Function, pattern: re.Pattern[str]) -> bool:
    return pattern.search(_about(fn)) is not None


def _moved(call: Call, fn: Function, to: Function) -> Call | None:
    """The call on the other tool of the pair with the arguments both have; None where it lacks a required one."""
    arguments = {k: v for k, v in call.arguments.items() if to.arg(k) is not None}
    if any(a.required and a.name not in arguments for a in to.args):
        return None
    return Call(name=to.tool, arguments=arguments)


def timed_pair(functions: Sequence[Function]) -> tuple[Function, Function] | None:
    """(the forecast tool, the tool of current conditions) where a tool list has one of each."""
    plain = [f for f in functions if f.entity_id is None]
    ahead = [f for f in plain if _timed(f, FORECAST)]
    now = [f for f in plain if _timed(f, CURRENT) and not _timed(f, FORECAST) and "weather" in f.tool.lower()]
    return (ahead[0], now[0]) if len(ahead) == 1 and len(now) == 1 else None


def timed_calls(text: str, calls: Sequence[Call], functions: Sequence[Function]) -> list[Call]:
    """Calls on the weather now moved to the forecast where the words speak of a time to come ("is it going to
    rain in Manchester tomorrow"), and on the forecast moved to the weather now where they say now and nothing to
    come; only between a tool list's one forecast tool and its one tool of current conditions."""
    pair = timed_pair(functions)
    if pair is None:
        return list(calls)
    ahead, now = pair
    later, present = LATER.search(text) is not None, NOW.search(text) is not None
    out = []
    for call in calls:
        moved = None
        if call.name == now.tool and later:
            moved = _moved(call, now, ahead)
        elif call.name == ahead.tool and present and not later:
            moved = _moved(call, ahead, now)
        out.append(moved or call)
    return out


CONTENT_MARK = re.compile(r":|\b(?:saying|that says|to say)\b", re.I)
"""Where what a note or message says begins ("take a note: buy a card", "text Sarah saying I'm stuck in traffic")."""
VERBS = frozenset({"get", "set", "send", "add", "make", "create", "do", "start", "show", "find", "search", "list"})


def content_tool(text: str, functions: Sequence[Function], chosen: str) -> Function | None:
    """The one plain tool named by a word before what a note or message says, where the model picked another tool
    for a word of the message itself ("Text Sarah saying I'm stuck in traffic" → send_text, not get_traffic); None
    where no content is marked, or no single tool or the tool picked is named so."""
    mark = CONTENT_MARK.search(text)
    if mark is None:
        return None
    before = set(re.findall(r"[a-z]+", text[: mark.start()].lower()))
    hits = [
        fn
        for fn in functions
        if fn.entity_id is None and any(_said(w, before) for w in set(fn.tool.lower().split("_")) - VERBS if len(w) > 3)
    ]
    # A tool whose own verb is not an everyday one is named only with it ("translate_text" is not "text Sarah").
    hits = [fn for fn in hits if (verb := fn.tool.lower().split("_")[0]) in VERBS or _said(verb, before)]
    if len(hits) != 1 or hits[0].tool == chosen:
        return None
    return hits[0]
