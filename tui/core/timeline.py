"""The LiveRamp timeline: a run's (or flow run's) lifecycle steps and its audit entries as
:class:`TimelineEntry` rows, merged in one time order, shown through :class:`ListFeed` (the event
table's display interface over a loaded list) and exported as JSON or CSV. No Textual here."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .event_rows import _attr, event_key, iso, parse_time
from .export import is_json_path, write_csv, write_json
from .sanitize import plain


@dataclass(slots=True)
class TimelineEntry:
    """One line of a LiveRamp run history / audit / clean-room timeline."""

    key: str
    ts: float
    time: str
    source: str  # "run", "flow run", "audit"
    subject: str  # the run's (or flow run's) name
    status: str  # the status or audit event type, as the platform spelled it
    message: str
    ref_kind: str = ""  # "run" | "flow_run": what Enter opens
    ref_id: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    haystack: str = ""

    def __post_init__(self) -> None:
        if not self.haystack:
            self.haystack = plain(f"{self.time} {self.source} {self.subject} {self.status} {self.message}",
                                  None).lower()

    def as_dict(self) -> dict[str, Any]:
        return {"time": self.time, "source": self.source, "subject": self.subject, "status": self.status,
                "message": self.message, "ref_kind": self.ref_kind, "ref_id": self.ref_id,
                "details": self.details}


def _entry(source: str, when: Any, subject: str, status: str, message: str, ref_kind: str, ref_id: str,
           details: dict[str, Any] | None = None, salt: str = "") -> TimelineEntry | None:
    dt = parse_time(when)
    if dt is None:
        return None
    time = iso(dt)
    key = event_key(time, source, ref_id, status, (salt, message))
    return TimelineEntry(key, dt.timestamp(), time, source, subject, status, message, ref_kind, ref_id,
                         details or {})


def run_entries(run: Any, source: str = "run", ref_kind: str = "run") -> list[TimelineEntry]:
    """A question run (or flow run) as its lifecycle steps: submitted, started, finished."""
    name = str(_attr(run, "name", "") or _attr(run, "id", ""))
    rid = str(_attr(run, "id", ""))
    status = str(_attr(run, "status", "") or "")
    out = [
        _entry(source, _attr(run, "submitted_at", None), name, "SUBMITTED", f"{source} submitted", ref_kind, rid),
        _entry(source, _attr(run, "executed_at", None), name, "STARTED", f"{source} started", ref_kind, rid),
    ]
    finished = _attr(run, "completed_at", None)
    if finished is not None:
        reason = _attr(run, "failure_reason", None) or _attr(run, "run_message", None) or ""
        out.append(_entry(source, finished, name, status or "FINISHED",
                          f"{source} {status.lower() or 'finished'}" + (f": {reason}" if reason else ""),
                          ref_kind, rid))
    return [e for e in out if e is not None]


def audit_entries(run_id: str, run_name: str, audit: Any) -> list[TimelineEntry]:
    """``GET …/cleanroom-question-runs/{id}/audit`` entries (event types kept as sent)."""
    out = []
    for n, item in enumerate(_attr(audit, "audit_details", None) or []):
        entry = _entry("audit", _attr(item, "event_time", None), run_name, str(_attr(item, "event_type", "") or ""),
                       str(_attr(item, "message", "") or ""), "run", run_id,
                       dict(_attr(item, "details", None) or {}), salt=str(n))
        if entry is not None:
            out.append(entry)
    return out


def merge_timeline(*streams: Iterable[TimelineEntry], descending: bool = True) -> list[TimelineEntry]:
    """Entries of every stream in one time order (stable: equal times keep stream order);
    the same entry seen twice (same key) is kept once."""
    sorted_streams = [sorted(s, key=lambda e: e.ts) for s in streams]
    seen: set[str] = set()
    out = []
    for entry in heapq.merge(*sorted_streams, key=lambda e: e.ts):
        if entry.key in seen:
            continue
        seen.add(entry.key)
        out.append(entry)
    if descending:
        out.reverse()
    return out


class ListFeed:
    """A fully loaded list (a timeline) behind the same display interface as :class:`EventFeed`."""

    def __init__(self, entries: Sequence[Any] = ()) -> None:
        self._all: list[Any] = list(entries)
        self._view: list[Any] | None = None
        self.search = ""
        self._index: dict[str, int] = {}
        self._reindex()

    def _reindex(self) -> None:
        shown = self._view if self._view is not None else self._all
        self._index = {e.key: i for i, e in enumerate(shown)}

    def replace(self, entries: Sequence[Any]) -> None:
        self._all = list(entries)
        self.set_search(self.search)

    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def loaded(self) -> int:
        return len(self._all)

    @property
    def display_count(self) -> int:
        return len(self._view if self._view is not None else self._all)

    def row_at(self, row: int) -> Any:
        shown = self._view if self._view is not None else self._all
        return shown[row] if 0 <= row < len(shown) else None

    def index_of(self, key: str | None) -> int | None:
        return None if key is None else self._index.get(key)

    def missing_pages(self, first_row: int, last_row: int) -> list[int]:
        return []

    def rows(self) -> Iterator[Any]:
        yield from (self._view if self._view is not None else self._all)

    def set_search(self, text: str) -> None:
        needle = plain(text, None).lower().strip()
        self.search = needle
        self._view = [e for e in self._all if needle in e.haystack] if needle else None
        self._reindex()


def write_timeline(path: Path, entries: Iterable[TimelineEntry]) -> int:
    """The timeline as JSON or CSV, through :mod:`tui.core.export` (atomic, sanitised, formula-safe)."""
    rows = [e.as_dict() for e in entries]
    if is_json_path(path):
        return write_json(path, rows)
    columns = ("time", "source", "subject", "status", "message", "ref_kind", "ref_id")
    return write_csv(path, columns, ([r[c] for c in columns] for r in rows))
