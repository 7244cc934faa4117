"""The event log's copy and export: ``y`` copies the selected entity's id (or the collaboration's),
``e`` writes the current view to CSV or JSON, ``E`` streams the API's own export of the whole log.

A mixin of :class:`tui.ui.screens.events.EventsScreen` (split out of it along its section banner);
it uses the screen's feed, session, target, server filter, order and status line.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from ...core import infosum as isum
from ...core.eventlog import write_view
from ...core.sanitize import plain
from ..delivery import exported
from ..widgets.load_state import describe_error
from ..widgets.resource_table import ResourceTable
from .events_format import _slug, size_text


class EventExports:
    """Copy and export of the event log (see the module docstring)."""

    feed: Any
    session: Any
    target: Any
    server_filter: str
    descending: bool
    _export_progress: str

    def copy_target(self) -> tuple[str, str] | None:
        focused = self.focused
        if isinstance(focused, ResourceTable) and focused.selected is not None:
            return focused.selected.copy_id or focused.selected.key, "entity"
        return self.cid, "collaboration"

    def action_export(self) -> None:
        """``e``: the current view (filter, search, order; loaded events only) as CSV or JSON."""
        from ...core.export import exists_problem, unique_name
        from .prompt import PromptScreen

        feed = self.feed
        if feed is None:
            return
        default = unique_name(f"events-{_slug(self.target.name or self.cid)}")

        def write(answer: str | None) -> None:
            if not answer:
                return
            path = Path(answer).expanduser()
            try:
                rows = write_view(path, feed.rows())
            except OSError as exc:
                self.notify(f"Could not write {path}: {exc.strerror or exc}", severity="error", markup=False)
                return
            exported(self.app, path, f"Exported {rows:,} events to {path}")

        shown = sum(1 for _ in feed.rows()) if feed.loaded < 200_000 else feed.loaded
        self.app.push_screen(PromptScreen(
            f"Export this view ({shown:,} loaded events) to:", default,
            help="A path ending in .json writes JSON; anything else writes CSV (the API export's columns). "
                 "E exports the whole log through the API instead. An existing file is never replaced.",
            check=exists_problem), write)

    def action_export_server(self) -> None:
        """``E``: the API's own CSV export of the whole (server-filtered) log, streamed to a file."""
        from ...core.export import exists_problem, unique_name
        from .prompt import PromptScreen

        # "-all": the whole log; "-filtered": the whole of what the server filter selects
        scope = "filtered" if self.server_filter else "all"
        default = unique_name(f"events-{_slug(self.target.name or self.cid)}-{scope}")

        def go(answer: str | None) -> None:
            if answer:
                self.start("events-export", self.export_server(Path(answer).expanduser()))

        what = f"filter: {self.server_filter}" if self.server_filter else "no filter"
        self.app.push_screen(PromptScreen(f"Export the whole log through the API ({plain(what, 80)}) to:", default,
                                          help="Streams the API's CSV; the file appears only once complete. An "
                                               "existing file is never replaced.", check=exists_problem), go)

    async def export_server(self, path: Path) -> int | None:
        order = "event_date_time DESC" if self.descending else "event_date_time"
        last = [0.0]

        def progress(written: int) -> None:
            now = asyncio.get_running_loop().time()
            if now - last[0] >= 0.1:  # a few updates per second are plenty
                last[0] = now
                self._export_progress = f"exporting… {size_text(written)}"
                self._update_status()

        self._export_progress = "exporting…"
        self._update_status()
        try:
            written = await self.session.call(isum.export_events(
                self.cid, path, order_by=order, filter=self.server_filter or None, on_progress=progress))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._export_progress = ""
            self._update_status()
            self.notify(describe_error(exc).plain, title="Export failed", severity="error", markup=False, timeout=10)
            return None
        self._export_progress = f"exported {size_text(written)} to {plain(str(path), 60)}"
        self._update_status()
        exported(self.app, path, f"Exported the log ({written:,} bytes) to {path}")
        return written
