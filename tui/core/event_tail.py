"""Live-tail pacing: how often an event log's live tail polls, and how it backs off."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TailPolicy:
    """How often the live tail polls: every ``interval`` seconds at most ``per_hour`` times an
    hour, doubling up to ``max_interval`` after a failure, and never before a 429's Retry-After.
    InfoSum publishes no rate limit (reference §4), so these are conservative defaults."""

    interval: float = 5.0
    per_hour: int = 720
    max_interval: float = 120.0
    failures: int = 0
    paused: bool = False

    def base(self) -> float:
        return max(self.interval, 3600.0 / max(1, self.per_hour))

    def next_delay(self, ok: bool, retry_after: float | None = None) -> float:
        """Seconds until the next poll, given how the last one went."""
        self.failures = 0 if ok else self.failures + 1
        delay = self.base() if ok else min(self.max_interval, self.base() * 2 ** self.failures)
        if retry_after is not None:
            delay = max(delay, float(retry_after))
        return delay
