"""Create and edit a run schedule from a question's Schedules tab (issue 20.2): the typed form,
checks before sending, the exact request, one write, the journal, read-only refusal, and the
emulator running the new schedule on its clock."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import confirmed_body
from tui.core import liveramp as lr
from tui.store import Store
from tui.ui.jump_index import Target

from .conftest import SIZE, press, session, table, wait_for_workers


async def _question(pilot, app, q):
    s = session(app, "liveramp")
    app.open(s, Target("question", q.id, q.title, s.name, q.display_id))
    await wait_for_workers(pilot)
    app.screen.show_tab("schedules")
    await wait_for_workers(pilot)
    table(app, "#schedules-pane").focus()
    await pilot.pause()
    return s


def _scheduled_question(lr_world):
    schedule = next(s for s in lr_world.schedules.values() if s.active)
    return lr_world.questions[schedule.question_id], schedule


async def _fill(pilot, screen, values: dict[str, str]) -> None:
    """Set each field (by its form key) as typing or choosing would."""
    ids = {key: wid for wid, key in screen._ids.items()}
    for key, value in values.items():
        screen.query_one(f"#{ids[key]}").value = value  # an Input's text, or a Select's choice
        await pilot.pause()


async def _required(pilot, screen) -> None:
    """Give every required parameter without a value a valid one (the first choice, or a number)."""
    form = screen.form
    fill = {}
    for f in form.params:
        if f.key in form.errors():
            fill[f.key] = f.choices[0] if f.choices else ("-7" if f.kind == "date" else "1")
    await _fill(pilot, screen, fill)


async def test_create_checks_fields_shows_the_exact_request_and_runs_on_the_clock(make_app, clock):
    store = Store.in_memory(now=clock.now)
    app = make_app(store=store)
    world = app.sessions[0].demo.app().state.liveramp
    q, _schedule = _scheduled_question(world)
    before = set(world.schedules)
    async with app.run_test(size=SIZE) as pilot:
        await _question(pilot, app, q)
        await press(pilot, "n")
        await wait_for_workers(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ScheduleScreen" and screen.form is not None
        await _required(pilot, screen)
        # invalid values are refused before anything is sent, each under its field
        await _fill(pilot, screen, {"schedule/repeatFrequency": "WEEKLY", "schedule/daysOfWeek": "MON, FUNDAY",
                                    "schedule/endSchedule": "2001-01-01"})
        await press(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "ScheduleScreen"
        errors = screen.show_errors()
        assert "FUNDAY" in errors["schedule/daysOfWeek"] and "before the start" in errors["schedule/endSchedule"]
        assert set(world.schedules) == before
        end = (clock.now() + timedelta(days=30)).date().isoformat()
        await _fill(pilot, screen, {"schedule/daysOfWeek": "mon, thu", "schedule/endSchedule": end,
                                    "name": "Nightly reach"})
        await press(pilot, "ctrl+s")
        confirm = app.screen
        assert type(confirm).__name__ == "ConfirmScreen"
        text = confirm.body.plain
        sent = confirmed_body(text, f"POST /v1/cleanroom-questions/{q.id}/cleanroom-question-run-schedules")
        assert sent["name"] == "Nightly reach" and sent["repeatFrequency"] == "WEEKLY"
        assert sent["daysOfWeek"] == ["MON", "THU"] and sent["endSchedule"] == f"{end}T23:59:59Z"
        assert sent["startSchedule"].endswith(":00Z") and "active" not in sent
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        made = [s for sid, s in world.schedules.items() if sid not in before]
        assert len(made) == 1 and made[0].name == "Nightly reach" and made[0].days_of_week == ["MON", "THU"]
        assert type(app.screen).__name__ == "QuestionScreen"  # the form closed, the tab reloaded
        assert table(app, "#schedules-pane").row(made[0].id) is not None
        entry = store.journal_for_object("demo-liveramp", made[0].id)
        assert entry is not None and entry.state == "succeeded" and entry.target == f"schedule:{q.id}:new"
        # the emulator runs it on its clock: a scheduled run appears when due
        clock.advance(timedelta(days=8).total_seconds())
        runs = (await app.sessions[0].load(lr.runs_of(q.id))).value
        assert any(r.name.startswith("Scheduled:") and r.submitted_at and
                   r.submitted_at > made[0].created_at for r in runs)


async def test_edit_prefills_changes_and_pauses(make_app, clock):
    app = make_app()
    world = app.sessions[0].demo.app().state.liveramp
    q, schedule = _scheduled_question(world)
    async with app.run_test(size=SIZE) as pilot:
        await _question(pilot, app, q)
        assert table(app, "#schedules-pane").select_key(schedule.id)
        await press(pilot, "E")
        await wait_for_workers(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ScheduleScreen"
        form = screen.form
        assert form.values["schedule/repeatFrequency"] == schedule.frequency
        assert form.name == schedule.name
        relative = [p for p in schedule.parameters if p.get("dateType") == "RELATIVE"]
        for p in relative:  # relative dates come back as the day counts they are
            assert form.values[p["name"]] == p["value"]
        await _fill(pilot, screen, {"schedule/active": "paused", "schedule/repeatFrequency": "DAILY"})
        await press(pilot, "ctrl+s")
        text = app.screen.body.plain
        sent = confirmed_body(text, f"PATCH /v1/cleanroom-questions/{q.id}/cleanroom-question-run-schedules/{schedule.id}")
        assert sent["repeatFrequency"] == "DAILY" and sent["active"] is False
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        assert schedule.active is False and schedule.frequency == "DAILY"
        for p in relative:  # unchanged parameters are sent back as they were
            kept = next(x for x in schedule.parameters if x["name"] == p["name"])
            assert kept["value"] == p["value"] and kept["dateType"] == "RELATIVE"


async def test_read_only_refuses_the_form(make_app):
    app = make_app(readonly=True)
    world = app.sessions[0].demo.app().state.liveramp
    q, schedule = _scheduled_question(world)
    before = set(world.schedules)
    async with app.run_test(size=SIZE) as pilot:
        await _question(pilot, app, q)
        await press(pilot, "n")
        assert type(app.screen).__name__ == "QuestionScreen"
        table(app, "#schedules-pane").select_key(schedule.id)
        await press(pilot, "enter")
        assert type(app.screen).__name__ == "QuestionScreen"
    assert set(world.schedules) == before
