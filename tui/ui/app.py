"""The Textual app: screens, global keys, the jump palette, and the entry point the CLI calls.

Only the home screen is imported at start (DESIGN.md principle 5); every other screen module is
imported when it is first opened.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from ..core.session import Session, build_sessions
from .bindings import WRITE_KEYS, bindings
from .head_start import HeadStart
from .jump_index import JumpIndex, Target
from .screens.home import HomeScreen

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Profile
    from ..core.prefetch import Prefetch
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
        *bindings("quit", "help", "jump", "switch-profile", "runs-board", "home"),
        # in read-only mode the screens hide their write keys; these answer them with a refusal
        Binding(WRITE_KEYS, "refuse_write", show=False),
    ]

    def __init__(self, sessions: Sequence[Session], *, readonly: bool = False,
                 available: Sequence[Profile] | None = None,
                 session_factory: Callable[[Profile], Session] | None = None,
                 prefetch: Prefetch | None = None) -> None:
        super().__init__()
        #: the cold demo's head start (:mod:`tui.core.prefetch`): the home lists, read by a process
        #: forked before Textual was imported; the home screen takes them
        self.head_start = HeadStart(self, prefetch)
        #: the CLI paused garbage collection for the start-up: back on after the first frame
        self.resume_gc = False
        #: the sessions on screen now (the profile switcher changes them)
        self.sessions = list(sessions)
        #: every session built so far, by profile name (kept open while the app runs)
        self.all_sessions: dict[str, Session] = {s.name: s for s in self.sessions}
        #: the profiles the switcher offers; built into sessions on first use
        self.available = list(available) if available else [s.profile for s in self.sessions]
        self._session_factory = session_factory
        self.readonly = readonly
        #: the zone times are shown in when a screen's profile names none (``run`` sets it from
        #: the first profile that does); see :meth:`use_timezone_of`
        self.start_timezone: str | None = next((s.profile.timezone for s in self.sessions
                                                if getattr(s.profile, "timezone", None)), None)
        self._zone_in_use: str | None = "?"  # the first screen sets it
        self.jumps = JumpIndex()
        #: per (profile, collaboration): the event log's last server filter and order that loaded
        self.log_views: dict[tuple[str, str], tuple[str, bool]] = {}
        #: loads scheduled for after the next frame and not started yet (see ``after_frame``)
        self.scheduled = 0
        from .reconnect import Reconnector

        self.reconnector = Reconnector(self, self._back_online)

        #: the run watcher and launchers (issue 6), built after the first frame: see ``watching``
        self._watching: Any = None
        self._restore_theme()
        for session in self.sessions:
            if readonly:
                session.readonly = True
            session.on_online_change(self._online_changed)

    # ------------------------------------------------------------------ theme
    def _restore_theme(self) -> None:
        """The theme chosen last time (``:`` → Theme), from the state dir."""
        from . import prefs

        name = prefs.load().get("theme")
        if isinstance(name, str) and name in self.available_themes:
            self.theme = name
        self._theme_kept = self.theme

    def _theme_changed(self, theme: Any) -> None:
        if theme.name == self._theme_kept:  # the start-up announcement, not a choice
            return
        from . import prefs

        self._theme_kept = theme.name
        prefs.save(theme=theme.name)

    # ------------------------------------------------------------------ lifecycle
    def get_default_screen(self) -> Screen:
        return HomeScreen(self.sessions)

    def on_mount(self) -> None:
        from .identity import apply_cached

        self.theme_changed_signal.subscribe(self, self._theme_changed)  # kept for the next start

        for session in self.sessions:
            apply_cached(session)  # the header names the org from the first frame
        if self.is_web:  # in a browser (cleanroom-tui serve): app.tcss's "App.-web" rules apply
            self.add_class("-web")
        warnings = {w for s in self.sessions for w in getattr(s.repo.store, "warnings", []) or []}
        for warning in sorted(warnings):  # e.g. a corrupt cache file was moved aside
            self.notify(str(warning), title="Cache", severity="warning", markup=False, timeout=10)
        self._listen_to_stores()
        # calls (and the imports they need) start once the first frame is on screen — or, on a
        # cold demo start, once the head start's rows are: importing the clients would hold the
        # event loop (and the CPU) while those rows wait to be painted
        self.head_start.after_first_rows(self._start_identify)
        self.head_start.after_first_rows(self._start_watching)
        if self.resume_gc:
            self.call_after_refresh(gc.enable)

    def _listen_to_stores(self) -> None:
        """Warnings that appear while the app runs (e.g. the disk fills up and the store starts dropping
        writes) are shown once each as they happen, not only at the next start."""
        import threading

        shown = {str(w) for s in self.sessions for w in getattr(s.repo.store, "warnings", []) or []}
        own_thread = threading.get_ident()

        def warned(message: str) -> None:
            if message in shown or not self.is_running:
                return
            shown.add(message)
            if threading.get_ident() == own_thread:
                self.notify(str(message), title="Cache", severity="warning", markup=False, timeout=15)
            else:
                self.call_from_thread(self.notify, str(message), title="Cache", severity="warning",
                                      markup=False, timeout=15)

        stores = {id(s.repo.store): s.repo.store for s in self.all_sessions.values()}
        for store in stores.values():
            listeners = getattr(store, "warning_listeners", None)
            if isinstance(listeners, list):
                listeners.append(warned)

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

            self._watching = WatchHub(self, list(self.all_sessions.values()))
        return self._watching

    def _start_watching(self) -> None:
        self.watching.start()

    def action_runs_board(self) -> None:
        from .screens.board import RunsBoardScreen

        if not isinstance(self.screen, RunsBoardScreen):
            self.push_screen(RunsBoardScreen(list(self.all_sessions.values())))

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
        if online:
            self.reconnector.online(session)
        else:
            self.reconnector.offline(session)
        self.call_later(self.refresh_chrome)

    def _back_online(self, session: Session) -> None:
        """A probe got an answer: reload the screen on top if it shows that profile."""
        from .screens.base import BaseScreen

        self.refresh_chrome()
        screen = self.screen
        if isinstance(screen, BaseScreen) and session in screen.header_sessions():
            screen.reload()
        self.notify(f"{session.name}: the platform answers again.", title="Back online", markup=False)

    # ------------------------------------------------------------------ display time zone
    def use_timezone_of(self, session: Session | None) -> None:
        """Show times in ``session``'s profile time zone (screens call this as they open and come
        back), else in the zone the app started with. Only when some profile sets a zone: without
        one, times stay in the machine's zone (or whatever ``set_display_timezone`` chose)."""
        if not any(p.timezone for p in self.available):
            return
        from .text import set_display_timezone

        profile = getattr(session, "profile", None)
        zone = getattr(profile, "timezone", None) or self.start_timezone
        if zone != self._zone_in_use:
            set_display_timezone(zone)
            self._zone_in_use = zone

    async def action_quit(self) -> None:
        # close the HTTP clients before the loop goes away: a clean quit prints nothing
        await asyncio.gather(*(s.aclose() for s in self.all_sessions.values()), return_exceptions=True)
        self.exit()

    # ------------------------------------------------------------------ the gate (issue 16)
    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every toast (screens' and widgets' ``notify`` end here) is plain text, sanitised: toasts
        quote run names, ids and platform messages, and Textual draws their text as is."""
        from ..core.sanitize import plain

        super().notify(plain(message, 2000, single_line=False), title=plain(title, 200), severity=severity,
                       timeout=timeout, markup=False)

    def copy_to_clipboard(self, text: str) -> None:
        """The clipboard (OSC 52) gets one inert line: a pasted newline would run in a shell."""
        from .text import clipboard

        super().copy_to_clipboard(clipboard(text))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "refuse_write":
            return self.readonly
        return True

    def action_refuse_write(self) -> None:
        self.notify("Read-only mode: writes are disabled (started with --readonly or a read_only "
                    "profile).", title="Refused", severity="warning", markup=False)

    async def action_back(self) -> None:
        clear = getattr(self.screen, "clear_filter", None)
        if clear is not None and clear():  # a kept "/" filter goes first
            return
        if len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            await self.pop_screen()

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            from .screens.help import screen_commands

            screen = self.screen
            crumb = getattr(screen, "crumb", None)
            name = crumb().plain if callable(crumb) else type(screen).__name__
            self.push_screen(HelpScreen(readonly=self.readonly, here=(name, screen_commands(screen))))

    # ------------------------------------------------------------------ profiles
    def action_switch_profile(self) -> None:
        """Pick which profile (or all of them) the home screen shows."""
        from rich.text import Text

        from .screens.pick import PickScreen

        current = {s.name for s in self.sessions}
        choices: list[tuple[str, Text]] = []
        if len(self.available) > 1:
            mark = "● " if current == {p.name for p in self.available} else "  "
            choices.append(("*", Text(f"{mark}All profiles ({len(self.available)})")))
        for profile in self.available:
            mark = "● " if current == {profile.name} else "  "
            label = Text(mark)
            label.append(profile.name, style=f"bold {profile.color}" if profile.color else "bold")
            label.append(f"  {profile.platform}", style="dim")
            if profile.read_only:
                label.append("  read-only", style="dim")
            choices.append((profile.name, label))
        self.push_screen(PickScreen("Switch profile", choices), self._switch_to)

    def _switch_to(self, choice: str | None) -> None:
        if choice is None:
            return
        wanted = self.available if choice == "*" else [p for p in self.available if p.name == choice]
        try:
            sessions = [self._session_of(p) for p in wanted]
        except Exception as exc:  # e.g. the profile's secret is missing: say so, stay where we are
            self.notify(str(exc), title="Cannot switch profile", severity="error", markup=False)
            return
        if not sessions:
            return
        self.sessions = sessions
        self.run_worker(self._show_home(), group="switch-profile", exclusive=True, exit_on_error=False)

    def _session_of(self, profile: Profile) -> Session:
        session = self.all_sessions.get(profile.name)
        if session is None:
            if self._session_factory is None:
                raise RuntimeError(f"profile {profile.name} is not available in this run")
            session = self._session_factory(profile)
            if self.readonly:
                session.readonly = True
            session.on_online_change(self._online_changed)
            self.all_sessions[profile.name] = session
            if self._watching is not None:
                self._watching.add_session(session)
        return session

    async def _show_home(self) -> None:
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        home = self.screen
        if isinstance(home, HomeScreen):
            await home.show_sessions(self.sessions)
        self._start_identify()

    # ------------------------------------------------------------------ jump index
    def index_rooms(self, session: Session, rooms: Sequence[Any]) -> None:
        """Learn each room's questions in the background, so ``:`` finds CRQ-… ids at once."""
        self.run_worker(self._index_questions(session, list(rooms)), group=f"index:{session.name}",
                        exclusive=True, exit_on_error=False, description="index questions")

    async def _index_questions(self, session: Session, rooms: list[Any]) -> None:
        from ..core import liveramp as lr
        from .screens.home import room_target

        for room in rooms:
            parent = room_target(session, room)
            cached = session.cached(lr.questions_of(room.id))
            questions = cached.value if cached is not None else None
            if questions is None:
                try:
                    questions = (await session.load(lr.questions_of(room.id))).value
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
        if kind == "events":  # a collaboration's event log (target.id is the collaboration id)
            from .screens.events import EventsScreen

            return EventsScreen(session, target)
        if kind in ("room_timeline", "run_timeline"):  # LiveRamp history (target.path ends at the room / run)
            from .screens.timeline import TimelineScreen

            return TimelineScreen(session, target)
        if kind == "insight_query":
            from .screens.query import QueryScreen

            return QueryScreen(session, target)
        raise ValueError(f"cannot open a {kind}")

    def open(self, session: Session, target: Target) -> None:
        """Open ``target`` on top of the current screen (Enter on a row)."""
        self.jumps.add(target)
        self.push_screen(self.screen_for(session, target))

    #: a jump keeps the screens it leaves (Back returns to them) until the stack is this deep;
    #: past it, a jump starts again from home so a long session cannot pile up screens forever
    MAX_STACK = 16

    async def open_target(self, target: Target) -> None:
        """Jump (palette): open the target's path and the target itself on top of where you are.

        Breadcrumbs follow the target's natural hierarchy (Home › room › question); Back walks that
        hierarchy and then returns to the screen you jumped from (the event log you were tailing,
        say), as in a browser. A jump from home, or from a very deep stack, starts from home."""
        session = self.session_named(target.session)
        if session is None:
            return
        current = getattr(self.screen, "target", None)
        if current is not None and current == target and getattr(self.screen, "session", None) is session:
            return  # already here
        steps = (*target.path, target)
        if len(self.screen_stack) + len(steps) > self.MAX_STACK:
            await self._pop_to_home()
        for i, step in enumerate(steps):
            screen = self.screen_for(session, step)
            screen.trail_start = i == 0  # breadcrumbs restart here (see BaseScreen.update_chrome)
            await self.push_screen(screen)

    async def _pop_to_home(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            await self.pop_screen()

    async def action_home(self) -> None:
        from textual.screen import ModalScreen

        if not isinstance(self.screen, ModalScreen):  # a dialog is answered first, not skipped
            await self._pop_to_home()

def run(profiles: Sequence[Profile], *, demo_options: EmulatorOptions | None = None,
        readonly: bool = False, store: Any = None, available: Sequence[Profile] | None = None,
        prefetch: Prefetch | None = None) -> int:
    """Run the TUI on ``profiles`` (the CLI's entry point). Returns the process exit code.

    ``available`` are the profiles the switcher (``P``) offers, by default ``profiles``; the ones
    not started with are connected when first chosen.

    ``store`` is the shared cache (``tui.store.Store``); by default the store in the user cache dir
    (the demo's entries are kept apart per seed and scale: see ``build_sessions``). ``prefetch``: the
    cold demo's head start (:func:`tui.core.prefetch.start`), forked before this module was imported.
    """
    if store is None:
        store = _default_store()
    sessions = build_sessions(list(profiles), store=store, demo_options=demo_options, readonly=readonly)
    tz = next((p.timezone for p in profiles if p.timezone), None)
    from .text import set_display_timezone

    set_display_timezone(tz)

    def factory(profile: Profile) -> Session:
        return build_sessions([profile], store=store, demo_options=demo_options, readonly=readonly)[0]

    app = CleanroomApp(sessions, readonly=readonly, available=available or profiles,
                       session_factory=factory, prefetch=prefetch)
    app.resume_gc = not gc.isenabled()  # cli._tui turned it off until the first frame
    try:
        app.run()
    finally:
        if prefetch is not None:
            prefetch.close()  # never taken (the app failed early): the child is not left behind
    return app.return_code or 0


def _default_store() -> Any:
    try:
        from ..store import Store

        return Store.open()
    except Exception:  # no cache is better than no app
        return None
