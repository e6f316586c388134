"""Arguments of a plain tool's call (an imported tool list, not a home) checked against the words said.

The small model fills every slot the grammar offers: a label, a quantity, a unit nobody asked for, or a required value
out of nowhere ("set an alarm" → time "15:00"). An optional argument the words do not give is left out; a required
one they do not give means the call itself is made up, so it is dropped and the request is declined. Durations are
put in the argument's unit ("20 minutes" for a count of seconds is 1200) and clock times in HH:MM where the
argument asks for that (docs/conventions.md)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from homefc.calls import Call
from homefc.catalog import Function
from homefc.clocks import (
    ARG_UNIT,
    CLOCK_FORMAT,
    CLOCK_WORDS,
    HOUR_WORDS,
    clock_arguments,
    clock_times,
    clocks,
    digit_words,
    durations,
    said_numbers,
)
from homefc.conversions import conversion_arguments
from homefc.domains import ArgSchema
from homefc.numbers import as_said
from homefc.references import has_action
from homefc.values import SECONDS

NO_TOOL = "Sorry, I can't do that with the tools I have."

HOME_WORDS = re.compile(r"\b(?:home|house|devices?)\b", re.IGNORECASE)
"""Words of a refusal that speaks of a home."""


def tool_list_answer(answer: str) -> str:
    """The model's answer on a plain tool list, where a refusal learnt for homes ("… the devices in your home")
    would tell the user about a home they never gave; those become NO_TOOL."""
    return NO_TOOL if HOME_WORDS.search(answer) else answer


STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "my",
        "our",
        "your",
        "me",
        "i",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "with",
        "from",
        "by",
        "is",
        "it",
        "this",
        "that",
        "please",
        "some",
        "any",
    ]
)
QUANTITY = re.compile(
    r"\b(?:full|max\w*|min\w*|half|quarter|couple|few|single|double|triple|dozen|mute\w*|loud\w*|quiet\w*|all"
    r"|once|twice|nothing|silen\w*|litres?|liters?|pints?|cups?|kilos?|pounds?|quid|bucks?|euros?|dollars?)\b",
    re.I,
)


def _stem_match(a: str, b: str) -> bool:
    """Words that share their start: "weekday"/"weekdays", "drive"/"driving", "veggie"/"vegetarian"."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n == min(len(a), len(b)) or (n >= 3 and n * 2 >= min(len(a), len(b)))


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9']+", text.lower().replace("_", " ")) if w not in STOP]


def _grounded_text(value: str, said: list[str]) -> bool:
    """Most of a string's words are said (a code in capitals, "AAPL", "EUR", cannot be checked and counts)."""
    if re.fullmatch(r"[A-Z]{2,5}", value.strip()):
        return True
    words = _words(value)
    hits = sum(1 for w in words if any(_stem_match(w, s) for s in said))
    return not words or hits * 2 > len(words)


def _fix(value: Any, arg: ArgSchema, text: str, said: list[str], nth: int = 0) -> tuple[bool, Any]:
    """(whether the words give this value, the value in the argument's own unit or format). A choice from a list
    or a yes/no stands: the words often give it in other words ("by bus" is a mode "transit")."""
    if isinstance(value, bool):
        return True, value
    if isinstance(value, int | float):
        unit = ARG_UNIT.search(f"{arg.name.replace('_', ' ')} {arg.description}")
        per = SECONDS[unit.group("unit").lower()] if unit is not None else None
        for amount, seconds in durations(text) if per is not None else []:
            if value * per == seconds:
                return True, value
            if value == amount and (seconds / per).is_integer():
                return True, int(seconds / per) if arg.type == "integer" else seconds / per
        # Only a request with no amount at all ("turn the heating up a bit") cannot have given one.
        return bool(said_numbers(text)) or QUANTITY.search(text) is not None, value
    if isinstance(value, str):
        if CLOCK_FORMAT.search(arg.description):
            # "alarms for 6:45 and 7 am": the nth call of a tool takes the nth time said; a day is not a time.
            if not (times := clock_times(text)):
                return bool(re.search(r"\d", value)) and _grounded_text(value, said), value
            return True, value if value in times else times[0] if len(times) == 1 else times[min(nth, len(times) - 1)]
        if arg.enum is not None:
            return True, value
        if set(_words(value)) <= set(_words(arg.name)):
            return False, value  # "what's your name?" is no playlist called "name"
        return _grounded_text(value, said), trimmed(value, text, arg.name.lower() in CONTENT_ARGS)
    return True, value


CONTENT_ARGS = frozenset({"text", "message", "body", "note", "content", "query", "question", "comment", "reason"})
"""Arguments that carry what was said as a whole: a leading article there is part of it."""


def trimmed(value: str, text: str, content: bool = False) -> str:
    """A name as the words say it: without a stray capital the model put before it ("H Heathrow"), the "I" of the
    words after it ("text Sam I'm late" → "Sam"; "Radiolab I haven't heard") or, but for free text, the "the" or
    "my" said before it ("turn off the kettle" → "kettle")."""
    words = value.split()
    if len(words) > 1 and len(words[0]) <= 2 and words[0].isupper() and words[0].lower() not in text.lower().split():
        words = words[1:]
    if len(words) > 1 and words[-1] == "I":
        words = words[:-1]
    if not content and len(words) > 1 and words[0] in ("the", "my"):
        words = words[1:]
    return " ".join(words) if words else value


def grounded_calls(text: str, calls: Sequence[Call], functions: Sequence[Function]) -> list[Call]:
    """The calls on plain tools with each argument the words do not give left out, and without the calls whose
    required arguments they do not give; entity calls pass unchanged."""
    by_tool = {f.tool: f for f in functions if f.entity_id is None}
    said = _words(text)
    kept = []
    for n, call in enumerate(calls):
        fn = by_tool.get(call.name)
        if fn is None:
            kept.append(call)
            continue
        arguments: dict[str, Any] = {}
        made_up = False
        nth = sum(c.name == call.name for c in calls[:n])  # this tool's nth call takes the nth time or amount said
        for name, value in call.arguments.items():
            arg = fn.arg(name)
            if arg is None:
                arguments[name] = value
                continue
            given, fixed = _fix(value, arg, text, said, nth)
            if given:
                arguments[name] = fixed
                continue
            if (day := _day_argument(value, fn, call.arguments)) is not None:
                arguments[day[0]] = day[1]  # "remind me tomorrow": the model put the day in the time
            made_up = made_up or arg.required
        if not made_up:
            arguments = _choices_placed(_without_echoes(arguments, fn, text), fn, text, len(calls) == 1)
            arguments = conversion_arguments(clock_arguments(arguments, fn.args, text, nth), fn.args, text, nth)
            kept.append(Call(name=call.name, arguments=arguments))
    return kept


DAY = re.compile(
    r"(?:today|tonight|tomorrow|yesterday|(?:this|next)\s+\w+|(?:mon|tues|wednes|thurs|fri|satur|sun)day|weekend)",
    re.I,
)


def _day_argument(value: Any, fn: Function, given: dict[str, Any]) -> tuple[str, Any] | None:
    """(the tool's day argument, the value) where a day was put in a time argument and that one is not given."""
    if not isinstance(value, str) or not DAY.fullmatch(value.strip()):
        return None
    for arg in fn.args:
        if arg.name in given or not (arg.name in ("date", "day") or arg.description.lower().startswith("day")):
            continue
        choice = _choice_of(value, arg.enum) if arg.enum else value.strip()
        return (arg.name, choice) if choice is not None else None
    return None


EXAMPLES = re.compile(r"\b(?:e\.g\.|eg|such as|for example|like)\b", re.I)
DEICTIC = frozenset({"here", "nearby", "near", "around", "local", "close", "current", "location"})
"""Words that point at the speaker's own place: a location argument of "nearby" is the tool's default."""


def _without_echoes(arguments: dict[str, Any], fn: Function, text: str) -> dict[str, Any]:
    """The time said belongs to the time argument: "take the bins out at 8pm" is the reminder's text without "at
    8pm"; an optional label that only repeats the tool's name or description or the time ("timer", "half six",
    "my parcel" for a tool that tracks parcels) or points at the speaker's place ("nearby") is left out."""
    timed = any(CLOCK_FORMAT.search(a.description) and a.name in arguments for a in fn.args)
    phrases = [phrase for _, phrase in clocks(text)] if timed else []
    own = {w for w in set(fn.tool.lower().split("_")) | set(_words(EXAMPLES.split(fn.description)[0])) if len(w) > 2}
    out: dict[str, Any] = {}
    for name, value in arguments.items():
        arg = fn.arg(name)
        if arg is None or not isinstance(value, str) or arg.enum is not None or CLOCK_FORMAT.search(arg.description):
            out[name] = value
            continue
        for phrase in phrases:
            value = re.sub(rf"\s*\b(?:at|for|by)?\s*{re.escape(phrase)}\s*$", "", value, flags=re.I).strip() or value
        words = set(_words(value))
        if (
            not arg.required
            and words
            and all(
                any(_stem_match(w, o) for o in own)
                or w in DEICTIC
                or w in CLOCK_WORDS
                or w in HOUR_WORDS
                or w in digit_words(value)
                for w in words
            )
        ):
            continue
        out[name] = value
    return out


def _choice_of(value: str, choices: Sequence[str]) -> str | None:
    """The choice a short free text is ("weekday" → "weekdays", "Royal Mail" → "royal_mail"), if one."""
    words = value.lower().replace("_", " ").split()
    for choice in choices:
        options = str(choice).lower().replace("_", " ").split()
        if len(words) == len(options) and all(
            _stem_match(w, o) and len(w) > 2 for w, o in zip(words, options, strict=True)
        ):
            return str(choice)
    return None


def _choices_placed(arguments: dict[str, Any], fn: Function, text: str, alone: bool) -> dict[str, Any]:
    """A label or tracking number that is a choice of another argument goes there ("every weekday" is the repeat
    "weekdays", "my DPD parcel" the carrier "dpd"); an optional choice said word for word and not given is added
    ("in fahrenheit") where the call is the request's only one (else the word may be another call's)."""
    out = dict(arguments)
    for name, value in arguments.items():
        arg = fn.arg(name)
        if arg is None or arg.required or arg.enum is not None or not isinstance(value, str):
            continue
        for other in fn.args:
            if other.enum and other.name != name and (choice := _choice_of(value, other.enum)) is not None:
                del out[name]
                out[other.name] = choice
                break
    said = text.lower()
    taken = " ".join(str(v).lower() for v in out.values() if isinstance(v, str))
    for arg in fn.args:
        if not alone or arg.required or not arg.enum or arg.name in out or arg.type != "string":
            continue
        hits = [
            c
            for c in arg.enum
            if len(str(c)) > 3 and re.search(rf"\b{re.escape(str(c).lower().replace('_', ' '))}\b", said)
        ]
        if len(hits) == 1 and str(hits[0]).lower() not in taken:
            out[arg.name] = hits[0]
    return out


GENERIC = frozenset(
    {"get", "set", "send", "play", "add", "make", "do", "check", "find", "search", "create", "start", "show", "list"}
    | {"give", "tell", "read", "update", "new", "my", "current", "info", "text", "message", "data", "item", "items"}
)
"""Words of many tools' names ("get", "set"): a tool is named by a word of its own ("email", "pause")."""


def named_tool(text: str, functions: Sequence[Function], chosen: str | None = None) -> Function | None:
    """The one plain tool whose one-word choice of a required list the words say ("pause the music" →
    media_control(action: pause), though "music" is a word of play_music's name), else the one whose own name word
    they say ("email Mr Patel" → send_email); None where no single tool is named so, or where the tool `chosen` is
    named as well, by a choice or (where no choice is said) by its name."""
    said = set(_words(text))
    by_choice, by_name = [], []
    for fn in functions:
        if fn.entity_id is not None:
            return None
        if said & ({v.lower() for a in fn.args if a.required and a.enum for v in a.enum if v.isalpha()} - GENERIC):
            by_choice.append(fn)
        if said & (set(fn.tool.lower().split("_")) - GENERIC):
            by_name.append(fn)
    # A name word counts only between near neighbours: send_message and send_email, play_music and play_radio.
    verb = (chosen or "").split("_")[0]
    if any(fn.tool == chosen for fn in by_name):
        by_name = [fn for fn in by_name if fn.tool == chosen]  # the tool picked is named: it stands
    by_name = [fn for fn in by_name if fn.tool.split("_")[0] == verb]
    for hits in (by_choice, by_name):
        if any(fn.tool == chosen for fn in hits):
            return None
        if hits:
            return hits[0] if len(hits) == 1 else None
    return None


NOT_A_VALUE = STOP | GENERIC | {"then", "also", "what", "how", "can", "could", "you", "is", "are", "if", "when"}
NOT_A_VALUE |= {"say", "tell", "ask", "let"}  # "email Anna and say …" names no second recipient


def _joined(value: str, text: str) -> list[str]:
    """The values said after this one with "and" ("Tesla and Nvidia", "Leeds, York and in Hull"): as many words each
    as the value has, and a name's further capitalised words ("Royal Mail"); an amount before one stays with it."""
    found = re.search(rf"\b{re.escape(value)}\b", text, re.I)
    if found is None:
        return []
    tokens = re.findall(r"[\w'-]+|,", text[found.end() :])
    size, out, i, anded = len(value.split()), [], 0, False
    while i < len(tokens):
        start = i
        while i < len(tokens) and tokens[i].lower() in (",", "and"):
            anded = anded or tokens[i].lower() == "and"
            i += 1
        if i == start:
            break
        i += 1 if i < len(tokens) and tokens[i].lower() in ("in", "to", "for") else 0
        amount = tokens[i] if i < len(tokens) and tokens[i].isdigit() else ""
        i += 1 if amount else 0
        words = tokens[i : i + size]
        if len(words) < size or any(w == "," or w.lower() in NOT_A_VALUE for w in words) or has_action(words[0]):
            return []
        i += size
        while i < len(tokens) and tokens[i][:1].isupper() and words[-1][:1].isupper():
            words.append(tokens[i])
            i += 1
        out.append(" ".join([amount, *words]).strip())
    return out if anded else []


def joined_calls(text: str, calls: Sequence[Call], functions: Sequence[Function]) -> list[Call]:
    """ "what are Tesla and Nvidia trading at" → one call per value where the model made one call for the first of
    several values said with "and" ("add 6 eggs and 2 lemons": the amount said before each goes with it)."""
    if len(calls) != 1:
        return list(calls)
    call = calls[0]
    fn = next((f for f in functions if f.entity_id is None and f.tool == call.name), None)
    if fn is None:
        return list(calls)
    for name, value in call.arguments.items():
        arg = fn.arg(name)
        if arg is None or not isinstance(value, str) or not 1 <= len(value.split()) <= 3 or " and " in value:
            continue
        others = _joined(value, text)
        if not others or any(w.lower() in str(v).lower() for w in others for v in call.arguments.values()):
            continue
        out = [call]
        for other in others:
            amount = re.match(r"(\d+)\s+(.+)$", other)
            arguments = dict(call.arguments) | {name: amount.group(2) if amount else other}
            counts = [a for a in fn.args if a.type == "integer" and a.name in call.arguments]
            if amount and counts:
                arguments[counts[0].name] = int(amount.group(1))
            if arg.enum is not None:
                choice = next((v for v in arg.enum if _stem_match(v.lower(), other.lower())), None)
                if choice is None:
                    break
                arguments[name] = choice
            out.append(Call(name=call.name, arguments=arguments))
        else:
            return out
    return list(calls)


def in_said_words(calls: Sequence[Call], functions: Sequence[Function], written: str, said: str) -> list[Call]:
    """Free-text arguments of plain tools with the numbers as said ("dinner's at seven"), not as the digits the
    request was rewritten with for the model; choices, numbers and clock times are left as they are."""
    by_tool = {f.tool: f for f in functions if f.entity_id is None}
    out = []
    for call in calls:
        fn = by_tool.get(call.name)
        arguments = dict(call.arguments)
        for name, value in call.arguments.items():
            arg = fn.arg(name) if fn is not None else None
            if (
                arg is not None
                and isinstance(value, str)
                and arg.enum is None
                and not CLOCK_FORMAT.search(arg.description)
            ):
                arguments[name] = as_said(value, written, said)
        out.append(Call(name=call.name, arguments=arguments) if arguments != call.arguments else call)
    return out
