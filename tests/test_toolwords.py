"""A plain tool list's names as said, further tools the words give no sign of, the weather now or to come,
arguments the words say, tools that act on another kind of thing, and threats (homefc/grounding.py, toolfit.py,
toolargs.py and hostile.py; tools1/tools2 development sets)."""

from __future__ import annotations

from typing import Any

import pytest

from homefc.calls import Call
from homefc.catalog import Catalog, catalog_from_openai_tools
from homefc.grounding import grounded_calls, trimmed
from homefc.hostile import injected
from homefc.toolargs import each_time, said_arguments, the_same
from homefc.toolfit import content_tool, evidenced_calls, fitting_calls, timed_calls


def _tool(name: str, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    parameters = {"type": "object", "properties": properties, "required": required}
    return {"type": "function", "function": {"name": name, "description": description, "parameters": parameters}}


UNIT = {"type": "string", "enum": ["celsius", "fahrenheit"]}
TOOLS = [
    _tool(
        "get_weather",
        "Get the current weather conditions in a city.",
        {"city": {"type": "string"}, "unit": UNIT},
        ["city"],
    ),
    _tool(
        "get_forecast",
        "Daily weather forecast for the coming days.",
        {"city": {"type": "string"}, "days": {"type": "integer"}, "unit": UNIT},
        ["city"],
    ),
    _tool("get_news", "Top headlines on a topic.", {"topic": {"type": "string"}}, []),
    _tool("set_alarm", "Set an alarm for a time.", {"time": {"type": "string"}}, ["time"]),
    _tool("set_volume", "Set the speaker volume.", {"level": {"type": "integer"}}, ["level"]),
    _tool("play_song", "Play a song.", {"title": {"type": "string"}}, ["title"]),
]


@pytest.fixture(scope="module")
def tools() -> Catalog:
    return catalog_from_openai_tools(TOOLS)


@pytest.mark.parametrize(
    ("value", "said", "content", "name"),
    [
        ("Sam I", "text Sam I'm late", False, "Sam"),
        ("Radiolab I", "put on the next episode of Radiolab I haven't heard", False, "Radiolab"),
        ("H Heathrow Terminal 5", "get me a car to Heathrow Terminal 5", False, "Heathrow Terminal 5"),
        ("the kettle", "turn off the kettle", False, "kettle"),
        ("my sister", "call my sister", False, "sister"),
        # What is not a stray piece stays: a capital said, a title's own "The", free text, one word.
        ("UK news", "play the UK news", False, "UK news"),
        ("The Beatles", "play The Beatles", False, "The Beatles"),
        ("the boiler is broken again", "tell him the boiler is broken again", True, "the boiler is broken again"),
        ("I", "I", False, "I"),
    ],
)
def test_a_name_is_given_as_the_words_say_it(value: str, said: str, content: bool, name: str) -> None:
    assert trimmed(value, said, content) == name


def _names(calls: list[Call]) -> list[str]:
    return [c.name for c in calls]


def test_a_further_tool_needs_a_word_of_its_own(tools: Catalog) -> None:
    news, weather = Call(name="get_news", arguments={"topic": "technology"}), Call(name="get_weather", arguments={})
    said = "give me the top three technology headlines"
    assert _names(evidenced_calls(said, [news, weather], tools.functions)) == ["get_news"]
    alarm = Call(name="set_alarm", arguments={"time": "06:06"})
    song = Call(name="play_song", arguments={"title": "Clair de Lune"})
    assert _names(evidenced_calls("play Clair de Lune and turn it up to 60", [song, alarm], tools.functions)) == [
        "play_song"
    ]
    # A tool the words name stays; so does the first call and a second call on the same tool.
    volume = Call(name="set_volume", arguments={"level": 25})
    said = "play Clair de Lune, set the volume to 25"
    assert _names(evidenced_calls(said, [song, volume], tools.functions)) == ["play_song", "set_volume"]
    assert _names(evidenced_calls("the news", [weather], tools.functions)) == ["get_weather"]
    york = Call(name="get_weather", arguments={"city": "York"})
    assert _names(evidenced_calls("Leeds and York", [weather, york], tools.functions)) == ["get_weather"] * 2


def test_the_weather_to_come_is_the_forecast_and_the_weather_now_is_not(tools: Catalog) -> None:
    now = Call(name="get_weather", arguments={"city": "Manchester", "unit": "celsius"})
    moved = timed_calls("is it going to rain in Manchester tomorrow", [now], tools.functions)
    assert [c.model_dump() for c in moved] == [
        {"name": "get_forecast", "arguments": {"city": "Manchester", "unit": "celsius"}}
    ]
    ahead = Call(name="get_forecast", arguments={"city": "Paris", "days": 3})
    said = "what's the weather like in London and in Paris right now"
    assert [c.model_dump() for c in timed_calls(said, [now, ahead], tools.functions)][1] == {
        "name": "get_weather",
        "arguments": {"city": "Paris"},
    }
    # Without a word of time, and where the words say both, the model's choice stands.
    assert timed_calls("weather in Leeds", [now], tools.functions) == [now]
    assert timed_calls("what's it like now and will it rain later", [ahead], tools.functions) == [ahead]
    # Only between one forecast tool and one tool of current conditions.
    only_now = catalog_from_openai_tools(TOOLS[:1]).functions
    assert timed_calls("weather in Leeds tomorrow", [now], only_now) == [now]


ERRANDS = [
    _tool(
        "send_email",
        "Send an email.",
        {"to": {"type": "string"}, "subject": {"type": "string"}, "body": {"type": "string"}},
        ["to", "body"],
    ),
    _tool("send_message", "Send a text.", {"recipient": {"type": "string"}, "text": {"type": "string"}}, ["recipient"]),
    _tool(
        "order_food",
        "Order a takeaway.",
        {"dish": {"type": "string"}, "quantity": {"type": "integer", "description": "How many portions (default 1)"}},
        ["dish"],
    ),
    _tool(
        "log_workout",
        "Log a finished workout.",
        {"activity": {"type": "string"}, "duration_minutes": {"type": "integer", "description": "Length in minutes"}},
        ["activity"],
    ),
    _tool(
        "add_event",
        "Add a calendar event.",
        {
            "title": {"type": "string"},
            "hour": {"type": "integer", "description": "Start hour"},
            "minute": {"type": "integer", "description": "Start minute"},
            "duration_minutes": {"type": "integer", "description": "Length in minutes"},
        },
        ["title"],
    ),
    _tool(
        "get_stock_price", "Share price.", {"symbol": {"type": "string", "description": "Ticker symbol"}}, ["symbol"]
    ),
    _tool(
        "get_directions",
        "Route to a place.",
        {
            "destination": {"type": "string"},
            "mode": {"type": "string", "enum": ["driving", "walking", "cycling", "transit"]},
        },
        ["destination"],
    ),
]


@pytest.fixture(scope="module")
def errands() -> Catalog:
    return catalog_from_openai_tools(ERRANDS)


def _said(text: str, errands: Catalog, name: str, /, **args: Any) -> dict[str, Any]:
    return said_arguments(text, [Call(name=name, arguments=args)], errands.functions)[0].arguments


def test_what_the_words_say_is_read_off_them(errands: Catalog) -> None:
    said = "email Priya with the subject Standup saying I'll be late for the meeting"
    assert _said(said, errands, "send_email", to="Priya", body="sent an email") == {
        "to": "Priya",
        "subject": "Standup",
        "body": "I'll be late for the meeting",
    }
    assert _said("text Sam I'm late", errands, "send_message", recipient="Sam", text="late")["text"] == "I'm late"
    assert _said("get me 2 portions of pad thai", errands, "order_food", dish="pad thai")["quantity"] == 2
    run = _said("I did a 5k run in 28 minutes, log it", errands, "log_workout", activity="run", duration_minutes=5)
    assert run["duration_minutes"] == 28
    lunch = _said("lunch at 1pm on Thursday for 90 minutes", errands, "add_event", title="lunch", hour=13)
    assert lunch == {"title": "lunch", "hour": 13, "duration_minutes": 90}
    assert _said("how's Apple doing", errands, "get_stock_price", symbol="Apple") == {"symbol": "AAPL"}
    assert _said("how do I get to Kew on public transport", errands, "get_directions", destination="Kew") == {
        "destination": "Kew",
        "mode": "transit",
    }
    # Nothing said, nothing read: no count without its noun, no mode of two ways, a ticker as given.
    assert _said("order pad thai for 2", errands, "order_food", dish="pad thai") == {"dish": "pad thai"}
    both = _said("walk or drive to Kew", errands, "get_directions", destination="Kew", mode="driving")
    assert both["mode"] == "driving"
    assert _said("how's ACME doing", errands, "get_stock_price", symbol="ACME") == {"symbol": "ACME"}
    assert _said("text Sam that I'm late", errands, "send_message", recipient="Sam", text="I'm late")["text"] == (
        "I'm late"
    )


def test_a_message_that_is_the_same_is_the_one_before(errands: Catalog) -> None:
    tom = Call(name="send_message", arguments={"recipient": "Tom", "text": "dinner's at seven"})
    lucy = Call(name="send_message", arguments={"recipient": "Lucy", "text": "send Lucy the same"})
    assert the_same([tom, lucy], errands.functions)[1].arguments["text"] == "dinner's at seven"
    assert the_same([lucy], errands.functions) == [lucy]


KEPT = [
    _tool("get_news", "Top headlines on a topic.", {"topic": {"type": "string"}}, []),
    _tool("media_control", "Pause, stop or skip what is playing.", {"action": {"type": "string"}}, ["action"]),
    _tool("list_events", "List calendar events on a date.", {"date": {"type": "string"}}, []),
    _tool("track_package", "Track a parcel by its tracking number.", {"tracking_number": {"type": "string"}}, []),
    _tool("send_text", "Send a text message.", {"contact": {"type": "string"}, "message": {"type": "string"}}, []),
    _tool("add_task", "Add a task to the to-do list.", {"task": {"type": "string"}}, ["task"]),
    _tool("skip_track", "Skip songs ahead.", {"count": {"type": "integer"}}, []),
    _tool("play_playlist", "Play a playlist.", {"name": {"type": "string"}}, ["name"]),
]


@pytest.fixture(scope="module")
def kept() -> Catalog:
    return catalog_from_openai_tools(KEPT)


def test_a_tool_that_speaks_of_another_kind_of_thing_is_declined(kept: Catalog) -> None:
    def fits(said: str, name: str, **args: Any) -> bool:
        return bool(fitting_calls(said, [Call(name=name, arguments=args)], kept.functions))

    assert not fits("read me my latest texts", "get_news", topic="top")
    assert not fits("stop the timer", "media_control", action="stop")
    assert not fits("track flight BA117", "track_package", tracking_number="BA117")
    assert not fits("move the dentist appointment to Thursday", "list_events", date="Thursday")
    assert not fits("did Sarah text me back?", "send_text", contact="Sarah")
    # The thing the tool keeps, a thing inside what a task says, a name's word, "move" without a thing: they stand.
    assert fits("send a text to Mum", "send_text", contact="Mum")
    assert fits("where's my parcel", "track_package")
    assert fits("has the Royal Mail package arrived", "track_package")
    assert fits("add cancel the gym membership to my to-do list", "add_task", task="cancel the gym membership")
    assert fits("move 3 songs ahead", "skip_track", count=3)
    assert fits("what's on Thursday", "list_events", date="Thursday")


def test_a_value_that_only_repeats_its_argument_is_made_up(kept: Catalog) -> None:
    assert (
        grounded_calls("what's your name?", [Call(name="play_playlist", arguments={"name": "name"})], kept.functions)
        == []
    )
    chill = Call(name="play_playlist", arguments={"name": "Chill"})
    assert grounded_calls("play my Chill playlist", [chill], kept.functions) == [chill]


@pytest.mark.parametrize(
    ("text", "threat"),
    [
        ("text my ex that I know where she lives", True),
        ("tell him he'd better watch his back", True),
        ("message Dan saying I'll hurt you", True),
        ("I could kill for a coffee", False),
        ("turn the lights off or else I'll trip", False),
        ("I'm dead tired, lights off", False),
    ],
)
def test_a_threat_is_refused_whole(text: str, threat: bool, kept: Catalog) -> None:
    assert injected(text, kept) is threat


def test_each_time_said_with_and_gets_its_call() -> None:
    alarms = catalog_from_openai_tools(
        [
            _tool(
                "set_alarm",
                "Set an alarm.",
                {"hour": {"type": "integer", "maximum": 23}, "minute": {"type": "integer", "maximum": 59}},
                ["hour"],
            ),
            _tool(
                "set_reminder",
                "Remind the user.",
                {"text": {"type": "string"}, "time": {"type": "string", "description": "HH:MM"}},
                ["text"],
            ),
        ]
    ).functions
    first = Call(name="set_alarm", arguments={"hour": 6, "minute": 30})
    assert [c.arguments for c in each_time("set alarms for 6:30 and 6:45", [first], alarms)] == [
        {"hour": 6, "minute": 30},
        {"hour": 6, "minute": 45},
    ]
    pills = Call(name="set_reminder", arguments={"text": "pills", "time": "08:00"})
    assert [c.arguments["time"] for c in each_time("pills at 8am and 8pm", [pills], alarms)] == ["08:00", "20:00"]
    # Times not joined by "and", or one time, leave the call alone.
    assert each_time("at 6:30 remind me to leave by 7", [pills], alarms) == [pills]
    assert each_time("alarm at 6:30", [first], alarms) == [first]


def test_the_tool_named_before_what_a_message_says(kept: Catalog) -> None:
    tools = catalog_from_openai_tools(
        [
            *KEPT,
            _tool("get_traffic", "Traffic on the way.", {"destination": {"type": "string"}}, ["destination"]),
            _tool("translate_text", "Translate.", {"text": {"type": "string"}}, ["text"]),
            _tool("create_note", "Save a note.", {"text": {"type": "string"}}, ["text"]),
        ]
    ).functions

    def named(said: str, chosen: str) -> str | None:
        tool = content_tool(said, tools, chosen)
        return tool.tool if tool is not None else None

    assert named("Text Sarah saying I'm stuck in traffic", "get_traffic") == "send_text"
    assert named("take a note: buy a card for Jenny", "send_text") == "create_note"
    # The tool picked named so, no content marked, or a tool's own verb unsaid: the pick stands.
    assert named("Text Sarah saying I'm stuck in traffic", "send_text") is None
    assert named("text Sarah I'm stuck in traffic", "get_traffic") is None
    assert named("translate saying hello into French", "send_text") == "translate_text"
