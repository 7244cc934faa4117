"""A virtual table for logs of any length (Toolong's approach: the Line API, not a widget per row).

The table never holds rows: it asks its *source* (``tui.core.eventlog.EventFeed`` or ``ListFeed``)
for ``display_count``, ``row_at(i)`` and ``index_of(key)``, renders only the lines on screen in
:meth:`render_line`, and keeps rendered lines in an LRU cache keyed by the row's key. Rows not
loaded yet show as "loading…" and the table asks for them with a :class:`EventTable.NeedRows`
message (each newer one replaces an older one still queued, so a fast scroll asks once).

The selection is a row *key*: when rows are inserted above it (a live tail, newest first) the same
event stays selected and, if the user has scrolled away from the top, the view stays put and the
header counts "▲ N new". Cells are plain strings (sanitised, never markup); search matches are
highlighted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...core.sanitize import plain
from ..bindings import bindings


class Source(Protocol):
    search: str

    @property
    def display_count(self) -> int: ...

    def row_at(self, row: int) -> Any: ...

    def index_of(self, key: str | None) -> int | None: ...


@dataclass(frozen=True)
class Column:
    label: str
    #: cells; None = this column takes the width the others leave
    width: int | None
    cell: Callable[[Any], str]
    #: how narrow it may get on a small terminal, so the flexible column keeps ``FLEX_MIN`` cells
    min_width: int | None = None


FLEX_MIN = 32


class _Empty:
    search = ""
    display_count = 0

    def row_at(self, row: int) -> Any:
        return None

    def index_of(self, key: str | None) -> int | None:
        return None


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells (an ellipsis marks a cut)."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class EventTable(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"event-table--header", "event-table--cursor", "event-table--match",
                         "event-table--placeholder"}
    DEFAULT_CSS = """
    EventTable {
        height: 1fr;
        background: $surface;
        overflow-x: hidden;
    }
    EventTable > .event-table--header {
        text-style: bold;
        background: $panel;
        color: $text-accent;
    }
    EventTable > .event-table--cursor {
        background: $block-cursor-blurred-background;
    }
    EventTable:focus > .event-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    EventTable > .event-table--match {
        background: $warning;
        color: $text;
        text-style: bold;
    }
    EventTable > .event-table--placeholder {
        color: $text-muted;
    }
    """
    BINDINGS = [
        *bindings("open", "down", "up", "top", "bottom"),
        Binding("down", "cursor_down", show=False),
        Binding("up", "cursor_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("pageup", "page_up", show=False),
    ]

    class _RowMessage(Message):
        def __init__(self, table: EventTable, row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> EventTable:
            return self.table

    class Highlighted(_RowMessage):
        """The cursor is on ``row``."""

    class Opened(_RowMessage):
        """Enter (or a second click) on ``row``."""

    class NeedRows(Message):
        """Display rows ``first … last`` are on screen (some may not be loaded)."""

        def __init__(self, table: EventTable, first: int, last: int) -> None:
            super().__init__()
            self.table = table
            self.first = first
            self.last = last

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, EventTable.NeedRows) and message.table is self.table

    def __init__(self, columns: Sequence[Column], *, title: str = "events", newest_first: bool = True,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = tuple(columns)
        self.title = title
        self.newest_first = newest_first
        self.source: Source = _Empty()
        self.cursor = 0
        self.selected_key: str | None = None
        #: rows that arrived while the user was scrolled away from where they appear
        self.new_rows = 0
        self._lines: LRUCache[tuple, Strip] = LRUCache(2048)
        self._highlighted_key: object = object()
        self._width_cache: dict[int, list[int]] = {}

    # ------------------------------------------------------------------ data
    def set_source(self, source: Source, *, newest_first: bool | None = None) -> None:
        self.source = source
        if newest_first is not None:
            self.newest_first = newest_first
        self.cursor = 0
        self.selected_key = None
        self.new_rows = 0
        self.data_changed()
        self.scroll_to(y=0, animate=False, immediate=True)

    @property
    def row_count(self) -> int:
        return self.source.display_count

    @property
    def selected(self) -> Any:
        return self.source.row_at(self.cursor)

    def data_changed(self, new: int = 0) -> None:
        """The source changed; ``new`` rows arrived at the live end (top when newest first)."""
        count = self.row_count
        at_top = self.scroll_y <= 0
        at_bottom = self.scroll_y >= self.max_scroll_y
        index = self.source.index_of(self.selected_key)
        if index is not None:
            self.cursor = index
        else:
            if new and self.newest_first and self.selected_key is None and self.cursor > 0:
                self.cursor += new  # an unloaded row stays the same row
            self.cursor = max(0, min(self.cursor, count - 1))
            found = self.source.row_at(self.cursor)
            self.selected_key = getattr(found, "key", None)
        self.virtual_size = Size(0, count + 1)  # + the header line; no horizontal scrolling
        if new:
            if self.newest_first:
                if not at_top:
                    # keep what the user reads where it is; count what arrived above
                    self.scroll_to(y=self.scroll_y + new, animate=False, immediate=True)
                    self.new_rows += new
            elif at_bottom:
                self.scroll_end(animate=False, immediate=True)
            else:
                self.new_rows += new
        self._lines.clear()
        self.refresh()
        self._ask_rows()
        self._announce()

    def set_search(self, text: str) -> None:
        """Narrow the source to ``text`` (client-side) and highlight it."""
        setter = getattr(self.source, "set_search", None)
        if setter is not None:
            setter(text)
        self.cursor = 0 if self.selected_key is None else self.cursor
        self.data_changed()
        if self.source.index_of(self.selected_key) is None:
            self._move(0)
        else:
            self._scroll_to_cursor()

    def redraw(self) -> None:
        """Render every line again (cell text changed, e.g. company names arrived)."""
        self._lines.clear()
        self.refresh()

    @property
    def filter_text(self) -> str:
        return getattr(self.source, "search", "")

    # ------------------------------------------------------------------ rendering
    def _widths(self, width: int) -> list[int]:
        found = self._width_cache.get(width)
        if found is None:
            found = self._width_cache[width] = self._layout(width)
        return found

    def _layout(self, width: int) -> list[int]:
        widths = [c.width or 0 for c in self.columns]
        flex = [i for i, c in enumerate(self.columns) if c.width is None]
        spare = lambda: width - 1 - sum(widths) - max(0, len(widths) - 1)  # noqa: E731
        # a narrow terminal: shrink the widest shrinkable column a cell at a time
        while flex and spare() < FLEX_MIN * len(flex):
            room = [(widths[i] - (c.min_width or c.width or 0), i) for i, c in enumerate(self.columns)
                    if c.width is not None and widths[i] > (c.min_width or c.width or 0)]
            if not room:
                break
            widths[max(room)[1]] -= 1
        share = max(8, spare()) // len(flex) if flex else 0
        return [share if c.width is None else widths[i] for i, c in enumerate(self.columns)]

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=False)

    def _header(self, width: int) -> Strip:
        key = ("header", width, self.new_rows, self.newest_first)
        found = self._lines.get(key)
        if found is not None:
            return found
        style = self._style("event-table--header")
        text = " " + " ".join(fit(c.label, w) for c, w in zip(self.columns, self._widths(width), strict=True))
        if self.new_rows:
            marker = f" {'▲' if self.newest_first else '▼'} {self.new_rows:,} new "
            text = fit(text, max(0, width - cell_len(marker))) + marker
        strip = Strip([Segment(fit(text, width), style)], width)
        self._lines[key] = strip
        return strip

    def _row_strip(self, row: int, item: Any, width: int) -> Strip:
        is_cursor = row == self.cursor
        needle = self.source.search or ""
        key = (getattr(item, "key", None) or ("#", row), is_cursor, width, needle, self.has_focus)
        found = self._lines.get(key)
        if found is not None:
            return found
        base = self.rich_style
        if is_cursor:
            base = base + self._style("event-table--cursor")
        match = base + self._style("event-table--match")
        segments = [Segment(" ", base)]
        for n, (column, w) in enumerate(zip(self.columns, self._widths(width), strict=True)):
            if n:
                segments.append(Segment(" ", base))
            text = fit(plain(column.cell(item), 400), w)
            segments.extend(_highlight(text, needle, base, match))
        strip = Strip(segments).crop_extend(0, width, base)
        self._lines[key] = strip
        return strip

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # without the scrollbar
        if y == 0:
            return self._header(width)
        row = int(self.scroll_y) + y - 1
        if row >= self.row_count:
            return Strip.blank(width, self.rich_style)
        item = self.source.row_at(row)
        if item is None:
            style = self._style("event-table--placeholder")
            if row == self.cursor:
                style = style + self._style("event-table--cursor")
            return Strip([Segment(fit("  loading…", width), style)], width)
        return self._row_strip(row, item, width)

    # ------------------------------------------------------------------ scrolling and rows wanted
    def visible_rows(self) -> tuple[int, int]:
        first = int(self.scroll_y)
        return first, first + self._view_height() - 1

    def _ask_rows(self) -> None:
        if self.row_count:
            first, last = self.visible_rows()
            self.post_message(self.NeedRows(self, first, min(last, self.row_count - 1)))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.new_rows and ((self.newest_first and new_value <= 0)
                              or (not self.newest_first and new_value >= self.max_scroll_y)):
            self.new_rows = 0
        self._ask_rows()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(0, self.row_count + 1)
        self._lines.clear()
        self._ask_rows()

    def on_focus(self) -> None:
        self._lines.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._lines.clear()
        self.refresh()

    # ------------------------------------------------------------------ cursor
    def _view_height(self) -> int:
        """Data lines on screen (the header takes one)."""
        return max(1, self.scrollable_content_region.height - 1)

    def _page(self) -> int:
        return max(1, self._view_height() - 1)

    def _scroll_to_cursor(self) -> None:
        height = self._view_height()
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _move(self, row: int) -> None:
        count = self.row_count
        row = max(0, min(row, count - 1)) if count else 0
        old = self.cursor
        self.cursor = row
        found = self.source.row_at(row)
        self.selected_key = getattr(found, "key", None)
        self._scroll_to_cursor()
        top = int(self.scroll_y)
        for r in (old, row):
            if top <= r < top + self.size.height:
                self.refresh_line(r - top + 1)
        self._announce()

    def _announce(self) -> None:
        found = self.source.row_at(self.cursor)
        marker = getattr(found, "key", None) if found is not None else ("#", self.cursor)
        if marker != self._highlighted_key:
            self._highlighted_key = marker
            self.post_message(self.Highlighted(self, found))

    def select_key(self, key: str) -> bool:
        index = self.source.index_of(key)
        if index is None:
            return False
        self._move(index)
        return True

    def move_to(self, row: int) -> None:
        self._move(row)
        self.scroll_to(y=max(0, row - 2), animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_page_down(self) -> None:
        self._move(self.cursor + self._page())

    def action_page_up(self) -> None:
        self._move(self.cursor - self._page())

    def action_scroll_top(self) -> None:
        self._move(0)
        self.scroll_to(y=0, animate=False, immediate=True)
        if self.newest_first:
            self.new_rows = 0

    def action_scroll_bottom(self) -> None:
        self._move(self.row_count - 1)
        if not self.newest_first:
            self.new_rows = 0

    def action_select_cursor(self) -> None:
        found = self.selected
        if found is not None:
            self.post_message(self.Opened(self, found))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        row = int(self.scroll_y) + event.y - 1
        if row < self.row_count:
            self._move(row)
            if event.chain >= 2:
                self.action_select_cursor()


def _highlight(text: str, needle: str, base: Style, match: Style) -> list[Segment]:
    """``text`` as segments, occurrences of ``needle`` (lower-case) in the match style."""
    if not needle:
        return [Segment(text, base)]
    lowered = text.lower()
    if len(lowered) != len(text):  # case folding changed lengths: highlight nothing rather than wrong
        return [Segment(text, base)]
    out: list[Segment] = []
    start = 0
    while True:
        at = lowered.find(needle, start)
        if at < 0:
            break
        if at > start:
            out.append(Segment(text[start:at], base))
        out.append(Segment(text[at:at + len(needle)], match))
        start = at + len(needle)
    if start < len(text):
        out.append(Segment(text[start:], base))
    return out
