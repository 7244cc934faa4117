"""Timestamps as the store keeps them: integer microseconds since the Unix epoch, UTC.

Integers sort and compare cheaply in SQL (eviction orders by fetch time) and round-trip a
``datetime`` exactly, which floats would not.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def aware(when: datetime) -> datetime:
    """Naive datetimes are taken to be UTC (the platforms' and the emulator's convention)."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def to_us(when: datetime) -> int:
    return (aware(when) - EPOCH) // _MICROSECOND


def from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def iso_z(when: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` suffix, for JSON output (``cache info --json``)."""
    if when is None:
        return None
    return aware(when).astimezone(UTC).isoformat().replace("+00:00", "Z")


def file_stamp(when: datetime) -> str:
    """A filename-safe UTC stamp such as ``20261102T090000Z``."""
    return aware(when).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def utcnow() -> datetime:
    return datetime.now(UTC)
