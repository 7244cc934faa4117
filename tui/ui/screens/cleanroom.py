"""A LiveRamp clean room: overview, partners & users, datasets, questions, flows, exports and
destinations, schedules — each tab built and loaded when first shown."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget

from ...core import liveramp as lr
from ...core.sanitize import plain
from ...core.session import Session
from .. import writes
from ..bindings import bindings
from ..jump_index import Target
from ..text import count, join, multiline, safe, state_text, status_text, when
from ..widgets.details import Details
from ..widgets.load_state import LoadState
from ..widgets.resource_table import Col, ResourceTable, Row
from ..widgets.table_pane import TablePane
from .tabbed import TabbedScreen

QUESTION_COLUMNS = (
    Col("display_id", "Id"), Col("name", "Question"), Col("type", "Type"), Col("category", "Category"),
    Col("status", "Status"), Col("last_run", "Last run"), Col("last_status", "Run status"),
)
PARTNER_COLUMNS = (Col("name", "Partner"), Col("users", "Users"), Col("org", "Organization id"))
USER_COLUMNS = (Col("org", "Organization"), Col("name", "User"), Col("email", "Email"), Col("role", "Role"))
DATASET_COLUMNS = (
    Col("name", "Dataset"), Col("org", "Owner"), Col("type", "Connection"), Col("stage", "Stage"),
    Col("status", "Configuration"), Col("fields", "Fields"), Col("view", "View"),
)
FLOW_COLUMNS = (
    Col("display_id", "Id"), Col("name", "Flow"), Col("status", "Status"), Col("stage", "Stage"),
    Col("runs", "Runs"), Col("version", "Version"), Col("updated", "Updated"),
)
EXPORT_COLUMNS = (
    Col("name", "Export job"), Col("question", "Question"), Col("destination", "Destination"),
    Col("status", "Status"), Col("last_run", "Last run"),
)
DESTINATION_COLUMNS = (
    Col("name", "Destination"), Col("platform", "Platform"), Col("ownership", "Ownership"),
    Col("channel", "Channel"), Col("activation", "Used for activation"),
)
SCHEDULE_COLUMNS = (
    Col("question", "Question"), Col("name", "Schedule"), Col("frequency", "Repeats"),
    Col("active", "Active"), Col("start", "Starts"), Col("end", "Ends"),
)



def question_target(session: Session, room: Target, q: Any) -> Target:
    return Target("question", q.id, q.name, session.name, q.display_id, path=(room,))


def flow_target(session: Session, room: Target, flow: Any) -> Target:
    return Target("flow", flow.id, flow.name or flow.display_id, session.name, flow.display_id,
                  path=(room,))


class CleanRoomScreen(TabbedScreen):
    TABS = (
        # short labels: all seven fit on an 80-column terminal; each pane's title says the rest
        ("overview", "Overview"), ("partners", "Partners"), ("datasets", "Datasets"),
        ("questions", "Questions"), ("flows", "Flows"), ("exports", "Exports"),
        ("schedules", "Schedules"),
    )
    BINDINGS = bindings("delete-question", "change-role", "open-timeline", "new-export", "pause-export")

    def __init__(self, session: Session, target: Target) -> None:
        super().__init__(session)
        self.target = target
        self.room: Any = None
        self.questions: list[Any] = []
        self._types: dict[str, str] = {}
        self._partners: list[Any] = []
        self._users: list[Any] | None = None
        self._last_runs: dict[str, Any] = {}

    def crumb(self) -> Text:
        return Text(plain(self.target.label, 60))

    # ------------------------------------------------------------------ tabs
    def build_tab(self, pane_id: str) -> Iterable[Widget]:
        if pane_id == "overview":
            return [VerticalScroll(LoadState(id="overview-state"), Details(id="overview-details"),
                                   classes="scroll")]
        if pane_id == "partners":
            return [TablePane("Partners", PARTNER_COLUMNS, table_title="partners", id="partners-pane",
                              classes="half"),
                    TablePane("Users and roles", USER_COLUMNS, table_title="room users", id="users-pane",
                              classes="half")]
        if pane_id == "datasets":
            return [TablePane("Datasets", DATASET_COLUMNS, table_title="room datasets", id="datasets-pane")]
        if pane_id == "questions":
            return [TablePane("Questions", QUESTION_COLUMNS, table_title="questions", id="questions-pane")]
        if pane_id == "flows":
            return [TablePane("Flows", FLOW_COLUMNS, table_title="flows", id="flows-pane")]
        if pane_id == "exports":
            return [TablePane("Export jobs", EXPORT_COLUMNS, table_title="export jobs", id="exports-pane",
                              classes="half"),
                    TablePane("Destinations", DESTINATION_COLUMNS, table_title="destinations",
                              id="destinations-pane", classes="half")]
        if pane_id == "schedules":
            return [TablePane("Schedules of this room's questions", SCHEDULE_COLUMNS,
                              table_title="schedules", id="schedules-pane")]
        return []

    def load_tab(self, pane_id: str) -> None:
        loader = {
            "overview": self._load_overview, "partners": self._load_partners,
            "datasets": self._load_datasets, "questions": self._load_questions,
            "flows": self._load_flows, "exports": self._load_exports, "schedules": self._load_schedules,
        }.get(pane_id)
        if loader is not None:
            self.start(pane_id, loader())

    @property
    def rid(self) -> str:
        return self.target.id

    # ------------------------------------------------------------------ overview
    async def _load_overview(self) -> None:
        state = self.query_one("#overview-state", LoadState)
        cached_types = self.session.cached(lr.room_types())
        if cached_types is not None:
            self._types = {t.id: t.display_name or t.name for t in cached_types.value}
        await self.fetch("overview", lr.room(self.rid), paint=self._paint_overview, state=state,
                         what="clean room")
        if not self._types:
            await self.fetch("types", lr.room_types(), paint=self._paint_types)

    def _paint_types(self, types: list[Any]) -> None:
        self._types = {t.id: t.display_name or t.name for t in types}
        if self.room is not None:
            self._paint_overview(self.room)

    def _paint_overview(self, room: Any) -> None:
        self.room = room
        self.target = Target("room", room.id, room.name, self.session.name, room.display_id)
        self.cr_app.jumps.add(self.target)
        audit = room.time_audit
        pairs = [
            ("Name", safe(room.name, 200)),
            ("Id", Text.assemble(safe(room.display_id), "  ", safe(room.id, 60, style="dim"))),
            ("Type", safe(self._types.get(room.clean_room_type_id or "", room.clean_room_type_id))),
            ("Status", state_text(room.status)),
            ("Owner", safe(room.owner_organization)),
            ("Partners", join(room.partners, 400)),
            ("Questions", count(room.questions_count)),
            ("Starts", safe(room.start_at.isoformat() if room.start_at else None)),
            ("Ends", safe(room.end_at.isoformat() if room.end_at else None)),
            ("Created", when(audit.created_at if audit else None)),
            ("Updated", when(audit.updated_at if audit else None)),
            ("Description", multiline(room.description)),
        ]
        for key, value in sorted(room.clean_room_parameters.items()):
            pairs.append((f"  {plain(key, 40)}", safe(value, 200)))
        self.query_one("#overview-details", Details).show(pairs)
        self.update_chrome()

    # ------------------------------------------------------------------ partners and users
    async def _load_partners(self) -> None:
        partners = self.query_one("#partners-pane", TablePane)
        users = self.query_one("#users-pane", TablePane)
        await self.fetch("partners", lr.partners_of(self.rid),
                         paint=lambda items: self._paint_partners(partners, users, items),
                         state=partners.state, what="partners")
        await self.fetch("users", lr.users_of(self.rid),
                         paint=lambda items: self._paint_users(users, items), state=users.state,
                         what="users")

    def _paint_partners(self, pane: TablePane, users: TablePane, partners: list[Any]) -> None:
        self._partners = partners
        pane.table.set_rows(Row(
            key=p.id, cells=(safe(p.name, 60), count(p.user_count), safe(p.partner_organization_id, 40)),
            copy_id=p.partner_organization_id or p.id, payload=p) for p in partners)
        pane.set_title(f"Partners · {len(partners)}")
        if self._users is not None:
            self._paint_users(users, self._users)

    def _paint_users(self, pane: TablePane, users: list[Any]) -> None:
        self._users = users
        owner = self.room.owner_organization if self.room is not None else ""
        # a user listed under a partner belongs to that partner's organization
        partner_of: dict[str, Any] = {}
        for p in self._partners:
            for u in p.clean_room_users:
                partner_of[u.id] = (p, u)
        rows = []
        seen: set[str] = set()
        for u in users:
            seen.add(u.id)
            partner = partner_of.get(u.id, (None, None))[0]
            rows.append(self._user_row(u, partner.name if partner else owner, partner))
        for uid, (p, u) in partner_of.items():
            if uid not in seen:
                rows.append(self._user_row(u, p.name, p))
        pane.table.set_rows(rows)
        pane.set_title(f"Users and roles · {len(rows)}")

    @staticmethod
    def _user_row(u: Any, org: str, partner: Any) -> Row:
        person = u.user
        return Row(key=u.id, cells=(safe(org, 40), safe(person.name if person else None, 40),
                                    safe(person.email if person else None, 60),
                                    safe(u.role.name if u.role else None, 40)),
                   copy_id=(person.email if person and person.email else u.id), payload=(u, partner))

    # ------------------------------------------------------------------ datasets
    async def _load_datasets(self) -> None:
        pane = self.query_one("#datasets-pane", TablePane)

        def paint(items: list[Any]) -> None:
            pane.table.set_rows(Row(
                key=d.id, cells=(safe(d.name, 60), safe(d.organization_name, 40),
                                 safe(d.data_connection_type, 30), state_text(d.stage),
                                 state_text(d.configuration_status), count(len(d.dataset_fields)),
                                 Text("yes" if d.is_view else "no")),
                copy_id=d.id, payload=d) for d in items)
            pane.set_title(f"Datasets · {len(items)}")

        await self.fetch("datasets", lr.datasets_of(self.rid), paint=paint, state=pane.state, what="datasets")

    # ------------------------------------------------------------------ questions
    async def _load_questions(self) -> None:
        pane = self.query_one("#questions-pane", TablePane)
        questions = await self.fetch("questions", lr.questions_of(self.rid),
                                     paint=lambda qs: self._paint_questions(pane, qs), state=pane.state,
                                     what="questions")
        if questions is None:
            return
        # "last run" needs one list call per question: fill the column in as answers arrive
        for q in questions:
            runs = await self.fetch(f"last-run:{q.id}", lr.last_run_of(q.id),
                                    paint=lambda runs, qid=q.id: self._paint_last_run(pane, qid, runs))
            if runs is None:
                continue
            self.forget(f"last-run:{q.id}")  # a column detail: not what "as of" stands for

    def _paint_last_run(self, pane: TablePane, qid: str, runs: list[Any]) -> None:
        self._last_runs[qid] = runs[0] if runs else None
        self._paint_questions(pane, self.questions)

    def _paint_questions(self, pane: TablePane, questions: list[Any]) -> None:
        self.questions = questions
        last_runs = self._last_runs
        rows = []
        for q in questions:
            self.cr_app.jumps.add(question_target(self.session, self.target, q))
            last = last_runs.get(q.id)
            rows.append(Row(
                key=q.id,
                cells=(safe(q.display_id, 20), safe(q.name, 60), safe(q.question_type, 20),
                       safe(q.category, 30), state_text(q.status),
                       when(last.submitted_at) if last else Text("–", style="dim"),
                       status_text("liveramp", last.status) if last else Text("–", style="dim")),
                copy_id=q.display_id or q.id, payload=q))
        pane.table.set_rows(rows)
        pane.set_title(f"Questions · {len(questions)}")

    # ------------------------------------------------------------------ flows
    async def _load_flows(self) -> None:
        pane = self.query_one("#flows-pane", TablePane)

        def paint(flows: Any) -> None:
            items = flows.clean_room_flows
            rows = []
            for f in items:
                self.cr_app.jumps.add(flow_target(self.session, self.target, f))
                updated = f.time_audit.updated_at if f.time_audit else None
                rows.append(Row(key=f.id, cells=(
                    safe(f.display_id, 20), safe(f.name, 60), state_text(f.status), safe(f.stage, 20),
                    count(f.run_count), count(f.flow_version), when(updated)),
                    copy_id=f.display_id or f.id, payload=f))
            pane.table.set_rows(rows)
            pane.set_title(f"Flows · {len(items)}")

        await self.fetch("flows", lr.flows_of(self.rid), paint=paint, state=pane.state, what="flows")

    # ------------------------------------------------------------------ exports and destinations
    async def _load_exports(self) -> None:
        jobs = self.query_one("#exports-pane", TablePane)
        dests = self.query_one("#destinations-pane", TablePane)

        def paint_jobs(items: list[Any]) -> None:
            jobs.table.set_rows(Row(key=j.id, cells=(
                safe(j.name, 60), safe(j.question_display_name or j.question_name, 40),
                safe(j.partner_account.name if j.partner_account else None, 40), state_text(j.status),
                when(j.job_last_run_time)), copy_id=j.id, payload=j) for j in items)
            jobs.set_title(f"Export jobs · {len(items)} · n new · p pause/resume · ⏎ runs")

        def paint_destinations(answer: Any) -> None:
            items = answer.partner_accounts
            rows = []
            for d in items:
                account = d.partner_account
                platform = account.partner.display_name or account.partner.name \
                    if account is not None and account.partner is not None else None
                rows.append(Row(
                    key=account.id if account is not None and account.id else str(len(rows)),
                    cells=(safe(account.name if account else None, 60), safe(platform, 40),
                           safe(d.ownership, 20), state_text(d.channel_status),
                           Text("yes" if d.is_used_for_activation else "no")),
                    copy_id=account.id if account is not None else None, payload=d))
            dests.table.set_rows(rows)
            dests.set_title(f"Destinations · {len(items)}")

        await self.fetch("exports", lr.export_jobs_of(self.rid), paint=paint_jobs, state=jobs.state,
                         what="export jobs")
        await self.fetch("destinations", lr.destinations_of(self.rid), paint=paint_destinations,
                         state=dests.state,
                         what="destinations")

    # ------------------------------------------------------------------ schedules
    async def _load_schedules(self) -> None:
        pane = self.query_one("#schedules-pane", TablePane)
        questions = self.questions
        if not questions:
            cached = self.session.cached(lr.questions_of(self.rid))
            if cached is not None:
                questions = cached.value
            else:
                try:
                    questions = (await self.session.load(lr.questions_of(self.rid))).value
                except Exception as exc:
                    pane.state.failed(exc)
                    return
        found: dict[str, tuple[Any, Any]] = {}

        def paint_all() -> None:
            pane.table.set_rows(Row(key=s.id, cells=(
                Text.assemble(safe(q.display_id, 20), " ", safe(q.name, 40)), safe(s.name, 50),
                safe(s.repeat_frequency, 20), Text("yes" if s.active else "no"),
                when(s.start_date_time), when(s.end_date_time)), copy_id=s.display_id or s.id,
                payload=(q, s)) for q, s in found.values())
            pane.set_title(f"Schedules of this room's questions · {len(found)}")

        for q in questions:
            def paint(items: list[Any], q: Any = q) -> None:
                for s in items:
                    found[s.id] = (q, s)
                paint_all()

            await self.fetch(f"schedules:{q.id}", lr.schedules_of(q.id), paint=paint, state=pane.state,
                             what="schedules")
        paint_all()

    # ------------------------------------------------------------------ open
    def on_resource_table_opened(self, event: ResourceTable.Opened) -> None:
        pane = event.table.parent
        pane_id = pane.id if pane is not None else ""
        payload = event.row.payload
        if pane_id == "questions-pane":
            self.cr_app.open(self.session, question_target(self.session, self.target, payload))
        elif pane_id == "flows-pane":
            self.cr_app.open(self.session, flow_target(self.session, self.target, payload))
        elif pane_id == "schedules-pane":
            q, _s = payload
            self.cr_app.open(self.session, question_target(self.session, self.target, q))
        elif pane_id == "exports-pane":
            from .exports import ExportJobScreen

            self.app.push_screen(ExportJobScreen(self.session, self.target, payload))

    # ------------------------------------------------------------------ writes
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = super().check_action(action, parameters)
        if not allowed:
            return allowed
        tabs = self._tabs()
        active = tabs.active if tabs is not None else ""
        if action == "delete_question":
            return True if active == "questions" else None
        if action == "change_role":  # a user's role: the users table, not the partners one
            return True if active == "partners" and self._users_focused() else None
        if action in ("new_export", "toggle_export"):  # issue 20.3: the Exports tab's keys
            return True if active == "exports" else None
        return allowed

    def _users_focused(self) -> bool:
        users = self.query("#users-pane")
        return bool(users) and self.focused is users.first(TablePane).table

    def why_not(self, action: str) -> str | None:
        if action in ("new_export", "toggle_export"):
            return "n and p work on export jobs: open the Exports tab (] moves there)."
        if action == "delete_question":
            return "x deletes the selected question: open the Questions tab and select one."
        if action == "change_role":
            return ("o changes a user's role: select the user in 'Users and roles' (Tab moves there)."
                    if self._tabs() is not None and self._tabs().active == "partners" else
                    "o changes a partner user's role: open the Partners tab and select a user.")
        return None

    # ------------------------------------------------------------------ exports (issue 20.3)
    def action_new_export(self) -> None:
        from .exports import new_export

        new_export(self, self.session, self.target, on_done=lambda: self.load_tab("exports"))

    def action_toggle_export(self) -> None:
        from .exports import toggle_job

        pane = self.query("#exports-pane")
        row = pane.first(TablePane).table.selected if pane else None
        if row is None:
            self.notify("Select an export job first (Exports tab).", markup=False)
            return
        toggle_job(self, self.session, row.payload, on_done=lambda: self.load_tab("exports"))

    def action_delete_question(self) -> None:
        pane = self.query("#questions-pane")
        row = pane.first(TablePane).table.selected if pane else None
        if row is None:
            self.notify("Select a question first (Questions tab).", markup=False)
            return
        writes.delete_question(self, self.session, self.target, row.payload,
                               on_done=lambda: self.load_tab("questions"))

    def action_change_role(self) -> None:
        pane = self.query("#users-pane")
        row = pane.first(TablePane).table.selected if pane else None
        if row is None:
            self.notify("Select a user first (Partners & users tab).", markup=False)
            return
        user, partner = row.payload
        writes.change_role(self, self.session, self.target, user, partner,
                           on_done=lambda: self.load_tab("partners"))

    # ------------------------------------------------------------------ timeline
    def action_open_timeline(self) -> None:
        from .timeline import room_timeline_target

        self.app.push_screen(self.cr_app.screen_for(self.session, room_timeline_target(self.session, self.target)))
