"""Label/value pairs (a room's overview, a run's timings) as a two-column grid of plain Text."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

Pair = tuple[str, Text]


class Details(Static):
    DEFAULT_CSS = """
    Details {
        height: auto;
        padding: 0 1;
    }
    """

    def show(self, pairs: Iterable[Pair], title: str | None = None) -> None:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        if title:
            grid.add_row(Text(title, style="bold underline"), Text(""))
        for label, value in pairs:
            # labels are ours, values are sanitised Text: neither is parsed as markup
            if value.justify not in (None, "left", "default"):
                value = value.copy()
                value.justify = "left"
            grid.add_row(Text(label), value)
        self.update(grid)
