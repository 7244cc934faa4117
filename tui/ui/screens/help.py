"""Help (``?`` / F1): every key, generated from ``bindings.COMMANDS`` — the footer's own source."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..bindings import COMMANDS, SCOPES, Command, key_label

#: scopes every screen has: not "this screen's keys"
COMMON_SCOPES = frozenset({"global", "screen", "table"})


def screen_commands(screen: Screen) -> list[Command]:
    """The keys of ``screen`` itself (its own actions, as its footer has them), in the table's order."""
    try:
        active = screen.active_bindings
    except Exception:
        return []
    ids = {b.binding.id for b in active.values() if b.binding.id}
    return [c for c in COMMANDS if c.id in ids and c.scope not in COMMON_SCOPES]


def help_table(readonly: bool, here: tuple[str, list[Command]] | None = None) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold")
    table.add_column(no_wrap=True)
    table.add_column()
    sections = [(title, [c for c in COMMANDS if c.scope == scope]) for scope, title in SCOPES.items()]
    if here is not None and here[1]:  # the screen you are on first: its own keys
        sections.insert(0, (f"On this screen ({here[0]})", here[1]))
    for title, commands in sections:
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

    def __init__(self, *, readonly: bool = False, here: tuple[str, list[Command]] | None = None) -> None:
        super().__init__()
        self.readonly = readonly
        #: (the screen's name, its own keys): listed first
        self.here = here

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text.assemble(("cleanroom-tui — keys", "bold"), ("   esc closes this help", "dim")))
            yield Static(Text("Every key below is also in the command palette (: or ctrl+p), which "
                              "also jumps to any room, question, run or collaboration by name or id.",
                              style="dim"))
            yield Static(help_table(self.readonly, self.here), id="help-table")

    def action_close(self) -> None:
        self.dismiss(None)
