"""LiveRamp export jobs (issue 20.3): create one from a clean room's Exports tab or a completed run,
pause or resume it, and watch its runs.

- ``n`` opens :class:`ExportForm`: the question (pre-chosen from a run), the room's provisioned
  destinations (those whose channel is not active are listed but cannot be ticked), and export
  parameters (``NAME=value``). It is checked before anything is sent; then the confirmation shows the
  exact request and body; yes sends it once (journaled; a lost answer is settled by listing the
  room's jobs, never by posting again — :mod:`tui.core.exports`).
- ``p`` pauses the selected job or resumes a paused one (confirmed, sent once).
- Enter on a job opens :class:`ExportJobScreen`: the job, and its runs newest first with status,
  times, records and the platform's error message for a failed run (``r`` reads them again: a
  status read charged to the job).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from ...core import exports as ex
from ...core.sanitize import plain
from ...core.session import Session
from ..bindings import bindings
from ..jump_index import Target
from ..text import DASH, count, editable, safe, state_text, status_text, when
from ..widgets.details import Details
from ..widgets.load_state import LoadState, describe_error
from ..widgets.resource_table import Col, Row
from ..widgets.table_pane import TablePane
from .base import BaseScreen
from .review_form import ReviewFormMixin

RUN_COLUMNS = (
    Col("submitted", "Submitted"), Col("status", "Status"), Col("type", "Type"), Col("records", "Records"),
    Col("consented", "Consented"), Col("ended", "Ended"), Col("error", "Error"),
)


# --------------------------------------------------------------------------- the form

@dataclass(frozen=True)
class ExportChoice:
    question: Any
    destinations: list[Any]
    parameters: list[dict[str, str]]


def _destination_label(d: Any) -> Text:
    account = d.partner_account
    platform = account.partner.display_name or account.partner.name if account and account.partner else ""
    label = Text.assemble(safe(account.name if account else None, 50), "  ", safe(platform, 30, style="dim"))
    why = ex.usable(d)
    if why:
        label.append(f"  (not now: {plain(why, 80)})", style="dim italic")
    return label


class ExportForm(ReviewFormMixin, ModalScreen[ExportChoice | None]):
    """Question, destinations, parameters; checked before the confirmation."""

    ERROR_ID = "export-error"

    DEFAULT_CSS = """
    ExportForm { align: center middle; }
    ExportForm > Vertical { width: 90%; max-width: 110; height: auto; max-height: 95%;
                            border: thick $primary; background: $surface; padding: 1 2; }
    ExportForm SelectionList { height: auto; max-height: 8; }
    ExportForm .label { margin-top: 1; text-style: bold; }
    ExportForm #export-error { color: $text-error; height: auto; }
    ExportForm #export-help { color: $text-muted; }
    ExportForm Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ExportForm .fields { height: auto; max-height: 50vh; }
    ExportForm Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, room: Target, questions: Sequence[Any], destinations: Sequence[Any],
                 question_id: str | None = None, *, what: str = "Question") -> None:
        super().__init__()
        #: "Question", or "Flow node" for a flow's node exports (items with id, display_id, name)
        self.what = what
        self.room = room
        self.questions = list(questions)
        self.destinations = [d for d in destinations if d.partner_account is not None and d.partner_account.id]
        self.question_id = question_id

    def compose(self) -> ComposeResult:
        # the fields scroll inside the dialog: the title, the error and the buttons always stay on screen
        questions = [(Text.assemble(safe(q.display_id, 20), " ", safe(q.name, 70)), q.id) for q in self.questions]
        chosen = self.question_id if any(q.id == self.question_id for q in self.questions) else Select.NULL
        with Vertical():
            yield Static(Text.assemble(("New export job · ", "bold"), safe(self.room.label, 60)))
            with VerticalScroll(classes="fields"):
                yield Static(Text(self.what), classes="label")
                yield Select(questions, id="export-question", value=chosen,
                             prompt=("Choose the flow node whose results are exported" if self.what == "Flow node"
                                     else "Choose the question whose results are exported"))
                yield Static(Text("Destinations (space ticks; one job per destination)"), classes="label")
                yield SelectionList(*[Selection(_destination_label(d), d.partner_account.id,
                                                disabled=ex.usable(d) is not None) for d in self.destinations],
                                    id="export-destinations")
                yield Static(Text("Export parameters"), classes="label")
                yield Input(value=editable(self._suggested()), id="export-params",
                            placeholder="S3_EXPORT_PATH=s3://bucket/prefix/; NAME=value")
                yield Static(Text("NAME=value, separated by ';' (e.g. S3_EXPORT_PATH, GCS_EXPORT_PATH); empty for "
                                  "none. Nothing is sent before the confirmation."), id="export-help")
            yield Static(Text(""), id="export-error")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Review", id="review", variant="primary")

    def _suggested(self) -> str:
        usable = [d for d in self.destinations if ex.usable(d) is None]
        return ex.suggested_parameters(usable[0]) if len(usable) == 1 else ""

    def on_mount(self) -> None:
        self.query_one("#export-question" if self.question_id is None else "#export-destinations").focus()

    def problem(self) -> tuple[ExportChoice | None, str | None]:
        qid = self.query_one("#export-question", Select).value
        question = next((q for q in self.questions if q.id == qid), None)
        if question is None:
            return None, f"Choose a {self.what.lower()}."
        ticked = set(self.query_one("#export-destinations", SelectionList).selected)
        chosen = [d for d in self.destinations if d.partner_account.id in ticked]
        if not chosen:
            return None, "Tick at least one destination (space)." if self.destinations else \
                "This clean room has no provisioned destination: provision one on the platform first."
        for d in chosen:
            why = ex.usable(d)
            if why:
                return None, f"{plain(d.partner_account.name, 60)} cannot receive exports: {why}."
        params, wrong = ex.parse_parameters(self.query_one("#export-params", Input).value)
        if wrong:
            return None, f"Parameters: {plain(wrong, 200)}"
        return ExportChoice(question, chosen, params), None



# --------------------------------------------------------------------------- sending

def refused(screen: Screen, session: Session) -> bool:
    if session.readonly:
        screen.notify("Read-only mode: writes are disabled.", title="Refused", severity="warning", markup=False)
        return True
    return False


def _confirmation(request: str, objects: Sequence[tuple[str, str]], body: str, effect: str) -> Text:
    """What the confirmation says: the request line, the objects it touches, the JSON body whole (a
    cut body would not be the exact request), the effect, and that it is sent once."""
    text = Text.assemble(("Request  ", "bold"), plain(request, 300))
    for label, value in objects:
        text.append(f"\n{label:<9}", style="bold")
        text.append(plain(value, 300))
    text.append("\nBody     ", style="bold")
    text.append(plain(body, 8000))
    text.append(f"\n\n{effect}", style="italic")
    text.append("\n\nSent once; not retried automatically.", style="dim")
    return text


def confirm_export_write(screen: Screen, session: Session, write: ex.ExportWrite, *, title: str,
                         objects: Sequence[tuple[str, str]], done: str, confirm_label: str,
                         on_done: Callable[[], Any] | None = None,
                         on_answer: Callable[[Any], Any] | None = None) -> None:
    """The confirmation (request line, body, the objects), then one send in an app worker."""
    from .confirm import ConfirmScreen

    if refused(screen, session):
        return
    app = screen.app
    sent = write.write(session)

    async def send() -> None:
        try:
            answer = await session.write(sent)
        except (ex.ExportUnknown, ex.ExportNotCreated) as exc:
            unknown = isinstance(exc, ex.ExportUnknown)
            app.notify(plain(str(exc), 400), title=f"{title}: {'outcome unknown' if unknown else 'not created'}",
                       severity="warning", markup=False, timeout=30)
        except Exception as exc:
            app.notify(describe_error(exc).plain, title=f"{title}: failed", severity="error", markup=False,
                       timeout=20)
        else:
            note = ""
            if isinstance(answer, ex.Created):
                note = f"\n{', '.join(answer.job_ids)}" + (f"\n({answer.note})" if answer.recovered else "")
            app.notify(done + note, title=title, markup=False, timeout=10)
            if on_answer is not None:
                on_answer(answer)
        if on_done is not None:
            on_done()

    def answered(ok: bool | None) -> None:
        if ok:  # an app worker: leaving the screen must not cancel the write in flight
            app.run_worker(send(), group="export-write", exit_on_error=False, description=title)

    body = _confirmation(sent.describe(), objects, write.body_text, write.effect)
    app.push_screen(ConfirmScreen(title, body, confirm_label=confirm_label, danger=False), answered)


def new_export(screen: Screen, session: Session, room: Target, *, question_id: str | None = None,
               on_done: Callable[[], Any] | None = None) -> None:
    """``n``: read the room's questions and destinations (cache first), open the form, confirm, send."""
    from ...core import liveramp as lr

    if refused(screen, session):
        return

    async def load(read: Any) -> Any:
        cached = session.cached(read)
        return cached.value if cached is not None else (await session.load(read)).value

    async def open_form() -> None:
        try:
            questions = await load(lr.questions_of(room.id))
            destinations = (await session.load(lr.destinations_of(room.id))).value.partner_accounts
        except Exception as exc:
            screen.notify(describe_error(exc).plain, title="Could not open the export form", severity="error",
                          markup=False)
            return

        def chosen(choice: ExportChoice | None) -> None:
            if choice is None:
                return
            q = choice.question
            names = ", ".join(plain(d.partner_account.name, 40) for d in choice.destinations)
            confirm_export_write(
                screen, session, ex.create_job(room.id, q, choice.destinations, choice.parameters),
                title="Create export job",
                objects=[("Question", f'{q.display_id} "{q.name}" ({q.id})'), ("To", names),
                         ("Room", f'{room.display_id} "{room.name}" ({room.id})')],
                done=f"Export job created for {q.display_id or q.id} → {names}.", confirm_label="Create export",
                on_done=on_done)

        screen.app.push_screen(ExportForm(room, questions, destinations, question_id), chosen)

    screen.run_worker(open_form(), group="export-form", exclusive=True, exit_on_error=False)


def toggle_job(screen: Screen, session: Session, job: Any, on_done: Callable[[], Any] | None = None) -> None:
    """``p``: pause an active job, resume a paused one."""
    resume = str(job.status).upper() == "PAUSED"
    name = plain(job.name, 80)
    confirm_export_write(
        screen, session, ex.set_job_status(job, "ACTIVE" if resume else "PAUSED"),
        title="Resume export job" if resume else "Pause export job",
        objects=[("Job", f'"{job.name}" ({job.id})'),
                 ("To", job.partner_account.name if job.partner_account else "")],
        done=f"{'Resumed' if resume else 'Paused'} {name}.", confirm_label="Resume" if resume else "Pause",
        on_done=on_done)


# --------------------------------------------------------------------------- a job and its runs

def run_row(run: Any) -> Row:
    trouble = run.status in ex.TROUBLE
    return Row(key=run.id or str(run.submit_time), cells=(
        when(run.submit_time), status_text("liveramp", run.status), safe(run.job_run_type, 20),
        count(run.total_records), count(run.consented_records), when(run.end_time),
        safe(run.error_message, 200, style="red" if trouble else "") if run.error_message else Text(DASH)),
        copy_id=run.id, payload=run)


class ExportJobScreen(BaseScreen):
    """One export job: what it sends where, and its runs (errors shown in place)."""

    BINDINGS = bindings("pause-export")

    def __init__(self, session: Session, room: Target, job: Any) -> None:
        super().__init__(session)
        self.room = room
        self.job = job

    def crumb(self) -> Text:
        return Text("export " + plain(self.job.name, 50))

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="body"):
            yield Details(id="job-summary")
            yield TablePane("Runs (newest first)", RUN_COLUMNS, table_title="export job runs", id="job-runs-pane")
            with VerticalScroll(id="job-run-detail-box"):
                yield LoadState(id="job-run-state")
                yield Details(id="job-run-detail")

    def reload(self) -> None:
        self._paint_job()
        self.start("job-runs", self._load_runs())

    def _paint_job(self) -> None:
        job = self.job
        account = job.partner_account
        platform = account.partner.display_name or account.partner.name if account and account.partner else None
        self.query_one("#job-summary", Details).show([
            ("Job", Text.assemble(safe(job.name, 120), "  ", safe(job.id, 60, style="dim"))),
            ("Status", Text.assemble(state_text(job.status), ("  p resumes it" if str(job.status).upper() == "PAUSED"
                                                              else "  p pauses it", "dim"))),
            ("Question", Text.assemble(safe(job.question_display_name, 20), " ", safe(job.question_name, 80))),
            ("Destination", Text.assemble(safe(account.name if account else None, 60), "  ", safe(platform, 40),
                                          "  channel ", safe(job.partner_account_cr_channel_status, 30))),
            ("Created", when(job.time_audit.created_at if job.time_audit else None)),
            ("Last run", when(job.job_last_run_time)),
        ])

    async def _load_runs(self) -> None:
        pane = self.query_one("#job-runs-pane", TablePane)

        def paint(answer: Any) -> None:
            runs = answer.runs()
            pane.table.set_rows(run_row(r) for r in runs)
            failed = sum(1 for r in runs if r.status in ex.TROUBLE)
            params = ", ".join(f"{plain(str(p.get('name', '')), 40)}={plain(str(p.get('value', '')), 80)}"
                               for p in answer.export_detail_parameters if isinstance(p, dict))
            pane.set_title(f"Runs (newest first) · {len(runs)}" + (f" · {failed} with errors" if failed else "")
                           + (f" · parameters: {params}" if params else ""))
            self._show_run(pane.table.selected.payload if pane.table.selected else (runs[0] if runs else None))

        await self.fetch("job-runs", ex.job_runs(self.job.id), paint=paint, state=pane.state, what="export job runs")

    def _show_run(self, run: Any) -> None:
        detail = self.query_one("#job-run-detail", Details)
        if run is None:
            detail.show([("Runs", Text("No run yet: the first one starts when the job is created.", style="dim"))])
            return
        pairs = [("Run", Text.assemble(safe(run.id, 60), "  ", status_text("liveramp", run.status))),
                 ("Times", Text.assemble("submitted ", when(run.submit_time), "  started ", when(run.start_time),
                                         "  ended ", when(run.end_time))),
                 ("Records", Text.assemble(count(run.total_records), " total · ", count(run.consented_records),
                                           " consented · ", count(run.cumulative_records), " so far"))]
        if run.error_message:
            pairs.append(("Error", safe(run.error_message, 1000, style="bold red")))
        detail.show(pairs)

    def on_data_table_row_highlighted(self, event: Any) -> None:
        key = event.row_key.value if event.row_key is not None else None
        row = event.data_table.row(key) if key is not None and hasattr(event.data_table, "row") else None
        if row is not None:
            self._show_run(row.payload)

    def on_resource_table_opened(self, event: Any) -> None:
        self._show_run(event.row.payload)

    def action_toggle_export(self) -> None:
        def done() -> None:
            self.start("job", self._reload_job())

        toggle_job(self, self.session, self.job, on_done=done)

    async def _reload_job(self) -> None:
        from ...core import liveramp as lr

        jobs = await self.fetch("job", lr.export_jobs_of(self.room.id), paint=lambda _items: None)
        found = next((j for j in jobs or [] if j.id == self.job.id), None)
        if found is not None:
            self.job = found
            self._paint_job()
        self.start("job-runs", self._load_runs())


__all__ = ["ExportChoice", "ExportForm", "ExportJobScreen", "confirm_export_write", "new_export", "toggle_job"]
