"""A flow's node exports (issue 20.3): the Exports tab of a flow, ``n`` to create export jobs for a
question node, ``p`` to pause or resume a node's exports — the same form and confirmation as a clean
room's export jobs (:mod:`.exports`), on ``…/cleanroom-flows/{id}/nodes/exports``.

The tab lists each question node's export jobs and, per job, its latest run (``…/nodes/exports/runs``:
a status read charged to the flow).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text

from ...core import exports as ex
from ...core import liveramp as lr
from ...core.sanitize import plain
from ..text import DASH, safe, state_text, status_text, when
from ..widgets.resource_table import Col, Row
from ..widgets.table_pane import TablePane

COLUMNS = (
    Col("node", "Node"), Col("name", "Export job"), Col("destination", "Destination"), Col("status", "Status"),
    Col("last_run", "Last run"), Col("run_status", "Latest run"), Col("error", "Error"),
)


@dataclass(frozen=True)
class NodeChoice:
    """A question node, as the export form lists it."""

    id: str
    display_id: str
    name: str


def question_nodes(screen: Any) -> list[NodeChoice]:
    definition = screen.flow.flow if screen.flow is not None else None
    if definition is not None and definition.nodes:
        return [NodeChoice(n.id, n.label, n.title) for n in definition.nodes
                if n.cleanroom_question_id or str(n.node_type or "").upper() in ("", "QUESTION")]
    return [NodeChoice(d.node_id or d.node_identifier, d.node_identifier, d.title)
            for d in screen._details.values() if d.node_id or d.node_identifier]


def pane(screen: Any) -> TablePane:
    return screen.query_one("#flow-exports-pane", TablePane)


async def load(screen: Any) -> None:
    table = pane(screen)
    if screen.flow is None:
        await screen.fetch("flow", lr.flow(screen.room_id, screen.target.id), paint=screen._paint_flow)
    nodes = question_nodes(screen)
    if not nodes:
        table.set_title("Node exports · this flow has no question node")
        return
    labels = {n.id: n.display_id for n in nodes}
    ids = [n.id for n in nodes]
    latest: dict[str, Any] = {}
    found: list[tuple[str, Any]] = []

    def paint() -> None:
        rows = []
        for node_id, job in found:
            run = latest.get(job.id)
            rows.append(Row(key=job.id, cells=(
                safe(labels.get(node_id, node_id), 20), safe(job.name, 60), safe(job.partner_account_name, 40),
                state_text(job.status), when(job.last_run_time),
                status_text("liveramp", run.status) if run is not None else Text(DASH, style="dim"),
                safe(run.error_message, 200, style="red") if run is not None and run.error_message else Text(DASH)),
                copy_id=job.id, payload=(node_id, job)))
        table.table.set_rows(rows)
        table.set_title(f"Node exports · {len(rows)} jobs on {len(nodes)} question nodes · n new · p pause/resume")

    def paint_jobs(answer: list[Any]) -> None:
        found[:] = [(n.node_id, j) for n in answer for j in n.jobs]
        paint()

    def paint_runs(answer: list[Any]) -> None:
        for node in answer:
            for run in sorted(node.job_runs, key=lambda r: (r.submit_time is not None, r.submit_time)):
                if run.job_id:
                    latest[run.job_id] = run
        paint()

    jobs = await screen.fetch("node-exports", ex.node_exports_of(screen.room_id, screen.target.id, ids),
                              paint=paint_jobs, state=table.state, what="node export jobs")
    if jobs:
        await screen.fetch("node-export-runs", ex.node_runs(screen.room_id, screen.target.id, ids),
                           paint=paint_runs, state=table.state, what="node export runs")


def new(screen: Any) -> None:
    """``n``: export jobs for a question node, to the room's destinations."""
    from ..widgets.load_state import describe_error
    from .exports import ExportChoice, ExportForm, confirm_export_write, refused

    session = screen.session
    if refused(screen, session):
        return
    room = screen.target.path[0]
    nodes = question_nodes(screen)
    if not nodes:
        screen.notify("This flow has no question node to export (open the Node graph first).", markup=False)
        return

    async def open_form() -> None:
        try:
            destinations = (await session.load(lr.destinations_of(room.id))).value.partner_accounts
        except Exception as exc:
            screen.notify(describe_error(exc).plain, title="Could not list destinations", severity="error",
                          markup=False)
            return

        def chosen(choice: ExportChoice | None) -> None:
            if choice is None:
                return
            node = choice.question
            path_id = lr.flow_path_id(session, screen.target.id)
            names = ", ".join(plain(d.partner_account.name, 40) for d in choice.destinations)
            confirm_export_write(
                screen, session, ex.new_node_exports(room.id, screen.target.id, path_id, node.id,
                                                        choice.destinations, choice.parameters),
                title="Create node export jobs",
                objects=[("Node", f'{node.display_id} "{node.name}" ({node.id})'), ("To", names),
                         ("Flow", f'{screen.target.label} ({screen.target.id})')],
                done=f"Export jobs created for {node.display_id} → {names}.", confirm_label="Create exports",
                on_done=lambda: screen.load_tab("exports"))

        screen.app.push_screen(ExportForm(room, nodes, destinations, what="Flow node"), chosen)

    screen.run_worker(open_form(), group="export-form", exclusive=True, exit_on_error=False)


def toggle(screen: Any) -> None:
    """``p``: pause every export job of the selected job's node, or resume them."""
    from .exports import confirm_export_write

    row = pane(screen).table.selected
    if row is None:
        screen.notify("Select a node export job first (Exports tab).", markup=False)
        return
    node_id, job = row.payload
    resume = str(job.status).upper() == "PAUSED"
    status = "ACTIVE" if resume else "PAUSED"
    path_id = lr.flow_path_id(screen.session, screen.target.id)
    confirm_export_write(
        screen, screen.session, ex.node_exports_status(screen.room_id, screen.target.id, path_id, [node_id],
                                                          status),
        title="Resume node exports" if resume else "Pause node exports",
        objects=[("Node", node_id), ("Job", f'"{job.name}" ({job.id}) and every other export job of this node')],
        done=f"{'Resumed' if resume else 'Paused'} the exports of node {plain(node_id, 40)}.",
        confirm_label="Resume" if resume else "Pause", on_done=lambda: screen.load_tab("exports"))


__all__ = ["COLUMNS", "NodeChoice", "load", "new", "question_nodes", "toggle"]
