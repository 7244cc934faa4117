"""Compare two runs' results (issue 20.1): "did last night's numbers change?".

A :class:`Comparison` holds the two sides (a LiveRamp question run or an InfoSum insight query:
name, status, timings, parameters, row total) and joins their result rows on the *dimension*
columns, keeping each *measure*'s value in both runs, the absolute and relative change, and
marking rows only in one run. It is fed page by page (:meth:`Comparison.add`), so a 1M-row result
is never loaded whole: the caller compares as many rows as it has budget for and
:meth:`Comparison.scope` says what was compared ("first 50,000 rows of 1,000,000").

Which columns are dimensions: the non-numeric ones (the ``group by`` keys of an analytical
question, a list question's ids and segments); with none, the first column (``group by 1`` over a
number, e.g. days to convert). Every other numeric column is a measure.

Rows are sorted by their largest change: rows only in one run first, then by the largest
relative change of any measure (a change from 0 counts as infinite), then the absolute one.

No Textual, no pydantic, no httpx: the headless ``compare`` uses this as it is. The loading
(which reads, in what order, within which budget) is :mod:`tui.core.compare_load`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: result data types the platforms call numbers (LiveRamp ``dataType``, InfoSum measures)
NUMERIC_TYPES = frozenset({"LONG", "INTEGER", "INT", "BIGINT", "SMALLINT", "SHORT", "DOUBLE", "FLOAT",
                           "DECIMAL", "NUMBER", "NUMERIC", "REAL"})

ONLY_A = "only in A"
ONLY_B = "only in B"
CHANGED = "changed"
SAME = "same"


@dataclass
class Side:
    """One run (or insight query) being compared."""

    id: str
    name: str = ""
    status: str = ""
    submitted_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    #: the platform's total row count (None: not known)
    total: int | None = None
    #: rows of this side compared so far
    compared: int = 0

    @property
    def queued_seconds(self) -> float | None:
        return _seconds(self.submitted_at, self.started_at)

    @property
    def run_seconds(self) -> float | None:
        return _seconds(self.started_at, self.completed_at)


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str = ""

    @property
    def numeric(self) -> bool:
        return self.data_type.upper() in NUMERIC_TYPES


def split_columns(columns: Sequence[Column]) -> tuple[list[Column], list[Column]]:
    """(dimensions, measures) of a result's columns (see the module docstring)."""
    dims = [c for c in columns if not c.numeric]
    if not dims and columns:
        dims = [columns[0]]
    measures = [c for c in columns if c.numeric and c not in dims]
    return dims, measures


def number(value: Any) -> float | None:
    """A result cell as a number (the platform sends strings), or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    try:
        got = float(str(value).replace(",", "").strip())
    except ValueError:
        return None
    return got if math.isfinite(got) else None


@dataclass
class Change:
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def relative(self) -> float | None:
        """(B − A) / |A|; infinite when A is 0 and B is not; None when a side is missing."""
        delta = self.delta
        if delta is None:
            return None
        if self.a == 0:
            return 0.0 if delta == 0 else math.copysign(math.inf, delta)
        return delta / abs(self.a)  # type: ignore[operator]


@dataclass
class Line:
    """One joined result row: its dimension values and each measure in both runs."""

    key: tuple[str, ...]
    a: Mapping[str, Any] | None = None
    b: Mapping[str, Any] | None = None
    #: the sort key, worked out once per change of a side
    rank: tuple[int, float, float] | None = None
    #: which repeat of these dimension values in its run (0: the first), for a stable row id
    nth: int = 0

    @property
    def ident(self) -> str:
        return "\x1f".join(self.key) + (f"\x1f#{self.nth}" if self.nth else "")

    @property
    def presence(self) -> str:
        return ONLY_A if self.b is None else ONLY_B if self.a is None else "both"


class Comparison:
    """Two sides, their parameters and their joined results (fed page by page)."""

    def __init__(self, a: Side, b: Side, *, kind: str = "run") -> None:
        self.a = a
        self.b = b
        #: "run" (LiveRamp question runs) or "query" (InfoSum insight queries)
        self.kind = kind
        self.dims: list[Column] = []
        self.measures: list[Column] = []
        self._lines: dict[tuple[Any, ...], Line] = {}
        self._seen: dict[str, dict[tuple[str, ...], int]] = {"a": {}, "b": {}}
        self._sorted: list[Line] | None = None
        #: why the comparison stopped short of every row (budget, an error), for the scope line
        self.stopped: str = ""

    # ------------------------------------------------------------------ feeding
    def set_columns(self, columns: Sequence[Column]) -> None:
        """The result's columns (from the first page of either side; both ran the same question)."""
        if not self.dims and not self.measures:
            self.dims, self.measures = split_columns(list(columns))

    def add(self, side: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Join one page of ``side`` ("a" or "b") rows in; returns how many were added."""
        seen = self._seen[side]
        added = 0
        for row in rows:
            key = tuple("" if row.get(d.name) is None else str(row.get(d.name)) for d in self.dims)
            # the same dimension values twice in one run (a list question's repeats) stay two rows
            nth = seen.get(key, 0)
            seen[key] = nth + 1
            line = self._lines.get((key, nth))
            if line is None:
                line = self._lines[(key, nth)] = Line(key, nth=nth)
            setattr(line, side, row)
            line.rank = None
            added += 1
        (self.a if side == "a" else self.b).compared += added
        self._sorted = None
        return added

    # ------------------------------------------------------------------ reading
    def change(self, line: Line, measure: Column) -> Change:
        return Change(number(line.a.get(measure.name)) if line.a is not None else None,
                      number(line.b.get(measure.name)) if line.b is not None else None)

    def status(self, line: Line) -> str:
        if line.presence != "both":
            return line.presence
        differs = any(self.change(line, m).delta not in (0, None) for m in self.measures) or any(
            str(line.a.get(m.name)) != str(line.b.get(m.name)) for m in self.measures)  # type: ignore[union-attr]
        return CHANGED if differs else SAME

    def score(self, line: Line) -> tuple[int, float, float]:
        """Sort key, largest change first: presence, then |relative|, then |absolute| change."""
        if line.presence != "both":
            return (1, math.inf, math.inf)
        rel = 0.0
        dif = 0.0
        for m in self.measures:
            c = self.change(line, m)
            if c.relative is not None:
                rel = max(rel, abs(c.relative))
            if c.delta is not None:
                dif = max(dif, abs(c.delta))
        return (0, rel, dif)

    def lines(self) -> list[Line]:
        """Every joined row, largest change first (sorted once per batch of pages)."""
        if self._sorted is None:
            for line in self._lines.values():
                if line.rank is None:
                    line.rank = self.score(line)
            self._sorted = sorted(self._lines.values(), key=lambda line: line.rank, reverse=True)  # type: ignore[arg-type,return-value]
        return self._sorted

    def counts(self) -> dict[str, int]:
        out = {CHANGED: 0, SAME: 0, ONLY_A: 0, ONLY_B: 0}
        for line in self._lines.values():
            out[self.status(line)] += 1
        return out

    def parameters(self) -> list[tuple[str, str, str, bool]]:
        """(name, value in A, value in B, differs) for every parameter of either run."""
        names = list(dict.fromkeys([*self.a.parameters, *self.b.parameters]))
        out = []
        for name in names:
            va, vb = self.a.parameters.get(name), self.b.parameters.get(name)
            out.append((name, "" if va is None else va, "" if vb is None else vb, va != vb))
        return out

    @property
    def complete(self) -> bool:
        """Every row of both sides was compared."""
        return all(s.total is not None and s.compared >= s.total for s in (self.a, self.b))

    def scope(self) -> str:
        """What was compared, in words: "first 50,000 rows of 1,000,000 (A) and 998,311 (B)"."""
        a, b = self.a, self.b
        if self.complete:
            text = f"all rows compared: {a.compared:,} (A) and {b.compared:,} (B)"
        else:
            def of(s: Side) -> str:
                return f"{s.total:,}" if s.total is not None else "an unknown number"

            text = (f"first {a.compared:,} rows of {of(a)} (A) and first {b.compared:,} of {of(b)} (B); "
                    "rows only in one run are only in the rows compared")
        return f"{text} ({self.stopped})" if self.stopped else text

    # ------------------------------------------------------------------ export
    def header(self) -> list[str]:
        cols = ["change"] + [d.name for d in self.dims]
        for m in self.measures:
            cols += [f"{m.name} A", f"{m.name} B", f"{m.name} Δ", f"{m.name} Δ%"]
        return cols

    def row_values(self, line: Line) -> list[Any]:
        out: list[Any] = [self.status(line), *line.key]
        for m in self.measures:
            c = self.change(line, m)
            rel = c.relative
            out += [_raw(line.a, m), _raw(line.b, m), _num(c.delta),
                    None if rel is None else ("inf" if math.isinf(rel) else round(rel * 100, 4))]
        return out

    def table(self) -> tuple[list[str], list[list[Any]]]:
        return self.header(), [self.row_values(line) for line in self.lines()]

    def side_record(self, s: Side) -> dict[str, Any]:
        return {"id": s.id, "name": s.name, "status": s.status,
                "submittedAt": _iso(s.submitted_at), "startedAt": _iso(s.started_at),
                "completedAt": _iso(s.completed_at), "queuedSeconds": s.queued_seconds,
                "runSeconds": s.run_seconds, "rows": s.total, "rowsCompared": s.compared,
                "parameters": dict(s.parameters)}

    def document(self, limit: int | None = None) -> dict[str, Any]:
        """The whole comparison as JSON (the headless ``--json`` and the JSON export)."""
        header, rows = self.table()
        return {
            "kind": self.kind, "a": self.side_record(self.a), "b": self.side_record(self.b),
            "scope": self.scope(), "complete": self.complete, "counts": self.counts(),
            "dimensions": [d.name for d in self.dims], "measures": [m.name for m in self.measures],
            "parameters": [{"name": n, "a": va, "b": vb, "differs": d} for n, va, vb, d in self.parameters()],
            "rows": [dict(zip(header, r, strict=False)) for r in (rows if limit is None else rows[:limit])],
        }

    def export(self, path: Any) -> int:
        """Write the comparison through the app's one export writer (JSON for .json, else CSV)."""
        import json

        from .export import clean, is_json_path, write_atomic, write_csv

        if is_json_path(path):
            doc = self.document()

            def fill(fh: Any) -> int:
                fh.write(json.dumps(clean(doc), ensure_ascii=False, indent=2, default=str) + "\n")
                return len(doc["rows"])

            return write_atomic(path, fill)
        header, rows = self.table()
        return write_csv(path, header, rows)


def _raw(row: Mapping[str, Any] | None, m: Column) -> Any:
    if row is None:
        return None
    value = row.get(m.name)
    got = number(value)
    return value if got is None else (int(got) if got.is_integer() and "." not in str(value) else got)


def _num(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value.is_integer() else round(value, 6)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


__all__ = ["CHANGED", "Change", "Column", "Comparison", "Line", "NUMERIC_TYPES", "ONLY_A", "ONLY_B", "SAME",
           "Side", "number", "split_columns"]
