"""Loading a comparison (issue 20.1): which reads, in what order, within which budget.

LiveRamp question runs (:class:`RunCompare`):

- the two runs come from *one* read of the question's run list (a status read charged to the
  question, the same cache entry the question screen uses) when the question is known — which
  also finds the default partner, the previous completed run of the same question; otherwise each
  run is read on its own (a status read charged to that run);
- results are read page by page (``GET …/data``, 500 rows, the API's page), both runs side by
  side, until ``max_rows`` per run (default 50,000: 100 pages each) or the end of both; a
  completed run's results never change, so a page already in the cache is not read again;
- the row totals come from ``GET …/data/count``.

The first pages are joined and handed to the caller at once (the first screen of differences);
the rest follow in batches, so a 1M-row pair shows differences in well under a second and then
fills in, never holding more than ``max_rows`` rows per run.

InfoSum insight queries (:class:`QueryCompare`): each query's result is one read (the platform
aggregates it: a dimension breakdown, or a single total), joined on the breakdown path.

Every read is a :class:`~tui.core.reads.Read` of the domain services, made through the session
(cache, online flag, errors as :class:`~tui.api.http.ApiError`), so each status read — the run list,
a single run — is charged to the profile's ledger by the one rule (:func:`tui.core.reads.admit`).
When the ledger says no (:class:`~tui.core.reads.BudgetWait`), a cached answer is used where it can
be trusted (a completed run never changes; a cached run list that has both runs), else the wait is
raised for the screen to show ("next read at HH:MM"). No Textual.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

from . import infosum as isum
from . import liveramp as lr
from .compare import Column, Comparison, Side
from .reads import BudgetWait

#: result rows per page (the API's default and the run screen's page)
PAGE = lr.RESULT_PAGE
#: rows per run compared by default (100 pages of each run)
DEFAULT_ROWS = 50_000
#: pages joined before the caller is told again (the first page is always told at once)
BATCH_PAGES = 10
#: the run list page (the API's maximum), the question screen's cache entry
RUN_LIST = 100


class CompareError(Exception):
    """The two runs cannot be compared (not found, not completed, no previous run)."""

    expected = True


def side_of_run(run: Any, total: int | None = None) -> Side:
    params = {str(k): str(v) for k, v in (run.parameters or {}).items()}
    for p in run.partition_parameters or []:
        params[f"{p.name} (partition)"] = str(p.value)
    return Side(id=run.id, name=run.name or "", status=run.status or "", submitted_at=run.submitted_at,
                started_at=run.executed_at, completed_at=run.completed_at, parameters=params, total=total)


def _submitted(run: Any) -> str:
    return run.submitted_at.isoformat() if run.submitted_at else ""


def previous_completed(runs: list[Any], run: Any) -> Any | None:
    """The newest COMPLETED run of the list submitted before ``run`` (the default other run)."""
    earlier = [r for r in runs if r.id != run.id and r.status == "COMPLETED" and _submitted(r) <= _submitted(run)]
    return max(earlier, key=_submitted, default=None)


class RunCompare:
    """Compare two LiveRamp question runs: ``run_id`` and ``other_id``, by default the previous
    completed run of the same question. A is always the earlier run and B the later, so a change
    reads as "from A to B" (B − A)."""

    def __init__(self, session: Any, run_id: str, other_id: str | None = None, *, question_id: str | None = None,
                 max_rows: int = DEFAULT_ROWS, listed: list[Any] | None = None) -> None:
        self.session = session
        self.a_id = run_id
        self.b_id = other_id
        self.question_id = question_id
        #: the question's run list when the caller read it already (the headless budgeted read)
        self.listed = listed
        self.max_rows = max(PAGE, max_rows)
        self.comparison: Comparison | None = None
        #: result pages read from the platform (not the cache), for the budget note and the tests
        self.pages_read = 0

    async def _run(self, run_id: str) -> Any:
        read = lr.run(run_id)
        cached = self.session.cached(read)
        if cached is not None and cached.value.status == "COMPLETED":
            return cached.value  # a completed run never changes: no status read spent on it
        try:
            return (await self.session.load(read)).value
        except BudgetWait:
            if cached is not None:
                return cached.value
            raise

    async def runs(self) -> tuple[Any, Any]:
        """(run A, run B), B defaulting to the previous completed run of A's question."""
        found: dict[str, Any] = {}
        listed: list[Any] = []
        if self.listed is not None:
            listed = list(self.listed)
            found = {r.id: r for r in listed}
        elif self.question_id:
            qid = self.question_id
            # a completed run never changes: when the question's cached list (the screen we came
            # from read it) already has both runs completed, no status read is spent on them
            read = lr.runs_of(qid)
            cached = self.session.cached(read)
            if cached is not None and self._settled(list(cached.value)):
                listed = list(cached.value)
            else:
                try:
                    listed = list((await self.session.load(read)).value)
                except BudgetWait:
                    if cached is None:
                        raise
                    listed = list(cached.value)  # the budget says not now: what was read last

            found = {r.id: r for r in listed}
        a = found.get(self.a_id) or await self._run(self.a_id)
        if self.b_id:
            b = found.get(self.b_id) or await self._run(self.b_id)
        else:
            if not listed:
                raise CompareError("name the second run (RUN_B), or compare from the question's runs: "
                                   "the default is the previous completed run of the same question")
            b = previous_completed(listed, a)
            if b is None:
                raise CompareError(f"no earlier completed run of this question to compare {a.name or a.id} with")
        for r in (a, b):
            if r.status != "COMPLETED":
                raise CompareError(f"run {r.name or r.id} is {r.status}: only completed runs have results")
        if a.id == b.id:
            raise CompareError("that is the same run twice: pick two different runs")
        if _submitted(b) < _submitted(a):
            a, b = b, a
        return a, b

    def _settled(self, runs: list[Any]) -> bool:
        """Both runs (the named ones, or A and its default) are in ``runs`` and completed."""
        found = {r.id: r for r in runs}
        a = found.get(self.a_id)
        if a is None or a.status != "COMPLETED":
            return False
        b = found.get(self.b_id) if self.b_id else previous_completed(runs, a)
        return b is not None and b.status == "COMPLETED"

    async def _page(self, run_id: str, offset: int) -> Any:
        read = lr.run_data(run_id, offset)
        cached = self.session.cached(read)
        if cached is not None:
            return cached.value
        self.pages_read += 1
        return (await self.session.load(read)).value

    async def _count(self, run_id: str) -> int | None:
        read = lr.run_data_count(run_id)
        cached = self.session.cached(read)
        if cached is not None:
            return cached.value
        return (await self.session.load(read)).value

    async def start(self) -> Comparison:
        """Read both runs: the comparison with no rows joined yet (totals come with the first pages)."""
        a, b = await self.runs()
        self.comparison = Comparison(side_of_run(a), side_of_run(b))
        return self.comparison

    async def _first(self, cmp: Comparison) -> list[Any]:
        """The first page of both runs and both row totals, read side by side."""
        got = await asyncio.gather(self._page(cmp.a.id, 0), self._page(cmp.b.id, 0),
                                   self._count(cmp.a.id), self._count(cmp.b.id))
        cmp.a.total, cmp.b.total = got[2], got[3]
        return list(got[:2])

    async def fill(self, told: Callable[[Comparison], Any] | None = None) -> Comparison:
        """Join result pages until ``max_rows`` per run or the end of both; ``told(comparison)``
        after the first page and then every :data:`BATCH_PAGES` pages (and once at the end)."""
        cmp = self.comparison or await self.start()
        sides = (("a", cmp.a), ("b", cmp.b))
        offset = 0
        pages = 0
        while offset < self.max_rows:
            wanted = [(name, s) for name, s in sides if s.total is None or offset < s.total]
            if not wanted:
                break
            if offset == 0:
                got = await self._first(cmp)
            else:
                got = await asyncio.gather(*(self._page(s.id, offset) for _, s in wanted))
            empty = True
            for (name, s), data in zip(wanted, got, strict=True):
                if data.metadata:
                    cmp.set_columns([Column(c.column_name or c.field_name, c.data_type or "") for c in data.metadata])
                if data.stats:
                    empty = False
                cmp.add(name, data.stats)
                if len(data.stats) < PAGE and s.total is None:
                    s.total = s.compared
            offset += PAGE
            pages += 1
            if empty:
                break
            if told is not None and (pages == 1 or pages % BATCH_PAGES == 0):
                await _tell(told, cmp)
        if not cmp.complete:
            cmp.stopped = f"compare budget: {self.max_rows:,} rows per run"
        if told is not None:
            await _tell(told, cmp)
        return cmp


class QueryCompare:
    """Compare two InfoSum insight queries' results (each one read, aggregated by the platform)."""

    def __init__(self, session: Any, a_id: str, b_id: str, *, parameters: dict[str, dict[str, str]] | None = None,
                 statuses: dict[str, str] | None = None) -> None:
        self.session = session
        self.a_id = a_id
        self.b_id = b_id
        self.params = parameters or {}
        self.statuses = statuses or {}

    async def _result(self, qid: str) -> Any:
        return (await self.session.load(isum.query_result(qid))).value

    async def fill(self, told: Callable[[Comparison], Any] | None = None) -> Comparison:
        if self.a_id == self.b_id:
            raise CompareError("that is the same query twice: pick two different queries")
        ra, rb = await asyncio.gather(self._result(self.a_id), self._result(self.b_id))
        rows_a, rows_b = ra.rows(), rb.rows()
        cmp = Comparison(
            Side(self.a_id, self.a_id, self.statuses.get(self.a_id, "completed"),
                 parameters=dict(self.params.get(self.a_id, {})), total=len(rows_a)),
            Side(self.b_id, self.b_id, self.statuses.get(self.b_id, "completed"),
                 parameters=dict(self.params.get(self.b_id, {})), total=len(rows_b)), kind="query")
        cmp.set_columns(query_columns([*rows_a, *rows_b]))
        cmp.add("a", rows_a)
        cmp.add("b", rows_b)
        if told is not None:
            await _tell(told, cmp)
        return cmp


async def _tell(told: Callable[[Comparison], Any], cmp: Comparison) -> None:
    """Hand the comparison over; a caller that answers with an awaitable (the screen, until the
    rows are on screen) holds the next pages back until then, so painting is never starved."""
    answer = told(cmp)
    if inspect.isawaitable(answer):
        await answer


_QUERY_SHAPE = ("path", "depth", "category", "value", "continuous")


def query_columns(rows: list[dict[str, Any]]) -> list[Column]:
    """A query result's columns: the breakdown path is the dimension; count and every other
    numeric field are measures (a playbook result's string fields are dimensions too)."""
    from .compare import number

    names: dict[str, str] = {}
    for row in rows:
        for k, v in row.items():
            if k in _QUERY_SHAPE[1:]:
                continue
            numeric = k != "path" and (isinstance(v, int | float) and not isinstance(v, bool) or number(v) is not None)
            if names.get(k) != "STRING":
                names[k] = "DOUBLE" if numeric else "STRING"
    if "path" in names:
        names = {"path": "STRING", **{k: v for k, v in names.items() if k != "path"}}
    return [Column(k, t) for k, t in names.items()]


__all__ = ["BATCH_PAGES", "CompareError", "DEFAULT_ROWS", "PAGE", "QueryCompare", "RunCompare",
           "previous_completed", "query_columns", "side_of_run"]
