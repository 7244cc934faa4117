"""The watcher's vocabulary: run snapshots and watch events, watched items, planned polls, the budget
meter, and the polling-interval policy (constants and :func:`backoff_interval`).

Split out of :mod:`tui.core.watch` (which re-exports every name here); no behaviour of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..api.http import ApiError
from ..config import Budget
from .budget import BudgetLedger
from .gateway import Gateway
from .status import Lifecycle

#: the interval doubles once the run is this many intervals old
AGE_FACTOR = 4
#: InfoSum documents no polling budget (reference §10.2 GUESS: ~1 s backing off to ~10 s)
INFOSUM_FIRST_S = 2.0
INFOSUM_MAX_S = 30.0
INFOSUM_429_S = 60.0
#: runs per list call (SPEC maximum for question runs; flow-run lists document no maximum)
LIST_LIMIT = 100

Key = tuple[str, str, str]  # (profile, kind, object_id)


# --------------------------------------------------------------------------- snapshots and events

@dataclass(frozen=True)
class RunSnapshot:
    """One observation of a watched object, platform-neutral; ``status`` is the raw platform status."""

    profile: str
    platform: str
    kind: str
    object_id: str
    name: str
    status: str
    lifecycle: Lifecycle
    parent_id: str | None = None  # question id / flow id / collaboration id
    cleanroom_id: str | None = None
    failure_reason: str | None = None
    run_message: str | None = None
    submitted_at: datetime | None = None
    completed_at: datetime | None = None
    polled_at: datetime | None = None
    raw: Any = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> Key:
        return (self.profile, self.kind, self.object_id)

    @property
    def reason(self) -> str | None:
        """Why it failed (``failureReason``, else ``runMessage``); None for successes."""
        if self.lifecycle in (Lifecycle.SUCCEEDED,):
            return None
        return self.failure_reason or self.run_message or None


@dataclass(frozen=True)
class RunChanged:
    old: RunSnapshot | None
    new: RunSnapshot


@dataclass(frozen=True)
class RunFinished:
    run: RunSnapshot
    lifecycle: Lifecycle
    reason: str | None
    #: an InfoSum query's result (``QueryResult``) when it was fetched to learn the outcome
    result: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class PollFailed:
    key: Key
    error: ApiError
    retry_at: datetime


@dataclass(frozen=True)
class RunGone:
    """The platform answered 404 for a watched object: it was deleted (or never existed)."""

    key: Key
    last: RunSnapshot | None
    error: ApiError


WatchEvent = RunChanged | RunFinished | PollFailed | RunGone
Listener = Callable[[WatchEvent], None]


# --------------------------------------------------------------------------- watched items and plans

@dataclass
class WatchedRun:
    profile: str
    platform: str
    kind: str
    object_id: str
    parent_id: str | None  # question id (question runs), flow id (flow runs), collaboration (queries)
    cleanroom_id: str | None
    name: str
    #: when watching started (watcher clock): the age the interval grows with
    since: datetime
    next_due: datetime
    snapshot: RunSnapshot | None = None
    #: the parent's list did not show it: poll it on its own
    single_only: bool = False
    failures: int = 0
    #: an operator asked for a read now (``r``): the next one may skip the recommended spacing,
    #: never the hourly cap or a backoff
    urgent: bool = False

    @property
    def key(self) -> Key:
        return (self.profile, self.kind, self.object_id)


@dataclass(frozen=True)
class PlannedPoll:
    profile: str
    op: str  # list_runs | get_run | list_flow_runs | get_flow_run | query_status
    charge: str | None  # the object the platform charges the read to (None: no budget)
    items: tuple[WatchedRun, ...]
    due: datetime
    urgent: bool = False


@dataclass(frozen=True)
class BudgetMeter:
    profile: str
    platform: str
    limited: bool
    reads_per_hour: int | None
    reads_left: dict[str, int]  # per charged object of the watched runs
    reads_left_min: int | None
    creates_left: int | None
    creates_per_hour: int | None
    creates_free_at: datetime | None
    next_poll_at: datetime | None
    watched: int

    @property
    def text(self) -> str:
        parts = []
        if self.limited and self.reads_per_hour is not None:
            left = self.reads_left_min if self.reads_left_min is not None else self.reads_per_hour
            parts.append(f"status reads left this hour: {left}/{self.reads_per_hour}")
        else:
            parts.append("status reads: no published limit")
        if self.creates_left is not None:
            text = f"creations left: {self.creates_left}/{self.creates_per_hour}"
            if self.creates_free_at is not None:
                text += f" (next frees {self.creates_free_at:%H:%M:%S} UTC)"
            parts.append(text)
        if self.next_poll_at is not None:
            parts.append(f"next poll {self.next_poll_at:%H:%M:%S} UTC")
        parts.append(f"{self.watched} watched")
        return " · ".join(parts)


@dataclass
class _Profile:
    name: str
    platform: str
    gateway: Gateway
    ledger: BudgetLedger
    budget: Budget


def backoff_interval(age_s: float, floor_s: float, cap_s: float, factor: float = AGE_FACTOR) -> float:
    """``floor`` while young, doubling each time the age passes ``factor`` intervals, at most ``cap``."""
    interval = floor_s
    while interval < cap_s and age_s >= interval * factor:
        interval = min(cap_s, interval * 2)
    return max(floor_s, interval)


def _lr_floor(budget: Budget) -> float:
    per_hour = max(1, int(budget.status_reads_per_object_per_hour))
    return max(float(budget.min_status_interval_s), float(budget.hour_s) / per_hour)
