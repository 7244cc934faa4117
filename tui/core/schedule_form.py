"""The run-schedule form (issue 20.2): a question's typed parameters (the launch form's fields and
checks, :mod:`tui.core.params`) plus the cadence — how often, on which days, from when, until when —
and, when editing, whether it is active. Every field is checked before anything is sent;
:meth:`ScheduleForm.build_request` is the exact ``CreateCleanroomQuestionRunScheduleInput`` body.

API::

    form = ScheduleForm.new(params, question_id=..., title=..., now=utc_now)
    form = ScheduleForm.edit(params, schedule, question_id=..., title=..., now=utc_now)
    form.fields / form.values / form.set_value(key, text) / form.set_name(text)   # as LaunchForm
    form.errors() -> {key: message}
    form.build_request() -> dict                  # raises InvalidParameters

Date parameters take a date (``2026-01-31``, sent ``dateType: ABSOLUTE``) or a day count relative to
the day the scheduled run starts — ``-7`` or ``-7d`` (``dateType: RELATIVE, dateQualifier: DAYS``),
``-1m`` (``MONTHS``) — which is what a recurring run needs ("the last seven days"). A new schedule's
date ranges start as ``-7`` … ``-1`` (the week before each run). The cadence's times are UTC
(``startSchedule`` is sent as ``YYYY-MM-DDTHH:MM:SSZ``; the format is undocumented, reference §8.6);
an end date means the last day a run may start (sent as that day's ``23:59:59Z``).
No Textual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from .launch_form import NAME_KEY, InvalidParameters, _FormBase, check_run_name
from .params import (
    CHOICE,
    DATE,
    STRING,
    TIMESTAMP,
    ParamField,
    field_from_parameter,
    link_ranges,
    parse_date,
    parse_timestamp,
    validate_values,
)
from .sanitize import plain

#: the cadence fields' node: their keys are ``schedule/<input field>``
CADENCE = "schedule"
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY")
DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
ACTIVE, PAUSED = "active", "paused"

FREQUENCY = ParamField("repeatFrequency", "Repeats", CHOICE, required=True, choices=FREQUENCIES, enforced=True,
                       node=CADENCE, description="how often a run starts")
DAYS_OF_WEEK = ParamField("daysOfWeek", "Days of the week", STRING, node=CADENCE,
                          description="WEEKLY only: MON, TUE, WED, THU, FRI, SAT, SUN, comma-separated "
                                      "(empty: the start's weekday)")
DAYS_OF_MONTH = ParamField("repeatDayofMonth", "Days of the month", STRING, node=CADENCE,
                           description="MONTHLY only: 1–31, comma-separated (empty: the start's day)")
START = ParamField("startSchedule", "Starts", TIMESTAMP, required=True, node=CADENCE,
                   description="the first run's date and time, UTC (YYYY-MM-DD HH:MM); later runs start at "
                               "the same time of day")
END = ParamField("endSchedule", "Ends", DATE, node=CADENCE,
                 description="optional: the last day a run may start (empty: no end)")
STATE = ParamField("active", "State", CHOICE, required=True, choices=(ACTIVE, PAUSED), enforced=True, node=CADENCE,
                   description="paused: no runs start until it is resumed")

_RELATIVE_RE = re.compile(r"([+-]?\d{1,4})\s*([dDmM]?)")
_SPLIT_RE = re.compile(r"[\s,;]+")
_DAY_NAMES = {"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}


def relative(text: str) -> tuple[int, str] | None:
    """``-7`` / ``-7d`` → ``(-7, "DAYS")``; ``-1m`` → ``(-1, "MONTHS")``; anything else → None."""
    match = _RELATIVE_RE.fullmatch(text.strip())
    if match is None:
        return None
    return int(match.group(1)), "MONTHS" if match.group(2).lower() == "m" else "DAYS"


def _stand_in(offset: int, unit: str, today: date) -> date:
    """The date a relative value stands for today (to check a range's order the same way)."""
    if unit == "MONTHS":
        months = today.year * 12 + today.month - 1 + offset
        return date(months // 12, months % 12 + 1, 1)
    return today + timedelta(days=offset)


def parse_start(text: str) -> datetime | None:
    """A date, ``date HH:MM`` or an ISO date-time (UTC unless it says otherwise)."""
    text = text.strip()
    day = parse_date(text)
    if day is not None:
        return datetime.combine(day, time(0), UTC)
    at = parse_timestamp(text.replace("z", "Z"))
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _days_of_week(text: str) -> tuple[list[str], str | None]:
    days, wrong = [], []
    for token in (t for t in _SPLIT_RE.split(text.strip()) if t):
        word = token.upper()
        day = word if word in DAYS else word[:3] if word in _DAY_NAMES else None  # MON or MONDAY
        (days if day else wrong).append(day or token)
    if wrong:
        return days, f"{DAYS_OF_WEEK.title}: {', '.join(wrong)} is not one of {', '.join(DAYS)}"
    return list(dict.fromkeys(days)), None


def _days_of_month(text: str) -> tuple[list[int], str | None]:
    out: list[int] = []
    for part in (p for p in _SPLIT_RE.split(text.strip()) if p):
        if not part.isdigit() or not 1 <= int(part) <= 31:
            return out, f"{DAYS_OF_MONTH.title}: {part!r} is not a day of the month (1–31)"
        out.append(int(part))
    return sorted(set(out)), None


@dataclass
class ScheduleForm(_FormBase):
    """A run schedule's form (create, or edit one schedule)."""

    question_id: str = ""
    #: the schedule being edited (None: a new one)
    schedule_id: str | None = None
    had_end: bool = False

    # ------------------------------------------------------------------ building
    @classmethod
    def _base(cls, params: Any, *, question_id: str, title: str, now: datetime, editing: bool) -> ScheduleForm:
        items = list(getattr(params, "parameters", params) or [])
        items.sort(key=lambda p: (getattr(p, "index", None) is None, getattr(p, "index", None) or 0))
        cadence = [FREQUENCY, DAYS_OF_WEEK, DAYS_OF_MONTH, START, END] + ([STATE] if editing else [])
        fields = cadence + link_ranges([field_from_parameter(p) for p in items])
        values = {f.key: f.default for f in fields}
        return cls(title=title, fields=fields, values=values, now=now, question_id=question_id)

    @classmethod
    def new(cls, params: Any, *, question_id: str, title: str, now: datetime) -> ScheduleForm:
        form = cls._base(params, question_id=question_id, title=title, now=now, editing=False)
        tomorrow = (now.astimezone(UTC) + timedelta(days=1)).date()
        form.values[FREQUENCY.key] = "DAILY"
        form.values[START.key] = f"{tomorrow.isoformat()} 06:00"
        for f in form.params:  # a recurring run covers days relative to itself
            if f.kind == DATE and not form.values.get(f.key):
                form.values[f.key] = "-1" if f.range_role == "end" else "-7" if f.range_role == "start" else ""
        form._make_inert()
        form.name = form.suggest_name()
        return form

    @classmethod
    def edit(cls, params: Any, schedule: Any, *, question_id: str, title: str, now: datetime) -> ScheduleForm:
        form = cls._base(params, question_id=question_id, title=title, now=now, editing=True)
        form.schedule_id = schedule.id
        start = parse_start(schedule.start_date_time or "")
        end = schedule.end_date_time or ""
        form.had_end = bool(end)
        form.values.update({
            FREQUENCY.key: schedule.repeat_frequency if schedule.repeat_frequency in FREQUENCIES else "",
            DAYS_OF_WEEK.key: ", ".join(schedule.days_of_week or []),
            DAYS_OF_MONTH.key: ", ".join(str(d) for d in schedule.repeat_dayof_month or []),
            START.key: start.strftime("%Y-%m-%d %H:%M") if start else (schedule.start_date_time or ""),
            END.key: end[:10] if parse_date(end[:10]) else end,
            STATE.key: PAUSED if schedule.active is False else ACTIVE,
        })
        known = {f.name: f for f in form.params}
        for name, p in (schedule.parameters or {}).items():
            f = known.get(str(p.name or name))
            if f is None:
                continue
            value = str(p.value or "")
            if p.is_static is False and relative(value) is not None and (p.qualifier or "").upper() == "MONTHS":
                value = f"{value}m"
            form.values[f.key] = value
        form._make_inert()
        name = plain(schedule.name or "", None)  # the platform's text: shown and sent inert
        if name != (schedule.name or ""):
            form.notes[NAME_KEY] = "The name held control or invisible characters: shown and sent as here."
        form.name = name or form.suggest_name()
        form.name_edited = bool(name)
        return form

    # ------------------------------------------------------------------ fields
    @property
    def params(self) -> list[ParamField]:
        return [f for f in self.fields if f.node != CADENCE]

    @property
    def frequency(self) -> str:
        return self.values.get(FREQUENCY.key, "").strip().upper()

    def suggest_name(self, now: datetime | None = None) -> str:
        freq = self.values.get(FREQUENCY.key, "").strip().lower()
        return " · ".join(p for p in ((self.title or "Schedule").strip(), freq) if p)

    # ------------------------------------------------------------------ checking
    def errors(self) -> dict[str, str]:
        today = (self.now or datetime.now(UTC)).astimezone(UTC).date()
        values = dict(self.values)
        for f in self.params:
            rel = relative(values.get(f.key, "")) if f.kind == DATE else None
            if rel is not None:  # checked (ranges too) as the date it stands for today
                values[f.key] = _stand_in(*rel, today).isoformat()
        _clean, errors = validate_values(self.params, values)
        for key, message in errors.items():
            f = self.field(key)
            if f.kind == DATE:
                errors[key] = message + " — or days relative to the run day: -7, -7d, -1m (months)"
        errors.update(self._cadence_errors())
        problem = check_run_name(self.name)
        if problem:
            errors[NAME_KEY] = problem.replace("Run name", "Schedule name").replace("the run", "the schedule")
        return errors

    def _cadence_errors(self) -> dict[str, str]:
        _clean, errors = validate_values([FREQUENCY, STATE] if self.schedule_id else [FREQUENCY],
                                         {k: v for k, v in self.values.items()})
        text = self.values.get(START.key, "").strip()
        if not text:
            errors[START.key] = f"{START.title}: is required"
        elif parse_start(text) is None:
            errors[START.key] = f"{START.title}: must be a date and time as YYYY-MM-DD HH:MM (UTC), e.g. 2026-01-31 06:00"
        end_text = self.values.get(END.key, "").strip()
        start = parse_start(text)
        if end_text:
            end = parse_start(end_text)
            if end is None:
                errors[END.key] = f"{END.title}: must be a date as YYYY-MM-DD, e.g. 2026-12-31 (or leave it empty)"
            elif start is not None and end.date() < start.date():
                errors[END.key] = f"{END.title}: {end.date()} is before the start {start.date()}"
        if self.frequency == "WEEKLY":
            problem = _days_of_week(self.values.get(DAYS_OF_WEEK.key, ""))[1]
            if problem:
                errors[DAYS_OF_WEEK.key] = problem
        if self.frequency == "MONTHLY":
            problem = _days_of_month(self.values.get(DAYS_OF_MONTH.key, ""))[1]
            if problem:
                errors[DAYS_OF_MONTH.key] = problem
        return errors

    # ------------------------------------------------------------------ the request
    def build_request(self) -> dict[str, Any]:
        """The exact ``CreateCleanroomQuestionRunScheduleInput`` body (plus ``active`` when editing)."""
        errors = self.errors()
        if errors:
            raise InvalidParameters(errors)
        start = parse_start(self.values[START.key])
        assert start is not None  # checked above
        freq = self.frequency
        body: dict[str, Any] = {"name": self.name.strip(), "repeatFrequency": freq, "startSchedule": iso(start)}
        end_text = self.values.get(END.key, "").strip()
        end = parse_start(end_text) if end_text else None
        if end is not None:
            # a bare date ends after that day's runs; a time given is kept
            body["endSchedule"] = iso(end.replace(hour=23, minute=59, second=59) if parse_date(end_text) else end)
        elif self.schedule_id and self.had_end:
            body["endSchedule"] = ""  # GUESS: how the platform clears an end date is undocumented
        body["daysOfWeek"] = _days_of_week(self.values.get(DAYS_OF_WEEK.key, ""))[0] if freq == "WEEKLY" else []
        body["repeatDayofMonth"] = (_days_of_month(self.values.get(DAYS_OF_MONTH.key, ""))[0]
                                    if freq == "MONTHLY" else [])
        body["parameters"] = self._parameters()
        if self.schedule_id:
            body["active"] = self.values.get(STATE.key) != PAUSED
        return body

    def _parameters(self) -> list[dict[str, Any]]:
        out = []
        clean, _errors = validate_values([f for f in self.params if relative(self.values.get(f.key, "")) is None
                                          or f.kind != DATE], self.values)
        for f in self.params:
            text = self.values.get(f.key, "").strip()
            rel = relative(text) if f.kind == DATE else None
            if not text or (rel is None and f.key not in clean):
                continue
            item: dict[str, Any] = {"name": f.name, "value": str(rel[0]) if rel else clean[f.key],
                                    "dataType": f.data_type or "STRING",
                                    "parameterType": "PARTITION_PARAMETER" if f.is_partition else "RUN_PARAMETER"}
            if f.kind == DATE:
                item["dateType"] = "RELATIVE" if rel else "ABSOLUTE"
                if rel:
                    item["dateQualifier"] = rel[1]
            out.append(item)
        return out


__all__ = ["CADENCE", "DAYS", "FREQUENCIES", "ScheduleForm", "iso", "parse_start", "relative"]
