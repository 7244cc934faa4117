"""Fault drills on the launch form and its exact-request confirmation (Pilot, in-process emulator).

- The form under each fault: it is built from the question's parameters, read from the platform;
  a fault shows a readable error in place of the fields and ``r`` builds the form once it stops.
- A create-run whose answer is lost after the platform acted: exactly one run in the world, the
  TUI says the answer was lost and the run was found by listing, and the board shows that one run.
- A 429 on create: sent once, never retried; launching is held (the button says until when) and
  the next launch after the hold is sent exactly once.
"""

from __future__ import annotations

import pytest

from tests.helpers import press, screen_text, wait_for_workers
from tui.config import Budget
from tui.store import Store
from tui.ui.screens.board import RunsBoardScreen
from tui.ui.screens.launch import LaunchScreen
from tui.ui.screens.launch_confirm import LaunchConfirmScreen

from .conftest import FAULTS, SIZE, emulator_of
from .new_screens import (
    CREATE_RUN,
    assert_sane,
    errors,
    fill_form,
    lr,
    open_launch_form,
    question_target,
    toasts,
)

#: faults while the form is read from the platform (a slow link: "Loading…", then the form)
FORM_FAULTS = ["latency", "slow-drip", "429", "429-retry-after", "500", "502", "503", "malformed-json", "truncated-body", "connection-dropped", "token-expired"]


@pytest.mark.parametrize("fault", [pytest.param(f, id=f"launch-form.{f}") for f in FORM_FAULTS])
async def test_screen_survives_fault(make_app, clock, backoff, gate, fault):
    app = make_app(store=Store.in_memory(now=clock.now))
    chaos = emulator_of(app).state.chaos
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        chaos.set(FAULTS[fault])
        if fault in ("latency", "slow-drip"):
            gate.close()
            target = question_target(app)
            app.open(app.sessions[0], target)
            for _ in range(5):
                await pilot.pause()
            gate.release()
            await wait_for_workers(pilot)
            gate.close()
            await pilot.press("l")
            for _ in range(5):
                await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LaunchScreen)
            text = assert_sane(app)
            assert fault == "slow-drip" or "Loading parameters" in text, text
            assert screen.query_one("#launch-go").disabled, "nothing to send before the form is built"
            gate.release()
            await wait_for_workers(pilot)
            assert screen.form is not None and not errors(app), assert_sane(app)
            return
        await open_launch_form(pilot)
        screen = app.screen
        text = assert_sane(app)
        if fault == "token-expired":  # one fresh token and the form is built: nothing to recover from
            assert screen.form is not None and not errors(app), text
            assert lr(app).token_requests == 2
            return
        assert screen.form is None and errors(app), text
        assert "✗ " in text or "Offline" in text, text  # why, in place of the fields
        assert screen.query_one("#launch-go").disabled, "nothing can be sent without a form"
        assert not any("create-run" in k for k in app.sessions[0].client.calls)

        chaos.clear()
        await press(pilot, "r")
        text = assert_sane(app)
        assert screen.form is not None and not errors(app), text
        assert "conversion_window" in text or "Conversion" in text
        assert not screen.query_one("#launch-go").disabled


async def _launch_through_the_form(pilot) -> tuple[LaunchScreen, str, set[str]]:
    app = pilot.app
    await open_launch_form(pilot)
    screen = app.screen
    assert isinstance(screen, LaunchScreen) and screen.form is not None
    fill_form(screen)
    await pilot.pause()
    qid = screen.plan.question_id
    return screen, qid, set(lr(app).runs_by_question.get(qid, []))


@pytest.mark.parametrize("fault", ["drop-after", "malformed", "truncated"])
async def test_lost_create_run_answer_from_the_tui_form_makes_exactly_one_run(make_app, clock, fault):
    app = make_app(store=Store.in_memory(now=clock.now))
    chaos, world = emulator_of(app).state.chaos, lr(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        screen, qid, before = await _launch_through_the_form(pilot)
        name = screen.form.name
        chaos.set(f"{CREATE_RUN}={fault},times=1")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LaunchConfirmScreen)
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        assert_sane(app)
        new = set(world.runs_by_question[qid]) - before
        assert chaos.count(fault) == 1, "the create-run was sent once"
        assert len(new) == 1, "exactly one run in the world"
        [run_id] = new
        assert world.runs[run_id].name == name
        assert app.sessions[0].client.calls[f"POST /v1/cleanroom-questions/{qid}/create-run"] == 1
        said = toasts(app)
        assert "answer was lost" in said and "found by listing" in said and run_id in said, said
        # the board shows that one run, selected, and nothing else from this launch
        assert isinstance(app.screen, RunsBoardScreen)
        keys = [r.key for r in app.screen.table.visible_rows() if not r.key.startswith("group:")]
        assert keys == [f"demo-liveramp|question_run|{run_id}"]
        assert app.screen.table.selected_key == keys[0]
        assert app.watching.is_watched("demo-liveramp", "question_run", run_id)
        assert app.watching.store.journal_unresolved("demo-liveramp") == []


async def test_a_429_on_create_holds_launching_and_sends_once(make_app, clock):
    import dataclasses

    app = make_app(store=Store.in_memory(now=clock.now))
    # LiveRamp's published budget (not the demo's fast one): a 429 holds creations for the hour
    for s in app.sessions:
        s.profile = dataclasses.replace(s.profile, budget=Budget())
    chaos, world = emulator_of(app).state.chaos, lr(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        screen, qid, before = await _launch_through_the_form(pilot)
        create = f"POST /v1/cleanroom-questions/{qid}/create-run"
        chaos.set(f"{CREATE_RUN}=429")
        await press(pilot, "ctrl+s", "tab", "enter")
        await wait_for_workers(pilot)
        assert app.screen is screen
        text = assert_sane(app)
        assert chaos.count("429") == 1 and app.sessions[0].client.calls[create] == 1, "sent once, not retried"
        assert set(world.runs_by_question[qid]) == before
        assert "HTTP 429" in text, text
        assert any(n.title == "Launch failed" for n in app._notifications)
        # launching is held, and the button and the notice say until when
        launcher = app.watching.launcher("demo-liveramp")
        free = launcher.creates_free_at()
        assert launcher.creates_left() == 0 and free is not None and free > clock.now()
        button = screen.query_one("#launch-go")
        screen.refresh_budget()
        await pilot.pause()
        assert button.disabled and f"until {free:%H:%M:%S}" in str(button.label)
        assert f"launching is disabled until {free:%H:%M:%S}" in screen_text(app)
        await press(pilot, "ctrl+s")
        assert app.screen is screen, "no confirmation while held"
        assert app.sessions[0].client.calls[create] == 1

        chaos.clear()
        clock.set(free)
        screen.refresh_budget()
        await pilot.pause()
        assert not button.disabled
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LaunchConfirmScreen)
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        assert_sane(app)
        assert app.sessions[0].client.calls[create] == 2 and len(set(world.runs_by_question[qid]) - before) == 1
        assert world.limit_violations == []


async def test_lost_answer_whose_listing_fails_is_settled_without_a_restart(make_app, clock):
    """The answer is lost and the listing that would settle it fails too: the form says "outcome
    unknown, do not launch again"; once the platform answers, the app settles it by itself (listing,
    never posting again) and watches the run it finds."""
    app = make_app(store=Store.in_memory(now=clock.now))
    chaos, world = emulator_of(app).state.chaos, lr(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        screen, qid, before = await _launch_through_the_form(pilot)
        chaos.set(f"{CREATE_RUN}=drop-after,times=1;GET /v1/cleanroom-questions/*/cleanroom-question-runs=503")
        await press(pilot, "ctrl+s", "tab", "enter")
        await wait_for_workers(pilot)
        text = assert_sane(app)
        assert app.screen is screen and "Do NOT launch again" in text, text
        [run_id] = set(world.runs_by_question[qid]) - before
        hub = app.watching
        assert hub.store.journal_unresolved("demo-liveramp")

        chaos.clear()
        clock.advance(minutes=5)
        await hub.tick()
        await wait_for_workers(pilot)
        assert hub.store.journal_unresolved("demo-liveramp") == []
        assert hub.is_watched("demo-liveramp", "question_run", run_id)
        assert "found by listing" in toasts(app)
        assert app.sessions[0].client.calls[f"POST /v1/cleanroom-questions/{qid}/create-run"] == 1
        assert set(world.runs_by_question[qid]) - before == {run_id}


async def test_lost_flow_run_answer_from_the_tui_form_makes_exactly_one_flow_run(make_app, clock):
    from tests.helpers import open_flow_form

    app = make_app(store=Store.in_memory(now=clock.now))
    chaos, world = emulator_of(app).state.chaos, lr(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_flow_form(pilot, app, world, pause="")
        before = set(world.flow_runs)
        chaos.set("POST /v1/cleanrooms/*/cleanroom-flows/*/cleanroom-flow-runs=drop-after,times=1")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LaunchConfirmScreen)
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        assert_sane(app)
        assert chaos.count("drop-after") == 1
        new = set(world.flow_runs) - before
        assert len(new) == 1, "exactly one flow run"
        [run_id] = new
        said = toasts(app)
        assert "found by listing" in said and run_id in said, said
        assert isinstance(app.screen, RunsBoardScreen)
        assert app.screen.table.selected_key == f"demo-liveramp|flow_run|{run_id}"
        assert app.watching.store.journal_unresolved("demo-liveramp") == []
