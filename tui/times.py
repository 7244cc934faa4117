"""Time, in one place: the present (aware UTC), parsing the platforms' timestamps, ISO output.

Standard library only and importing nothing of ``tui``: every layer (api, store, core, ui,
headless) uses it. Conventions: a naive time is UTC (the platforms' and the store's); every
parsed time is aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def utcnow() -> datetime:
    """The wall clock, aware UTC."""
    return datetime.now(UTC)


def aware(when: datetime) -> datetime:
    """Naive datetimes are taken to be UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def parse(value: Any) -> datetime | None:
    """A platform timestamp as an aware datetime, or None when it is empty or not a time.

    Accepts datetimes, ISO 8601 (``Z``/``z`` suffixes, offsets, naive = UTC) and epoch seconds
    or milliseconds (numbers above 1e11 are taken as milliseconds).
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return aware(value)
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        text = value.strip()
        if text[-1:] in ("Z", "z"):
            text = text[:-1] + "+00:00"
        try:
            return aware(datetime.fromisoformat(text))
        except ValueError:
            return None
    return None


def iso_z(when: datetime | None) -> str:
    """ISO 8601 in UTC with a ``Z`` suffix ("" for None): the form JSON output and the store use."""
    if when is None:
        return ""
    return aware(when).astimezone(UTC).isoformat().replace("+00:00", "Z")


def hhmm(when: datetime) -> str:
    """``HH:MM UTC`` — for "next read at …" in texts that have no display time zone at hand."""
    return f"{aware(when).astimezone(UTC):%H:%M} UTC"


__all__ = ["aware", "hhmm", "iso_z", "parse", "utcnow"]
