"""Benchmark: the watcher's status calls against naive polling, and limit violations.

Not collected by pytest (``norecursedirs``); ``python -m tests.bench`` calls :func:`measure`, or by
hand::

    python -m tests.bench.bench_watch [--quick] [--compressed]

1. **A simulated hour** (emulator in ``strict_limits`` mode over real HTTP, a ManualClock stepped from
   wake-up to wake-up): 20 runs launched through the launcher (exactly the hourly creation budget) and
   watched for an hour. The same launches are then polled naively — one ``GET`` per run every 5
   minutes until it finishes — against an identical emulator (the baseline). Reported: status calls of
   both, limit violations (must be 0), and whether the failed run's reason reached ``RunFinished``.
2. **Idle CPU** is measured on the running TUI by ``bench_idle_tui`` (``--only idle``): the real app
   on a pty, its one polling loop (:meth:`tui.core.board.RunsBoard.run`) watching 10 runs.
3. **Compressed clock** (``--compressed``, by hand only): the emulator's clock runs 60× (an hour in a
   minute), the profile budget is scaled to match (``Budget().scaled(60)``), and the watcher runs in
   real time with the runs board's loop for a minute.

Figures only; nothing is asserted on timings.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from tui.api.liveramp import LiveRampClient
from tui.config import Budget, Profile
from tui.core.board import RunsBoard
from tui.core.launch import Launcher
from tui.core.params import BOOLEAN, DATE, DECIMAL, INTEGER, TIMESTAMP
from tui.core.status import normalize
from tui.core.watch import RunFinished, Watcher
from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.clock import ScaledClock
from tui.emulator.server import served
from tui.store import Store

SECRET_ENV = "BENCH_LR_SECRET"
FAILURE = "Crowd size threshold not met: every output row was suppressed"


def profile(base_url: str, budget: Budget | None = None, name: str = "bench") -> Profile:
    return Profile(name=name, platform="liveramp", base_url=base_url, client_id="demo-client",
                   secret_env=SECRET_ENV, budget=budget or Budget())


def fill(form):
    for f in form.fields:
        if form.values.get(f.key):
            continue
        if f.choices:
            value = f.choices[0]
        elif f.kind == DATE:
            value = "2026-10-31" if f.range_role == "end" or "end" in f.name else "2026-10-01"
        elif f.kind == TIMESTAMP:
            value = "2026-10-01T00:00:00Z"
        elif f.kind == INTEGER:
            value = "14"
        elif f.kind == DECIMAL:
            value = "1.5"
        elif f.kind == BOOLEAN:
            value = "true"
        else:
            value = "bench"
        form.set_value(f.key, value)
    return form


async def ready_questions(client: LiveRampClient) -> list:
    for room in await client.list_cleanrooms():
        if room.status != "COMPLETE":
            continue
        questions = [q for q in await client.list_cleanroom_questions(room.id) if q.status == "READY"]
        if len(questions) >= 4:
            return questions
    raise RuntimeError("no room with READY questions")


async def launch_runs(client: LiveRampClient, launcher: Launcher, questions: list, runs: int, now) -> list:
    forms = {q.id: fill(await launcher.prepare_launch(q.id, now=now())) for q in questions}
    outcomes = []
    for i in range(runs):
        q = questions[i % len(questions)]
        outcomes.append(await launcher.launch_form(forms[q.id], allow_duplicate=True))
    return outcomes


def doom(world, run_id: str) -> None:
    plan = world.runs[run_id].plan
    plan.final, plan.failure_reason, plan.run_message = "FAILED", FAILURE, "All result rows suppressed"


# --------------------------------------------------------------------------- 1. a simulated hour

async def simulated_hour(n_questions: int, runs: int = 20, token_dir: Path | None = None) -> dict:
    clock = ManualClock()
    with served(EmulatorOptions(seed=7, clock=clock, strict_limits=True)) as emu:
        world = emu.liveramp
        async with LiveRampClient(profile(emu.base_url), token_cache_dir=token_dir / "w") as client:
            store = Store.in_memory(now=clock.now)
            launcher = Launcher(client, store, now=clock.now)
            finished: list[RunFinished] = []
            watcher = Watcher(store, now=clock.now,
                              on_event=lambda e: finished.append(e) if isinstance(e, RunFinished) else None)
            watcher.attach(client, ledger=launcher.ledger)
            questions = (await ready_questions(client))[:n_questions]
            outcomes = await launch_runs(client, launcher, questions, runs, clock.now)
            for outcome in outcomes:
                watcher.watch_launch(outcome)
            doom(world, outcomes[2].object_id)
            before = sum(world.counters.status_reads.values())
            start = clock.now()
            end = start + timedelta(hours=1)
            while (wake := watcher.next_wake()) is not None and wake <= end:
                clock.set(max(wake, clock.now()))
                await watcher.tick()
            calls = sum(world.counters.status_reads.values()) - before
            reason = next((e.reason for e in finished if e.run.object_id == outcomes[2].object_id), None)
            result = {"questions": len(questions), "runs": runs, "calls": calls, "by_op": dict(watcher.calls),
                      "violations": len(world.limit_violations), "finished": len(finished),
                      "reason_ok": reason == FAILURE, "last_finish_min": None}
            if finished:
                result["last_finish_min"] = max((e.run.polled_at - start).total_seconds() for e in finished) / 60
            ids = [o.object_id for o in outcomes]
    result.update(await naive_hour(n_questions, runs, ids, token_dir))
    return result


async def naive_hour(n_questions: int, runs: int, expected_ids: list[str], token_dir: Path) -> dict:
    """The same launches, polled one GET per run every 5 minutes until each has finished."""
    clock = ManualClock()
    with served(EmulatorOptions(seed=7, clock=clock, strict_limits=True)) as emu:
        world = emu.liveramp
        async with LiveRampClient(profile(emu.base_url), token_cache_dir=token_dir / "n") as client:
            launcher = Launcher(client, Store.in_memory(now=clock.now), now=clock.now)
            questions = (await ready_questions(client))[:n_questions]
            outcomes = await launch_runs(client, launcher, questions, runs, clock.now)
            doom(world, outcomes[2].object_id)
            pending = [o.object_id for o in outcomes]
            before = sum(world.counters.status_reads.values())
            start = clock.now()
            step = 0
            while pending and step < 12:
                step += 1
                clock.set(start + timedelta(minutes=5 * step))
                for run_id in list(pending):
                    run = await client.get_run(run_id)
                    if normalize("liveramp", run.status).terminal:
                        pending.remove(run_id)
            calls = sum(world.counters.status_reads.values()) - before
            same = [o.object_id for o in outcomes] == expected_ids
            return {"naive": calls, "naive_violations": len(world.limit_violations), "same_runs": same,
                    "naive_hour": runs * 12}


# --------------------------------------------------------------------------- 2. compressed clock

async def compressed_minute(token_dir: Path, speed: float = 60.0, runs: int = 20) -> dict:
    """An hour in a minute: emulator clock ×60, budget scaled ×60, the watcher in real time."""
    options = EmulatorOptions(seed=7, clock=ScaledClock(speed), strict_limits=True)
    with served(options) as emu:
        world = emu.liveramp
        budget = Budget().scaled(speed)
        async with LiveRampClient(profile(emu.base_url, budget), token_cache_dir=token_dir / "c") as client:
            store = Store.in_memory()
            launcher = Launcher(client, store)
            finished: list = []
            board = RunsBoard([], store=store, keep_recent=False, settle=False)
            watcher = board.watcher
            watcher.subscribe(lambda e: finished.append(e) if isinstance(e, RunFinished) else None)
            watcher.attach(client, ledger=launcher.ledger)
            questions = (await ready_questions(client))[:4]
            outcomes = await launch_runs(client, launcher, questions, runs, lambda: options.clock.now())
            for outcome in outcomes:
                watcher.watch_launch(outcome)
            before = sum(world.counters.status_reads.values())
            t0 = time.monotonic()

            async def wait(wake, now) -> bool:  # the board's loop, cut at an hour of emulator time
                left = 3600 / speed - (time.monotonic() - t0)
                if left <= 0:
                    return False
                await board.sleep(min(left, 30.0 if wake is None else (wake - now).total_seconds()))
                return True

            await board.run(wait=wait)
            return {"runs": runs, "calls": sum(world.counters.status_reads.values()) - before,
                    "violations": len(world.limit_violations), "finished": len(finished),
                    "wall_s": time.monotonic() - t0}


# --------------------------------------------------------------------------- the runner's interface

async def _measure(quick: bool, tmp: Path) -> list[dict]:
    os.environ[SECRET_ENV] = "demo-secret"
    rows = []
    for n_questions in (4,) if quick else (4, 8):
        r = await simulated_hour(n_questions, token_dir=tmp)
        ok = r["calls"] < r["naive"] and r["violations"] == 0 and r["reason_ok"] and r["finished"] == r["runs"]
        ops = ", ".join(f"{k} {v}" for k, v in sorted(r["by_op"].items()))
        rows.append({
            "figure": f"watcher: status calls, 20 runs / {r['questions']} questions, simulated hour",
            "ours": float(r["calls"]), "baseline": float(r["naive"]), "unit": "calls",
            "target": "< naive, 0 violations", "passed": ok,
            "note": (f"strict-limits emulator over HTTP, ManualClock; baseline = one GET per run every 5 min until "
                     f"done (naive for the whole hour: {r['naive_hour']}); watcher calls by operation: {ops}; "
                     f"limit violations {r['violations']} (naive {r['naive_violations']}); "
                     f"{r['finished']}/{r['runs']} seen finished"
                     + (f", the last after {r['last_finish_min']:.0f} min" if r["last_finish_min"] is not None else "")
                     + f"; failed run's reason reached RunFinished: {'yes' if r['reason_ok'] else 'NO'}"
                     + ("" if r["same_runs"] else "; the naive pass got other run ids")),
        })
    return rows


def measure(quick: bool = False) -> list[dict]:
    """Rows for ``python -m tests.bench``: the simulated hour(s)."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    saved = {k: os.environ.get(k) for k in ("CLEANROOM_TUI_STATE_DIR", "CLEANROOM_TUI_CACHE_DIR", SECRET_ENV)}
    os.environ["CLEANROOM_TUI_STATE_DIR"] = str(tmp / "state")
    os.environ["CLEANROOM_TUI_CACHE_DIR"] = str(tmp / "cache")
    try:
        return asyncio.run(_measure(quick, tmp))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one scenario")
    parser.add_argument("--compressed", action="store_true", help="also run the real-time compressed-clock minute")
    args = parser.parse_args(argv)
    from .report import markdown_table, notes

    rows = measure(args.quick)
    print(markdown_table(rows))
    print("\n".join(notes(rows)))
    if args.compressed:
        tmp = Path(tempfile.mkdtemp(prefix="bench-watch-"))
        try:
            os.environ[SECRET_ENV] = "demo-secret"
            r = asyncio.run(compressed_minute(tmp))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(f"\ncompressed clock (an hour in a minute): {r['runs']} runs, {r['calls']} status calls, "
              f"{r['violations']} violations, {r['finished']}/{r['runs']} finished, {r['wall_s']:.0f} s")


if __name__ == "__main__":
    main()
