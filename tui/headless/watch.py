"""``cleanroom-tui watch RUN_ID… [--until-done [--timeout S]]``: runs' status through the budgeted watcher.

Polling goes through :class:`tui.core.watch.Watcher` with the profile's budget ledger (the TUI's):
runs of one question share one list call, reads keep to ≤ N per object per hour and the spacing
between reads, 429s back off. A run's question is taken from the cache when a listing has seen it
(so runs of one question can share a list call); otherwise it is read on its own.

- without ``--until-done``: one round of polling — what the budget allows now — then each run's
  status (the last known one, marked stale, for a run the budget does not let us read yet);
- ``--until-done``: poll until every run has finished, printing each change as it happens
  (a line, or a JSONL object), then the final statuses; ``--timeout S`` gives up after S seconds
  (exit 5).

Exit 1 when any run ended FAILED or CANCELLED. Runs this command added to the watch list are
taken off it again on exit (the TUI's own watch list is left as it was).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..core import liveramp as lr
from ..core.status import Lifecycle, normalize
from . import exitcodes
from .catalog import LiveRampCatalog, QuestionRef
from .context import UNREACHABLE, Context, ReadError, UsageError, to_json
from .output import JSON, JSONL, Column
from .records import run_record, text
from .times import clock, local, shown

#: a wait longer than this is announced on stderr (with the budget meter)
ANNOUNCE_WAIT_S = 30.0
_BAD_ENDINGS = (Lifecycle.FAILED, Lifecycle.CANCELLED)


class Board:
    """The last known state of each watched run, and where it came from."""

    def __init__(self, ctx: Context, profile: Any) -> None:
        self.ctx = ctx
        self.profile = profile
        self.runs: dict[str, dict[str, Any]] = {}
        self.as_of: dict[str, datetime | None] = {}
        self.refs: dict[str, QuestionRef | None] = {}
        self.fresh: set[str] = set()
        self.gone: set[str] = set()

    def record(self, run_id: str) -> dict[str, Any]:
        run = self.runs.get(run_id)
        if run is None:
            return {"id": run_id, "profile": self.profile.name, "platform": "liveramp", "lifecycle": "unknown"}
        return run_record(run, self.profile.name, self.refs.get(run_id))

    def as_of_text(self, run_id: str, tz: Any) -> str:
        if run_id in self.gone:
            return "not found"
        at = shown(self.as_of.get(run_id), tz)
        return at if run_id in self.fresh or not at else f"cached {at}"

    def finished(self, run_id: str) -> bool:
        """Known to have finished (a finished run does not change): no need to read it again."""
        return self.lifecycle(run_id).terminal

    def lifecycle(self, run_id: str) -> Lifecycle:
        return normalize("liveramp", text(self.runs.get(run_id) or {}, "status"))

    def seed(self, catalog: LiveRampCatalog, run_id: str) -> None:
        """What the cache knows: the run as last read on its own, or as last listed."""
        seen = catalog.run_context(run_id)
        self.refs[run_id] = seen[0] if seen else None
        cached = self.ctx.cached(self.profile, lr.run(run_id))
        if cached is not None and isinstance(cached.value, dict):
            self.runs[run_id], self.as_of[run_id] = cached.value, cached.fetched_at
        elif seen is not None:
            self.runs[run_id], self.as_of[run_id] = seen[1], seen[2]


def change_line(ctx: Context, profile: Any, old: Any, new: Any) -> str:
    before = f"{old.status} → " if old is not None and old.status != new.status else ""
    reason = f"  {new.reason}" if new.lifecycle.terminal and new.reason else ""
    at = local(new.polled_at or ctx.now(), ctx.tz(profile)).strftime("%H:%M:%S")
    return f"{at}  {new.name}  {before}{new.status} ({new.lifecycle.value})  {new.object_id}{reason}"


def final_columns(ctx: Context, board: Board) -> list[Column]:
    tz = ctx.tz(board.profile)
    return [
        Column("RUN ID", lambda rid: rid),
        Column("NAME", lambda rid: text(board.runs.get(rid) or {}, "name"), flex=True, min_width=16),
        Column("STATUS", lambda rid: text(board.runs.get(rid) or {}, "status")),
        Column("LIFECYCLE", lambda rid: board.lifecycle(rid).value),
        Column("AS OF", lambda rid: board.as_of_text(rid, tz)),
        Column("REASON", lambda rid: text(board.runs.get(rid) or {}, "failureReason"), flex=True),
    ]


def execute(ctx: Context) -> int:
    from ..core.watch import QUESTION_RUN

    args = ctx.args
    if args.timeout is not None and not args.until_done:
        raise UsageError("--timeout only applies with --until-done")
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    profile = ctx.one("liveramp", "watch")
    run_ids = list(dict.fromkeys(r.strip() for r in args.run_ids if r.strip()))
    if not run_ids:
        raise UsageError("watch needs at least one RUN_ID")
    board = Board(ctx, profile)
    catalog = LiveRampCatalog(ctx, profile)
    for rid in run_ids:
        board.seed(catalog, rid)
    already = ({w.object_id for w in ctx.store.watch_list(profile.name) if w.kind == QUESTION_RUN}
               if ctx.store is not None else set())
    session = ctx.session(profile)
    try:
        code = ctx.engine.run(lambda: watch(ctx, session, board, run_ids, args.until_done, args.timeout))
    finally:
        if ctx.store is not None:  # leave the watch list as it was
            for rid in run_ids:
                if rid not in already:
                    ctx.store.watch_remove(profile.name, QUESTION_RUN, rid)
    show_final(ctx, board, run_ids)
    if any(board.lifecycle(rid) in _BAD_ENDINGS for rid in run_ids):
        code = exitcodes.worst(code, exitcodes.RUN_FAILED)
    return code


async def watch(ctx: Context, session: Any, board: Board, run_ids: list[str], until_done: bool,
                timeout: float | None) -> int:
    from ..core.board import RunsBoard

    # the runs board of the TUI, for this command's runs only: the same watcher and the same loop,
    # with the profile's books; it neither settles the launch journal nor keeps recent runs
    runs = RunsBoard([session], store=ctx.store, now=ctx.now, ledgers={session.name: ctx.ledger(board.profile)},
                     keep_recent=False, settle=False)
    watcher = runs.watcher
    for rid in run_ids:
        if board.finished(rid):
            board.fresh.add(rid)  # final: the cached status is the status
            continue
        ref = board.refs.get(rid)
        watcher.watch_question_run(session.name, ref.id if ref else None, rid,
                                   cleanroom_id=ref.room_id if ref else None, launched=False)
    if until_done:
        return await poll_until_done(ctx, session, runs, board, timeout)
    apply(ctx, session, board, await runs.tick(), stream=False)
    for item in watcher.items():  # not read this round: the budget said "not yet"
        rid = item.object_id
        if rid in board.fresh or rid in board.gone:
            continue
        why = f"status-read budget: next read allowed at {clock(watcher.next_wake() or ctx.now(), tz=ctx.tz(board.profile))}"
        if board.runs.get(rid) is not None and board.as_of.get(rid) is not None:
            ctx.mark_stale(board.profile, board.as_of[rid], why)
        else:
            ctx.report(ReadError(f"no status known yet ({why})", code="BUDGET"), f"run {rid}")
    return exitcodes.OK


def apply(ctx: Context, session: Any, board: Board, events: list[Any], *, stream: bool) -> None:
    """Fold the watcher's events into the board (and print changes when streaming)."""
    from ..core.watch import PollFailed, RunChanged, RunFinished, RunGone

    model = lr.models().QuestionRun
    for event in events:
        if isinstance(event, RunChanged | RunFinished):
            snap = event.new if isinstance(event, RunChanged) else event.run
            rid = snap.object_id
            if snap.raw is not None:
                board.runs[rid] = to_json(snap.raw, model)
                session.remember(lr.run(rid), snap.raw)
            board.as_of[rid] = snap.polled_at
            board.fresh.add(rid)
            if isinstance(event, RunChanged) and stream:
                if ctx.out.mode == JSONL:
                    ctx.out.jsonl({"event": "changed", "previousStatus": event.old.status if event.old else None,
                                   **board.record(rid)})
                elif ctx.out.mode != JSON:
                    ctx.out.line(change_line(ctx, board.profile, event.old, snap))
        elif isinstance(event, RunGone):
            board.gone.add(event.key[2])
            ctx.report(event.error, f"run {event.key[2]}")
        elif isinstance(event, PollFailed):
            rid = event.key[2]
            retry_at = clock(event.retry_at, tz=ctx.tz(board.profile))
            if event.error.offline:
                when = board.as_of.get(rid)
                if when is not None and rid not in board.fresh:
                    ctx.mark_stale(board.profile, when, UNREACHABLE)
                ctx.out.note(f"cannot reach the platform; next try at {retry_at}", once=f"offline:{retry_at}")
            elif event.error.status == 429:
                ctx.out.note(f"rate limited (429): backing off until {retry_at}")
            else:
                ctx.report(event.error, f"run {rid}")


async def poll_until_done(ctx: Context, session: Any, runs: Any, board: Board, timeout: float | None) -> int:
    """The board's one polling loop until every run has finished; each change is printed as it comes."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout if timeout else None
    watcher = runs.watcher
    timed_out = False
    unsubscribe = watcher.subscribe(lambda event: apply(ctx, session, board, [event], stream=True))

    async def wait(wake: datetime | None, now: datetime) -> bool:
        nonlocal timed_out
        delay = max(0.0, (wake - now).total_seconds()) if wake is not None else 1.0
        cut = deadline is not None and loop.time() + delay > deadline
        next_at = clock(wake, tz=ctx.tz(board.profile)) if wake is not None else "?"
        if delay > ANNOUNCE_WAIT_S or cut:  # a long wait is said before it starts, the budget with it
            ctx.out.note(f"next status read at {next_at} · {watcher.budget_meter(session.name).text}",
                         once=f"next:{next_at}")
        if cut:
            await asyncio.sleep(max(0.0, deadline - loop.time()))
            left = ", ".join(i.object_id for i in watcher.items())
            ctx.out.note(f"timed out after {timeout:g}s; still going: {left}; the next status read was due at "
                         f"{next_at} (the profile's status budget spaces reads of a run: min_status_interval_s)")
            timed_out = True
            return False
        await asyncio.sleep(delay)
        return True

    try:
        await runs.run(wait=wait)
    finally:
        unsubscribe()
    return exitcodes.TIMED_OUT if timed_out else exitcodes.OK


def show_final(ctx: Context, board: Board, run_ids: list[str]) -> None:
    if ctx.out.mode == JSONL and ctx.args.until_done:
        return  # the changes were the stream
    ctx.out.records([board.record(rid) for rid in run_ids], final_columns(ctx, board), sources=run_ids,
                    empty="no runs")
