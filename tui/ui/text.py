"""Turning API values into inert, readable ``rich.text.Text`` (DESIGN.md principle 1).

Every string that came from a platform passes through :func:`safe`, which sanitises it with
``tui.core.sanitize.plain`` and wraps it in a ``Text`` — never markup, so ``[bold]`` stays
literally ``[bold]`` and an ESC shows as ␛.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from rich.text import Text

from ..core.sanitize import plain
from ..core.status import Lifecycle, normalize
from ..times import parse as parse_time

DASH = "–"

LIFECYCLE_STYLES = {
    Lifecycle.SUCCEEDED: "green",
    Lifecycle.FAILED: "bold red",
    Lifecycle.CANCELLED: "magenta",
    Lifecycle.RUNNING: "yellow",
    Lifecycle.QUEUED: "cyan",
    Lifecycle.WAITING_ON_PARTNER: "yellow",
    Lifecycle.PAUSED: "magenta",
    Lifecycle.UNKNOWN: "",
}

# statuses of things that are not runs (rooms, questions, collaborations)
STATE_STYLES = {
    "READY": "green", "COMPLETE": "green", "ACTIVE": "green", "STATUS_ACTIVE": "green",
    "MISSING_DATASETS": "yellow", "PENDING": "yellow", "DRAFT": "yellow",
    "STATUS_CLOSED": "dim", "EXPIRED": "dim", "CLOSED": "dim", "INACTIVE": "dim",
    "ACTIVE_CHANNEL": "green", "PENDING_CHANNEL": "yellow",
}


def safe(value: Any, max_len: int | None = 200, style: str = "") -> Text:
    """Untrusted value → ``Text`` with no control characters and no markup meaning."""
    if value is None or value == "":
        return Text(DASH, style="dim")
    return Text(plain(value, max_len), style=style)


def s(value: Any, max_len: int | None = 200) -> str:
    """Untrusted value → sanitised plain ``str`` (for places that take strings, e.g. CSV)."""
    return "" if value is None else plain(value, max_len)


def editable(value: Any, max_len: int | None = None) -> str:
    """Untrusted value → the text an ``Input``/``TextArea``/``Select`` is filled with (value,
    placeholder, prompt). Inputs draw their value as is, so this is the only way to fill one with
    platform text (tests/faults/test_gate.py fails on any other)."""
    return "" if value is None else plain(value, max_len)


def editable_lines(value: Any, max_len: int | None = None) -> str:
    """Like :func:`editable` for a ``TextArea`` (newlines and tabs kept)."""
    return "" if value is None else plain(value, max_len, single_line=False)


def clipboard(value: Any) -> str:
    """Untrusted value → what ``y`` puts on the clipboard: one line, no control characters (a
    pasted newline would run the rest of the line in a shell)."""
    return plain(value, None).strip()


def multiline(value: Any, max_len: int = 4000) -> Text:
    """Untrusted text that may span lines (descriptions, SQL): newlines kept, the rest made inert."""
    if not value:
        return Text(DASH, style="dim")
    return Text(plain(value, max_len, single_line=False))


def status_text(platform: str, raw: str | None) -> Text:
    """A run status, coloured by its normalised lifecycle; the raw platform word stays visible."""
    if not raw:
        return Text(DASH, style="dim")
    life = normalize(platform, raw)
    return Text(plain(raw, 40), style=LIFECYCLE_STYLES.get(life, ""))


def state_text(raw: str | None) -> Text:
    if not raw:
        return Text(DASH, style="dim")
    return Text(plain(raw, 40), style=STATE_STYLES.get(str(raw).upper(), ""))


def yes_no(value: bool | None) -> Text:
    if value is None:
        return Text(DASH, style="dim")
    return Text("yes", style="green") if value else Text("no", style="dim")


# --------------------------------------------------------------------------- time

_TZ: tzinfo | None = None


def set_display_timezone(name: str | None) -> None:
    """Times are shown in the profile's timezone, else the machine's local time."""
    global _TZ
    if not name:
        _TZ = None
        return
    try:
        from zoneinfo import ZoneInfo

        _TZ = ZoneInfo(name)
    except Exception:
        _TZ = None


def to_datetime(value: Any) -> datetime | None:
    return parse_time(value)


def local(dt: datetime) -> datetime:
    return dt.astimezone(_TZ) if _TZ is not None else dt.astimezone()


def clock(dt: datetime | None) -> str:
    """HH:MM, for "as of" stamps; with a profile time zone, its abbreviation too (HH:MM GMT), so
    nobody reads London times as their own."""
    if not dt:
        return DASH
    shown = local(dt)
    return shown.strftime("%H:%M %Z") if _TZ is not None else shown.strftime("%H:%M")


def when(value: Any) -> Text:
    """A timestamp as ``YYYY-MM-DD HH:MM`` in display time; sorts as text too."""
    dt = to_datetime(value)
    if dt is None:
        if isinstance(value, str) and value:
            return safe(value, 40)
        return Text(DASH, style="dim")
    return Text(local(dt).strftime("%Y-%m-%d %H:%M"))


def duration_seconds(start: Any, end: Any) -> float | None:
    a, b = to_datetime(start), to_datetime(end)
    if a is None or b is None:
        return None
    return max(0.0, (b - a).total_seconds())


def duration(seconds: float | None) -> Text:
    if seconds is None:
        return Text(DASH, style="dim")
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, sec = divmod(rest, 60)
    if h:
        return Text(f"{h}h {m:02d}m")
    if m:
        return Text(f"{m}m {sec:02d}s")
    return Text(f"{sec}s")


def count(value: Any) -> Text:
    if value is None or value == "":
        return Text(DASH, style="dim")
    try:
        return Text(f"{int(value):,}", justify="right")
    except (TypeError, ValueError):
        return safe(value, 30)


def join(values: Any, max_len: int = 200) -> Text:
    """A list of untrusted strings as one comma-separated, sanitised line."""
    if not values:
        return Text(DASH, style="dim")
    return Text(plain(", ".join(str(v) for v in values), max_len))
