"""Lenient readers of LiveRamp's scalars, standard library only.

The models (:mod:`.models`) validate with them, and the headless fast path
(:mod:`tui.headless.canonical`) shapes plain JSON with them, so both read a sloppy value the same way.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any


def parse_datetime(value: Any) -> datetime | None:
    """Any timestamp the platform prints, as an aware UTC datetime; None when empty or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # epoch millis or seconds
        return datetime.fromtimestamp(seconds, UTC)
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        try:  # the live error envelope: "12-08-2026 05:17:12"
            parsed = datetime.strptime(text, "%d-%m-%Y %H:%M:%S")
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def lenient_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def str_map(value: Any) -> dict[str, str]:
    """A string→string map; tolerates null, non-string values and a list of ``{name, value}``."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        out: dict[str, str] = {}
        for item in value:
            if isinstance(item, dict) and "name" in item:
                out[str(item["name"])] = as_text(item.get("value", item.get("type")))
        return out
    return {}


def str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):  # e.g. a comma list
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [as_text(v) for v in value]
    return [as_text(value)]


__all__ = ["as_text", "lenient_date", "parse_datetime", "str_list", "str_map"]
