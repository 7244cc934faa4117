"""Home: per profile, its clean rooms (LiveRamp) or collaborations (InfoSum)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ...core import infosum as isum
from ...core import liveramp as lr
from ...core.prefetch import HOME_SNAPSHOT, records
from ...core.sanitize import plain
from ...core.session import Session
from ..bindings import bindings
from ..jump_index import Target
from ..text import count, join, safe, state_text, when
from ..widgets.load_state import LoadState
from ..widgets.resource_table import Col, ResourceTable, Row, painting
from .base import BaseScreen

ROOM_COLUMNS = (
    Col("name", "Name"), Col("display_id", "Id"), Col("type", "Type"), Col("status", "Status"),
    Col("partners", "Partners"), Col("questions", "Questions"), Col("updated", "Updated"),
)
COLLAB_COLUMNS = (
    Col("name", "Name"), Col("owner", "Owner"), Col("members", "Members"), Col("status", "Status"),
    Col("activity", "Last activity"),
)


def room_target(session: Session, room: Any) -> Target:
    return Target("room", room.id, room.name, session.name, room.display_id)


def collaboration_target(session: Session, collab: Any) -> Target:
    return Target("collaboration", collab.id, collab.name, session.name)



class HomeScreen(BaseScreen):
    BINDINGS = bindings("new-collaboration")

    def __init__(self, sessions: Sequence[Session]) -> None:
        super().__init__(sessions[0] if sessions else None)
        self.sessions = list(sessions)
        self._room_types: dict[str, dict[str, str]] = {}
        self._rooms: dict[str, list[Any]] = {}
        #: each section's title: (what, how many), for re-titling while a ``/`` filter is kept
        self._counts: dict[int, tuple[str, int]] = {}
        #: sections with nothing to show yet at the first paint (no snapshot of a last session)
        self._unpainted: list[int] = []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new_collaboration" and not any(s.platform == "infosum" for s in self.sessions):
            return False  # no InfoSum profile shown: the key is not offered
        return super().check_action(action, parameters)

    def header_sessions(self) -> list[Session]:
        return self.sessions

    def crumb(self) -> Text:
        return Text("Home")

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="body"):
            if not self.sessions:
                yield Static(Text("No profile configured. Run `cleanroom-tui --demo` to try the "
                                  "built-in demo, or add a profile (see README)."))
            for i, session in enumerate(self.sessions):
                what = "Clean rooms" if session.platform == "liveramp" else "Collaborations"
                with Vertical(classes="section"):
                    yield Static(Text.assemble((what, "bold"), " · ", plain(session.name, 40),
                                               f" ({session.platform_label})"),
                                 classes="section-title", id=f"title-{i}")
                    yield LoadState(id=f"state-{i}")
                    columns = ROOM_COLUMNS if session.platform == "liveramp" else COLLAB_COLUMNS
                    yield ResourceTable(columns, title=f"{what.lower()} {session.name}", id=f"table-{i}")

    def on_mount(self) -> None:
        tables = list(self.query(ResourceTable))
        if tables:
            tables[0].focus()

    async def show_sessions(self, sessions: Sequence[Session]) -> None:
        """The profile switcher: this screen, rebuilt for other profiles (loads in flight stop)."""
        self.app.workers.cancel_node(self)
        self.sessions = list(sessions)
        self.session = self.sessions[0] if self.sessions else None
        for state in (self._room_types, self._rooms, self._as_of, self._counts):
            state.clear()
        self._pending.clear()
        self._painted.clear()
        await self.recompose()
        self.on_mount()
        self.update_chrome()
        self.initial_load()

    def initial_load(self) -> None:
        """Paint last session's rows at once (no models, no HTTP library needed), then load.

        A cold demo start has no last session: the rows come from the app's head start (a process
        forked before Textual started, :mod:`tui.core.prefetch`) when it answers, and the load
        waits for them rather than compete with them for the CPU."""
        self._unpainted.clear()
        for i, session in enumerate(self.sessions):
            snap = session.repo.raw(*HOME_SNAPSHOT)
            rows = ResourceTable.rows_from_snapshot(snap.value) if snap is not None else []
            if rows:
                self.query_one(f"#table-{i}", ResourceTable).set_rows(rows)
                self._as_of[f"snapshot:{i}"] = snap.fetched_at
            else:
                self._unpainted.append(i)
        self.update_chrome()
        if self.cr_app.head_start.take(self.prefetched if self._unpainted else None):
            for i in self._unpainted:  # until prefetched() paints and loads
                self.query_one(f"#state-{i}", LoadState).loading(self._what(self.sessions[i]))
            return
        self.cr_app.after_frame(self.reload)

    def prefetched(self, answers: dict[str, Any] | None) -> None:
        """The head start's answers (None: it gave none): paint what is still empty, then load."""
        if not self.is_attached:  # the app is on its way out
            return
        for i in self._unpainted if answers else []:
            if i >= len(self.sessions):
                continue
            session = self.sessions[i]
            got = records(answers.get(session.name))
            table = self.query_one(f"#table-{i}", ResourceTable)
            if session.platform == "liveramp" and "rooms" in got:
                self._paint_types(i, session, table, got.get("types", []))  # before the rooms: one paint
                self._paint_rooms(i, session, table, got["rooms"])
            elif session.platform == "infosum" and "collaborations" in got:
                self._paint_collaborations(i, session, table, got["collaborations"])
            else:
                continue
            # fresh data: the load that follows says "Refreshing", and on failure keeps these rows
            self._painted.add(self._part(i, session))
            self._as_of[self._part(i, session)] = session.repo.now()
        self._unpainted.clear()
        self.update_chrome()
        self.cr_app.after_frame(self.reload)

    @staticmethod
    def _part(i: int, session: Session) -> str:
        return f"rooms:{i}" if session.platform == "liveramp" else f"collabs:{i}"

    @staticmethod
    def _what(session: Session) -> str:
        return "clean rooms" if session.platform == "liveramp" else "collaborations"

    def _save_snapshot(self, i: int, session: Session, table: ResourceTable) -> None:
        self._as_of.pop(f"snapshot:{i}", None)
        session.repo.put_raw(*HOME_SNAPSHOT, table.snapshot(), self._as_of.get(self._part(i, session)))

    def reload(self) -> None:
        for i, session in enumerate(self.sessions):
            if session.platform == "liveramp":
                self.start(f"rooms:{i}", self._load_rooms(i, session))
            else:
                self.start(f"collabs:{i}", self._load_collaborations(i, session))

    # ------------------------------------------------------------------ LiveRamp
    async def _load_rooms(self, i: int, session: Session) -> None:
        table = self.query_one(f"#table-{i}", ResourceTable)
        state = self.query_one(f"#state-{i}", LoadState)
        rooms = await self.fetch(f"rooms:{i}", lr.rooms(), session=session,
                                 paint=lambda rooms: self._paint_rooms(i, session, table, rooms),
                                 state=state, what="clean rooms")
        # the type column needs a second, rarely changing list: painted in when it arrives
        await self.fetch(f"types:{i}", lr.room_types(), session=session,
                         paint=lambda types: self._paint_types(i, session, table, types))
        if rooms is not None:
            self._save_snapshot(i, session, table)
            self.cr_app.index_rooms(session, rooms)

    def _paint_types(self, i: int, session: Session, table: ResourceTable, types: list[Any]) -> None:
        self._room_types[session.name] = {t.id: t.display_name or t.name for t in types}
        if session.name in self._rooms:
            with painting(self._rooms[session.name]):  # keep its unreadable-items row
                self._paint_rooms(i, session, table, self._rooms[session.name])

    def _paint_rooms(self, i: int, session: Session, table: ResourceTable, rooms: list[Any]) -> None:
        self._rooms[session.name] = rooms
        types = self._room_types.get(session.name, {})
        rows = []
        for room in rooms:
            self.cr_app.jumps.add(room_target(session, room))
            updated = room.time_audit.updated_at if room.time_audit else None
            rows.append(Row(
                key=room.id,
                cells=(safe(room.name, 60), safe(room.display_id, 20),
                       safe(types.get(room.clean_room_type_id or "", ""), 30), state_text(room.status),
                       join(room.partners, 50), count(room.questions_count), when(updated)),
                copy_id=room.display_id or room.id, payload=room))
        table.set_rows(rows)
        self._title(i, "Clean rooms", session, len(rooms))

    # ------------------------------------------------------------------ InfoSum
    async def _load_collaborations(self, i: int, session: Session) -> None:
        table = self.query_one(f"#table-{i}", ResourceTable)
        state = self.query_one(f"#state-{i}", LoadState)

        items = await self.fetch(f"collabs:{i}", isum.collaborations(), session=session,
                                 paint=lambda items: self._paint_collaborations(i, session, table, items),
                                 state=state, what="collaborations")
        if items is not None:
            self._save_snapshot(i, session, table)

    def _paint_collaborations(self, i: int, session: Session, table: ResourceTable,
                              items: list[Any]) -> None:
        rows = []
        for c in items:
            self.cr_app.jumps.add(collaboration_target(session, c))
            members = [m.display_name or m.id for m in c.members if m.id != c.owner.id]
            rows.append(Row(
                key=c.id,
                cells=(safe(c.name, 60), safe(c.owner.display_name or c.owner.id, 40),
                       join(members, 60), state_text(c.status), when(c.last_activity_date_time)),
                copy_id=c.id, payload=c))
        table.set_rows(rows)
        self._title(i, "Collaborations", session, len(items))

    def _title(self, i: int, what: str, session: Session, n: int) -> None:
        self._counts[i] = (what, n)
        note = self.query_one(f"#table-{i}", ResourceTable).filter_note()
        self.query_one(f"#title-{i}", Static).update(Text.assemble(
            (what, "bold"), " · ", plain(session.name, 40), f" ({session.platform_label}) · ",
            (note, "bold") if note else f"{n:,}"))

    def on_resource_table_filtered(self, event: ResourceTable.Filtered) -> None:
        table_id = event.table.id or ""
        index = int(table_id.rsplit("-", 1)[-1]) if table_id.startswith("table-") else -1
        if 0 <= index < len(self.sessions):
            session = self.sessions[index]
            what, n = self._counts.get(index) or (
                "Clean rooms" if session.platform == "liveramp" else "Collaborations", event.table.loaded_count)
            self._title(index, what, session, n)

    # ------------------------------------------------------------------ open
    def on_resource_table_opened(self, event: ResourceTable.Opened) -> None:
        table_id = event.table.id or ""
        index = int(table_id.rsplit("-", 1)[-1]) if table_id.startswith("table-") else 0
        session = self.sessions[index]
        row = event.row
        name = row.cells[0].plain if row.cells else row.key
        if session.platform == "liveramp":
            target = room_target(session, row.payload) if row.payload is not None else \
                Target("room", row.key, name, session.name, row.copy_id or "")
        else:
            target = collaboration_target(session, row.payload) if row.payload is not None else \
                Target("collaboration", row.key, name, session.name)
        self.cr_app.open(session, target)

    # ------------------------------------------------------------------ create (issue 20.4)
    def action_new_collaboration(self) -> None:
        """``n``: a new collaboration on the focused InfoSum profile (else the first one shown)."""
        from .collab_form import CollabCreateScreen

        infosum = [s for s in self.sessions if s.platform == "infosum"]
        focused = self.focused
        table_id = focused.id if isinstance(focused, ResourceTable) and focused.id else ""
        index = int(table_id.rsplit("-", 1)[-1]) if table_id.startswith("table-") else -1
        session = self.sessions[index] if 0 <= index < len(self.sessions) else None
        session = session if session is not None and session.platform == "infosum" else \
            (infosum[0] if infosum else None)
        if session is None:
            self.notify("Collaborations are created on an InfoSum profile: none is shown here.", markup=False)
            return
        if session.readonly:
            self.notify("Read-only mode: collaborations cannot be created.", title="Refused", severity="warning",
                        markup=False)
            return
        self.app.push_screen(CollabCreateScreen(session, origin=self))
