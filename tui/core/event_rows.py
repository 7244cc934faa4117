"""One InfoSum collaboration event as a compact row: its stored tuple, the :class:`EventRow` view over it,
its identity (:func:`event_key`) and :func:`make_row` from an API event. No Textual here.

**Identity.** Events carry no id (§8.2). A row's key is a digest of its fields; the rare exact
duplicate gets its index appended. The key is what a selection holds on to across inserts.
"""

from __future__ import annotations

import hashlib
import math
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ..times import iso_z, parse
from .sanitize import plain


def _attr(obj: Any, name: str, default: Any = "") -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def parse_time(value: Any) -> datetime | None:
    return parse(value) if isinstance(value, datetime | str) else None


iso = iso_z


# A loaded event is stored as a plain tuple of strings and numbers: CPython stops tracking such
# tuples in its cyclic GC, so 100k loaded events add nothing to each garbage collection (slotted
# objects would be scanned by every full collection: a stall of 100+ ms while scrolling). They are
# also ~40 % smaller than objects with dicts. :class:`EventRow` is a view made on access.
_KEY, _TS, _RAW_TIME, _TYPE, _COMPANY, _MESSAGE, _META, _ENTS, _HAY = range(9)
_ENTITY_FIELDS = ("id", "name", "company_id", "type")


class EventRow:
    """One collaboration event (a view over its stored tuple)."""

    __slots__ = ("_t",)

    def __init__(self, t: tuple) -> None:
        self._t = t

    @property
    def key(self) -> int:
        return self._t[_KEY]

    @property
    def ts(self) -> float:
        """Epoch seconds (NaN when the time did not parse)."""
        return self._t[_TS]

    @property
    def time(self) -> str:
        """``event_date_time`` (RFC 3339, UTC, ``Z``) — or the text sent when it did not parse."""
        raw = self._t[_RAW_TIME]
        return raw if raw is not None else iso(datetime.fromtimestamp(self._t[_TS], UTC))

    @property
    def type(self) -> str:
        return self._t[_TYPE]

    @property
    def company_id(self) -> str:
        return self._t[_COMPANY]

    @property
    def message(self) -> str:
        return self._t[_MESSAGE]

    @property
    def metadata(self) -> dict[str, str]:
        flat = self._t[_META]
        return dict(zip(flat[::2], flat[1::2], strict=True))

    @property
    def entities(self) -> tuple[dict[str, str], ...]:
        flat = self._t[_ENTS]
        return tuple(dict(zip(_ENTITY_FIELDS, flat[i:i + 4], strict=True)) for i in range(0, len(flat), 4))

    @property
    def haystack(self) -> str:
        """Lower-cased plain text the client-side search looks in."""
        return self._t[_HAY]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EventRow) and other._t == self._t

    def __hash__(self) -> int:
        return hash(self._t)

    def __repr__(self) -> str:
        return f"EventRow({self.time} {self.type} {self.company_id} {self.message[:40]!r})"

    def as_api(self) -> dict[str, Any]:
        """The event with the API's field names (reference §8.2), as cached and exported."""
        return {"type": self.type, "company_id": self.company_id, "event_date_time": self.time,
                "message": self.message, "metadata": self.metadata, "entities": [dict(e) for e in self.entities]}


def event_key(time: str, type_: str, company_id: str, message: str, entity_ids: Iterable[str]) -> int:
    text = "\x1f".join((time, type_, company_id, message, *entity_ids))
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


_intern = sys.intern


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def make_row(event: Any) -> EventRow:
    """An ``EventRow`` from an API event (a ``CollaborationEvent`` model or its JSON dict)."""
    when = _attr(event, "event_date_time", None)
    dt = parse_time(when)
    if dt is not None:
        ts = dt.timestamp()
        time = iso(dt)
        # the text is rebuilt from ``ts`` on access unless that would not give it back exactly
        raw = None if iso(datetime.fromtimestamp(ts, UTC)) == time else time
    else:
        ts, time = math.nan, _text(when)
        raw = time
    type_ = _intern(_text(_attr(event, "type", "") or _attr(event, "event_type", "")))
    company = _intern(_text(_attr(event, "company_id", "")))
    message = _text(_attr(event, "message", ""))
    meta: list[str] = []
    for k, v in (_attr(event, "metadata", None) or {}).items():
        meta += (_intern(_text(k)), _text(v))
    ents: list[str] = []
    names = []
    for e in _attr(event, "entities", None) or ():
        eid, name = _text(_attr(e, "id", "")), _text(_attr(e, "name", ""))
        ents += (eid, name, _intern(_text(_attr(e, "company_id", ""))), _intern(_text(_attr(e, "type", ""))))
        names.append(name or eid)
    key = event_key(time, type_, company, message, ents[::4])
    haystack = plain(f"{type_.removeprefix('TYPE_')} {' '.join(names)} {message}", None).lower()
    return EventRow((key, ts, raw, type_, company, message, tuple(meta), tuple(ents), haystack))
