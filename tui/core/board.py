"""The runs board: run state in one place, and the one polling loop.

A :class:`RunsBoard` owns everything the app knows about runs it follows: the
:class:`~tui.core.watch.Watcher` (watched runs, their last snapshots, the polling plan inside each
profile's budget ledger), the runs that finished recently (kept in the store for a day so a restart
shows them), the trouble of the last poll of each run, and the launchers whose journal it settles.

:meth:`RunsBoard.run` is the **one polling loop**: the TUI runs it in a Textual worker
(:mod:`tui.ui.watching`), ``cleanroom-tui watch`` runs it until its runs finish or time out
(:mod:`tui.headless.watch`), and the idle-CPU benchmark measures it inside the running TUI. The next
poll is planned only after the previous one finished (Dolphie's refresh loop), and a wait is cut
short by :meth:`nudge` (a launch, ``r`` on the board).

What the board tells its owner goes through three hooks a subclass overrides: :meth:`changed` (an
event, or ``None``: the set of runs changed), :meth:`finished` (a run finished: announce it) and
:meth:`found_lost_launch` (a launch whose answer was lost was found by listing). No Textual here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..times import utcnow
from .status import Lifecycle
from .watch import PollFailed, RunChanged, RunFinished, RunGone, RunSnapshot, Watcher

if TYPE_CHECKING:  # pragma: no cover
    from .budget import BudgetLedger
    from .launch import Launcher, LaunchOutcome
    from .session import Session

log = logging.getLogger("tui.core.board")

#: the loop never sleeps longer than this between looks at the schedule
MAX_SLEEP_S = 30.0
#: finished runs stay on the board this long (and across restarts, through the store)
RECENT_FOR = timedelta(hours=24)
RECENT_KIND = "board-recent"
RECENT_KEY = "runs"
RECENT_MAX = 200
#: how often launches left unresolved (a lost answer whose listing failed too) are tried again
SETTLE_EVERY = timedelta(minutes=1)

Key = tuple[str, str, str]
#: ``wait(wake, now)`` → False ends the loop (the headless command's timeout); None: sleep as usual
Waiter = Callable[[datetime | None, datetime], Awaitable[bool]]


@dataclass
class BoardEntry:
    """One run on the board: its last snapshot, and whether it finished (and was announced)."""

    snapshot: RunSnapshot
    finished: bool = False
    #: the last poll failed (shown on the board, the run stays watched)
    trouble: str | None = None
    gone: bool = False


class RunsBoard:
    """Watched runs, recently finished runs and their trouble, for every profile of the app."""

    def __init__(self, sessions: Sequence[Session], *, store: Any = None, now: Callable[[], datetime] | None = None,
                 ledgers: dict[str, BudgetLedger] | None = None, keep_recent: bool = True,
                 settle: bool = True) -> None:
        self.sessions = list(sessions)
        self._now = now or self._pick_clock(self.sessions)
        self.store = store if store is not None else self._pick_store(self.sessions, self._now)
        self.watcher = Watcher(self.store, now=self._now)
        self.watcher.on_reschedule(self.nudge)
        self.launchers: dict[str, Launcher] = {}
        self._ledgers = dict(ledgers or {})
        self._keep_recent = keep_recent
        #: settle the launch journal (the TUI); a headless ``watch`` only watches
        self._settle = settle
        for session in self.sessions:
            self._attach(session)
        self.watcher.subscribe(self._on_event)
        self.recent: dict[Key, BoardEntry] = {}
        self.trouble: dict[Key, str] = {}
        #: when each trouble was seen (a later successful poll clears it: see ``_clear_recovered``)
        self._trouble_at: dict[Key, datetime] = {}
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        #: next time unresolved launches are checked again (None: at the next tick)
        self._next_settle: datetime | None = None
        self._settling = False
        if keep_recent:
            self._load_recent()

    # ------------------------------------------------------------------ hooks (the owner's)
    def changed(self, event: Any) -> None:
        """A watcher event, or ``None`` when the board's set of runs or their trouble changed."""

    def finished(self, event: RunFinished) -> None:
        """A watched run finished (the TUI announces it)."""

    def found_lost_launch(self, launcher: Launcher, item: Any) -> None:
        """An earlier launch whose answer was lost was found by listing (not posted again)."""

    # ------------------------------------------------------------------ set-up
    def _attach(self, session: Session) -> None:
        from .budget import BudgetLedger
        from .launch import Launcher

        # one set of books per profile: the screens' status reads, the launcher and the watcher
        ledger = self._ledgers.get(session.name) or BudgetLedger(session.name, session.profile.budget,
                                                                 self.store, self._now)
        self._ledgers[session.name] = ledger
        session.use_ledger(ledger)
        self.launchers[session.name] = Launcher(session, self.store, now=self._now, ledger=ledger)
        self.watcher.attach(session, ledger=ledger)

    def add_session(self, session: Session) -> None:
        """A profile connected later (the profile switcher): launch from it, watch its runs too.
        Sessions are never removed: runs keep being watched after switching away from a profile."""
        if session.name in self.launchers:
            return
        self.sessions.append(session)
        self._attach(session)

    @staticmethod
    def _pick_clock(sessions: Sequence[Session]) -> Callable[[], datetime]:
        for session in sessions:
            demo = session.demo
            if demo is not None and demo.explicit_clock:
                return demo.now
        return utcnow

    @staticmethod
    def _pick_store(sessions: Sequence[Session], now: Callable[[], datetime]) -> Any:
        for session in sessions:
            store = session.repo.store
            if hasattr(store, "journal_intent") and hasattr(store, "watch_list"):
                return store
        # no SQLite store (tests, a broken cache dir): the journal still guards this process
        from ..store import Store

        return Store.in_memory(now=now)

    def now(self) -> datetime:
        return self._now()

    def session(self, name: str) -> Session | None:
        return next((s for s in self.sessions if s.name == name), None)

    def launcher(self, session: Session | str) -> Launcher:
        return self.launchers[session if isinstance(session, str) else session.name]

    def restore(self) -> int:
        """Watch again what the store's watch list holds (watched runs survive a restart)."""
        try:
            return self.watcher.restore()
        except Exception:  # a damaged watch list must not stop the app
            log.exception("restoring the watch list failed")
            return 0

    # ------------------------------------------------------------------ the launch journal
    def _settling_launchers(self) -> list[Launcher]:
        if not self._settle:
            return []
        return [launcher for launcher in self.launchers.values()
                if launcher.platform == "liveramp" and not launcher.gateway.readonly]

    def has_unresolved(self) -> bool:
        """A LiveRamp launch is still unresolved (its answer was lost and the listing failed too)."""
        try:
            return any(self.store.journal_unresolved(launcher.profile.name)
                       for launcher in self._settling_launchers())
        except Exception:
            return False

    async def settle_journal(self) -> None:
        """Settle launches a crash or a lost answer left unresolved: by listing, never by posting again."""
        if self._settling:
            return
        self._settling = True
        try:
            for launcher in self._settling_launchers():
                try:
                    settled = await launcher.reconcile_unresolved()
                except Exception:
                    log.exception("reconciling unresolved launches failed")
                    continue
                for item in settled:
                    if item.result == "found" and item.object_id:
                        self._watch_settled(launcher, item)
                        self.found_lost_launch(launcher, item)
        finally:
            self._settling = False

    def _watch_settled(self, launcher: Launcher, item: Any) -> None:
        """Watch a run that a settled launch found (a question run; a flow run's flow is in the target)."""
        from .launch import FLOW_REPLAY, FLOW_RUN, QUESTION_RUN, parse_target

        try:
            kind, ids = parse_target(item.entry.target)
            name = str((item.entry.request or {}).get("name") or "")
            if kind == QUESTION_RUN and ids:
                self.watcher.watch_question_run(launcher.profile.name, ids[0], item.object_id, name=name,
                                                launched=False)
            elif kind in (FLOW_RUN, FLOW_REPLAY) and len(ids) >= 2:
                self.watcher.watch_flow_run(launcher.profile.name, ids[0], ids[1], item.object_id, name=name,
                                            launched=False)
            else:
                return
        except Exception:  # watching is a nicety here: the caller says what was found
            log.debug("watching a settled launch failed", exc_info=True)
            return
        self.changed(None)
        self.nudge()

    async def _settle_due(self) -> None:
        """While a launch is unresolved, check it again every ``SETTLE_EVERY`` (the platform may answer
        again without a restart)."""
        now = self.now()
        if self._next_settle is not None and now < self._next_settle:
            return
        self._next_settle = now + SETTLE_EVERY
        if self.has_unresolved():
            await self.settle_journal()

    # ------------------------------------------------------------------ the one polling loop
    def has_work(self) -> bool:
        return bool(self.watcher.items()) or self.has_unresolved()

    def next_wake(self) -> datetime | None:
        wake = self.watcher.next_wake()
        if wake is None and self.has_unresolved():  # nothing watched: only an unresolved launch to check
            wake = self._next_settle or self.now()
        return wake

    async def run(self, *, until_idle: bool = True, wait: Waiter | None = None) -> None:
        """Poll whatever is due, sleep until the next poll, repeat; ends when nothing is left to watch
        (``until_idle``) or ``wait`` says so. The next poll is planned after the previous one finished."""
        while self.has_work() or not until_idle:
            wake = self.next_wake()
            now = self.now()
            if wake is None or wake > now:
                if wait is not None and not await wait(wake, now):
                    return
                if wait is None:
                    seconds = MAX_SLEEP_S if wake is None else min(MAX_SLEEP_S, (wake - now).total_seconds())
                    await self.sleep(seconds)
                continue
            await self.tick()
            await asyncio.sleep(0)  # let the screens paint between rounds

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of real time, or until :meth:`nudge`."""
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=max(0.05, seconds))

    def nudge(self) -> None:
        """Look at the schedule again now (a launch, a poke)."""
        self._wake.set()

    async def tick(self) -> list[Any]:
        """Poll whatever is due now (the loop calls this; tests call it after moving the clock)."""
        async with self._lock:
            events = await self.watcher.tick()
        self._clear_recovered(events)
        await self._settle_due()
        return events

    def _clear_recovered(self, events: list[Any]) -> None:
        """A poll that succeeds without a status change emits no event: clear the failure reason it
        follows here, so the board recovers by itself once a fault stops (fault drills)."""
        failed = {e.key for e in events if isinstance(e, PollFailed)}
        cleared = False
        for item in self.watcher.items():
            at = self._trouble_at.get(item.key)
            polled = item.snapshot.polled_at if item.snapshot is not None else None
            if at is not None and item.key not in failed and polled is not None and polled > at:
                self.trouble.pop(item.key, None)
                self._trouble_at.pop(item.key, None)
                cleared = True
        if cleared:
            self.changed(None)

    # ------------------------------------------------------------------ what to watch
    def launched(self, outcome: LaunchOutcome) -> None:
        """Watch what was just launched (and show it on the board at once)."""
        item = self.watcher.watch_launch(outcome)
        if item is not None:
            self.recent.pop(item.key, None)
            self.trouble.pop(item.key, None)
        self.changed(None)
        self.nudge()

    def watch_run(self, session: Session, run: Any, *, question_id: str | None, cleanroom_id: str | None) -> None:
        """Watch an existing question run (``w`` on a run)."""
        item = self.watcher.watch_question_run(session.name, question_id, run.id, name=run.name or "",
                                               cleanroom_id=cleanroom_id, run=run, launched=False)
        self.recent.pop(item.key, None)
        self.changed(None)
        self.nudge()

    def watch_flow_run(self, session: Session, run: Any, *, cleanroom_id: str, flow_id: str | None) -> None:
        item = self.watcher.watch_flow_run(session.name, cleanroom_id, flow_id, run.id, name=run.name or "",
                                           run=run, launched=False)
        self.recent.pop(item.key, None)
        self.changed(None)
        self.nudge()

    def is_watched(self, profile: str, kind: str, object_id: str) -> bool:
        return any(i.key == (profile, kind, object_id) for i in self.watcher.items())

    def dismiss(self, key: Key) -> None:
        """Take a run off the board (a finished one) or stop watching it (an active one)."""
        if key in self.recent:
            del self.recent[key]
            self._save_recent()
        else:
            self.watcher.unwatch(*key)
        self.trouble.pop(key, None)
        self.changed(None)

    # ------------------------------------------------------------------ board state
    def entries(self) -> list[BoardEntry]:
        """Watched runs (live) and recently finished ones, for the board."""
        out: dict[Key, BoardEntry] = {}
        for item in self.watcher.items():
            snap = item.snapshot or self._placeholder(item)
            out[item.key] = BoardEntry(snap, trouble=self.trouble.get(item.key))
        for key, entry in self.recent.items():
            out.setdefault(key, entry)
        return list(out.values())

    @staticmethod
    def _placeholder(item: Any) -> RunSnapshot:
        return RunSnapshot(item.profile, item.platform, item.kind, item.object_id, item.name or item.object_id,
                           "", Lifecycle.UNKNOWN, parent_id=item.parent_id, cleanroom_id=item.cleanroom_id)

    def meter_text(self, profile: str) -> str:
        try:
            return self.watcher.budget_meter(profile).text
        except KeyError:
            return ""

    # ------------------------------------------------------------------ events
    def _on_event(self, event: Any) -> None:
        if isinstance(event, RunChanged):
            self.trouble.pop(event.new.key, None)
            self._remember_run(event.new)
        elif isinstance(event, RunFinished):
            key = event.run.key
            self.trouble.pop(key, None)
            self.recent[key] = BoardEntry(event.run, finished=True)
            self._remember_run(event.run)
            self._save_recent()
            try:
                self.finished(event)
            except Exception:  # an announcement must never stop the watcher
                log.exception("announcing a finished run failed")
        elif isinstance(event, PollFailed):
            error = event.error
            self._trouble_at[event.key] = self.now()
            self.trouble[event.key] = (f"rate limited: waiting until {event.retry_at:%H:%M:%S} UTC"
                                       if error.status == 429 else f"{error.message or error}"[:200])
        elif isinstance(event, RunGone):
            last = event.last
            if last is not None:
                self.recent[event.key] = BoardEntry(last, finished=True, gone=True,
                                                    trouble="not found on the platform (deleted?)")
                self._save_recent()
        self.changed(event)

    def _remember_run(self, snap: RunSnapshot) -> None:
        """Put what the watcher read into the cache, so screens opened later paint it at once."""
        session = self.session(snap.profile)
        raw = snap.raw
        if session is None or raw is None or snap.kind != "question_run":
            return
        try:
            from . import liveramp as lr

            session.remember(lr.run(snap.object_id), raw)
        except Exception:
            log.debug("caching a watched run failed", exc_info=True)

    # ------------------------------------------------------------------ recent runs in the store
    def _load_recent(self) -> None:
        now = self.now()
        for session in self.sessions:
            try:
                entry = self.store.get(session.name, RECENT_KIND, RECENT_KEY)
            except Exception:
                continue
            value = getattr(entry, "value", None)
            if not isinstance(value, list):
                continue
            for row in value:
                try:
                    finished_at = datetime.fromisoformat(row["finished_at"])
                    if now - finished_at > RECENT_FOR:
                        continue
                    snap = RunSnapshot(
                        profile=session.name, platform=session.platform, kind=str(row["kind"]),
                        object_id=str(row["id"]), name=str(row.get("name") or row["id"]),
                        status=str(row.get("status") or ""), lifecycle=Lifecycle(row.get("lifecycle", "unknown")),
                        parent_id=row.get("parent_id"), cleanroom_id=row.get("cleanroom_id"),
                        failure_reason=row.get("reason"), polled_at=finished_at)
                except (KeyError, TypeError, ValueError):
                    continue
                self.recent[snap.key] = BoardEntry(snap, finished=True)

    def _save_recent(self) -> None:
        if not self._keep_recent:
            return
        now = self.now()
        for session in self.sessions:
            rows = []
            for entry in self.recent.values():
                snap = entry.snapshot
                if snap.profile != session.name:
                    continue
                at = snap.polled_at or now
                if now - at > RECENT_FOR:
                    continue
                rows.append({"kind": snap.kind, "id": snap.object_id, "name": snap.name, "status": snap.status,
                             "lifecycle": snap.lifecycle.value, "parent_id": snap.parent_id,
                             "cleanroom_id": snap.cleanroom_id, "reason": snap.reason,
                             "finished_at": at.isoformat()})
            try:
                self.store.put(session.name, RECENT_KIND, RECENT_KEY, rows[-RECENT_MAX:])
            except Exception:
                log.debug("saving recent runs failed", exc_info=True)


__all__ = ["MAX_SLEEP_S", "RECENT_FOR", "SETTLE_EVERY", "BoardEntry", "RunsBoard"]
