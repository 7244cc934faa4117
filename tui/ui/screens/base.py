"""What every browsing screen shares: header, breadcrumbs, offline banner, filter bar, footer, and
the cache-then-network loading pattern.

A screen declares its parts ("rooms", "questions", …). For each part :meth:`BaseScreen.fetch`
paints the cached value at once (the header shows its "as of" time), then refreshes it in an
exclusive worker of the part's group, and paints the fresh value — or shows the error in the
part's :class:`LoadState`, keeping what was on screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Input

from ...core.reads import Read
from ...core.session import Session
from ..bindings import WRITE_ACTIONS, bindings
from ..delivery import exported
from ..text import clipboard
from ..widgets.breadcrumbs import Breadcrumbs
from ..widgets.context_header import ContextHeader
from ..widgets.filter_bar import FilterBar
from ..widgets.load_state import LoadState, describe_error
from ..widgets.offline_banner import OfflineBanner
from ..widgets.quiet_footer import QuietFooter
from ..widgets.resource_table import ResourceTable, painting

if TYPE_CHECKING:  # pragma: no cover
    from textual.widgets import TabbedContent

    from ..app import CleanroomApp


class BaseScreen(Screen):
    BINDINGS = bindings("back", "refresh", "filter", "copy-id", "export", "next-tab", "prev-tab")
    #: set on the first screen a jump opens: breadcrumbs start again there (after Home)
    trail_start = False

    def __init__(self, session: Session | None) -> None:
        super().__init__()
        self.session = session
        self._as_of: dict[str, datetime] = {}
        self._pending: set[str] = set()
        self._painted: set[str] = set()
        self._warned: set[str] = set()  # parts whose unreadable items were announced
        self._filter_target: ResourceTable | None = None

    @property
    def cr_app(self) -> CleanroomApp:
        return self.app  # type: ignore[return-value]

    # ------------------------------------------------------------------ layout
    def header_sessions(self) -> list[Session]:
        return [self.session] if self.session is not None else []

    def crumb(self) -> Text:
        return Text("…")

    def compose(self) -> ComposeResult:
        self.cr_app.use_timezone_of(self.session)  # before any row is formatted
        yield ContextHeader(self.header_sessions(), readonly=self.cr_app.readonly)
        yield Breadcrumbs()
        yield OfflineBanner()
        yield from self.compose_body()
        yield FilterBar()
        yield QuietFooter(show_command_palette=False)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        # Textual calls on_mount of every class in the MRO: subclasses must not call super()
        self.update_chrome()
        self.initial_load()

    def initial_load(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        self.cr_app.use_timezone_of(self.session)
        self.update_chrome()

    def update_chrome(self) -> None:
        """Header, breadcrumbs and offline banner from the current state."""
        if not self.is_mounted:
            return
        trail = [s for s in self.app.screen_stack if isinstance(s, BaseScreen)]
        # a screen's own trail ends at itself, whichever screen is on top
        trail = trail[: trail.index(self) + 1] if self in trail else [*trail, self]
        # ... and starts at home or at the screen a jump opened first (screens left by a jump
        # stay under it for Back, but are not where this screen sits)
        start = max((i for i, s in enumerate(trail) if s.trail_start), default=0)
        if start:
            trail = [trail[0], *trail[start:]]
        crumbs = [s.crumb() for s in trail]
        for header in self.query(ContextHeader):
            header.set_as_of(min(self._as_of.values()) if self._as_of else None, bool(self._pending))
        for trail in self.query(Breadcrumbs):
            trail.show(crumbs)
        offline = [s.name for s in self.header_sessions() if not s.online]
        for banner in self.query(OfflineBanner):
            banner.set_offline(offline)

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        """Start (or restart) the workers that load this screen's data."""

    def start(self, part: str, coro: Awaitable[Any]) -> None:
        """Run ``coro`` as the only worker of group ``part`` (a newer start cancels the older)."""
        self.run_worker(coro, group=part, name=part, exclusive=True, exit_on_error=False,
                        description=f"load {part}")

    async def fetch(self, part: str, read: Read[Any], *, paint: Callable[[Any], None],
                    state: LoadState | None = None, what: str = "",
                    session: Session | None = None) -> Any | None:
        """Paint the cached answer of ``read`` at once (first time only), then read, store and paint.

        Returns the fresh value, or None if the read failed or was refused by the budget (the
        error, or when fresh data is next allowed, is shown in ``state``).
        """
        session = session or self.session
        assert session is not None
        have = part in self._painted
        if not have:
            cached = session.cached(read)
            if cached is not None:
                have = self._paint(part, paint, cached.value, cached.fetched_at, state)
        self._pending.add(part)
        self.update_chrome()
        if state is not None:
            state.loading(what or part, have_data=have)
        try:
            fresh = await session.load(read)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # every failure becomes a view, never a crash
            self._report(exc, state, have)
            return None
        finally:
            self._pending.discard(part)
            self.update_chrome()
        if state is not None:
            state.idle()
        self._paint(part, paint, fresh.value, fresh.fetched_at, state)
        self.update_chrome()
        return fresh.value

    def _paint(self, part: str, paint: Callable[[Any], None], value: Any, fetched_at: datetime,
               state: LoadState | None) -> bool:
        try:
            with painting(value):  # a list answer's unreadable items: a marked row of the table it fills
                paint(value)
        except Exception as exc:  # a rendering bug in one pane must not take the app down
            self.log.error(f"painting {part} failed", exc)
            self._report(exc, state, False)
            return False
        self._painted.add(part)
        self._as_of[part] = fetched_at
        if getattr(value, "problems", None) and part not in self._warned:
            from ...api.items import summary

            self._warned.add(part)  # once per part: the marked row stays, the toast need not repeat
            self.notify(summary(value.problems), title="Part of the answer left out", severity="warning",
                        markup=False, timeout=10)
        return True

    def _report(self, exc: BaseException, state: LoadState | None, have: bool) -> None:
        if not isinstance(exc, Exception) or type(exc).__name__ not in ("ApiError", "TokenBudgetExceeded",
                                                                         "BudgetWait"):
            self.log.error("unexpected error while loading", exc)
        if state is not None:
            state.failed(exc, have_data=have)
        else:
            self.notify(describe_error(exc).plain, severity="error", markup=False, timeout=10)

    def forget(self, part: str) -> None:
        """Drop a part's "as of" (its pane was closed or replaced)."""
        self._as_of.pop(part, None)
        self._painted.discard(part)

    # ------------------------------------------------------------------ actions
    def action_refresh(self) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # in read-only mode writes are hidden from the footer; the app answers the key with a refusal
        return not (action in WRITE_ACTIONS and self.cr_app.readonly)

    def why_not(self, action: str) -> str | None:
        """Why ``action`` (one of this screen's keys, refused by :meth:`check_action`) does nothing
        here now: said in a toast when its key is pressed, instead of nothing happening."""
        return None

    def on_key(self, event: events.Key) -> None:
        reason = self._refusal(event.key)
        if reason is not None:
            event.stop()
            event.prevent_default()
            self.notify(reason, title="Not here", severity="warning", markup=False, timeout=6)

    def _refusal(self, key: str) -> str | None:
        """The reason a key press would do nothing: the first binding of ``key`` (focused widget
        up to the app, as Textual looks) that would run means no refusal; a refused one of this
        screen's gives its :meth:`why_not`. Read-only refusals are the app's to say."""
        try:
            chain = self._modal_binding_chain
        except Exception:  # a Textual without this: keys simply do nothing, as before
            return None
        for namespace, keymap in chain:
            for binding in keymap.key_to_bindings.get(key, ()):
                if binding.priority:
                    continue
                if self.app._check_action_state(binding.action, namespace):
                    return None
                name = binding.action.rpartition(".")[2]
                if namespace is self and not (binding.action in WRITE_ACTIONS and self.cr_app.readonly):
                    reason = self.why_not(name)
                    if reason:
                        return reason
        return None

    def visible_tables(self) -> list[ResourceTable]:
        return [t for t in self.query(ResourceTable) if t.display and t.region.area > 0]

    def target_table(self) -> ResourceTable | None:
        """The focused table, else the first one on screen."""
        focused = self.focused
        if isinstance(focused, ResourceTable):
            return focused
        tables = self.visible_tables()
        return tables[0] if tables else None

    def action_filter(self) -> None:
        table = self.target_table()
        if table is None:
            self.notify("No table here to filter.", markup=False)
            return
        self._filter_target = table
        self.query_one(FilterBar).open(table.filter_text)

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, FilterBar) and self._filter_target is not None:
            self._filter_target.set_filter(event.value)

    def on_filter_bar_closed(self, event: FilterBar.Closed) -> None:
        if self._filter_target is not None:
            self._filter_target.focus()

    def clear_filter(self) -> bool:
        """Esc with a ``/`` filter kept on the focused table clears it (the next Esc goes back).
        Returns whether there was one."""
        table = self.target_table()
        if table is None or not table.filter_text:
            return False
        table.set_filter("")
        self.notify("Filter cleared (esc again goes back).", markup=False, timeout=3)
        return True

    def copy_target(self) -> tuple[str, str] | None:
        """(id, what) that ``y`` copies: the focused table's selected row, else the object this
        screen shows (a room's CR-…, a question's CRQ-…, a run's uuid)."""
        focused = self.focused
        if isinstance(focused, ResourceTable) and focused.selected is not None:
            row = focused.selected
            return row.copy_id or row.key, focused.title
        target = getattr(self, "target", None)
        if target is not None:
            return target.display_id or target.id, target.kind
        table = self.target_table()
        row = table.selected if table is not None else None
        if row is None:
            return None
        return row.copy_id or row.key, table.title if table is not None else "row"

    def action_copy_id(self) -> None:
        target = self.copy_target()
        if target is None:
            self.notify("Nothing selected to copy.", markup=False)
            return
        value = clipboard(target[0])  # free text too (messages, emails, parameter values)
        self.app.copy_to_clipboard(value)
        # OSC 52 may be ignored by the terminal (tmux without set-clipboard, macOS Terminal):
        # showing the id lets the operator select it by hand.
        self.notify(f"Copied {value}", title="Clipboard", markup=False)

    def action_export(self) -> None:
        table = self.target_table()
        if table is None:
            self.notify("No table here to export.", markup=False)
            return
        from ...core.export import exists_problem, slug, unique_name
        from .prompt import PromptScreen

        default = unique_name(slug(table.title, "table"))  # never an existing file's name

        def write(answer: str | None) -> None:
            if not answer:
                return
            path = Path(answer).expanduser()
            try:
                rows = table.export(path)
            except OSError as exc:
                self.notify(f"Could not write {path}: {exc.strerror or exc}", severity="error",
                            markup=False)
                return
            exported(self.app, path, f"Exported {rows} rows to {path}")

        self.app.push_screen(PromptScreen(
            f"Export {table.title} ({len(table.visible_rows())} rows shown) to:", default,
            help="A path ending in .json writes JSON; anything else writes CSV. An existing file is never "
                 "replaced.", check=exists_problem), write)

    def _tabs(self) -> TabbedContent | None:
        from textual.widgets import TabbedContent  # not on the home screen's path: ~8 ms of start-up

        found = list(self.query(TabbedContent))
        return found[0] if found else None

    def action_next_tab(self) -> None:
        self._cycle_tab(1)

    def action_prev_tab(self) -> None:
        self._cycle_tab(-1)

    def _cycle_tab(self, step: int) -> None:
        tabs = self._tabs()
        if tabs is None:
            self.notify("This screen has no tabs.", markup=False, timeout=3)
            return
        ids = [pane.id for pane in tabs.query("TabPane") if pane.id]
        if not ids:
            return
        index = ids.index(tabs.active) if tabs.active in ids else 0
        tabs.active = ids[(index + step) % len(ids)]
