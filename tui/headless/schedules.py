"""``cleanroom-tui schedules [--question Q]``: the run schedules of the profile's questions (issue 20.2).

One ``GET /cleanroom-questions/{id}/cleanroom-question-run-schedules`` per question (side by side;
not a status read), for every question of every clean room, or only the ``--question`` ones (id,
``CRQ-…`` display id or exact name; repeatable). Each schedule is printed with its question and
room: name, display id, active or paused, cadence (frequency, days of the week or month), start and
end, and the parameters it runs with. ``--json`` prints the platform's schedule objects (the client
model's normalised form) with the question's context added.
"""

from __future__ import annotations

from typing import Any

from ..core import liveramp as lr
from . import exitcodes
from .catalog import LiveRampCatalog, QuestionRef
from .context import NOT_CACHED, SKIPPABLE, Context, ReadError
from .output import Column
from .records import tagged, text


def _schedules(ctx: Context, profile: Any, ref: QuestionRef) -> list[dict[str, Any]]:
    qid = ref.id
    try:
        got = ctx.fetch(profile, lr.schedules_of(qid))
    except ReadError as exc:
        if exc.code == NOT_CACHED or exc.status in SKIPPABLE:
            ctx.out.warn(f"skipped the schedules of {ref.display_id or qid}: {exc}")
            return []
        raise
    return [s for s in got.value or [] if isinstance(s, dict)]


def cadence(s: dict[str, Any]) -> str:
    freq = text(s, "repeatFrequency")
    days = ", ".join(str(d) for d in s.get("daysOfWeek") or [])
    month = ", ".join(str(d) for d in s.get("repeatDayofMonth") or [])
    return " ".join(part for part in (freq, f"on {days}" if days else "", f"on day {month}" if month else "") if part)


def parameters(s: dict[str, Any]) -> str:
    params = s.get("parameters") or {}
    items = params.values() if isinstance(params, dict) else params
    return ", ".join(f"{text(p, 'name')}={text(p, 'value')}" for p in items if isinstance(p, dict))


COLUMNS = (
    Column("QUESTION", lambda r: r.get("questionDisplayId") or r.get("cleanroomQuestionId")),
    Column("SCHEDULE", lambda r: r.get("name"), flex=True),
    Column("ID", lambda r: r.get("displayId") or r.get("id")),
    Column("STATE", lambda r: "active" if r.get("active") else "paused" if r.get("active") is False else ""),
    Column("REPEATS", cadence, flex=True),
    Column("STARTS", lambda r: r.get("startDateTime")),
    Column("ENDS", lambda r: r.get("endDateTime")),
    Column("PARAMETERS", parameters, flex=True),
)


def execute(ctx: Context) -> int:
    profile = ctx.one("liveramp", "schedules")
    catalog = LiveRampCatalog(ctx, profile)
    wanted = ctx.args.question or []
    refs = [catalog.resolve_question(q) for q in wanted] if wanted else catalog.question_refs(catalog.rooms())
    lists = ctx.map(lambda ref: _schedules(ctx, profile, ref), refs)
    records = [{**tagged(s, profile.name, "liveramp"), **ref.context()}
               for ref, found in zip(refs, lists, strict=True) for s in found]
    ctx.out.records(records, COLUMNS, empty="no run schedules")
    return exitcodes.OK


__all__ = ["COLUMNS", "cadence", "execute", "parameters"]
