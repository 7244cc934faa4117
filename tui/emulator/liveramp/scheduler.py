"""Run schedules run on the emulator's clock (issue 20.2): a scheduled run appears when it is due.

No background task (the emulator's state is computed from its clock): when a question's runs are
listed, every *active* schedule of that question gets the runs whose due times passed since it was
last looked at — at the start time's time of day, every day (DAILY), on its days of the week
(WEEKLY, else the start's weekday) or days of the month (MONTHLY, else the start's day), between
``startSchedule`` and ``endSchedule``. Only times after the schedule was created or last changed,
and after the world was built, are run (the seeded history already holds the past's runs), at most
:data:`CATCH_UP` per look. Each run is named ``Scheduled: <question> <day>`` and takes the
schedule's parameters: absolute values as they are, relative dates (``-7`` DAYS, ``-1`` MONTHS) from
the due day. GUESS: the platform's own catch-up rules are not documented.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, time, timedelta

from .lifecycle import plan_new_run
from .model import Run, Schedule

#: due runs created per look at most (a schedule left alone for a long time does not flood)
CATCH_UP = 31
DAY_NAMES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def _when(text: str) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = datetime.combine(date.fromisoformat(text[:10]), time(0))
        except ValueError:
            return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _due_on(s: Schedule, day: date, start: datetime) -> bool:
    if s.frequency == "DAILY":
        return True
    if s.frequency == "WEEKLY":
        days = s.days_of_week or [DAY_NAMES[start.weekday()]]
        return DAY_NAMES[day.weekday()] in days
    if s.frequency == "MONTHLY":
        return day.day in (s.days_of_month or [start.day])
    return False


def due_times(s: Schedule, after: datetime, until: datetime) -> list[datetime]:
    """The schedule's due times in ``(after, until]``, oldest first, at most :data:`CATCH_UP`."""
    start = _when(s.start)
    if start is None:
        return []
    end = _when(s.end)
    limit = min(until, end) if end is not None else until
    out: list[datetime] = []
    day = max(after, start).date()
    while len(out) < CATCH_UP:
        at = datetime.combine(day, start.timetz()).astimezone(UTC)
        if at > limit:
            break
        if at > after and at >= start and _due_on(s, day, start):
            out.append(at)
        day += timedelta(days=1)
    return out


def _shifted(day: date, count: int, unit: str) -> date:
    """``day`` moved by ``count`` days, or by months (``MONTHS``: to the 1st of that month, GUESS)."""
    if unit.upper() == "MONTHS":
        months = day.year * 12 + day.month - 1 + count
        return date(months // 12, months % 12 + 1, 1)
    return day + timedelta(days=count)


def _parameters(world, s: Schedule, due: datetime) -> tuple[dict[str, str], list[dict]]:
    params: dict[str, str] = {}
    partitions: list[dict] = []
    for p in s.parameters:
        name, value = str(p.get("name")), str(p.get("value", ""))
        if p.get("dateType") == "RELATIVE":  # run and partition parameters alike
            with contextlib.suppress(ValueError):  # not a whole count: sent as it is
                value = _shifted(due.date(), int(value), str(p.get("dateQualifier") or "DAYS")).isoformat()
        if p.get("parameterType") == "PARTITION_PARAMETER":
            partitions.append({"name": name, "value": value, "dataType": p.get("dataType") or "DATE"})
        else:
            params[name] = value
    return params, partitions


def run_due(world, question, now: datetime) -> list[Run]:
    """Create the runs of ``question``'s active schedules that fell due; returns them."""
    made: list[Run] = []
    marks = world.__dict__.setdefault("schedule_marks", {})
    for s in list(world.schedules.values()):
        if s.question_id != question.id or not s.active:
            continue
        after = max(marks.get(s.id, world.anchor), s.modified_at, s.created_at, world.anchor)
        due_list = due_times(s, after, now)
        for due in due_list:
            params, partitions = _parameters(world, s, due)
            run_id = world.ids.uuid()
            short = question.title.split(" (")[0]
            run = Run(run_id, f"Scheduled: {short} {due.date().isoformat()}", question.id, due, params, partitions,
                      plan_new_run(run_id), question.question.version, "demo-client")
            made.append(world.add_run(run))
        # caught up: nothing is due before now; else go on from the last run made
        marks[s.id] = due_list[-1] if len(due_list) >= CATCH_UP else max(now, after)
    return made


__all__ = ["CATCH_UP", "due_times", "run_due"]
