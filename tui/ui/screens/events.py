"""An InfoSum collaboration's event log: "who changed what, and when", at 100k+ events.

The log is a virtual table (:class:`EventTable`) over an :class:`EventFeed` that loads 500-event
pages as they scroll into view and keeps them in the local store. On top: the server-side filter
in the API's own grammar (an invalid one shows the API's message next to the box); ``/`` searches
what is loaded and highlights it. On the right: the selected event's metadata and entities (Enter
on a dataset or destination opens it in the collaboration). New events arrive by a live tail that
polls after each previous poll finished, paced by :class:`TailPolicy`.

Modules: the selected event and its entities are :mod:`.events_selected`, copy and export
:mod:`.events_export` (mixins of :class:`EventsScreen`); the query modal :mod:`.query_info`; the
parse and format helpers :mod:`.events_format` (re-exported here).
"""

from __future__ import annotations

import asyncio
import gc
from datetime import datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from ...core import infosum as isum
from ...core.eventlog import EventFeed, EventRow, TailPolicy, session_fetch
from ...core.sanitize import plain
from ...core.session import Session
from ..bindings import bindings
from ..jump_index import Target
from ..text import DASH
from ..widgets.details import Details
from ..widgets.event_table import Column, EventTable
from ..widgets.filter_bar import FilterBar
from ..widgets.load_state import LoadState, describe_error
from ..widgets.resource_table import Col
from ..widgets.table_pane import TablePane
from .base import BaseScreen
from .events_export import EventExports
from .events_format import parse_when, short_time, size_text
from .events_selected import SelectedEvent
from .query_info import QueryInfoScreen

ENTITY_COLUMNS = (Col("name", "Entity"), Col("type", "Type"), Col("owner", "Owner"), Col("id", "Id"))


class EventsScreen(SelectedEvent, EventExports, BaseScreen):
    DEFAULT_CSS = """
    EventsScreen #filter-row { height: 3; }
    EventsScreen #server-filter { width: 3fr; }
    EventsScreen #filter-error { width: 2fr; height: 3; padding: 0 1; color: $text-error; }
    EventsScreen #filter-error.-ok { color: $text-muted; }
    EventsScreen #events-status { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    EventsScreen #events-table { height: 1fr; }
    EventsScreen #event-side { height: 35%; max-height: 11; min-height: 4; border-top: tall $panel; }
    EventsScreen #event-detail-scroll { width: 3fr; }
    EventsScreen #entities-pane { width: 2fr; height: 1fr; }
    """
    BINDINGS = bindings("log-filter", "log-same-type", "log-same-company", "log-order", "log-pause",
                        "log-jump-time", "log-export-server")
    AUTO_FOCUS = "#events-table"
    #: poll for new events on a (wall-clock) timer; tests turn it off and call :meth:`poll_now`
    LIVE = True

    def __init__(self, session: Session, target: Target, *, tail: TailPolicy | None = None,
                 live: bool | None = None) -> None:
        super().__init__(session)
        self.target = target
        # going back to a log (after adding a dataset elsewhere, say) shows the view it had
        self._views: dict = getattr(self.app, "log_views", {})
        self.server_filter, self.descending = self._views.get((session.name, target.id), ("", True))
        self.feed: EventFeed | None = None
        embedded = getattr(session.profile, "embedded", False)
        self.tail = tail or TailPolicy(interval=2.0 if embedded else 5.0)
        self.live = self.LIVE if live is None else live
        self._tail_timer: Any = None
        self._names: dict[str, str] = {}
        self._export_progress = ""
        #: the last filter built by T / c (a ``filters.Filter``), to extend it cleanly
        self._built_filter: Any = None

    @property
    def cid(self) -> str:
        return self.target.id

    def crumb(self) -> Text:
        return Text("events")

    # ------------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        with Vertical(classes="body"):
            with Horizontal(id="filter-row"):
                yield Input(self.server_filter,
                            placeholder="API filter, e.g. event_type eq 'TYPE_DATASET_ADDED' and company_id eq 'CMP.…'",
                            id="server-filter")
                yield Static(Text("Enter applies the filter on the server; / searches what is loaded.",
                                  style="dim"), id="filter-error", classes="-ok")
            yield Static(id="events-status")
            yield LoadState(id="events-state")
            yield EventTable(self._columns(), title="events", id="events-table")
            with Horizontal(id="event-side"):
                with VerticalScroll(id="event-detail-scroll"):
                    yield Details(id="event-detail")
                yield TablePane("Entities (Enter opens)", ENTITY_COLUMNS, table_title="event entities",
                                id="entities-pane")

    def _columns(self) -> list[Column]:
        return [
            Column("Time", 19, lambda r: short_time(r.time)),
            Column("Type", 24, lambda r: r.type.removeprefix("TYPE_") if r.type else DASH, min_width=12),
            Column("Company", 16, lambda r: self._names.get(r.company_id) or r.company_id or DASH, min_width=10),
            Column("Message", None, lambda r: r.message),
        ]

    @property
    def table(self) -> EventTable:
        return self.query_one("#events-table", EventTable)

    # ------------------------------------------------------------------ loading
    def initial_load(self) -> None:
        freeze_long_lived()
        self._learn_names()
        self.reload()

    def _learn_names(self) -> None:
        """Company display names from the collaboration (cached, then fresh), for the Company column."""
        cached = self.session.cached(isum.collaboration(self.cid))
        if cached is not None:
            self._set_names(cached.value)

        async def load() -> None:
            try:
                fresh = await self.session.load(isum.collaboration(self.cid))
            except Exception:  # names are a nicety: ids are shown without them
                return
            self._set_names(fresh.value)

        self.start("events-names", load())

    def _set_names(self, collab: Any) -> None:
        for member in collab.participants():
            if member.display_name:
                self._names[member.id] = member.display_name
        if self.is_mounted:
            self.table.redraw()

    def reload(self) -> None:
        """A new feed for the current filter and order: cached first screen now, fresh one next."""
        feed = EventFeed(session_fetch(self.session, self.cid), cid=self.cid, filter=self.server_filter or None,
                         descending=self.descending, store=self.session.repo,
                         now=lambda: self.cr_app.watching.now().timestamp())  # re-read pauses: the app's clock
        search = self.feed.search if self.feed is not None else ""
        if search:  # the "/" search outlives a new order or server filter (it narrows what is loaded)
            feed.set_search(search)
        previous, self.feed = self.feed, feed
        keep = self.table.selected_key if self.is_mounted else None
        if feed.paint_cached():
            self._as_of["events"] = self._cached_time(feed)
        self.table.set_source(feed, newest_first=self.descending)
        if keep:
            self.table.select_key(keep)
        self._update_status()
        self.start("events-open", self._open(feed, keep, previous))

    def _cached_time(self, feed: EventFeed) -> datetime:
        entry = self.session.repo.raw("event-head", feed.head_key())
        return entry.fetched_at if entry is not None else self.session.repo.now()

    async def _open(self, feed: EventFeed, keep: Any, previous: EventFeed | None = None) -> None:
        state = self.query_one("#events-state", LoadState)
        state.loading("events", have_data=feed.loaded > 0)
        self._pending.add("events")
        self.update_chrome()
        try:
            await feed.open()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._failed(exc, state, feed, previous)
            return
        finally:
            self._pending.discard("events")
            self.update_chrome()
        if feed is not self.feed:
            return
        state.idle()
        self._filter_ok()
        if self.focused is self.query_one("#server-filter", Input):
            self.table.focus()  # accepted: back to the log
        self._views[(self.session.name, self.cid)] = (self.server_filter, self.descending)
        self._as_of["events"] = self.session.repo.now()
        self.table.data_changed()
        if keep and self.table.selected_key != keep:
            self.table.select_key(keep)
        self._update_status()
        self.update_chrome()
        self._schedule_tail(self.tail.base())

    def _failed(self, exc: BaseException, state: LoadState, feed: EventFeed, previous: EventFeed | None) -> None:
        status = getattr(exc, "status", None)
        if status == 400 and feed.filter and feed is self.feed:
            # the API's own words next to the filter box (reference §5.3: the server validates); the
            # box keeps the text to fix, the table keeps what it showed before
            err = self.query_one("#filter-error", Static)
            err.remove_class("-ok")
            err.update(describe_error(exc))
            state.idle()
            self.query_one("#server-filter", Input).focus()  # rejected: fix it where it was typed
            if previous is not None and previous.opened:
                self.feed = previous
                self.server_filter = previous.filter or ""
                self.table.set_source(previous, newest_first=previous.descending)
                self._update_status()
            return
        state.failed(exc, have_data=feed.loaded > 0)
        if feed is self.feed:  # the live tail tries again by itself (backing off): recovery needs no key
            self._schedule_tail(self.tail.next_delay(False, getattr(exc, "retry_after", None)))

    def _filter_ok(self) -> None:
        err = self.query_one("#filter-error", Static)
        err.add_class("-ok")
        if self.server_filter and self.feed is not None and self.feed.total == 0:
            # nothing matched: say exactly what went to the server, so a wrong value shows itself
            err.update(Text.assemble(("No events match. Sent: ", "bold"), ("filter=", "dim"),
                                     plain(self.server_filter, 200)))
        elif self.server_filter:
            err.update(Text.assemble(("✓ ", "green"), ("filtered on the server", "dim")))
        else:
            err.update(Text("Enter applies the filter on the server; / searches what is loaded.", style="dim"))

    def on_event_table_need_rows(self, message: EventTable.NeedRows) -> None:
        feed = self.feed
        if feed is None or not feed.opened or message.table is not self.table:
            return
        margin = 50  # a little ahead, so a slow scroll rarely shows "loading…"
        pages = feed.missing_pages(message.first - margin, message.last + margin)
        if pages:
            self.start("events-pages", self._load_pages(feed, pages))

    async def _load_pages(self, feed: EventFeed, pages: list[int]) -> None:
        for page in pages:
            try:
                change = await feed.load_page(page)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.query_one("#events-state", LoadState).failed(exc, have_data=True)
                return
            if feed is not self.feed:
                return
            self.table.data_changed(change.new)
            self._update_status()

    # ------------------------------------------------------------------ live tail
    def _schedule_tail(self, delay: float) -> None:
        if self._tail_timer is not None:
            self._tail_timer.stop()
            self._tail_timer = None
        if self.live and not self.tail.paused:
            self._tail_timer = self.set_timer(delay, self._tail_due)

    def _tail_due(self) -> None:
        self._tail_timer = None
        if not self.tail.paused:
            self.start("events-tail", self._tail_once())

    async def _tail_once(self) -> None:
        delay = await self.poll_now()
        self._schedule_tail(delay)

    async def poll_now(self) -> float:
        """One live-tail poll (the timer calls this; tests call it directly). Returns the delay
        until the next poll."""
        feed = self.feed
        if feed is None:
            return self.tail.base()
        try:
            change = await feed.poll()  # a feed whose opening failed (a fault) is opened now
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.query_one("#events-state", LoadState).failed(exc, have_data=True)
            return self.tail.next_delay(False, getattr(exc, "retry_after", None))
        if feed is self.feed:
            if change.new or change.loaded:
                self.table.data_changed(change.new)
            self._as_of["events"] = self.session.repo.now()
            self.query_one("#events-state", LoadState).idle()
            self._update_status()
            self.update_chrome()
        return self.tail.next_delay(True)

    def action_toggle_tail(self) -> None:
        self.tail.paused = not self.tail.paused
        if self.tail.paused:
            self._schedule_tail(0)  # stops the timer
        else:
            self._schedule_tail(0.1)  # catch up at once
        self._update_status()

    # ------------------------------------------------------------------ status line
    def _update_status(self) -> None:
        if not self.is_mounted or self.feed is None:
            return
        feed = self.feed
        parts = [f"{feed.total:,} events" + (" (server filter)" if feed.filter else ""),
                 ("newest first" if self.descending else "oldest first") + " (o)",
                 f"{feed.loaded:,} loaded"]
        if feed.search:
            parts.append(f"search: {feed.display_count:,} of the loaded events match")
        if self.tail.paused:
            parts.append("live tail PAUSED (p resumes)")
        elif not self.live:
            parts.append("live tail off")
        else:
            parts.append(f"live · every {self.tail.base():g}s (p pauses)")
        if self._export_progress:
            parts.append(self._export_progress)
        self.query_one("#events-status", Static).update(Text(" · ".join(parts)))

    # ------------------------------------------------------------------ server-side filter
    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "server-filter":
            return
        event.stop()
        # the box keeps the focus until the server accepts the filter: a rejected one stays there to
        # fix, and what is typed meanwhile goes into the box, never to the log's keys (e: export…)
        self.apply_filter(event.value, focus_table=False)

    def apply_filter(self, text: str, *, focus_table: bool = True) -> None:
        from ...api.infosum.filters import event_filter_wire

        # types as shown (DATASET_ADDED) get their wire spelling; the box then shows what is sent
        self.server_filter = event_filter_wire(text)
        self.query_one("#server-filter", Input).value = self.server_filter
        self.reload()
        if focus_table:
            self.table.focus()

    def action_focus_server_filter(self) -> None:
        self.query_one("#server-filter", Input).focus()

    def _narrow(self, field: str, value: str) -> None:
        from ...api.infosum import filters as f

        built = self._built_filter
        # a filter built here keeps its structure (no needless parentheses); typed text is wrapped
        current = built if built is not None and str(built) == self.server_filter else (self.server_filter or None)
        combined = f.and_(current, f.eq(field, value))
        self.apply_filter(str(combined))
        self._built_filter = combined

    def action_filter_same_type(self) -> None:
        row = self.table.selected
        if isinstance(row, EventRow) and row.type:
            self._narrow("event_type", row.type)

    def action_filter_same_company(self) -> None:
        row = self.table.selected
        if isinstance(row, EventRow) and row.company_id:
            self._narrow("company_id", row.company_id)

    def action_toggle_order(self) -> None:
        self.descending = not self.descending
        self.reload()

    # ------------------------------------------------------------------ client-side search (/)
    def action_filter(self) -> None:
        self._filter_target = self.table  # type: ignore[assignment]  (duck-typed: set_filter below)
        self.query_one(FilterBar).open(self.table.filter_text)

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, FilterBar):
            event.prevent_default()  # BaseScreen's handler filters ResourceTables; this is not one
            self.table.set_search(event.value)
            self._update_status()

    def on_filter_bar_closed(self, event: FilterBar.Closed) -> None:
        event.prevent_default()
        self.table.focus()

    def clear_filter(self) -> bool:
        if not self.table.filter_text:
            return super().clear_filter()
        self.table.set_search("")
        self._update_status()
        self.notify("Search cleared (esc again goes back).", markup=False, timeout=3)
        return True

    # ------------------------------------------------------------------ jump to time
    def action_jump_time(self) -> None:
        from .prompt import PromptScreen

        row = self.table.selected
        default = short_time(row.time) if isinstance(row, EventRow) else ""

        def go(answer: str | None) -> None:
            when = parse_when(answer) if answer else None
            if when is not None:
                self.start("events-jump", self._jump(when))

        def check(answer: str) -> str | None:
            return None if parse_when(answer) else f"Not a time: {plain(answer, 60)}"

        self.app.push_screen(PromptScreen("Jump to the first event at or after (display time):", default,
                                          help="YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS",
                                          check=check), go)

    async def _jump(self, when: datetime) -> None:
        feed = self.feed
        if feed is None:
            return
        try:
            row = await feed.locate(when)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.query_one("#events-state", LoadState).failed(exc, have_data=True)
            return
        if row is None or feed is not self.feed:
            return
        self.table.data_changed()
        self.table.move_to(row)
        self._update_status()

    def on_unmount(self) -> None:
        if self._tail_timer is not None:
            self._tail_timer.stop()


_FROZEN = False


def freeze_long_lived() -> None:
    """Once per process: move what exists now (modules, widgets, models: the app's long-lived
    objects) out of the cyclic GC's reach. Digesting 500-event pages makes many short-lived
    containers, and every full collection would otherwise re-scan ~100k long-lived objects — a
    50-100 ms stall mid-scroll. Loaded events are untracked tuples already (core/eventlog.py)."""
    global _FROZEN
    if not _FROZEN:
        _FROZEN = True
        gc.collect()
        gc.freeze()


__all__ = ["EventsScreen", "QueryInfoScreen", "freeze_long_lived", "parse_when", "short_time", "size_text"]
