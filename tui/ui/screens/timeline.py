"""LiveRamp history in the event-log viewer's style: one virtual table, newest first, searchable.

Two scopes (the target's kind):

- ``room_timeline`` — a clean room's timeline: every question's run history (submitted, started,
  finished), every flow's runs, and the audit entries of the most recent runs, merged in time order.
- ``run_timeline`` — a run in context: the run history of its question plus this run's audit.

Each piece paints from the local cache first and is refreshed one call at a time (list calls only:
a room costs 1 + questions + 1 + flows + ``AUDITS`` calls, none of them status checks). Enter on
a line opens its run or flow run.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from ...core import liveramp as lr
from ...core.eventlog import (
    ListFeed,
    TimelineEntry,
    audit_entries,
    merge_timeline,
    run_entries,
    write_timeline,
)
from ...core.reads import Read
from ...core.sanitize import plain
from ...core.session import Session
from ..bindings import bindings
from ..delivery import exported
from ..jump_index import Target
from ..text import DASH, multiline, safe, status_text
from ..widgets.details import Details
from ..widgets.event_table import Column, EventTable
from ..widgets.filter_bar import FilterBar
from ..widgets.load_state import LoadState
from .base import BaseScreen
from .events import short_time

#: how many of the newest runs get their audit read in a room timeline
AUDITS = 10


def room_timeline_target(session: Session, room: Target) -> Target:
    return Target("room_timeline", room.id, room.name, session.name, room.display_id, path=(*room.path, room))


def run_timeline_target(session: Session, run: Target) -> Target:
    return Target("run_timeline", run.id, run.name, session.name, run.display_id, path=(*run.path, run))


class TimelineScreen(BaseScreen):
    DEFAULT_CSS = """
    TimelineScreen #timeline-status { height: 1; padding: 0 1; color: $text-muted; }
    TimelineScreen #timeline-table { height: 1fr; }
    TimelineScreen #timeline-side { height: 30%; max-height: 9; min-height: 3; border-top: tall $panel; }
    """
    BINDINGS = bindings("log-order")
    AUTO_FOCUS = "#timeline-table"

    def __init__(self, session: Session, target: Target) -> None:
        super().__init__(session)
        self.target = target
        self.descending = True
        self.feed = ListFeed()
        #: pieces of the timeline by source key ("runs:<qid>", "audit:<rid>", …), merged on paint
        self._pieces: dict[str, list[TimelineEntry]] = {}
        #: what Enter opens, by entry key
        self._targets: dict[str, Target] = {}
        self._loading = 0

    @property
    def parent_target(self) -> Target:
        return self.target.path[-1] if self.target.path else self.target

    def crumb(self) -> Text:
        return Text("timeline" if self.target.kind == "room_timeline" else "history & audit")

    # ------------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        with Vertical(classes="body"):
            yield Static(id="timeline-status")
            yield LoadState(id="timeline-state")
            yield EventTable([
                Column("Time", 19, lambda e: short_time(e.time)),
                Column("Source", 8, lambda e: e.source),
                Column("Subject", 36, lambda e: e.subject, min_width=14),
                Column("Status / event", 16, lambda e: e.status, min_width=13),  # RUN_SUBMITTED whole at 80
                Column("Message", None, lambda e: e.message),
            ], title="timeline", id="timeline-table")
            with VerticalScroll(id="timeline-side"):
                yield Details(id="timeline-detail")

    @property
    def table(self) -> EventTable:
        return self.query_one("#timeline-table", EventTable)

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        self.table.set_source(self.feed, newest_first=self.descending)
        # a new round of loads: the last round's error goes (``_done`` keeps a new one in place)
        self.query_one("#timeline-state", LoadState).loading("history", have_data=bool(self._pieces))
        if self.target.kind == "room_timeline":
            self.start("timeline", self._load_room())
        else:
            self.start("timeline", self._load_run())

    def _paint(self) -> None:
        merged = merge_timeline(*self._pieces.values(), descending=self.descending)
        keep = self.table.selected_key
        self.feed.replace(merged)
        self.table.data_changed()
        if keep:
            self.table.select_key(keep)
        self._status()

    def _status(self) -> None:
        sources = {"run": 0, "flow run": 0, "audit": 0}
        for entry in self.feed.rows() if not self.feed.search else self.feed._all:
            sources[entry.source] = sources.get(entry.source, 0) + 1
        scope = "clean room" if self.target.kind == "room_timeline" else "question runs and this run's audit"
        text = (f"{self.feed.total:,} entries ({scope}) · {sources['run']:,} run steps · "
                f"{sources['flow run']:,} flow-run steps · {sources['audit']:,} audit entries · "
                + ("newest first" if self.descending else "oldest first"))
        if self.feed.search:
            text += f" · search: {self.feed.display_count:,} match"
        if self._loading:
            text += " · loading…"
        self.query_one("#timeline-status", Static).update(Text(text))

    async def _piece(self, key: str, read: Read[Any], *, build: Any) -> Any:
        """Cached value painted first, then the fresh one; returns the value (None on failure).
        A status read refused by the budget keeps the cached value (the state says until when)."""
        cached = self.session.cached(read)
        if cached is not None:
            self._pieces[key] = build(cached.value)
            self._as_of.setdefault(key, cached.fetched_at)
            self._paint()
        self._loading += 1
        self._pending.add(key)
        self.update_chrome()
        try:
            fresh = await self.session.load(read)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.query_one("#timeline-state", LoadState).failed(exc, have_data=bool(self._pieces))
            return cached.value if cached is not None else None
        finally:
            self._loading -= 1
            self._pending.discard(key)
            self.update_chrome()
        self._pieces[key] = build(fresh.value)
        self._as_of[key] = fresh.fetched_at
        self._paint()
        return fresh.value

    def _run_entries(self, runs: list[Any], question: Target) -> list[TimelineEntry]:
        out = []
        for run in runs:
            target = Target("run", run.id, run.name or run.id, self.session.name, path=(*question.path, question))
            for entry in run_entries(run):
                entry.subject = f"{question.display_id or question.name} · {entry.subject}"
                self._targets[entry.key] = target
                out.append(entry)
        return out

    def _audit_entries(self, run_target: Target, audit: Any) -> list[TimelineEntry]:
        out = audit_entries(run_target.id, run_target.name, audit)
        for entry in out:
            self._targets[entry.key] = run_target
        return out

    async def _load_run(self) -> None:
        """A run's question history plus the run's own audit."""
        run = self.parent_target
        question = run.path[-1] if run.path else None
        if question is not None and question.kind == "question":
            await self._piece(f"runs:{question.id}", lr.runs_of(question.id),
                              build=lambda runs: self._run_entries(runs, question))
        else:
            await self._piece(f"run:{run.id}", lr.run(run.id), build=lambda r: self._run_entries([r], run))
        await self._piece(f"audit:{run.id}", lr.run_audit(run.id), build=lambda a: self._audit_entries(run, a))
        self._done()

    async def _load_room(self) -> None:
        room = self.parent_target
        questions = await self._piece("questions", lr.questions_of(room.id), build=lambda _qs: [])
        all_runs: list[tuple[Any, Target]] = []
        for q in questions or []:
            qt = Target("question", q.id, q.name, self.session.name, q.display_id, path=(*room.path, room))
            runs = await self._piece(f"runs:{q.id}", lr.runs_of(q.id),
                                     build=lambda rs, qt=qt: self._run_entries(rs, qt))
            for run in runs or []:
                all_runs.append((run, qt))
        flows = await self._piece("flows", lr.flows_of(room.id), build=lambda _f: [])
        for flow in (flows.clean_room_flows if flows is not None else []):
            ft = Target("flow", flow.id, flow.name or flow.display_id, self.session.name, flow.display_id,
                        path=(*room.path, room))

            def build(answer: Any, ft: Target = ft) -> list[TimelineEntry]:
                out = []
                for fr in answer.clean_room_flow_runs:
                    target = Target("flow_run", fr.id, fr.name or fr.id, self.session.name, path=(*ft.path, ft))
                    for entry in run_entries(fr, source="flow run", ref_kind="flow_run"):
                        entry.subject = f"{ft.display_id or ft.name} · {entry.subject}"
                        self._targets[entry.key] = target
                        out.append(entry)
                return out

            await self._piece(f"flow-runs:{flow.id}", lr.flow_runs_of(room.id, flow.id), build=build)
        newest = sorted(all_runs, key=lambda p: p[0].submitted_at.timestamp() if p[0].submitted_at else 0,
                        reverse=True)[:AUDITS]
        for run, qt in newest:
            rt = Target("run", run.id, run.name or run.id, self.session.name, path=(*qt.path, qt))
            await self._piece(f"audit:{run.id}", lr.run_audit(run.id),
                              build=lambda a, rt=rt: self._audit_entries(rt, a))
        self._done()

    def _done(self) -> None:
        state = self.query_one("#timeline-state", LoadState)
        if state.error is None:
            state.idle()
        self._status()

    # ------------------------------------------------------------------ selection
    def on_event_table_highlighted(self, message: EventTable.Highlighted) -> None:
        entry = message.row
        detail = self.query_one("#timeline-detail", Details)
        if not isinstance(entry, TimelineEntry):
            detail.show([("Entry", Text(DASH, style="dim"))])
            return
        status = status_text("liveramp", entry.status) if entry.source != "audit" else safe(entry.status, 60)
        pairs = [("Time", Text(short_time(entry.time))), ("Source", Text(entry.source)),
                 ("Subject", safe(entry.subject, 200)), ("Status", status),
                 ("Message", multiline(entry.message, 2000)), ("Id", safe(entry.ref_id, 80, style="dim"))]
        for name, value in sorted(entry.details.items()):
            pairs.append((plain(name, 40), safe(value if isinstance(value, str) else repr(value), 300)))
        pairs.append(("", Text("Enter opens the " + ("flow run" if entry.ref_kind == "flow_run" else "run"),
                               style="dim")))
        detail.show(pairs)

    def on_event_table_opened(self, message: EventTable.Opened) -> None:
        target = self._targets.get(getattr(message.row, "key", ""))
        if target is not None:
            self.cr_app.open(self.session, target)

    def copy_target(self) -> tuple[str, str] | None:
        entry = self.table.selected
        if isinstance(entry, TimelineEntry) and entry.ref_id:
            return entry.ref_id, entry.source
        return self.parent_target.display_id or self.parent_target.id, self.parent_target.kind

    # ------------------------------------------------------------------ order, search, export
    def action_toggle_order(self) -> None:
        self.descending = not self.descending
        self.table.newest_first = self.descending
        self._paint()

    def action_filter(self) -> None:
        self._filter_target = self.table  # type: ignore[assignment]
        self.query_one(FilterBar).open(self.table.filter_text)

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, FilterBar):
            event.prevent_default()  # BaseScreen's handler filters ResourceTables; this is not one
            self.table.set_search(event.value)
            self._status()

    def on_filter_bar_closed(self, event: FilterBar.Closed) -> None:
        event.prevent_default()
        self.table.focus()

    def action_export(self) -> None:
        from ...core.export import exists_problem, slug, unique_name
        from .prompt import PromptScreen

        default = unique_name(f"timeline-{slug(self.parent_target.name, 'liveramp')}")

        def write(answer: str | None) -> None:
            if not answer:
                return
            path = Path(answer).expanduser()
            try:
                rows = write_timeline(path, self.feed.rows())
            except OSError as exc:
                self.notify(f"Could not write {path}: {exc.strerror or exc}", severity="error", markup=False)
                return
            exported(self.app, path, f"Exported {rows:,} entries to {path}")

        self.app.push_screen(PromptScreen(f"Export this timeline ({self.feed.display_count:,} entries) to:",
                                          default, help="A path ending in .json writes JSON; anything else CSV. An "
                                                        "existing file is never replaced.", check=exists_problem),
                             write)
