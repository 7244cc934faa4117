"""The Runs board: launched runs move QUEUED → RUNNING → COMPLETED on it as the (manual) clock moves,
with a toast and the bell when they finish; a failed run's reason reaches the board and the
notification; the status pane of an open run updates in place; watched runs survive a restart.
"""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import TIMING, question_target
from tui.core.launch import LaunchForm
from tui.store import Store
from tui.ui.app import CleanroomApp
from tui.ui.screens.board import RunsBoardScreen
from tui.ui.screens.run import RunScreen

from .conftest import SIZE, assert_snapshot, press, screen_text, wait_for_workers

FAILURE = "Crowd size threshold not met: every row was suppressed"


def fill(form: LaunchForm, window: str = "14") -> LaunchForm:
    form.set_value("conversion_window", window)
    form.set_value("conversions.date_start", "2026-10-01")
    form.set_value("conversions.date_end", "2026-10-31")
    return form


async def launch(app, world, window: str = "14"):
    hub = app.watching
    launcher = hub.launcher("demo-liveramp")
    q = world.find_question(TIMING)
    form = fill(await launcher.prepare_launch(q.id, title=q.title, now=hub.now()), window)
    outcome = await launcher.launch_form(form, allow_duplicate=True)
    hub.launched(outcome)
    return outcome


def board_row(app, run_id: str) -> list[str]:
    table = app.screen.table
    row = table.row(f"demo-liveramp|question_run|{run_id}")
    assert row is not None, f"{run_id} is not on the board"
    return [c.plain for c in row.cells]


async def step(pilot, clock, until, limit=timedelta(hours=2)) -> None:
    """Move the manual clock from poll to poll (as the loop would) until ``until()``."""
    hub = pilot.app.watching
    end = clock.now() + limit
    while not until():
        wake = hub.watcher.next_wake()
        assert wake is not None and wake <= end, "the expected state was not reached"
        clock.set(max(wake, clock.now()))
        await hub.tick()
        await pilot.pause()


async def test_a_launched_run_goes_queued_running_completed_with_a_toast_and_a_bell(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    world = app.sessions[0].demo.app().state.liveramp
    rung: list[int] = []
    app.bell = lambda: rung.append(1)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        outcome = await launch(app, world)
        run = world.runs[outcome.object_id]
        run.plan.final, run.plan.failure_reason, run.plan.run_message = "COMPLETED", None, None
        await press(pilot, "b")
        assert isinstance(app.screen, RunsBoardScreen)
        assert board_row(app, run.id)[:3] == ["  queued", "QUEUED", outcome.name[:39] + "…"]
        assert "status reads left this hour: 20/20" in app.screen.query_one("#board-meter").render().plain
        assert any(w.group == "watcher" for w in app.workers), "the launch started the polling worker"
        seen = []

        def status() -> str:
            seen.append(board_row(app, run.id)[1])
            return seen[-1]

        await step(pilot, clock, lambda: status() == "RUNNING")
        assert board_row(app, run.id)[0].strip() == "running"
        assert not rung
        await step(pilot, clock, lambda: status() == "COMPLETED")
        assert [s for i, s in enumerate(seen) if i == 0 or s != seen[i - 1]] == ["QUEUED", "RUNNING", "COMPLETED"]
        row = board_row(app, run.id)
        assert row[0].strip() == "succeeded"
        assert rung == [1]
        toast = [n for n in app._notifications if n.title == "Run succeeded"]
        assert len(toast) == 1 and outcome.name in toast[0].message and "COMPLETED" in toast[0].message
        assert not app.watching.watcher.items(), "a finished run is no longer polled"
        group_rows = [r.key for r in app.screen.table.visible_rows() if r.key.startswith("group:")]
        assert group_rows == ["group:succeeded"]
        # open it: its results
        app.screen.table.focus()
        app.screen.table.select_key(f"demo-liveramp|question_run|{run.id}")
        await press(pilot, "enter")
        assert isinstance(app.screen, RunScreen) and app.screen.run.status == "COMPLETED"
        assert app.screen.query_one("#results-pane").table is not None


async def one_completed_one_failed(pilot, app, clock, world):
    """Launch two runs, one to complete and one to fail with FAILURE; poll until both finished."""
    ok = await launch(app, world, "14")
    bad = await launch(app, world, "21")
    world.runs[ok.object_id].plan.final = "COMPLETED"
    world.runs[ok.object_id].plan.failure_reason = None
    doomed = world.runs[bad.object_id].plan
    doomed.final, doomed.failure_reason = "FAILED", FAILURE
    doomed.run_message = "All result rows suppressed by the privacy threshold"
    hub = app.watching
    await step(pilot, clock, lambda: not hub.watcher.items())
    return ok, bad


async def test_a_failed_runs_reason_reaches_the_board_and_the_notification(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    world = app.sessions[0].demo.app().state.liveramp
    rung: list[int] = []
    app.bell = lambda: rung.append(1)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await press(pilot, "b")
        _ok, bad = await one_completed_one_failed(pilot, app, clock, world)
        failed_row = board_row(app, bad.object_id)
        assert failed_row[0].strip() == "failed" and failed_row[1] == "FAILED"
        assert failed_row[3] == FAILURE
        row = app.screen.table.row(f"demo-liveramp|question_run|{bad.object_id}")
        assert "red" in str(row.cells[2].style), "failures stay highlighted"
        toast = next(n for n in app._notifications if n.title == "Run failed")
        assert FAILURE in toast.message and toast.severity == "error"
        assert len(rung) == 2
        keys = [r.key for r in app.screen.table.visible_rows()]
        assert keys.index("group:failed") < keys.index("group:succeeded")
        assert_snapshot(app, "runs-board")
        # failures stay until dismissed
        app.screen.table.select_key(f"demo-liveramp|question_run|{bad.object_id}")
        await press(pilot, "x")
        assert app.screen.table.row(f"demo-liveramp|question_run|{bad.object_id}") is None


async def test_the_run_screens_status_pane_updates_in_place(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    world = app.sessions[0].demo.app().state.liveramp
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        outcome = await launch(app, world)
        world.runs[outcome.object_id].plan.final = "COMPLETED"
        question = question_target(app, world, TIMING)
        from tui.ui.jump_index import Target

        app.open(app.sessions[0], Target("run", outcome.object_id, outcome.name, "demo-liveramp",
                                         path=(*question.path, question)))
        await wait_for_workers(pilot)
        screen = app.screen
        summary = screen.query_one("#run-summary")
        assert screen.run.status == "QUEUED"
        await step(pilot, clock, lambda: screen.run.status == "RUNNING")
        assert screen.query_one("#run-summary") is summary  # the same widget, repainted
        await step(pilot, clock, lambda: screen.run.status == "COMPLETED")
        await wait_for_workers(pilot)
        assert screen.query_one("#results-pane").table is not None


async def test_watched_runs_survive_a_restart(make_app, clock):
    store = Store.in_memory(now=clock.now)
    app = make_app(store=store)
    world = app.sessions[0].demo.app().state.liveramp
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        outcome = await launch(app, world)
    # the next start: a new app (new watcher, new launchers) on the same store and the same world
    again = CleanroomApp(app.sessions)
    again.animation_level = "none"
    async with again.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        assert again.watching.is_watched("demo-liveramp", "question_run", outcome.object_id)
        await press(pilot, "b")
        assert again.screen.table.row(f"demo-liveramp|question_run|{outcome.object_id}") is not None


async def test_insight_query_compose_launch_poll_results(make_app, clock):
    from textual.widgets import SelectionList, TextArea

    from tui.ui.screens.collaboration import CollaborationScreen
    from tui.ui.screens.launch_confirm import LaunchConfirmScreen
    from tui.ui.screens.query import QueryScreen

    app = make_app(store=Store.in_memory(now=clock.now))
    inf = app.sessions[1].demo.app().state.infosum
    demo_company = next(c for c in inf.companies.values() if "Northwind" in c.name) \
        if hasattr(next(iter(inf.companies.values())), "name") else None
    collab = next(c for c in inf.collaborations.values()
                  if c.status == "STATUS_ACTIVE" and len(c.datasets) >= 2
                  and (demo_company is None or c.owner_id == demo_company.id))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        from tui.ui.jump_index import Target

        app.open(app.sessions[1], Target("collaboration", collab.id, collab.name, "demo-infosum"))
        await wait_for_workers(pilot)
        assert isinstance(app.screen, CollaborationScreen)
        await press(pilot, "i")
        screen = app.screen
        assert isinstance(screen, QueryScreen)
        await wait_for_workers(pilot)
        picker = screen.query_one("#query-datasets", SelectionList)
        assert picker.option_count >= 2
        picker.select(picker.get_option_at_index(0).value)
        picker.select(picker.get_option_at_index(1).value)
        await pilot.pause()
        text = screen.query_one("#query-text", TextArea).text
        assert text.startswith("SELECT COUNT() FROM ") and " INTERSECT " in text
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LaunchConfirmScreen)
        assert "POST /api/v1/queries" in app.screen.body.plain and collab.id in app.screen.body.plain
        before = set(inf.queries)
        await press(pilot, "tab", "enter")
        [qid] = set(inf.queries) - before
        assert app.screen is screen and screen.query_id == qid
        rung: list[int] = []
        app.bell = lambda: rung.append(1)
        await step(pilot, clock, lambda: not app.watching.watcher.items(), limit=timedelta(minutes=30))
        await wait_for_workers(pilot)
        rows = screen.query_one("#query-results").visible_rows()
        assert rows, "the result is shown"
        assert "(succeeded)" in screen._status.plain and qid in screen._status.plain
        assert "Result: " in screen_text(app) and "(succeeded)" in screen_text(app)
        assert rung == [1]
        assert any(n.title in ("Run succeeded", "Run failed") for n in app._notifications)


async def test_the_apps_watcher_keeps_to_strict_limits(clock):
    """Real LiveRamp budgets (20 reads per object per hour, 5 min apart) against an emulator that
    answers 429 to anything over them: a simulated hour and more of watching crosses no limit."""
    from tui.config import demo_profiles
    from tui.core.session import build_sessions
    from tui.emulator import EmulatorOptions

    async def no_sleep(_seconds: float) -> None:
        return None

    store = Store.in_memory(now=clock.now)
    sessions = build_sessions(demo_profiles(speed=1), store=store, client_options={"sleep": no_sleep},
                              demo_options=EmulatorOptions(seed=7, clock=clock, strict_limits=True))
    app = CleanroomApp(sessions)
    app.animation_level = "none"
    world = sessions[0].demo.app().state.liveramp
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        launched = [await launch(app, world, str(w)) for w in (7, 14, 21)]
        for outcome in launched:
            world.runs[outcome.object_id].plan.phases = [("QUEUED", 600), ("RUNNING", 4 * 3600)]
        reads_before = sum(world.counters.status_reads.values())
        await press(pilot, "b")
        end = clock.now() + timedelta(hours=3)
        while app.watching.watcher.items() and clock.now() < end:
            wake = app.watching.watcher.next_wake()
            clock.set(max(wake, clock.now()))
            await app.watching.tick()
        await pilot.pause()
        assert world.limit_violations == []
        assert max(world.counters.status_reads.values()) <= 20 * 4  # ≤ 20 per object per hour, 3+ hours
        made = sum(world.counters.status_reads.values()) - reads_before
        naive = 3 * (3 * 3600 // 300)  # one GET per run every 5 minutes
        assert 0 < made < naive / 3, (made, naive)  # one list call for the three runs of one question
        meter = app.screen.query_one("#board-meter").render().plain
        assert "status reads left this hour:" in meter
