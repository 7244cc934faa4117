"""Per-profile API budget ledger (DESIGN.md principle 2: budgets are law).

LiveRamp publishes three budgets (reference §3): 20 run creations per hour (create-run, create
flow run; we count replays too), at most 20 status reads per object per hour with ≥ 5 min between
two reads of one run recommended, and 2 tokens per 24 h (that one lives in ``api/liveramp/auth``).
No rate-limit headers exist, so the client keeps its own books — this module.

Usage::

    ledger = BudgetLedger(profile.name, profile.budget, store)       # one per profile
    ledger.remaining_creates()        -> int           # creations left in the rolling budget-hour
    ledger.creates_free_at()          -> datetime|None # when the next creation slot frees (None: free now)
    ledger.record_create()                             # before every create POST (the gateway counts attempts)
    ledger.can_read(obj)              -> bool          # a status read of ``obj`` allowed now?
    ledger.next_read_at(obj)          -> datetime      # earliest allowed read (min interval, hourly cap, backoff)
    ledger.reads_left(obj)            -> int           # status reads of ``obj`` left in the rolling hour
    ledger.record_read(obj)                            # before every status read
    ledger.claim_read(obj)            -> bool          # can_read + record_read as one step, across processes
    ledger.claim_create()             -> bool          # the same for a creation
    ledger.backoff_until(obj | ALL | CREATES, when)    # after a 429: LiveRamp sends no Retry-After

``obj`` is the object the platform charges the read to: a run id for a single-run GET, the
question id for a run *list*, the flow id for a flow-run list.

Times come from ``now`` (an aware-UTC ``datetime`` callable), the clock the profile's
:class:`~tui.config.Budget` is measured in: wall time, with ``hour_s``/``min_status_interval_s``
shrunk for the demo's fast clock, or a test's manual clock. A window is rolling: a read at ``t``
stops counting at ``t + hour_s`` (as the emulator's strict mode counts).

Create times, read times and backoffs are written to the store's ledger table (not the cache:
eviction or ``cache clear`` must not forget calls the platform still counts) and read back on
every question, so the TUI and a headless ``watch`` of the same profile share one budget
and a restart does not forget the last hour. Without a store the ledger lives in memory.
Every write is a read-merge-write inside one store transaction, and ``claim_*`` decide inside it
too: several processes on one store (browser tabs under ``cleanroom-tui serve``, each its own app
process) neither lose each other's calls nor both take the last one.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from ..config import Budget
from ..times import utcnow

log = logging.getLogger("tui.core.budget")

Now = Callable[[], datetime]

#: backoff key that blocks every status read of the profile
ALL = "*"
#: backoff key that blocks creations (a 429 on create-run: "stop for the rest of that hour")
CREATES = "create"
#: the store's cache kind for the ledger's rows
STORE_KIND = "budget"
_CREATES_KEY = "creates"
_BACKOFF_KEY = "backoff"
_READS_PREFIX = "reads:"


def _ts(when: datetime) -> float:
    if when.tzinfo is None:  # naive times are UTC (store and platform convention)
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _floats(value: Any) -> list[float]:
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        if isinstance(item, int | float) and not isinstance(item, bool):
            out.append(float(item))
    return out


class BudgetLedger:
    """Creations and status reads of one profile, in rolling budget-hours."""

    def __init__(self, profile: str, budget: Budget | None = None, store: Any = None,
                 now: Now | None = None) -> None:
        self.profile = profile
        self.budget = budget or Budget()
        self._store = store
        self._now = now or utcnow
        self._creates: list[float] = []
        self._reads: dict[str, list[float]] = {}
        self._backoff: dict[str, float] = {}

    # ------------------------------------------------------------------ parameters

    @property
    def hour_s(self) -> float:
        return float(self.budget.hour_s)

    @property
    def creates_per_hour(self) -> int:
        return int(self.budget.creates_per_hour)

    @property
    def reads_per_hour(self) -> int:
        return int(self.budget.status_reads_per_object_per_hour)

    @property
    def min_interval_s(self) -> float:
        return float(self.budget.min_status_interval_s)

    def now(self) -> datetime:
        return self._now()

    def _t(self, now: datetime | None) -> float:
        return _ts(now if now is not None else self._now())

    # ------------------------------------------------------------------ creations

    def _create_times(self, t: float) -> list[float]:
        self._creates = self._merge(_CREATES_KEY, self._creates, t)
        return self._creates

    def remaining_creates(self, now: datetime | None = None) -> int:
        """Creations still allowed in the rolling budget-hour (0 while backed off after a 429)."""
        t = self._t(now)
        if self._backoff_end(CREATES, t) > t:
            return 0
        return max(0, self.creates_per_hour - len(self._create_times(t)))

    def creates_free_at(self, now: datetime | None = None) -> datetime | None:
        """When the next creation slot frees up; None when one is free now."""
        t = self._t(now)
        times = self._create_times(t)
        candidates = [self._backoff_end(CREATES, t)]
        over = len(times) - self.creates_per_hour
        if over >= 0:
            # the window must lose (over + 1) of its oldest entries before one more fits
            candidates.append(times[over] + self.hour_s)
        free = max(candidates)
        return _dt(free) if free > t else None

    def record_create(self, when: datetime | None = None) -> None:
        t = self._t(when)
        _ok, self._creates = self._append(_CREATES_KEY, self._creates, t)

    def claim_create(self, now: datetime | None = None) -> bool:
        """Record a creation if one is allowed now (checked and recorded in one store transaction)."""
        t = self._t(now)
        if self._backoff_end(CREATES, t) > t:
            return False
        ok, self._creates = self._append(_CREATES_KEY, self._creates, t,
                                         lambda times: len(times) < self.creates_per_hour)
        return ok

    # ------------------------------------------------------------------ status reads

    def _read_times(self, obj: str, t: float) -> list[float]:
        times = self._merge(_READS_PREFIX + obj, self._reads.get(obj, []), t)
        if times:
            self._reads[obj] = times
        else:
            self._reads.pop(obj, None)
        return times

    def reads_left(self, obj: str, now: datetime | None = None) -> int:
        """Status reads of ``obj`` left in the rolling hour (ignores the min interval)."""
        t = self._t(now)
        return max(0, self.reads_per_hour - len(self._read_times(obj, t)))

    def reads_used(self, obj: str, now: datetime | None = None) -> int:
        return len(self._read_times(obj, self._t(now)))

    def next_read_at(self, obj: str, now: datetime | None = None, *, urgent: bool = False) -> datetime:
        """The earliest time a status read of ``obj`` is allowed (``now`` if it is allowed now).

        ``urgent`` skips the recommended minimum interval but never the hourly cap or a backoff —
        for a one-off check such as reconciling a launch whose answer was lost.
        """
        t = self._t(now)
        return _dt(self._read_due(obj, self._read_times(obj, t), t, urgent))

    def _read_due(self, obj: str, times: list[float], t: float, urgent: bool) -> float:
        candidates = [t, self._backoff_end(obj, t), self._backoff_end(ALL, t)]
        over = len(times) - self.reads_per_hour
        if over >= 0:
            candidates.append(times[over] + self.hour_s)
        if times and not urgent and self.min_interval_s > 0:
            # (with no spacing asked for, a read another process stamped a moment later than our
            # "now" must not hold this one back)
            candidates.append(times[-1] + self.min_interval_s)
        return max(candidates)

    def can_read(self, obj: str, now: datetime | None = None, *, urgent: bool = False) -> bool:
        t = self._t(now)
        return _ts(self.next_read_at(obj, _dt(t), urgent=urgent)) <= t

    def record_read(self, obj: str, when: datetime | None = None) -> None:
        t = self._t(when)
        _ok, self._reads[obj] = self._append(_READS_PREFIX + obj, self._reads.get(obj, []), t)

    def claim_read(self, obj: str, now: datetime | None = None, *, urgent: bool = False) -> bool:
        """Record a status read of ``obj`` if one is allowed now (:meth:`can_read`), deciding and
        recording in one store transaction: what a poll loop or a one-off read calls just before
        the request, so two processes cannot both spend the last read of the hour."""
        t = self._t(now)
        ok, times = self._append(_READS_PREFIX + obj, self._reads.get(obj, []), t,
                                 lambda times: self._read_due(obj, times, t, urgent) <= t)
        self._reads[obj] = times
        return ok

    # ------------------------------------------------------------------ backoff (429)

    def backoff_until(self, obj_or_all: str, when: datetime) -> None:
        """Stop reading ``obj`` (or everything: :data:`ALL`, or creating: :data:`CREATES`) until ``when``."""
        t = _ts(when)
        self._backoff = self._load_backoff()
        if t > self._backoff.get(obj_or_all, 0.0):
            self._backoff[obj_or_all] = t
            self._save(_BACKOFF_KEY, dict(self._backoff))
        log.info("profile %s: backing off %s until %s", self.profile, obj_or_all, when.isoformat())

    def backed_off_until(self, obj_or_all: str, now: datetime | None = None) -> datetime | None:
        t = self._t(now)
        end = self._backoff_end(obj_or_all, t)
        return _dt(end) if end > t else None

    def backoff_after_429(self, obj_or_all: str, now: datetime | None = None,
                          retry_after: float | None = None) -> datetime:
        """Back off after a 429: for ``retry_after`` if the platform sent one, else for a whole
        budget-hour (LiveRamp sends no Retry-After and says to stop for the rest of the hour)."""
        t = self._t(now)
        until = _dt(t + (retry_after if retry_after is not None else self.hour_s))
        self.backoff_until(obj_or_all, until)
        return until

    def _backoff_end(self, key: str, t: float) -> float:
        self._backoff = self._load_backoff()
        end = self._backoff.get(key, 0.0)
        return end if end > t else 0.0

    def _load_backoff(self) -> dict[str, float]:
        value = self._load(_BACKOFF_KEY)
        merged = dict(self._backoff)
        if isinstance(value, dict):
            for key, until in value.items():
                if isinstance(until, int | float) and float(until) > merged.get(str(key), 0.0):
                    merged[str(key)] = float(until)
        return merged

    # ------------------------------------------------------------------ summary

    def summary(self, objects: list[str] | None = None, now: datetime | None = None) -> dict[str, Any]:
        """For a budget meter: creations left and when one frees, status reads left per object."""
        t = self._t(now)
        at = _dt(t)
        free = self.creates_free_at(at)
        reads = {obj: self.reads_left(obj, at) for obj in (objects or sorted(self._reads))}
        return {
            "profile": self.profile,
            "creates_left": self.remaining_creates(at),
            "creates_per_hour": self.creates_per_hour,
            "creates_free_at": free,
            "reads_per_hour": self.reads_per_hour,
            "reads_left": reads,
            "reads_left_min": min(reads.values()) if reads else self.reads_per_hour,
        }

    # ------------------------------------------------------------------ persistence

    def _load(self, key: str) -> Any:
        if self._store is None:
            return None
        try:
            if hasattr(self._store, "ledger_get"):
                return self._store.ledger_get(self.profile, key)
            entry = self._store.get(self.profile, STORE_KIND, key)  # a plain cache (tests, MemoryStore)
        except Exception:  # the ledger must never take a launch or the watcher down
            log.debug("budget ledger: store read failed", exc_info=True)
            return None
        return getattr(entry, "value", None) if entry is not None else None

    def _save(self, key: str, value: Any) -> None:
        if self._store is None:
            return
        try:
            if hasattr(self._store, "ledger_put"):
                self._store.ledger_put(self.profile, key, value)
            else:
                self._store.put(self.profile, STORE_KIND, key, value)
        except Exception:
            log.debug("budget ledger: store write failed", exc_info=True)

    def _merge(self, key: str, memory: list[float], t: float) -> list[float]:
        """Memory ∪ store, trimmed to the rolling hour ending at ``t``, sorted."""
        return self._union(self._load(key), memory, t)

    def _union(self, stored_value: Any, memory: list[float], t: float) -> list[float]:
        """A multiset union: several events at the same instant all count (a manual clock, a burst),
        while an event seen both in memory and in the store counts once."""
        start = t - self.hour_s
        stored = Counter(round(x, 6) for x in _floats(stored_value) if x > start)
        mine = Counter(round(x, 6) for x in memory if x > start)
        return sorted((stored | mine).elements())

    def _append(self, key: str, memory: list[float], t: float,
                allowed: Callable[[list[float]], bool] | None = None) -> tuple[bool, list[float]]:
        """Add an event at ``t`` to ``key`` (if ``allowed(times so far)``): merged with the store,
        decided and saved in one store transaction when the store offers one. Returns whether it
        was added and the times (memory ∪ store, rolling hour)."""

        def change(stored_value: Any) -> tuple[tuple[bool, list[float]], list[float] | None]:
            times = self._union(stored_value, memory, t)
            if allowed is not None and not allowed(times):
                return (False, times), None
            times = sorted([*times, round(t, 6)])
            return (True, times), times

        update = getattr(self._store, "ledger_update", None)
        if update is not None:
            try:
                done = update(self.profile, key, change)
            except Exception:  # the ledger must never take a launch or the watcher down
                log.debug("budget ledger: store update failed", exc_info=True)
                done = None
            if done is not None:
                return done[0]
        (ok, times), value = change(self._load(key))  # one process's store (a plain cache, tests)
        if value is not None:
            self._save(key, value)
        return ok, times


def free_in(when: datetime | None, now: datetime) -> timedelta:
    """How long until ``when`` (zero when it is None or past): for "frees up in 12 min" texts."""
    if when is None:
        return timedelta(0)
    return max(timedelta(0), when - now)


__all__ = ["ALL", "CREATES", "STORE_KIND", "BudgetLedger", "free_in", "utcnow"]
