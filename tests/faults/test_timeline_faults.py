"""Fault drills on the LiveRamp timelines (a room's runs, flow runs and audit lines merged): a refresh
under a fault keeps the merged rows and shows the error in place; one refresh recovers."""

from __future__ import annotations

import pytest

from tests.helpers import press, screen_text, wait_for_workers

from .conftest import FAULTS, SIZE, each_fault, emulator_of, fault_cells
from .new_screens import assert_sane, errors, open_room_timeline

TIMELINE_FAULTS = ["latency", "slow-drip", "429", "429-retry-after", "500", "502", "503", "malformed-json", "truncated-body", "connection-dropped", "token-expired"]


@pytest.mark.parametrize("group", fault_cells("room-timeline", TIMELINE_FAULTS))
async def test_screen_survives_fault(make_app, gate, group):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        marker = await open_room_timeline(pilot)
        screen = app.screen
        entries = list(screen.feed.rows())
        assert entries and not errors(app)
        assert marker in screen_text(app)
        await each_fault("room-timeline", group, lambda fault: _drill(app, pilot, gate, fault, entries))


async def _drill(app, pilot, gate, fault: str, entries: list) -> None:
    """A refresh under ``fault`` keeps the merged rows and shows the error in place; once it stops,
    one refresh recovers."""
    chaos = emulator_of(app).state.chaos
    screen = app.screen
    chaos.set(FAULTS[fault])
    if fault in ("latency", "slow-drip"):
        gate.close()
        await pilot.press("r")
        for _ in range(5):
            await pilot.pause()
        text = assert_sane(app)
        assert fault == "slow-drip" or "Refreshing" in text or "loading" in text, text
        assert list(screen.feed.rows()) == entries
        gate.release()
        await wait_for_workers(pilot)
    else:
        await press(pilot, "r")
    text = assert_sane(app)
    assert type(app.screen) is type(screen)
    if fault in ("latency", "slow-drip"):
        assert not errors(app), text
    elif fault == "token-expired":  # one fresh token, and the timeline carries on
        assert not errors(app) and emulator_of(app).state.liveramp.token_requests == 2, text
    else:
        assert errors(app) and "✗ " in text, text
    assert list(screen.feed.rows()) == entries, "the merged rows stay"

    chaos.clear()
    await press(pilot, "r")
    text = assert_sane(app)
    assert not errors(app), text
    assert list(screen.feed.rows()) == entries
