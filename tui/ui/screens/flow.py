"""A flow: its node graph (each node's question and status) and its runs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget

from ...core import liveramp as lr
from ...core.sanitize import plain
from ...core.session import Session
from ..bindings import bindings
from ..jump_index import Target
from ..text import count, duration, duration_seconds, multiline, safe, state_text, status_text, when
from ..widgets.details import Details
from ..widgets.flow_tree import FlowTree, GraphNode, edges_to_parents
from ..widgets.load_state import LoadState
from ..widgets.resource_table import Col, ResourceTable, Row
from ..widgets.table_pane import TablePane
from .tabbed import TabbedScreen

RUN_COLUMNS = (
    Col("name", "Flow run"), Col("status", "Status"), Col("submitted", "Submitted"),
    Col("duration", "Duration"), Col("message", "Message"),
)



def flow_run_target(session: Session, flow: Target, run: Any) -> Target:
    return Target("flow_run", run.id, run.name or run.id, session.name, path=(*flow.path, flow))


class FlowScreen(TabbedScreen):
    TABS = (("graph", "Node graph"), ("runs", "Runs"), ("exports", "Exports"))
    BINDINGS = bindings("launch", "new-export", "pause-export")

    def __init__(self, session: Session, target: Target) -> None:
        super().__init__(session)
        self.target = target
        self.flow: Any = None
        self._details: dict[str, Any] = {}

    @property
    def room_id(self) -> str:
        return self.target.path[0].id if self.target.path else ""

    def crumb(self) -> Text:
        return Text(plain(self.target.label, 60))

    def compose_top(self) -> ComposeResult:
        yield LoadState(id="flow-state")
        yield Details(id="flow-summary")

    def build_tab(self, pane_id: str) -> Iterable[Widget]:
        if pane_id == "graph":
            return [LoadState(id="graph-state"), FlowTree(self.target.name, id="flow-tree")]
        if pane_id == "runs":
            return [TablePane("Flow runs", RUN_COLUMNS, table_title="flow runs", id="flow-runs-pane")]
        if pane_id == "exports":  # issue 20.3: node exports
            from .flow_exports import COLUMNS

            return [TablePane("Node exports", COLUMNS, table_title="node exports", id="flow-exports-pane")]
        return []

    def load_top(self) -> None:
        self.start("flow", self._load_flow())

    def load_tab(self, pane_id: str) -> None:
        if pane_id == "graph":
            self.start("graph", self._load_graph())
        elif pane_id == "runs":
            self.start("flow-runs", self._load_runs())
        elif pane_id == "exports":
            from . import flow_exports

            self.start("node-exports", flow_exports.load(self))

    # ------------------------------------------------------------------ flow
    async def _load_flow(self) -> None:
        await self.fetch("flow", lr.flow(self.room_id, self.target.id), paint=self._paint_flow,
                         state=self.query_one("#flow-state", LoadState),
                         what="flow")

    def _paint_flow(self, flow: Any) -> None:
        self.flow = flow
        d = flow.flow
        self.query_one("#flow-summary", Details).show([
            ("Flow", Text.assemble(safe(flow.name, 100), "  ", safe(flow.display_id), "  ",
                                   safe(flow.id, 60, style="dim"))),
            ("Status", Text.assemble(state_text(flow.status), "  stage ", safe(flow.stage, 30),
                                     "  version ", count(flow.flow_version))),
            ("Runs", count(flow.run_count)),
            ("Description", multiline(d.description if d else None, 400)),
        ])
        if "graph" in self._built:
            self._paint_graph()

    # ------------------------------------------------------------------ graph
    async def _load_graph(self) -> None:
        state = self.query_one("#graph-state", LoadState)

        def paint(details: list[Any]) -> None:
            self._details = {d.node_id or d.node_identifier: d for d in details}
            self._paint_graph()

        await self.fetch("graph", lr.flow_nodes(self.room_id, self.target.id), paint=paint, state=state,
                         what="node graph")

    def _paint_graph(self) -> None:
        tree = self.query_one("#flow-tree", FlowTree)
        definition = self.flow.flow if self.flow is not None else None
        nodes: list[GraphNode] = []
        if definition is not None and definition.nodes:
            for n in definition.nodes:
                detail = self._details.get(n.id) or self._details.get(n.label)
                nodes.append(GraphNode(id=n.id, label=n.label, title=n.title or (detail.title if detail else ""),
                                       level=n.level, status=detail.status if detail else "", payload=n))
            edges_to_parents(nodes, definition.edges)
        else:
            for key, d in self._details.items():
                nodes.append(GraphNode(id=key, label=d.node_identifier, title=d.title, level=d.node_level,
                                       status=d.status, payload=d))
        tree.show_graph(self.target.label, nodes)

    # ------------------------------------------------------------------ runs
    async def _load_runs(self) -> None:
        pane = self.query_one("#flow-runs-pane", TablePane)

        def paint(answer: Any) -> None:
            now = self.session.now()
            runs = answer.clean_room_flow_runs
            rows = []
            for r in runs:
                self.cr_app.jumps.add(flow_run_target(self.session, self.target, r))
                end = r.completed_at or (now if r.status in ("RUNNING", "QUEUED") else None)
                seconds = duration_seconds(r.executed_at or r.submitted_at, end)
                rows.append(Row(key=r.id, cells=(
                    safe(r.name or r.id, 50), status_text("liveramp", r.status), when(r.submitted_at),
                    duration(seconds), safe(r.run_message, 120)), copy_id=r.id, payload=r,
                    sort_values={"duration": seconds}))
            pane.table.set_rows(rows)
            pane.set_title(f"Flow runs · {len(runs)}")

        await self.fetch("flow-runs", lr.flow_runs_of(self.room_id, self.target.id), paint=paint,
                         state=pane.state, what="flow runs")

    def on_resource_table_opened(self, event: ResourceTable.Opened) -> None:
        if event.table.parent is not None and event.table.parent.id == "flow-exports-pane":
            return
        self.cr_app.open(self.session, flow_run_target(self.session, self.target, event.row.payload))

    # ------------------------------------------------------------------ node exports (issue 20.3)
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = super().check_action(action, parameters)
        if allowed and action in ("new_export", "toggle_export"):
            tabs = self._tabs()
            return True if tabs is not None and tabs.active == "exports" else None
        return allowed

    def why_not(self, action: str) -> str | None:
        if action in ("new_export", "toggle_export"):
            return "n and p work on node exports: open the Exports tab (] moves there)."
        return None

    def action_new_export(self) -> None:
        from . import flow_exports

        flow_exports.new(self)

    def action_toggle_export(self) -> None:
        from . import flow_exports

        flow_exports.toggle(self)

    # ------------------------------------------------------------------ launch (issue 6)
    def action_launch(self) -> None:
        from .again import launch_flow

        launch_flow(self, self.session, self.target, self.room_id)
