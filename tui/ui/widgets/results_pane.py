"""A result set (question-run results, flow-run node reports) shown 500 rows at a time.

The first page comes from the screen (cache first); the next page is fetched when the cursor gets
near the last loaded row (or on ``m``), so a million-row result never loads more than the operator
scrolls through. The total count is shown under the table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ...core.sanitize import plain
from ..text import safe
from .load_state import LoadState
from .resource_table import Col, ResourceTable, Row

#: rows per page (the platform's default and maximum page)
PAGE = 500

PageLoader = Callable[[int], Awaitable[Any]]


def result_columns(metadata: list[Any]) -> list[tuple[str, str]]:
    """(row-map key, label) per output column; rows are keyed by column name or field name."""
    out = []
    for i, col in enumerate(metadata):
        key = col.column_name or col.field_name or f"col{i}"
        out.append((key, col.field_name or col.column_name or key))
    return out


def result_rows(stats: list[dict[str, str]], metadata: list[Any], offset: int) -> list[Row]:
    columns = result_columns(metadata)
    rows = []
    for n, values in enumerate(stats):
        cells = []
        for (key, _label), col in zip(columns, metadata, strict=False):
            value = values.get(key)
            if value is None and col.field_name:
                value = values.get(col.field_name)
            cells.append(safe(value, 200))
        rows.append(Row(key=f"row{offset + n}", cells=cells, copy_id=cells[0].plain if cells else None))
    return rows


class ResultsPane(Vertical):
    DEFAULT_CSS = """
    ResultsPane { height: 1fr; }
    ResultsPane > .results-footer { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, *, title: str = "results", id: str | None = None) -> None:
        super().__init__(id=id)
        self.table_title = title
        self.total: int | None = None
        self.loaded = 0
        self._metadata: list[Any] = []
        self._columns: list[tuple[str, str]] = []
        self._loading = False
        self._load_page: PageLoader | None = None

    def compose(self) -> ComposeResult:
        yield LoadState()
        yield Static(Text(""), classes="results-footer")

    @property
    def state(self) -> LoadState:
        return self.query_one(LoadState)

    @property
    def table(self) -> ResourceTable | None:
        found = list(self.query(ResourceTable))
        return found[0] if found else None

    def configure(self, load_page: PageLoader) -> None:
        """How to fetch the page starting at an offset (the screen wraps cache + session)."""
        self._load_page = load_page

    def set_total(self, total: int | None) -> None:
        self.total = total
        self._update_footer()

    def _ensure_table(self, metadata: list[Any]) -> ResourceTable:
        columns = result_columns(metadata)
        table = self.table
        if table is not None and columns == self._columns:
            return table
        if table is not None:
            table.remove()
        self._metadata, self._columns = list(metadata), columns
        table = ResourceTable([Col(f"c{i}", plain(label, 40)) for i, (_k, label) in enumerate(columns)],
                              title=self.table_title)
        self.mount(table, before=self.query_one(".results-footer"))
        return table

    def paint_first(self, data: Any) -> None:
        """Page one (also on refresh: rows already loaded further down stay)."""
        table = self._ensure_table(data.metadata)
        rows = result_rows(data.stats, self._metadata, 0)
        if self.loaded > len(rows):
            table.append_rows(rows)  # same keys: updates page one in place
        else:
            table.set_rows(rows)
            self.loaded = len(rows)
        if self.total is None and data.count is not None:
            self.total = max(int(data.count), self.loaded)
        self._update_footer()

    def _update_footer(self) -> None:
        more = self.total is not None and self.loaded < self.total
        table = self.table
        if table is not None:
            table.more_available = more
            table.total = self.total
        total = "?" if self.total is None else f"{self.total:,}"
        text = Text(f"{self.loaded:,} of {total} rows loaded")
        if more:
            text.append(f" · scroll down (or press m) for the next {PAGE}", style="dim")
        if self.is_mounted:
            self.query_one(".results-footer", Static).update(text)

    @property
    def has_more(self) -> bool:
        return self.total is not None and self.loaded < self.total and self._load_page is not None

    def on_resource_table_need_more(self, event: ResourceTable.NeedMore) -> None:
        event.stop()
        self.load_more()

    def load_more(self) -> None:
        if self._loading or not self.has_more:
            return
        self._loading = True
        self.run_worker(self._next_page(self.loaded), group="results-page", exit_on_error=False,
                        description="next results page")

    async def _next_page(self, offset: int) -> None:
        assert self._load_page is not None
        self.state.loading(f"rows {offset + 1:,}–{offset + PAGE:,}", have_data=True)
        try:
            page = await self._load_page(offset)
        except Exception as exc:
            self.state.failed(exc, have_data=True)
            return
        finally:
            self._loading = False
        self.state.idle()
        rows = result_rows(page.stats, self._metadata, offset)
        table = self.table
        if table is not None:
            table.append_rows(rows)
        self.loaded = max(self.loaded, offset + len(rows))
        if not rows and self.total is not None:
            self.total = self.loaded  # fewer rows than counted: stop asking
        self._update_footer()
