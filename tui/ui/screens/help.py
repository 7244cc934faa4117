"""Help (``?`` / F1): every key, generated from ``bindings.COMMANDS`` — the footer's own source."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..bindings import COMMANDS, SCOPES, key_label


def help_table(readonly: bool) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold")
    table.add_column(no_wrap=True)
    table.add_column()
    for scope, title in SCOPES.items():
        commands = [c for c in COMMANDS if c.scope == scope]
        if not commands:
            continue
        table.add_row(Text(""), Text(""), Text(""))
        table.add_row(Text(title, style="bold underline"), Text(""), Text(""))
        for c in commands:
            note = Text(c.help)
            if c.write:
                note.append("  (asks for confirmation" + ("; disabled: read-only)" if readonly else ")"),
                            style="italic dim")
            table.add_row(Text(key_label(c)), Text(c.description), note)
    table.add_row(Text(""), Text(""), Text(""))
    table.add_row(Text("Mouse", style="bold underline"), Text(""), Text(""))
    table.add_row(Text("click"), Text("Select / open"),
                  Text("Click a row to select it, click it again to open; click a header to sort"))
    table.add_row(Text("wheel"), Text("Scroll"), Text(""))
    return table


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 95%;
        max-width: 130;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close help"),
    ]

    def __init__(self, *, readonly: bool = False) -> None:
        super().__init__()
        self.readonly = readonly

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("cleanroom-tui — keys", style="bold"))
            yield Static(Text("Every key below is also in the command palette (: or ctrl+p), which "
                              "also jumps to any room, question, run or collaboration by name or id.",
                              style="dim"))
            yield Static(help_table(self.readonly), id="help-table")

    def action_close(self) -> None:
        self.dismiss(None)
