"""The emulator's clock. All run/query state is derived from it: no background tasks.

``ScaledClock(speed)`` starts at the real time and runs ``speed`` times faster, so the seeded
history keeps plausible timestamps while demo runs finish in seconds. ``ManualClock`` only
moves when a test calls :meth:`ManualClock.advance`.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class Clock:
    speed: float = 1.0

    def now(self) -> datetime:  # pragma: no cover - interface
        raise NotImplementedError


class ScaledClock(Clock):
    def __init__(self, speed: float = 1.0, start: datetime | None = None, monotonic=time.monotonic) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._mono = monotonic
        self._t0 = monotonic()
        self._start = start or datetime.now(UTC)

    def now(self) -> datetime:
        return self._start + timedelta(seconds=(self._mono() - self._t0) * self.speed)


class ManualClock(Clock):
    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float = 0, **kw: float) -> datetime:
        self._now += timedelta(seconds=seconds, **kw)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when
