"""The schedule form and the new-collaboration form (issue 20.2, 20.4) under every fault, against a
hostile world, and with a dropped answer.

- Under a fault: the schedule form is built from the question's parameters (read from the platform):
  a readable error instead of the fields, nothing can be sent, and ``r`` builds it once the fault
  stops. The collaboration form reads your company and its collaborations (for the member checks):
  the form stays usable, the error says why, and ``r`` reads them again.
- Hostile: schedule names, company names (the known-companies list, the confirmation's members) and a
  typed name full of markup reach the screen inert.
- Dropped answer on creating a collaboration: sent once, found by listing, opened — never twice.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.helpers import press, session, table, wait_for_workers
from tui.store import Store
from tui.ui.jump_index import Target

from .conftest import FAULTS, SIZE, emulator_of
from .new_screens import assert_sane, errors
from .test_hostile import _segments_inert
from .test_launch_faults import FORM_FAULTS

MARKUP = "[bold]Q3[/bold] [@click=app.quit]x[/]"


async def _collab_form(pilot):
    app = pilot.app
    await wait_for_workers(pilot)
    table(app, "#table-1").focus()
    await press(pilot, "n")
    await wait_for_workers(pilot)
    assert type(app.screen).__name__ == "CollabCreateScreen"
    return app.screen


async def _schedules_tab(pilot, schedule=None):
    app = pilot.app
    lr = emulator_of(app).state.liveramp
    schedule = schedule or next(iter(lr.schedules.values()))
    q = lr.questions[schedule.question_id]
    s = session(app, "liveramp")
    app.open(s, Target("question", q.id, q.title, s.name, q.display_id))
    await wait_for_workers(pilot)
    app.screen.show_tab("schedules")
    await wait_for_workers(pilot)
    pane = table(app, "#schedules-pane")
    pane.focus()
    assert pane.select_key(schedule.id)
    return schedule


async def _schedule_form(pilot):
    await _schedules_tab(pilot)
    await press(pilot, "enter")
    await wait_for_workers(pilot)
    assert type(pilot.app.screen).__name__ == "ScheduleScreen"
    return pilot.app.screen


# ------------------------------------------------------------------ every fault

async def _schedule_form_drill(app, gate, fault) -> None:
    chaos = emulator_of(app).state.chaos
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await _schedules_tab(pilot)
        chaos.set(FAULTS[fault])
        if fault in ("latency", "slow-drip"):
            gate.close()
            await pilot.press("enter")
            for _ in range(5):
                await pilot.pause()
            screen = app.screen
            text = assert_sane(app)
            assert fault == "slow-drip" or "Loading parameters" in text, text
            assert screen.query_one("#launch-go").disabled, "nothing to send before the form is built"
            gate.release()
            await wait_for_workers(pilot)
            assert screen.form is not None and not errors(app), assert_sane(app)
            return
        await press(pilot, "enter")
        await wait_for_workers(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ScheduleScreen"
        text = assert_sane(app)
        if fault == "token-expired":  # one fresh token and the form is built
            assert screen.form is not None and not errors(app), text
            return
        assert screen.form is None and errors(app), text
        assert "✗ " in text or "Offline" in text, text
        assert screen.query_one("#launch-go").disabled, "nothing can be sent without a form"
        chaos.clear()
        await press(pilot, "r")
        await wait_for_workers(pilot)
        assert screen.form is not None and not errors(app), assert_sane(app)
        assert not screen.query_one("#launch-go").disabled


async def _collaboration_form_drill(app, gate, fault) -> None:
    chaos = emulator_of(app).state.chaos
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        chaos.set(FAULTS[fault])
        if fault in ("latency", "slow-drip"):
            gate.close()
            table(app, "#table-1").focus()
            await pilot.press("n")
            for _ in range(5):
                await pilot.pause()
            screen = app.screen
            assert fault == "slow-drip" or "Loading your company" in assert_sane(app)
            screen.query_one("#c-name", Input).value = "typed while slow"  # the form is usable meanwhile
            gate.release()
            await wait_for_workers(pilot)
            assert screen.form.own_id and not errors(app), assert_sane(app)
            assert screen.query_one("#c-name", Input).value == "typed while slow"
            return
        screen = await _collab_form(pilot)
        text = assert_sane(app)
        if fault == "token-expired":  # InfoSum keys do not expire: a 401 is said, the form stays
            assert "HTTP 401" in text, text
        else:
            assert errors(app) and ("✗ " in text or "Offline" in text), text
        screen.query_one("#c-name", Input).value = "kept"
        chaos.clear()
        screen.query_one("#c-add").focus()  # r in a text field is a letter; on a button it refreshes
        await press(pilot, "r")
        await wait_for_workers(pilot)
        assert not errors(app) and screen.form.own_id and screen.form.known, assert_sane(app)
        assert screen.query_one("#c-name", Input).value == "kept"


DRILLS = {"schedule-form": _schedule_form_drill, "collaboration-form": _collaboration_form_drill}


#: ids "screen.fault": rows and columns of README's reliability matrix
@pytest.mark.parametrize(("screen", "fault"), [pytest.param(screen, f, id=f"{screen}.{f}")
                                               for screen in DRILLS for f in FORM_FAULTS])
async def test_screen_survives_fault(make_app, clock, gate, screen, fault):
    await DRILLS[screen](make_app(store=Store.in_memory(now=clock.now)), gate, fault)


# ------------------------------------------------------------------ hostile strings

async def _hostile_collaboration_confirm(pilot) -> None:
    screen = await _collab_form(pilot)
    assert screen.form.known, "the hostile world's partner companies are listed"
    _segments_inert(pilot.app)
    screen.query_one("#c-name", Input).value = MARKUP
    screen.query(".member-id").first(Input).value = next(iter(screen.form.known))
    await pilot.pause()
    await press(pilot, "ctrl+s")
    assert type(pilot.app.screen).__name__ == "ConfirmScreen"
    assert "[bold]Q3[/bold]" in pilot.app.screen.body.plain  # shown literally, never as markup


async def _hostile_schedule_confirm(pilot) -> None:
    await _schedule_form(pilot)
    _segments_inert(pilot.app)
    await press(pilot, "ctrl+s")
    assert type(pilot.app.screen).__name__ == "ConfirmScreen"


HOSTILE = {"schedule-form": _hostile_schedule_confirm, "collaboration-form": _hostile_collaboration_confirm}


@pytest.mark.parametrize("screen", list(HOSTILE))
async def test_hostile_world_renders_inert_on_every_screen(make_app, screen):
    app = make_app(hostile=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await HOSTILE[screen](pilot)
        assert _segments_inert(app)
        assert_sane(app)
        await press(pilot, "tab", "enter")  # sent: the result (a new collaboration's screen, the tab) too
        await wait_for_workers(pilot)
        assert _segments_inert(app)
        assert_sane(app)


async def test_a_name_with_a_bidi_override_is_refused_before_sending(make_app):
    app = make_app()
    world = emulator_of(app).state.infosum
    before = set(world.collaborations)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _collab_form(pilot)
        screen.query_one("#c-name", Input).value = "Q3\u202e retail"
        screen.query(".member-id").first(Input).value = "CMP.abc"
        await press(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "CollabCreateScreen"
        assert "control or invisible" in screen.query_one("#collab-message").render().plain
    assert set(world.collaborations) == before


# ------------------------------------------------------------------ a dropped answer

async def test_collaboration_create_with_a_dropped_answer_is_found_not_repeated(make_app):
    app = make_app()
    emu = emulator_of(app)
    world, chaos = emu.state.infosum, emu.state.chaos
    contoso = world.company_by_name("Contoso Media").id
    before = set(world.collaborations)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _collab_form(pilot)
        screen.query_one("#c-name", Input).value = "Dropped answer"
        screen.query(".member-id").first(Input).value = contoso
        await pilot.pause()
        chaos.set("POST /api/v2/collaborations=drop-after")
        await press(pilot, "ctrl+s", "tab", "enter")
        await wait_for_workers(pilot)
        assert chaos.count("drop-after") == 1, "sent exactly once"
        chaos.clear()
        made = [c for cid, c in world.collaborations.items() if cid not in before]
        assert len(made) == 1
        assert type(app.screen).__name__ == "CollaborationScreen" and app.screen.target.id == made[0].id
        assert "found by listing" in " ".join(str(n.message) for n in app._notifications)
