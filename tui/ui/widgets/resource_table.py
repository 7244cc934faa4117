"""The one table every list in the app uses.

- rows are keyed by the platform's ids and refreshed by a keyed diff: changed cells are
  ``update_cell``-ed, new rows added, gone rows removed — never clear-and-reload (a refresh keeps
  the cursor, scroll position and filter). Only a diff that removes most of a large table falls
  back to one bulk rebuild, which is cheaper than thousands of single removals;
- ``/`` filtering (the screen's filter bar calls :meth:`set_filter`), header-click sorting;
- vi keys; ``y`` copy and ``e`` export read :attr:`selected` and :meth:`visible_rows`;
- every cell is a ``rich.text.Text`` built from sanitised API text: never markup.

Modules: columns, rows and :func:`painting` are :mod:`.table_rows`; column widths (fast measuring,
fitting a narrow terminal) :mod:`.table_widths`, a mixin of :class:`ResourceTable`. This module
re-exports their names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from ..bindings import bindings
from .table_rows import UNREADABLE_KEY, Col, Row, _natural, painting, painting_problems
from .table_widths import ESSENTIAL, LABEL_MIN, SHRINK_MIN, ColumnWidths

# a bulk removal larger than this (and than half the table) rebuilds instead of removing one by one
_BULK_REMOVE = 200


class TableMessage(Message):
    """A message about one table (its ``control``, so handlers can tell tables apart)."""

    def __init__(self, table: ResourceTable) -> None:
        self.table = table
        super().__init__()

    @property
    def control(self) -> ResourceTable:
        return self.table


class ResourceTable(ColumnWidths, DataTable):
    """A keyed, filterable, sortable table of platform objects."""

    BINDINGS = [
        *bindings("open", "down", "up", "top", "bottom", "sort", "reverse"),
    ]

    class NeedMore(TableMessage):
        """The cursor is near the last loaded row and the table says more rows exist."""

    class Filtered(TableMessage):
        """The ``/`` filter changed, or the rows under an active one did: the owner's title says
        "4 of 8 · filter: attrib" (a kept filter must not be invisible)."""

    class Opened(Message):
        """A row was chosen (Enter or click on the highlighted row)."""

        def __init__(self, table: ResourceTable, row: Row) -> None:
            self.table = table
            self.row = row
            super().__init__()

        @property
        def control(self) -> ResourceTable:
            return self.table

    def __init__(self, columns: Sequence[Col], *, title: str = "rows", id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self.spec = tuple(columns)
        #: exports start with an "id" column of the row keys (the platform's ids); off where keys
        #: are made up (result rows), so a file holds what the screen shows
        self.export_key = True
        #: what the table holds, used in export file names and notifications
        self.title = title
        self._all: dict[str, Row] = {}
        self._filter = ""
        self._sort_col: str | None = None
        self._sort_reverse = False
        #: set by the owner when the platform has more rows than loaded (paged results)
        self.more_available = False
        #: shown under the table by the owner ("500 of 12,345 rows")
        self.total: int | None = None
        #: column key → width a narrow terminal cut it to (its header then ends in "…")
        self._label_cut: dict[str, int] = {}
        #: columns exist only once mounted; rows set before that are shown on mount
        self._ready = False
        #: the cursor was put on a row by the user (a key, a click, ``select_key``): a refresh keeps
        #: it on that row, wherever it moves. Until then it stays on the top row, so a fresh row
        #: arriving above a cached one is what Enter opens (issue 18 item 12)
        self._chosen = False
        #: cursor moves made by a refresh, not by the user
        self._moving = False
        #: (shown, loaded, filter) last announced with ``Filtered``
        self._announced: tuple[int, int, str] = (0, 0, "")

    def on_mount(self) -> None:
        for col in self.spec:
            self.add_column(Text(col.label), key=col.key, width=col.width)
        self._ready = True
        if self._all:
            self._sync()  # rows given before the table was mounted

    # ------------------------------------------------------------------ data
    @property
    def filter_text(self) -> str:
        return self._filter

    @property
    def loaded_count(self) -> int:
        return len(self._all)

    def set_rows(self, rows: Iterable[Row]) -> None:
        """Make the table show exactly ``rows`` (in platform order), by keyed diff."""
        new: dict[str, Row] = {}
        for row in rows:
            new[row.key] = row
        problems = painting_problems.get()
        if problems:
            new[UNREADABLE_KEY] = self._unreadable_row(problems)
        self._all = new
        self._sync()

    def _unreadable_row(self, problems: Sequence[Any]) -> Row:
        """"⚠ 1 item could not be read: field, value" in the first column (the rest blank)."""
        from ...api.items import summary
        from ...core.sanitize import plain

        cells = [Text(f"⚠ {plain(summary(problems), 200)}", style="bold yellow")]
        cells += [Text("") for _ in self.spec[1:]]
        return Row(key=UNREADABLE_KEY, cells=cells, copy_id=None)

    def append_rows(self, rows: Iterable[Row]) -> None:
        """Add rows after the loaded ones (the next page of results)."""
        for row in rows:
            self._all[row.key] = row
        self._sync()

    def set_filter(self, text: str) -> None:
        text = text.strip()
        if text != self._filter:
            self._filter = text
            self._sync()

    def filter_note(self) -> str:
        """What a title adds while a ``/`` filter is kept: "4 of 8 · filter: attrib" ("" without one)."""
        if not self._filter:
            return ""
        from ..text import safe

        return f"{self.row_count:,} of {len(self._all):,} · filter: {safe(self._filter, 30).plain}"

    def visible_rows(self) -> list[Row]:
        """Rows as shown: filtered and sorted."""
        rows = list(self._all.values())
        if self._filter:
            needle = self._filter.casefold()
            rows = [r for r in rows if r.matches(needle)]
        if self._sort_col is not None:
            index = next((i for i, c in enumerate(self.spec) if c.key == self._sort_col), None)
            if index is not None:
                key = self._sort_col

                def sort_key(r: Row) -> tuple[int, Any]:
                    if r.sort_values and key in r.sort_values:
                        v = r.sort_values[key]
                        return (2, "") if v is None else (0, v) if isinstance(v, int | float) else (1, v)
                    return _natural(r.cells[index])

                rows.sort(key=sort_key, reverse=self._sort_reverse)
        return rows

    def _sync(self) -> None:
        if not self._ready:
            return
        self._moving = True
        try:
            self._sync_rows()
        finally:
            self._moving = False
        announce = (self.row_count, len(self._all), self._filter)
        if announce != self._announced and (self._filter or self._announced[2]):
            self.post_message(self.Filtered(self))
        self._announced = announce

    def _sync_rows(self) -> None:
        wanted = self.visible_rows()
        wanted_keys = [r.key for r in wanted]
        selected = self.selected_key if self._chosen else None
        current = {k.value for k in self.rows}
        wanted_set = set(wanted_keys)
        gone = current - wanted_set
        if len(gone) > _BULK_REMOVE and len(gone) * 2 > len(current):
            self.clear()
            current = set()
            gone = set()
        for key in gone:
            self.remove_row(key)
        for row in wanted:
            if row.key in current:
                self._update_row(row)
            else:
                self.add_row(*row.cells, key=row.key)
        self._reorder(wanted_keys)
        self._restore_cursor(selected)

    def _update_row(self, row: Row) -> None:
        old = self.get_row(row.key)
        changed = False
        for col, before, after in zip(self.spec, old, row.cells, strict=False):
            if not isinstance(before, Text) or before.plain != after.plain or before.style != after.style \
                    or before.spans != after.spans:
                self.update_cell(row.key, col.key, after)
                changed = True
        if changed:
            # a cell that grew (QUEUED → COMPLETED) widens its column instead of being cut. Not
            # update_cell(update_width=True): for a cell narrower than its column DataTable then
            # measures the whole column with Rich (50 changed rows of 5,000: 250k measurements, 6 s);
            # queued as a "new row", the row goes through the cell_len pass in _update_dimensions
            try:
                self._new_rows.add(RowKey(row.key))
                self._require_update_dimensions = True
            except AttributeError:  # a Textual without these internals: its own (slower) way
                for col, after in zip(self.spec, row.cells, strict=False):
                    self.update_cell(row.key, col.key, after, update_width=True)

    def _reorder(self, keys: list[str]) -> None:
        """Put rows in ``keys`` order using only public API: sort by a map from each row's first
        cell object (unique per row) to its wanted position."""
        if not keys or self.spec == ():
            return
        in_order = all(self.get_row_index(k) == i for i, k in enumerate(keys))
        if in_order:
            return
        first_col = self.spec[0].key
        position = {id(self.get_cell(k, first_col)): i for i, k in enumerate(keys)}
        self.sort(first_col, key=lambda cell: position.get(id(cell), len(position)))

    def _restore_cursor(self, key: str | None) -> None:
        if key is None or self.row_count == 0:
            return
        try:
            index = self.get_row_index(key)
        except Exception:
            return
        if index != self.cursor_row:
            self.move_cursor(row=index, animate=False)

    # ------------------------------------------------------------------ selection
    @property
    def selected_key(self) -> str | None:
        if self.row_count == 0:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:
            return None

    @property
    def selected(self) -> Row | None:
        key = self.selected_key
        return self._all.get(key) if key is not None else None

    def row(self, key: str) -> Row | None:
        return self._all.get(key)

    @property
    def chosen(self) -> bool:
        """Whether the cursor's row was picked (by the user or ``select_key``), not just the top row."""
        return self._chosen

    def select_key(self, key: str, *, chosen: bool = True) -> bool:
        """Put the cursor on ``key``; ``chosen=False``: as a refresh would (it stays the top-row default)."""
        moving, self._moving = self._moving, True
        try:
            self.move_cursor(row=self.get_row_index(key), animate=False)
        except Exception:
            return False
        finally:
            self._moving = moving
        self._chosen = self._chosen or chosen
        return True

    def watch_cursor_coordinate(self, old: Any, new: Any) -> None:
        super().watch_cursor_coordinate(old, new)
        if not self._moving and old != new:
            self._chosen = True

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table is not self:
            return
        row = self._all.get(event.row_key.value)
        if row is not None:
            event.stop()
            if row.key != UNREADABLE_KEY:  # nothing to open
                self.post_message(self.Opened(self, row))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table is self and self.more_available and not self._filter \
                and event.cursor_row >= self.row_count - 50:
            self.post_message(self.NeedMore(self))

    # ------------------------------------------------------------------ sorting
    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        if event.data_table is not self:
            return
        event.stop()
        key = event.column_key.value
        if key == self._sort_col:
            self._sort_reverse = not self._sort_reverse
        else:
            self._sort_col, self._sort_reverse = key, False
        self._apply_sort()

    def action_sort_next(self) -> None:
        keys = [c.key for c in self.spec]
        if not keys:
            return
        index = keys.index(self._sort_col) + 1 if self._sort_col in keys else 0
        self._sort_col, self._sort_reverse = keys[index % len(keys)], False
        self._apply_sort()

    def action_sort_reverse(self) -> None:
        if self._sort_col is None and self.spec:
            self._sort_col = self.spec[0].key
        self._sort_reverse = not self._sort_reverse
        self._apply_sort()

    def sort_by(self, key: str | None, reverse: bool = False) -> None:
        self._sort_col, self._sort_reverse = key, reverse
        self._apply_sort()

    def _apply_sort(self) -> None:
        self._refresh_labels()
        self._sync()
        self.refresh()

    # ------------------------------------------------------------------ snapshots
    def snapshot(self) -> list[list[Any]]:
        """The loaded rows as JSON (platform order): a view cache that paints before any model
        or HTTP library is imported on the next start."""
        return [[r.key, r.copy_id, [[c.plain, str(c.style) if c.style else ""] for c in r.cells]]
                for r in self._all.values()]

    @staticmethod
    def rows_from_snapshot(data: Any) -> list[Row]:
        from ...core.sanitize import plain

        rows = []
        for item in data if isinstance(data, list) else []:
            try:
                key, copy_id, cells = item
                rows.append(Row(key=str(key), copy_id=str(copy_id) if copy_id else None,
                                cells=[Text(plain(text, None), style=str(style)) for text, style in cells]))
            except (TypeError, ValueError):
                continue  # a malformed snapshot row is skipped; the fresh load replaces it anyway
        return rows

    # ------------------------------------------------------------------ export
    def export_rows(self) -> tuple[list[str], list[list[str]]]:
        rows = self.visible_rows()
        if not self.export_key:  # the row keys are made up (row12): only what is on screen
            return [c.label for c in self.spec], [[c.plain for c in r.cells] for r in rows]
        return ["id", *(c.label for c in self.spec)], [[r.key, *(c.plain for c in r.cells)] for r in rows]

    def export(self, path: Path) -> int:
        """Write the visible rows to ``path`` (JSON if it ends in .json, else CSV); returns rows.
        Through :mod:`tui.core.export`: atomic, sanitised, formula-safe."""
        from ...core.export import is_json_path, write_csv, write_json

        labels, rows = self.export_rows()
        if is_json_path(path):
            return write_json(path, (dict(zip(labels, row, strict=False)) for row in rows), indent=2)
        return write_csv(path, labels, rows)


__all__ = [
    "ESSENTIAL", "LABEL_MIN", "SHRINK_MIN", "UNREADABLE_KEY", "Col", "ResourceTable", "Row", "TableMessage",
    "painting", "painting_problems",
]
