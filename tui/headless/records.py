"""The platform's JSON, read and extended: what every command prints.

Reads give dicts with the platform's own field names (``submittedAt``, ``displayId``…). Fields we
add never clash with them: ``profile`` and ``platform`` on everything; ``lifecycle`` (the
normalized status of :mod:`tui.core.status`) on runs; and on question runs, which on the wire do
not say what they belong to, ``cleanroomId``, ``cleanroomDisplayId``, ``cleanroomQuestionId``,
``questionDisplayId`` and ``questionName`` (LiveRamp's camelCase).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core.status import normalize
from ..times import parse

if TYPE_CHECKING:  # pragma: no cover
    from .catalog import QuestionRef


def text(item: Any, key: str) -> str:
    """A field as text ('' when missing or null)."""
    value = item.get(key) if isinstance(item, dict) else None
    return "" if value is None else str(value)


def items(value: Any) -> list[Any]:
    """A list field: a list as it is, a comma string split (a sloppy server), anything else empty."""
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return []


def when(item: Any, key: str) -> datetime | None:
    """A timestamp field as an aware UTC datetime (ISO 8601, ``Z``, epoch seconds or millis)."""
    value = item.get(key) if isinstance(item, dict) else None
    return parse(value if isinstance(value, int | float | datetime) else str(value) if value is not None else None)


def tagged(item: dict[str, Any], profile: str, platform: str) -> dict[str, Any]:
    return {**item, "profile": profile, "platform": platform}


def lifecycle(platform: str, status: str | None) -> str:
    return normalize(platform, status).value


def run_record(run: dict[str, Any], profile: str, ref: QuestionRef | None = None) -> dict[str, Any]:
    """A LiveRamp question run with its lifecycle and, when known, its question and room."""
    record = tagged(run, profile, "liveramp")
    record["lifecycle"] = lifecycle("liveramp", text(run, "status"))
    if ref is not None:
        record.update(ref.context())
    return record


__all__ = ["items", "lifecycle", "run_record", "tagged", "text", "when"]
