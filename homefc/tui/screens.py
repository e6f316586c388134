"""Modal screens of the TUI: confirming a guarded call, and help."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

HELP = """\
[b]homefc[/b]: talk to your home.

  "what's on in the kitchen?"      answered from the devices' live state
  "turn those off"                 "those" / "it" mean what the last turn was about
  "and the hall too"               the last action again on another room or device
  "if the garage door is open, close it"
  "set the bedroom to the same temperature as the lounge"

[b]Keys[/b]
  enter     send              up/down   earlier requests
  tab / →   complete a name   ctrl+i    call inspector
  ctrl+l    clear the chat    f1        this help
  ctrl+q    quit

Guarded actions (unlock, disarm, open a garage door) ask for a yes. Writes the
owner's config does not allow are refused, with the rule that would allow them.
"""


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no for a call the policy guards."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Grid { grid-size: 2; grid-gutter: 1 2; width: 60; height: auto; padding: 1 2;
                           border: thick $warning; background: $surface; }
    ConfirmScreen #question { column-span: 2; width: 100%; }
    ConfirmScreen Button { width: 100%; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """The question and two buttons."""
        with Grid():
            yield Static(self.question, id="question")
            yield Button("Yes (y)", variant="warning", id="yes")
            yield Button("No (n)", variant="primary", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A button answers."""
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        """A key answers."""
        self.dismiss(yes)


class HelpScreen(ModalScreen[None]):
    """What to say and which keys do what."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 76; height: auto; padding: 1 2; border: thick $primary; background: $surface; }
    """

    def compose(self) -> ComposeResult:
        """The help text."""
        with Vertical():
            yield Static(HELP)
            yield Static("[dim]escape to close[/dim]")
