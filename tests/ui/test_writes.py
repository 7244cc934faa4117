"""Writes: a confirmation that says exactly what will change comes first; read-only refuses."""

from __future__ import annotations

from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.pick import PickScreen

from .conftest import SIZE, open_key, plain_rows, press, screen_text, table, wait_for_workers
from .test_screens import busiest


async def _questions_tab(pilot, lr):
    room, questions = busiest(lr)
    await wait_for_workers(pilot)
    await open_key(pilot, table(pilot.app, "#table-0"), room.id)
    pilot.app.screen.show_tab("questions")
    await wait_for_workers(pilot)
    return room, questions


async def test_delete_question_asks_first_and_says_exactly_what(world):
    app, lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        room, questions = await _questions_tab(pilot, lr)
        qtable = table(app, "#questions-pane")
        victim = questions[-1]
        qtable.select_key(victim.id)
        await press(pilot, "x")
        assert isinstance(app.screen, ConfirmScreen)
        text = screen_text(app)
        assert "Delete question from clean room" in text
        assert f"DELETE /v1/cleanroom-questions/{victim.id}" in app.screen.body.plain
        assert victim.display_id in text and victim.title in text
        assert room.display_id in text and room.name in text
        await press(pilot, "escape")  # cancel: nothing sent
        assert not isinstance(app.screen, ConfirmScreen)
        assert victim.id in lr.questions
        await press(pilot, "x")
        await press(pilot, "enter")  # Cancel has the focus: a stray Enter never writes
        assert victim.id in lr.questions
        await press(pilot, "x", "tab", "enter")  # now on "Delete question"
        assert victim.id not in lr.questions
        assert victim.id not in {r.key for r in qtable.visible_rows()}
        assert any("Deleted" in n.message for n in app._notifications)


async def test_readonly_hides_and_refuses_writes(make_app):
    app = make_app(readonly=True)
    lr = app.sessions[0].demo.app().state.liveramp
    async with app.run_test(size=SIZE) as pilot:
        room, questions = await _questions_tab(pilot, lr)
        assert "READ-ONLY" in screen_text(app)
        # hidden: not an active binding of the screen (the footer shows only help-listed keys anyway)
        assert "delete-question" not in {b.binding.id for b in app.screen.active_bindings.values()}
        table(app, "#questions-pane").select_key(questions[0].id)
        await press(pilot, "x")
        assert not isinstance(app.screen, ConfirmScreen)
        assert questions[0].id in lr.questions
        assert any("Read-only" in n.message for n in app._notifications)
        assert app.sessions[0].readonly


async def test_change_role_picks_then_confirms(world):
    app, lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        room, _questions = busiest(lr)
        await wait_for_workers(pilot)
        await open_key(pilot, table(app, "#table-0"), room.id)
        app.screen.show_tab("partners")
        await wait_for_workers(pilot)
        users = table(app, "#users-pane")
        row = next(r for r in users.visible_rows() if r.cells[3].plain == "Analyst")
        users.select_key(row.key)
        users.focus()
        await press(pilot, "o")
        assert isinstance(app.screen, PickScreen)
        options = app.screen.query_one("OptionList")
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        target = next(i for i, label in enumerate(labels) if "Administrator" in label and "Partner" not in label)
        options.highlighted = target
        await press(pilot, "enter")
        assert isinstance(app.screen, ConfirmScreen)
        text = screen_text(app)
        assert "Change clean-room role" in text and "Analyst → Administrator" in text
        body = app.screen.body.plain  # long paths wrap on screen
        assert f"PUT /v1/cleanrooms/{room.id}/users/{row.key}/cleanRoomRoles/" in body
        await press(pilot, "tab", "enter")
        assert next(r for r in table(app, "#users-pane").visible_rows() if r.key == row.key).cells[3].plain \
            == "Administrator"


async def test_close_collaboration_confirms_then_closes(world):
    app, _lr, inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        collabs = table(app, "#table-1")
        mine = next(r for r in collabs.visible_rows() if r.cells[1].plain == "Northwind Retail"
                    and r.cells[3].plain == "STATUS_ACTIVE")
        await open_key(pilot, collabs, mine.key)
        await press(pilot, "C")
        assert isinstance(app.screen, ConfirmScreen)
        text = screen_text(app)
        assert f"POST /api/v2/collaborations/{mine.key}/close" in app.screen.body.plain
        assert mine.cells[0].plain in text and "cannot be undone" in text
        await press(pilot, "tab", "enter")
        assert inf.collaborations[mine.key].status == "STATUS_CLOSED"
        assert "STATUS_CLOSED" in screen_text(app)


async def test_add_and_remove_a_destination(world):
    app, _lr, inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        collabs = table(app, "#table-1")
        mine = next(r for r in collabs.visible_rows() if r.cells[1].plain == "Northwind Retail"
                    and r.cells[3].plain == "STATUS_ACTIVE")
        await open_key(pilot, collabs, mine.key)
        app.screen.show_tab("destinations")
        await wait_for_workers(pilot)
        before = {r.key for r in table(app, "#collab-destinations-pane").visible_rows()}
        await press(pilot, "A")
        assert isinstance(app.screen, PickScreen)
        if not app.screen.query("OptionList"):
            return  # every destination is already in it
        await press(pilot, "enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert f"POST /api/v2/collaborations/{mine.key}/destinations" in app.screen.body.plain
        await press(pilot, "tab", "enter")
        dests = table(app, "#collab-destinations-pane")
        added = {r.key for r in dests.visible_rows()} - before
        assert len(added) == 1
        new = added.pop()
        assert new in {d.destination_id for d in inf.collaborations[mine.key].destinations}
        dests.focus()
        dests.select_key(new)
        await press(pilot, "x")
        assert f"DELETE /api/v2/collaborations/{mine.key}/destinations/{new}" in app.screen.body.plain
        await press(pilot, "tab", "enter")
        assert {r.key for r in table(app, "#collab-destinations-pane").visible_rows()} == before
        assert plain_rows(dests) is not None


async def test_an_invalid_dataset_name_keeps_the_dialog_open_with_the_rule(world):
    """Issue 18.1: Add dataset with an invalid name: the dialog stays, the error is under the field, the
    name and the focus stay in it, and its hint says the rule (1–17 letters or digits)."""
    from textual.widgets import Input

    from tui.ui.screens.prompt import PromptScreen

    app, _lr, inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        collabs = table(app, "#table-1")
        mine = next(r for r in collabs.visible_rows() if r.cells[1].plain == "Northwind Retail"
                    and r.cells[3].plain == "STATUS_ACTIVE")
        await open_key(pilot, collabs, mine.key)
        before = len(inf.collaborations[mine.key].datasets)
        await press(pilot, "a", "enter")  # the first of our datasets
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert "1–17 letters or digits" in screen_text(app)
        field = prompt.query_one(Input)
        assert len(field.value) <= 17 and field.value.isalnum()  # the suggestion passes the rule
        field.value = ""
        await press(pilot, *"my sales", "enter")
        assert app.screen is prompt and prompt.focused is field and field.value == "my sales"
        assert "my sales is not a valid name" in screen_text(app)
        taken = next(d.collaboration_dataset_name for d in inf.collaborations[mine.key].datasets)
        field.value = taken
        await press(pilot, "enter")  # the platform refuses a name used twice: said before sending
        assert app.screen is prompt and "already a dataset's name" in screen_text(app)
        field.value = "my"
        await press(pilot, "end", *"Sales", "enter")
        assert isinstance(app.screen, ConfirmScreen) and "mySales" in app.screen.body.plain
        await press(pilot, "tab", "enter")
        assert len(inf.collaborations[mine.key].datasets) == before + 1
