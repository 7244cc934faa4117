"""A flow run: status and timings, the node graph with each node's run status, a node's report
(paged like question results) and the parameters each node ran with."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static, Tree

from ...core import liveramp as lr
from ...core.sanitize import plain
from ...core.session import Session
from ...core.watch import FLOW_RUN
from ..bindings import bindings
from ..jump_index import Target
from ..text import duration, duration_seconds, multiline, safe, status_text, when
from ..watching import RunStatus
from ..widgets.details import Details
from ..widgets.flow_tree import FlowTree, GraphNode, edges_to_parents
from ..widgets.load_state import LoadState
from ..widgets.resource_table import Col, Row
from ..widgets.results_pane import ResultsPane
from ..widgets.table_pane import TablePane
from .tabbed import TabbedScreen

PARAM_COLUMNS = (Col("node", "Node"), Col("name", "Parameter"), Col("value", "Value"), Col("kind", "Kind"))



class FlowRunScreen(TabbedScreen):
    TABS = (("nodes", "Nodes"), ("report", "Node report"), ("parameters", "Parameters"))
    BINDINGS = bindings("load-all", "run-again", "resume-flow-run", "replay-flow-run", "watch-run")

    def __init__(self, session: Session, target: Target) -> None:
        super().__init__(session)
        self.target = target
        self.run: Any = None
        self.outputs: list[Any] = []
        self.report_node: Any = None

    @property
    def room_id(self) -> str:
        return self.target.path[0].id if self.target.path else ""

    @property
    def flow_id(self) -> str:
        return self.target.path[1].id if len(self.target.path) > 1 else ""

    def crumb(self) -> Text:
        return Text("flow run " + plain(self.target.name, 50))

    def compose_top(self) -> ComposeResult:
        yield LoadState(id="flow-run-state")
        yield Details(id="flow-run-summary")

    def build_tab(self, pane_id: str) -> Iterable[Widget]:
        if pane_id == "nodes":
            return [LoadState(id="nodes-state"), FlowTree(self.target.name, id="run-tree")]
        if pane_id == "report":
            return [Static(Text("Select a node in the Nodes tab (Enter) to see its report.", style="dim"),
                           id="report-title", classes="pane-title"),
                    ResultsPane(title="node report", id="report-pane")]
        if pane_id == "parameters":
            return [TablePane("Parameters per node", PARAM_COLUMNS, table_title="flow run parameters",
                              id="flow-params-pane")]
        return []

    def load_top(self) -> None:
        self.start("flow-run", self._load_run())

    def load_tab(self, pane_id: str) -> None:
        if pane_id == "nodes":
            self.start("nodes", self._load_nodes())
        elif pane_id == "report" and self.report_node is not None:
            self.start("report", self._load_report(self.report_node))
        elif pane_id == "parameters" and self.run is not None:
            self._paint_parameters()

    # ------------------------------------------------------------------ run
    async def _load_run(self) -> None:
        await self.fetch("flow-run", lr.flow_run(self.room_id, self.target.id), paint=self._paint_run,
                         state=self.query_one("#flow-run-state", LoadState),
                         what="flow run")

    def _paint_run(self, run: Any) -> None:
        self.run = run
        flow = self.target.path[1] if len(self.target.path) > 1 else None
        self.query_one("#flow-run-summary", Details).show([
            ("Status", status_text("liveramp", run.status)),
            ("Run", Text.assemble(safe(run.name, 80), "  ", safe(run.id, 60, style="dim"))),
            ("Flow", safe(flow.label if flow else None, 100)),
            ("Timings", Text.assemble(
                "submitted ", when(run.submitted_at), " · started ", when(run.executed_at),
                " · completed ", when(run.completed_at), " · ran ",
                duration(duration_seconds(run.executed_at, run.completed_at)))),
            ("Message", multiline(run.run_message, 400)),
        ])
        if "parameters" in self._built:
            self._paint_parameters()
        self.refresh_bindings()  # resume (u) only shows for a PAUSED run

    def _paint_parameters(self) -> None:
        pane = self.query_one("#flow-params-pane", TablePane)
        labels = {o.node.id: o.node.label for o in self.outputs}
        rows = []
        for node in self.run.flow_run_parameters:
            for name, value in node.parameters.items():
                rows.append(Row(key=f"{node.node_id}:{name}", cells=(
                    safe(labels.get(node.node_id, node.node_id), 40), safe(name, 60), safe(value.value, 100),
                    safe(value.parameter_type, 30)), copy_id=value.value))
        pane.table.set_rows(rows)
        pane.set_title(f"Parameters per node · {len(rows)}")

    # ------------------------------------------------------------------ nodes
    async def _load_nodes(self) -> None:
        state = self.query_one("#nodes-state", LoadState)
        # edges come from the flow definition (usually cached by the flow screen)
        flow = self.session.cached(lr.flow(self.room_id, self.flow_id))
        if flow is None and self.flow_id:
            try:
                flow = await self.session.load(lr.flow(self.room_id, self.flow_id))
            except Exception:
                flow = None  # the tree then groups nodes by level
        edges = flow.value.flow.edges if flow is not None and flow.value.flow else []
        outputs = await self.fetch("nodes", lr.flow_run_outputs(self.room_id, self.target.id),
                                   paint=lambda outs: self._paint_nodes(outs, edges), state=state,
                                   what="nodes")
        if outputs and self.report_node is None:
            done = next((o for o in outputs if o.run_status == "COMPLETED"), None)
            if done is not None:
                self.report_node = done

    def _paint_nodes(self, outputs: list[Any], edges: list[Any]) -> None:
        self.outputs = outputs
        nodes = [GraphNode(id=o.node.id, label=o.node.label, title=o.node.title, level=o.node.level,
                           status=o.run_status, run_status=True, payload=o) for o in outputs]
        edges_to_parents(nodes, edges)
        self.query_one("#run-tree", FlowTree).show_graph(self.target.label, nodes)
        if "parameters" in self._built:
            self._paint_parameters()

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        data = event.node.data
        if isinstance(data, GraphNode) and data.payload is not None:
            self.report_node = data.payload
            self.show_tab("report")
            if "report" in self._built:
                self.start("report", self._load_report(data.payload))

    # ------------------------------------------------------------------ report
    async def _load_report(self, output: Any) -> None:
        title = self.query_one("#report-title", Static)
        pane = self.query_one("#report-pane", ResultsPane)
        label = Text.assemble("Report of ", (plain(output.node.label or output.node.id, 40), "bold"), " ",
                              plain(output.node.title, 60), "  ", status_text("liveramp", output.run_status))
        title.update(label)
        if output.run_status != "COMPLETED":
            pane.state.note("This node has no report until it COMPLETES.")
            return
        rid, node = self.target.id, output.node.id

        async def page(offset: int) -> Any:
            return (await self.session.load(lr.flow_run_report(self.room_id, rid, node, offset))).value

        pane.configure(page)
        pane.total, pane.loaded = None, 0
        self.forget("report")
        await self.fetch("report", lr.flow_run_report(self.room_id, rid, node), paint=pane.paint_first,
                         state=pane.state, what="report")

    def action_load_more(self) -> None:
        for pane in self.query(ResultsPane):
            pane.load_more()

    def action_export(self) -> None:
        """``e`` on a node's report: the whole report or the loaded rows (as on a run's results)."""
        panes = list(self.query(ResultsPane))
        node = self.report_node
        if not panes or panes[0].table is None or self.target_table() is not panes[0].table or node is None:
            super().action_export()
            return
        from ...core.export import slug
        from ..results_export import ResultSource, offer

        rid, nid = self.target.id, node.node.id
        offer(self, ResultSource(panes[0], stem=f"report-{slug(node.node.label or nid, 'node')}",
                                 fetch=lambda offset: self.session.call(
                                     lr.flow_run_report(self.room_id, rid, nid, offset).call)),
              super().action_export)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "load_more":
            return any(p.has_more for p in self.query(ResultsPane))
        allowed = super().check_action(action, parameters)
        if not allowed or self.run is None:
            return allowed
        status = str(self.run.status).upper()
        if action == "resume_flow_run":  # hidden unless it can apply
            return status == "PAUSED"
        if action == "watch_run":
            return status in ("QUEUED", "RUNNING")
        return allowed

    def why_not(self, action: str) -> str | None:
        status = str(self.run.status).upper() if self.run is not None else ""
        if action == "load_more":
            return "Every row of this report is loaded."
        if self.run is None:
            return "The flow run is still loading."
        if action == "resume_flow_run":
            return f"This flow run is {plain(status, 30)}: only a PAUSED flow run can be resumed."
        if action == "watch_run":
            return f"This flow run is {plain(status, 30)}: only a queued or running one can be watched."
        return None

    # ------------------------------------------------------------------ launch and watch (issue 6)
    def on_run_status(self, message: RunStatus) -> None:
        snap = message.snapshot
        if snap.object_id != self.target.id or snap.kind != FLOW_RUN or snap.raw is None:
            return
        self._paint_run(snap.raw)
        self.refresh_bindings()
        if "nodes" in self._built and not getattr(self, "_nodes_due", False):
            # one reload per burst of events (a second start would cancel the first before it ran)
            self._nodes_due = True

            def reload_nodes() -> None:
                self._nodes_due = False
                self.start("nodes", self._load_nodes())

            self.call_after_refresh(reload_nodes)

    def action_run_again(self) -> None:
        from .again import run_again

        run_again(self, self.session, self.target, self.run, kind="flow_run")

    def action_resume_flow_run(self) -> None:
        from .flow_actions import resume

        resume(self, self.session, self.target, self.run)

    def action_replay_flow_run(self) -> None:
        from .flow_actions import replay

        replay(self, self.session, self.target, self.run)

    def action_watch_run(self) -> None:
        if self.run is None:
            return
        self.cr_app.watching.watch_flow_run(self.session, self.run, cleanroom_id=self.room_id,
                                            flow_id=self.flow_id or None)
        self.notify("Watching this flow run: it is on the Runs board (b).", markup=False)
