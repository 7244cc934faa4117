"""A clean-room question: its runs (newest first), definition, typed run-time parameters, bound
datasets, permissions and schedules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget

from ...core import liveramp as lr
from ...core.sanitize import plain
from ...core.session import Session
from ..bindings import bindings
from ..jump_index import Target
from ..marks import Marks
from ..text import (
    DASH,
    duration,
    duration_seconds,
    join,
    multiline,
    safe,
    state_text,
    status_text,
    to_datetime,
    when,
    yes_no,
)
from ..widgets.details import Details
from ..widgets.load_state import LoadState
from ..widgets.resource_table import Col, ResourceTable, Row
from ..widgets.table_pane import TablePane
from .tabbed import TabbedScreen

RUN_COLUMNS = (
    Col("name", "Run"), Col("status", "Status"), Col("submitted", "Submitted"),
    Col("duration", "Duration"), Col("reason", "Failure reason"), Col("retry", "Retryable"),
)
PARAM_COLUMNS = (
    Col("name", "Parameter"), Col("label", "Label"), Col("type", "Type"), Col("kind", "Kind"),
    Col("allowed", "Allowed values"), Col("default", "Default"), Col("example", "Example"),
)
BOUND_COLUMNS = (
    Col("macro", "Macro"), Col("data_type", "Data type"), Col("dataset", "Dataset"),
    Col("org", "Organization"), Col("ownership", "Ownership"), Col("status", "Status"),
    Col("assigned", "Assigned"),
)
PERMISSION_COLUMNS = (Col("permission", "Permission"), Col("access", "Who"))
SCHEDULE_COLUMNS = (
    Col("name", "Schedule"), Col("frequency", "Repeats"), Col("days", "Days"), Col("active", "Active"),
    Col("start", "Starts"), Col("end", "Ends"), Col("params", "Parameters"),
)

#: how many runs the history shows (the platform's page maximum)
RUN_HISTORY = 100



def run_target(session: Session, question: Target, run: Any) -> Target:
    return Target("run", run.id, run.name or run.id, session.name, path=(*question.path, question))


def run_duration(run: Any, now: Any) -> float | None:
    start = run.executed_at or run.submitted_at
    end = run.completed_at or (now if run.status in ("RUNNING", "QUEUED", "PENDING_RETRY") else None)
    return duration_seconds(start, end)


class QuestionScreen(TabbedScreen):
    TABS = (
        ("runs", "Runs"), ("definition", "Definition"), ("parameters", "Parameters"),
        ("datasets", "Datasets"), ("permissions", "Permissions"), ("schedules", "Schedules"),
    )
    BINDINGS = bindings("launch", "compare-runs", "mark-run", "new-schedule", "edit-schedule", "pause-schedule",
                        "delete-schedule")

    def __init__(self, session: Session, target: Target) -> None:
        super().__init__(session)
        self.target = target
        self.question: Any = None
        self.marks = Marks()
        self._runs: list[Any] = []

    def crumb(self) -> Text:
        return Text(plain(self.target.label, 60))

    @property
    def qid(self) -> str:
        return self.target.id

    def build_tab(self, pane_id: str) -> Iterable[Widget]:
        if pane_id == "runs":
            return [TablePane("Run history (newest first)", RUN_COLUMNS, table_title="runs",
                              id="runs-pane")]
        if pane_id == "definition":
            return [VerticalScroll(LoadState(id="definition-state"), Details(id="definition-details"),
                                   classes="scroll")]
        if pane_id == "parameters":
            return [TablePane("Run-time parameters", PARAM_COLUMNS, table_title="parameters",
                              id="parameters-pane")]
        if pane_id == "datasets":
            return [TablePane("Datasets bound to the question's macros", BOUND_COLUMNS,
                              table_title="question datasets", id="bound-pane")]
        if pane_id == "permissions":
            return [TablePane("Permissions", PERMISSION_COLUMNS, table_title="permissions",
                              id="permissions-pane")]
        if pane_id == "schedules":
            return [TablePane("Schedules", SCHEDULE_COLUMNS, table_title="schedules", id="schedules-pane")]
        return []

    def load_tab(self, pane_id: str) -> None:
        loader = {"runs": self._load_runs, "definition": self._load_definition,
                  "parameters": self._load_parameters, "datasets": self._load_datasets,
                  "permissions": self._load_permissions, "schedules": self._load_schedules}.get(pane_id)
        if loader is not None:
            self.start(pane_id, loader())

    # ------------------------------------------------------------------ runs
    async def _load_runs(self) -> None:
        pane = self.query_one("#runs-pane", TablePane)
        await self.fetch("runs", lr.runs_of(self.qid), paint=lambda runs: self._paint_runs(pane, runs),
                         state=pane.state, what="runs")

    def _paint_runs(self, pane: TablePane, runs: list[Any]) -> None:
        self._runs = list(runs)
        self.marks.keep({r.id for r in runs})
        now = self.session.now()
        ordered = sorted(runs, key=lambda r: to_datetime(r.submitted_at) or now, reverse=True)
        rows = []
        failed = 0
        for run in ordered:
            self.cr_app.jumps.add(run_target(self.session, self.target, run))
            seconds = run_duration(run, now)
            reason = run.failure_reason or (run.run_message if run.status in ("FAILED", "ERROR") else None)
            failed += run.status in ("FAILED", "ERROR", "PARTNER_FAILED")
            rows.append(Row(
                key=run.id,
                cells=(safe(run.name or run.id, 50), status_text("liveramp", run.status),
                       when(run.submitted_at), duration(seconds), safe(reason, 120, style="red"),
                       yes_no(run.is_retryable) if reason else Text(DASH, style="dim")),
                copy_id=run.id, payload=run, sort_values={"duration": seconds}))
        pane.table.set_rows(self.marks.decorate(r) for r in rows)
        pane.set_title(f"Run history (newest first) · {len(runs)} runs · {failed} failed")

    # ------------------------------------------------------------------ definition
    async def _load_definition(self) -> None:
        state = self.query_one("#definition-state", LoadState)
        await self.fetch("definition", lr.question(self.qid), paint=self._paint_definition, state=state,
                         what="question")

    def _paint_definition(self, q: Any) -> None:
        self.question = q
        self.target = Target("question", q.id, q.name, self.session.name, q.display_id, self.target.path)
        self.cr_app.jumps.add(self.target)

        def mapping(values: dict[str, str]) -> Text:
            if not values:
                return Text(DASH, style="dim")
            return Text(plain(", ".join(f"{k}: {v}" if v else k for k, v in values.items()), 600))

        pairs = [
            ("Name", safe(q.name, 200)),
            ("Id", Text.assemble(safe(q.display_id), "  ", safe(q.id, 60, style="dim"))),
            ("Type", safe(q.question_type)), ("Category", safe(q.category)),
            ("Status", state_text(q.status)), ("Created", when(q.created_on)),
            ("Data types", mapping(q.data_types)), ("Parameters", mapping(q.parameters)),
            ("Dimensions", mapping(q.dimension)), ("Metrics", mapping(q.metrics)),
            ("Query", multiline(q.customer_query_template)),
        ]
        self.query_one("#definition-details", Details).show(pairs)
        self.update_chrome()

    # ------------------------------------------------------------------ parameters
    async def _load_parameters(self) -> None:
        pane = self.query_one("#parameters-pane", TablePane)

        def paint(answer: Any) -> None:
            rows = []
            for i, p in enumerate(answer.parameters):
                kind = p.parameter_type or ""
                constraint = p.constraint_type or ""
                allowed = join(p.allowed_values, 80)
                if constraint:
                    allowed.append(f" ({plain(constraint, 20)})", style="dim")
                rows.append(Row(key=p.name or str(i), cells=(
                    safe(p.name, 50), safe(p.display_name, 40), safe(p.data_type, 20), safe(kind, 24),
                    allowed, safe(p.default_value, 40), safe(p.example_value, 40)),
                    copy_id=p.name, payload=p))
            pane.table.set_rows(rows)
            pane.set_title(f"Run-time parameters · {len(rows)}")

        await self.fetch("parameters", lr.parameters_of(self.qid), paint=paint, state=pane.state,
                         what="parameters")

    # ------------------------------------------------------------------ datasets
    async def _load_datasets(self) -> None:
        pane = self.query_one("#bound-pane", TablePane)

        def paint(items: list[Any]) -> None:
            pane.table.set_rows(Row(key=d.id or d.macro, cells=(
                safe(d.macro, 40), safe(d.data_type_display_name or d.data_type_name, 40),
                safe(d.dataset_name, 60), safe(d.organization_name, 40), safe(d.ownership, 20),
                state_text(d.status), when(d.assigned_at)), copy_id=d.dataset_id or d.id, payload=d)
                for d in items)
            pane.set_title(f"Datasets bound to the question's macros · {len(items)}")

        await self.fetch("datasets", lr.question_datasets_of(self.qid), paint=paint, state=pane.state,
                         what="datasets")

    # ------------------------------------------------------------------ permissions
    async def _load_permissions(self) -> None:
        pane = self.query_one("#permissions-pane", TablePane)

        def paint(items: list[Any]) -> None:
            pane.table.set_rows(Row(key=p.id or p.permission or str(i), cells=(
                safe(p.permission, 40), safe(p.access, 40)), copy_id=p.id, payload=p)
                for i, p in enumerate(items))
            pane.set_title(f"Permissions · {len(items)}")

        await self.fetch("permissions", lr.permissions_of(self.qid), paint=paint, state=pane.state,
                         what="permissions")

    # ------------------------------------------------------------------ schedules
    async def _load_schedules(self) -> None:
        pane = self.query_one("#schedules-pane", TablePane)

        def paint(items: list[Any]) -> None:
            pane.table.set_rows(Row(key=s.id, cells=(
                safe(s.name, 50), safe(s.repeat_frequency, 20), join(s.days_of_week, 40),
                yes_no(s.active), when(s.start_date_time), when(s.end_date_time),
                Text(plain(", ".join(f"{k}={v.value}" for k, v in s.parameters.items()), 200))),
                copy_id=s.display_id or s.id, payload=s) for s in items)
            keys = "" if self.session.readonly else " · n new · E/enter edit · p pause/resume · x delete"
            pane.set_title(f"Schedules · {len(items)}{keys}")

        await self.fetch("schedules", lr.schedules_of(self.qid), paint=paint, state=pane.state,
                         what="schedules")

    # ------------------------------------------------------------------ open
    def on_resource_table_opened(self, event: ResourceTable.Opened) -> None:
        pane = event.table.parent
        if pane is not None and pane.id == "runs-pane":
            self.cr_app.open(self.session, run_target(self.session, self.target, event.row.payload))
        elif pane is not None and pane.id == "schedules-pane" and event.row.payload is not None:
            self._open_schedule_form(event.row.payload)

    # ------------------------------------------------------------------ compare (issue 20.1)
    def _runs_table(self) -> ResourceTable | None:
        if "runs" not in self._built:
            return None
        return self.query_one("#runs-pane", TablePane).table

    def action_mark_run(self) -> None:
        table = self._runs_table()
        key = table.selected_key if table is not None else None
        if table is None or key is None:
            self.notify("Select a run on the Runs tab first.", markup=False)
            return
        self.marks.toggle(key)
        self._paint_runs(self.query_one("#runs-pane", TablePane), self._runs)
        self.notify(self.marks.said(), markup=False)

    def action_compare(self) -> None:
        from ...core.compare_load import RunCompare
        from .compare import open_compare

        if len(self.marks) == 2:
            run_id, other = self.marks.keys
        else:
            table = self._runs_table()
            run_id = (self.marks.keys[0] if self.marks.keys else table.selected_key if table is not None else None)
            other = None
            if run_id is None:
                self.notify("Select a run (or mark two with space) on the Runs tab first.", markup=False)
                return
        names = {r.id: r.name or r.id for r in self._runs}
        label = f"{names.get(run_id, run_id)}" + (f" vs {names.get(other, other)}" if other else " vs previous")
        open_compare(self, self.session, RunCompare(self.session, run_id, other, question_id=self.qid), label,
                     path=(*self.target.path, self.target))

    # ------------------------------------------------------------------ schedules (issue 20.2)
    def _selected_schedule(self) -> Any | None:
        tabs = self._tabs()
        if "schedules" not in self._built or tabs is None or tabs.active != "schedules":
            return None
        row = self.query_one("#schedules-pane", TablePane).table.selected
        return row.payload if row is not None else None

    def _schedule_write(self, write: Any, schedule: Any, title: str, done: str, label: str, effect: str,
                        on_answer: Any = None) -> None:
        from ...core import schedules
        from ..writes import confirm_and_send

        confirm_and_send(
            self, self.session, title=title, write=schedules.journal_change(self.session, self.qid, schedule.id, write),
            objects=[("Schedule", f'{schedule.display_id} "{schedule.name}" ({schedule.id})'.strip()),
                     ("Question", f"{self.target.display_id} {self.target.name}".strip())],
            effect=effect, done=done, on_answer=on_answer,
            on_done=lambda: self.start("schedules", self._load_schedules()), confirm_label=label)

    def action_toggle_schedule(self) -> None:
        from ...core import schedules

        schedule = self._selected_schedule()
        if schedule is None:
            self.notify("Select a schedule on the Schedules tab first.", markup=False)
            return
        resume = schedule.active is False
        name = plain(schedule.name, 60)
        effect = ("The schedule starts runs again at its next due time." if resume else
                  "The schedule stops starting runs until it is resumed; runs already started go on.")
        effect += (" The platform documents no pause field: this sends the schedule as it is with "
                   "\"active\", and the tab is read again to check that it took.")

        def check(_answer: Any) -> None:
            self.start("schedule-check", self._check_active(schedule, resume))

        self._schedule_write(schedules.set_active(self.qid, schedule, resume), schedule,
                             "Resume run schedule" if resume else "Pause run schedule",
                             f"{'Resumed' if resume else 'Paused'} {name}.", "Resume" if resume else "Pause",
                             effect, on_answer=check)

    async def _check_active(self, schedule: Any, wanted: bool) -> None:
        """Pause/resume sends an undocumented field: say so when the platform ignored it."""
        from ...core import schedules

        try:
            found = (await self.session.load(lr.schedules_of(self.qid))).value
        except Exception:  # the reload's own error view says what went wrong
            return
        after = next((s for s in found if s.id == schedule.id), None)
        if after is not None and not schedules.took_effect(schedule.active, wanted, after):
            self.notify(f"The platform answered but {plain(schedule.name, 60)} is still "
                        f"{'paused' if after.active is False else 'active'}: it may not support pausing "
                        "through the API. Set an end date instead, or use the web console.",
                        title="Not changed", severity="warning", markup=False, timeout=20)

    def action_delete_schedule(self) -> None:
        from ...core import schedules

        schedule = self._selected_schedule()
        if schedule is None:
            self.notify("Select a schedule on the Schedules tab first.", markup=False)
            return
        self._schedule_write(schedules.delete(self.qid, schedule), schedule, "Delete run schedule",
                             f"Deleted {plain(schedule.name, 60)}.", "Delete schedule",
                             "The schedule is deleted: no more runs start from it. Runs it started stay. "
                             "This cannot be undone.")

    def _open_schedule_form(self, schedule: Any) -> None:
        from .schedule_form import ScheduleScreen

        if self.session.readonly:
            self.notify("Read-only mode: schedules cannot be created or changed.", title="Refused",
                        severity="warning", markup=False)
            return
        self.app.push_screen(ScheduleScreen(self.session, self.target, schedule, origin=self,
                                            on_saved=lambda: self.start("schedules", self._load_schedules())))

    def action_new_schedule(self) -> None:
        self._open_schedule_form(None)

    def action_edit_schedule(self) -> None:
        schedule = self._selected_schedule()
        if schedule is None:
            self.notify("Select a schedule on the Schedules tab first.", markup=False)
            return
        self._open_schedule_form(schedule)

    # ------------------------------------------------------------------ launch (issue 6)
    def action_launch(self) -> None:
        from .again import launch_question

        launch_question(self, self.session, self.target)
