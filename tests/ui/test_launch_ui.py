"""Launching from the TUI: the form generated from a question's typed parameters, checks on the field
before anything is sent, the confirmation with the exact request, one run created and watched,
"again?" for duplicates, the creation budget, read-only, and "run again" with the same parameters.

Demo world (seed 7) on a manual clock; an in-memory store holds the launch journal.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from textual.widgets import Input, Select

from tests.helpers import OVERLAP, TIMING, field_input, open_flow_form, open_form, question_target
from tui.store import Store
from tui.ui.jump_index import Target
from tui.ui.screens.board import RunsBoardScreen
from tui.ui.screens.launch import LaunchScreen
from tui.ui.screens.launch_confirm import LaunchConfirmScreen
from tui.ui.screens.run import RunScreen

from .conftest import SIZE, assert_snapshot, press, screen_text, wait_for_workers


@pytest.fixture
def lr_app(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    world = app.sessions[0].demo.app().state.liveramp
    return app, world


def field_error(screen: LaunchScreen, name: str) -> str:
    widget = field_input(screen, name)
    return widget.parent.query_one(".field-error").render().plain


async def fill_valid(pilot, screen: LaunchScreen) -> None:
    values = {"conversion_window": "14", "conversions.date_start": "2026-10-01",
              "conversions.date_end": "2026-10-31"}
    for name, value in values.items():
        field_input(screen, name).value = value
    await pilot.pause()


def runs_of(world, question_id: str) -> set[str]:
    return set(world.runs_by_question.get(question_id, []))


async def test_invalid_date_and_integer_are_flagged_on_the_field_and_nothing_is_sent(lr_app):
    app, world = lr_app
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, world)
        qid = screen.plan.question_id
        before = runs_of(world, qid)
        kinds = {f.name: f.kind for f in screen.form.fields}
        assert kinds == {"conversion_window": "integer", "conversions.date_start": "date",
                         "conversions.date_end": "date"}
        field_input(screen, "conversion_window").value = "fourteen"
        field_input(screen, "conversions.date_start").value = "2026-02-30"
        field_input(screen, "conversions.date_end").value = "2026-10-31"
        await pilot.pause()
        assert field_error(screen, "conversion_window") == ""  # not flagged while still being typed
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LaunchScreen), "no confirmation while a field is invalid"
        assert "whole number" in field_error(screen, "conversion_window")
        assert "real calendar day" in field_error(screen, "conversions.date_start")
        assert field_error(screen, "conversions.date_end") == ""
        assert field_input(screen, "conversion_window").has_class("-invalid")
        assert "Not sent: 2 field(s)" in screen_text(app)
        assert app.screen.focused is field_input(screen, "conversion_window")
        # a range the wrong way round is caught too
        field_input(screen, "conversion_window").value = "14"
        field_input(screen, "conversions.date_start").value = "2026-11-30"
        await press(pilot, "ctrl+s")
        assert "is after the end" in field_error(screen, "conversions.date_start")
        assert isinstance(app.screen, LaunchScreen)
        assert runs_of(world, qid) == before
        assert not any("create-run" in k for k in app.sessions[0].client.calls)


async def test_confirm_shows_the_exact_request_then_one_run_is_created_and_on_the_board(lr_app):
    app, world = lr_app
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, world)
        qid = screen.plan.question_id
        before = runs_of(world, qid)
        await fill_valid(pilot, screen)
        name = screen.form.name
        assert name.startswith("Conversion Timing · 2026-10-01–2026-10-31 · ")
        assert screen.query_one("#f-name", Input).value == name  # pre-filled and following the values
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LaunchConfirmScreen)
        body = app.screen.body.plain
        expected = {"name": name, "parameters": {"conversion_window": "14"},
                    "partitionParameters": [{"name": "conversions.date_start", "value": "2026-10-01"},
                                            {"name": "conversions.date_end", "value": "2026-10-31"}]}
        assert f"POST /v1/cleanroom-questions/{qid}/create-run" in body
        assert json.dumps(expected, indent=2, ensure_ascii=False) in body
        assert "Creations left this hour: 20/20 → 19" in body
        assert_snapshot(app, "launch-confirm")
        await press(pilot, "enter")  # Cancel has the focus: nothing sent
        assert isinstance(app.screen, LaunchScreen) and runs_of(world, qid) == before
        await press(pilot, "ctrl+s")
        await press(pilot, "tab", "enter")
        new = runs_of(world, qid) - before
        assert len(new) == 1, "exactly one run"
        run_id = new.pop()
        assert world.runs[run_id].name == name
        assert app.sessions[0].client.calls[f"POST /v1/cleanroom-questions/{qid}/create-run"] == 1
        assert isinstance(app.screen, RunsBoardScreen)
        board = app.screen.table
        assert board.selected_key == f"demo-liveramp|question_run|{run_id}"
        row = [c.plain for c in board.selected.cells]
        assert row[1] == "QUEUED" and row[0].strip() == "queued" and row[2] == name[:39] + "…"
        assert any(n.title == "Launched" for n in app._notifications)
        assert app.watching.is_watched("demo-liveramp", "question_run", run_id)


async def test_same_parameters_again_asks_again(lr_app):
    app, world = lr_app
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, world)
        qid = screen.plan.question_id
        await fill_valid(pilot, screen)
        await press(pilot, "ctrl+s", "tab", "enter")
        assert isinstance(app.screen, RunsBoardScreen)
        await press(pilot, "escape")  # back to the question
        screen = await open_form(pilot, app, world) if not isinstance(app.screen, LaunchScreen) else app.screen
        await fill_valid(pilot, screen)
        before = runs_of(world, qid)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LaunchConfirmScreen)
        text = screen_text(app)
        assert "Again?" in text and "launched 1 time(s) in the last 15 min" in text
        assert "Launch again" in text
        await press(pilot, "escape")
        assert runs_of(world, qid) == before
        await press(pilot, "ctrl+s", "tab", "enter")
        assert len(runs_of(world, qid) - before) == 1


async def test_enforced_list_is_a_select_and_the_last_run_gives_the_defaults(lr_app):
    app, world = lr_app
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, world, OVERLAP)
        select = field_input(screen, "CRM_ATTRIBUTE")
        assert isinstance(select, Select)
        last = screen.plan.last_run
        assert last is not None, "the question screen's run list gives the last run"
        assert select.value == last.parameters["CRM_ATTRIBUTE"]
        assert_snapshot(app, "launch-form")


async def test_budget_at_zero_disables_launch_with_the_free_up_time(lr_app, clock):
    app, world = lr_app
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        ledger = app.watching.launcher("demo-liveramp").ledger
        for _ in range(ledger.creates_per_hour):
            ledger.record_create()
        screen = await open_form(pilot, app, world)
        await fill_valid(pilot, screen)
        button = screen.query_one("#launch-go")
        free = ledger.creates_free_at()
        assert button.disabled
        assert f"until {free:%H:%M:%S}" in str(button.label)
        assert "launching is disabled until" in screen_text(app)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LaunchScreen)
        clock.set(free)
        screen.refresh_budget()
        await pilot.pause()
        assert not button.disabled and "Creations left this hour: 20/20" in screen_text(app)


async def test_readonly_hides_and_refuses_launch(make_app, clock):
    app = make_app(readonly=True, store=Store.in_memory(now=clock.now))
    world = app.sessions[0].demo.app().state.liveramp
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        app.open(app.sessions[0], question_target(app, world, TIMING))
        await wait_for_workers(pilot)
        assert "Launch" not in screen_text(app).splitlines()[-1]  # not in the footer
        await press(pilot, "l")
        assert not isinstance(app.screen, LaunchScreen)
        assert any("Read-only" in n.message for n in app._notifications)


async def test_run_again_prefills_the_same_parameters(lr_app):
    app, world = lr_app
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        question = question_target(app, world, TIMING)
        old = next(r for r in world.runs.values() if r.question_id == question.id and r.parameters)
        run_t = Target("run", old.id, old.name, "demo-liveramp", path=(*question.path, question))
        app.open(app.sessions[0], run_t)
        await wait_for_workers(pilot)
        assert isinstance(app.screen, RunScreen)
        await press(pilot, "R")
        assert isinstance(app.screen, LaunchScreen) and app.screen.plan.rerun
        form = app.screen.form
        values = {f.name: form.values[f.key] for f in form.fields}
        sent = dict(old.parameters)
        sent.update({p["name"]: p["value"] for p in old.partition_parameters or []})
        for name, value in sent.items():
            if name in values:
                assert values[name] == str(value), name
        assert form.name != old.name


async def test_flow_launch_pauses_then_resume_from_the_flow_run_screen(lr_app, clock):
    from tui.ui.screens.flow_run import FlowRunScreen

    app, world = lr_app
    async with app.run_test(size=SIZE) as pilot:
        flow_t = await open_flow_form(pilot, app, world, pause="1")
        room_t = flow_t.path[0]
        before = set(world.flow_runs)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LaunchConfirmScreen)
        body = app.screen.body.plain
        assert f"POST /v1/cleanrooms/{room_t.id}/cleanroom-flows/{flow_t.id}/cleanroom-flow-runs" in body
        assert '"pauseLevelID": "Level-1"' in body
        await press(pilot, "tab", "enter")
        [run_id] = set(world.flow_runs) - before
        world.flow_runs[run_id].plan.fail_node = None
        hub = app.watching
        end = clock.now() + timedelta(hours=2)
        while hub.watcher.items()[0].snapshot is None or hub.watcher.items()[0].snapshot.status != "PAUSED":
            wake = hub.watcher.next_wake()
            assert wake <= end
            clock.set(max(wake, clock.now()))
            await hub.tick()
        app.open(app.sessions[0], Target("flow_run", run_id, "run", "demo-liveramp", path=(room_t, flow_t)))
        await wait_for_workers(pilot)
        assert isinstance(app.screen, FlowRunScreen) and app.screen.run.status == "PAUSED"
        creates = hub.launcher("demo-liveramp").creates_left()
        await press(pilot, "u")
        assert isinstance(app.screen, LaunchConfirmScreen)
        assert f"/cleanroom-flow-runs/{run_id}/resume-flow-run" in app.screen.body.plain
        await press(pilot, "tab", "enter")
        toast = next(n for n in app._notifications if n.title == "Resumed")
        assert toast.message.count(run_id) == 1, toast.message  # named once (issue 18.13), not twice
        assert hub.launcher("demo-liveramp").creates_left() == creates  # a resume creates nothing
        seen = []
        hub.watcher.subscribe(lambda e: seen.append(getattr(getattr(e, "new", None), "status", None)))
        while "COMPLETED" not in seen:
            wake = hub.watcher.next_wake()
            assert wake is not None and wake <= end + timedelta(hours=2)
            clock.set(max(wake, clock.now()))
            await hub.tick()
        assert "PAUSED" not in seen  # it went on from where it paused


async def test_a_dropped_answer_creates_exactly_one_run_found_by_listing(lr_app):
    """The create-run reaches the platform, the answer never comes back: the app lists the question's
    runs, finds the one it made, watches it — and never posts again."""
    from tests.helpers import DropAnswer

    app, world = lr_app
    session = app.sessions[0]
    drop = DropAnswer(session.demo.transport)
    session._transport = drop  # before the client exists: every call goes through it
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, world)
        qid = screen.plan.question_id
        before = runs_of(world, qid)
        await fill_valid(pilot, screen)
        name = screen.form.name
        drop.arm("/create-run")
        await press(pilot, "ctrl+s", "tab", "enter")
        new = runs_of(world, qid) - before
        assert drop.dropped == 1 and len(new) == 1, "exactly one run"
        run_id = new.pop()
        assert session.client.calls[f"POST /v1/cleanroom-questions/{qid}/create-run"] == 1
        assert world.runs[run_id].name == name
        toast = next(n for n in app._notifications if n.title == "Launched")
        assert "found by listing" in toast.message
        assert isinstance(app.screen, RunsBoardScreen)
        assert app.watching.is_watched("demo-liveramp", "question_run", run_id)
        store = app.watching.store
        assert store.journal_unresolved("demo-liveramp") == []


async def test_enter_on_a_rejected_field_keeps_the_focus_and_the_text_there(lr_app):
    """Issue 18.1: Enter on an invalid value flags it and stays in the field (the corrected value is
    typed into it, not read as keys); Enter on a valid one moves on."""
    app, world = lr_app
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, world)
        field = field_input(screen, "conversion_window")
        field.focus()
        field.value = ""
        await press(pilot, *"fourteen", "enter")
        assert "whole number" in field_error(screen, "conversion_window")
        assert screen.focused is field and field.value == "fourteen"
        field.value = ""
        await press(pilot, "1", "4", "enter")
        assert field_error(screen, "conversion_window") == "" and screen.focused is not field


async def test_a_replay_level_that_is_not_one_keeps_the_prompt_open(lr_app):
    """Issue 18.1: ``p`` (replay) with a start level that is not one says why under the field; nothing is sent."""
    from tui.ui.screens.prompt import PromptScreen

    app, world = lr_app
    run = next(r for r in world.flow_runs.values() if world.flows[r.flow_id].room_id in world.cleanrooms)
    flow = world.flows[run.flow_id]
    room = world.cleanrooms[flow.room_id]
    room_t = Target("room", room.id, room.name, "demo-liveramp", room.display_id)
    flow_t = Target("flow", flow.id, flow.name, "demo-liveramp", path=(room_t,))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        app.open(app.sessions[0], Target("flow_run", run.id, run.name, "demo-liveramp", path=(room_t, flow_t)))
        await wait_for_workers(pilot)
        await press(pilot, "p")
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        field = prompt.query_one(Input)
        field.value = ""
        await press(pilot, *"second", "enter")
        assert app.screen is prompt and prompt.focused is field and field.value == "second"
        assert "Not a level: second" in screen_text(app)
        await press(pilot, "escape")
        assert not any("replay" in k for k in app.sessions[0].client.calls)
