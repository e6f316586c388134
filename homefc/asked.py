"""Which services a request's words ask for: the ones only their own words ask for (arming, unlocking, the next
track), the direction of a switch or a cover, toggles, and reads. homefc.rules.narrow applies them.

The small model picks a service the words do not ask for ("switch off" for "needs to go back on", a read for "set
bath two to 21 degrees"); docs/conventions.md fixes these readings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from homefc.catalog import Catalog, Function
from homefc.references import area_names, plain
from homefc.retrieval import Candidate

TWIN_NUMBER = r"\s+\d+\b(?!\s*(?:percent|per cent|degrees?|kelvin)\b)"
"""A number after a name that may make it another device's name ("blind 2"), unlike an amount ("lamp 20 %")."""


class Said(NamedTuple):
    """What names_said found: candidate entities' plain names, the entities said in full, the text with them blanked."""

    names: dict[str, list[str]]
    named: set[str]
    rest: str


def names_said(text: str, functions: Sequence[Function], catalog: Catalog) -> Said:
    """Candidate entities' names (name and aliases, plain), those the text says in full, and the text with each
    said name blanked. Longest names first, so "window" inside "window blind" does not count as said."""
    home = catalog.home
    names: dict[str, list[str]] = {}
    if home is None:
        return Said(names, set(), plain(text))
    for fn in functions:
        entity = home.entity(fn.entity_id) if fn.entity_id else None
        if entity is not None and entity.id not in names:
            names[entity.id] = [plain(n) for n in [entity.name, *entity.aliases]]
    said, found_ids = plain(text.replace("%", " percent").replace("°", " degrees")), set()
    for n, entity_id in sorted(((n, e) for e, ns in names.items() for n in ns), key=lambda x: -len(x[0])):
        found = re.search(rf"\b{re.escape(n)}\b(?!{TWIN_NUMBER})", said)
        if found:
            found_ids.add(entity_id)
            said = said[: found.start()] + "#" * len(n) + said[found.end() :]
    return Said(names, found_ids, said)


CLOSE_WORDS = re.compile(r"\b(?:down|lower|close|shut|retract|draw(?!(?:\s+\S+){0,3}?\s+(?:back|open|apart)\b))\b")
"""Words that close a cover: "draw the curtains" closes them, "draw the curtains back" opens them."""
OPEN_WORDS = re.compile(r"\b(?:up|raise|lift|open|out|extend|draw(?=(?:\s+\S+){0,3}?\s+(?:back|apart)\b))\b")
STOP_WORDS = re.compile(r"\b(?:stop|halt|pause|hold|freeze|stay|where it is)\b")
TILT_WORDS = re.compile(r"\b(?:tilt|tilted|tilting|slats?|louvres?|louvers?|angle)\b")
TILT_SERVICES = frozenset(
    {"cover.open_cover_tilt", "cover.close_cover_tilt", "cover.stop_cover_tilt", "cover.set_cover_tilt_position"}
)
MOVE_SERVICES = frozenset({"cover.open_cover", "cover.close_cover", "cover.stop_cover", "cover.set_cover_position"})
COVER_AGAINST = {
    "close": frozenset({"cover.open_cover", "cover.open_cover_tilt", "cover.stop_cover", "cover.stop_cover_tilt"}),
    "open": frozenset({"cover.close_cover", "cover.close_cover_tilt", "cover.stop_cover", "cover.stop_cover_tilt"}),
}


ON_SAID = re.compile(
    r"\b(?:turn|switch|flick|put|pop|power|stick|go|come|back)(?:s|ed|ing)?\s+(?:it\s+|them\s+)?on\b"
    r"|\bon\b(?!\s+(?:the|a|an|my|our|your|his|her|their|this|that|these|those|it|top|to|at)\b)"
)
"""Words that switch on: "turn on", "back on", "the fan on", not "on the landing"."""
ARM_WORDS = re.compile(r"\b(?:arm|armed|arming|away|night|vacation|holiday|home|leaving|secure)\b")
NEEDS_WORDS = {
    **{f"alarm_control_panel.arm_{mode}": ARM_WORDS for mode in ("home", "away", "night", "vacation")},
    "alarm_control_panel.disarm": re.compile(r"\b(?:disarm|disarmed|unarm|off|deactivate|disable|unset)\b"),
    "alarm_control_panel.trigger": re.compile(r"\b(?:trigger|sound|panic|set off|go off)\b"),
    "lock.open": re.compile(r"\b(?:open|unlatch)\b"),
    "lock.unlock": re.compile(r"\b(?:unlock|unlocked|unlatch|open|let \w+ in)\b"),
    "media_player.turn_on": re.compile(rf"{ON_SAID.pattern}|\bon (?:at|to)\b|\b(?:start|play|wake|power)\b"),
    "media_player.turn_off": re.compile(r"\b(?:off|stop|kill|shut|standby|power|sleep|bed)\b"),
    "media_player.media_play": re.compile(r"\b(?:play|playing|resume|continue|unpause|start|back on)\b"),
    "media_player.media_next_track": re.compile(r"\b(?:next|skip|forward)\b"),
    "media_player.media_previous_track": re.compile(
        r"\b(?:previous|last (?:song|track|one)|go back|skip back|back (?:a|one)|again|rewind|replay)\b"
    ),
    "script.turn_off": re.compile(r"\b(?:off|stop|cancel|abort|halt|kill|end|interrupt)\b"),
    "climate.turn_on": re.compile(r"\b(?:on|start|enable|fire|power)\b"),
    "climate.turn_off": re.compile(r"\b(?:off|stop|disable|kill|shut)\b"),
    "valve.close_valve": re.compile(r"\b(?:close|closed|shut|off|isolate|stop)\b"),
    "valve.stop_valve": STOP_WORDS,
    "siren.turn_on": re.compile(r"\b(?:on|sound|sounding|ring|test|trigger|activate|start|blast|set off|go off)\b"),
    "siren.turn_off": re.compile(r"\b(?:off|stop|silence|quiet|kill|mute|shut)\b"),
    "vacuum.locate": re.compile(r"\b(?:locate|find|where|wheres|where's|beep|lost|hiding|stuck)\b"),
    "water_heater.set_away_mode": re.compile(r"\b(?:away|holiday|holidays|vacation|travelling|back home)\b"),
    "vacuum.stop": re.compile(r"\b(?:stop|halt|kill|off|enough|cancel|abort|finish|done|shut)\b"),
    "vacuum.pause": re.compile(r"\b(?:pause|hold|wait|stop|halt|moment|minute|sec)\b"),
    "fan.increase_speed": re.compile(
        r"\b(?:faster|quicker|up|higher|more|increase|boost|stronger|harder|not enough|too (?:slow|weak|gentle))\b"
    ),
    "fan.decrease_speed": re.compile(
        r"\b(?:slower|down|lower|less|decrease|reduce|calm|gentler|softer|weaker|quieter"
        r"|too (?:fast|strong|much|windy|breezy|loud|noisy))\b"
    ),
    "media_player.volume_up": re.compile(
        r"\b(?:up|louder|higher|raise|increase|more|boost|crank|can't hear|cannot hear|can not hear"
        r"|too (?:quiet|low))\b"
    ),
    "media_player.volume_down": re.compile(
        r"\b(?:down|quieter|(?<!too )quiet|lower|softer|reduce|decrease|less|too (?:loud|noisy))\b"
    ),
    # "a bit louder" is a step, not a level the model makes up; a level is a number or a word for one.
    "media_player.volume_set": re.compile(
        r"\d|\b(?:half|halfway|quarter|max|maximum|full|fullest|minimum|lowest|highest|zero|one|two|three|four|five"
        r"|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)\b"
    ),
    "media_player.volume_mute": re.compile(
        r"\b(?:mute|muted|unmute|unmuted|silence|silent|sound off|sound back|shush|shut up)\b"
    ),
    "media_player.media_pause": re.compile(r"\b(?:pause|paused|hold|wait|stop|halt|moment|minute|sec|break)\b"),
    "media_player.media_stop": re.compile(r"\b(?:stop|stopped|halt|enough|end|cancel|finish)\b"),
    **{
        f"{domain}.get_state": re.compile(
            r"\b(?:is|was|were|are|what|whats|which|when|did|does|has|have|active|running|state|status|check|whether"
            r"|if|last)\b"
        )
        for domain in ("scene", "script")
    },
    "vacuum.clean_spot": re.compile(r"\b(?:spot|spots|patch|there|here|this|that|mess|spill|spilt|spilled|crumbs)\b"),
    "vacuum.return_to_base": re.compile(r"\b(?:dock|docked|base|home|return|charge|charging|charger)\b"),
}
"""Services that only words of their own ask for: "set an alarm for 7" is a wake-up alarm, not the house alarm
armed or set off; "lock the door" never opens or unlocks a lock; "turn up the radio" is not turning it on, nor
"turn the TV down" off;
"turn off the irrigation" closes a valve rather than stopping it moving; "drop the radiator by a degree" does not
switch it off, nor "get the hoover going" send it home or make it beep; "set an alarm for 7" sounds no siren;
"hot water up to 60" leaves the water heater's away mode alone; "the ecofan a bit faster" is no slowing down nor
"radio quieter" muting it; "get Bede going" neither stops nor pauses the hoover, nor does "get rosie cleaning"
clean a spot; "put netflix on the big telly" does not stop it; "Movie night, please!" is no question of the scene's
state."""


def unasked_services(
    text: str, functions: Sequence[Function], catalog: Catalog, said_of: Said | None = None
) -> set[str]:
    """Keys of device services in NEEDS_WORDS whose words the text (outside the devices' names) does not say.
    said_of: names_said of the same text and functions, where the caller has it."""
    found = said_of or names_said(text, functions, catalog)
    said = found.rest
    unsaid = {
        fn.key
        for fn in functions
        if fn.entity_id and (words := NEEDS_WORDS.get(fn.tool)) is not None and not words.search(said)
    }
    if ALARM_CLOCK.search(text.lower()):
        # "set an alarm for seven tomorrow morning" had the model run the "Good morning" scene.
        routines = [fn for fn in functions if fn.tool.split(".")[0] in ("scene", "script")]
        unsaid |= {fn.key for fn in routines if fn.entity_id not in found.named}
    if LIST_QUESTION.search(text.lower()):
        # "What's on the kids' list?" reads the list: no item is added, ticked off or changed.
        unsaid |= {fn.key for fn in functions if fn.tool in TODO_WRITES}
    return unsaid


ALARM_CLOCK = re.compile(r"\bset\s+(?:an|my|the|a)\s+(?:alarm|timer|reminder|wake ?up(?:\s+call)?)\b")
"""A clock's alarm, timer or reminder: no scene or script the words do not name in full."""
LIST_QUESTION = re.compile(
    r"^(?:what(?:'s| is| have we got| do we have| do i have)?|whats|anything|is there anything|read (?:me|out))\b"
    r".*\b(?:on|in)\s+(?:the|my|our|[\w']+)\s+(?:[\w']+\s+)?list\b"
)
TODO_WRITES = frozenset({"todo.add_item", "todo.remove_item", "todo.update_item"})


TOGGLE_WORDS = re.compile(r"\b(?:toggle|toggled|flip|flipped|invert|swap|switch over|change over)\b")
"""What asks for a toggle: "switch on the floor lamp" turns it on whatever its state."""


def unasked_toggles(text: str, candidates: Sequence[Candidate], catalog: Catalog) -> list[Candidate]:
    """The candidates with each toggle the words do not ask for replaced by its device's turn_on and turn_off
    (retrieval may offer a device's toggle alone; the direction rules then choose between on and off)."""
    if TOGGLE_WORDS.search(plain(text)):
        return list(candidates)
    keys = {c.function.key for c in candidates}
    out: list[Candidate] = []
    for c in candidates:
        fn = c.function
        if not (fn.entity_id and fn.tool.endswith(".toggle")):
            out.append(c)
            continue
        domain = fn.tool.split(".", 1)[0]
        for service in ("turn_on", "turn_off"):
            other = catalog.get(f"{domain}.{service}", fn.entity_id)
            if other is not None and other.key not in keys:
                keys.add(other.key)
                out.append(Candidate(other, c.score, c.semantic))
    return out


OFF_SAID = re.compile(r"\b(?:off|out|kill|stop|shut|disable|deactivate|cut|unplug|power down)\b")
DARK_SAID = re.compile(
    r"\b(?:(?:too|so|very|really|bit|quite|getting|rather) dark|pitch (?:black|dark)|dark as|(?:can't|cannot|can not"
    r"|cant) see(?! (?:why|how|what|if|whether|the point)\b)|gloomy)\b"
)
"""Words that ask for light without saying so ("I can't see a thing in here", "it's pitch black"): switching on."""


def switching_direction(
    text: str,
    functions: Sequence[Function],
    catalog: Catalog,
    pins: Mapping[str, Mapping[str, Any]],
    said_of: Said | None = None,
) -> set[str]:
    """Keys of turn_off services ruled out by words that switch on ("the freezer needs to go back on", "turn it on",
    "it's pitch black in here") or fix a value ("the pendant down to 30 percent"), and say nothing that switches off;
    keys of turn_on services ruled out by words that only switch off (docs/conventions.md)."""
    said = (said_of or names_said(text, functions, catalog)).rest
    on = ON_SAID.search(said) or _dark_only(said)
    if not (on or _fixes_a_value(pins)):
        if OFF_ASKED.search(said) and not OFF_STATE.search(said) and not SWITCHES_ON.search(said):
            # "turn off Mateo's LED strip and his gaming PC": nothing that can be switched off is switched on (a
            # scene, which cannot, may be another request's: "siren off and then the good morning scene").
            return {
                fn.key
                for fn in functions
                if fn.entity_id
                and fn.tool.endswith(".turn_on")
                and any(f.tool.endswith(".turn_off") for f in catalog.for_entity(fn.entity_id))
            }
        return set()
    if OFF_SAID.search(said):
        return set()
    return {fn.key for fn in functions if fn.entity_id and fn.tool.endswith(".turn_off")}


OFF_ASKED = re.compile(
    r"\b(?:turn|switch|shut|power|flick|knock|click)(?:s|ed|ing)?\s+(?:[\w']+\s+){0,4}?off\b"
    r"|\boff\b(?!\s+(?:the|a|an|my|our|your|his|her|their|this|that|these|those|to|at|of|from|with)\b)"
)
"""Words that ask to switch off: "turn off …", "switch everything off", "the fan off nobody's using it"; not "off
the shelf"."""
OFF_STATE = re.compile(r"(?:\bis|\bare|'s|\bwas|\bwere|\bgone|\bwent|\bbeen|\bstays?|\bkeeps?)\s+(?:\w+\s+)?off\b")
"""A state, not a request: "the lamp's off", "the heating has gone off"."""
SWITCHES_ON = re.compile(
    r"\b(?:start|run|activate|enable|play|resume|boost|heat|warm|cool|fire|set|make|put|bring|dim|brighten"
    r"|raise|increase|open|up|percent)\b|\d|%"
)
"""Words that may ask for a device to be on even where "off" is said of another ("lights off and start the
dishwasher")."""


READ_SAID = re.compile(
    r"\?|\b(?:what|whats|what's|how|which|who|where|when|why|tell|check|show|status"
    r"|state|if(?! you\b)|whether|unless|read|report|know|any)\b"
    r"|(?:^|\b(?=\w+ (?:it|they|that|there|the|my|our|anything|anyone|someone)\b))(?:is|are|was|were|does|do|did)\b"
)
"""A question or a condition. "Is", "do" and the like only where a question starts or asks ("the porch light, is it
on"): "start the Roborock, the kitchen floor is a mess" asks nothing."""


ACTS = re.compile(
    r"\b(?:turn|switch|set|open|close|shut|lock|unlock|dim|brighten|start|stop|pause|play|resume|arm|disarm|raise"
    r"|lower|make|put|add|remove|run|activate|deactivate|mute|unmute|skip|dock|send|pull|lift|press|increase"
    r"|decrease|enable|disable|(?:up|down)(?!\s+(?:in|at|below|by the)\b)|going|hoovering|vacuuming"
    r"|cleaning|reboot|restart|draw|roll|extend|retract|tilt|too (?:quiet|loud|noisy)|can'?t hear|cannot hear)\b"
    r"|\bto \d"
)
"""Words that ask for an action: a verb, a direction (not a place: "down in the cellar"), a value ("to 45"), a
sound to fix ("the cinema sound is too quiet")."""


def unasked_reads(
    text: str,
    functions: Sequence[Function],
    catalog: Catalog,
    pins: Mapping[str, Mapping[str, Any]],
    said_of: Said | None = None,
) -> set[str]:
    """Keys of get_state reads ruled out where the words (outside the devices' names) ask for an action ("nap time
    on", "set bath two to 21 degrees", "the blind 2 down" of a device named in full) and nothing else (no question
    word, no condition). A verb alone, with no device named, leaves the reads: "set an alarm for 7" is no request
    to the home, and the model answers it better with its reads in view."""
    names, named, said = said_of or names_said(text, functions, catalog)
    if "?" in text or READ_SAID.search(said) or STATE_QUESTION.search(text.strip().lower()):
        return set()
    # "get the sprinkler going in the vegetable patch": a word of a device's name is as good as its whole name,
    # though not for a clock's alarm.
    device_said = named or (not ALARM_CLOCK.search(text.lower()) and _name_word_said(said, names))
    acts = ON_SAID.search(said) or OFF_SAID.search(said) or _dark_only(said) or (device_said and ACTS.search(said))
    if not (_fixes_a_value(pins) or acts):
        return set()
    return {fn.key for fn in functions if fn.tool.endswith(".get_state")}


NOT_NAME_WORDS = frozenset({"the", "a", "an", "my", "our", "of", "in", "on", "and", "to", "for", "at", "by", "with"})


def _name_word_said(said: str, names: Mapping[str, Sequence[str]]) -> bool:
    """Whether the words say a word (three letters or more) of some candidate's name or alias."""
    words = {w for w in re.findall(r"[\w']+", said) if len(w) >= 3} - NOT_NAME_WORDS
    return any(words & set(n.split()) for ns in names.values() for n in ns)


STATE_QUESTION = re.compile(
    r"^(?:(?:has|did|does|is|are|was|were)\s+(?:anyone|anybody|someone|somebody|i|we|he|she|they|it|the|my|our"
    r"|all|both|either|any)|have\s+(?:anyone|anybody|someone|somebody|i|we|you|they))\b(?!.*(?:\b(?:can|could|would|will|please|mind|then|so|if)\b|[,;]))"
)
"""A question of state, not a request: "has somebody left the side gate open", "are the doors locked"; one clause
("is it hot in here, put the fan on" asks for the fan), and "have the hoover clean up" is a request."""


def unasked_changes(text: str, functions: Sequence[Function]) -> set[str]:
    """Keys of the writes of devices that can be read where the words only ask how something is ("has somebody left
    the side gate open" had the model open a blind): the answer is a read."""
    if not STATE_QUESTION.search(text.strip().lower()):
        return set()
    readable = {fn.entity_id for fn in functions if fn.tool.endswith(".get_state")}
    return {fn.key for fn in functions if fn.writes and fn.entity_id in readable}


SMALL_WORDS = frozenset({"the", "a", "an", "my", "our", "of", "to", "in", "on", "for", "and"})


def unsaid_siblings(
    text: str, functions: Sequence[Function], pins: Mapping[str, Mapping[str, Any]], catalog: Catalog
) -> set[str]:
    """Keys of the services of a device's other entities where the words fix a value of one of its entities and
    say none of the other's own words ("set the washing machine to wool": the programme, not "Start washing
    machine", which the model pressed)."""
    home = catalog.home
    if home is None or not any(v is not None for p in pins.values() for v in p.values()):
        return set()
    pinned = {fn.entity_id for fn in functions if fn.key in pins and fn.entity_id}
    entities = [e for e in (home.entity(i) for i in pinned) if e is not None and e.device is not None]
    said = set(plain(text).split())
    out = set()
    for fn in functions:
        other = home.entity(fn.entity_id) if fn.entity_id and fn.entity_id not in pinned else None
        if other is None or other.device is None:
            continue
        mates = [e for e in entities if e.device == other.device]
        if not mates:
            continue
        words = set(plain(" ".join([other.name, *other.aliases])).split())
        words -= set(plain(" ".join(n for e in mates for n in [e.name, *e.aliases])).split()) | SMALL_WORDS
        if words and not words & said:
            out.add(fn.key)
    return out


def _dark_only(said: str) -> bool:
    """Words that say it is dark and nothing to do ("it's getting dark, close the blind" asks for the blind)."""
    return bool(DARK_SAID.search(said)) and not ACTS.search(said)


def _fixes_a_value(pins: Mapping[str, Mapping[str, Any]]) -> bool:
    return any(v is not None for p in pins.values() for v in p.values())


def cover_direction(
    text: str, functions: Sequence[Function], catalog: Catalog, said_of: Said | None = None
) -> set[str]:
    """Keys of cover services the words rule out: "the blind down" or "lower the awning" is neither opening nor
    stopping it, "open the blind" is not tilting its slats unless they are said, and "tilt the blind shut" is not
    closing it (docs/conventions.md). No
    direction rule when both directions, or stopping, are said, or when the word is part of a device's name."""
    said = (said_of or names_said(text, functions, catalog)).rest
    tilt = TILT_WORDS.search(said)
    against: set[str] = set() if tilt else set(TILT_SERVICES)
    close, open_ = CLOSE_WORDS.search(said), OPEN_WORDS.search(said)
    if bool(close) != bool(open_) and not STOP_WORDS.search(said):
        against |= COVER_AGAINST["close" if close else "open"]
    out = {fn.key for fn in functions if fn.tool in against}
    if tilt:
        # "tilt the study blind shut" moves the slats, not the blind, of a cover that can tilt.
        tilting = {fn.entity_id for fn in functions if fn.tool in TILT_SERVICES}
        out |= {fn.key for fn in functions if fn.entity_id in tilting and fn.tool in MOVE_SERVICES}
    return out


NEW_TIMER = re.compile(r"\b(?:a|another|new|an?\s+\w+)\s+timer\b|^\W*timer\b")
"""A timer of its own asked for ("set a timer for twenty minutes", "timer for 20 minutes please")."""


def unnamed_timers(text: str, functions: Sequence[Function], catalog: Catalog, said_of: Said | None = None) -> set[str]:
    """Devices called "… timer" for a machine ("Dryer timer") whose machine is not said, where the words ask for a
    timer of their own: "set a timer for the cookies" is not the dryer's; a room's "Kitchen timer" stays
    (docs/conventions.md)."""
    said = plain(text)
    if catalog.home is None or not NEW_TIMER.search(said):
        return set()
    rooms = {w for a in catalog.home.areas for n in area_names(a) for w in n.split()}
    words = set(said.split())
    out = set()
    for entity_id, plain_names in (said_of or names_said(text, functions, catalog)).names.items():
        if not any("timer" in n.split() for n in plain_names):
            continue
        own = [set(n.split()) - {"timer"} for n in plain_names]
        if all(o - rooms for o in own) and not any(o <= words for o in own):
            out.add(entity_id)
    return out
