"""InfoSum activation to a collaboration destination (issue 20.3).

``n`` on a collaboration opens :class:`ActivationForm`: a dataset and destination pair (every pair of
the collaboration's activation datasets and destinations, each saying whether the collaboration's
rights allow it — :mod:`tui.core.activations`), the campaign name, the activation query and the file
name. Checked before sending; the confirmation shows ``POST /api/v1/activations`` and its body; then
:class:`ActivationScreen` shows the activation's status and its pushes, and ``p`` pushes the result to
the destination (its own confirmation) once the query has completed.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from ...core import activations as acts
from ...core import infosum as isum
from ...core.sanitize import plain
from ...core.session import Session
from ..bindings import bindings
from ..jump_index import Target
from ..text import DASH, count, editable, multiline, safe, status_text, when
from ..widgets.details import Details
from ..widgets.load_state import LoadState, describe_error
from ..widgets.resource_table import Col, Row
from ..widgets.table_pane import TablePane
from .base import BaseScreen
from .exports import confirm_export_write, refused
from .review_form import ReviewFormMixin

PUSH_COLUMNS = (Col("push", "Push"), Col("status", "Status"), Col("ok", "Successful"), Col("pushed", "Pushed"),
                Col("completed", "Completed"), Col("error", "Error"))


def _pair_label(pair: acts.Pair) -> Text:
    label = Text.assemble(safe(pair.dataset, 40), " → ", safe(pair.destination.name or pair.destination.id, 50))
    if pair.why_not:
        label.append(f"  (not allowed: {pair.why_not})", style="dim italic")
    return label


class ActivationForm(ReviewFormMixin, ModalScreen["tuple[acts.Pair, str, str, str] | None"]):
    ERROR_ID = "act-error"
    DEFAULT_CSS = """
    ActivationForm { align: center middle; }
    ActivationForm > Vertical { width: 90%; max-width: 110; height: auto; max-height: 95%;
                                border: thick $primary; background: $surface; padding: 1 2; }
    ActivationForm .label { margin-top: 1; text-style: bold; }
    ActivationForm #act-error { color: $text-error; height: auto; }
    ActivationForm Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ActivationForm .fields { height: auto; max-height: 50vh; }
    ActivationForm Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, collab: Target, pairs: list[acts.Pair]) -> None:
        super().__init__()
        self.collab = collab
        self.pairs = pairs
        self._query_edited = False

    def compose(self) -> ComposeResult:
        allowed = [p for p in self.pairs if p.why_not is None]
        first = allowed[0] if allowed else None
        with Vertical():
            yield Static(Text.assemble(("Activate to a destination · ", "bold"), safe(self.collab.label, 60)))
            with VerticalScroll(classes="fields"):  # the buttons stay on screen on a small terminal
                yield Static(Text("Dataset → destination"), classes="label")
                yield Select([(_pair_label(p), p.key) for p in self.pairs], id="act-pair",
                             prompt="Choose what to activate, and where to",
                             value=first.key if first is not None else Select.NULL)
                yield Static(Text("Campaign name"), classes="label")
                yield Input(placeholder="spring_audience", id="act-campaign")
                yield Static(Text("Activation query (IQL)"), classes="label")
                yield Input(value=editable(acts.IQL_DEFAULT.format(name=plain(first.dataset, 40))) if first else "",
                            id="act-query")
                yield Static(Text("File name at the destination"), classes="label")
                yield Input(value="activation.csv", id="act-file")
            yield Static(Text(""), id="act-error")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Review", id="review", variant="primary")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "act-query" and event.input.has_focus:
            self._query_edited = True

    def on_select_changed(self, event: Select.Changed) -> None:
        pair = next((p for p in self.pairs if p.key == event.value), None)
        if pair is not None and not self._query_edited:
            self.query_one("#act-query", Input).value = editable(acts.IQL_DEFAULT.format(name=plain(pair.dataset, 40)))

    def problem(self) -> tuple[Any, str | None]:
        key = self.query_one("#act-pair", Select).value
        pair = next((p for p in self.pairs if p.key == key), None)
        if pair is None:
            return None, ("Choose a dataset and destination." if self.pairs else
                          "This collaboration has no activation dataset and destination to pair.")
        if pair.why_not:
            return None, f"Not allowed here: {pair.why_not}."
        campaign = self.query_one("#act-campaign", Input).value.strip()
        query = self.query_one("#act-query", Input).value.strip()
        filename = self.query_one("#act-file", Input).value.strip()
        why = acts.check(campaign, query, filename)
        return (None, why) if why else ((pair, campaign, query, filename), None)



def activate(screen: Any, session: Session, collab_target: Target, collab: Any) -> None:
    """``n`` on a collaboration: the pairs (destinations read cache first), the form, the confirmation."""
    if refused(screen, session):
        return
    if collab is None:
        screen.notify("The collaboration is still loading.", markup=False)
        return

    async def open_form() -> None:
        try:
            cached = session.cached(isum.destinations_of(collab.id))
            destinations = cached.value if cached is not None else \
                (await session.load(isum.destinations_of(collab.id))).value
        except Exception as exc:
            screen.notify(describe_error(exc).plain, title="Could not list destinations", severity="error",
                          markup=False)
            return
        if not session.org_id:  # whose rights apply: the API key's company
            from ..identity import identify

            await identify(session)
        pairs = acts.pairs(collab, destinations, session.org_id)

        def chosen(choice: Any) -> None:
            if choice is None:
                return
            pair, campaign, query, filename = choice
            dest = pair.destination

            def created(answer: Any) -> None:
                ids = getattr(answer, "job_ids", None) or []
                if ids:
                    screen.app.push_screen(ActivationScreen(session, collab_target, ids[0], dest, filename))

            then = acts.push("{id}", dest, filename)  # the push that follows, described by the service
            confirm_export_write(
                screen, session, acts.create(collab.id, campaign, query), title="Run activation query",
                objects=[("Collab.", f'"{collab.name}" ({collab.id})'), ("Dataset", pair.dataset),
                         ("Then", f'{then.method} {then.path} {then.body_text} to "{dest.name}", '
                                  "once it has completed (p, confirmed again)")],
                done=f"Activation {campaign} queued.", confirm_label="Run activation", on_answer=created)

        screen.app.push_screen(ActivationForm(collab_target, pairs), chosen)

    screen.run_worker(open_form(), group="activation-form", exclusive=True, exit_on_error=False)


class ActivationScreen(BaseScreen):
    """One activation: its status, and its pushes to destinations."""

    BINDINGS = bindings("push-activation")

    def __init__(self, session: Session, collab: Target, activation_id: str, destination: Any,
                 filename: str) -> None:
        super().__init__(session)
        self.collab = collab
        self.activation_id = activation_id
        self.destination = destination
        self.filename = filename
        self.activation: Any = None

    def crumb(self) -> Text:
        return Text("activation " + plain(self.activation_id, 20))

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="body"):
            yield LoadState(id="act-state")
            yield Details(id="act-summary")
            yield TablePane("Pushes", PUSH_COLUMNS, table_title="activation pushes", id="act-pushes-pane")

    def initial_load(self) -> None:
        self.reload()
        # the query takes a minute or two: look again every 5 s until it and its pushes are done
        self.set_interval(5, self._poll)

    def _poll(self) -> None:
        a = self.activation
        busy = a is None or not a.done or any(p.status != "PUSH_COMPLETED" for p in a.pushes)
        if busy:
            self.reload()

    def reload(self) -> None:
        self.start("activation", self._load())

    async def _load(self) -> None:
        await self.fetch("activation", acts.activation(self.activation_id), paint=self._show,
                         state=self.query_one("#act-state", LoadState), what="activation")

    def _show(self, a: Any) -> None:
        self.activation = a
        s = a.summary
        outcome = Text(DASH, style="dim")
        if a.done:
            outcome = Text("successful", style="green") if s.query_successful else \
                Text.assemble(("failed", "bold red"), " ", safe(a.query_error, 300))
        self.query_one("#act-summary", Details).show([
            ("Activation", Text.assemble(safe(s.campaign_name, 80), "  ", safe(self.activation_id, 60, style="dim"))),
            ("Status", Text.assemble(status_text("infosum", s.status), "  ", outcome)),
            ("Rows", count(s.total_rows) if a.done else Text(DASH, style="dim")),
            ("Submitted", when(s.submitted_at)),
            ("Destination", Text.assemble(safe(self.destination.name, 60), "  ", safe(self.destination.id, 60,
                                                                                         style="dim"))),
            ("File", safe(self.filename, 200)),
            ("Query", multiline(a.query_string, 600)),
        ])
        pane = self.query_one("#act-pushes-pane", TablePane)
        pane.table.set_rows(Row(key=p.push_id or str(i), cells=(
            safe(p.push_id, 40), status_text("infosum", p.status),
            Text("yes" if p.push_successful else ("no" if p.status == "PUSH_COMPLETED" else DASH)),
            when(p.pushed_at), when(p.completed_at),
            safe(p.push_error, 200, style="red") if p.push_error else Text(DASH)), copy_id=p.push_id, payload=p)
            for i, p in enumerate(a.pushes))
        pane.set_title(f"Pushes · {len(a.pushes)}" + ("" if a.pushes else " · p pushes the result once the "
                                                      "query has completed"))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "push_activation" and super().check_action(action, parameters):
            a = self.activation
            return True if a is not None and a.done and a.summary.query_successful else None
        return super().check_action(action, parameters)

    def why_not(self, action: str) -> str | None:
        if action == "push_activation":
            return "The activation query has not completed successfully yet: p pushes its result once it has."
        return None

    def action_push_activation(self) -> None:
        dest = self.destination
        confirm_export_write(
            self, self.session, acts.push(self.activation_id, dest, self.filename), title="Push activation",
            objects=[("Dest.", f'"{dest.name}" ({dest.id})'), ("File", self.filename)],
            done=f"Pushed to {plain(dest.name, 60)}.", confirm_label="Push", on_done=self.reload)


__all__ = ["ActivationForm", "ActivationScreen", "activate"]
