"""The budget ledger across processes: browser tabs under ``cleanroom-tui serve`` are separate app
processes sharing one store, and must not together spend more than one profile's budget."""

from __future__ import annotations

import multiprocessing as mp
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.config import Budget
from tui.core.budget import BudgetLedger
from tui.store import Store

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
BUDGET = Budget(min_status_interval_s=0.0)
TRIES = 15  # per process: 45 wanted, 20 allowed


def _claim_reads(path: str, worker: int, start, results) -> None:
    store = Store.open(Path(path))
    ledger = BudgetLedger("emu-lr", BUDGET, store)
    start.wait()
    granted = 0
    for _ in range(TRIES):
        if ledger.claim_read("run-1"):  # the wall clock, as the app's ledgers use
            granted += 1
    results.put(granted)
    store.close()


def _claim_creates(path: str, worker: int, start, results) -> None:
    store = Store.open(Path(path))
    ledger = BudgetLedger("emu-lr", BUDGET, store)
    start.wait()
    results.put(sum(ledger.claim_create() for _ in range(TRIES)))
    store.close()


def _race(target, path: Path) -> list[int]:
    ctx = mp.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=target, args=(str(path), w, start, results)) for w in range(3)]
    for p in procs:
        p.start()
    start.set()
    granted = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    return granted


def test_three_processes_share_the_status_read_budget_of_an_object(tmp_path):
    path = tmp_path / "store.sqlite3"
    Store.open(path).close()
    granted = _race(_claim_reads, path)
    assert sum(granted) == 20, granted  # the hour's 20 reads, all spent, none twice
    ledger = BudgetLedger("emu-lr", BUDGET, Store.open(path))
    assert ledger.reads_used("run-1") == 20
    assert not ledger.can_read("run-1")


def test_three_processes_share_the_creation_budget(tmp_path):
    path = tmp_path / "store.sqlite3"
    Store.open(path).close()
    assert sum(_race(_claim_creates, path)) == 20


def test_claim_read_refuses_what_can_read_refuses():
    ledger = BudgetLedger("p", Budget(min_status_interval_s=300.0))
    assert ledger.claim_read("r", T0)
    assert not ledger.claim_read("r", T0 + timedelta(seconds=10))  # the recommended spacing
    assert ledger.claim_read("r", T0 + timedelta(seconds=10), urgent=True)  # a one-off read may skip it
    assert ledger.reads_used("r", T0 + timedelta(seconds=11)) == 2
