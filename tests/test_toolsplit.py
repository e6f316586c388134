"""Splitting a sentence on a plain tool list into its requests (homefc/toolsplit.py)."""

from __future__ import annotations

import pytest

from homefc.toolsplit import split_tool_requests


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("text Sam I'm late and call Mum", ["text Sam I'm late", "call Mum"]),
        ("put on Radio 1 and turn it up to 40", ["put on Radio 1", "turn it up to 40"]),
        ("play some jazz, then set a timer for ten minutes", ["play some jazz", "set a timer for ten minutes"]),
        (
            "what's the forecast for Leeds tomorrow and have I got anything on Saturday",
            ["what's the forecast for Leeds tomorrow", "have I got anything on Saturday"],
        ),
        ("check my step count; log a 5k run", ["check my step count", "log a 5k run"]),
        (
            "play Clair de Lune, set the volume to 25, and switch off the kettle",
            ["play Clair de Lune, set the volume to 25", "switch off the kettle"],
        ),
        ("ok so, play some jazz and set the volume to 20", ["ok so, play some jazz", "set the volume to 20"]),
        (
            "what's the forecast for Bristol, and is there much traffic on the way there?",
            ["what's the forecast for Bristol", "is there much traffic on the way there?"],
        ),
        # A later part's "off it" is the list the part before named.
        (
            "put bananas on the shopping list and take the apples off it",
            ["put bananas on the shopping list", "take the apples off the shopping list"],
        ),
    ],
)
def test_each_request_gets_its_own_part(text: str, parts: list[str]) -> None:
    assert split_tool_requests(text) == parts


@pytest.mark.parametrize(
    "text",
    [
        "remind me to buy milk and call the plumber",
        "message Tom saying dinner's at seven and send the kids up",
        "tell Jo that I'm late and to start without me",
        "add eggs and milk to the shopping list",
        "what are Tesla and Nvidia trading at",
        "turn off the telly and the living room lamp",
        "play it and then stop",
        "hey, what's the weather in Rome",
        "I just did a 5k run in twenty-eight minutes, log it",
        # A comma alone joins a reason or a request's parts as often as two requests (the training phrasings).
        "i need oat milk today, order it with same-day delivery",
        "the tea needs 5 minutes, set a timer",
        "tomorrow's BA117, is it delayed?",
        "if it rains tomorrow, remind me to take an umbrella",
    ],
)
def test_one_request_or_message_content_stays_whole(text: str) -> None:
    assert split_tool_requests(text) == [text]
