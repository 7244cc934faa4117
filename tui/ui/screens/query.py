"""An InfoSum insight query: compose (collaboration, datasets, IQL text), launch, poll, results.

Compose: the collaboration's datasets are listed by the name members use in queries; ticking them
writes a starting query (``SELECT COUNT() FROM a INTERSECT b``) until the text is edited by hand.
"Review query" shows the exact request (``POST /api/v1/queries``) before it is sent; it is sent once
through the launcher (journal, "again?" for the same text within 15 minutes) and then watched by
the app's watcher (InfoSum publishes no polling budget: 2 s doubling to 30 s), so the query also
appears on the Runs board. When it finishes, the result (the dimension breakdown, or the plain
count) is shown here; a failure shows the platform's error.

Opened from the Runs board with a query id, the screen shows that query's status and result; ``R``
("run again") re-opens the compose form with the same text, collaboration, datasets and sample
setting (:mod:`.query_again`), to be reviewed and confirmed like any launch.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, SelectionList, Static, TextArea

from ...core import infosum as isum
from ...core.sanitize import plain
from ...core.session import Session
from ...core.status import Lifecycle
from ...core.watch import INSIGHT_QUERY
from ..bindings import bindings
from ..jump_index import Target
from ..text import DASH, count, editable_lines, status_text
from ..watching import RunStatus
from ..widgets.load_state import LoadState
from ..widgets.resource_table import Col, ResourceTable, Row
from .base import BaseScreen

RESULT_COLUMNS = (Col("path", "Breakdown"), Col("count", "Count"), Col("measures", "Measures"))


def starting_query(names: list[str]) -> str:
    if not names:
        return "SELECT COUNT() FROM "
    return "SELECT COUNT() FROM " + " INTERSECT ".join(names)


def result_rows(result: Any) -> list[Row]:
    rows = []
    for i, r in enumerate(result.rows() if result is not None else []):
        path = r.get("path") if isinstance(r, dict) else None
        depth = int(r.get("depth") or 0) if isinstance(r, dict) else 0
        label = ("  " * depth + plain(path.split(" > ")[-1], 80)) if path else "total"
        measures = {k: v for k, v in r.items() if k not in ("path", "depth", "category", "value", "count",
                                                             "continuous")} if isinstance(r, dict) else {}
        extra = ", ".join(f"{k}={v}" for k, v in measures.items())
        rows.append(Row(key=f"r{i}", cells=(Text(label), count(r.get("count") if isinstance(r, dict) else None),
                                            Text(plain(extra, 200)) if extra else Text(DASH, style="dim")),
                        copy_id=path or "total"))
    return rows


class QueryScreen(BaseScreen):
    DEFAULT_CSS = """
    QueryScreen #query-compose { height: auto; padding: 0 1; }
    QueryScreen #query-compose.-hidden { display: none; }
    QueryScreen SelectionList { height: auto; max-height: 8; }
    QueryScreen TextArea { height: 5; }
    QueryScreen #query-buttons { height: auto; }
    QueryScreen #query-status { height: auto; padding: 0 1; }
    QueryScreen #query-error { height: auto; padding: 0 1; color: $text-error; }
    """
    BINDINGS = [Binding("ctrl+s", "review", "Review query", show=True), *bindings("run-again")]

    def __init__(self, session: Session, target: Target, *, prefill: dict[str, Any] | None = None) -> None:
        super().__init__(session)
        self.target = target
        self.query_id: str | None = target.id or None
        self.collab: Any = None
        #: "run again": the earlier request (query, collaboration_id, sample) the form opens with
        self.prefill = dict(prefill) if prefill else None
        self._sent: dict[str, Any] | None = None  # the request this screen sent (run again without the journal)
        self._edited = self.prefill is not None  # ticking datasets must not overwrite the text given
        #: the text this screen last wrote; ``TextArea.Changed`` arrives later (posted, not called), so a
        #: flag reset after the write cannot tell our write from the user's typing — the text itself can
        self._written: str | None = None

    @property
    def collaboration(self) -> Target | None:
        return next((t for t in self.target.path if t.kind == "collaboration"), None)

    def crumb(self) -> Text:
        return Text("insight query" + (f" {plain(self.query_id, 20)}" if self.query_id else ""))

    def compose_body(self) -> ComposeResult:
        collab = self.collaboration
        with Vertical(classes="body"):
            where = Text.assemble(("Insight query", "bold"), " in ",
                                  (plain(collab.label if collab else "(no collaboration)", 100), "bold"),
                                  f" · profile {self.session.name}")
            yield Static(where, classes="section-title")
            yield LoadState(id="query-state")
            with Vertical(id="query-compose", classes="" if self.query_id is None else "-hidden"):
                yield Static(Text("Datasets (space ticks; the names are the ones members use in queries)",
                                  style="bold"))
                yield SelectionList[str](id="query-datasets")
                yield Static(Text("Query (IQL)", style="bold"))
                prefill = self.prefill or {}
                # a query run before (query again) is platform text: made inert, newlines kept
                yield TextArea(editable_lines(prefill.get("query") or starting_query([])), id="query-text")
                yield Checkbox("Run on a sample (faster, less accurate)", bool(prefill.get("sample")),
                               id="query-sample")
                with Horizontal(id="query-buttons"):
                    yield Button("Review query", id="query-go", variant="primary")
            yield Static(Text(""), id="query-status")
            yield Static(Text(""), id="query-error")
            results = ResourceTable(RESULT_COLUMNS, title="insight query result", id="query-results")
            results.export_key = False  # rows keyed r0, r1…: no id worth a column
            yield results

    # ------------------------------------------------------------------ loading
    def initial_load(self) -> None:
        if self.query_id is None:
            self.query_one("#query-datasets", SelectionList).focus()
            if self.collaboration is not None:
                self.start("collaboration", self._load_collaboration())
        else:
            self.paint_status()
            self.start("result", self._load_result())

    def reload(self) -> None:
        if self.query_id is not None:
            self.start("result", self._load_result())
        elif self.collaboration is not None:  # composing: ``r`` lists the datasets again (after a fault)
            self.start("collaboration", self._load_collaboration())

    async def _load_collaboration(self) -> None:
        cid = self.collaboration.id
        await self.fetch("collaboration", isum.collaboration(cid), paint=self._paint_datasets,
                         state=self.query_one("#query-state", LoadState), what="collaboration")

    def _paint_datasets(self, collab: Any) -> None:
        self.collab = collab
        names = []
        for d in [*collab.datasets, *collab.insight_datasets]:
            name = d.collaboration_dataset_name or d.dataset_id
            if name and name not in names:
                names.append(name)
        picker = self.query_one("#query-datasets", SelectionList)
        ticked = set(picker.selected)  # a refresh keeps what was ticked
        picker.clear_options()
        # Text, not str: a str prompt is parsed as markup (a hostile name crashed the screen)
        picker.add_options([(Text(plain(n, 60)), n, n in ticked) for n in names])
        if names and picker.highlighted is None:
            picker.highlighted = 0  # so the first space ticks the first dataset (not nothing)
        if self.prefill:  # run again: tick the datasets the query names
            words = set(str(self.prefill.get("query") or "").replace(",", " ").replace("(", " ").split())
            for name in names:
                if name in words:
                    picker.select(name)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        if self._edited:
            return
        text = self.query_one("#query-text", TextArea)
        # plain(): a name with control characters (never a valid IQL identifier) must not reach the
        # terminal raw through the editor; it is written inert (ESC → ␛) and the platform says why
        self._written = starting_query([plain(str(v), None) for v in event.selection_list.selected])
        text.text = self._written

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.text != self._written:
            self._edited = True

    # ------------------------------------------------------------------ launching
    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "query-go":
            event.stop()
            self.action_review()

    @property
    def launcher(self) -> Any:
        return self.cr_app.watching.launcher(self.session)

    def request(self) -> dict[str, Any]:
        body: dict[str, Any] = {"query": self.query_one("#query-text", TextArea).text.strip()}
        if self.collaboration is not None:
            body["collaboration_id"] = self.collaboration.id
        if self.query_one("#query-sample", Checkbox).value:
            body["sample"] = True
        return body

    def action_review(self) -> None:
        if self.query_id is not None:
            return
        if self.session.readonly:
            self.notify("Read-only mode: writes are disabled.", title="Refused", severity="warning", markup=False)
            return
        body = self.request()
        error = self.query_one("#query-error", Static)
        text = body["query"]
        if not text or text.rstrip().upper().endswith("FROM"):
            error.update(Text("✗ Query: write the IQL text (tick datasets above to start one), e.g. "
                              "SELECT COUNT() FROM a INTERSECT b"))
            self.query_one("#query-text", TextArea).focus()
            return
        error.update(Text(""))
        from .launch_confirm import LaunchConfirmScreen, LaunchRequestView

        cid = body.get("collaboration_id")
        duplicates = self.launcher.check_duplicate_query(cid, text)
        collab = self.collaboration
        write = isum.create_query(text, cid, sample=bool(body.get("sample")))
        view = LaunchRequestView(
            title="Run an insight query", method=write.method, path=write.path, body=write.body,
            context=[("Profile", f"{self.session.name} (InfoSum)"),
                     ("Collab.", collab.label if collab else "(none: your own datasets)")],
            counts_create=False, duplicates=duplicates,
            duplicate_window_min=int(self.launcher.duplicate_window_s // 60), confirm_label="Run query",
            lost_answer="InfoSum cannot list queries: if the answer is lost the outcome stays unknown (running "
                        "an insight query again is harmless: it changes nothing).")

        def answered(ok: bool | None) -> None:
            if ok:
                self.app.run_worker(self._send(cid, text, bool(body.get("sample")), bool(duplicates)),
                                    group="launch", exit_on_error=False, description="insight query")

        self.app.push_screen(LaunchConfirmScreen(view), answered)

    async def _send(self, cid: str | None, text: str, sample: bool, again: bool) -> None:
        from .flow_actions import send_launch

        outcome = await send_launch(
            self.app, lambda: self.launcher.launch_query(cid, text, sample=sample, allow_duplicate=again),
            "Query queued")
        if outcome is None or not self.is_mounted:
            return
        self._sent = {"query": text, **({"collaboration_id": cid} if cid else {}), **({"sample": True} if sample else {})}
        self.query_id = outcome.object_id
        self.target = Target("insight_query", outcome.object_id, outcome.name, self.session.name,
                             path=self.target.path)
        self.query_one("#query-compose").add_class("-hidden")
        self.paint_status()
        self.update_chrome()
        self.query_one("#query-results", ResourceTable).focus()

    def action_run_again(self) -> None:
        if self.query_id is None:
            self.notify("This query has not been sent yet: Review query (ctrl+s) sends it.", markup=False)
            return
        from .query_again import query_again

        query_again(self, self.session, self.target, self.query_id, request=self._sent)

    # ------------------------------------------------------------------ watching and results
    def _entry(self) -> Any:
        key = (self.session.name, "insight_query", self.query_id)
        return next((e for e in self.cr_app.watching.entries() if e.snapshot.key == key), None)

    def paint_status(self) -> None:
        entry = self._entry()
        text = Text()
        text.append("Query ", style="bold")
        text.append(plain(self.query_id or "", 80))
        if entry is None:
            text.append(" · status unknown here (press r to read the result)", style="dim")
        else:
            snap = entry.snapshot
            text.append(" · ")
            text.append_text(status_text("infosum", snap.status) if snap.status else Text("queued", style="cyan"))
            text.append(f" ({snap.lifecycle.value})", style="dim")
            if not snap.lifecycle.terminal:
                text.append(" · polling (2 s, backing off to 30 s)", style="dim")
            if snap.lifecycle is Lifecycle.FAILED and snap.reason:
                self.query_one("#query-error", Static).update(Text(f"✗ {plain(snap.reason, 400)}"))
        self._status = text
        self.query_one("#query-status", Static).update(text)

    def on_run_status(self, message: RunStatus) -> None:
        snap = message.snapshot
        if snap.kind != INSIGHT_QUERY or snap.object_id != self.query_id:
            return
        self.paint_status()
        if message.result is not None:
            self._paint_result(message.result)
        elif message.finished and snap.lifecycle is Lifecycle.SUCCEEDED:
            self.start("result", self._load_result())

    async def _load_result(self) -> None:
        qid = self.query_id
        if qid is None:
            return
        await self.fetch("result", isum.query_result(qid), paint=self._paint_result,
                         state=self.query_one("#query-state", LoadState), what="result")

    def _paint_result(self, result: Any) -> None:
        rows = result_rows(result)
        self.query_one("#query-results", ResourceTable).set_rows(rows)
        text = Text.assemble(getattr(self, "_status", Text("")), ("\nResult: ", "bold"), f"{len(rows)} row(s)")
        self.query_one("#query-status", Static).update(text)


__all__ = ["QueryScreen", "result_rows", "starting_query"]

