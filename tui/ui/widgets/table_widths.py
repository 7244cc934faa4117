"""A :class:`~tui.ui.widgets.resource_table.ResourceTable`'s column widths: measured fast for new
rows (an override of ``DataTable._update_dimensions``: tests/ui/test_textual_internals.py checks its
shape), and fitted to a narrow terminal so ids and statuses stay on screen.

A mixin of ResourceTable (split out of it); it uses the table's spec, rows, sort state and label cuts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.geometry import Size

from .table_rows import Col, Row

#: columns that must stay on screen on a narrow terminal: wide text columns left of them shrink
ESSENTIAL = frozenset({"display_id", "status", "state"})
#: how narrow a shrunk text column may get (cells)
SHRINK_MIN = 14
#: how narrow a column whose header is wider than its values may get ("Detailed l…" over yes/no)
LABEL_MIN = 6


class ColumnWidths:
    """Measures and fits the table's column widths (see the module docstring)."""

    spec: tuple[Col, ...]
    _all: dict[str, Row]
    _label_cut: dict[str, int]
    _sort_col: str | None
    _sort_reverse: bool

    def on_resize(self) -> None:
        self._require_update_dimensions = True  # re-fit on the next idle

    def _fit_width(self) -> bool:
        """Shrink the widest text columns left of the last essential one (id, status) until that
        one is on screen, an 80-column terminal included (the first column, the row's name, last);
        undo it when there is room again.
        Returns whether a width changed."""
        columns = list(self.columns.values())
        keys = [c.key.value for c in columns]
        fill = {c.key for c in self.spec if c.fill}
        essential = ESSENTIAL | fill | {c.key for c in self.spec if c.essential}
        last = max((i for i, k in enumerate(keys) if k in essential), default=None)
        fixed = {c.key for c in self.spec if c.width is not None}
        changed = False
        for column in columns:  # start from the natural widths
            if not column.auto_width and column.key.value not in fixed:
                column.auto_width, changed = True, True
        if last is None or self.size.width <= 0:
            self._label_cut = {}
            return self._refresh_labels() or changed
        pad = 2 * self.cell_padding
        widths = {i: columns[i].content_width for i in range(last + 1)}
        room = self.scrollable_content_region.width + self.cell_padding  # its right padding may be hidden
        excess = sum(w + pad for w in widths.values()) - room
        shrinkable = [i for i in widths if (keys[i] not in essential or keys[i] in fill) and keys[i] not in fixed]

        def text_floor(i: int) -> int:  # a fill column's header gives way too ("Failure re…")
            return SHRINK_MIN if keys[i] in fill else max(SHRINK_MIN, columns[i].label.cell_len)

        # in turn: text wider than its header, down to SHRINK_MIN; headers wider than their values
        # ("Detailed logs" over yes/no: only header letters go); last, the first column, which
        # names the row
        floors = (lambda: {i: text_floor(i) for i in shrinkable if i > 0},
                  lambda: {i: LABEL_MIN for i in shrinkable if self._label_bound(columns[i])},
                  lambda: {i: text_floor(i) for i in shrinkable})
        for make_floor in floors:
            floor = make_floor() if excess > 0 else {}
            while excess > 0:
                candidates = [i for i in floor if widths[i] > floor[i]]
                if not candidates:
                    break
                widest = max(candidates, key=lambda i: widths[i])
                widths[widest] -= 1
                excess -= 1
        self._label_cut = {}
        for i in shrinkable:
            if widths[i] < columns[i].content_width:
                columns[i].width, columns[i].auto_width, changed = widths[i], False, True
                self._label_cut[keys[i]] = widths[i]
        return self._refresh_labels() or changed

    def _refresh_labels(self) -> bool:
        """Headers from the spec: the sort arrow on the sorted column, an ellipsis where a narrow
        terminal cut the column below its header. Returns whether one changed."""
        changed = False
        for col in self.spec:
            column = self.columns.get(col.key)  # type: ignore[call-overload]
            if column is None:
                continue
            label = col.label
            if col.key == self._sort_col:
                label += " ▼" if self._sort_reverse else " ▲"
            cut = self._label_cut.get(col.key)
            if cut is not None and len(label) > cut:
                label = label[:max(cut - 1, 1)] + "…"
            if column.label.plain != label:
                column.label, changed = Text(label), True
        return changed

    def _label_bound(self, column: Any) -> bool:
        """Whether every value of ``column`` is at most LABEL_MIN cells (its header sets its width)."""
        if column.content_width <= LABEL_MIN or column.label.cell_len < column.content_width:
            return False
        index = [c.key for c in self.columns.values()].index(column.key)
        return all(row.cells[index].cell_len <= LABEL_MIN for row in self._all.values()
                   if index < len(row.cells))

    def _update_dimensions(self, new_rows: Iterable[Any]) -> None:
        """Column widths for new rows without a Rich measurement per cell.

        DataTable measures every new cell with Rich on idle (~70 % of the time to show 5,000 rows,
        reference/tui-anchors.md §3). Every cell here is a one-line ``Text`` whose width is simply
        its ``cell_len``; anything else (labels, auto-height rows, other renderables, a Textual that
        changed these internals) takes DataTable's own path.
        """
        try:
            data, locations, rows = self._data, self._row_locations, self.rows
            columns = self.ordered_columns
            widths = [c.content_width for c in columns]
            for key in new_rows:
                if locations.get(key) is None:
                    continue
                row = rows.get(key)
                values = data.get(key)
                if row is None or values is None or row.label is not None or row.auto_height:
                    raise LookupError
                for i, column in enumerate(columns):
                    cell = values.get(column.key)
                    if not isinstance(cell, Text) or "\n" in cell.plain:
                        raise LookupError
                    width = cell.cell_len
                    if width > widths[i]:
                        widths[i] = width
            widened = False
            for column, width in zip(columns, widths, strict=True):
                widened = widened or width != column.content_width
                column.content_width = width
            if widened:  # lines rendered before this were cut to the old widths: render them again
                self._update_count += 1
                self.refresh()
            header = self.header_height if self.show_header else 0
            self.virtual_size = Size(sum(c.get_render_width(self) for c in self.columns.values())
                                     + self._row_label_column_width, self._total_row_height + header)
        except (LookupError, AttributeError, TypeError):
            super()._update_dimensions(new_rows)
        if self._fit_width():  # the new widths: size and lines again
            header = self.header_height if self.show_header else 0
            self.virtual_size = Size(sum(c.get_render_width(self) for c in self.columns.values())
                                     + self._row_label_column_width, self._total_row_height + header)
            self._update_count += 1
            self.refresh()
