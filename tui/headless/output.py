"""What the headless commands write: data on stdout, everything else on stderr.

stdout carries exactly one of

- a plain-text table (the default), every cell passed through :func:`~tui.core.sanitize.plain`
  and column widths fitted to the content — and, on a terminal, to its width;
- ``--json``: one JSON document;
- ``--jsonl``: one JSON object per line (flushed per line, for ``--follow`` and ``watch``).

JSON is written with ``ensure_ascii=True``: API strings come from other companies, and escaping
every non-ASCII character keeps bidi overrides and C1 controls inert on a terminal (``jq`` decodes
them back). Narration, progress, warnings and errors go to stderr, prefixed ``cleanroom-tui:``.
"""

from __future__ import annotations

import json
import shutil
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from ..core.sanitize import plain

PREFIX = "cleanroom-tui"
TABLE, JSON, JSONL = "table", "json", "jsonl"
GAP = "  "
ELLIPSIS = "…"
#: a cell never grows beyond this many characters, even off a terminal
MAX_CELL = 200


@dataclass(frozen=True)
class Column:
    """One table column: ``get`` turns a record into the cell's raw value (sanitized here)."""

    header: str
    get: Callable[[Any], Any]
    #: may be shrunk (with an ellipsis) to fit the terminal; fixed columns (ids, times) never are
    flex: bool = False
    min_width: int = 6
    right: bool = False


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: wide East Asian characters count 2, combining marks 0."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, ending in an ellipsis when cut."""
    if cell_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = 0 if unicodedata.combining(ch) else (2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - cell_width(text))
    return gap + text if right else text + gap


def fit_widths(natural: list[int], columns: Sequence[Column], total: int | None) -> list[int]:
    """Column widths: the content's own, shrunk (flexible columns first, widest first) to ``total``."""
    widths = list(natural)
    if total is None:
        return widths
    budget = total - len(GAP) * (len(widths) - 1)
    while sum(widths) > budget:
        shrinkable = [i for i, c in enumerate(columns) if c.flex and widths[i] > max(c.min_width, len(c.header))]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        floor = max(columns[widest].min_width, len(columns[widest].header))
        widths[widest] = max(floor, widths[widest] - max(1, (sum(widths) - budget) // len(shrinkable)))
    return widths


def render_table(columns: Sequence[Column], records: Iterable[Any], width: int | None = None) -> list[str]:
    """The table's lines (header first); ``width`` is the terminal width to fit, None for no limit.
    Columns empty in every row are left out."""
    rows = [[clip(plain(c.get(r), max_len=None), MAX_CELL) for c in columns] for r in records]
    if rows:  # a column with nothing in it (no failure reasons, say) only costs width
        keep = [i for i in range(len(columns)) if any(row[i] for row in rows)]
        columns = [columns[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
    natural = [max([len(c.header), *(cell_width(row[i]) for row in rows)]) for i, c in enumerate(columns)]
    widths = fit_widths(natural, columns, width)
    lines = [GAP.join(pad(c.header, widths[i], c.right) for i, c in enumerate(columns)).rstrip()]
    for row in rows:
        lines.append(GAP.join(pad(clip(cell, widths[i]), widths[i], columns[i].right)
                              for i, cell in enumerate(row)).rstrip())
    return lines


def to_json(doc: Any, *, indent: int | None = 2) -> str:
    """``doc`` as JSON: a list one element per line (each element compact), anything else indented.

    ``json`` encodes in C only without ``indent``: indenting 300 runs in Python would cost more
    than the whole request, and one run per line is as easy to read, grep and diff."""
    if indent and isinstance(doc, list):
        if not doc:
            return "[]"
        return "[\n" + ",\n".join(" " * indent + to_json(item, indent=None) for item in doc) + "\n]"
    return json.dumps(doc, indent=indent, ensure_ascii=True, default=str,
                      separators=None if indent else (",", ":"))


class Output:
    """The one place a headless command writes to (tests pass string buffers)."""

    def __init__(self, mode: str = TABLE, *, stdout: TextIO | None = None, stderr: TextIO | None = None,
                 verbose: bool = False) -> None:
        self.mode = mode
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.verbose = verbose
        self._noted: set[str] = set()

    @property
    def machine(self) -> bool:
        return self.mode in (JSON, JSONL)

    def terminal_width(self) -> int | None:
        """Fit tables to the terminal only when stdout is one; a pipe gets full cells."""
        try:
            if not self.stdout.isatty():
                return None
        except (AttributeError, ValueError):
            return None
        return shutil.get_terminal_size((120, 24)).columns

    # ------------------------------------------------------------------ stderr

    def note(self, text: str, *, once: str | None = None) -> None:
        """Narration for the human at the terminal (never on stdout)."""
        if once is not None:
            if once in self._noted:
                return
            self._noted.add(once)
        print(f"{PREFIX}: {plain(text, max_len=2000)}", file=self.stderr, flush=True)

    def debug(self, text: str) -> None:
        if self.verbose:
            self.note(text)

    def warn(self, text: str, *, once: str | None = None) -> None:
        self.note(f"warning: {text}", once=once)

    def error(self, text: str, hint: str = "") -> None:
        self.note(f"error: {text}")
        if hint:
            self.note(f"hint: {hint}")

    # ------------------------------------------------------------------ stdout

    def line(self, text: str = "") -> None:
        print(text, file=self.stdout, flush=True)

    def json(self, doc: Any) -> None:
        self.line(to_json(doc))

    def jsonl(self, obj: Any) -> None:
        self.line(to_json(obj, indent=None))

    def table(self, columns: Sequence[Column], records: Sequence[Any], *, title: str | None = None) -> None:
        if title:
            self.line(plain(title, max_len=300))
        for text in render_table(columns, records, self.terminal_width()):
            self.line(text)

    def pairs(self, items: Sequence[tuple[str, Any]]) -> None:
        """A record as aligned ``label  value`` lines (empty values left out)."""
        shown = [(label, plain(value, max_len=1000)) for label, value in items if value not in (None, "")]
        width = max((len(label) for label, _ in shown), default=0)
        for label, value in shown:
            self.line(f"{label.ljust(width)}{GAP}{value}")

    def records(self, items: Sequence[dict[str, Any]], columns: Sequence[Column], *,
                sources: Sequence[Any] | None = None, empty: str = "nothing to show",
                title: str | None = None) -> None:
        """A list result: ``items`` (JSON-ready dicts) as a document, as lines, or as a table of
        ``sources`` (the models the dicts came from; default: the dicts themselves)."""
        if self.mode == JSON:
            self.json(list(items))
        elif self.mode == JSONL:
            for item in items:
                self.jsonl(item)
        elif not items:
            self.note(empty)
        else:
            self.table(columns, list(sources) if sources is not None else list(items), title=title)

    def document(self, doc: Any, render: Callable[[], None]) -> None:
        """A single result: ``doc`` as JSON (one line with ``--jsonl``), or ``render()`` as text."""
        if self.mode == JSON:
            self.json(doc)
        elif self.mode == JSONL:
            self.jsonl(doc)
        else:
            render()


__all__ = ["GAP", "JSON", "JSONL", "TABLE", "Column", "Output", "cell_width", "clip", "fit_widths", "render_table",
           "to_json"]
