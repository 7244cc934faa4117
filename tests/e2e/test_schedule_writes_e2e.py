"""Run schedules created, changed, paused and deleted over real HTTP (issue 20.2): the form's exact
body is what the client sends, it is valid against the vendor's ``CreateCleanroomQuestionRunScheduleInput``,
and the served emulator starts the schedule's runs on its clock."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from tui.api.liveramp import LiveRampClient
from tui.core import schedules
from tui.core.schedule_form import ScheduleForm

from .conftest import liveramp_profile

pytestmark = pytest.mark.usefixtures("state_dir")

ROOT = Path(__file__).resolve().parents[2]
SPECS = Path(os.environ.get("CLEANROOM_VENDOR_SPECS") or ROOT.parent / "shared" / "reference" / "vendor-specs")
SPEC = SPECS / "liveramp-clean-room-api-openapi.yml"


def _input_errors(body: dict) -> list[str]:
    """``body`` checked against the spec's request schema (empty when the spec file is not here)."""
    if not SPEC.is_file():
        return []
    import yaml
    from openapi_schema_validator import OAS30Validator

    spec = yaml.load(SPEC.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    schema = {"$ref": "#/components/schemas/CreateCleanroomQuestionRunScheduleInput",
              "components": spec["components"]}
    return [e.message for e in OAS30Validator(schema).iter_errors(body)]


async def test_create_pause_edit_delete_over_http_and_the_schedule_runs(emulator, clock):
    world = emulator.liveramp
    seeded = next(s for s in world.schedules.values() if s.active)
    qid = seeded.question_id
    client = LiveRampClient(liveramp_profile(emulator.base_url))
    async with client:
        params = await client.question_parameters(qid)
        form = ScheduleForm.new(params, question_id=qid, title="Reach", now=clock.now())
        for f in form.params:
            if f.key in form.errors():
                form.set_value(f.key, f.choices[0] if f.choices else "5")
        form.set_name("Nightly, e2e")
        body = form.build_request()
        assert _input_errors(body) == []
        write = schedules.create(qid, body)
        new_id = await write.call(client)
        made = world.schedules[new_id]
        assert made.name == "Nightly, e2e" and made.frequency == "DAILY" and made.active

        # the emulator runs it on its clock: a run per due day, relative dates from the due day
        clock.advance(timedelta(days=3).total_seconds())
        runs = await client.list_runs(qid, limit=100)
        scheduled = [r for r in runs if r.name.startswith("Scheduled:") and r.submitted_at > made.created_at]
        assert len(scheduled) >= 2
        one = scheduled[0]
        due_day = one.submitted_at.date()
        partitions = {p.name: p.value for p in one.partition_parameters or []}
        for f in form.params:
            if f.is_partition and f.range_role == "start" and f.kind == "date":
                assert partitions[f.name] == (due_day - timedelta(days=7)).isoformat()

        # pause: the documented input as read plus "active" (valid against the spec), and it takes
        read = next(s for s in await client.list_schedules(qid) if s.id == new_id)
        pause = schedules.set_active(qid, read, False)
        assert _input_errors(pause.body) == [] and pause.body["active"] is False
        await pause.call(client)
        after = next(s for s in await client.list_schedules(qid) if s.id == new_id)
        assert schedules.took_effect(read.active, False, after)
        assert after.name == read.name and after.parameters.keys() == read.parameters.keys()
        # the older shape, {"active": …} alone, is accepted too
        await client.update_schedule(qid, new_id, {"active": True})
        assert world.schedules[new_id].active is True

        # edit: weekly on two days, with an end date
        edit = ScheduleForm.edit(params, after, question_id=qid, title="Reach", now=clock.now())
        edit.set_value("schedule/repeatFrequency", "WEEKLY")
        edit.set_value("schedule/daysOfWeek", "tuesday, FRI")
        edit.set_value("schedule/endSchedule", (clock.now() + timedelta(days=60)).date().isoformat())
        changed = edit.build_request()
        assert _input_errors(changed) == []
        await schedules.update(qid, new_id, changed).call(client)
        assert world.schedules[new_id].days_of_week == ["TUE", "FRI"] and world.schedules[new_id].end

        await schedules.delete(qid, after).call(client)
        assert new_id not in world.schedules
