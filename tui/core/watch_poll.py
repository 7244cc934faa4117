"""The watcher's polling: one planned poll made against the platform (a list call for the runs of one
question or flow, a single run, or an InfoSum query's status), and its answer turned into snapshots and
events, or into a backoff (429), a gone run (404) or a retry.

A mixin of :class:`tui.core.watch.Watcher` (split out of it along its section banner); it uses the
watcher's profiles, items, schedule (``_interval``), store (``_persist``) and call counter.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..api.http import ApiError
from .budget import ALL
from .status import Lifecycle, infosum_query_lifecycle, normalize
from .watch_model import (
    INFOSUM_429_S,
    INFOSUM_MAX_S,
    LIST_LIMIT,
    Key,
    PlannedPoll,
    PollFailed,
    RunChanged,
    RunFinished,
    RunGone,
    RunSnapshot,
    WatchedRun,
    WatchEvent,
    _Profile,
)

# the watcher's logger: one name for the whole watcher, whichever module logs
log = logging.getLogger("tui.core.watch")


class Polling:
    """Makes the watcher's polls (see the module docstring)."""

    store: Any
    calls: Counter[str]
    _profiles: dict[str, _Profile]
    _items: dict[Key, WatchedRun]

    if TYPE_CHECKING:  # the watcher's schedule and store, defined by Watcher
        def _interval(self, item: WatchedRun, prof: _Profile, now: datetime) -> float: ...
        def _persist(self, item: WatchedRun) -> None: ...

    async def _execute(self, poll: PlannedPoll, now: datetime) -> list[WatchEvent]:
        prof = self._profiles[poll.profile]
        # an attempt counts, whatever the answer; claimed (checked and recorded in one store
        # transaction) because another process on this profile — a second browser tab, a headless
        # watch — may have spent the read since this poll was planned: then it waits for a later tick
        if poll.charge is not None and not prof.ledger.claim_read(poll.charge, now, urgent=poll.urgent):
            return []
        for item in poll.items:  # one read now was asked for, not faster polling from here on
            item.urgent = False
        self.calls[poll.op] += 1
        try:
            if poll.op == "list_runs":
                return await self._list_question_runs(prof, poll, now)
            if poll.op == "list_flow_runs":
                return await self._list_flow_runs(prof, poll, now)
            if poll.op == "get_run":
                item = poll.items[0]
                run = await prof.gateway.read(lambda c: c.get_run(item.object_id))
                return self._update(item, self._snapshot(item, run, now), now)
            if poll.op == "get_flow_run":
                item = poll.items[0]
                run = await prof.gateway.read(lambda c: c.get_flow_run(item.cleanroom_id, item.object_id))
                return self._update(item, self._snapshot(item, run, now), now)
            return await self._query_status(prof, poll.items[0], now)
        except ApiError as exc:
            return self._failed(prof, poll, exc, now)
        except Exception as exc:  # a bug or an odd answer must not stop the watcher (errors are views)
            log.exception("poll %s of %s failed", poll.op, poll.charge)
            error = ApiError(message=f"{type(exc).__name__}: {exc}", code="CLIENT_ERROR", platform=prof.platform)
            return self._failed(prof, poll, error, now)

    async def _list_question_runs(self, prof: _Profile, poll: PlannedPoll, now: datetime) -> list[WatchEvent]:
        submitted = [i.snapshot.submitted_at for i in poll.items if i.snapshot and i.snapshot.submitted_at]
        start = (min(submitted) - timedelta(days=1)).date() if len(submitted) == len(poll.items) else None
        runs = await prof.gateway.read(lambda c: c.list_runs(poll.charge, start_date=start, limit=LIST_LIMIT))
        return self._apply_listing(poll, {r.id: r for r in runs}, now)

    async def _list_flow_runs(self, prof: _Profile, poll: PlannedPoll, now: datetime) -> list[WatchEvent]:
        room = poll.items[0].cleanroom_id
        listing = await prof.gateway.read(lambda c: c.list_flow_runs(room, poll.charge, limit=LIST_LIMIT))
        return self._apply_listing(poll, {r.id: r for r in listing.clean_room_flow_runs}, now)

    def _apply_listing(self, poll: PlannedPoll, by_id: dict[str, Any], now: datetime) -> list[WatchEvent]:
        events: list[WatchEvent] = []
        for item in poll.items:
            run = by_id.get(item.object_id)
            if run is None:
                # not on the list's first page (old, or many newer runs): poll it on its own
                item.single_only = True
                item.next_due = now
                continue
            events += self._update(item, self._snapshot(item, run, now), now)
        return events

    async def _query_status(self, prof: _Profile, item: WatchedRun, now: datetime) -> list[WatchEvent]:
        status = await prof.gateway.read(lambda c: c.query_status(item.object_id))
        raw = str(getattr(status, "status", "") or "")
        error = str(getattr(status, "error", "") or "") or None
        done = bool(getattr(status, "done", False))
        life = infosum_query_lifecycle(done, error, raw)
        result = None
        if done and life is Lifecycle.SUCCEEDED and not error and raw.lower() in ("done", ""):
            # the v1 status says only "done": the result (or its error) tells success from failure
            try:
                result = await prof.gateway.read(lambda c: c.query_result(item.object_id))
            except ApiError as exc:
                if exc.status in (404, 409):  # not ready after all: keep polling
                    life, done = Lifecycle.RUNNING, False
                else:
                    life, error = Lifecycle.FAILED, exc.message
        snap = RunSnapshot(item.profile, item.platform, item.kind, item.object_id, item.name or item.object_id,
                           raw or ("done" if done else "pending"), life, parent_id=item.parent_id,
                           failure_reason=error, polled_at=now, raw=status)
        return self._update(item, snap, now, result=result)

    def _snapshot(self, item: WatchedRun, run: Any, now: datetime) -> RunSnapshot:
        status = str(getattr(run, "status", "") or "")
        return RunSnapshot(
            profile=item.profile, platform=item.platform, kind=item.kind, object_id=item.object_id,
            name=str(getattr(run, "name", "") or item.name or item.object_id), status=status,
            lifecycle=normalize(item.platform, status), parent_id=item.parent_id, cleanroom_id=item.cleanroom_id,
            failure_reason=getattr(run, "failure_reason", None) or None,
            run_message=getattr(run, "run_message", None) or None,
            submitted_at=getattr(run, "submitted_at", None), completed_at=getattr(run, "completed_at", None),
            polled_at=now, raw=run)

    def _update(self, item: WatchedRun, snap: RunSnapshot, now: datetime, *, result: Any = None) -> list[WatchEvent]:
        old = item.snapshot
        item.snapshot = snap
        item.failures = 0
        if snap.name and not item.name:
            item.name = snap.name
        events: list[WatchEvent] = []
        if old is None or old.status != snap.status or old.lifecycle != snap.lifecycle:
            events.append(RunChanged(old, snap))
        if snap.lifecycle.terminal:
            events.append(RunFinished(snap, snap.lifecycle, snap.reason, result))
            self._drop(item)
            return events
        item.next_due = now + timedelta(seconds=self._interval(item, self._profiles[item.profile], now))
        if old is None or old.status != snap.status:
            self._persist(item)
        return events

    def _failed(self, prof: _Profile, poll: PlannedPoll, exc: ApiError, now: datetime) -> list[WatchEvent]:
        events: list[WatchEvent] = []
        if exc.status == 429:
            if prof.platform == "liveramp" and poll.charge is not None:
                until = prof.ledger.backoff_after_429(poll.charge, now, exc.retry_after)
            else:
                until = prof.ledger.backoff_after_429(ALL, now, exc.retry_after or INFOSUM_429_S)
            log.warning("429 from %s on %s: backing off until %s", prof.name, poll.op, until.isoformat())
            return [PollFailed(item.key, exc, until) for item in poll.items]
        if exc.status == 404:
            if poll.op in ("list_runs", "list_flow_runs"):
                for item in poll.items:  # the parent is gone or unreadable: try the runs themselves
                    item.single_only = True
                    item.next_due = now
                    events.append(PollFailed(item.key, exc, now))
                return events
            item = poll.items[0]
            self._drop(item)
            return [RunGone(item.key, item.snapshot, exc)]
        for item in poll.items:
            item.failures += 1
            base = self._interval(item, prof, now)
            cap = INFOSUM_MAX_S * 4 if prof.platform == "infosum" else max(base, float(prof.budget.hour_s))
            delay = min(cap, base * (2 ** min(item.failures, 6)))
            item.next_due = now + timedelta(seconds=delay)
            events.append(PollFailed(item.key, exc, item.next_due))
        return events

    def _drop(self, item: WatchedRun) -> None:
        self._items.pop(item.key, None)
        if self.store is not None:
            self.store.watch_remove(item.profile, item.kind, item.object_id)
