"""Time formats exactly as the LiveRamp API prints them (each spelled out here, not shared with api/)."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


def iso_z(dt: datetime | None) -> str | None:
    """``2025-06-02T20:45:08Z`` — timeAudit and run times (no fraction)."""
    if dt is None:
        return None
    return utc(dt).strftime("%Y-%m-%dT%H:%M:%SZ")


def present(view: dict) -> dict:
    """``view`` without the fields the world has no value for (None): the API omits them rather than
    sending ``null`` or ``""`` where the SPEC has a format or an enum (issue 21)."""
    return {k: v for k, v in view.items() if v is not None}


def iso_micro_z(dt: datetime | None) -> str | None:
    """``2025-06-19T14:32:11.856368Z`` — CleanRoomQuestion.createdOn."""
    if dt is None:
        return None
    return utc(dt).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_millis_offset(dt: datetime) -> str:
    """``2023-10-14T18:47:16.104+00:00`` — token expiresAt and Spring's default error timestamp."""
    d = utc(dt)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}+00:00"


def live_envelope_time(dt: datetime) -> str:
    """``12-08-2026 05:17:12`` — the gateway's error envelope (dd-MM-yyyy HH:mm:ss)."""
    return utc(dt).strftime("%d-%m-%Y %H:%M:%S")


def ymd(d: date | datetime | None) -> str:
    """``yyyy-mm-dd`` for startAt/endAt; ``""`` when unset, as the platform answers."""
    if d is None:
        return ""
    if isinstance(d, datetime):
        d = utc(d).date()
    return d.isoformat()


def parse_ymd(text: str) -> date:
    """Strict ``YYYY-MM-DD`` (raises ValueError otherwise)."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(text)
    return date.fromisoformat(text)
