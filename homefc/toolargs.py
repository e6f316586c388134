"""Arguments of a plain tool's call that the words say and the model left out or put wrong (an imported tool list).

The small model drops an optional argument it was told ("with the subject Standup", "two portions", "on public
transport"), keeps a 5 from "a 5k run" as the minutes when "twenty-eight minutes" was said, writes "Apple" for a
ticker and "late" for the message of "text Sam I'm late". Each rule here reads one such thing off the words and
only where exactly one reading is there (docs/conventions.md, "Plain tool lists").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from homefc.calls import Call
from homefc.catalog import Function
from homefc.clocks import ARG_UNIT, CLOCK_FORMAT, clock_arguments, clock_times, durations, said_numbers
from homefc.domains import ArgSchema
from homefc.values import SECONDS

CONTENT = frozenset({"text", "message", "body", "note", "content"})
"""Names of the argument that carries what a message or note says."""
SAYING = re.compile(r"\b(?:saying|and say|that says|to say|and tell (?:him|her|them))\s+(?P<said>.+?)\s*\.*$", re.I)
VALUE_END = r"(?=\s+(?:saying|and|to|that|with|about|for|at|on|then)\b|\s*[,.;:!?]|\s*$)"
NOT_LABELS = frozenset({"name", "text", "message", "time", "date", "city", "location", "query", "title", "item"})
"""Argument names too common in speech to mark the value after them ("the name of the song …")."""
TICKERS = {
    "apple": "AAPL",
    "microsoft": "MSFT",
    "google": "GOOGL",
    "alphabet": "GOOGL",
    "amazon": "AMZN",
    "meta": "META",
    "facebook": "META",
    "tesla": "TSLA",
    "nvidia": "NVDA",
    "netflix": "NFLX",
    "intel": "INTC",
    "amd": "AMD",
    "ibm": "IBM",
    "oracle": "ORCL",
    "salesforce": "CRM",
    "adobe": "ADBE",
    "paypal": "PYPL",
    "uber": "UBER",
    "disney": "DIS",
    "coca-cola": "KO",
    "coca cola": "KO",
    "pepsi": "PEP",
    "pepsico": "PEP",
    "mcdonald's": "MCD",
    "mcdonalds": "MCD",
    "walmart": "WMT",
    "nike": "NKE",
    "boeing": "BA",
    "ford": "F",
    "general motors": "GM",
    "visa": "V",
    "mastercard": "MA",
    "jpmorgan": "JPM",
    "berkshire hathaway": "BRK.B",
    "exxon": "XOM",
    "starbucks": "SBUX",
    "spotify": "SPOT",
    "airbnb": "ABNB",
    "qualcomm": "QCOM",
    "broadcom": "AVGO",
    "samsung": "005930.KS",
    "toyota": "TM",
    "shell": "SHEL",
    "bp": "BP",
    "astrazeneca": "AZN",
    "unilever": "UL",
    "hsbc": "HSBC",
}
"""Well-known companies by the name people say, for a tool that asks for a ticker symbol."""
CLOCK_PARTS = frozenset({"hour", "minute", "second", "hours_24", "hour_24"})
"""A clock time's parts: counted in hours or minutes, but not a length of time."""
NAMED = re.compile(r"\b(?:company|name)", re.I)
"""An argument that takes a company's name as well as a symbol: the name said stands."""
MODES = {
    "transit": r"train|bus|buses|tube|underground|subway|metro|tram|public transport|transit",
    "walking": r"on foot|walk|walking",
    "cycling": r"bike|bicycle|cycle|cycling",
    "driving": r"drive|driving|by car",
}
"""How a person says each way of travel a directions or travel-time tool takes."""


def _content_arg(fn: Function) -> ArgSchema | None:
    return next((a for a in fn.args if a.name.lower() in CONTENT and a.enum is None and a.type == "string"), None)


def _span(value: str, text: str) -> re.Match[str] | None:
    return re.search(rf"(?<![\w']){re.escape(value)}(?![\w'])", text, re.I) if value else None


def _message(arguments: dict[str, Any], fn: Function, text: str) -> dict[str, Any]:
    """The message said after "saying" is the content; "text Sam I'm late": the words between the recipient and the
    model's content are part of it."""
    arg = _content_arg(fn)
    if arg is None:
        return arguments
    out = dict(arguments)
    value = out.get(arg.name)
    if (said := SAYING.search(text)) is not None and isinstance(value, str):
        out[arg.name] = said["said"]
        return out
    if not isinstance(value, str) or (found := _span(value, text)) is None:
        return out
    for name, other in arguments.items():
        ends = _span(other, text[: found.start()]) if name != arg.name and isinstance(other, str) else None
        gap = text[ends.end() : found.start()].split() if ends is not None else []
        if ends is not None and 1 <= len(gap) <= 2 and all(re.fullmatch(r"I|I'\w+|we'\w+|it's", w) for w in gap):
            out[arg.name] = text[ends.end() : found.end()].strip()
    return out


def _labelled(arguments: dict[str, Any], fn: Function, text: str) -> dict[str, Any]:
    """An optional text argument named in the words before its value ("with the subject Standup")."""
    out = dict(arguments)
    for arg in fn.args:
        name = arg.name.lower().replace("_", " ")
        if arg.name in out or arg.required or arg.enum or arg.type != "string" or name in NOT_LABELS | CONTENT:
            continue
        if len(name) < 4:
            continue
        found = re.search(
            rf"\b(?:the\s+)?{re.escape(name)}\s+(?:is\s+|of\s+|:\s*)?(?P<v>\w[\w' -]*?){VALUE_END}", text, re.I
        )
        if found is not None:
            out[arg.name] = found["v"]
    return out


def _timed(arguments: dict[str, Any], fn: Function, text: str) -> dict[str, Any]:
    """A length of time said once goes in the one argument counted in time units, given or not ("a 5k run in 28
    minutes" is 28 minutes, not 5)."""
    if re.search(r"\bquarters?\b", text, re.I):
        return arguments  # "a quarter of an hour": the hour is not the length
    said = durations(text)
    timed = [
        a
        for a in fn.args
        if a.type in ("integer", "number")
        and ARG_UNIT.search(f"{a.name.replace('_', ' ')} {a.description}")
        and a.name.lower() not in CLOCK_PARTS
    ]
    if len(said) != 1 or len(timed) != 1:
        return arguments
    arg = timed[0]
    unit = ARG_UNIT.search(f"{arg.name.replace('_', ' ')} {arg.description}")
    amount = said[0][1] / SECONDS[unit.group("unit").lower()] if unit is not None else None
    if amount is None or (arg.type == "integer" and not amount.is_integer()):
        return arguments
    given = arguments.get(arg.name)
    if given is not None and given not in said_numbers(text):
        return arguments  # the model's reading of the length said ("ninety minutes" as 1.5 hours)
    return dict(arguments) | {arg.name: int(amount) if arg.type == "integer" else amount}


def _counted(arguments: dict[str, Any], fn: Function, text: str) -> dict[str, Any]:
    """An optional count left out that the words give with the thing it counts ("two portions of pad thai" for
    "How many portions"; "the top three headlines")."""
    out = dict(arguments)
    for arg in fn.args:
        if arg.name in out or arg.required or arg.type != "integer" or ARG_UNIT.search(arg.description):
            continue
        noun = re.search(r"\b(?:how many|number of)\s+(\w+?)s?\b", arg.description, re.I)
        if noun is None:
            continue
        found = re.findall(rf"\b(?:top\s+)?(\d+)\s+(?:\w+\s+){{0,2}}?{re.escape(noun.group(1))}", text, re.I)
        if len(found) == 1:
            out[arg.name] = int(found[0])
    return out


def _ticker(arguments: dict[str, Any], fn: Function) -> dict[str, Any]:
    """A company said by name ("Apple") as its ticker ("AAPL") where the argument asks for a symbol only."""
    out = dict(arguments)
    for arg in fn.args:
        value = out.get(arg.name)
        about = f"{arg.name} {arg.description}"
        if isinstance(value, str) and re.search(r"\b(?:ticker|symbol)", about, re.I) and not NAMED.search(about):
            out[arg.name] = TICKERS.get(value.lower().strip(), value)
    return out


def _mode(arguments: dict[str, Any], fn: Function, text: str) -> dict[str, Any]:
    """The way of travel said ("on public transport", "by train") for a tool whose choices name it."""
    out = dict(arguments)
    for arg in fn.args:
        if not arg.enum or arg.type != "string":
            continue
        hits = {m for m in arg.enum if m in MODES and re.search(rf"\b(?:{MODES[m]})\b", text, re.I)}
        if len(hits) == 1 and len(set(arg.enum) & set(MODES)) >= 3:
            out[arg.name] = hits.pop()
    return out


def said_arguments(text: str, calls: Sequence[Call], functions: Sequence[Function]) -> list[Call]:
    """The calls with the arguments the words say read off them; a further message said to be "the same" is the
    one before it."""
    by_tool = {f.tool: f for f in functions if f.entity_id is None}
    out: list[Call] = []
    for call in calls:
        fn = by_tool.get(call.name)
        if fn is None:
            out.append(call)
            continue
        alone = len(calls) == 1
        arguments = _ticker(_mode(call.arguments, fn, text), fn)
        if alone:
            arguments = _counted(_timed(_labelled(_message(arguments, fn, text), fn, text), fn, text), fn, text)
        out.append(Call(name=call.name, arguments=arguments) if arguments != call.arguments else call)
    return the_same(out, functions)


def the_same(calls: Sequence[Call], functions: Sequence[Function]) -> list[Call]:
    """ "message Tom saying dinner's at seven and send Lucy the same": a message that is "the same" is the one the
    call before it on the same tool sends."""
    by_tool = {f.tool: f for f in functions if f.entity_id is None}
    out: list[Call] = []
    for call in calls:
        arg = _content_arg(by_tool[call.name]) if call.name in by_tool else None
        value = call.arguments.get(arg.name) if arg is not None else None
        before = next((c for c in reversed(out) if c.name == call.name), None)
        if arg is not None and isinstance(value, str) and re.search(r"\bthe same\b", value, re.I) and before:
            call = Call(name=call.name, arguments=call.arguments | {arg.name: before.arguments.get(arg.name, value)})
        out.append(call)
    return out


TIMES_JOINED = re.compile(
    r"\d(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)?\s*(?:,\s*|\s+)(?:and|&)\s+(?:at\s+|for\s+)?\d", re.I
)
"""Two clock times said with "and" between them ("alarms for 6:30 and 6:45")."""


def each_time(text: str, calls: Sequence[Call], functions: Sequence[Function]) -> list[Call]:
    """ "set alarms for 6:30 and 6:45": a call for each clock time said with "and" where the model made one call on
    a tool that takes a time of day; the nth call takes the nth time."""
    by_tool = {f.tool: f for f in functions if f.entity_id is None}
    fn = by_tool.get(calls[0].name) if len(calls) == 1 else None
    times = clock_times(text)
    if fn is None or len(times) < 2 or not TIMES_JOINED.search(text):
        return list(calls)
    clock = next((a for a in fn.args if CLOCK_FORMAT.search(a.description) and a.name in calls[0].arguments), None)
    out = []
    for nth, time in enumerate(times):
        arguments = dict(calls[0].arguments)
        if clock is not None:
            arguments[clock.name] = time
        else:
            arguments = clock_arguments(arguments, fn.args, text, nth)
        out.append(Call(name=fn.tool, arguments=arguments))
    return out if len({str(c.arguments) for c in out}) == len(out) else list(calls)
