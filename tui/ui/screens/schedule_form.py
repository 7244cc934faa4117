"""Create or edit a run schedule (issue 20.2): the launch form's widgets and checks for the question's
typed parameters (this screen is a :class:`~tui.ui.screens.launch.LaunchScreen`), plus the cadence —
repeats, days, start, end — and, when editing, active or paused.

Nothing is sent while a field is invalid; ctrl+s ("Review schedule") shows the exact request
(method, path, JSON body) for confirmation; the write is sent once (never retried), recorded in
the launch journal, and refused in read-only mode. When the answer to a create is lost, listing the
question's schedules settles it (never a second POST). The question's Schedules tab reloads after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Static

from ...core import liveramp as lr
from ...core import schedules
from ...core.params import DATE, ParamField
from ...core.sanitize import plain
from ...core.schedule_form import CADENCE, ScheduleForm
from ...core.session import Session
from ..jump_index import Target
from ..widgets.load_state import LoadState
from .launch import LaunchPlan, LaunchScreen


class FormFieldValidator(Validator):
    """The schedule form's own check of one field (a date field also takes ``-7``, ``-1m``)."""

    def __init__(self, screen: ScheduleScreen, f: ParamField) -> None:
        super().__init__()
        self.screen = screen
        self.field = f

    def validate(self, value: str) -> ValidationResult:
        form = self.screen.form
        if form is None:
            return self.success()
        saved = form.values.get(self.field.key, "")
        form.values[self.field.key] = value
        try:
            problem = form.errors().get(self.field.key)
        finally:
            form.values[self.field.key] = saved
        return self.failure(problem) if problem else self.success()


class ScheduleScreen(LaunchScreen):
    """The form; ``schedule`` is the one being edited (None: a new schedule)."""

    BINDINGS = [Binding("ctrl+s", "review", "Review schedule", show=True)]

    def __init__(self, session: Session, question: Target, schedule: Any = None, *, origin: Any = None,
                 on_saved: Callable[[], Any] | None = None) -> None:
        super().__init__(session, LaunchPlan("question", question, question_id=question.id))
        self.schedule = schedule
        #: the question's schedule ids now: a lost create's answer is looked for among the others
        self.existing: set[str] = set()
        #: the screen the write's worker runs on (it outlives this form)
        self.origin = origin
        self.on_saved = on_saved

    def crumb(self) -> Text:
        return Text("edit schedule" if self.schedule is not None else "new schedule")

    def _intro(self) -> Text:
        text = Text()
        if self.schedule is not None:
            text.append("Edit run schedule ", style="bold")
            text.append(plain(f"{self.schedule.display_id} {self.schedule.name}".strip(), 120), style="bold")
            text.append(" of question ")
        else:
            text.append("New run schedule", style="bold")
            text.append(" of question ")
        text.append(plain(self.plan.context.label, 120), style="bold")
        text.append(f" · profile {self.session.name}")
        text.append("\nTimes are UTC. Date parameters take a date or days relative to each run: -7 (days), "
                    "-1m (months). ctrl+s or “Review schedule” shows the exact request before anything is "
                    "sent.", style="dim")
        return text

    # ------------------------------------------------------------------ the form
    async def _load_form(self) -> None:
        state = self.query_one("#launch-state", LoadState)
        state.loading("parameters")
        now = self.session.now()
        qid = self.plan.question_id
        try:
            params = (await self.session.load(lr.parameters_of(qid))).value
            if self.schedule is None:  # what is there before a create (not a status read)
                self.existing |= {s.id for s in (await self.session.load(lr.schedules_of(qid))).value}
        except Exception as exc:  # errors are views
            state.failed(exc, have_data=False)
            return
        title = self.plan.title
        if self.schedule is not None:
            form = ScheduleForm.edit(params, self.schedule, question_id=qid, title=title, now=now)
        else:
            form = ScheduleForm.new(params, question_id=qid, title=title, now=now)
        state.idle()
        self.form = form
        self._as_of["launch-form"] = now
        self.update_chrome()
        await self._build_fields()
        name_block = self.query_one("#f-name", Input).parent
        if name_block is not None:  # the launch form calls it the run name
            name_block.query_one(".field-label", Static).update(
                Text.assemble(("Schedule name", "bold"), (" *", "bold red")))
            name_block.query_one(".field-hint", Static).update(
                Text("A distinct name (it follows the cadence until you edit it)", style="dim"))
        self.refresh_budget()

    def _field_block(self, key: str, label: Text, widget: Any, hint: Text) -> Any:
        f = next((f for f in self.form.fields if f.key == key), None) if self.form is not None else None
        if f is not None and f.node == CADENCE:  # the cadence's own words, not a parameter's
            hint = Text(f.description, style="dim")
        elif f is not None and f.kind == DATE:
            hint.append(" · or days relative to each run: -7, -1m (months)", style="dim")
        return super()._field_block(key, label, widget, hint)

    def _input_for(self, f: ParamField, wid: str, value: str) -> Any:
        widget = super()._input_for(f, wid, value)
        if isinstance(widget, Input):
            widget.validators = [FormFieldValidator(self, f)]
            if f.kind == DATE and f.node != CADENCE:
                widget.placeholder = "YYYY-MM-DD, or -7 / -1m relative to each run"
                widget.max_length = 12
        return widget

    def refresh_budget(self) -> None:
        """No creation budget for schedules: only read-only mode disables sending."""
        if not self.is_mounted:
            return
        label = self.query_one("#launch-budget", Static)
        button = self.query_one("#launch-go", Button)
        text = Text()
        if self.session.readonly:
            text.append("Read-only: schedules cannot be created or changed (started with --readonly or a "
                        "read_only profile).", style="bold")
        label.update(text)
        label.set_class(self.session.readonly, "-empty")
        button.label = "Review"  # (a wider label wraps in the launch form's button)
        button.disabled = self.session.readonly or self.form is None or self._sending

    # ------------------------------------------------------------------ sending
    def action_review(self) -> None:
        if self.form is None or self._sending:
            return
        if self.session.readonly:
            self.notify("Read-only mode: schedules cannot be created or changed.", title="Refused",
                        severity="warning", markup=False)
            return
        self._submitted = True
        errors = self.show_errors()
        if errors:
            self._message(f"Not sent: {len(errors)} field(s) need fixing (see the messages under them).",
                          error=True)
            self._focus_first_invalid(errors)
            return
        self._message("")
        self._confirm_write(self.form.build_request())

    def _confirm_write(self, body: dict[str, Any]) -> None:
        from ..writes import confirm_and_send

        qid = self.plan.question_id
        question = ("Question", self.plan.context.label)
        if self.schedule is not None:
            s = self.schedule
            write = schedules.journal_change(self.session, qid, s.id, schedules.update(qid, s.id, body))
            title, label, done = "Change run schedule", "Save schedule", f"Saved {plain(body['name'], 60)}."
            objects = [("Schedule", f'{s.display_id} "{s.name}" ({s.id})'.strip()), question]
            effect = "The schedule's next runs use these values; runs it already started are not changed."
        else:
            write = schedules.journal_create(self.session, qid, schedules.create(qid, body), self.existing)
            title, label, done = "Create run schedule", "Create schedule", f"Created {plain(body['name'], 60)}."
            objects = [question]
            effect = "A run of this question starts at each due time, with these parameters, until the end date."
        form_screen = self

        def saved(answer: Any) -> None:
            if isinstance(answer, schedules.Recovered):
                form_screen.app.notify(answer.note, title=title, markup=False, timeout=15)
            if form_screen.is_mounted and form_screen.app.screen is form_screen:
                form_screen.app.pop_screen()

        confirm_and_send(self.origin or self, self.session, title=title, write=write, objects=objects,
                         effect=effect, done=done, confirm_label=label, on_answer=saved, on_done=self.on_saved)


__all__ = ["ScheduleScreen"]
