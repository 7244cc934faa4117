"""Every status read is charged to the profile's ledger, whoever makes it (issue 17, "Done when").

Against the emulator in strict mode (429 beyond LiveRamp's 20 status reads per object per hour):
an operator opens a run, its question and its room and presses ``r`` on each 30 times while the
Runs board watches 20 runs for a simulated hour — and the platform sees no call over a limit. The
screens say when fresh data is next allowed, and the board's meter is the ledger's own count.
"""

from __future__ import annotations

from datetime import timedelta

from tui.config import demo_profiles
from tui.core.session import build_sessions
from tui.emulator import EmulatorOptions
from tui.store import Store
from tui.ui.app import CleanroomApp
from tui.ui.jump_index import Target
from tui.ui.screens.board import RunsBoardScreen
from tui.ui.screens.cleanroom import CleanRoomScreen
from tui.ui.screens.question import QuestionScreen
from tui.ui.screens.run import RunScreen

from .conftest import SIZE, press, screen_text, wait_for_workers
from .test_board import launch
from .test_launch_ui import TIMING, question_target

PRESSES = 30
WATCHED = 20


def strict_app(clock) -> CleanroomApp:
    async def no_sleep(_seconds: float) -> None:
        return None

    # speed=1: the real budgets (20 reads per object per hour, 5 minutes apart), on the manual clock
    sessions = build_sessions(demo_profiles(speed=1), store=Store.in_memory(now=clock.now),
                              client_options={"sleep": no_sleep},
                              demo_options=EmulatorOptions(seed=7, clock=clock, strict_limits=True))
    app = CleanroomApp(sessions)
    app.animation_level = "none"
    return app


async def refresh_often(pilot, screen_type: type) -> str:
    assert isinstance(pilot.app.screen, screen_type), pilot.app.screen
    for _ in range(PRESSES):
        await press(pilot, "r")
    return screen_text(pilot.app)


async def test_refreshing_and_watching_under_strict_limits_crosses_no_limit(clock):
    app = strict_app(clock)
    world = app.sessions[0].demo.app().state.liveramp
    session = app.sessions[0]
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        hub = app.watching
        launched = [await launch(app, world, str(window)) for window in range(1, WATCHED + 1)]
        for outcome in launched:  # they stay running through the hour
            world.runs[outcome.object_id].plan.phases = [("QUEUED", 300), ("RUNNING", 4 * 3600)]
        assert len(hub.watcher.items()) == WATCHED

        question = question_target(app, world, TIMING)
        run_id = launched[0].object_id
        run = Target("run", run_id, launched[0].name, session.name, path=(*question.path, question))
        await app.open_target(run)
        await wait_for_workers(pilot)

        # the run: 20 reads of it in the hour, then the cache and when the next read is allowed
        text = await refresh_often(pilot, RunScreen)
        assert "next read at" in text, text
        assert session.ledger.reads_left(run_id) == 0

        # its question: the run list is charged to the question, shared with the board's polls
        await press(pilot, "escape")
        text = await refresh_often(pilot, QuestionScreen)
        assert "next read at" in text, text
        assert session.ledger.reads_left(question.id) == 0

        # its room: one newest-run list per question, each charged to its question
        await press(pilot, "escape")
        assert isinstance(app.screen, CleanRoomScreen)
        await refresh_often(pilot, CleanRoomScreen)

        # the board keeps watching the 20 runs for a simulated hour (the polls wait for the budget)
        await press(pilot, "b")
        assert isinstance(app.screen, RunsBoardScreen)
        end = clock.now() + timedelta(hours=1)
        while clock.now() < end:
            wake = hub.watcher.next_wake()
            if wake is None or wake > end:
                break
            # (a poll the budget defers leaves the wake time where it was: time moves on regardless)
            clock.set(max(wake, clock.now() + timedelta(seconds=30)))
            await hub.tick()
            await pilot.pause()
        clock.set(end)
        await pilot.pause()

        assert world.limit_violations == []
        # the platform's count of reads of the question equals the ledger's, within its window
        ledger = session.ledger
        assert world.counters.status_reads[question.id] >= ledger.reads_used(question.id)
        await pilot.pause()
        meter = app.screen.query_one("#board-meter").render().plain
        left = ledger.reads_left(question.id)
        assert f"status reads left this hour: {left}/20" in meter, (meter, left)
