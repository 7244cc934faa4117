"""The run watcher: budgeted polling of watched runs across profiles (DESIGN.md principle 2).

What it watches: LiveRamp question runs, LiveRamp flow runs and InfoSum insight queries, of any
number of profiles. How it polls:

- **one list call instead of N single-run calls**: when two or more watched runs share a question,
  one ``list_runs(question)`` refreshes them all (charged once, to the question); flow runs of one
  flow share one ``list_flow_runs``. A run the list does not show is polled on its own from then on;
- **adaptive intervals**: right after launch an object is polled at the budget's floor
  (``max(min_status_interval_s, hour_s / status_reads_per_object_per_hour)``), and the interval
  doubles as the run ages (after 4 intervals at one pace) up to one budget-hour; a PAUSED flow run
  is polled hourly. InfoSum publishes no limits: queries are polled from 2 s doubling to 30 s;
- **never over budget**: every read goes through the profile's :class:`~tui.core.budget.BudgetLedger`
  (≤ ``status_reads_per_object_per_hour`` per rolling hour and ≥ ``min_status_interval_s`` apart per
  charged object), shared with the launcher's reconciliation reads and persisted in the store;
- **429**: the charged object (or, on InfoSum, the profile) backs off for a budget-hour (LiveRamp
  sends no Retry-After), or for ``Retry-After`` when one is sent;
- **events**: :class:`RunChanged` (``old``, ``new`` snapshots) whenever the status changes,
  :class:`RunFinished` (``run``, ``lifecycle``, ``reason`` from ``failureReason``/``runMessage`` or
  the InfoSum error; ``result`` for a finished InfoSum query), then the run drops out of the watch
  list; :class:`PollFailed` and :class:`RunGone` (404) for trouble. Delivered to callbacks
  (:meth:`Watcher.subscribe`).

The schedule is driven by an injected clock: :meth:`Watcher.tick` polls what is due at ``now`` and
:meth:`Watcher.next_wake` says when something is due next, so tests and benchmarks step through a
simulated hour without sleeping. The real-time loop is the runs board's
(:meth:`tui.core.board.RunsBoard.run`, the one polling loop of the TUI and ``cleanroom-tui watch``).

API::

    watcher = Watcher(store=None, now=None, on_event=None)
    watcher.attach(session_or_client, profile=None, budget=None, ledger=None) -> BudgetLedger
    watcher.restore() -> int                                  # re-watch what the store remembers
    watcher.watch_question_run(profile, question_id, run_id, name="", cleanroom_id=None, run=None, launched=True)
    watcher.watch_flow_run(profile, cleanroom_id, flow_id, run_id, name="", run=None, launched=True)
    watcher.watch_query(profile, query_id, collaboration_id=None, name="", launched=True)
    watcher.watch_launch(outcome: LaunchOutcome)              # what the launcher returned
    watcher.unwatch(profile, kind, object_id); watcher.poke(profile, kind, object_id)
    watcher.items() -> [WatchedRun]; watcher.snapshots() -> [RunSnapshot]
    watcher.plan(now=None) -> [PlannedPoll]; watcher.next_wake() -> datetime | None
    await watcher.tick(now=None) -> [WatchEvent]; watcher.on_reschedule(waker)
    watcher.subscribe(callback) -> unsubscribe
    watcher.reads_left_this_hour(profile, object_id, kind=QUESTION_RUN) -> int | None
    watcher.budget_meter(profile) -> BudgetMeter; watcher.summary(profile) -> str
    watcher.calls -> Counter of polls by operation (list_runs, get_run, list_flow_runs, get_flow_run, query_status)

Clock: ``now`` must be the clock the profiles' budgets are measured in — wall time (the demo's
budget is scaled to its fast clock), or a test's manual clock. It is not the platform's clock:
run ages are measured from when the watch started, not from ``submittedAt``.

Modules: the snapshots, events, watched items, planned polls, budget meter and interval policy are in
:mod:`tui.core.watch_model`; making one poll and reading its answer is :mod:`tui.core.watch_poll`
(a mixin of :class:`Watcher`). This module keeps the watcher and re-exports their names.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..config import Budget
from .budget import ALL, BudgetLedger, utcnow
from .gateway import Gateway
from .status import (
    FLOW_RUN,
    INSIGHT_QUERY,
    KINDS,
    QUESTION_RUN,
    Lifecycle,
)
from .watch_model import (
    AGE_FACTOR,
    INFOSUM_429_S,
    INFOSUM_FIRST_S,
    INFOSUM_MAX_S,
    LIST_LIMIT,
    BudgetMeter,
    Key,
    Listener,
    PlannedPoll,
    PollFailed,
    RunChanged,
    RunFinished,
    RunGone,
    RunSnapshot,
    WatchedRun,
    WatchEvent,
    _lr_floor,
    _Profile,
    backoff_interval,
)
from .watch_poll import Polling

log = logging.getLogger("tui.core.watch")

Now = Callable[[], datetime]


# --------------------------------------------------------------------------- the watcher

class Watcher(Polling):
    def __init__(self, store: Any = None, *, now: Now | None = None, on_event: Listener | None = None) -> None:
        self.store = store
        self._now = now or utcnow
        self._profiles: dict[str, _Profile] = {}
        self._items: dict[Key, WatchedRun] = {}
        self._listeners: list[Listener] = [on_event] if on_event else []
        self._wakers: list[Callable[[], None]] = []
        #: polls made, by operation (what the benchmark compares with naive polling)
        self.calls: Counter[str] = Counter()

    def now(self) -> datetime:
        return self._now()

    # ------------------------------------------------------------------ profiles

    def attach(self, target: Any, *, profile: Any = None, budget: Budget | None = None,
               ledger: BudgetLedger | None = None) -> BudgetLedger:
        """Watch runs of this session's (or client's) profile; returns the profile's budget ledger
        (pass the launcher's ledger to share one set of books within the process)."""
        gateway = Gateway(target)
        profile = profile or gateway.profile
        if profile is None:
            raise ValueError("attach needs a profile (pass one, or a session/client that has it)")
        if budget is None:
            budget = ledger.budget if ledger is not None else profile.budget
        ledger = ledger or BudgetLedger(profile.name, budget, self.store, self._now)
        self._profiles[profile.name] = _Profile(profile.name, profile.platform, gateway, ledger, budget)
        return ledger

    def ledger(self, profile: str) -> BudgetLedger:
        return self._profiles[profile].ledger

    @property
    def profiles(self) -> list[str]:
        return list(self._profiles)

    def restore(self) -> int:
        """Watch again what the store's watch list holds for the attached profiles; returns how many."""
        if self.store is None:
            return 0
        count = 0
        for name in self._profiles:
            for w in self.store.watch_list(name):
                if w.kind not in KINDS or (name, w.kind, w.object_id) in self._items:
                    continue
                meta = dict(w.meta or {})
                since = _parse_time(meta.get("since")) or w.added_at or self._now()
                self._add(name, w.kind, w.object_id, parent_id=meta.get("parent_id"),
                          cleanroom_id=meta.get("cleanroom_id"), name=str(meta.get("name") or ""),
                          since=since, first_due=self._now(), persist=False)
                count += 1
        return count

    # ------------------------------------------------------------------ what is watched

    def watch_question_run(self, profile: str, question_id: str | None, run_id: str, *, name: str = "",
                           cleanroom_id: str | None = None, run: Any = None, launched: bool = True) -> WatchedRun:
        """Watch a question run. ``launched``: it was just created (its status is known, the first poll
        waits one interval); otherwise it is polled as soon as the budget allows."""
        item = self._add(profile, QUESTION_RUN, run_id, parent_id=question_id, cleanroom_id=cleanroom_id,
                         name=name or str(getattr(run, "name", "") or ""), launched=launched)
        if run is not None and item.snapshot is None:
            item.snapshot = self._snapshot(item, run, self._now())
        return item

    def watch_flow_run(self, profile: str, cleanroom_id: str, flow_id: str | None, run_id: str, *, name: str = "",
                       run: Any = None, launched: bool = True) -> WatchedRun:
        item = self._add(profile, FLOW_RUN, run_id, parent_id=flow_id, cleanroom_id=cleanroom_id,
                         name=name or str(getattr(run, "name", "") or ""), launched=launched)
        if run is not None and item.snapshot is None:
            item.snapshot = self._snapshot(item, run, self._now())
        return item

    def watch_query(self, profile: str, query_id: str, *, collaboration_id: str | None = None, name: str = "",
                    launched: bool = True) -> WatchedRun:
        return self._add(profile, INSIGHT_QUERY, query_id, parent_id=collaboration_id, cleanroom_id=None,
                         name=name, launched=launched)

    def watch_launch(self, outcome: Any) -> WatchedRun | None:
        """Watch what :class:`~tui.core.launch.Launcher` just launched (a resume restarts fast polling)."""
        kind = outcome.kind
        if kind == "question_run":
            return self.watch_question_run(outcome.profile, outcome.question_id, outcome.object_id, name=outcome.name,
                                           run=outcome.obj, launched=not outcome.recovered)
        if kind in ("flow_run", "flow_replay"):
            return self.watch_flow_run(outcome.profile, outcome.cleanroom_id or "", outcome.flow_id,
                                       outcome.object_id, name=outcome.name, run=outcome.obj,
                                       launched=not outcome.recovered)
        if kind == "flow_resume":
            key = (outcome.profile, FLOW_RUN, outcome.object_id)
            if key in self._items:
                self.poke(*key)
                return self._items[key]
            return self.watch_flow_run(outcome.profile, outcome.cleanroom_id or "", outcome.flow_id,
                                       outcome.object_id, launched=False)
        if kind == "insight_query":
            return self.watch_query(outcome.profile, outcome.object_id, collaboration_id=outcome.collaboration_id,
                                    name=outcome.name, launched=not outcome.recovered)
        return None

    def unwatch(self, profile: str, kind: str, object_id: str) -> None:
        item = self._items.pop((profile, kind, object_id), None)
        if self.store is not None:
            self.store.watch_remove(profile, kind, object_id)
        if item is not None:
            self._nudge()

    def poke(self, profile: str, kind: str, object_id: str, *, urgent: bool = False) -> None:
        """Something happened to it (e.g. resumed): poll fast again, from the next allowed read.
        ``urgent`` (an operator's refresh): the next read may come sooner than the recommended
        spacing, as long as the hourly cap and any backoff allow it."""
        item = self._items.get((profile, kind, object_id))
        if item is None:
            return
        now = self._now()
        item.since = now
        item.next_due = now
        item.urgent = item.urgent or urgent
        self._nudge()

    def due_at(self, key: Key) -> datetime | None:
        """When the watched run ``key`` is next read (its poll's planned time; None: not watched)."""
        return min((p.due for p in self._polls(self._now()) if any(i.key == key for i in p.items)), default=None)

    def items(self) -> list[WatchedRun]:
        return list(self._items.values())

    def snapshots(self) -> list[RunSnapshot]:
        return [i.snapshot for i in self._items.values() if i.snapshot is not None]

    def _add(self, profile: str, kind: str, object_id: str, *, parent_id: str | None, cleanroom_id: str | None,
             name: str, launched: bool = True, since: datetime | None = None, first_due: datetime | None = None,
             persist: bool = True) -> WatchedRun:
        prof = self._profiles.get(profile)
        if prof is None:
            raise KeyError(f"profile {profile!r} is not attached to the watcher")
        key = (profile, kind, object_id)
        if key in self._items:
            return self._items[key]
        now = self._now()
        since = since or now
        item = WatchedRun(profile, prof.platform, kind, object_id, parent_id, cleanroom_id, name, since, now)
        if first_due is not None:
            item.next_due = first_due
        elif launched:
            item.next_due = now + timedelta(seconds=self._interval(item, prof, now))
        self._items[key] = item
        if persist:
            self._persist(item)
        self._nudge()
        return item

    def _persist(self, item: WatchedRun) -> None:
        if self.store is None:
            return
        meta: dict[str, Any] = {"parent_id": item.parent_id, "cleanroom_id": item.cleanroom_id, "name": item.name,
                                "since": item.since.isoformat()}
        if item.snapshot is not None:
            meta["status"] = item.snapshot.status
        self.store.watch_add(item.profile, item.platform, item.kind, item.object_id, meta)

    # ------------------------------------------------------------------ scheduling

    def _interval(self, item: WatchedRun, prof: _Profile, now: datetime) -> float:
        age = max(0.0, (now - item.since).total_seconds())
        if prof.platform == "infosum":
            return backoff_interval(age, INFOSUM_FIRST_S, INFOSUM_MAX_S)
        floor = _lr_floor(prof.budget)
        cap = max(floor, float(prof.budget.hour_s))
        if item.snapshot is not None and item.snapshot.lifecycle is Lifecycle.PAUSED:
            return cap  # a paused flow run waits for someone to resume it
        return backoff_interval(age, floor, cap)

    def _polls(self, now: datetime) -> list[PlannedPoll]:
        """Every poll the watched items need, with the time each may happen (policy, then budget)."""
        polls: list[PlannedPoll] = []
        groups: dict[tuple[str, str, str, str], list[WatchedRun]] = {}
        singles: list[WatchedRun] = []
        for item in self._items.values():
            if item.platform == "liveramp" and item.parent_id and item.kind in (QUESTION_RUN, FLOW_RUN) and (
                    item.kind == QUESTION_RUN or item.cleanroom_id):
                groups.setdefault((item.profile, item.kind, item.cleanroom_id or "", item.parent_id), []).append(item)
            else:
                singles.append(item)
        for (profile, kind, _room, parent), members in groups.items():
            listable = [m for m in members if not m.single_only]
            if len(listable) >= 2:
                ledger = self._profiles[profile].ledger
                urgent = any(m.urgent for m in listable)
                due = max(min(m.next_due for m in listable), ledger.next_read_at(parent, now, urgent=urgent))
                op = "list_runs" if kind == QUESTION_RUN else "list_flow_runs"
                polls.append(PlannedPoll(profile, op, parent, tuple(listable), due, urgent))
                singles += [m for m in members if m.single_only]
            else:
                singles += members
        for item in singles:
            ledger = self._profiles[item.profile].ledger
            if item.kind == INSIGHT_QUERY or item.platform != "liveramp":
                blocked = ledger.backed_off_until(ALL, now)
                due = max(item.next_due, blocked) if blocked else item.next_due
                polls.append(PlannedPoll(item.profile, "query_status", None, (item,), due))
                continue
            op = "get_run" if item.kind == QUESTION_RUN else "get_flow_run"
            due = max(item.next_due, ledger.next_read_at(item.object_id, now, urgent=item.urgent))
            polls.append(PlannedPoll(item.profile, op, item.object_id, (item,), due, item.urgent))
        return polls

    def plan(self, now: datetime | None = None) -> list[PlannedPoll]:
        """The polls due at ``now`` (what :meth:`tick` would do), without doing them."""
        now = now or self._now()
        return [p for p in self._polls(now) if p.due <= now]

    def next_wake(self) -> datetime | None:
        """When the next poll is due (None when nothing is watched)."""
        polls = self._polls(self._now())
        return min((p.due for p in polls), default=None)

    async def tick(self, now: datetime | None = None) -> list[WatchEvent]:
        """Make every poll that is due at ``now``; returns (and delivers) the events."""
        now = now or self._now()
        events: list[WatchEvent] = []
        done: set[tuple[str, str, str]] = set()
        # re-plan after each round: a run a list did not show is polled on its own in the same tick;
        # no poll (operation + object) is made twice in one tick
        while polls := [p for p in self.plan(now) if _poll_id(p) not in done]:
            for poll in polls:
                done.add(_poll_id(poll))
                if not all(item.key in self._items for item in poll.items):
                    continue  # dropped by an earlier poll of this tick
                events += await self._execute(poll, now)
        for event in events:
            self._emit(event)
        return events

    # ------------------------------------------------------------------ events

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)
        return unsubscribe

    def _emit(self, event: WatchEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken listener must not stop the watcher
                log.exception("watch listener failed")

    def on_reschedule(self, waker: Callable[[], None]) -> None:
        """``waker()`` is called when the plan changes (a run watched, unwatched or poked): the runs
        board's loop (:class:`tui.core.board.RunsBoard`) wakes up to look at it again."""
        self._wakers.append(waker)

    def _nudge(self) -> None:
        for waker in list(self._wakers):
            waker()

    # ------------------------------------------------------------------ budget meter

    def _charge_of(self, item: WatchedRun) -> str | None:
        for poll in self._polls(self._now()):
            if any(i is item for i in poll.items):
                return poll.charge
        return None

    def reads_left_this_hour(self, profile: str, object_id: str, kind: str = QUESTION_RUN) -> int | None:
        """Status reads left this hour for what polling this object is charged to (its question when it
        is refreshed by a list call); None when the platform publishes no limit or it is not watched."""
        prof = self._profiles.get(profile)
        item = self._items.get((profile, kind, object_id))
        if prof is None or prof.platform != "liveramp":
            return None
        charge = self._charge_of(item) if item is not None else object_id
        return prof.ledger.reads_left(charge or object_id)

    def budget_meter(self, profile: str) -> BudgetMeter:
        prof = self._profiles[profile]
        now = self._now()
        polls = [p for p in self._polls(now) if p.profile == profile]
        limited = prof.platform == "liveramp"
        reads = {p.charge: prof.ledger.reads_left(p.charge, now) for p in polls if p.charge} if limited else {}
        watched = sum(1 for i in self._items.values() if i.profile == profile)
        return BudgetMeter(
            profile=profile, platform=prof.platform, limited=limited,
            reads_per_hour=prof.ledger.reads_per_hour if limited else None,
            reads_left=reads, reads_left_min=min(reads.values()) if reads else None,
            creates_left=prof.ledger.remaining_creates(now) if limited else None,
            creates_per_hour=prof.ledger.creates_per_hour if limited else None,
            creates_free_at=prof.ledger.creates_free_at(now) if limited else None,
            next_poll_at=min((p.due for p in polls), default=None), watched=watched)

    def summary(self, profile: str | None = None) -> str:
        names = [profile] if profile else list(self._profiles)
        return "\n".join(f"{name}: {self.budget_meter(name).text}" for name in names)


def _poll_id(poll: PlannedPoll) -> tuple[str, str, str]:
    return (poll.profile, poll.op, poll.charge or poll.items[0].object_id)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


__all__ = [
    "AGE_FACTOR", "FLOW_RUN", "INFOSUM_429_S", "INFOSUM_FIRST_S", "INFOSUM_MAX_S", "INSIGHT_QUERY", "KINDS",
    "LIST_LIMIT", "QUESTION_RUN", "BudgetMeter", "Key", "Listener", "PlannedPoll", "PollFailed", "RunChanged",
    "RunFinished", "RunGone", "RunSnapshot", "WatchEvent", "WatchedRun", "Watcher", "backoff_interval",
]
