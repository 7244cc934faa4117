"""The schedule and collaboration forms (issue 20.2, 20.4) against a hostile world and a dropped answer.

Hostile: schedule names, company names (the "companies you already work with" list, the confirmation's
member names) and a typed name full of markup reach the screen inert. Dropped answer on creating a
collaboration: sent once, found by listing, opened — never created twice."""

from __future__ import annotations

from textual.widgets import Input

from tests.helpers import press, session, table, wait_for_workers
from tui.ui.jump_index import Target

from .conftest import SIZE, emulator_of
from .test_hostile import _segments_inert

MARKUP = "[bold]Q3[/bold] [@click=app.quit]x[/] \x1b[31mred"


async def _collab_form(pilot, app):
    await wait_for_workers(pilot)
    table(app, "#table-1").focus()
    await press(pilot, "n")
    await wait_for_workers(pilot)
    assert type(app.screen).__name__ == "CollabCreateScreen"
    return app.screen


async def test_hostile_names_on_the_collaboration_form_and_its_confirmation(make_app):
    app = make_app(hostile=True)
    world = emulator_of(app).state.infosum
    async with app.run_test(size=SIZE) as pilot:
        screen = await _collab_form(pilot, app)
        assert screen.form.known, "the hostile world's partner companies are listed"
        assert _segments_inert(app)
        partner = next(iter(screen.form.known))
        screen.query_one("#c-name", Input).value = MARKUP.replace("\x1b", "")  # what a paste could hold, minus ESC
        screen.query(".member-id").first(Input).value = partner
        await pilot.pause()
        await press(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "ConfirmScreen"
        assert "[bold]Q3[/bold]" in app.screen.body.plain  # shown literally, never as markup
        assert _segments_inert(app)
        before = set(world.collaborations)
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        made = [c for cid, c in world.collaborations.items() if cid not in before]
        assert len(made) == 1 and made[0].name.startswith("[bold]Q3")
        assert _segments_inert(app)  # the new collaboration's screen, with its literal name

    control = make_app()
    async with control.run_test(size=SIZE) as pilot:
        screen = await _collab_form(pilot, control)
        screen.query_one("#c-name", Input).value = "Q3\u202e retail"  # a bidi override: refused, not sent
        screen.query(".member-id").first(Input).value = "CMP.abc"
        await press(pilot, "ctrl+s")
        assert type(control.screen).__name__ == "CollabCreateScreen"
        assert "control or invisible" in screen.query_one("#collab-message").render().plain


async def test_hostile_schedule_on_the_edit_form(make_app):
    app = make_app(hostile=True)
    lr = emulator_of(app).state.liveramp
    schedule = next(iter(lr.schedules.values()))
    q = lr.questions[schedule.question_id]
    async with app.run_test(size=SIZE) as pilot:
        s = session(app, "liveramp")
        app.open(s, Target("question", q.id, q.title, s.name, q.display_id))
        await wait_for_workers(pilot)
        app.screen.show_tab("schedules")
        await wait_for_workers(pilot)
        schedules = table(app, "#schedules-pane")
        schedules.focus()
        assert schedules.select_key(schedule.id)
        await press(pilot, "enter")
        await wait_for_workers(pilot)
        assert type(app.screen).__name__ == "ScheduleScreen"
        assert _segments_inert(app)
        await press(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "ConfirmScreen"
        assert _segments_inert(app)


async def test_collaboration_create_with_a_dropped_answer_is_found_not_repeated(make_app):
    app = make_app()
    emu = emulator_of(app)
    world, chaos = emu.state.infosum, emu.state.chaos
    contoso = world.company_by_name("Contoso Media").id
    before = set(world.collaborations)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _collab_form(pilot, app)
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
