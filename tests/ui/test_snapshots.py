"""Layout snapshots of every main screen (plain text of the rendered screen).

pytest-textual-snapshot cannot be installed next to pytest 9, so this compares the text of what
``export_screenshot`` renders with tests/ui/snapshots/<name>.txt (an SVG is written next to it for
review). Regenerate after an intended change with ``UPDATE_SNAPSHOTS=1 pytest tests/ui``.
"""

from __future__ import annotations

from .conftest import assert_snapshot, open_key, press, settle, table, wait_for_workers
from .tour import tour


async def test_main_screens_at_120x40(make_app):
    app = make_app()
    seen = []
    async with app.run_test(size=(120, 40)) as pilot:
        async for name in tour(pilot):
            assert_snapshot(app, name)
            seen.append(name)
    assert len(seen) == 11


async def test_home_and_a_question_at_80x24(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        steps = tour(pilot)
        assert await anext(steps) == "home"
        assert_snapshot(app, "home-80x24")
        assert await anext(steps) == "room-overview"
        assert await anext(steps) == "room-questions"
        assert_snapshot(app, "room-questions-80x24")
        assert await anext(steps) == "question-runs"
        assert_snapshot(app, "question-runs-80x24")
        await steps.aclose()
        await wait_for_workers(pilot)


async def test_launch_form_board_and_event_log_at_80x24(make_app, clock, monkeypatch):
    """The newer screens at 80×24: the field being edited with its error, the confirmation's
    request and buttons, a board row's status, the event log's message column and detail pane."""
    from tests.helpers import field_input, open_form
    from tui.store import Store
    from tui.ui.screens.events import EventsScreen

    from .test_board import launch
    from .test_events import busiest

    monkeypatch.setattr(EventsScreen, "LIVE", False)  # the tail polls on a wall-clock timer
    app = make_app(store=Store.in_memory(now=clock.now))
    lr = app.sessions[0].demo.app().state.liveramp
    inf = app.sessions[1].demo.app().state.infosum
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, app, lr)
        box = field_input(screen, "conversion_window")
        box.value = "fourteen"
        box.focus()
        await press(pilot, "tab")  # leaving the field shows its problem under it
        screen.query_one("#f-1").focus()
        box.focus()
        await settle(pilot)
        assert_snapshot(app, "launch-form-80x24")
        box.value = "14"
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert_snapshot(app, "launch-confirm-80x24")
        await press(pilot, "escape", "escape")

        await launch(app, lr)
        await press(pilot, "b")
        await settle(pilot)
        assert_snapshot(app, "runs-board-80x24")
        while type(app.screen).__name__ != "HomeScreen":
            await press(pilot, "escape")

        await open_key(pilot, table(app, "#table-1"), busiest(inf).id)
        await press(pilot, "v")
        await settle(pilot)
        assert_snapshot(app, "event-log-80x24")
