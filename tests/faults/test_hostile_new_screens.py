"""Hostile strings (tests/data/hostile_strings.json) on the launch form and its confirmation, the Runs
board, the event log, the room timeline and the insight query screen.

The world is seeded with hostile question titles, parameter display names and descriptions, run
names, failure reasons, company names, event messages and dataset names. Every screen must show them
inert (markup literal, escapes and controls as visible pictures, no bidi overrides, no lone
surrogates, no links or click actions) in a layout that still fits the terminal.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from rich.cells import cell_len
from textual.widgets import SelectionList

from tests.helpers import press, screen_text, wait_for_workers
from tui.emulator.hostile import corpus
from tui.store import Store
from tui.ui.screens.board import RunsBoardScreen
from tui.ui.screens.events import EventsScreen
from tui.ui.screens.launch import LaunchScreen
from tui.ui.screens.launch_confirm import LaunchConfirmScreen

from .conftest import SIZE
from .new_screens import (
    TIMING,
    assert_sane,
    fill_form,
    lr,
    open_event_log,
    open_insight_query,
    open_launch_form,
    open_room_timeline,
    query_collab,
    toasts,
)
from .test_hostile import FORBIDDEN, _segments_inert

#: hostile text as it looks once made inert (at least one must be on every screen)
SHOWN = ("[bold]Bold?[/bold]", "[@click=app.quit]", "␛[", "[/] closing nothing", "␇", "Long name segment",
         "<script>", "\ufffd", "family", "[link=", "%s%n")


@pytest.fixture(autouse=True)
def _no_wall_clock_tail(monkeypatch):
    monkeypatch.setattr(EventsScreen, "LIVE", False)


def _hostile(_what: str) -> str:
    """A corpus string with markup and an escape sequence in it (a failure reason, a run name)."""
    return next(t for _id, t in corpus() if "[" in t and "\x1b" in t)


async def _launch_form(pilot, clock=None) -> None:
    await open_launch_form(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LaunchScreen) and screen.form is not None


async def _launch_confirm(pilot, clock=None) -> None:
    await _launch_form(pilot)
    fill_form(pilot.app.screen)
    await pilot.pause()
    await press(pilot, "ctrl+s")
    assert isinstance(pilot.app.screen, LaunchConfirmScreen), screen_text(pilot.app)


async def _runs_board(pilot, clock) -> None:
    app = pilot.app
    await wait_for_workers(pilot)
    world, hub = lr(app), app.watching
    launcher = hub.launcher("demo-liveramp")
    q = world.find_question(TIMING)
    for window, final in (("7", "COMPLETED"), ("14", "FAILED"), ("21", "RUNNING")):
        form = await launcher.prepare_launch(q.id, title=q.title, now=hub.now())
        form.set_value("conversion_window", window)
        form.set_value("conversions.date_start", "2026-10-01")
        form.set_value("conversions.date_end", "2026-10-31")
        outcome = await launcher.launch_form(form, allow_duplicate=True)
        hub.launched(outcome)
        plan = world.runs[outcome.object_id].plan
        if final == "RUNNING":
            plan.phases = [("QUEUED", 60), ("RUNNING", 6 * 3600)]
        else:
            plan.final = final
            plan.failure_reason = _hostile("reason") if final == "FAILED" else None
            plan.run_message = plan.failure_reason
    await press(pilot, "b")
    assert isinstance(app.screen, RunsBoardScreen)
    await _until(pilot, clock, lambda: len(hub.watcher.items()) <= 1)
    rows = [r for r in app.screen.table.visible_rows() if not r.key.startswith("group:")]
    assert len(rows) == 3


async def _until(pilot, clock, done, limit=timedelta(hours=2)) -> None:
    """Move the ManualClock from poll to poll, ticking the app's watch hub, until ``done()``."""
    hub = pilot.app.watching
    end = clock.now() + limit
    while not done():
        wake = hub.watcher.next_wake()
        assert wake is not None and wake <= end, "the expected state was not reached"
        clock.set(max(wake, clock.now()))
        await hub.tick()
        await pilot.pause()


async def _insight_query(pilot, clock) -> None:
    app = pilot.app
    # IQL names datasets by identifier: two of them get one, so the query runs and its result (hostile
    # attribute labels) is shown; the others stay hostile in the picker
    for permission, name in zip(query_collab(app).datasets, ("hostile_a", "hostile_b"), strict=False):
        permission.collaboration_dataset_name = name
    await open_insight_query(pilot)
    picker = app.screen.query_one("#query-datasets", SelectionList)
    picker.select("hostile_a")
    picker.select("hostile_b")
    await pilot.pause()
    await press(pilot, "ctrl+s", "tab", "enter")  # review, then send it: the result is hostile too
    await _until(pilot, clock, lambda: not app.watching.watcher.items())
    await wait_for_workers(pilot)
    assert app.screen.query_one("#query-results").visible_rows(), toasts(app)


SCREENS = {
    "launch-form": _launch_form,
    "launch-confirm": _launch_confirm,
    "runs-board": _runs_board,
    "event-log": lambda pilot, clock: open_event_log(pilot),
    "room-timeline": lambda pilot, clock: open_room_timeline(pilot),
    "insight-query": _insight_query,
}


def _check_inert(app) -> str:
    text = assert_sane(app)
    lines = text.splitlines()
    assert len(lines) <= SIZE[1], "layout fits"
    wide = [line for line in lines if cell_len(line) > SIZE[0]]
    assert not wide, f"lines wider than the terminal: {wide}"
    assert _segments_inert(app)
    assert not FORBIDDEN.search(text), repr(FORBIDDEN.search(text).group())
    assert any(s in text for s in SHOWN), text  # the strings are there, shown literally
    return text


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_hostile_world_renders_inert_on_every_screen(make_app, clock, screen):
    app = make_app(hostile=True, store=Store.in_memory(now=clock.now))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await SCREENS[screen](pilot, clock)
        await wait_for_workers(pilot)
        _check_inert(app)
        if screen == "event-log":  # the detail pane: metadata, entities, company names
            await press(pilot, "enter")
            _check_inert(app)



async def test_hostile_dataset_names_in_a_refused_query_stay_inert(make_app, clock):
    """The picker ticks two hostile dataset names into the IQL; the platform refuses it (400) and echoes
    the name back: the error is shown inert, in place and in the toast."""
    app = make_app(hostile=True, store=Store.in_memory(now=clock.now))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await open_insight_query(pilot)
        picker = app.screen.query_one("#query-datasets", SelectionList)
        picker.select(picker.get_option_at_index(0).value)
        picker.select(picker.get_option_at_index(1).value)
        await pilot.pause()
        _check_inert(app)  # the IQL box holds the names as typed text
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LaunchConfirmScreen)
        _check_inert(app)  # the exact request, names included
        await press(pilot, "tab", "enter")
        said = toasts(app)
        assert "HTTP 400" in said and "is not a dataset name" in said, said
        text = _check_inert(app)
        assert "[/] closing nothing" in text or "␛[" in text, text
