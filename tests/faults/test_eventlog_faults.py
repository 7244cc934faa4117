"""Fault drills on the collaboration event log and the LiveRamp timelines (Pilot, in-process emulator).

Event log: opened on a healthy platform (its first screen is cached), then a fault on every route.
A refresh (``r``) and a live-tail poll keep what is loaded and show the error in place; a slow link
says "Refreshing…" over the rows. Once the fault stops the live tail recovers by itself: the next
poll brings the event that arrived meanwhile and clears the error, no key pressed.

The live tail's wall-clock timer is off (``EventsScreen.LIVE``); drills call ``poll_now`` instead.
"""

from __future__ import annotations

import pytest

from tests.helpers import press, screen_text, wait_for_workers
from tui.emulator.infosum.events import EventDetail
from tui.ui.screens.events import EventsScreen

from .conftest import FAULTS, SIZE, each_fault, emulator_of, fault_cells
from .new_screens import assert_sane, busiest_collab, errors, open_event_log

LOG_FAULTS = ["latency", "slow-drip", "429", "429-retry-after", "500", "502", "503", "malformed-json", "truncated-body",
              "connection-dropped", "token-expired"]


@pytest.fixture(autouse=True)
def _no_wall_clock_tail(monkeypatch):
    monkeypatch.setattr(EventsScreen, "LIVE", False)


def _shown(app) -> tuple[int, str | None]:
    t = app.screen.table
    return t.row_count, t.selected_key


@pytest.mark.parametrize("group", fault_cells("event-log", LOG_FAULTS))
async def test_screen_survives_fault(make_app, clock, gate, group):
    app = make_app()
    collab = busiest_collab(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_event_log(pilot)
        await each_fault("event-log", group, lambda fault: _drill(app, pilot, clock, gate, collab, fault))


async def _drill(app, pilot, clock, gate, collab, fault: str) -> None:
    """A refresh and a live-tail poll under ``fault`` keep what is loaded and show the error in
    place; once it stops, an event arrives and the next poll recovers by itself."""
    chaos = emulator_of(app).state.chaos
    inf = emulator_of(app).state.infosum
    screen = app.screen
    assert screen.feed.total == len(collab.events) and not errors(app)
    before = _shown(app)
    newest = screen.table.selected.message
    assert newest[:12] in screen_text(app)

    # InfoSum keys do not expire: "token-expired" is a revoked key, a 401 on every call until it stops
    chaos.set(FAULTS[fault] if fault != "token-expired" else "/api/*=token-expired")
    if fault in ("latency", "slow-drip"):
        gate.close()
        await pilot.press("r")
        for _ in range(5):
            await pilot.pause()
        text = assert_sane(app)
        assert _shown(app) == before and newest[:12] in text
        assert fault == "slow-drip" or "Refreshing" in text
        gate.release()
        await wait_for_workers(pilot)
        assert not errors(app)
    else:
        await press(pilot, "r")  # a refresh under the fault
        text = assert_sane(app)
        assert errors(app) and "✗ " in text, text
        assert "Showing the last data fetched" in text
        assert _shown(app) == before and newest[:12] in text, "what is loaded stays"
        await screen.poll_now()  # and the live tail under the fault
        await pilot.pause()
        text = assert_sane(app)
        assert errors(app) and _shown(app) == before
    assert isinstance(app.screen, EventsScreen)

    # the fault stops; an event arrives; the live tail's next poll recovers by itself
    chaos.clear()
    clock.advance(60)
    inf.emit(collab, "TYPE_SEGMENT_CREATED", collab.owner_id, EventDetail("after the storm"))
    await screen.poll_now()
    await wait_for_workers(pilot)
    text = assert_sane(app)
    assert not errors(app), text
    assert screen.feed.total == len(collab.events)
    assert screen.table.source.row_at(0).message == "after the storm"
    assert screen.table.row_count == before[0] + 1
