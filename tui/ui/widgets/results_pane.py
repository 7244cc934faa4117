"""A result set (question-run results, flow-run node reports) shown 500 rows at a time.

The first page comes from the screen (cache first); the next page is fetched when the cursor gets
near the last loaded row (or on ``m``), so a million-row result never loads more than the operator
scrolls through. The total count is shown under the table.

The table holds one contiguous window of rows ``[start, loaded)``. ``G`` / End on a result that is
not fully loaded jumps: only the last page is fetched and becomes the window (a million-row result
costs two page requests to see both ends, not two thousand); scrolling up from there fetches the
page before, and ``g`` / Home goes back to the first page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from ...core.export import result_columns, row_values
from ...core.sanitize import plain
from ..text import safe
from .load_state import LoadState
from .resource_table import Col, ResourceTable, Row

#: rows per page (the platform's default and maximum page)
PAGE = 500

PageLoader = Callable[[int], Awaitable[Any]]


def result_rows(stats: list[dict[str, str]], metadata: list[Any], offset: int) -> list[Row]:
    rows = []
    for n, values in enumerate(stats):
        cells = [safe(value, 200) for value in row_values(values, metadata)]
        rows.append(Row(key=f"row{offset + n}", cells=cells, copy_id=cells[0].plain if cells else None))
    return rows


def last_page_offset(total: int, page: int = PAGE) -> int:
    """Offset of the page that holds the last row (pages start at multiples of ``page``)."""
    return max(0, (total - 1) // page * page)


class ResultsTable(ResourceTable):
    """The results table: ``G``/``g`` jump to the ends of the whole result, not of the loaded rows."""

    class Jump(Message):
        """Go to the first (``to_end`` False) or last rows of the result."""

        def __init__(self, table: ResultsTable, to_end: bool) -> None:
            self.table = table
            self.to_end = to_end
            super().__init__()

    class NeedEarlier(Message):
        """The cursor is near the first row of a window that does not start at row one."""

        def __init__(self, table: ResultsTable) -> None:
            self.table = table
            super().__init__()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: set by the pane when the window starts after row one
        self.earlier_available = False
        self.export_key = False  # "row12" is no id: the CSV has the result's own columns only

    def action_scroll_bottom(self) -> None:
        if self.more_available and not self.filter_text:
            self.post_message(self.Jump(self, to_end=True))
            return
        super().action_scroll_bottom()

    def action_scroll_top(self) -> None:
        if self.earlier_available and not self.filter_text:
            self.post_message(self.Jump(self, to_end=False))
            return
        super().action_scroll_top()

    @on(DataTable.RowHighlighted)
    def _near_window_top(self, event: DataTable.RowHighlighted) -> None:
        # the cursor as it is now, not as it was when posted: a jump's refill posts stale ones
        if event.data_table is self and self.earlier_available and not self.filter_text \
                and self.cursor_row < 50:
            self.post_message(self.NeedEarlier(self))

    def prepend_rows(self, rows: list[Row]) -> None:
        """Put the page before the window in front of it (the cursor stays on its row)."""
        self.set_rows([*rows, *self._all.values()])


class ResultsPane(Vertical):
    DEFAULT_CSS = """
    ResultsPane { height: 1fr; }
    ResultsPane > .results-footer { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, *, title: str = "results", id: str | None = None) -> None:
        super().__init__(id=id)
        self.table_title = title
        self.total: int | None = None
        #: the window of rows in the table: [start, loaded)
        self.start = 0
        self.loaded = 0
        #: bumped whenever the window is replaced, so a page fetched for the old one is dropped
        self._generation = 0
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
        # a negative or absurd count from the platform is unknown, never "0 of -46,110,231" (issue 16)
        believable = isinstance(total, int) and not isinstance(total, bool) and 0 <= total <= 10**12
        self.total = total if believable else None
        self._update_footer()

    def _ensure_table(self, metadata: list[Any]) -> ResourceTable:
        columns = result_columns(metadata)
        table = self.table
        if table is not None and columns == self._columns:
            return table
        if table is not None:
            table.remove()
        self._metadata, self._columns = list(metadata), columns
        table = ResultsTable([Col(f"c{i}", plain(label, 40)) for i, (_k, label) in enumerate(columns)],
                             title=self.table_title)
        self.mount(table, before=self.query_one(".results-footer"))
        return table

    def paint_first(self, data: Any) -> None:
        """Page one (also on refresh: rows already loaded further down stay)."""
        table = self._ensure_table(data.metadata)
        rows = result_rows(data.stats, self._metadata, 0)
        if self.start > 0:
            pass  # the window is elsewhere (after a jump): page one is not on screen
        elif self.loaded > len(rows):
            table.append_rows(rows)  # same keys: updates page one in place
        else:
            table.set_rows(rows)
            self.loaded = len(rows)
        if self.total is None and isinstance(data.count, int) and 0 <= data.count <= 10**12:
            self.total = max(int(data.count), self.loaded)
        self._update_footer()

    def _update_footer(self) -> None:
        more = self.total is not None and self.loaded < self.total
        table = self.table
        if table is not None:
            table.more_available = more
            table.total = self.total
            if isinstance(table, ResultsTable):
                table.earlier_available = self.start > 0
        total = "?" if self.total is None else f"{self.total:,}"
        if self.start > 0:
            text = Text(f"rows {self.start + 1:,}–{self.loaded:,} of {total} loaded")
            text.append(" · scroll up for earlier rows · g for the first rows", style="dim")
        else:
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
        generation = self._generation
        page = await self._fetch(offset)
        self._loading = False
        if page is None or generation != self._generation:
            return
        rows = result_rows(page.stats, self._metadata, offset)
        table = self.table
        if table is not None:
            table.append_rows(rows)
        self.loaded = max(self.loaded, offset + len(rows))
        if not rows and self.total is not None:
            self.total = self.loaded  # fewer rows than counted: stop asking
        self._update_footer()

    async def _fetch(self, offset: int) -> Any:
        """One page, with the loading state shown; None when it failed (the error is shown)."""
        assert self._load_page is not None
        self.state.loading(f"rows {offset + 1:,}–{offset + PAGE:,}", have_data=True)
        try:
            page = await self._load_page(offset)
        except Exception as exc:
            self.state.failed(exc, have_data=True)
            return None
        self.state.idle()
        return page

    # ------------------------------------------------------------------ jumps
    def on_results_table_jump(self, event: ResultsTable.Jump) -> None:
        event.stop()
        self.jump(to_end=event.to_end)

    def on_results_table_need_earlier(self, event: ResultsTable.NeedEarlier) -> None:
        event.stop()
        if self._loading or self.start <= 0 or self._load_page is None:
            return
        self._loading = True
        self.run_worker(self._earlier_page(max(0, self.start - PAGE)), group="results-page",
                        exit_on_error=False, description="earlier results page")

    def jump(self, *, to_end: bool) -> None:
        """Show the last page (``to_end``) or the first one, fetching only that page."""
        if self._load_page is None or (to_end and self.total is None):
            return
        offset = last_page_offset(self.total) if to_end and self.total else 0
        self._generation += 1
        self._loading = True
        self.run_worker(self._show_window(offset, to_end), group="results-page", exclusive=True,
                        exit_on_error=False, description="results jump")

    async def _show_window(self, offset: int, to_end: bool) -> None:
        generation = self._generation
        try:
            page = await self._fetch(offset)
        finally:
            if generation == self._generation:
                self._loading = False
        table = self.table
        if page is None or table is None or generation != self._generation:
            return
        rows = result_rows(page.stats, self._metadata, offset)
        self._generation += 1
        table.set_rows(rows)
        self.start, self.loaded = offset, offset + len(rows)
        if to_end and self.total is not None and self.loaded < self.total and rows:
            self.total = self.loaded  # fewer rows than counted: the end is where the data ends
        self._update_footer()
        if table.row_count:
            table.move_cursor(row=table.row_count - 1 if to_end else 0, animate=False)

    async def _earlier_page(self, offset: int) -> None:
        generation = self._generation
        page = await self._fetch(offset)
        self._loading = False
        table = self.table
        if page is None or not isinstance(table, ResultsTable) or generation != self._generation:
            return
        rows = result_rows(page.stats, self._metadata, offset)[: self.start - offset]
        table.prepend_rows(rows)
        self.start = offset
        self._update_footer()
