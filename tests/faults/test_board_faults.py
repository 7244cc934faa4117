"""Fault drills on the Runs board (Pilot, in-process emulator in strict-limits mode).

Two launched runs are watched on the board; then every status read fails (each fault in turn). The
board keeps its rows, shows the poll failure reason in the row, stays inside LiveRamp's published
limits (the emulator answers 429 to anything over them and records it), and recovers by itself
once the fault stops — the next polls clear the reason, no key pressed. Time moves only when the
drill moves the ManualClock and ticks the app's watch hub (``app.watching.tick()``).
"""

from __future__ import annotations

import asyncio

import pytest

from tests.helpers import press, wait_for_workers
from tui.config import demo_profiles
from tui.core.session import build_sessions
from tui.emulator import EmulatorOptions
from tui.store import Store
from tui.ui.app import CleanroomApp
from tui.ui.screens.board import RunsBoardScreen
from tui.ui.text import DASH

from .conftest import FAULTS, SIZE
from .new_screens import TIMING, assert_sane

BOARD_FAULTS = ["latency", "slow-drip", "429", "429-retry-after", "500", "502", "503", "malformed-json", "truncated-body",
                "connection-dropped", "token-expired"]


@pytest.fixture
def strict_app(clock, backoff, gate):
    """The demo on LiveRamp's published budget (speed 1) against an emulator enforcing the limits."""
    store = Store.in_memory(now=clock.now)
    sessions = build_sessions(demo_profiles(speed=1), store=store, client_options={"sleep": backoff},
                              demo_options=EmulatorOptions(seed=7, clock=clock, strict_limits=True))
    emu = sessions[0].demo.app()
    emu.state.chaos.sleep = gate
    app = CleanroomApp(sessions)
    app.animation_level = "none"
    return app, emu


async def _launch(app, world, window: str):
    hub = app.watching
    launcher = hub.launcher("demo-liveramp")
    q = world.find_question(TIMING)
    form = await launcher.prepare_launch(q.id, title=q.title, now=hub.now())
    form.set_value("conversion_window", window)
    form.set_value("conversions.date_start", "2026-10-01")
    form.set_value("conversions.date_end", "2026-10-31")
    outcome = await launcher.launch_form(form, allow_duplicate=True)
    hub.launched(outcome)
    run = world.runs[outcome.object_id]
    run.plan.phases = [("QUEUED", 600), ("RUNNING", 6 * 3600)]  # still running for the whole drill
    return outcome


async def _poll(pilot, clock, rounds: int = 1) -> None:
    """Move the clock to the next planned poll and make it, ``rounds`` times."""
    hub = pilot.app.watching
    for _ in range(rounds):
        wake = hub.watcher.next_wake()
        assert wake is not None
        clock.set(max(wake, clock.now()))
        await hub.tick()
        await pilot.pause()


def _rows(app) -> dict[str, list[str]]:
    return {r.key: [c.plain for c in r.cells] for r in app.screen.table.visible_rows()
            if not r.key.startswith("group:")}


async def _slow_poll(pilot, clock, gate) -> None:
    """A poll on a slow link: while it hangs the board stays as it was and usable; then it lands."""
    app = pilot.app
    before = _rows(app)
    gate.close()
    hub = app.watching
    clock.set(max(hub.watcher.next_wake(), clock.now()))
    polling = asyncio.ensure_future(hub.tick())
    for _ in range(5):
        await pilot.pause()
    assert not polling.done() and _rows(app) == before
    await press(pilot, "j")  # the board answers keys while a poll hangs
    assert_sane(app)
    gate.release()
    await polling
    await pilot.pause()


@pytest.mark.parametrize("fault", [pytest.param(f, id=f"runs-board.{f}") for f in BOARD_FAULTS])
async def test_screen_survives_fault(strict_app, clock, gate, fault):
    app, emu = strict_app
    world, chaos = emu.state.liveramp, emu.state.chaos
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        launched = [await _launch(app, world, w) for w in ("7", "14")]
        await press(pilot, "b")
        assert isinstance(app.screen, RunsBoardScreen)
        await _poll(pilot, clock, 2)
        before = _rows(app)
        assert set(before) == {f"demo-liveramp|question_run|{o.object_id}" for o in launched}
        assert all(row[1] in ("QUEUED", "RUNNING") and row[3] == DASH for row in before.values()), before

        chaos.set(FAULTS[fault])
        if fault in ("latency", "slow-drip"):
            await _slow_poll(pilot, clock, gate)
        else:
            await _poll(pilot, clock, 3)
        text = assert_sane(app)
        assert isinstance(app.screen, RunsBoardScreen)
        rows = _rows(app)
        assert set(rows) == set(before), "the board keeps its rows"
        assert all(row[1] in ("QUEUED", "RUNNING") for row in rows.values()), "the last status read stays"
        if fault in ("latency", "slow-drip"):  # slow is not broken: nothing to report
            assert all(row[3] == DASH for row in rows.values()), rows
        elif fault == "token-expired":
            # one fresh token and the polls carry on: nothing to report
            assert world.token_requests == 2
        else:
            reasons = [row[3] for row in rows.values()]
            assert all(r != DASH for r in reasons), f"the poll failure reason is shown: {reasons}"
            if fault == "429":
                assert all("rate limited: waiting until" in r for r in reasons), reasons
        assert "Unexpected" not in text
        assert world.limit_violations == []

        chaos.clear()
        await _poll(pilot, clock, 3)
        text = assert_sane(app)
        rows = _rows(app)
        assert set(rows) == set(before)
        assert all(row[3] == DASH for row in rows.values()), f"recovered by itself: {rows}"
        assert world.limit_violations == []
        assert max(world.counters.status_reads.values()) <= 20
