"""Schedule writes under faults (issue 20.2): a create is sent exactly once; when its answer is lost
the question's schedules are listed to settle it (found: nothing is sent again; not there: said so),
and the journal keeps the outcome. A change whose answer is lost stays "lost" for a person to check."""

from __future__ import annotations

import pytest

from tests.helpers import press, session, table, wait_for_workers
from tui.store import Store
from tui.ui.jump_index import Target

from .conftest import SIZE, emulator_of

FAULTS = ["drop-after", "drop-before", "500", "malformed", "429"]


async def _form(pilot, app, q):
    s = session(app, "liveramp")
    app.open(s, Target("question", q.id, q.title, s.name, q.display_id))
    await wait_for_workers(pilot)
    app.screen.show_tab("schedules")
    await wait_for_workers(pilot)
    table(app, "#schedules-pane").focus()
    await press(pilot, "n")
    await wait_for_workers(pilot)
    screen = app.screen
    ids = {key: wid for wid, key in screen._ids.items()}
    for f in screen.form.params:
        if f.key in screen.form.errors():
            screen.query_one(f"#{ids[f.key]}").value = f.choices[0] if f.choices else "3"
    screen.query_one("#f-name").value = "Drill schedule"
    await pilot.pause()
    return screen


@pytest.mark.parametrize("fault", FAULTS)
async def test_create_schedule_under_fault(make_app, clock, fault):
    store = Store.in_memory(now=clock.now)
    app = make_app(store=store)
    emu = emulator_of(app)
    world, chaos = emu.state.liveramp, emu.state.chaos
    q = world.questions[next(s for s in world.schedules.values()).question_id]
    before = set(world.schedules)
    async with app.run_test(size=SIZE) as pilot:
        await _form(pilot, app, q)
        chaos.set(f"POST /v1/cleanroom-questions/*/cleanroom-question-run-schedules={fault}")
        await press(pilot, "ctrl+s", "tab", "enter")
        await wait_for_workers(pilot)
        assert chaos.count(fault) == 1, "sent exactly once, never retried"
        chaos.clear()
        made = [s for sid, s in world.schedules.items() if sid not in before]
        acted = fault in ("drop-after", "malformed")
        assert len(made) == (1 if acted else 0)
        messages = " ".join(str(n.message) for n in app._notifications)
        assert app._exception is None and "Traceback" not in messages
        entry = store.journal_unresolved("demo-liveramp")
        assert entry == [], "every outcome was settled on the spot"
        if acted:
            assert "found by listing" in messages or fault == "malformed"
            assert store.journal_for_object("demo-liveramp", made[0].id) is not None
            assert type(app.screen).__name__ == "QuestionScreen"  # done: the form closed
            assert table(app, "#schedules-pane").row(made[0].id) is not None
        else:
            assert type(app.screen).__name__ == "ScheduleScreen"  # nothing made: the form stays to try again


@pytest.mark.parametrize("fault", ["drop-after", "drop-before", "503", "429"])
async def test_pause_under_fault_is_sent_once_and_journaled(make_app, clock, fault):
    store = Store.in_memory(now=clock.now)
    app = make_app(store=store)
    emu = emulator_of(app)
    world, chaos = emu.state.liveramp, emu.state.chaos
    schedule = next(s for s in world.schedules.values() if s.active)
    q = world.questions[schedule.question_id]
    async with app.run_test(size=SIZE) as pilot:
        s = session(app, "liveramp")
        app.open(s, Target("question", q.id, q.title, s.name, q.display_id))
        await wait_for_workers(pilot)
        app.screen.show_tab("schedules")
        await wait_for_workers(pilot)
        pane = table(app, "#schedules-pane")
        pane.focus()
        assert pane.select_key(schedule.id)
        chaos.set(f"PATCH /v1/cleanroom-questions/*={fault}")
        await press(pilot, "p", "tab", "enter")
        await wait_for_workers(pilot)
        assert chaos.count(fault) == 1, "sent exactly once, never retried"
        chaos.clear()
        assert schedule.active is (fault != "drop-after")
        messages = " ".join(str(n.message) for n in app._notifications)
        assert app._exception is None and "Traceback" not in messages
        unresolved = store.journal_unresolved("demo-liveramp")
        if fault == "429":  # the platform said no: settled as failed, nothing to check
            assert unresolved == [] and store.journal_for_object("demo-liveramp", schedule.id) is None
        else:  # an answer that never came stays "lost" for a person to check (a change cannot be listed)
            assert [(e.target, e.state) for e in unresolved] == [(f"schedule:{q.id}:{schedule.id}", "lost")]
