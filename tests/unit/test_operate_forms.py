"""The schedule form and the collaboration form without a screen (issue 20.2, 20.4): checks, the
exact bodies, relative dates, the pause body, company ids and rights."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace as NS

import pytest

from tui.api.liveramp.models import Schedule
from tui.core import collab_create as cc
from tui.core import schedules
from tui.core.launch_form import InvalidParameters
from tui.core.schedule_form import ScheduleForm, relative

NOW = datetime(2026, 12, 7, 22, 0, tzinfo=UTC)


def _param(name, data_type="DATE", partition=True, **extra):
    config = NS(type="Range", values=[], rolling_unit=None, is_enforced=None) if partition else None
    base = dict(name=name, data_type=data_type, parameter_type="PARTITION_PARAMETER" if partition else "RUN_PARAMETER",
                partition_field_config=config, display_name="", constraint_type="", allowed_values=[],
                default_value="", description="", example_value="", format="", index=None)
    return NS(**{**base, **extra})


PARAMS = [_param("exposures.date_start"), _param("exposures.date_end"),
          _param("window", "INTEGER", False, default_value="7")]


def test_relative_values():
    assert relative("-7") == (-7, "DAYS") and relative("-7d") == (-7, "DAYS") and relative("-1M") == (-1, "MONTHS")
    assert relative("2026-01-01") is None and relative("soon") is None


def test_new_schedule_defaults_to_the_week_before_each_run_and_builds_the_documented_input():
    form = ScheduleForm.new(PARAMS, question_id="q", title="Reach", now=NOW)
    assert form.values["exposures.date_start"] == "-7" and form.values["exposures.date_end"] == "-1"
    body = form.build_request()
    assert body["startSchedule"] == "2026-12-08T06:00:00Z" and body["repeatFrequency"] == "DAILY"
    assert "endSchedule" not in body and "active" not in body
    start = next(p for p in body["parameters"] if p["name"] == "exposures.date_start")
    assert start == {"name": "exposures.date_start", "value": "-7", "dataType": "DATE",
                     "parameterType": "PARTITION_PARAMETER", "dateType": "RELATIVE", "dateQualifier": "DAYS"}
    assert {"name": "window", "value": "7", "dataType": "INTEGER", "parameterType": "RUN_PARAMETER"} in body["parameters"]


def test_checks_monthly_days_range_order_and_start():
    form = ScheduleForm.new(PARAMS, question_id="q", title="Reach", now=NOW)
    form.set_value("schedule/repeatFrequency", "monthly")
    form.set_value("schedule/repeatDayofMonth", "1, 32")
    form.set_value("exposures.date_start", "-1")
    form.set_value("exposures.date_end", "-7")
    form.set_value("schedule/startSchedule", "tomorrow")
    errors = form.errors()
    assert "32" in errors["schedule/repeatDayofMonth"]
    assert "is after the end" in errors["exposures.date_start"]
    assert "YYYY-MM-DD HH:MM" in errors["schedule/startSchedule"]
    with pytest.raises(InvalidParameters):
        form.build_request()
    form.set_value("schedule/repeatDayofMonth", "15, 1, 15")
    form.set_value("exposures.date_start", "-1m")
    form.set_value("exposures.date_end", "2026-12-31")
    form.set_value("schedule/startSchedule", "2027-01-01T08:30+01:00")
    body = form.build_request()
    assert body["repeatFrequency"] == "MONTHLY" and body["repeatDayofMonth"] == [1, 15]
    assert body["startSchedule"] == "2027-01-01T07:30:00Z"
    dates = {p["name"]: p for p in body["parameters"]}
    assert dates["exposures.date_start"]["dateQualifier"] == "MONTHS" and dates["exposures.date_start"]["value"] == "-1"
    assert dates["exposures.date_end"]["dateType"] == "ABSOLUTE" and "dateQualifier" not in dates["exposures.date_end"]


def _schedule(**extra) -> Schedule:
    return Schedule.model_validate({
        "id": "s1", "name": "Weekly\x1b[31m reach", "repeatFrequency": "WEEKLY", "daysOfWeek": ["MON"],
        "startDateTime": "2026-11-14T06:00:00Z", "endDateTime": "2027-03-31T23:59:59Z", "active": True,
        "parameters": {"exposures.date_start": {"name": "exposures.date_start", "value": "-1", "qualifier": "MONTHS",
                                                "type": "DATE", "isStatic": False,
                                                "parameterType": "PARTITION_PARAMETER"}}, **extra})


def test_edit_prefills_keeps_relative_months_clears_the_end_and_pauses():
    form = ScheduleForm.edit(PARAMS, _schedule(), question_id="q", title="Reach", now=NOW)
    assert form.values["exposures.date_start"] == "-1m" and form.values["schedule/endSchedule"] == "2027-03-31"
    assert "\x1b" not in form.name and form.notes["name"]  # the platform's name, made inert
    form.set_value("schedule/endSchedule", "")
    form.set_value("schedule/active", "paused")
    body = form.build_request()
    assert body["endSchedule"] == "" and body["active"] is False and body["daysOfWeek"] == ["MON"]


def test_pause_sends_the_schedule_as_read_plus_active():
    s = _schedule()
    write = schedules.set_active("q", s, False)
    assert write.method == "PATCH" and write.path.endswith("/cleanroom-question-run-schedules/s1")
    body = write.body
    assert body["active"] is False and body["repeatFrequency"] == "WEEKLY" and body["name"] == s.name
    assert body["endSchedule"] == s.end_date_time and body["daysOfWeek"] == ["MON"]
    assert body["parameters"] == [{"name": "exposures.date_start", "value": "-1", "dataType": "DATE",
                                   "parameterType": "PARTITION_PARAMETER", "dateType": "RELATIVE",
                                   "dateQualifier": "MONTHS"}]
    assert schedules.took_effect(True, False, _schedule(active=False))
    assert not schedules.took_effect(True, False, _schedule(active=True))


def test_company_ids_and_rights():
    assert cc.rights_of(["operator", "logs"]) == {"contributor": False, "detailed_logs": True, "operator": True}
    with pytest.raises(ValueError):
        cc.rights_of(["admin"])
    assert cc.company_problem("CMP.a1b2c3") is None
    for bad in ("", "CMP a1", "CMP.\u200ba1", "CMP.a1\x1b", "-lead"):
        assert cc.company_problem(bad), bad
    form = cc.CollabForm(name="  Q3  ", own_id="CMP.me", known={"CMP.p1": "Partner"},
                         members=[cc.Member("CMP.p1"), cc.Member("CMP.p1"), cc.Member("CMP.me")])
    errors = form.errors()
    assert "listed twice" in errors["member:1"] and "your own company" in errors["member:2"]
    form.members = [cc.Member("CMP.p1", cc.rights_of(["contributor"])), cc.Member("CMP.new")]
    assert form.unknown() == ["CMP.new"]
    body = form.build_request()
    assert body == {"name": "Q3", "creator_rights": {"contributor": True, "detailed_logs": True, "operator": True},
                    "collaborators": [
                        {"company_id": "CMP.p1", "rights": {"contributor": True, "detailed_logs": False, "operator": False}},
                        {"company_id": "CMP.new",
                         "rights": {"contributor": False, "detailed_logs": False, "operator": False}}]}
    write = cc.create(body)
    assert (write.method, write.path, write.body) == ("POST", "/api/v2/collaborations", body)
