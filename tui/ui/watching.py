"""The app's one run watcher, and the launchers that feed it (the glue between core and screens).

- One :class:`~tui.core.watch.Watcher` for the whole app, every session attached with the ledger of
  that profile's :class:`~tui.core.launch.Launcher` (one set of budget books per profile).
- Started after the first paint (``CleanroomApp.on_mount`` → ``after_frame``): it restores the
  store's watch list (watched runs survive a restart), settles launches a crash left unresolved
  (by listing, never by posting again), then polls in a Textual worker of group ``watcher``.
  The worker ends when nothing is watched and starts again with the next launch, so an idle app
  holds no busy worker.
- Every launch made through :meth:`WatchHub.launched` is watched at once.
- Each watcher event goes to every screen on the stack as a typed message (:class:`RunStatus`,
  :class:`BoardChanged`: the board and the run screens update in place); a finished run is announced (toast, bell, optional desktop
  notification: :mod:`tui.ui.notify`) and kept as "recent" for the board — failures stay there,
  highlighted, until dismissed. Recent runs are kept in the store for a day so the board shows
  them after a restart.

Clock: the budgets' clock — wall time, except when the demo world runs on an explicit clock (the
tests' ``ManualClock``), which then drives budgets and polling too, so tests step time by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from textual.message import Message

from ..core.session import Session
from ..core.watch import RunSnapshot
from ..times import utcnow

if TYPE_CHECKING:  # pragma: no cover
    from ..core.launch import Launcher, LaunchOutcome
    from ..core.watch import Watcher

log = logging.getLogger("tui.ui.watching")

#: the worker group of the polling loop (tests' "wait for workers" helpers leave it out)
WORKER_GROUP = "watcher"
#: the loop never sleeps longer than this between looks at the schedule
MAX_SLEEP_S = 30.0
#: finished runs stay on the board this long (and across restarts, through the store)
RECENT_FOR = timedelta(hours=24)
RECENT_KIND = "board-recent"
RECENT_KEY = "runs"
RECENT_MAX = 200
#: how often launches left unresolved (a lost answer whose listing failed too) are tried again
SETTLE_EVERY = timedelta(minutes=1)


@dataclass
class BoardChanged(Message, bubble=False):
    """The set of runs on the board, or their trouble, changed (a launch, a dismissal, a failed poll).
    Several waiting in a screen's queue collapse into one (each repaints everything)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, BoardChanged)


@dataclass
class RunStatus(Message, bubble=False):
    """A watched run's newest snapshot (its status changed, or it finished). A newer status of the
    same run supersedes a waiting one, as Toolong's high-frequency messages do."""

    snapshot: RunSnapshot
    finished: bool = False
    #: an InfoSum query's result, when the watcher fetched it to learn the outcome
    result: Any = None

    def can_replace(self, message: Message) -> bool:
        return (isinstance(message, RunStatus) and message.snapshot.key == self.snapshot.key
                and not self.finished)


def message_for(event: Any) -> Message:
    """The typed message a watcher event becomes for the screens."""
    from ..core.watch import RunChanged, RunFinished

    if isinstance(event, RunChanged):
        return RunStatus(event.new)
    if isinstance(event, RunFinished):
        return RunStatus(event.run, finished=True, result=event.result)
    return BoardChanged()


@dataclass
class BoardEntry:
    """One run on the board: its last snapshot, and whether it finished (and was announced)."""

    snapshot: RunSnapshot
    finished: bool = False
    #: the last poll failed (shown on the board, the run stays watched)
    trouble: str | None = None
    gone: bool = False


class WatchHub:
    def __init__(self, app: Any, sessions: Sequence[Session], *, now: Callable[[], datetime] | None = None) -> None:
        from ..core.watch import Watcher

        self.app = app
        self.sessions = list(sessions)
        self._now = now or self._pick_clock(self.sessions)
        self.store = self._pick_store(self.sessions, self._now)
        self.watcher: Watcher = Watcher(self.store, now=self._now)
        self.launchers: dict[str, Launcher] = {}
        for session in self.sessions:
            self._attach(session)
        self.watcher.subscribe(self._on_event)
        self.recent: dict[tuple[str, str, str], BoardEntry] = {}
        self.trouble: dict[tuple[str, str, str], str] = {}
        #: when each trouble was seen (a later successful poll clears it: see ``_clear_recovered``)
        self._trouble_at: dict[tuple[str, str, str], datetime] = {}
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._started = False
        #: next time unresolved launches are checked again (None: at the next tick)
        self._next_settle: datetime | None = None
        self._settling = False
        self._load_recent()

    # ------------------------------------------------------------------ set-up
    def _attach(self, session: Session) -> None:
        from ..core.budget import BudgetLedger
        from ..core.launch import Launcher

        # one set of books per profile: the screens' status reads, the launcher and the watcher
        ledger = BudgetLedger(session.name, session.profile.budget, self.store, self._now)
        session.use_ledger(ledger)
        launcher = Launcher(session, self.store, now=self._now, ledger=ledger)
        self.launchers[session.name] = launcher
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

    def start(self) -> None:
        """After the first paint: restore, settle unresolved launches, poll."""
        if self._started:
            return
        self._started = True
        try:
            restored = self.watcher.restore()
        except Exception:  # a damaged watch list must not stop the app
            log.exception("restoring the watch list failed")
            restored = 0
        if restored:
            self.broadcast(None)
        self.app.run_worker(self._settle_journal(), group="journal", exit_on_error=False,
                            description="reconcile unresolved launches")
        self.ensure_running()

    def _settling_launchers(self) -> list[Launcher]:
        return [launcher for launcher in self.launchers.values()
                if launcher.platform == "liveramp" and not launcher.gateway.readonly]

    def has_unresolved(self) -> bool:
        """A LiveRamp launch is still unresolved (its answer was lost and the listing failed too)."""
        try:
            return any(self.store.journal_unresolved(launcher.profile.name)
                       for launcher in self._settling_launchers())
        except Exception:
            return False

    async def _settle_journal(self) -> None:
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
                        self.app.notify(f"An earlier launch whose answer was lost was found by listing: "
                                        f"{item.object_id} (not posted again).", title="Launch journal",
                                        markup=False, timeout=15)
        finally:
            self._settling = False

    def _watch_settled(self, launcher: Launcher, item: Any) -> None:
        """Watch a run that a settled launch found (a question run; a flow run's flow is in the target)."""
        from ..core.launch import FLOW_REPLAY, FLOW_RUN, QUESTION_RUN, parse_target

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
        except Exception:  # watching is a nicety here: the toast says what was found
            log.debug("watching a settled launch failed", exc_info=True)
            return
        self.broadcast(None)
        self.ensure_running()

    async def _settle_due(self) -> None:
        """While a launch is unresolved, check it again every ``SETTLE_EVERY`` (the platform may answer
        again without a restart)."""
        now = self.now()
        if self._next_settle is not None and now < self._next_settle:
            return
        self._next_settle = now + SETTLE_EVERY
        if self.has_unresolved():
            await self._settle_journal()

    # ------------------------------------------------------------------ the loop
    def ensure_running(self) -> None:
        """Start the polling worker if something is watched and it is not running."""
        self._wake.set()
        if not self._started or not (self.watcher.items() or self.has_unresolved()):
            return
        running = any(w.group == WORKER_GROUP and not w.is_finished for w in self.app.workers)
        if not running:
            self.app.run_worker(self._loop(), group=WORKER_GROUP, exit_on_error=False,
                                description="watch runs")

    async def _loop(self) -> None:
        # the next poll is planned only after the previous one finished (Dolphie-style)
        while self.watcher.items() or self.has_unresolved():
            wake = self.watcher.next_wake()
            now = self.now()
            if wake is None:  # nothing watched: only an unresolved launch to check again
                wake = self._next_settle or now
            if wake is not None and wake > now:
                await self._sleep(min(MAX_SLEEP_S, (wake - now).total_seconds()))
                continue
            await self.tick()
            await asyncio.sleep(0)  # let the screens paint between rounds

    async def _sleep(self, seconds: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=max(0.05, seconds))

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
        from ..core.watch import PollFailed

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
            self.broadcast(None)

    def nudge(self) -> None:
        self._wake.set()

    # ------------------------------------------------------------------ launches
    def launched(self, outcome: LaunchOutcome) -> None:
        """Watch what was just launched (and show it on the board at once)."""
        item = self.watcher.watch_launch(outcome)
        if item is not None:
            self.recent.pop(item.key, None)
            self.trouble.pop(item.key, None)
        self.broadcast(None)
        self.ensure_running()

    def watch_run(self, session: Session, run: Any, *, question_id: str | None, cleanroom_id: str | None) -> None:
        """Watch an existing question run (``w`` on a run)."""
        item = self.watcher.watch_question_run(session.name, question_id, run.id, name=run.name or "",
                                               cleanroom_id=cleanroom_id, run=run, launched=False)
        self.recent.pop(item.key, None)
        self.broadcast(None)
        self.ensure_running()

    def watch_flow_run(self, session: Session, run: Any, *, cleanroom_id: str, flow_id: str | None) -> None:
        item = self.watcher.watch_flow_run(session.name, cleanroom_id, flow_id, run.id, name=run.name or "",
                                           run=run, launched=False)
        self.recent.pop(item.key, None)
        self.broadcast(None)
        self.ensure_running()

    def is_watched(self, profile: str, kind: str, object_id: str) -> bool:
        return any(i.key == (profile, kind, object_id) for i in self.watcher.items())

    def dismiss(self, key: tuple[str, str, str]) -> None:
        """Take a run off the board (a finished one) or stop watching it (an active one)."""
        if key in self.recent:
            del self.recent[key]
            self._save_recent()
        else:
            self.watcher.unwatch(*key)
        self.trouble.pop(key, None)
        self.broadcast(None)

    # ------------------------------------------------------------------ board state
    def entries(self) -> list[BoardEntry]:
        """Watched runs (live) and recently finished ones, for the board."""
        out: dict[tuple[str, str, str], BoardEntry] = {}
        for item in self.watcher.items():
            snap = item.snapshot or self._placeholder(item)
            out[item.key] = BoardEntry(snap, trouble=self.trouble.get(item.key))
        for key, entry in self.recent.items():
            out.setdefault(key, entry)
        return list(out.values())

    def _placeholder(self, item: Any) -> RunSnapshot:
        from ..core.status import Lifecycle
        from ..core.watch import RunSnapshot

        return RunSnapshot(item.profile, item.platform, item.kind, item.object_id, item.name or item.object_id,
                           "", Lifecycle.UNKNOWN, parent_id=item.parent_id, cleanroom_id=item.cleanroom_id)

    def meter_text(self, profile: str) -> str:
        try:
            return self.watcher.budget_meter(profile).text
        except KeyError:
            return ""

    # ------------------------------------------------------------------ events
    def _on_event(self, event: Any) -> None:
        from ..core.watch import PollFailed, RunChanged, RunFinished, RunGone

        if isinstance(event, RunChanged):
            self.trouble.pop(event.new.key, None)
            self._remember_run(event.new)
        elif isinstance(event, RunFinished):
            key = event.run.key
            self.trouble.pop(key, None)
            self.recent[key] = BoardEntry(event.run, finished=True)
            self._remember_run(event.run)
            self._save_recent()
            from .notify import announce_finished

            try:
                announce_finished(self.app, event)
            except Exception:  # a notification must never stop the watcher
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
        self.broadcast(event)

    def _remember_run(self, snap: RunSnapshot) -> None:
        """Put what the watcher read into the cache, so screens opened later paint it at once."""
        session = self.session(snap.profile)
        raw = snap.raw
        if session is None or raw is None or snap.kind != "question_run":
            return
        try:
            from ..core import liveramp as lr

            session.remember(lr.run(snap.object_id), raw)
        except Exception:
            log.debug("caching a watched run failed", exc_info=True)

    def broadcast(self, event: Any) -> None:
        """Post the event, typed (:func:`message_for`; ``None``: the board changed), to every screen
        on the stack (the board, run screens, the query screen)."""
        try:
            stack = list(self.app.screen_stack)
        except Exception:
            return
        for screen in stack:
            screen.post_message(message_for(event))

    # ------------------------------------------------------------------ recent runs in the store
    def _load_recent(self) -> None:
        from ..core.status import Lifecycle
        from ..core.watch import RunSnapshot

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


__all__ = ["WORKER_GROUP", "BoardChanged", "BoardEntry", "RunStatus", "WatchHub", "message_for"]
