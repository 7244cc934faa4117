"""``cleanroom-tui exports [--room R]``: the export jobs of the profile's clean rooms and their latest run
(issue 20.3).

One ``GET /cleanrooms/{id}/exports/jobs`` per room (every room, or the ``--room`` ones: id, ``CR-…``
display id or exact name; repeatable), then one ``GET /exports/jobs/{id}/runs`` per job — a status read
charged to the job (:mod:`tui.core.exports` says why), so a job whose hourly reads are spent shows its
stored runs (exit 4) or none. Each job is printed with its room: name, id, ACTIVE/PAUSED, question,
destination, and its latest run's status, submit time, records and error. ``--json`` prints the
platform's job objects (the client model's normalised form) with ``latestRun`` and the room added.
"""

from __future__ import annotations

from typing import Any

from ..core import exports as ex
from ..core import liveramp as lr
from . import exitcodes
from .catalog import LiveRampCatalog
from .context import NOT_CACHED, SKIPPABLE, Context, ReadError
from .output import Column
from .records import tagged, text


def _jobs(ctx: Context, profile: Any, room: dict[str, Any]) -> list[dict[str, Any]]:
    rid = text(room, "id")
    try:
        got = ctx.fetch(profile, lr.export_jobs_of(rid), skippable=True)
    except ReadError as exc:
        if exc.code == NOT_CACHED or exc.status in SKIPPABLE:
            ctx.out.warn(f"skipped the export jobs of {text(room, 'displayId') or rid}: {exc}",
                         once=f"skipped-exports:{rid}")
            return []
        raise
    return [j for j in got.value or [] if isinstance(j, dict)]


def latest_run(answer: Any) -> dict[str, Any] | None:
    """The newest run of a ``ListDataExportJobRunsResponse`` (JSON)."""
    runs = [r for day in (answer or {}).get("jobRunsByDate") or [] if isinstance(day, dict)
            for r in day.get("jobRuns") or [] if isinstance(r, dict)]
    return max(runs, key=lambda r: text(r, "submitTime"), default=None)


def _latest(ctx: Context, profile: Any, job: dict[str, Any]) -> dict[str, Any] | None:
    job_id = text(job, "ID") or text(job, "id")
    try:
        got = ctx.fetch(profile, ex.job_runs(job_id))
    except ReadError as exc:
        if exc.code == NOT_CACHED or exc.status in SKIPPABLE:
            ctx.out.warn(f"no runs shown for export job {job_id}: {exc}")
            return None
        raise
    return latest_run(got.value)


def _run(r: dict[str, Any], key: str) -> str:
    return text(r.get("latestRun") or {}, key)


COLUMNS = (
    Column("ROOM", lambda r: r.get("cleanroomDisplayId")),
    Column("JOB", lambda r: r.get("name"), flex=True),
    Column("ID", lambda r: r.get("ID") or r.get("id")),
    Column("STATE", lambda r: r.get("status")),
    Column("QUESTION", lambda r: r.get("questionDisplayName") or r.get("questionName")),
    Column("DESTINATION", lambda r: text(r.get("partnerAccount") or {}, "name"), flex=True),
    Column("LAST RUN", lambda r: _run(r, "status")),
    Column("SUBMITTED", lambda r: _run(r, "submitTime")),
    Column("RECORDS", lambda r: _run(r, "totalRecords")),
    Column("ERROR", lambda r: _run(r, "errorMessage"), flex=True),
)


def execute(ctx: Context) -> int:
    profile = ctx.one("liveramp", "exports")
    catalog = LiveRampCatalog(ctx, profile)
    wanted = ctx.args.room or []
    rooms = [catalog.resolve_room(r) for r in wanted] if wanted else catalog.rooms()
    per_room = ctx.map(lambda room: _jobs(ctx, profile, room), rooms)
    pairs = [(room, job) for room, jobs in zip(rooms, per_room, strict=True) for job in jobs]
    latest = ctx.map(lambda pair: _latest(ctx, profile, pair[1]), pairs)
    records = [{**tagged(job, profile.name, "liveramp"), "cleanroomId": text(room, "id"),
                "cleanroomDisplayId": text(room, "displayId"), "latestRun": run}
               for (room, job), run in zip(pairs, latest, strict=True)]
    ctx.out.records(records, COLUMNS, empty="no export jobs")
    return exitcodes.OK


__all__ = ["COLUMNS", "execute", "latest_run"]
