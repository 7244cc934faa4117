"""The TUI's side of the runs board: typed messages to the screens, announcements, the worker.

The run state and the one polling loop live in :class:`tui.core.board.RunsBoard`; :class:`WatchHub`
is that board with the TUI's hooks:

- started after the first paint (``CleanroomApp.on_mount`` → ``after_frame``): it restores the
  store's watch list, settles launches a crash left unresolved (by listing, never by posting again),
  then runs the board's loop in a Textual worker of group ``watcher``. The worker ends when nothing
  is watched and starts again with the next launch, so an idle app holds no busy worker.
- each watcher event goes to every screen on the stack as a typed message (:class:`RunStatus`,
  :class:`BoardChanged`: the board and the run screens update in place); a finished run is announced
  (toast, bell, optional desktop notification: :mod:`tui.ui.notify`).

Clock: the budgets' clock — wall time, except when the demo world runs on an explicit clock (the
tests' ``ManualClock``), which then drives budgets and polling too, so tests step time by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from textual.message import Message

from ..core.board import BoardEntry, RunsBoard
from ..core.session import Session
from ..core.watch import RunSnapshot

#: the worker group of the polling loop (tests' "wait for workers" helpers leave it out)
WORKER_GROUP = "watcher"


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


class WatchHub(RunsBoard):
    """The app's runs board, posting what changes to the screens."""

    def __init__(self, app: Any, sessions: Sequence[Session], *, now: Callable[[], datetime] | None = None) -> None:
        self.app = app
        self._started = False
        super().__init__(sessions, now=now)

    def start(self) -> None:
        """After the first paint: restore, settle unresolved launches, poll."""
        if self._started:
            return
        self._started = True
        if self.restore():
            self.changed(None)
        self.app.run_worker(self.settle_journal(), group="journal", exit_on_error=False,
                            description="reconcile unresolved launches")
        self.ensure_running()

    def ensure_running(self) -> None:
        """Start the polling worker if something is watched and it is not running."""
        super().nudge()
        if not self._started or not self.has_work():
            return
        running = any(w.group == WORKER_GROUP and not w.is_finished for w in self.app.workers)
        if not running:
            self.app.run_worker(self.run(), group=WORKER_GROUP, exit_on_error=False, description="watch runs")

    def nudge(self) -> None:
        self.ensure_running()

    # ------------------------------------------------------------------ the board's hooks
    def changed(self, event: Any) -> None:
        """Post the event, typed (:func:`message_for`; ``None``: the board changed), to every screen
        on the stack (the board, run screens, the query screen)."""
        try:
            stack = list(self.app.screen_stack)
        except Exception:
            return
        for screen in stack:
            screen.post_message(message_for(event))

    broadcast = changed

    def finished(self, event: Any) -> None:
        from .notify import announce_finished

        announce_finished(self.app, event)

    def found_lost_launch(self, launcher: Any, item: Any) -> None:
        self.app.notify(f"An earlier launch whose answer was lost was found by listing: "
                        f"{item.object_id} (not posted again).", title="Launch journal", markup=False, timeout=15)


__all__ = ["WORKER_GROUP", "BoardChanged", "BoardEntry", "RunStatus", "WatchHub", "message_for"]
