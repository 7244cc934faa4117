"""Runs marked with ``space`` for a comparison (issue 20.1): at most two, the oldest mark dropped.

A marked row's first cell starts with a marker; the screens decorate their rows with
:meth:`Marks.decorate` whenever they paint, so a refresh keeps the marks.
"""

from __future__ import annotations

from rich.text import Text

from .widgets.resource_table import Row

MARK = "◆ "


class Marks:
    def __init__(self, limit: int = 2) -> None:
        self.limit = limit
        self.keys: list[str] = []

    def toggle(self, key: str) -> bool:
        """Mark ``key`` (dropping the oldest mark beyond the limit) or unmark it; True when marked."""
        if key in self.keys:
            self.keys.remove(key)
            return False
        self.keys.append(key)
        del self.keys[:-self.limit]
        return True

    def __contains__(self, key: object) -> bool:
        return key in self.keys

    def __len__(self) -> int:
        return len(self.keys)

    def keep(self, present: set[str]) -> None:
        """Forget marks on rows that are gone."""
        self.keys = [k for k in self.keys if k in present]

    def decorate(self, row: Row) -> Row:
        if row.key not in self.keys or not row.cells:
            return row
        first = Text.assemble((MARK, "bold magenta"), row.cells[0])
        return Row(key=row.key, cells=(first, *row.cells[1:]), copy_id=row.copy_id, payload=row.payload,
                   sort_values=row.sort_values)

    def said(self) -> str:
        """What a toast says after a mark."""
        if len(self.keys) >= self.limit:
            return "Two runs marked: press c to compare them (space again unmarks)."
        if self.keys:
            return "One run marked: mark another with space, then press c (c now compares it with the previous run)."
        return "No run marked."


__all__ = ["MARK", "Marks"]
