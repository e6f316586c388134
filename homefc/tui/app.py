"""`homefc chat`: the conversation, the live home and the call inspector in one terminal screen."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, RichLog, Static

from homefc.conversation import Conversation, Reply
from homefc.home import Home
from homefc.prompt import StateLike
from homefc.tui.complete import NameSuggester
from homefc.tui.inspector import inspect
from homefc.tui.panel import HomePanel
from homefc.tui.screens import ConfirmScreen, HelpScreen

THINKING = "…"


class HomefcApp(App[int]):
    """Chat on the left, the home on the right, the inspector below the chat when asked for."""

    TITLE = "homefc"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+i", "toggle_inspector", "Inspector", priority=True),
        Binding("f1", "help", "Help"),
        Binding("ctrl+l", "clear", "Clear"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]
    CSS = """
    #chat { width: 1fr; }
    #log { height: 1fr; padding: 0 1; }
    #inspector { height: 12; border-top: solid $primary; padding: 0 1; display: none; overflow-y: auto; }
    #inspector.shown { display: block; }
    #typing { padding: 0 1; display: none; }
    #typing.shown { display: block; }
    #request { height: 3; }
    """

    def __init__(
        self,
        conversation: Conversation,
        *,
        banner: str = "",
        connected: Callable[[], bool] | None = None,
        available: Callable[[str], bool] | None = None,
        subscribe_changes: Callable[[Callable[[str], None]], None] | None = None,
    ) -> None:
        super().__init__()
        self.conversation = conversation
        self.banner = banner
        self._connected = connected
        self._available = available
        self._subscribe_changes = subscribe_changes
        self.history: list[str] = []
        self._history_at = 0
        self.replies: list[Reply] = []
        self.busy = False
        self.streamed: list[str] = []
        """The model's prose of the current (or last) turn as it arrived, shown below the log while it comes."""

    # --- layout -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header, chat (log, inspector, input), home panel, footer."""
        home = self.conversation.catalog.home
        assert home is not None, "the TUI needs a home, not a tool list"
        names = [e.name for e in home.entities] + [a.name for a in home.areas]
        yield Header()
        with Horizontal():
            with Vertical(id="chat"):
                yield RichLog(id="log", wrap=True, markup=False, min_width=20)
                yield Static(id="typing")
                yield Static(id="inspector")
                yield Input(placeholder="Ask your home…  (F1 for help)", id="request", suggester=NameSuggester(names))
            yield HomePanel(home, self._states, self._available, id="home")
        yield Footer()

    def _states(self) -> Mapping[str, StateLike]:
        return self.conversation.actuator.states

    def on_mount(self) -> None:
        """Greet, follow device changes and the connection."""
        self.sub_title = self.banner
        self._say("homefc", f"Hello. {self.banner}." if self.banner else "Hello.")
        if self._subscribe_changes is not None:
            self._subscribe_changes(self._device_changed)
        self.set_interval(1.0, self._show_connection)
        self._show_connection()
        self.query_one("#request", Input).focus()

    def _show_connection(self) -> None:
        if self._connected is None:
            return
        state = "connected" if self._connected() else "reconnecting to the broker…"
        self.sub_title = f"{self.banner} · {state}" if self.banner else state

    def _device_changed(self, entity_id: str) -> None:
        """From the MQTT thread: redraw the entity's line on the UI thread."""
        self.call_from_thread(self.query_one(HomePanel).refresh_entity, entity_id)

    def replace_home(self, home: Home) -> None:
        """Show a changed inventory (devices joined or left): a new panel in place of the old one."""
        old = self.query_one(HomePanel)
        old.remove()
        self.query_one(Horizontal).mount(HomePanel(home, self._states, self._available, id="home"))
        names = [e.name for e in home.entities] + [a.name for a in home.areas]
        self.query_one("#request", Input).suggester = NameSuggester(names)

    def _say(self, who: str, text: str) -> None:
        line = Text(f"{who}> ", style="bold cyan" if who == "you" else "bold green")
        line.append(text)
        self.query_one("#log", RichLog).write(line)

    # --- turns --------------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Send a request (one at a time: the model serves one turn at once)."""
        text = event.value.strip()
        if not text or self.busy:
            return
        event.input.value = ""
        self.history.append(text)
        self._history_at = len(self.history)
        self._say("you", text)
        self._turn(text)

    def _turn(self, text: str) -> None:
        self.busy = True
        self.streamed = []
        self.query_one("#request", Input).placeholder = THINKING
        self.run_worker(lambda: self._work(text), thread=True, exclusive=True, group="turn")

    def _work(self, text: str) -> None:
        try:
            reply = self.conversation.say(text, on_prose=lambda piece: self.call_from_thread(self._typing, piece))
        except Exception as exc:  # the UI must outlive a failing turn; the log says what failed
            self.log.error(f"turn failed: {exc!r}")
            reply = Reply(f"Sorry, that failed: {exc}")
        self.call_from_thread(self._show, reply)

    def _typing(self, piece: str) -> None:
        """Show the prose so far; the log gets the whole reply when the turn ends."""
        self.streamed.append(piece)
        line = Text("homefc> ", style="bold green")
        line.append("".join(self.streamed).lstrip())
        typing = self.query_one("#typing", Static)
        typing.update(line)
        typing.add_class("shown")

    def _show(self, reply: Reply) -> None:
        typing = self.query_one("#typing", Static)
        typing.remove_class("shown")
        typing.update("")
        self.busy = False
        self.replies.append(reply)
        self.query_one("#request", Input).placeholder = "Ask your home…  (F1 for help)"
        self._say("homefc", reply.text)
        self.query_one("#inspector", Static).update(inspect(reply))
        panel = self.query_one(HomePanel)
        for outcome in reply.outcomes:
            if outcome.call.entity_id:
                panel.refresh_entity(outcome.call.entity_id)
        if reply.question == "confirm":
            self.push_screen(ConfirmScreen(reply.text), self._confirmed)

    def _confirmed(self, yes: bool | None) -> None:
        answer = "yes" if yes else "no"
        self._say("you", answer)
        self._turn(answer)

    # --- keys ---------------------------------------------------------------------------------------

    def on_key(self, event: Any) -> None:
        """Up and down walk through earlier requests."""
        request = self.query_one("#request", Input)
        if not request.has_focus or event.key not in ("up", "down") or not self.history:
            return
        step = -1 if event.key == "up" else 1
        self._history_at = max(0, min(len(self.history), self._history_at + step))
        request.value = self.history[self._history_at] if self._history_at < len(self.history) else ""
        request.cursor_position = len(request.value)
        event.stop()

    def action_toggle_inspector(self) -> None:
        """Show or hide the call inspector."""
        self.query_one("#inspector", Static).toggle_class("shown")

    def action_help(self) -> None:
        """Open the help screen."""
        self.push_screen(HelpScreen())

    def action_clear(self) -> None:
        """Clear the chat log."""
        self.query_one("#log", RichLog).clear()
