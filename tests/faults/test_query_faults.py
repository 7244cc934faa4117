"""Fault drills on the InfoSum insight query screen (Pilot, in-process emulator).

- Compose (the collaboration's datasets): a refresh under a fault keeps the datasets listed and
  shows the error in place; opened while the platform fails, it says why and ``r`` lists them once
  the fault stops.
- Results: reading a finished query's result under a fault shows the error in place, keeps the
  rows already shown, and one refresh recovers.
- A lost answer to ``POST /api/v1/queries`` (the platform queued it): exactly one query.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import SelectionList

from tests.helpers import press, wait_for_workers
from tui.store import Store
from tui.ui.screens.launch_confirm import LaunchConfirmScreen
from tui.ui.screens.query import QueryScreen

from .conftest import FAULTS, SIZE, each_fault, emulator_of, fault_cells
from .new_screens import assert_sane, errors, inf, open_insight_query, toasts

QUERY_FAULTS = ["latency", "slow-drip", "429", "429-retry-after", "500", "502", "503", "malformed-json", "truncated-body", "connection-dropped",
                "token-expired"]


def _spec(fault: str) -> str:
    # InfoSum keys do not expire: "token-expired" is a revoked key, a 401 on every call until it stops
    return FAULTS[fault] if fault != "token-expired" else "/api/*=token-expired"


def _datasets(app) -> int:
    return app.screen.query_one("#query-datasets", SelectionList).option_count


@pytest.mark.parametrize("group", fault_cells("insight-query", QUERY_FAULTS))
async def test_screen_survives_fault(make_app, gate, group):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        marker = await open_insight_query(pilot)
        shown = _datasets(app)
        assert shown >= 2 and not errors(app)
        await each_fault("insight-query", group, lambda fault: _drill(app, pilot, gate, fault, marker, shown))


async def _drill(app, pilot, gate, fault: str, marker: str, shown: int) -> None:
    """A refresh under ``fault`` keeps the datasets listed and shows the error in place; once it
    stops, one refresh recovers."""
    chaos = emulator_of(app).state.chaos
    screen = app.screen
    chaos.set(_spec(fault))
    if fault in ("latency", "slow-drip"):
        gate.close()
        await pilot.press("r")
        for _ in range(5):
            await pilot.pause()
        text = assert_sane(app)
        assert fault == "slow-drip" or "Refreshing" in text, text
        assert _datasets(app) == shown and marker in text
        gate.release()
        await wait_for_workers(pilot)
        assert not errors(app)
    else:
        await press(pilot, "r")
        text = assert_sane(app)
        assert app.screen is screen and marker in text
        assert errors(app) and ("✗ " in text), text
    assert _datasets(app) == shown, "the datasets stay listed"

    chaos.clear()
    await press(pilot, "r")
    text = assert_sane(app)
    assert not errors(app), text
    assert _datasets(app) == shown


async def test_opened_while_failing_says_why_and_recovers(make_app):
    app = make_app()
    chaos = emulator_of(app).state.chaos
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        chaos.set("GET /api/*/collaborations/*=503")
        await open_insight_query(pilot)
        text = assert_sane(app)
        assert errors(app) and "HTTP 503" in text, text
        chaos.clear()
        await press(pilot, "r")
        assert_sane(app)
        assert not errors(app) and _datasets(app) >= 2


async def _compose_and_send(pilot) -> tuple[QueryScreen, set[str]]:
    app = pilot.app
    screen = app.screen
    picker = screen.query_one("#query-datasets", SelectionList)
    picker.select(picker.get_option_at_index(0).value)
    picker.select(picker.get_option_at_index(1).value)
    await pilot.pause()
    before = set(inf(app).queries)
    await press(pilot, "ctrl+s")
    assert isinstance(app.screen, LaunchConfirmScreen)
    await press(pilot, "tab", "enter")
    await wait_for_workers(pilot)
    return screen, before


async def test_result_read_under_fault_then_recovers(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    chaos = emulator_of(app).state.chaos
    async with app.run_test(size=SIZE) as pilot:
        await open_insight_query(pilot)
        screen, before = await _compose_and_send(pilot)
        [qid] = set(inf(app).queries) - before
        hub = app.watching
        end = clock.now() + timedelta(minutes=30)
        while hub.watcher.items():
            wake = hub.watcher.next_wake()
            assert wake is not None and wake <= end
            clock.set(max(wake, clock.now()))
            await hub.tick()
            await pilot.pause()
        await wait_for_workers(pilot)
        results = screen.query_one("#query-results")
        rows = [r.key for r in results.visible_rows()]
        assert rows and screen.query_id == qid

        for fault in ("500", "malformed-json", "connection-dropped"):
            chaos.set(FAULTS[fault])
            await press(pilot, "r")
            text = assert_sane(app)
            assert errors(app) and "✗ " in text, (fault, text)
            assert [r.key for r in results.visible_rows()] == rows, "the result stays"
            chaos.clear()
            await press(pilot, "r")
            assert_sane(app)
            assert not errors(app) and [r.key for r in results.visible_rows()] == rows


@pytest.mark.parametrize("fault", ["drop-after", "malformed", "truncated"])
async def test_lost_query_answer_makes_exactly_one_query(make_app, clock, fault):
    """InfoSum cannot list insight queries, so a lost answer stays "unknown": the screen says so
    without contradicting itself (a query changes nothing, running it again is safe), and the one
    POST made one query."""
    app = make_app(store=Store.in_memory(now=clock.now))
    chaos = emulator_of(app).state.chaos
    async with app.run_test(size=SIZE) as pilot:
        await open_insight_query(pilot)
        chaos.set(f"POST /api/v1/queries={fault},times=1")
        screen, before = await _compose_and_send(pilot)
        assert_sane(app)
        made = set(inf(app).queries) - before
        assert chaos.count(fault) == 1 and len(made) == 1, "sent once, never retried"
        said = toasts(app)
        assert "outcome unknown" in said and "running it again is safe" in said, said
        assert "Do not send it again" not in said, said
        assert app.screen is screen and screen.query_id is None  # still composing: nothing to watch
