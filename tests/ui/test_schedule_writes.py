"""Pause/resume and delete a run schedule from a question's Schedules tab (issue 20.2)."""

from __future__ import annotations

from tests.helpers import confirmed_body
from tui.store import Store
from tui.ui.jump_index import Target

from .conftest import SIZE, press, session, table, wait_for_workers


async def _schedules_tab(pilot, app, schedule, lr):
    q = lr.questions[schedule.question_id]
    s = session(app, "liveramp")
    app.open(s, Target("question", q.id, q.title, s.name, q.display_id))
    await wait_for_workers(pilot)
    app.screen.show_tab("schedules")
    await wait_for_workers(pilot)
    schedules = table(app, "#schedules-pane")
    assert schedules.select_key(schedule.id)
    schedules.focus()
    await pilot.pause()
    return q


async def test_pause_shows_the_exact_request_is_journaled_and_sent_once(make_app, clock):
    store = Store.in_memory(now=clock.now)
    app = make_app(store=store)
    lr = app.sessions[0].demo.app().state.liveramp
    schedule = next(s for s in lr.schedules.values() if s.active)
    async with app.run_test(size=SIZE) as pilot:
        q = await _schedules_tab(pilot, app, schedule, lr)
        await press(pilot, "p")
        assert type(app.screen).__name__ == "ConfirmScreen"
        path = f"/v1/cleanroom-questions/{q.id}/cleanroom-question-run-schedules/{schedule.id}"
        sent = confirmed_body(app.screen.body.plain, f"PATCH {path}")
        # the documented input as read (every field unchanged), plus the read model's "active"
        assert {"name", "repeatFrequency", "startSchedule", "parameters"} <= set(sent) and sent["active"] is False
        assert sent["name"] == schedule.name and sent["repeatFrequency"] == schedule.frequency
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        assert schedule.active is False
        entry = store.journal_for_object("demo-liveramp", schedule.id)
        assert entry is not None and entry.target == f"schedule:{q.id}:{schedule.id}" and entry.state == "succeeded"
        row = table(app, "#schedules-pane").row(schedule.id)
        assert row.cells[3].plain == "no"  # the tab reloaded: paused
        await press(pilot, "p")  # and resumed
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        assert schedule.active is True


async def test_delete_asks_first_and_read_only_refuses(make_app, clock):
    app = make_app()
    lr = app.sessions[0].demo.app().state.liveramp
    schedule = next(iter(lr.schedules.values()))
    async with app.run_test(size=SIZE) as pilot:
        await _schedules_tab(pilot, app, schedule, lr)
        await press(pilot, "x")
        assert type(app.screen).__name__ == "ConfirmScreen" and "DELETE /v1/" in app.screen.body.plain
        await press(pilot, "escape")  # cancelled: nothing sent
        assert schedule.id in lr.schedules
        await press(pilot, "x")
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        assert schedule.id not in lr.schedules
        assert table(app, "#schedules-pane").row(schedule.id) is None

    readonly = make_app(readonly=True)
    lr = readonly.sessions[0].demo.app().state.liveramp
    schedule = next(s for s in lr.schedules.values() if s.active)
    async with readonly.run_test(size=SIZE) as pilot:
        await _schedules_tab(pilot, readonly, schedule, lr)
        await press(pilot, "p")
        await press(pilot, "x")
        assert type(readonly.screen).__name__ == "QuestionScreen"
        assert schedule.active is True and schedule.id in lr.schedules
