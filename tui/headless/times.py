"""``--since`` values and how times are shown in tables and notes.

``--since`` takes a date (``2026-11-20``: midnight in the display time zone), a date and time
(``2026-11-20T08:00``, ``…Z`` or with an offset; no offset = display time zone) or a span back from
now (``90s``, ``30m``, ``24h``, ``7d``, ``2w``). The display time zone is the profile's ``timezone``
or, without one, the machine's local zone — what an operator on that jump host reads their clock in.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

_SPAN = r"(?i)^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)\s*$"  # compiled on first use
_SPAN_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


class BadTime(ValueError):
    """A ``--since`` value that is none of the accepted forms (the message says which are)."""


def zone(name: str | None) -> tzinfo | None:
    """The profile's time zone, or None for the machine's local zone."""
    if not name:
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # an unknown zone name must not stop a quick check: fall back to local time
        return None


def local(dt: datetime, tz: tzinfo | None = None) -> datetime:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)  # both platforms speak UTC
    return dt.astimezone(tz) if tz is not None else dt.astimezone()


def parse_since(text: str, now: datetime, tz: tzinfo | None = None) -> datetime:
    """``text`` → an aware datetime (see the module docstring)."""
    value = (text or "").strip()
    span = re.match(_SPAN, value)
    if span:
        seconds = float(span.group(1)) * _SPAN_SECONDS[span.group(2).lower()]
        return now - timedelta(seconds=seconds)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = date.fromisoformat(value)
            at = datetime.combine(day, time())
        else:
            at = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise BadTime(f"--since {text!r}: expected YYYY-MM-DD, YYYY-MM-DDTHH:MM[Z] or a span such as "
                      "30m, 24h, 7d") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=tz) if tz is not None else at.astimezone()
    return at


def shown(dt: datetime | None, tz: tzinfo | None = None) -> str:
    """``2026-11-23 09:12`` in the display zone; empty for no time."""
    if dt is None:
        return ""
    return local(dt, tz).strftime("%Y-%m-%d %H:%M")


def clock(dt: datetime, now: datetime | None = None, tz: tzinfo | None = None) -> str:
    """``09:12`` — with the date in front when it is not today (for "data as of …")."""
    at = local(dt, tz)
    today = local(now or datetime.now(UTC), tz).date()
    return at.strftime("%H:%M") if at.date() == today else at.strftime("%Y-%m-%d %H:%M")


def aware(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


__all__ = ["BadTime", "aware", "clock", "local", "parse_since", "shown", "zone"]
