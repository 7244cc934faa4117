"""Run schedule writes (issue 20.2): create, change, pause/resume and delete, each a
:class:`~tui.core.reads.Write` (method, path, JSON body) the confirmation shows before it is sent
once, recorded in the launch journal first (:mod:`tui.core.journaled`).

Paths and fields from the reference (§8.6) and the vendor spec:
``POST /cleanroom-questions/{id}/cleanroom-question-run-schedules`` and ``PATCH``/``DELETE
…/{scheduleId}``; create and PATCH both take ``CreateCleanroomQuestionRunScheduleInput``
(``name, startSchedule, endSchedule, repeatFrequency, daysOfWeek[], repeatDayofMonth[],
parameters[] {name, value, dataType, parameterType, dateQualifier, dateType}``) and answer ``{id}``.

Pausing and resuming — the decision (the spec documents no way to do it):
- the read model has ``active``; the PATCH input does not. A PATCH of ``{"active": false}`` alone
  (what an earlier version sent) would, on a server that replaces the schedule with the input, fail
  its required fields or wipe them. So pause/resume sends the *documented* input rebuilt from the
  schedule as read (every field unchanged) **plus** ``"active"``: valid under replace and merge
  semantics alike, with the one undocumented field the platform's own read model names.
- a server may ignore the unknown field: the screen reads the schedule again afterwards and says so
  when ``active`` did not change (:func:`took_effect`), instead of claiming it paused.
- the emulator accepts both shapes (``{"active": …}`` alone, or the full input with it).

Date format of ``startSchedule``/``endSchedule``: undocumented (reference §8.6, GUESS); the read
model's ``startDateTime`` is an ISO date-time, so ISO 8601 in UTC (``2026-12-08T06:00:00Z``) is sent.
No Textual.
"""

from __future__ import annotations

from typing import Any

from .journaled import Recovered, journaled
from .reads import Write

API_ROOT = "/v1"


def schedules_path(question_id: str, schedule_id: str | None = None) -> str:
    base = f"{API_ROOT}/cleanroom-questions/{question_id}/cleanroom-question-run-schedules"
    return f"{base}/{schedule_id}" if schedule_id else base


def target(question_id: str, schedule_id: str = "new") -> str:
    """The journal's target of a schedule write."""
    return f"schedule:{question_id}:{schedule_id}"


def create(question_id: str, body: dict[str, Any]) -> Write[Any]:
    """A new schedule from ``CreateCleanroomQuestionRunScheduleInput`` (answers the new id)."""
    return Write("POST", schedules_path(question_id), lambda c: c.create_schedule(question_id, body), body=body)


def update(question_id: str, schedule_id: str, body: dict[str, Any]) -> Write[Any]:
    return Write("PATCH", schedules_path(question_id, schedule_id),
                 lambda c: c.update_schedule(question_id, schedule_id, body), body=body)


def delete(question_id: str, schedule: Any) -> Write[Any]:
    return Write("DELETE", schedules_path(question_id, schedule.id),
                 lambda c: c.delete_schedule(question_id, schedule.id))


def input_of(schedule: Any) -> dict[str, Any]:
    """The documented create/PATCH input that says what ``schedule`` (the read model) already is."""
    body: dict[str, Any] = {
        "name": schedule.name or "",
        "repeatFrequency": schedule.repeat_frequency or "FREQUENCY_UNKNOWN",
        "startSchedule": schedule.start_date_time or "",
        "daysOfWeek": list(schedule.days_of_week or []),
        "repeatDayofMonth": list(schedule.repeat_dayof_month or []),
        "parameters": [parameter_input(p) for p in (schedule.parameters or {}).values()],
    }
    if schedule.end_date_time:
        body["endSchedule"] = schedule.end_date_time
    return body


def parameter_input(p: Any) -> dict[str, Any]:
    """A read-model parameter (``ScheduleQuestionParameters``) as the input's parameter."""
    out: dict[str, Any] = {"name": p.name, "value": p.value}
    if p.type:
        out["dataType"] = p.type
    if p.parameter_type:
        out["parameterType"] = p.parameter_type
    if p.is_static is False:  # a date relative to the run day
        out["dateType"] = "RELATIVE"
        out["dateQualifier"] = p.qualifier or "DAYS"
    elif p.is_static is True:
        out["dateType"] = "ABSOLUTE"
    return out


def set_active(question_id: str, schedule: Any, active: bool) -> Write[Any]:
    """Pause (``active=False``) or resume a schedule: the documented input as read, plus ``active``."""
    return update(question_id, schedule.id, {**input_of(schedule), "active": active})


def took_effect(before_active: bool | None, wanted: bool, after: Any) -> bool:
    """Whether the schedule read after a pause/resume shows the change (the field is undocumented)."""
    return after is not None and after.active is wanted and before_active is not wanted


def journal_create(session: Any, question_id: str, write: Write[Any], existing: set[str]) -> Write[Any]:
    """``write`` (a create) journaled; a lost answer is settled by listing the question's schedules: a
    schedule of the same name that was not there before is the one it made."""
    name = (write.body or {}).get("name")

    async def find(client: Any) -> str | None:
        for s in await client.list_schedules(question_id):
            if s.id not in existing and s.name == name:
                return s.id
        return None

    return journaled(session, write, target(question_id), object_id=lambda answer: str(answer or "") or None,
                     find=find)


def journal_change(session: Any, question_id: str, schedule_id: str, write: Write[Any]) -> Write[Any]:
    """A PATCH or DELETE of one schedule, journaled (a lost answer stays "lost": listing cannot tell
    whether a change was applied, and sending it again is for a person to decide)."""
    return journaled(session, write, target(question_id, schedule_id), object_id=lambda _answer: schedule_id)


__all__ = ["API_ROOT", "Recovered", "create", "delete", "input_of", "journal_change", "journal_create",
           "parameter_input", "schedules_path", "set_active", "target", "took_effect", "update"]
