"""Ask for one line of text (an export path, a dataset's name in a collaboration).

With ``check``, a rejected answer keeps the dialog open: the reason shows under the field, the text
stays and so does the focus (so a corrected answer is typed into the field, never read as keys).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class PromptScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    PromptScreen #prompt-help { color: $text-muted; }
    PromptScreen #prompt-error { color: $text-error; height: auto; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", *, help: str = "",
                 check: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.help = help
        #: the answer's problem in words, or None when it is fine
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield Input(value=self.value, id="prompt-input")
            yield Static(Text(""), id="prompt-error")
            if self.help:
                yield Static(Text(self.help), id="prompt-help")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.focus()
        field.cursor_position = len(field.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.app.screen is not self:  # a second Enter queued before the first one's dismiss: it
            return  # would pop the screen below (the home screen: the app crashed)
        answer = event.value.strip()
        problem = self.check(answer) if self.check is not None and answer else None
        if problem:
            self.query_one("#prompt-error", Static).update(Text(f"✗ {problem}"))
            event.input.focus()
            return
        self.dismiss(answer or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
