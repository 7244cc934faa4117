"""The event log's selected event: its message, metadata and entities beside the log, and Enter on
an entity (a dataset or destination opens in its collaboration, a query in :class:`QueryInfoScreen`).

A mixin of :class:`tui.ui.screens.events.EventsScreen` (split out of it along its section banner);
it uses the screen's feed, session, target and company names.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from ...core.eventlog import EventRow
from ...core.sanitize import plain
from ..text import DASH, multiline, safe
from ..widgets.details import Details
from ..widgets.event_table import EventTable
from ..widgets.resource_table import ResourceTable, Row
from ..widgets.table_pane import TablePane
from .events_format import short_time
from .query_info import QueryInfoScreen

#: entities Enter can open (V2 names, and the playbook's ENTITY_QUERY)
OPENABLE = {"ENTITY_DATASET": "dataset", "ENTITY_DESTINATION": "destination", "ENTITY_QUERY": "query"}


class SelectedEvent:
    """Shows the selected event and opens its entities (see the module docstring)."""

    feed: Any
    session: Any
    target: Any
    _names: dict[str, str]

    def on_event_table_highlighted(self, message: EventTable.Highlighted) -> None:
        row = message.row
        detail = self.query_one("#event-detail", Details)
        pane = self.query_one("#entities-pane", TablePane)
        if not isinstance(row, EventRow):
            detail.show([("Event", Text("loading…" if self.feed and self.feed.total else DASH, style="dim"))])
            pane.table.set_rows([])
            return
        company = self._names.get(row.company_id)
        # the message first: on an 80×24 terminal the pane shows about five lines
        pairs = [
            ("Message", multiline(row.message, 4000)),
            ("Time", Text(short_time(row.time))),
            ("Type", safe(row.type, 80)),
            ("Company", Text.assemble(safe(company or row.company_id, 60), "  ",
                                      safe(row.company_id if company else "", 60, style="dim"))),
        ]
        # metadata keys as "key: value" lines under one label: a long key must not widen the labels
        metadata = Text()
        for name, value in sorted(row.metadata.items()):
            metadata.append("\n" if metadata else "").append(plain(name, 40) + ": ", style="bold")
            metadata.append_text(safe(value, 400))
        pairs.append(("Metadata", metadata if row.metadata else
                      Text("none (or not visible without the detailed-logs right)", style="dim")))
        detail.show(pairs)
        entities = list(row.entities)
        query_id = row.metadata.get("query_id")
        if query_id and not any(e["type"] == "ENTITY_QUERY" for e in entities):
            # queries are named in metadata, not entities (reference §7.4): offer them the same way
            entities.append({"id": query_id, "name": row.metadata.get("query") or query_id,
                             "company_id": row.company_id, "type": "ENTITY_QUERY"})
        pane.table.set_rows(Row(key=f"{i}:{e['id']}", cells=(
            safe(e["name"] or e["id"], 50), safe(e["type"].removeprefix("ENTITY_"), 30),
            safe(self._names.get(e["company_id"]) or e["company_id"], 40), safe(e["id"], 60)),
            copy_id=e["id"], payload=e) for i, e in enumerate(entities))
        pane.set_title(f"Entities (Enter opens) · {len(entities)}")

    def on_event_table_opened(self, message: EventTable.Opened) -> None:
        """Enter on an event: go to its entities (Enter again opens one)."""
        pane = self.query_one("#entities-pane", TablePane)
        if pane.table.visible_rows():
            pane.table.focus()

    def on_resource_table_opened(self, event: ResourceTable.Opened) -> None:
        pane = event.table.parent
        if pane is None or pane.id != "entities-pane":
            return
        event.stop()
        self.open_entity(event.row.payload)

    def open_entity(self, entity: dict[str, str]) -> None:
        kind = OPENABLE.get(entity.get("type", ""))
        if kind == "query":
            self.app.push_screen(QueryInfoScreen(self.session, entity))
            return
        if kind in ("dataset", "destination"):
            # an app worker: this screen's own workers end when it is popped
            self.app.run_worker(self._open_in_collaboration(kind, entity["id"]), exclusive=True,
                                group="open-entity", exit_on_error=False)
            return
        what = plain(entity.get("type", "") or "entity", 40).removeprefix("ENTITY_").lower()
        self.notify(f"No screen shows a {what} yet; its id is {plain(entity.get('id'), 80)} (y copies it).",
                    markup=False)

    async def _open_in_collaboration(self, kind: str, item_id: str) -> None:
        from .collaboration import CollaborationScreen

        app = self.cr_app
        below = [s for s in app.screen_stack if isinstance(s, CollaborationScreen) and s.cid == self.cid]
        if below:
            screen = below[-1]
            while app.screen is not screen:
                await app.pop_screen()
        else:
            screen = CollaborationScreen(self.session, self.target)
            await app.push_screen(screen)
        if kind == "dataset":
            screen._stats_dataset = item_id
            if "stats" in screen._built:
                screen._start_stats(item_id)
            screen.show_tab("stats")
        else:
            screen.show_tab("destinations")
