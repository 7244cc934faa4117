"""``cleanroom-tui run RUN_ID``: one question run in detail.

One ``GET /cleanroom-question-runs/{id}`` (a status read charged to the run). Its question and
room come from the cache when a listing has seen the run (the run object does not name them).
Exit code 0 whatever the run's status: ``watch RUN_ID`` is the command whose exit code says
whether a run failed.
"""

from __future__ import annotations

from typing import Any

from ..core.status import normalize
from . import exitcodes
from .catalog import LiveRampCatalog, QuestionRef
from .context import Context
from .records import items, run_record, text, when
from .times import shown


def duration(run: dict[str, Any]) -> str:
    start = when(run, "executedAt") or when(run, "submittedAt")
    end = when(run, "completedAt")
    if start is None or end is None or end < start:
        return ""
    seconds = int((end - start).total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s"


def detail_pairs(ctx: Context, profile: Any, run: dict[str, Any], ref: QuestionRef | None) -> list[tuple[str, Any]]:
    tz = ctx.tz(profile)
    params = ", ".join(f"{k}={v}" for k, v in (run.get("parameters") or {}).items())
    parts = ", ".join(f"{text(p, 'name')}={text(p, 'value')}" for p in items(run.get("partitionParameters"))
                      if isinstance(p, dict))
    retryable = run.get("isRetryable")
    return [
        ("Run", text(run, "name")),
        ("Id", text(run, "id")),
        ("Status", f"{text(run, 'status')} ({normalize('liveramp', text(run, 'status')).value})"),
        ("Question", f"{ref.display_id}  {ref.name}".strip() if ref else ""),
        ("Room", f"{ref.room_display_id}  {ref.room_name}".strip() if ref else ""),
        ("Submitted", shown(when(run, "submittedAt"), tz)),
        ("Executed", shown(when(run, "executedAt"), tz)),
        ("Completed", shown(when(run, "completedAt"), tz)),
        ("Duration", duration(run)),
        ("Parameters", params),
        ("Partitions", parts),
        ("Reason", text(run, "failureReason")),
        ("Message", text(run, "runMessage")),
        ("Retryable", ("yes" if retryable else "no") if retryable is not None and text(run, "failureReason") else ""),
        ("Profile", profile.name),
    ]


def execute(ctx: Context) -> int:
    profile = ctx.one("liveramp", "run")
    catalog = LiveRampCatalog(ctx, profile)
    run = catalog.run(ctx.args.run_id.strip())
    seen = catalog.run_context(text(run, "id"))
    ref = seen[0] if seen else None
    ctx.out.document(run_record(run, profile.name, ref),
                     lambda: ctx.out.pairs(detail_pairs(ctx, profile, run, ref)))
    return exitcodes.OK
