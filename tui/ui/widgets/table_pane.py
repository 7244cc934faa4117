"""A titled table with its load state: the building block of every list pane."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from .load_state import LoadState
from .resource_table import Col, ResourceTable


class TablePane(Vertical):
    DEFAULT_CSS = """
    TablePane { height: 1fr; }
    TablePane > .pane-title { height: 1; padding: 0 1; text-style: bold; }
    """

    def __init__(self, title: str, columns: Sequence[Col], *, table_title: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.title_text = title
        self.columns = columns
        self.table_title = table_title or title.lower()

    def compose(self) -> ComposeResult:
        yield Static(Text(self.title_text), classes="pane-title")
        yield LoadState()
        yield ResourceTable(self.columns, title=self.table_title)

    @property
    def table(self) -> ResourceTable:
        return self.query_one(ResourceTable)

    @property
    def state(self) -> LoadState:
        return self.query_one(LoadState)

    def set_title(self, text: str | Text) -> None:
        self._title = text if isinstance(text, Text) else Text(text)
        self._show_title()

    def _show_title(self) -> None:
        title = getattr(self, "_title", None) or Text(self.title_text)
        note = self.table.filter_note()
        if note:  # "Questions · 8" → "Questions · 4 of 8 · filter: attrib": the count shown is the filtered one
            name = title.plain.split(" · ", 1)[0]
            title = Text.assemble(name, " · ", (note, "bold"))
        self.query_one(".pane-title", Static).update(title)

    def on_resource_table_filtered(self, event: ResourceTable.Filtered) -> None:
        event.stop()
        self._show_title()
