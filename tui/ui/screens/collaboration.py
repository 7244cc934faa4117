"""An InfoSum collaboration: owner and members with their rights, insight and activation datasets
with their restrictions, destinations, and per-dataset stats (summary, keys, attributes, exports)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget

from ...core import infosum as isum
from ...core.sanitize import plain
from ...core.session import Session
from .. import writes
from ..bindings import bindings
from ..jump_index import Target
from ..text import DASH, count, join, multiline, safe, state_text, when, yes_no
from ..widgets.details import Details
from ..widgets.load_state import LoadState
from ..widgets.resource_table import Col, ResourceTable, Row
from ..widgets.table_pane import TablePane
from .tabbed import TabbedScreen

MEMBER_COLUMNS = (
    Col("name", "Company"), Col("role", "Role"), Col("contributor", "Contributor"),
    Col("logs", "Detailed logs"), Col("operator", "Operator"), Col("id", "Company id", essential=True),
)
DATASET_COLUMNS = (
    Col("name", "Dataset"), Col("kind", "Use"), Col("owner", "Owner"), Col("rows", "Rows"),
    Col("intersection", "Intersection only"), Col("attributes", "Queryable attributes"),
    Col("activation", "Activation"), Col("export", "Exportable to"), Col("dest_types", "Destination types"),
)
DESTINATION_COLUMNS = (
    Col("name", "Destination"), Col("type", "Type"), Col("owner", "Owner"), Col("created", "Created"),
    Col("id", "Id"),
)
KEY_COLUMNS = (
    Col("label", "Key"), Col("identifiers", "Identifiers"), Col("distinct_ids", "Distinct ids"),
    Col("valid", "Valid values"), Col("distinct", "Distinct values"), Col("multi", "Multi-value"),
    Col("null", "Null %"),
)
ATTRIBUTE_COLUMNS = (
    Col("label", "Attribute"), Col("type", "Value type"), Col("valid", "Valid values"),
    Col("distinct", "Distinct values"), Col("multi", "Multi-value"), Col("null", "Null %"),
    Col("common", "Most common"),
)
EXPORT_COLUMNS = (
    Col("label", "Export column"), Col("valid", "Valid values"), Col("distinct", "Distinct values"),
    Col("multi", "Multi-value"), Col("null", "Null %"),
)
STATS_DATASET_COLUMNS = (Col("name", "Dataset"), Col("owner", "Owner"), Col("id", "Dataset id", essential=True))



def _pct(value: float | None) -> Text:
    if value is None:
        return Text(DASH, style="dim")
    return Text(f"{value * 100:.1f}%", justify="right")


class CollaborationScreen(TabbedScreen):
    TABS = (("members", "Members"), ("datasets", "Datasets"), ("destinations", "Destinations"),
            ("stats", "Dataset stats"))
    BINDINGS = bindings("add-dataset", "add-destination", "remove-item", "close-collaboration",
                        "leave-collaboration", "open-log", "insight-query", "activate")

    def __init__(self, session: Session, target: Target) -> None:
        super().__init__(session)
        self.target = target
        self.collab: Any = None
        self._datasets: dict[str, Any] = {}
        self._destinations: list[Any] = []
        self._stats_dataset: str | None = None
        #: the dataset whose stats load was last started
        self._stats_loaded: str | None = None

    @property
    def cid(self) -> str:
        return self.target.id

    def crumb(self) -> Text:
        return Text(plain(self.target.label, 60))

    def compose_top(self) -> ComposeResult:
        yield LoadState(id="collab-state")
        yield Details(id="collab-summary")

    def build_tab(self, pane_id: str) -> Iterable[Widget]:
        if pane_id == "members":
            return [TablePane("Owner and members", MEMBER_COLUMNS, table_title="members", id="members-pane")]
        if pane_id == "datasets":
            return [TablePane("Datasets and their rules", DATASET_COLUMNS, table_title="collaboration datasets",
                              id="collab-datasets-pane")]
        if pane_id == "destinations":
            return [TablePane("Destinations", DESTINATION_COLUMNS, table_title="collaboration destinations",
                              id="collab-destinations-pane")]
        if pane_id == "stats":
            return [TablePane("Pick a dataset (Enter)", STATS_DATASET_COLUMNS, table_title="stats datasets",
                              id="stats-datasets-pane"),
                    VerticalScroll(
                        LoadState(id="stats-state"), Details(id="stats-summary"),
                        TablePane("Key columns", KEY_COLUMNS, table_title="key stats", id="key-stats-pane",
                                  classes="stats-table"),
                        TablePane("Attribute columns", ATTRIBUTE_COLUMNS, table_title="attribute stats",
                                  id="attribute-stats-pane", classes="stats-table"),
                        TablePane("Export columns", EXPORT_COLUMNS, table_title="export column stats",
                                  id="export-stats-pane", classes="stats-table"),
                        id="stats-scroll", classes="scroll")]
        return []

    def load_top(self) -> None:
        self.start("collaboration", self._load_collaboration())

    def load_tab(self, pane_id: str) -> None:
        if pane_id == "members" and self.collab is not None:
            self._paint_members()
        elif pane_id == "datasets":
            self.start("collab-datasets", self._load_datasets())
        elif pane_id == "destinations":
            self.start("collab-destinations", self._load_destinations())
        elif pane_id == "stats":
            if self.collab is not None:
                self._paint_stats_datasets()
            if self._stats_dataset:
                self._start_stats(self._stats_dataset)

    # ------------------------------------------------------------------ the collaboration
    async def _load_collaboration(self) -> None:
        await self.fetch("collaboration", isum.collaboration(self.cid), paint=self._paint_collaboration,
                         state=self.query_one("#collab-state", LoadState),
                         what="collaboration")

    def _company(self, company_id: str) -> str:
        if self.collab is not None:
            member = self.collab.member(company_id)
            if member is not None:
                return member.display_name or company_id
        return company_id

    def _paint_collaboration(self, collab: Any) -> None:
        self.collab = collab
        self.target = Target("collaboration", collab.id, collab.name, self.session.name)
        self.cr_app.jumps.add(self.target)
        mine = self._my_role()
        self.query_one("#collab-summary", Details).show([
            ("Name", Text.assemble(safe(collab.name, 100), "  ", safe(collab.id, 60, style="dim"))),
            ("Status", state_text(collab.status)),
            ("Owner", safe(collab.owner.display_name or collab.owner.id, 60)),
            ("You", Text(mine or "unknown", style="bold" if mine else "dim")),
            ("Activity", Text.assemble("created ", when(collab.created_date_time), " · last activity ",
                                       when(collab.last_activity_date_time))),
            ("About", multiline(collab.description, 300)),
        ])
        for pane_id in ("members", "datasets", "stats"):
            if pane_id in self._built:
                {"members": self._paint_members, "datasets": self._paint_datasets,
                 "stats": self._paint_stats_datasets}[pane_id]()
        if "stats" in self._built and self._stats_loaded is None and self._stats_dataset:
            self._start_stats(self._stats_dataset)
        self.update_chrome()
        self.refresh_bindings()

    def _my_role(self) -> str:
        me = self.session.org_id
        if self.collab is None or not me:
            return ""
        if self.collab.owner.id == me:
            return "owner"
        member = self.collab.member(me)
        if member is None:
            return ""
        return "member (" + (", ".join(member.rights.labels()) if member.rights else "no rights") + ")"

    # ------------------------------------------------------------------ members
    def _paint_members(self) -> None:
        pane = self.query_one("#members-pane", TablePane)
        collab = self.collab
        rows = []
        for member in collab.participants():
            rights = member.rights
            owner = member.id == collab.owner.id
            rows.append(Row(key=member.id, cells=(
                safe(member.display_name or member.id, 60), Text("owner", style="bold") if owner else Text("member"),
                yes_no(rights.contributor if rights else None), yes_no(rights.detailed_logs if rights else None),
                yes_no(rights.operator if rights else None), safe(member.id, 60)),
                copy_id=member.id, payload=member))
        pane.table.set_rows(rows)
        pane.set_title(f"Owner and members · {len(rows)}")

    # ------------------------------------------------------------------ datasets
    async def _load_datasets(self) -> None:
        pane = self.query_one("#collab-datasets-pane", TablePane)

        def paint(items: list[Any]) -> None:
            self._datasets = {d.id: d for d in items}
            self._paint_datasets()

        await self.fetch("collab-datasets", isum.datasets_of(self.cid), paint=paint, state=pane.state,
                         what="datasets")

    def _dataset_rows(self) -> list[tuple[str, str, Any]]:
        """(dataset id, use, permission) for every dataset, whichever endpoint added it."""
        c = self.collab
        if c is None:
            return []
        out = [(d.dataset_id, "insight + activation" if d.activation_allowed else "insight", d)
               for d in c.datasets]
        out += [(d.dataset_id, "insight", d) for d in c.insight_datasets]
        out += [(d.dataset_id, "activation", d) for d in c.activation_datasets]
        return out

    def _paint_datasets(self) -> None:
        if "datasets" not in self._built:
            return
        pane = self.query_one("#collab-datasets-pane", TablePane)
        rows = []
        for dataset_id, use, perm in self._dataset_rows():
            info = self._datasets.get(dataset_id)
            restricted = getattr(perm, "attribute_restriction", False)
            attributes = join(perm.allowed_attributes, 80) if restricted else Text("all", style="dim")
            exportable = [self._company(x) for x in getattr(perm, "exportable_to_members", [])]
            dest_types = (join(perm.allowed_destination_types, 60)
                          if getattr(perm, "destination_type_restriction", False) else Text("any", style="dim"))
            rows.append(Row(key=f"{use}:{dataset_id}", cells=(
                safe(perm.collaboration_dataset_name or dataset_id, 50), Text(use),
                safe(self._company(perm.owner_id), 40), count(info.row_count if info else None),
                yes_no(perm.intersection_only), attributes,
                yes_no(getattr(perm, "activation_allowed", use == "activation")),
                join(exportable, 60) if exportable else Text("nobody", style="dim"), dest_types),
                copy_id=dataset_id, payload=(dataset_id, perm)))
        pane.table.set_rows(rows)
        pane.set_title(f"Datasets and their rules · {len(rows)}")

    # ------------------------------------------------------------------ destinations
    async def _load_destinations(self) -> None:
        pane = self.query_one("#collab-destinations-pane", TablePane)

        def paint(items: list[Any]) -> None:
            self._destinations = items
            pane.table.set_rows(Row(key=d.id, cells=(
                safe(d.name or d.id, 60), safe(d.destination_type_id, 40), safe(self._company(d.owner_id), 40),
                when(d.created), safe(d.id, 60)), copy_id=d.id, payload=d) for d in items)
            pane.set_title(f"Destinations · {len(items)}")

        await self.fetch("collab-destinations", isum.destinations_of(self.cid), paint=paint, state=pane.state,
                         what="destinations")

    # ------------------------------------------------------------------ stats
    def _paint_stats_datasets(self) -> None:
        pane = self.query_one("#stats-datasets-pane", TablePane)
        seen: dict[str, Any] = {}
        for dataset_id, _use, perm in self._dataset_rows():
            seen.setdefault(dataset_id, perm)
        pane.table.set_rows(Row(key=did, cells=(
            safe(perm.collaboration_dataset_name or did, 50), safe(self._company(perm.owner_id), 40),
            safe(did, 60)), copy_id=did, payload=did) for did, perm in seen.items())
        pane.set_title(f"Pick a dataset (Enter) · {len(seen)}")
        if self._stats_dataset is None and seen:
            self._stats_dataset = next(iter(seen))

    def _start_stats(self, dataset_id: str) -> None:
        self._stats_dataset = self._stats_loaded = dataset_id
        self.start("stats", self._load_stats(dataset_id))

    async def _load_stats(self, dataset_id: str) -> None:
        state = self.query_one("#stats-state", LoadState)
        keys = self.query_one("#key-stats-pane", TablePane)
        attrs = self.query_one("#attribute-stats-pane", TablePane)
        exports = self.query_one("#export-stats-pane", TablePane)
        name = next((p.collaboration_dataset_name for d, _u, p in self._dataset_rows() if d == dataset_id),
                    dataset_id)
        for part in ("stats-summary", "stats-keys", "stats-attributes", "stats-exports"):
            self.forget(part)

        def summary(s: Any) -> None:
            self.query_one("#stats-summary", Details).show([
                ("Dataset", Text.assemble(safe(name, 60), "  ", safe(dataset_id, 60, style="dim"))),
                ("Rows", count(s.total_rows)), ("Key columns", count(s.key_columns)),
                ("Attribute columns", count(s.attribute_columns)), ("Export columns", count(s.export_columns)),
            ])

        def paint_keys(r: Any) -> None:
            keys.table.set_rows(Row(key=str(k.key_id or k.key_label or i), cells=(
                safe(k.key_label or k.key_id, 40), count(k.identifiers), count(k.distinct_identifiers),
                count(k.valid_values), count(k.distinct_values), yes_no(k.multi_value), _pct(k.null_fraction)),
                copy_id=str(k.key_id)) for i, k in enumerate(r.stats))
            keys.set_title(f"Key columns · {len(r.stats)}")

        def paint_attributes(r: Any) -> None:
            rows = []
            for i, a in enumerate(r.stats):
                common = ", ".join(f"{o.value} {o.frequency * 100:.0f}%" for o in a.most_common.occurrences[:3])
                rows.append(Row(key=a.representation_id or a.attribute_id or str(i), cells=(
                    safe(a.representation_label or a.representation_id, 40), safe(a.value_type, 30),
                    count(a.valid_values), count(a.distinct_values), yes_no(a.multi_value), _pct(a.null_fraction),
                    safe(common, 80)), copy_id=a.representation_id))
            attrs.table.set_rows(rows)
            # one row per representation (an age as a number and as a band): the summary's count is
            # of columns, so the title counts both and they agree
            columns = len({a.attribute_id or a.representation_id or str(i) for i, a in enumerate(r.stats)})
            attrs.set_title(f"Attribute columns · {columns}" + (
                f" · {len(rows)} representations" if columns != len(rows) else ""))

        def paint_exports(r: Any) -> None:
            exports.table.set_rows(Row(key=e.column_label or str(i), cells=(
                safe(e.column_label, 40), count(e.valid_values), count(e.distinct_values), yes_no(e.multi_values),
                _pct(e.null_fraction)), copy_id=e.column_label) for i, e in enumerate(r.stats))
            exports.set_title(f"Export columns · {len(r.stats)}")

        did = dataset_id
        await self.fetch("stats-summary", isum.summary_stats(self.cid, did), paint=summary,
                         state=state, what=f"stats of {plain(name, 40)}")
        await self.fetch("stats-keys", isum.key_stats(self.cid, did), paint=paint_keys, state=keys.state,
                         what="key stats")
        await self.fetch("stats-attributes", isum.attribute_stats(self.cid, did), paint=paint_attributes,
                         state=attrs.state, what="attribute stats")
        await self.fetch("stats-exports", isum.export_stats(self.cid, did), paint=paint_exports,
                         state=exports.state, what="export column stats")

    def on_resource_table_opened(self, event: ResourceTable.Opened) -> None:
        pane = event.table.parent
        if pane is not None and pane.id == "stats-datasets-pane":
            self._start_stats(event.row.payload)
        elif pane is not None and pane.id == "collab-datasets-pane":
            dataset_id, _perm = event.row.payload
            self._stats_dataset = dataset_id
            if "stats" in self._built:
                self._start_stats(dataset_id)
            self.show_tab("stats")

    # ------------------------------------------------------------------ writes
    def _active_tab(self) -> str:
        tabs = self._tabs()
        return tabs.active if tabs is not None else ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = super().check_action(action, parameters)
        if not allowed:
            return allowed
        active = self.collab is None or self.collab.status == "STATUS_ACTIVE"
        role = self._my_role()
        # False: never applies in this collaboration (hidden); None: not now (shown dimmed). Either
        # way the key says why when pressed (why_not)
        if action == "close_collaboration":
            return bool(active and role in ("owner", ""))
        if action == "leave_collaboration":
            return bool(active and role != "owner")
        if action in ("add_dataset", "add_destination", "insight_query", "activate"):
            return bool(active)
        if action == "remove_item":
            return (True if self._active_tab() in ("datasets", "destinations") else None) if active else False
        return allowed

    def why_not(self, action: str) -> str | None:
        status = self.collab.status.removeprefix("STATUS_").lower() if self.collab is not None else ""
        if action in ("close_collaboration", "leave_collaboration", "add_dataset", "add_destination",
                      "insight_query", "remove_item", "activate") and self.collab is not None \
                and self.collab.status != "STATUS_ACTIVE":
            return f"This collaboration is {status}: nothing in it can be changed any more."
        role = self._my_role()
        if action == "leave_collaboration" and role == "owner":
            return "You own this collaboration: an owner cannot leave it (C closes it for every member)."
        if action == "close_collaboration" and role not in ("owner", ""):
            return "Only the owner can close this collaboration; L leaves it."
        if action == "remove_item":
            return "x removes a dataset or destination: open the Datasets or Destinations tab and select one."
        return None

    def _reload_all(self) -> None:
        self.reload()

    def action_close_collaboration(self) -> None:
        writes.close_collaboration(self, self.session, self.target, on_done=self._reload_all)

    def action_leave_collaboration(self) -> None:
        writes.leave_collaboration(self, self.session, self.target, on_done=self._reload_all)

    def action_add_dataset(self) -> None:
        exclude = {d for d, _u, _p in self._dataset_rows()}
        taken = {p.collaboration_dataset_name for _d, _u, p in self._dataset_rows() if p.collaboration_dataset_name}
        writes.add_dataset(self, self.session, self.target, exclude, on_done=self._reload_all, taken=taken)

    def action_add_destination(self) -> None:
        exclude = set(self.collab.destination_ids) if self.collab is not None else set()
        writes.add_destination(self, self.session, self.target, exclude, on_done=self._reload_all)

    def action_remove_item(self) -> None:
        tab = self._active_tab()
        if tab == "datasets":
            row = self.query_one("#collab-datasets-pane", TablePane).table.selected
            if row is None:
                self.notify("Select a dataset first.", markup=False)
                return
            dataset_id, perm = row.payload
            writes.remove_dataset(self, self.session, self.target, dataset_id,
                                  perm.collaboration_dataset_name or dataset_id, on_done=self._reload_all)
        elif tab == "destinations":
            row = self.query_one("#collab-destinations-pane", TablePane).table.selected
            if row is None:
                self.notify("Select a destination first.", markup=False)
                return
            d = row.payload
            writes.remove_destination(self, self.session, self.target, d.id, d.name or d.id,
                                      on_done=self._reload_all)
        else:
            self.notify("Open the Datasets or Destinations tab and select what to remove.", markup=False)

    def action_activate(self) -> None:
        """``n``: activate a dataset to a destination of this collaboration (issue 20.3)."""
        from .activation import activate

        activate(self, self.session, self.target, self.collab)

    # ------------------------------------------------------------------ event log
    def action_open_log(self) -> None:
        target = Target("events", self.cid, self.target.name, self.session.name)
        self.app.push_screen(self.cr_app.screen_for(self.session, target))

    def action_insight_query(self) -> None:
        """Compose and run an insight query here (issue 6)."""
        if self.session.readonly:
            self.notify("Read-only mode: writes are disabled.", title="Refused", severity="warning", markup=False)
            return
        from .query import QueryScreen

        # pushed, not opened: a query not yet sent has no id to put in the jump palette
        self.app.push_screen(QueryScreen(self.session, Target("insight_query", "", "new query", self.session.name,
                                                              path=(*self.target.path, self.target))))
