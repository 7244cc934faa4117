"""What a :class:`~tui.ui.widgets.resource_table.ResourceTable` shows: its columns (:class:`Col`), its
rows (:class:`Row`), the natural sort key of a cell, and :func:`painting`, which marks the unreadable
items of the answer being painted. No Textual here."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text

#: the unreadable items of the answer being painted (``BaseScreen`` sets it around a paint): the
#: table that paint fills shows them as one marked row (issue 16)
painting_problems: ContextVar[Sequence[Any]] = ContextVar("painting_problems", default=())
UNREADABLE_KEY = "\x00unreadable"


@contextmanager
def painting(value: Any) -> Iterator[None]:
    """Paint inside this to show ``value``'s unreadable items (a list answer's ``problems``) as a
    marked row of the table being filled; ``BaseScreen`` paints every answer inside it."""
    token = painting_problems.set(getattr(value, "problems", None) or ())
    try:
        yield
    finally:
        painting_problems.reset(token)


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    width: int | None = None
    #: must stay on screen on a narrow terminal like ids and statuses (``ESSENTIAL``): a short id
    #: column such as a company id; not the board's 36-character run ids
    essential: bool = False
    #: long text that must stay on screen too (the board's failure reason): on a narrow terminal it
    #: shares the room with the text columns left of it, cut with an ellipsis, not pushed off screen
    fill: bool = False


@dataclass
class Row:
    """One row: ``key`` is the platform id (the row key), ``cells`` one ``Text`` per column."""

    key: str
    cells: Sequence[Text]
    #: what ``y`` copies (a display id such as CRQ-136017 when there is one, else ``key``)
    copy_id: str | None = None
    #: the model the row was built from, for the screen that opens it
    payload: Any = None
    #: per-column sort values where the shown text would sort wrongly (durations, sizes)
    sort_values: dict[str, Any] | None = None
    _search: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        self.cells = tuple(self.cells)
        for cell in self.cells:  # a value cut by a narrow column ends in "…", never mid-word silently
            if cell.overflow is None:
                cell.overflow = "ellipsis"
        parts = [self.key, self.copy_id or ""] + [c.plain for c in self.cells]
        self._search = "\x00".join(parts).casefold()

    def matches(self, needle: str) -> bool:
        return needle in self._search


def _natural(cell: Text) -> tuple[int, Any]:
    """Sort key from the shown text: numbers as numbers, dashes/blank last."""
    text = cell.plain.strip()
    if not text or text == "–":
        return (2, "")
    try:
        return (0, float(text.replace(",", "")))
    except ValueError:
        return (1, text.casefold())
