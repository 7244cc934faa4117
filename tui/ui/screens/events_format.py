"""Parse and format helpers of the event-log screens: times as the table shows them and as a person
types them, sizes, and a file-name slug."""

from __future__ import annotations

from datetime import UTC, datetime

from ..text import local, to_datetime


def size_text(n: int) -> str:
    """Bytes as people read them: a 13 kB export is not "0.0 MB"."""
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB" if n >= 1e3 else f"{n} bytes"


def short_time(value: str) -> str:
    dt = to_datetime(value)
    return local(dt).strftime("%Y-%m-%d %H:%M:%S") if dt is not None else value


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")[:40] or "log"


def parse_when(text: str) -> datetime | None:
    """A time typed by a person, in display time (as the table shows it) → aware UTC."""
    text = text.strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            naive = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return naive.replace(tzinfo=local(datetime.now(UTC)).tzinfo).astimezone(UTC)
    parsed = to_datetime(text)
    return parsed.astimezone(UTC) if parsed is not None else None
