"""Timestamps as the store keeps them: integer microseconds since the Unix epoch, UTC.

Integers sort and compare cheaply in SQL (eviction orders by fetch time) and round-trip a
``datetime`` exactly, which floats would not.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..times import aware
from ..times import iso_z as _iso_z  # one clock and one convention (naive = UTC) for every layer
from ..times import utcnow as utcnow  # re-exported: the store's modules import it from here

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def to_us(when: datetime) -> int:
    return (aware(when) - EPOCH) // _MICROSECOND


def from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def iso_z(when: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` suffix, for JSON output (``cache info --json``); None stays None."""
    return None if when is None else _iso_z(when)


def file_stamp(when: datetime) -> str:
    """A filename-safe UTC stamp such as ``20261102T090000Z``."""
    return aware(when).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


