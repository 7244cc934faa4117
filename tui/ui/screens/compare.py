"""Compare two runs (issue 20.1): parameters side by side, status and timings, row counts, and the
results joined on their dimension columns, largest change first.

Opened with ``c`` on a run (against the previous completed run of its question), on a question's
run list or the Runs board (the selected run, or the two marked with ``space``), and for two
InfoSum insight queries on the board. The loading is :mod:`tui.core.compare_load`: the first page
of each run is joined and painted at once, the rest fill in behind it (the status line says how
far: "first 50,000 rows of 1,000,000"). The table shows the largest changes (up to
:data:`SHOWN`); ``e`` exports the whole comparison (every joined row) as CSV or JSON.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget

from ...core.compare import CHANGED, ONLY_A, ONLY_B, SAME, Comparison, Line, Side
from ...core.sanitize import plain
from ...core.session import Session
from ..jump_index import Target
from ..text import DASH, duration, safe, status_text, when
from ..widgets.details import Details
from ..widgets.load_state import LoadState
from ..widgets.resource_table import Col, Row
from ..widgets.table_pane import TablePane
from .tabbed import TabbedScreen

#: joined rows shown in the table (largest changes first); the export has every one
SHOWN = 500
#: rows in the first paint (a screenful and some): the first screen of differences comes sooner
FIRST_SHOWN = 100
PARAM_COLUMNS = (Col("name", "Parameter"), Col("a", "Run A"), Col("b", "Run B"), Col("differs", "Differs"))
CHANGE_STYLES = {ONLY_A: "bold yellow", ONLY_B: "bold cyan", CHANGED: "bold", SAME: "dim"}


def diff_columns(cmp: Comparison) -> list[Col]:
    cols = [Col("change", "Change")] + [Col(f"d{i}", plain(d.name, 40)) for i, d in enumerate(cmp.dims)]
    for i, m in enumerate(cmp.measures):
        name = plain(m.name, 30)
        cols += [Col(f"m{i}a", f"{name} A"), Col(f"m{i}b", f"{name} B"), Col(f"m{i}d", f"{name} Δ"),
                 Col(f"m{i}r", f"{name} Δ%")]
    return cols


def _figure(value: float | None, style: str = "") -> Text:
    if value is None:
        return Text(DASH, style="dim")
    shown = f"{int(value):,}" if float(value).is_integer() and abs(value) < 1e15 else f"{value:,.4f}"
    return Text(shown, style=style)


def _percent(rel: float | None) -> Text:
    if rel is None:
        return Text(DASH, style="dim")
    style = "green" if rel > 0 else "red" if rel < 0 else "dim"
    if math.isinf(rel):
        return Text("new" if rel > 0 else "gone", style=style)
    return Text(f"{rel * 100:+.1f}%", style=style)


def diff_row(cmp: Comparison, line: Line, index: int) -> Row:
    change = cmp.status(line)
    cells: list[Text] = [Text(change, style=CHANGE_STYLES.get(change, ""))]
    cells += [safe(v, 60) for v in line.key]
    sort: dict[str, Any] = {}
    for i, m in enumerate(cmp.measures):
        c = cmp.change(line, m)
        delta = c.delta
        cells += [_figure(c.a), _figure(c.b),
                  _figure(delta, "green" if (delta or 0) > 0 else "red" if (delta or 0) < 0 else ""),
                  _percent(c.relative)]
        sort.update({f"m{i}a": c.a, f"m{i}b": c.b, f"m{i}d": delta,
                     f"m{i}r": None if c.relative is None else c.relative})
    return Row(key=line.ident or f"row{index}", cells=cells, copy_id=" · ".join(line.key) or change,
               payload=line, sort_values=sort)


def _side_text(label: str, s: Side) -> Text:
    return Text.assemble(
        (f"{label} ", "bold"), safe(s.name or s.id, 60), "  ", safe(s.id, 40, style="dim"), "  ",
        status_text("liveramp", s.status) if s.status.isupper() else Text(plain(s.status, 30)),
        "  submitted ", when(s.submitted_at), " · queued ", duration(s.queued_seconds),
        " · ran ", duration(s.run_seconds), " · rows ",
        Text(f"{s.total:,}" if s.total is not None else DASH))


class CompareScreen(TabbedScreen):
    """Two runs (or insight queries) compared; ``loader`` is a core ``RunCompare``/``QueryCompare``."""

    TABS = (("differences", "Differences"), ("parameters", "Parameters"))
    DEFAULT_CSS = """
    CompareScreen #compare-summary { height: auto; }
    """

    def __init__(self, session: Session, target: Target, loader: Any) -> None:
        super().__init__(session)
        self.target = target
        self.loader = loader
        self.comparison: Comparison | None = None
        self._columns: tuple[str, ...] | None = None
        self._painted_once = False

    def crumb(self) -> Text:
        return Text("compare " + plain(self.target.name, 60))

    def compose_top(self) -> ComposeResult:
        yield LoadState(id="compare-state")
        yield Details(id="compare-summary")

    def build_tab(self, pane_id: str) -> Iterable[Widget]:
        if pane_id == "parameters":
            return [TablePane("Parameters side by side (differences highlighted)", PARAM_COLUMNS,
                              table_title="compared parameters", id="compare-params")]
        return []  # the differences table is built once the result's columns are known

    def load_top(self) -> None:
        self.start("compare", self._compare())

    def load_tab(self, pane_id: str) -> None:
        if pane_id == "parameters" and self.comparison is not None:
            self._paint_parameters(self.comparison)

    async def _compare(self) -> None:
        state = self.query_one("#compare-state", LoadState)
        state.loading("the two runs' results")
        self._pending.add("compare")
        self.update_chrome()
        try:
            start = getattr(self.loader, "start", None)
            if start is not None:  # the runs first: the summary paints before any row
                self._show(await start())
            await self.loader.fill(self._told)
        except Exception as exc:  # every failure becomes a view (a page that failed keeps what came before)
            if self.comparison is not None:
                self.comparison.stopped = f"stopped: {plain(str(exc), 120)}"
                self._show(self.comparison)
            self._report(exc, state, self.comparison is not None)
            return
        finally:
            self._pending.discard("compare")
            self.update_chrome()
        state.idle()

    # ------------------------------------------------------------------ painting
    def _show(self, cmp: Comparison) -> None:
        self.comparison = cmp
        self._as_of["compare"] = datetime.now().astimezone()
        counts = cmp.counts()
        summary = Text.assemble(
            (f"{counts[CHANGED]:,} changed", CHANGE_STYLES[CHANGED]), " · ", (f"{counts[SAME]:,} same", "dim"),
            " · ", (f"{counts[ONLY_A]:,} only in A", CHANGE_STYLES[ONLY_A]), " · ",
            (f"{counts[ONLY_B]:,} only in B", CHANGE_STYLES[ONLY_B]))
        differing = [n for n, _a, _b, d in cmp.parameters() if d]
        params = Text(plain(", ".join(differing), 200), style="bold yellow") if differing else \
            Text("the same in both runs", style="dim")
        self.query_one("#compare-summary", Details).show([
            ("A", _side_text("", cmp.a)), ("B", _side_text("", cmp.b)),
            ("Parameters", Text.assemble("differ: " if differing else "", params)),
            ("Compared", Text(plain(cmp.scope(), 300))),
            ("Rows", summary),
        ])
        if "parameters" in self._built:
            self._paint_parameters(cmp)

    async def _told(self, cmp: Comparison) -> None:
        """A batch of pages joined: paint it, and let the loader go on once it is on screen."""
        self._show(cmp)
        if cmp.dims or cmp.measures:
            await self._paint_differences(cmp)
        painted = asyncio.get_running_loop().create_future()
        self.call_after_refresh(lambda: painted.done() or painted.set_result(None))
        await painted

    async def _paint_differences(self, cmp: Comparison) -> None:
        slot = self.query_one("#differences-slot")
        cols = diff_columns(cmp)
        labels = tuple(c.key for c in cols)
        if self._columns != labels:
            await slot.remove_children()
            await slot.mount(TablePane("Differences", cols, table_title="comparison", id="compare-diff"))
            self._columns = labels
        pane = self.query_one("#compare-diff", TablePane)
        lines = cmp.lines()
        limit = SHOWN if self._painted_once else FIRST_SHOWN
        self._painted_once = True
        pane.table.set_rows(diff_row(cmp, line, i) for i, line in enumerate(lines[:limit]))
        shown = min(len(lines), limit)
        more = f" · the {shown:,} largest shown; e exports all {len(lines):,}" if len(lines) > shown else ""
        pane.set_title(f"Differences, largest change first · {len(lines):,} joined rows{more}")
        self.focus_tab("differences")

    def _paint_parameters(self, cmp: Comparison) -> None:
        pane = self.query_one("#compare-params", TablePane)
        pane.table.set_rows(Row(
            key=f"p:{name}", cells=(safe(name, 60, style="bold yellow" if d else ""), safe(va, 200), safe(vb, 200),
                                    Text("yes", style="bold yellow") if d else Text("no", style="dim")),
            copy_id=vb) for name, va, vb, d in cmp.parameters())

    # ------------------------------------------------------------------ export: the whole comparison
    def action_export(self) -> None:
        cmp = self.comparison
        if cmp is None:
            self.notify("Nothing compared yet.", markup=False)
            return
        from ...core.export import exists_problem, unique_name
        from .prompt import PromptScreen

        default = unique_name("compare")  # never an existing file's name

        def write(answer: str | None) -> None:
            if not answer:
                return
            path = Path(answer).expanduser()
            try:
                rows = cmp.export(path)
            except OSError as exc:
                self.notify(f"Could not write {path}: {exc.strerror or exc}", severity="error", markup=False)
                return
            self.notify(f"Exported {rows:,} compared rows to {path}", title="Export", markup=False)

        self.app.push_screen(PromptScreen(
            f"Export the comparison ({len(cmp.lines()):,} joined rows; {plain(cmp.scope(), 120)}) to:", default,
            help="A path ending in .json writes JSON (both runs, parameters and rows); anything else writes CSV. "
                 "An existing file is never replaced.", check=exists_problem), write)


def open_compare(screen: Any, session: Session, loader: Any, name: str, path: tuple[Target, ...] = ()) -> None:
    """Push the comparison screen for ``loader`` (a core RunCompare / QueryCompare)."""
    target = Target("compare", getattr(loader, "a_id", ""), name, session.name, path=path)
    screen.app.push_screen(CompareScreen(session, target, loader))


def compare_entries(screen: Any, snaps: list[Any]) -> None:
    """The Runs board's ``c``: two snapshots compared, or one question run against its previous run."""
    from ...core.compare_load import QueryCompare, RunCompare

    app = screen.cr_app
    if not snaps:
        screen.notify("Select a run (or mark two with space) first.", markup=False)
        return
    first = snaps[0]
    if any(s.profile != first.profile or s.kind != first.kind for s in snaps):
        screen.notify("Compare two runs of one kind from one profile (two question runs, or two insight queries).",
                      markup=False)
        return
    session = app.session_named(first.profile)
    if session is None:
        screen.notify(f"Profile {plain(first.profile, 40)} is not connected here.", markup=False)
        return
    other = snaps[1] if len(snaps) > 1 else None
    label = plain(first.name or first.object_id, 40) + (f" vs {plain(other.name or other.object_id, 40)}"
                                                        if other else " vs previous")
    if first.kind == "question_run":
        same_question = other is None or other.parent_id == first.parent_id
        loader: Any = RunCompare(session, first.object_id, other.object_id if other else None,
                                 question_id=first.parent_id if same_question else None)
    elif first.kind == "insight_query" and other is not None:
        if other.parent_id != first.parent_id:
            screen.notify("Compare two insight queries of the same collaboration.", markup=False)
            return
        params = {s.object_id: {"query": s.name or "", "collaboration": s.parent_id or ""} for s in snaps}
        if (other.submitted_at and first.submitted_at and other.submitted_at < first.submitted_at):
            first, other = other, first  # A is the earlier query, as with runs
        loader = QueryCompare(session, first.object_id, other.object_id, parameters=params,
                              statuses={s.object_id: s.status for s in snaps})
    elif first.kind == "insight_query":
        screen.notify("Mark two insight queries of the same collaboration with space, then press c.", markup=False)
        return
    else:
        screen.notify("Flow runs cannot be compared yet: compare question runs or insight queries.", markup=False)
        return
    open_compare(screen, session, loader, label)


__all__ = ["CompareScreen", "SHOWN", "compare_entries", "diff_columns", "diff_row", "open_compare"]
