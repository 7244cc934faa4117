"""The Runs board: every watched and recently finished run, across profiles, grouped by lifecycle.

- rows come from the app's :class:`~tui.ui.watching.WatchHub` (the one watcher): question runs, flow
  runs and InfoSum insight queries of every profile in use, plus the runs that finished in the last
  24 h (kept in the store, so they survive a restart);
- grouped by the one lifecycle (running, waiting on partner, queued, paused, failed, succeeded,
  cancelled), with the platform's raw status next to it and the failure reason; failures stay on the
  board, highlighted, until dismissed (``x``);
- it updates by itself: each watcher event arrives as a typed message (:class:`~tui.ui.watching.RunStatus`, ``BoardChanged``)
  and the table is refreshed by keyed diff (only changed cells are redrawn, the cursor stays put);
- a budget meter per profile: status reads left this hour, creations left, the next poll.

Enter opens the run (results once it completed), ``R`` launches it again with the same parameters
(an insight query: the compose form with the same text),
``r`` asks for a poll now (still within the budget).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ...core.sanitize import plain
from ...core.session import Session
from ...core.status import Lifecycle
from ..bindings import bindings
from ..jump_index import Target
from ..marks import Marks
from ..text import DASH, LIFECYCLE_STYLES, local, safe, status_text
from ..watching import BoardChanged, BoardEntry, RunStatus
from ..widgets.resource_table import Col, ResourceTable, Row
from .base import BaseScreen

COLUMNS = (
    Col("state", "State"), Col("status", "Status"), Col("run", "Run"), Col("reason", "Failure reason / note", fill=True),
    Col("where", "Question / flow / collab."), Col("updated", "Updated"), Col("profile", "Profile"),
    Col("kind", "Kind"), Col("id", "Id"),
)

#: board order: what is moving first, then what needs attention, then what is done
GROUPS = (
    Lifecycle.RUNNING, Lifecycle.WAITING_ON_PARTNER, Lifecycle.QUEUED, Lifecycle.PAUSED, Lifecycle.UNKNOWN,
    Lifecycle.FAILED, Lifecycle.SUCCEEDED, Lifecycle.CANCELLED,
)
KIND_LABELS = {"question_run": "question run", "flow_run": "flow run", "insight_query": "insight query"}
GROUP_PREFIX = "group:"
WHERE_KIND, WHERE_KEY = "board-where", "labels"


def row_key(key: tuple[str, str, str]) -> str:
    return "|".join(key)


def key_of(row: str) -> tuple[str, str, str] | None:
    parts = row.split("|")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


class RunsBoardScreen(BaseScreen):
    BINDINGS = bindings("run-again", "dismiss-run", "compare-runs", "mark-run")
    DEFAULT_CSS = """
    RunsBoardScreen #board-meter { height: auto; padding: 0 1; color: $text-muted; }
    RunsBoardScreen #board-empty { height: auto; padding: 1 2; }
    RunsBoardScreen #board-empty.-hidden { display: none; }
    """

    def __init__(self, sessions: Sequence[Session], *, select: tuple[str, str, str] | None = None) -> None:
        super().__init__(sessions[0] if sessions else None)
        self.sessions = list(sessions)
        self._select = select
        self._where_labels: dict[str, dict[str, str]] = {}
        self._where_dirty: set[str] = set()
        self.marks = Marks()

    def header_sessions(self) -> list[Session]:
        return self.sessions

    def crumb(self) -> Text:
        return Text("Runs board")

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="body"):
            yield Static(Text.assemble(("Runs board", "bold"), " · every watched and recently finished run, "
                                       "updating by itself"), classes="section-title")
            yield Static(Text(""), id="board-meter")
            yield Static(Text("Nothing is watched yet. Launch a run (l on a question or flow), or watch one "
                              "(w on a run): it shows up here and you are told when it finishes.",
                              style="dim"), id="board-empty")
            yield ResourceTable(COLUMNS, title="runs board", id="board-table")

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#board-table", ResourceTable)

    def initial_load(self) -> None:
        self.table.focus()
        self.paint()
        self.set_interval(1.0, self.paint_meter)

    def reload(self) -> None:
        """``r``: read every watched run now, where its budget allows — sooner than the recommended
        spacing (an operator asked), never past the hourly cap or a 429's backoff — and say which
        runs must wait, and until when."""
        hub = self.cr_app.watching
        items = hub.watcher.items()
        for item in items:
            hub.watcher.poke(*item.key, urgent=True)
        hub.ensure_running()
        now = hub.now()
        waiting = [(due, item) for item in items if (due := hub.watcher.due_at(item.key)) is not None and due > now]
        if not items:
            self.notify("Nothing is watched: finished runs do not change.", markup=False, timeout=4)
        elif waiting:
            due, item = min(waiting, key=lambda pair: pair[0])
            name = plain(item.name or item.object_id, 40)
            more = f" (and {len(waiting) - 1} more)" if len(waiting) > 1 else ""
            self.notify(f"Not read now: {name}{more} — its status-read budget (per run per hour, and any "
                        f"429 backoff) allows the next read at {local(due).strftime('%H:%M:%S')}. "
                        f"{len(items) - len(waiting)} of {len(items)} read now.",
                        title="Budget", severity="warning", markup=False, timeout=8)
        else:
            self.notify(f"Reading {len(items)} watched run{'s' if len(items) != 1 else ''} now.",
                        markup=False, timeout=3)
        self.paint()

    def on_board_changed(self, message: BoardChanged) -> None:
        self.paint()

    def on_run_status(self, message: RunStatus) -> None:
        self.paint()

    def on_screen_resume(self) -> None:
        self.paint()

    # ------------------------------------------------------------------ painting
    def paint(self) -> None:
        if not self.is_mounted:
            return
        hub = self.cr_app.watching
        entries = hub.entries()
        self.marks.keep({row_key(e.snapshot.key) for e in entries})
        self.table.set_rows(self.marks.decorate(r) for r in self.rows(entries))
        if self._where_dirty:
            self._save_where()
        polled = [e.snapshot.polled_at for e in entries if e.snapshot.polled_at is not None]
        self._as_of["board"] = max(polled) if polled else hub.now()  # the header's "as of"
        self.update_chrome()
        self.query_one("#board-empty", Static).set_class(bool(entries), "-hidden")
        if self._select is not None and self.table.select_key(row_key(self._select)):
            self._select = None
        self._off_group_header()
        self.paint_meter()

    def _off_group_header(self) -> None:
        """The cursor never rests on a group header it was not moved to (``y`` would copy
        "group:succeeded", ``x`` say "Select a run first"): the run under it instead."""
        table = self.table
        key = table.selected_key
        if key is None or not key.startswith(GROUP_PREFIX) or table.chosen:
            return
        keys = [r.key for r in table.visible_rows()]
        below = next((k for k in keys[keys.index(key):] if not k.startswith(GROUP_PREFIX)), None)
        if below is not None:  # not the user's choice: a run arriving above may take the cursor's place
            table.select_key(below, chosen=False)

    def on_resource_table_filtered(self, event: ResourceTable.Filtered) -> None:
        note = self.table.filter_note()
        self.query_one(".section-title", Static).update(Text.assemble(
            ("Runs board", "bold"), " · ", (note, "bold") if note else
            "every watched and recently finished run, updating by itself"))

    def rows(self, entries: list[BoardEntry]) -> list[Row]:
        grouped: dict[Lifecycle, list[BoardEntry]] = {}
        for entry in entries:
            grouped.setdefault(entry.snapshot.lifecycle, []).append(entry)
        rows: list[Row] = []
        for life in GROUPS:
            members = grouped.get(life) or []
            if not members:
                continue
            members.sort(key=lambda e: (e.snapshot.submitted_at or e.snapshot.polled_at).isoformat()
                         if (e.snapshot.submitted_at or e.snapshot.polled_at) else "", reverse=True)
            style = LIFECYCLE_STYLES.get(life, "")
            head = Text(f"▌{life.value.upper()} · {len(members)}", style=f"bold {style}".strip())
            rows.append(Row(key=GROUP_PREFIX + life.value, cells=(head, *(Text("") for _ in COLUMNS[1:]))))
            rows += [self._row(e) for e in members]
        return rows

    def _row(self, entry: BoardEntry) -> Row:
        snap = entry.snapshot
        life = snap.lifecycle
        failed = life is Lifecycle.FAILED
        state = Text(f"  {life.value}", style=LIFECYCLE_STYLES.get(life, ""))
        status = status_text(snap.platform, snap.status) if snap.status else Text("(not read yet)", style="dim")
        name = safe(snap.name or snap.object_id, 40, style="bold red" if failed else "")
        note = entry.trouble or (snap.reason if life is not Lifecycle.SUCCEEDED else None)
        reason = safe(note, 80, style="red" if failed else "yellow") if note else Text(DASH, style="dim")
        updated = Text(local(snap.polled_at).strftime("%H:%M:%S")) if snap.polled_at else Text(DASH, style="dim")
        return Row(key=row_key(snap.key), cells=(
            state, status, name, reason, self._where(snap), updated, Text(plain(snap.profile, 40)),
            Text(KIND_LABELS.get(snap.kind, snap.kind)), Text(plain(snap.object_id, 60), style="dim")),
            copy_id=snap.object_id, payload=entry)

    def _where(self, snap: Any) -> Text:
        jumps = self.cr_app.jumps
        kind = {"question_run": "question", "flow_run": "flow", "insight_query": "collaboration"}.get(snap.kind)
        if snap.parent_id and kind:
            target = jumps.get(snap.profile, kind, snap.parent_id)
            known = self._where_labels.setdefault(snap.profile, self._load_where(snap.profile))
            key = f"{kind}:{snap.parent_id}"
            if target is not None and known.get(key) != target.label:
                known[key] = target.label  # for the next start, before the flow is loaded again
                self._where_dirty.add(snap.profile)
            return Text(plain(target.label if target else known.get(key) or snap.parent_id, 40))
        return Text(DASH, style="dim")

    # the question / flow / collaboration a run belongs to, as last seen (CRF-… name, not a uuid):
    # after a restart the jump index knows a flow only once its room's flows are loaded again
    def _load_where(self, profile: str) -> dict[str, str]:
        try:
            entry = self.cr_app.watching.store.get(profile, WHERE_KIND, WHERE_KEY)
        except Exception:
            return {}
        value = getattr(entry, "value", None)
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    def _save_where(self) -> None:
        for profile in self._where_dirty:
            with contextlib.suppress(Exception):  # a label is a nicety: the uuid is shown instead
                self.cr_app.watching.store.put(profile, WHERE_KIND, WHERE_KEY, self._where_labels[profile])
        self._where_dirty.clear()

    def paint_meter(self) -> None:
        if not self.is_mounted:
            return
        hub = self.cr_app.watching
        text = Text()
        for i, session in enumerate(self.sessions):
            if i:
                text.append("\n")
            text.append(f"{session.name} ({session.platform_label}): ", style="bold")
            text.append(hub.meter_text(session.name))
        self.query_one("#board-meter", Static).update(text)

    # ------------------------------------------------------------------ actions
    def _selected(self) -> BoardEntry | None:
        row = self.table.selected
        return row.payload if row is not None and isinstance(row.payload, BoardEntry) else None

    def target_for(self, entry: BoardEntry) -> Target | None:
        snap = entry.snapshot
        jumps = self.cr_app.jumps
        profile = snap.profile
        if snap.kind == "question_run":
            question = (jumps.get(profile, "question", snap.parent_id) if snap.parent_id else None) or \
                Target("question", snap.parent_id or "", snap.parent_id or "question", profile)
            return Target("run", snap.object_id, snap.name or snap.object_id, profile, path=(*question.path, question))
        if snap.kind == "flow_run":
            room = jumps.get(profile, "room", snap.cleanroom_id or "") or \
                Target("room", snap.cleanroom_id or "", snap.cleanroom_id or "room", profile)
            flow = jumps.get(profile, "flow", snap.parent_id or "") or \
                Target("flow", snap.parent_id or "", snap.parent_id or "flow", profile, path=(room,))
            return Target("flow_run", snap.object_id, snap.name or snap.object_id, profile, path=(room, flow))
        if snap.kind == "insight_query":
            collab = jumps.get(profile, "collaboration", snap.parent_id or "")
            path = (collab,) if collab is not None else ()
            return Target("insight_query", snap.object_id, snap.name or snap.object_id, profile, path=path)
        return None

    def on_resource_table_opened(self, event: ResourceTable.Opened) -> None:
        entry = event.row.payload
        if not isinstance(entry, BoardEntry):
            return
        target = self.target_for(entry)
        session = self.cr_app.session_named(entry.snapshot.profile)
        if target is not None and session is not None:
            self.cr_app.open(session, target)

    def action_mark_run(self) -> None:
        entry = self._selected()
        if entry is None:
            self.notify("Select a run first.", markup=False)
            return
        self.marks.toggle(row_key(entry.snapshot.key))
        self.paint()
        self.notify(self.marks.said(), markup=False)

    def action_compare(self) -> None:
        """``c``: the two marked runs (or insight queries), else the selected question run with the
        previous completed run of its question."""
        from .compare import compare_entries

        hub = self.cr_app.watching
        by_key = {row_key(e.snapshot.key): e for e in hub.entries()}
        picked = [by_key[k] for k in self.marks.keys if k in by_key]
        if len(picked) < 2:
            entry = self._selected()
            picked = [entry] if entry is not None else []
        compare_entries(self, [e.snapshot for e in picked])

    def action_dismiss_run(self) -> None:
        entry = self._selected()
        if entry is None:
            self.notify("Select a run first.", markup=False)
            return
        self.cr_app.watching.dismiss(entry.snapshot.key)
        self.paint()

    def action_run_again(self) -> None:
        entry = self._selected()
        if entry is None:
            self.notify("Select a run first.", markup=False)
            return
        snap = entry.snapshot
        session = self.cr_app.session_named(snap.profile)
        if session is None:
            self.notify(f"Profile {snap.profile} is not connected here.", markup=False)
            return
        target = self.target_for(entry)
        if snap.kind == "insight_query":  # the compose form, pre-filled from the launch journal
            from .query_again import query_again

            query_again(self, session, target, snap.object_id)
            return
        from .again import run_again

        run_again(self, session, target, snap.raw, kind=snap.kind)


__all__ = ["COLUMNS", "GROUPS", "RunsBoardScreen", "key_of", "row_key"]
