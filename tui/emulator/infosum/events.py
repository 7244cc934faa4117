"""The collaboration event log, stored compactly so 100k+ events stay cheap.

Each event is one slot in three parallel columns: ``times`` (epoch seconds, ascending),
``combos`` (a small code for the ``(type, company_id)`` pair — the only two filterable fields)
and ``details`` (either an int *variant* the collaboration's renderer expands on demand into
message/metadata/entities, or an explicit :class:`EventDetail` for live events). A filter is
evaluated once per distinct combo, not once per event, so filtering 100k events is one pass
over a compact array.
"""

from __future__ import annotations

import csv
import io
import json
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..common import iso_z

EVENT_TYPES = (
    "TYPE_INVALID", "TYPE_COLLABORATION_CREATED", "TYPE_DESTINATION_ADDED", "TYPE_DESTINATION_REMOVED",
    "TYPE_INSIGHT_DATASET_ADDED", "TYPE_INSIGHT_DATASET_REMOVED", "TYPE_ACTIVATION_DATASET_ADDED",
    "TYPE_ACTIVATION_DATASET_REMOVED", "TYPE_COLLABORATION_CLOSED", "TYPE_COLLABORATION_LEFT",
    "TYPE_ACTIVATION_QUERY_RESULTS_EXPORTED", "TYPE_ACTIVATION_QUERY_SUCCESSFUL", "TYPE_INSIGHT_QUERY_SUCCESSFUL",
    "TYPE_DATASET_PUBLISHED", "TYPE_AUDIENCE_CREATED", "TYPE_AUDIENCE_DELETED", "TYPE_SEGMENT_CREATED",
    "TYPE_SEGMENT_DELETED", "TYPE_PRIVATE_PATH_ID_ROTATED", "TYPE_DATASET_ADDED", "TYPE_DATASET_REMOVED",
    "TYPE_ACTIVATION_SEGMENT_CALCULATED", "TYPE_ACTIVATION_SEGMENT_EXPORTED",
    "TYPE_ACTIVATION_SEGMENT_EXPORT_AUTOMATED",
)

ENTITY_USER, ENTITY_COMPANY, ENTITY_DATASET = "ENTITY_USER", "ENTITY_COMPANY", "ENTITY_DATASET"
ENTITY_DESTINATION, ENTITY_AUDIENCE, ENTITY_SEGMENT = "ENTITY_DESTINATION", "ENTITY_AUDIENCE", "ENTITY_SEGMENT"
ENTITY_ACTIVATION_SEGMENT = "ENTITY_ACTIVATION_SEGMENT"

CSV_HEADER = ("event_date_time", "type", "company_id", "message", "entities", "metadata")


def entity(entity_id: str, name: str, company_id: str, kind: str) -> dict:
    return {"id": entity_id, "name": name, "company_id": company_id, "type": kind}


@dataclass(frozen=True)
class EventDetail:
    message: str
    metadata: dict[str, str] = field(default_factory=dict)
    entities: list[dict] = field(default_factory=list)


Renderer = Callable[[str, str, int, datetime], EventDetail]  # (type, company_id, variant, when)


def _epoch(when: datetime) -> float:
    return when.astimezone(UTC).timestamp()


class EventLog:
    """One collaboration's events, kept sorted by time (ties keep insertion order)."""

    def __init__(self, renderer: Renderer | None = None) -> None:
        self.renderer = renderer
        self.times = array("d")
        self.combos = array("H")
        self.details: list[int | EventDetail] = []
        self._combo_code: dict[tuple[str, str], int] = {}
        self.combo_keys: list[tuple[str, str]] = []

    def __len__(self) -> int:
        return len(self.times)

    def _code(self, event_type: str, company_id: str) -> int:
        key = (event_type, company_id)
        code = self._combo_code.get(key)
        if code is None:
            code = len(self.combo_keys)
            self._combo_code[key] = code
            self.combo_keys.append(key)
        return code

    def load(self, rows: Sequence[tuple[float, str, str, int | EventDetail]]) -> None:
        """Bulk-load seeded rows ``(epoch, type, company_id, detail)`` (sorted here, stable)."""
        for ts, event_type, company_id, detail in sorted(rows, key=lambda r: r[0]):
            self.times.append(ts)
            self.combos.append(self._code(event_type, company_id))
            self.details.append(detail)

    def add(self, when: datetime, event_type: str, company_id: str, detail: EventDetail | int) -> int:
        """Append a live event; inserted in time order if the clock went backwards."""
        ts = _epoch(when)
        code = self._code(event_type, company_id)
        if not self.times or ts >= self.times[-1]:
            self.times.append(ts)
            self.combos.append(code)
            self.details.append(detail)
            return len(self.times) - 1
        at = bisect_right(self.times, ts)
        self.times.insert(at, ts)
        self.combos.insert(at, code)
        self.details.insert(at, detail)
        return at

    @property
    def last_time(self) -> datetime | None:
        return datetime.fromtimestamp(self.times[-1], UTC) if self.times else None

    def matching(self, accepts: Callable[[tuple[str, str]], bool] | None) -> Sequence[int]:
        """Indexes (ascending time) of events whose ``(type, company_id)`` the predicate accepts."""
        if accepts is None:
            return range(len(self.times))
        allowed = {code for code, key in enumerate(self.combo_keys) if accepts(key)}
        if len(allowed) == len(self.combo_keys):
            return range(len(self.times))
        if not allowed:
            return []
        return [i for i, code in enumerate(self.combos) if code in allowed]

    def event(self, index: int) -> dict:
        event_type, company_id = self.combo_keys[self.combos[index]]
        when = datetime.fromtimestamp(self.times[index], UTC)
        detail = self.details[index]
        if isinstance(detail, int):
            detail = self.renderer(event_type, company_id, detail, when) if self.renderer else EventDetail("")
        return {
            "type": event_type,
            "company_id": company_id,
            "event_date_time": iso_z(when),
            "message": detail.message,
            "metadata": dict(detail.metadata),
            "entities": [dict(e) for e in detail.entities],
        }


def ordered(indexes: Sequence[int], descending: bool) -> Sequence[int]:
    return indexes[::-1] if descending else indexes


def csv_chunks(log: EventLog, indexes: Sequence[int], strip_metadata: bool, rows_per_chunk: int = 500
               ) -> Iterator[bytes]:
    """The CSV export (RFC 4180 quoting, CRLF line ends), header row first, in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for n, index in enumerate(indexes, 1):
        ev = log.event(index)
        metadata = {} if strip_metadata else ev["metadata"]
        writer.writerow((ev["event_date_time"], ev["type"], ev["company_id"], ev["message"],
                         json.dumps(ev["entities"], separators=(",", ":")),
                         json.dumps(metadata, separators=(",", ":"), sort_keys=True)))
        if n % rows_per_chunk == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    tail = buffer.getvalue()
    if tail:
        yield tail.encode()
