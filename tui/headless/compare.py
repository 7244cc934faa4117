"""``cleanroom-tui compare RUN_A [RUN_B]``: two runs compared, as the TUI's ``c`` does (issue 20.1).

LiveRamp: RUN_A's question is found in the cache (a listing saw the run), else by reading the run
lists of the profile's questions until one holds it (each a status read charged to its question,
within the budget, narrated on stderr). That list also gives RUN_B's default, the previous
completed run. The results are compared by :mod:`tui.core.compare_load` (page by page, at most
``--rows`` per run) and printed: both runs, the parameters side by side, what was compared, and
the largest changes. ``--json`` prints the whole comparison document; ``--out FILE`` also writes it
through the app's one export writer. Exit 0 when compared.

InfoSum (an InfoSum profile selected): RUN_A and RUN_B are two insight query ids.
"""

from __future__ import annotations

from typing import Any

from . import exitcodes
from .catalog import LiveRampCatalog
from .context import Context, UsageError
from .output import JSON, JSONL, Column

#: changes shown as text when --limit is not given
TEXT_ROWS = 20


def _question_runs(ctx: Context, profile: Any, run_id: str) -> tuple[str | None, list[dict[str, Any]]]:
    """(question id, its run list as JSON) of the question that has ``run_id``."""
    catalog = LiveRampCatalog(ctx, profile)
    seen = catalog.run_context(run_id)
    if seen is not None:
        ref = seen[0]
        return ref.id, catalog.runs(ref)
    ctx.out.note(f"looking for run {run_id} in the profile's questions (one run-list read per question)")
    for ref in catalog.question_refs(catalog.rooms()):
        runs = catalog.runs(ref, skippable=True)
        if any(isinstance(r, dict) and r.get("id") == run_id for r in runs):
            return ref.id, runs
    return None, []


def _loader(ctx: Context, profile: Any) -> Any:
    from ..core.compare_load import QueryCompare, RunCompare

    args = ctx.args
    session = ctx.session(profile)
    if profile.platform == "infosum":
        if not args.run_b:
            raise UsageError("compare with an InfoSum profile needs two insight query ids (QUERY_A QUERY_B)")
        return QueryCompare(session, args.run_a.strip(), args.run_b.strip())
    run_a = args.run_a.strip()
    qid, runs = _question_runs(ctx, profile, run_a)
    listed = None
    if qid is not None:
        from ..api.liveramp import models

        listed = [models.QuestionRun.model_validate(r) for r in runs if isinstance(r, dict)]
    return RunCompare(session, run_a, (args.run_b or "").strip() or None, question_id=qid,
                      max_rows=max(1, args.rows), listed=listed)


def _profile(ctx: Context) -> Any:
    platforms = {p.platform for p in ctx.profiles}
    if platforms == {"infosum"}:
        return ctx.one("infosum", "compare")
    return ctx.one("liveramp", "compare")


def execute(ctx: Context) -> int:
    from ..core.compare_load import CompareError

    profile = _profile(ctx)
    loader = _loader(ctx, profile)
    try:
        cmp = ctx.engine.run(lambda: loader.fill())
    except CompareError as exc:
        raise UsageError(str(exc)) from exc
    args = ctx.args
    if args.out:
        from ..core.export import exists_problem

        problem = exists_problem(args.out)
        if problem:
            raise UsageError(problem)
        rows = cmp.export(args.out)
        ctx.out.note(f"wrote {rows:,} compared rows to {args.out}")
    machine = ctx.out.mode in (JSON, JSONL)
    limit = args.limit if args.limit is not None else (None if machine else TEXT_ROWS)
    ctx.out.document(cmp.document(limit=limit), lambda: _render(ctx, cmp, limit or TEXT_ROWS))
    return exitcodes.OK


def _render(ctx: Context, cmp: Any, limit: int) -> None:
    out = ctx.out
    tz = ctx.tz()
    from .times import shown

    for label, side in (("A", cmp.a), ("B", cmp.b)):
        rec = cmp.side_record(side)
        out.pairs([(f"Run {label}", f"{side.name}  {side.id}".strip()), ("Status", side.status),
                   ("Submitted", shown(side.submitted_at, tz)),
                   ("Queued", _span(side.queued_seconds)), ("Ran", _span(side.run_seconds)),
                   ("Rows", f"{rec['rows']:,}" if rec["rows"] is not None else "")])
        out.line()
    params = cmp.parameters()
    if params:
        out.table([Column("Parameter", lambda p: p[0], flex=True), Column("A", lambda p: p[1], flex=True),
                   Column("B", lambda p: p[2], flex=True), Column("Differs", lambda p: "yes" if p[3] else "")],
                  params, title="Parameters")
        out.line()
    counts = cmp.counts()
    out.pairs([("Compared", cmp.scope()),
               ("Rows", ", ".join(f"{n:,} {what}" for what, n in counts.items()))])
    header, rows = cmp.table()
    shown_rows = rows[:limit]
    if shown_rows:
        out.line()
        cols = [Column(h, _cell(i), flex=i <= len(cmp.dims), right=i > len(cmp.dims))
                for i, h in enumerate(header)]
        out.table(cols, shown_rows, title=f"Largest changes ({len(shown_rows):,} of {len(rows):,})")


def _cell(i: int) -> Any:
    return lambda row: "" if row[i] is None else row[i]


def _span(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s"
