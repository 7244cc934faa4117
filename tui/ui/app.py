"""The Textual app: screens, global keys, the jump palette, and the entry point the CLI calls.

Only the home screen is imported at start (DESIGN.md principle 5); every other screen module is
imported when it is first opened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from ..core.session import Session, build_sessions
from .bindings import WRITE_KEYS, bindings
from .jump_index import JumpIndex, Target
from .screens.home import HomeScreen

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Profile
    from ..emulator.options import EmulatorOptions


def _jump_provider() -> type:
    from .palette import JumpProvider  # imported when the palette first opens, not at start

    return JumpProvider


def _actions_provider() -> type:
    from .palette import ActionsProvider

    return ActionsProvider


class CleanroomApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "cleanroom-tui"
    COMMANDS = App.COMMANDS | {_jump_provider, _actions_provider}
    BINDINGS = [
        *bindings("quit", "help", "jump", "runs-board"),
        # in read-only mode the screens hide their write keys; these answer them with a refusal
        Binding(WRITE_KEYS, "refuse_write", show=False),
    ]

    def __init__(self, sessions: Sequence[Session], *, readonly: bool = False) -> None:
        super().__init__()
        self.sessions = list(sessions)
        self.readonly = readonly
        self.jumps = JumpIndex()
        #: loads scheduled for after the next frame and not started yet (see ``after_frame``)
        self.scheduled = 0
        #: the run watcher and launchers (issue 6), built after the first frame: see ``watching``
        self._watching: Any = None
        for session in self.sessions:
            if readonly:
                session.readonly = True
            session.on_online_change(self._online_changed)

    # ------------------------------------------------------------------ lifecycle
    def get_default_screen(self) -> Screen:
        return HomeScreen(self.sessions)

    def on_mount(self) -> None:
        from .identity import apply_cached

        for session in self.sessions:
            apply_cached(session)  # the header names the org from the first frame
        warnings = {w for s in self.sessions for w in getattr(s.repo.store, "warnings", []) or []}
        for warning in sorted(warnings):  # e.g. a corrupt cache file was moved aside
            self.notify(str(warning), title="Cache", severity="warning", markup=False, timeout=10)
        # calls (and the imports they need) start once the first frame is on screen
        self.after_frame(self._start_identify)
        self.after_frame(self._start_watching)

    def after_frame(self, callback) -> None:
        """Run ``callback`` once the next frame is on screen (counted, so tests and the screenshot
        script can tell a settled app from one about to start loading)."""
        self.scheduled += 1

        def run() -> None:
            self.scheduled -= 1
            callback()

        self.call_after_refresh(run)

    @property
    def watching(self) -> Any:
        """The app's one :class:`~tui.ui.watching.WatchHub` (watcher + launchers), built on first use."""
        if self._watching is None:
            from .watching import WatchHub

            self._watching = WatchHub(self, self.sessions)
        return self._watching

    def _start_watching(self) -> None:
        self.watching.start()

    def action_runs_board(self) -> None:
        from .screens.board import RunsBoardScreen

        if not isinstance(self.screen, RunsBoardScreen):
            self.push_screen(RunsBoardScreen(self.sessions))

    def _start_identify(self) -> None:
        for session in self.sessions:
            self.run_worker(self._identify(session), group=f"identity:{session.name}",
                            exclusive=True, exit_on_error=False, description="who am I")

    async def _identify(self, session: Session) -> None:
        """The org (LiveRamp) or company (InfoSum) shown in the header; cached like everything."""
        from .identity import identify

        await identify(session)
        self.refresh_chrome()

    def refresh_chrome(self) -> None:
        from .screens.base import BaseScreen

        for screen in self.screen_stack:
            if isinstance(screen, BaseScreen):
                screen.update_chrome()

    def _online_changed(self, session: Session, online: bool) -> None:
        self.call_later(self.refresh_chrome)

    async def action_quit(self) -> None:
        # close the HTTP clients before the loop goes away: a clean quit prints nothing
        await asyncio.gather(*(s.aclose() for s in self.sessions), return_exceptions=True)
        self.exit()

    # ------------------------------------------------------------------ global actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "refuse_write":
            return self.readonly
        return True

    def action_refuse_write(self) -> None:
        self.notify("Read-only mode: writes are disabled (started with --readonly or a read_only "
                    "profile).", title="Refused", severity="warning", markup=False)

    async def action_back(self) -> None:
        if len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            await self.pop_screen()

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(readonly=self.readonly))

    # ------------------------------------------------------------------ jump index
    def index_rooms(self, session: Session, rooms: Sequence[Any]) -> None:
        """Learn each room's questions in the background, so ``:`` finds CRQ-… ids at once."""
        self.run_worker(self._index_questions(session, list(rooms)), group=f"index:{session.name}",
                        exclusive=True, exit_on_error=False, description="index questions")

    async def _index_questions(self, session: Session, rooms: list[Any]) -> None:
        from ..api.liveramp.models import CleanRoomQuestion
        from .screens.home import room_target

        model = list[CleanRoomQuestion]
        for room in rooms:
            parent = room_target(session, room)
            cached = session.cached("questions", room.id, model)
            questions = cached.value if cached is not None else None
            if questions is None:
                try:
                    questions = (await session.load(
                        "questions", room.id, lambda c, rid=room.id: c.list_cleanroom_questions(rid),
                        model)).value
                except Exception:  # e.g. 403 in a room where the API user is not admin
                    continue
            for q in questions:
                self.jumps.add(Target("question", q.id, q.name, session.name, q.display_id,
                                      path=(parent,)))

    # ------------------------------------------------------------------ navigation
    def session_named(self, name: str) -> Session | None:
        return next((s for s in self.sessions if s.name == name), None)

    def screen_for(self, session: Session, target: Target) -> Screen:
        kind = target.kind
        if kind == "room":
            from .screens.cleanroom import CleanRoomScreen

            return CleanRoomScreen(session, target)
        if kind == "question":
            from .screens.question import QuestionScreen

            return QuestionScreen(session, target)
        if kind == "run":
            from .screens.run import RunScreen

            return RunScreen(session, target)
        if kind == "flow":
            from .screens.flow import FlowScreen

            return FlowScreen(session, target)
        if kind == "flow_run":
            from .screens.flow_run import FlowRunScreen

            return FlowRunScreen(session, target)
        if kind == "collaboration":
            from .screens.collaboration import CollaborationScreen

            return CollaborationScreen(session, target)
        if kind == "insight_query":
            from .screens.query import QueryScreen

            return QueryScreen(session, target)
        raise ValueError(f"cannot open a {kind}")

    def open(self, session: Session, target: Target) -> None:
        """Open ``target`` on top of the current screen (Enter on a row)."""
        self.jumps.add(target)
        self.push_screen(self.screen_for(session, target))

    async def open_target(self, target: Target) -> None:
        """Jump (palette): back to home, then open the target's path and the target itself, so
        breadcrumbs and Back follow the natural hierarchy."""
        session = self.session_named(target.session)
        if session is None:
            return
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            await self.pop_screen()
        for step in (*target.path, target):
            await self.push_screen(self.screen_for(session, step))


def run(profiles: Sequence[Profile], *, demo_options: EmulatorOptions | None = None,
        readonly: bool = False, store: Any = None) -> int:
    """Run the TUI on ``profiles`` (the CLI's entry point). Returns the process exit code.

    ``store`` is the shared cache (``tui.store.Store``); by default the store in the user cache dir
    (the demo's entries are kept apart per seed and scale: see ``build_sessions``).
    """
    if store is None:
        store = _default_store()
    sessions = build_sessions(list(profiles), store=store, demo_options=demo_options, readonly=readonly)
    tz = next((p.timezone for p in profiles if p.timezone), None)
    from .text import set_display_timezone

    set_display_timezone(tz)
    app = CleanroomApp(sessions, readonly=readonly)
    app.run()
    return app.return_code or 0


def _default_store() -> Any:
    try:
        from ..store import Store

        return Store.open()
    except Exception:  # no cache is better than no app
        return None
