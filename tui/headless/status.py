"""``cleanroom-tui status``: the one-screen morning check.

Per LiveRamp profile: runs still going, runs that failed in the last 24 h (from the same listing
as ``runs``), and what is left of each budget — tokens (from the token manager's ``summary()``:
requested in the rolling 24 h window, whether a usable token is cached and until when), run
creations this hour and status reads (from the ledger the TUI shares), plus unresolved launches
in the launch journal and runs on the watch list. Per InfoSum profile: collaborations by status
and watched queries (InfoSum publishes no limits).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..core import liveramp as lr
from ..core.status import Lifecycle, normalize
from . import exitcodes
from .catalog import InfoSumCatalog, LiveRampCatalog
from .context import Context, ReadError
from .records import run_record, text, when
from .runs import collect, newest_first, run_columns
from .times import clock

FAILED_WINDOW = timedelta(hours=24)
#: rows per table on the one screen; the rest is counted, with the command that lists them
SCREEN_ROWS = 10


def _iso(value: Any) -> Any:
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else value


def token_budget(ctx: Context, profile: Any) -> dict[str, Any]:
    """The token manager's own summary (the full client: it knows the token cache and the window)."""
    session = ctx.session(profile)
    return {k: _iso(v) for k, v in ctx.engine.run(lambda: lr.token_summary(session.client)).items()}


def liveramp_budgets(ctx: Context, profile: Any, question_ids: list[str]) -> dict[str, Any]:
    ledger = ctx.ledger(profile)
    now = ctx.now()
    reads_left = {qid: ledger.reads_left(qid, now) for qid in question_ids}
    return {
        "tokens": token_budget(ctx, profile),
        "creates": {"left": ledger.remaining_creates(now), "perHour": ledger.creates_per_hour,
                    "nextFreeAt": _iso(ledger.creates_free_at(now))},
        "statusReads": {"perObjectPerHour": ledger.reads_per_hour,
                        "minLeft": min(reads_left.values(), default=ledger.reads_per_hour),
                        "objectsAtCap": sum(1 for left in reads_left.values() if left <= 0)},
    }


def bookkeeping(ctx: Context, profile: Any) -> dict[str, int]:
    if ctx.store is None:
        return {"unresolvedLaunches": 0, "watched": 0}
    return {"unresolvedLaunches": len(ctx.store.journal_unresolved(profile.name)),
            "watched": len(ctx.store.watch_list(profile.name))}


def liveramp_status(ctx: Context, profile: Any) -> tuple[dict[str, Any], list[Any], list[Any]]:
    catalog = LiveRampCatalog(ctx, profile)
    refs = catalog.question_refs(catalog.rooms())
    pairs = newest_first(collect(ctx, profile, refs, explicit=False))
    cutoff = ctx.now() - FAILED_WINDOW
    running = [p for p in pairs if normalize("liveramp", text(p[0], "status")).active]
    failed = [p for p in pairs if normalize("liveramp", text(p[0], "status")) is Lifecycle.FAILED
              and (when(p[0], "completedAt") or when(p[0], "submittedAt") or cutoff) >= cutoff]
    doc = {
        "profile": profile.name, "platform": "liveramp",
        "counts": {"running": len(running), "failedLast24h": len(failed), "runsListed": len(pairs),
                   "questions": len(refs)},
        "running": [run_record(r, profile.name, ref) for r, ref in running],
        "failedLast24h": [run_record(r, profile.name, ref) for r, ref in failed],
        "budgets": liveramp_budgets(ctx, profile, [ref.id for ref in refs]),
        **bookkeeping(ctx, profile),
    }
    return doc, running, failed


def infosum_status(ctx: Context, profile: Any) -> dict[str, Any]:
    found = InfoSumCatalog(ctx, profile).collaborations()
    by_status: dict[str, int] = {}
    for c in found:
        key = (text(c, "status") or "STATUS_INVALID").removeprefix("STATUS_").lower()
        by_status[key] = by_status.get(key, 0) + 1
    return {"profile": profile.name, "platform": "infosum",
            "collaborations": {"total": len(found), **by_status},
            "budgets": {"published": False}, **bookkeeping(ctx, profile)}


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def render_liveramp(ctx: Context, profile: Any, doc: dict[str, Any], running: list[Any], failed: list[Any]) -> None:
    out, tz = ctx.out, ctx.tz(profile)
    counts, budgets = doc["counts"], doc["budgets"]
    tokens, creates, reads = budgets["tokens"], budgets["creates"], budgets["statusReads"]
    token_text = f"tokens: {tokens['requestedInWindow']} of {tokens['allowed']} requested in the last 24 h"
    if tokens.get("hasToken") and tokens.get("expiresAt"):
        token_text += f" · cached token valid until {clock(_when(tokens['expiresAt']), tz=tz)}"
    if tokens.get("nextFreeAt"):
        token_text += f" · next token allowed at {clock(_when(tokens['nextFreeAt']), tz=tz)}"
    create_text = f"creations left this hour: {creates['left']}/{creates['perHour']}"
    if creates.get("nextFreeAt"):
        create_text += f" (next frees at {clock(_when(creates['nextFreeAt']), tz=tz)})"
    out.line(f"{profile.name} (LiveRamp)")
    out.line(f"  running: {counts['running']}   failed in the last 24 h: {counts['failedLast24h']}   "
             f"runs listed: {counts['runsListed']} across {counts['questions']} questions")
    out.line(f"  {token_text}")
    out.line(f"  {create_text} · status reads: {reads['perObjectPerHour']} per object per hour "
             f"({reads['objectsAtCap']} questions at the cap)")
    out.line(f"  launch journal: {doc['unresolvedLaunches']} unresolved · watched: {doc['watched']}")
    for title, rows, hint, reason in (("running", running, "runs --status running", False),
                                      ("failed in the last 24 h", failed, "runs --status failed --since 24h", True)):
        if not rows:
            continue
        out.line()
        out.table(run_columns(ctx, profile, reason=reason),
                  [(r, ref, profile.name) for r, ref in rows[:SCREEN_ROWS]], title=title.upper())
        if len(rows) > SCREEN_ROWS:
            out.line(f"… and {len(rows) - SCREEN_ROWS} more (cleanroom-tui {hint})")


def render_infosum(ctx: Context, profile: Any, doc: dict[str, Any]) -> None:
    collabs = doc["collaborations"]
    parts = ", ".join(f"{n} {k}" for k, n in collabs.items() if k != "total")
    ctx.out.line(f"{profile.name} (InfoSum)")
    ctx.out.line(f"  collaborations: {collabs['total']}" + (f" ({parts})" if parts else ""))
    ctx.out.line(f"  budgets: none published · watched queries: {doc['watched']}")


def execute(ctx: Context) -> int:
    docs: list[dict[str, Any]] = []
    renders = []
    for profile in ctx.profiles:
        try:
            if profile.platform == "liveramp":
                doc, running, failed = liveramp_status(ctx, profile)
                renders.append(lambda p=profile, d=doc, r=running, f=failed: render_liveramp(ctx, p, d, r, f))
            else:
                doc = infosum_status(ctx, profile)
                renders.append(lambda p=profile, d=doc: render_infosum(ctx, p, d))
        except ReadError as exc:
            ctx.report(exc, f"profile {profile.name}")
            continue
        docs.append(doc)
    if not docs:
        return exitcodes.API_ERROR

    def render() -> None:
        for i, draw in enumerate(renders):
            if i:
                ctx.out.line()
            draw()

    ctx.out.document({"generatedAt": _iso(ctx.now()), "profiles": docs}, render)
    return exitcodes.OK
