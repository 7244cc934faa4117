"""The ``/`` filter: an input under the content that narrows the focused table as you type."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    DEFAULT_CSS = """
    FilterBar {
        display: none;
        height: 3;
        margin: 0 0 1 0;
    }
    FilterBar.-open { display: block; }
    """

    BINDINGS = [
        Binding("escape", "clear_and_close", "Clear filter", show=True),
        Binding("enter", "close", "Keep filter", show=True),
    ]

    class Closed(Message):
        def __init__(self, bar: FilterBar) -> None:
            self.bar = bar
            super().__init__()

    def __init__(self) -> None:
        super().__init__(placeholder="filter: type to narrow the table (enter keeps, esc clears)",
                         id="filter-bar")

    def open(self, value: str) -> None:
        self.value = value
        self.add_class("-open")
        self.focus()
        self.cursor_position = len(value)

    def action_close(self) -> None:
        self.remove_class("-open")
        self.post_message(self.Closed(self))

    def action_clear_and_close(self) -> None:
        self.value = ""
        self.action_close()
