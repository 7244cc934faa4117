"""The launch form: generated from a question's (or flow's) typed parameters, checked field by field
before anything is sent, then a confirmation with the exact request, then one POST.

- a field per parameter, in the platform's order: enumerations (enforced lists, Fixed partitions,
  booleans) are selects; dates are validated ``YYYY-MM-DD`` inputs (↑/↓ move a day); integers and
  decimals are inputs with their range; required fields are marked ``*``;
- values start from the last run's (or the run being repeated, for "run again"), else the defaults;
  the run name is pre-filled (``title · dates · stamp``) and follows the values until edited;
- a field's problem shows under it as soon as it is left (and every field's on "Review launch");
  nothing is sent while any field is invalid;
- the creation budget is shown; at zero, Launch is disabled with the time the next one frees up;
- read-only profiles see the form but cannot launch.

The launch itself goes through :class:`tui.core.launch.Launcher` (journal, duplicate guard, no
retry, reconciliation by listing) and the app's watcher watches the new run at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Select, Static

from ...core import liveramp as lr
from ...core.params import BOOLEAN, DATE, ParamField, check_value
from ...core.sanitize import plain
from ...core.session import Session
from ..jump_index import Target
from ..text import editable, local
from ..widgets.load_state import LoadState, describe_error
from ..widgets.param_fields import DateInput, FieldValidator, field_hint, field_label, is_select
from .base import BaseScreen

NAME = "name"


@dataclass
class LaunchPlan:
    """What the form launches."""

    kind: str  # "question" | "flow"
    #: the question or flow (crumbs, and the path of the run opened afterwards)
    context: Target
    question_id: str = ""
    cleanroom_id: str = ""
    flow_id: str = ""
    #: the run whose values become the defaults (the last run, or the run to repeat)
    last_run: Any = None
    rerun: bool = False

    @property
    def title(self) -> str:
        return self.context.name or self.context.display_id or self.context.id


class LaunchScreen(BaseScreen):
    DEFAULT_CSS = """
    LaunchScreen #launch-budget { height: auto; padding: 0 1; }
    LaunchScreen #launch-budget.-empty { background: $error 20%; }
    LaunchScreen #launch-intro { height: auto; padding: 0 1; }
    LaunchScreen #launch-fields { height: 1fr; padding: 0 1; }
    LaunchScreen .field { height: auto; margin-bottom: 1; }
    LaunchScreen .field-label { height: auto; }
    LaunchScreen .field-hint { height: auto; }
    LaunchScreen .field-error { height: auto; color: $text-error; text-style: bold; }
    LaunchScreen .field-error.-ok { display: none; }
    LaunchScreen Input, LaunchScreen Select { width: 100%; max-width: 80; }
    LaunchScreen #launch-message { height: auto; padding: 0 1; }
    LaunchScreen #launch-buttons { height: auto; padding: 0 1; }
    LaunchScreen #launch-buttons Button { margin-right: 2; }
    """

    BINDINGS = [Binding("ctrl+s", "review", "Review launch", show=True)]
    #: the browsing keys that mean nothing on a form (no table to filter, export or copy from)
    NOT_HERE = frozenset({"filter", "export", "copy_id", "next_tab", "prev_tab"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.NOT_HERE:
            return False
        return super().check_action(action, parameters)

    def __init__(self, session: Session, plan: LaunchPlan) -> None:
        super().__init__(session)
        self.plan = plan
        self.form: Any = None
        #: widget id → field key (keys may hold dots and slashes, ids may not)
        self._ids: dict[str, str] = {}
        self._notes: dict[str, str] = {}  # field key → why its pre-filled value is not the platform's
        self._touched: set[str] = set()
        self._submitted = False
        self._sending = False

    # ------------------------------------------------------------------ layout
    def crumb(self) -> Text:
        return Text("launch" + (" again" if self.plan.rerun else ""))

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="body"):
            yield Static(Text(""), id="launch-budget")
            yield Static(self._intro(), id="launch-intro")
            yield LoadState(id="launch-state")
            yield VerticalScroll(id="launch-fields")
            yield Static(Text(""), id="launch-message")
            with Horizontal(id="launch-buttons"):
                yield Button("Review launch", id="launch-go", variant="primary", disabled=True)
                yield Button("Cancel", id="launch-cancel")

    def _intro(self) -> Text:
        what = "flow" if self.plan.kind == "flow" else "question"
        text = Text()
        text.append("Launch a run again with the same parameters" if self.plan.rerun else "Launch a run",
                    style="bold")
        text.append(f" of {what} ")
        text.append(plain(self.plan.context.label, 120), style="bold")
        text.append(f" · profile {self.session.name}")
        text.append("\nTab moves between fields; ctrl+s or “Review launch” shows the exact request before "
                    "anything is sent.", style="dim")
        return text

    @property
    def launcher(self) -> Any:
        return self.cr_app.watching.launcher(self.session)

    # ------------------------------------------------------------------ loading the form
    def initial_load(self) -> None:
        self.refresh_budget()
        self.set_interval(1.0, self.refresh_budget)
        self.start("launch-form", self._load_form())

    def reload(self) -> None:
        if self.form is None:
            self.start("launch-form", self._load_form())
        self.refresh_budget()

    async def _load_form(self) -> None:
        state = self.query_one("#launch-state", LoadState)
        state.loading("parameters")
        plan = self.plan
        now = local(self.cr_app.watching.now())
        try:
            if plan.kind == "flow":
                form = await self.launcher.prepare_flow_launch(plan.cleanroom_id, plan.flow_id, plan.last_run,
                                                               title=plan.title, now=now)
            elif plan.rerun:
                form = await self.launcher.prepare_rerun(plan.question_id, plan.last_run, title=plan.title, now=now)
            else:
                form = await self.launcher.prepare_launch(plan.question_id, plan.last_run, title=plan.title,
                                                          now=now)
        except Exception as exc:  # errors are views
            state.failed(exc, have_data=False)
            return
        state.idle()
        self.form = form
        self._as_of["launch-form"] = self.cr_app.watching.now()  # the parameters were read just now
        self.update_chrome()
        await self._build_fields()
        self.refresh_budget()

    async def _build_fields(self) -> None:
        form = self.form
        box = self.query_one("#launch-fields", VerticalScroll)
        self._notes = dict(form.notes)
        name_hint = Text("A distinct, meaningful name (it follows the values until you edit it)", style="dim")
        if NAME in self._notes:
            name_hint.append(f"\n⚠ {self._notes[NAME]}", style="yellow")
        widgets = [self._field_block(NAME, Text.assemble(("Run name", "bold"), (" *", "bold red")),
                                     Input(value=editable(form.name), id="f-name", max_length=255), name_hint)]
        self._ids["f-name"] = NAME
        for i, f in enumerate(form.fields):
            wid = f"f-{i}"
            self._ids[wid] = f.key
            widget = self._input_for(f, wid, form.values.get(f.key, ""))
            widgets.append(self._field_block(f.key, field_label(f), widget, field_hint(f, self._notes.get(f.key))))
        if self.plan.kind == "flow":
            self._ids["f-pause"] = "pause"
            widgets.append(self._field_block(
                "pause", Text("Pause after level", style="bold"),
                Input(value=editable(form.pause_level or ""), id="f-pause", placeholder="e.g. 1 or Level-1"),
                Text("optional: the run stops as PAUSED after this level until you resume it (u)", style="dim")))
        if not form.fields:
            widgets.append(Static(Text("This has no run-time parameters: only the run name is needed.",
                                       style="dim")))
        await box.mount_all(widgets)
        self.query_one("#f-name", Input).focus()

    def _field_block(self, key: str, label: Text, widget: Any, hint: Text) -> Vertical:
        error = Static(Text(""), classes="field-error -ok")
        block = Vertical(Static(label, classes="field-label"), widget, Static(hint, classes="field-hint"), error,
                         classes="field")
        block.field_key = key  # type: ignore[attr-defined]
        return block

    def _input_for(self, f: ParamField, wid: str, value: str) -> Any:
        if is_select(f):
            options = [("true", "true"), ("false", "false")] if f.kind == BOOLEAN else [(c, c) for c in f.choices]
            known = {v for _l, v in options}
            current = value if value in known else (check_value(f, value)[0] if value else "")
            if value and current not in known:
                # the allowed values changed since the last run: nothing chosen, and say why
                self._notes[f.key] = f"The last run's value {editable(value, 60)!r} is not among the choices now."
            # Textual 8: nothing selected is Select.NULL (Select.BLANK is False, an illegal value)
            return Select([(Text(editable(label, 80)), v) for label, v in options], id=wid,
                          allow_blank=not f.required or current not in known,
                          value=current if current in known else Select.NULL,
                          prompt="(choose)" if f.required else "(platform default)")
        cls = DateInput if f.kind == DATE else Input
        placeholder = editable(f.hint or f.data_type.lower(), 80)
        kwargs: dict[str, Any] = {}
        if f.choices and not f.enforced:
            from textual.suggester import SuggestFromList

            kwargs["suggester"] = SuggestFromList(list(f.choices), case_sensitive=False)
        return cls(value=editable(value), id=wid, placeholder=placeholder, validators=[FieldValidator(f)],
                   validate_on=["blur", "submitted"], valid_empty=not f.required,
                   max_length=10 if f.kind == DATE else 1000, **kwargs)

    # ------------------------------------------------------------------ editing
    def on_input_changed(self, event: Input.Changed) -> None:
        key = self._ids.get(event.input.id or "")
        if key is None or self.form is None:
            return  # the filter bar: BaseScreen's handler (Textual calls it too) deals with it
        event.stop()
        self._set(key, event.value)

    def on_select_changed(self, event: Select.Changed) -> None:
        key = self._ids.get(event.select.id or "")
        if key is None or self.form is None:
            return
        event.stop()
        value = "" if event.value is Select.NULL else str(event.value)
        self._touched.add(key)
        self._set(key, value)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        key = self._ids.get(event.input.id or "")
        if key is not None:
            self._touched.add(key)
            self.show_errors()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id in self._ids:
            event.stop()
            key = self._ids[event.input.id]
            self._touched.add(key)
            if key not in self.show_errors():
                self.focus_next()  # a rejected value keeps the focus, so the fix is typed into it

    def _set(self, key: str, value: str) -> None:
        form = self.form
        if key == NAME:
            if value != form.name:
                form.set_name(value)
        elif key == "pause":
            form.pause_level = value.strip() or None
        else:
            form.set_value(key, value)
            name_input = self.query_one("#f-name", Input)
            if not form.name_edited and name_input.value != form.name:
                name_input.value = editable(form.name)  # the suggested name follows the values
        self.show_errors()

    def errors(self) -> dict[str, str]:
        if self.form is None:
            return {}
        errors = self.form.errors()
        if self.plan.kind == "flow" and self.form.pause_level:
            from ...api.liveramp.client import level_id

            try:
                level_id(self.form.pause_level)
            except (TypeError, ValueError) as exc:
                errors["pause"] = f"Pause after level: {exc}"
        return errors

    def show_errors(self) -> dict[str, str]:
        """Show each touched (or, after "Review launch", every) field's problem under it."""
        errors = self.errors()
        for block in self.query(".field"):
            key = getattr(block, "field_key", None)
            message = errors.get(key) if (self._submitted or key in self._touched) else None
            label = block.query_one(".field-error", Static)
            label.update(Text(f"✗ {plain(message, 300)}") if message else Text(""))
            label.set_class(not message, "-ok")
            for widget in block.query("Input, Select"):
                widget.set_class(bool(message), "-invalid")
        return errors

    # ------------------------------------------------------------------ budget
    def refresh_budget(self) -> None:
        if not self.is_mounted:
            return
        label = self.query_one("#launch-budget", Static)
        button = self.query_one("#launch-go", Button)
        launcher = self.launcher
        left = launcher.creates_left()
        text = Text()
        blocked = False
        if self.session.readonly:
            text.append("Read-only: launching is disabled (started with --readonly or a read_only profile).",
                        style="bold")
            blocked = True
        elif left is not None:
            per_hour = launcher.ledger.creates_per_hour
            text.append(f"Creations left this hour: {left}/{per_hour}", style="bold" if left else "bold red")
            free_at = launcher.creates_free_at()
            if left == 0:
                blocked = True
                when = local(free_at).strftime("%H:%M:%S") if free_at else "soon"
                text.append(f" · launching is disabled until {when}, when the next creation frees up")
                button.label = f"Launch disabled until {when}"
            elif free_at is not None:
                text.append(f" · next frees at {local(free_at):%H:%M:%S}", style="dim")
        label.update(text)
        label.set_class(blocked, "-empty")
        if not blocked and not self._sending:
            button.label = "Review launch"
        button.disabled = blocked or self.form is None or self._sending

    # ------------------------------------------------------------------ launching
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "launch-go":
            self.action_review()
        elif event.button.id == "launch-cancel":
            self.app.pop_screen()

    def _message(self, text: Text | str, *, error: bool = False) -> None:
        if not self.is_mounted:
            return
        body = text if isinstance(text, Text) else Text(text, style="bold red" if error else "")
        self.query_one("#launch-message", Static).update(body)

    def action_review(self) -> None:
        """Check every field; when all are valid, show the exact request for confirmation."""
        if self.form is None or self._sending:
            return
        if self.session.readonly:
            self.notify("Read-only mode: launching is disabled.", title="Refused", severity="warning", markup=False)
            return
        self._submitted = True
        errors = self.show_errors()
        if errors:
            self._message(f"Not sent: {len(errors)} field(s) need fixing (see the messages under them).",
                          error=True)
            self._focus_first_invalid(errors)
            return
        self.refresh_budget()
        left = self.launcher.creates_left()
        if left == 0:
            self._message("Not sent: the creation budget is used up (see above).", error=True)
            return
        self._message("")
        request = self.form.build_request()
        self._confirm(request, self._duplicates(request))

    def _focus_first_invalid(self, errors: dict[str, str]) -> None:
        for block in self.query(".field"):
            if getattr(block, "field_key", None) in errors:
                for widget in block.query("Input, Select"):
                    widget.focus()
                    block.scroll_visible()
                    return

    def _duplicates(self, request: dict[str, Any]) -> list[Any]:
        if self.plan.kind == "flow":
            return self.launcher.check_duplicate_flow(self.plan.cleanroom_id, self.plan.flow_id, request)
        return self.launcher.check_duplicate(self.plan.question_id, request)

    def request_view(self, request: dict[str, Any], duplicates: list[Any]) -> Any:
        from .launch_confirm import LaunchRequestView

        plan = self.plan
        launcher = self.launcher
        if plan.kind == "flow":
            # the id the client will send: the platform may take the flow's ID or its flowID (issue 21)
            flow_id = lr.flow_path_id(self.session, plan.flow_id)
            title, write = "Launch a flow run", lr.create_flow_run(plan.cleanroom_id, plan.flow_id, request,
                                                                    path_id=flow_id)
            context = [("Profile", f"{self.session.name} (LiveRamp)"), ("Flow", plan.context.label)]
        else:
            title, write = "Launch a question run", lr.create_run(plan.question_id, request)
            context = [("Profile", f"{self.session.name} (LiveRamp)"), ("Question", plan.context.label)]
        room = next((t for t in plan.context.path if t.kind == "room"), None)
        if room is not None:
            context.append(("Room", room.label))
        return LaunchRequestView(title=title, method=write.method, path=write.path, body=write.body, context=context,
                                 creates_left=launcher.creates_left(),
                                 creates_per_hour=launcher.ledger.creates_per_hour, duplicates=duplicates,
                                 duplicate_window_min=int(launcher.duplicate_window_s // 60))

    def _confirm(self, request: dict[str, Any], duplicates: list[Any]) -> None:
        from .launch_confirm import LaunchConfirmScreen

        def answered(ok: bool | None) -> None:
            if ok:
                self._sending = True
                self.refresh_budget()
                # an app worker: leaving this screen must never cancel a POST in flight
                self.app.run_worker(self._send(request, bool(duplicates)), group="launch",
                                    exit_on_error=False, description="launch")

        self.app.push_screen(LaunchConfirmScreen(self.request_view(request, duplicates)), answered)

    async def _send(self, request: dict[str, Any], allow_duplicate: bool) -> None:
        from ...core.launch import (
            BudgetExhausted,
            DuplicateLaunch,
            InvalidParameters,
            LaunchFailed,
            LaunchUnknown,
            ReadOnlyProfile,
        )

        launcher = self.launcher
        plan = self.plan
        self._message(Text("Launching… (sent once, never retried)", style="italic"))
        try:
            if plan.kind == "flow":
                outcome = await launcher.launch_flow_run(plan.cleanroom_id, plan.flow_id, request,
                                                         allow_duplicate=allow_duplicate)
            else:
                outcome = await launcher.launch(plan.question_id, request, fields=self.form.fields,
                                                allow_duplicate=allow_duplicate)
        except InvalidParameters as exc:
            self._submitted = True
            self._focus_first_invalid(self.show_errors())
            self._message("Not sent: " + plain("; ".join(exc.errors.values()), 500), error=True)
            return
        except DuplicateLaunch as exc:  # launched from elsewhere meanwhile: ask again
            if self.is_mounted:
                self._confirm(request, list(exc.entries))
            return
        except BudgetExhausted as exc:
            self._message("Not sent: " + plain(str(exc), 300), error=True)
            return
        except ReadOnlyProfile as exc:
            self._message("Not sent: " + plain(str(exc), 300), error=True)
            return
        except LaunchUnknown as exc:
            text = Text("The answer was lost and whether the run exists is not known yet. Do NOT launch again: "
                        "the launch journal keeps it and it is checked by listing runs. ", style="bold yellow")
            text.append(plain(exc.note, 400), style="")
            self._message(text)
            self.app.notify(exc.note, title="Launch outcome unknown", severity="warning", markup=False, timeout=30)
            self.cr_app.watching.ensure_running()  # the hub checks it again until the platform answers
            return
        except LaunchFailed as exc:
            text = describe_error(exc.error) if exc.error is not None else Text(plain(str(exc), 300))
            if exc.note:
                text.append(f"\n{plain(exc.note, 300)}", style="italic")
            self._message(text)
            self.app.notify(text.plain, title="Launch failed", severity="error", markup=False, timeout=20)
            return
        except Exception as exc:  # errors are views
            self._message(describe_error(exc))
            return
        finally:
            self._sending = False
            self.refresh_budget()
        self.launched(outcome)

    def launched(self, outcome: Any) -> None:
        hub = self.cr_app.watching
        hub.launched(outcome)
        note = " (the answer was lost; found by listing, not posted again)" if outcome.recovered else ""
        self.app.notify(f"{outcome.name}\n{outcome.object_id}{note}\nWatching it on the Runs board (b).",
                    title="Launched", markup=False, timeout=10)
        if not self.is_mounted or self.app.screen is not self:
            return  # the operator moved on while it was sent: the toast and the board say it all
        from .board import RunsBoardScreen

        app = self.app
        sessions = self.cr_app.sessions
        key = (outcome.profile, "flow_run" if outcome.kind in ("flow_run", "flow_replay") else outcome.kind,
               outcome.object_id)

        async def show_board() -> None:
            await app.pop_screen()
            await app.push_screen(RunsBoardScreen(sessions, select=key))

        app.call_later(show_board)


__all__ = ["DateInput", "FieldValidator", "LaunchPlan", "LaunchScreen", "is_select"]
