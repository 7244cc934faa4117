"""A question run: status, timings, failure reason and retryability on top; results (paged 500 rows
at a time as you scroll, total shown), parameters and the status history/audit in tabs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget

from ...core import liveramp as lr
from ...core.sanitize import plain
from ...core.session import Session
from ...core.status import normalize
from ...core.watch import QUESTION_RUN
from ..bindings import bindings
from ..jump_index import Target
from ..text import DASH, count, duration, duration_seconds, multiline, safe, status_text, when, yes_no
from ..watching import RunStatus
from ..widgets.details import Details
from ..widgets.load_state import LoadState
from ..widgets.resource_table import Col, ResourceTable, Row
from ..widgets.results_pane import ResultsPane
from ..widgets.table_pane import TablePane
from .tabbed import TabbedScreen

PARAM_COLUMNS = (Col("name", "Parameter"), Col("value", "Value"), Col("kind", "Kind"),
                 Col("type", "Data type"))
AUDIT_COLUMNS = (Col("time", "When"), Col("type", "Event"), Col("message", "Message"))


class RunScreen(TabbedScreen):
    TABS = (("results", "Results"), ("parameters", "Parameters"), ("audit", "History & audit"))
    BINDINGS = bindings("load-all", "open-timeline", "run-again", "watch-run", "compare-runs", "new-export")

    def __init__(self, session: Session, target: Target) -> None:
        super().__init__(session)
        self.target = target
        self.run: Any = None

    def crumb(self) -> Text:
        return Text("run " + plain(self.target.name, 50))

    @property
    def run_id(self) -> str:
        return self.target.id

    def compose_top(self) -> ComposeResult:
        yield LoadState(id="run-state")
        yield Details(id="run-summary")

    def build_tab(self, pane_id: str) -> Iterable[Widget]:
        if pane_id == "results":
            return [ResultsPane(title="results", id="results-pane")]
        if pane_id == "parameters":
            return [TablePane("Parameters and partition parameters", PARAM_COLUMNS,
                              table_title="run parameters", id="params-pane")]
        if pane_id == "audit":
            return [TablePane("Status history and audit (oldest first)", AUDIT_COLUMNS,
                              table_title="run audit", id="audit-pane")]
        return []

    def load_top(self) -> None:
        self.start("run", self._load_run())

    def load_tab(self, pane_id: str) -> None:
        if pane_id == "results":
            self.start("results", self._load_results())
        elif pane_id == "parameters" and self.run is not None:
            self._paint_parameters(self.run)
        elif pane_id == "audit":
            self.start("audit", self._load_audit())

    # ------------------------------------------------------------------ the run
    async def _load_run(self) -> None:
        await self.fetch("run", lr.run(self.run_id), paint=self._paint_run,
                         state=self.query_one("#run-state", LoadState), what="run")

    def _paint_run(self, run: Any) -> None:
        first = self.run is None or self.run.status != run.status
        self.run = run
        life = normalize("liveramp", run.status)
        status = status_text("liveramp", run.status)
        status.append(f"  ({life.value})", style="dim")
        now = self.session.now()
        active = life.active
        queued = duration_seconds(run.submitted_at, run.executed_at or (now if active else None))
        ran = duration_seconds(run.executed_at, run.completed_at or (now if active else None))
        question = self.target.path[-1] if self.target.path else None
        pairs = [
            ("Status", status),
            ("Run", Text.assemble(safe(run.name, 80), "  ", safe(run.id, 60, style="dim"))),
            ("Question", safe(question.label if question else None, 100)),
            ("Timings", Text.assemble(
                "submitted ", when(run.submitted_at), " · started ", when(run.executed_at),
                " · completed ", when(run.completed_at), " · queued ", duration(queued),
                " · ran ", duration(ran), " so far" if active and run.executed_at else "")),
        ]
        if run.failure_reason or life.value == "failed":
            failure = safe(run.failure_reason or run.run_message, 300, style="bold red")
            failure.append("  retryable: ")
            failure.append_text(yes_no(run.is_retryable))
            pairs.append(("Failure", failure))
            if run.run_message and run.run_message != run.failure_reason:
                pairs.append(("Message", multiline(run.run_message, 600)))
        elif run.run_message:
            pairs.append(("Message", multiline(run.run_message, 600)))
        if run.question_version is not None:
            pairs.append(("Version", Text(str(run.question_version))))
        self.query_one("#run-summary", Details).show(pairs)
        if "parameters" in self._built:
            self._paint_parameters(run)
        if first and "results" in self._built:
            self.start("results", self._load_results())
        if first and active:
            self._follow(run)
        if first:
            self.refresh_bindings()

    def _paint_parameters(self, run: Any) -> None:
        pane = self.query_one("#params-pane", TablePane)
        rows = [Row(key=f"p:{k}", cells=(safe(k, 60), safe(v, 200), Text("run-time"), Text(DASH, style="dim")),
                    copy_id=v) for k, v in run.parameters.items()]
        rows += [Row(key=f"pp:{p.name}:{i}", cells=(safe(p.name, 60), safe(p.value, 200), Text("partition"),
                                                    safe(p.data_type, 20)), copy_id=p.value)
                 for i, p in enumerate(run.partition_parameters)]
        pane.table.set_rows(rows)
        pane.set_title(f"Parameters · {len(run.parameters)} run-time · "
                       f"{len(run.partition_parameters)} partition")

    # ------------------------------------------------------------------ results
    async def _load_results(self) -> None:
        pane = self.query_one("#results-pane", ResultsPane)
        if self.run is None:
            cached = self.session.cached(lr.run(self.run_id))
            if cached is None:
                pane.state.loading("results")
                return  # _paint_run starts this again once the run is known
            self.run = cached.value
        if self.run.status != "COMPLETED":
            pane.state.note("Results are available once the run has COMPLETED "
                            f"(now: {plain(self.run.status, 30)}).")
            return
        rid = self.run_id

        async def page(offset: int) -> Any:
            return (await self.session.load(lr.run_data(rid, offset))).value

        pane.configure(page)
        await self.fetch("results-count", lr.run_data_count(rid), paint=pane.set_total,
                         state=pane.state, what="row count")
        first = await self.fetch("results", lr.run_data(rid), paint=pane.paint_first, state=pane.state,
                                 what="results")
        if first is not None and pane.table is not None and not isinstance(self.focused, ResourceTable):
            pane.table.focus()

    def action_load_more(self) -> None:
        for pane in self.query(ResultsPane):
            pane.load_more()

    def action_export(self) -> None:
        """``e`` on the results: the whole result, the loaded rows or the run's output file."""
        panes = list(self.query(ResultsPane))
        if not panes or panes[0].table is None or self.target_table() is not panes[0].table or self.run is None:
            super().action_export()
            return
        from ..results_export import ResultSource, offer

        rid = self.run_id
        location = self.run.run_metadata.data_out_location if self.run.run_metadata else None
        name = location.rstrip("/").rsplit("/", 1)[-1] if location else ""
        output = (name, lambda: self.session.call(lr.run_file(rid, name))) if name else None
        from ...core.export import slug

        offer(self, ResultSource(panes[0], stem=f"results-{slug(self.target.name, 'run')}",
                                 fetch=lambda offset: self.session.call(lr.run_data(rid, offset).call),
                                 output_file=output), super().action_export)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "load_more":
            return any(p.has_more for p in self.query(ResultsPane))
        if action == "compare":  # only completed runs have results to compare
            return self.run is not None and self.run.status == "COMPLETED"
        if action == "watch_run":  # only a run still going can be watched
            return self.run is not None and normalize("liveramp", self.run.status).active
        if action == "new_export" and super().check_action(action, parameters):  # issue 20.3
            return self.run is not None and self.run.status == "COMPLETED" and self.room_id is not None
        return super().check_action(action, parameters)

    def why_not(self, action: str) -> str | None:
        if action == "new_export":
            return "Only a completed run's question can be exported (n), from a run opened in its clean room."
        if action == "load_more":
            return "Every row of this result is loaded."
        if action == "watch_run":
            if self.run is None:
                return "The run is still loading."
            return f"This run is {plain(self.run.status, 30)}: only a queued or running one can be watched."
        return None

    # ------------------------------------------------------------------ audit
    async def _load_audit(self) -> None:
        pane = self.query_one("#audit-pane", TablePane)

        def paint(audit: Any) -> None:
            entries = sorted(audit.audit_details, key=lambda e: e.event_time.isoformat() if e.event_time else "")
            pane.table.set_rows(Row(key=f"a{i}", cells=(
                when(e.event_time), status_text("liveramp", e.event_type) if e.event_type else Text(DASH),
                safe(e.message, 300)), copy_id=e.message, payload=e) for i, e in enumerate(entries))
            pane.set_title(f"Status history and audit (oldest first) · {count(len(entries)).plain} events")

        await self.fetch("audit", lr.run_audit(self.run_id), paint=paint, state=pane.state, what="audit")

    # ------------------------------------------------------------------ timeline
    def action_open_timeline(self) -> None:
        from .timeline import run_timeline_target

        self.app.push_screen(self.cr_app.screen_for(self.session, run_timeline_target(self.session, self.target)))

    # ------------------------------------------------------------------ live status (issue 6)
    @property
    def question_id(self) -> str | None:
        question = self.target.path[-1] if self.target.path else None
        return question.id if question is not None and question.kind == "question" else None

    @property
    def room_id(self) -> str | None:
        room = next((t for t in self.target.path if t.kind == "room"), None)
        return room.id if room is not None else None

    def _follow(self, run: Any) -> None:
        """An active run on screen is watched, so this status pane updates in place (within budget)."""
        hub = self.cr_app.watching
        if not hub.is_watched(self.session.name, "question_run", run.id):
            hub.watch_run(self.session, run, question_id=self.question_id, cleanroom_id=self.room_id)

    def on_run_status(self, message: RunStatus) -> None:
        snap = message.snapshot
        if snap.object_id != self.run_id or snap.kind != QUESTION_RUN or snap.raw is None:
            return
        self._paint_run(snap.raw)
        self._as_of["run"] = snap.polled_at or self._as_of.get("run")
        self.update_chrome()

    def action_compare(self) -> None:
        """``c``: this run against the previous completed run of its question."""
        from ...core.compare_load import RunCompare
        from .compare import open_compare

        name = self.run.name if self.run is not None and self.run.name else self.target.name
        open_compare(self, self.session, RunCompare(self.session, self.run_id, question_id=self.question_id),
                     f"{name} vs previous", path=(*self.target.path, self.target))

    def action_run_again(self) -> None:
        from .again import run_again

        run_again(self, self.session, self.target, self.run, kind="question_run")

    def action_new_export(self) -> None:
        """``n``: an export job of this run's question, from its clean room's destinations."""
        from .exports import new_export

        room = next((t for t in self.target.path if t.kind == "room"), None)
        if room is not None:
            new_export(self, self.session, room, question_id=self.question_id)

    def action_watch_run(self) -> None:
        if self.run is None:
            self.notify("The run is not loaded yet.", markup=False)
            return
        life = normalize("liveramp", self.run.status)
        if life.terminal:
            self.notify(f"This run already finished ({plain(self.run.status, 30)}).", markup=False)
            return
        self.cr_app.watching.watch_run(self.session, self.run, question_id=self.question_id,
                                       cleanroom_id=self.room_id)
        self.notify("Watching this run: it is on the Runs board (b) and you are told when it finishes.",
                    markup=False)
