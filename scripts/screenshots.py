#!/usr/bin/env python3
"""Regenerate the SVG screenshots in screenshots/ (shown in README) from the demo world.

    python scripts/screenshots.py

Deterministic: seed 7, a manual clock (2026-11-02 09:00 UTC), 120×40, the same walk through the
main screens as the snapshot tests (tests/ui/tour.py), then the launch form and confirmation, the
Runs board, a clean room's timeline, the busiest collaboration's event log, the profile switcher,
a comparison of two runs, a clean room's export jobs with one job's runs, a run schedule's edit
form and a new collaboration's confirmation.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"


async def main() -> int:
    sys.path.insert(0, str(ROOT))
    scratch = tempfile.mkdtemp(prefix="cleanroom-screens-")
    for var in ("STATE", "CACHE", "CONFIG"):
        os.environ[f"CLEANROOM_TUI_{var}_DIR"] = str(Path(scratch) / var.lower())
    os.environ["TZ"] = "UTC"
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    time.tzset()

    from tests.ui.tour import tour
    from tui.config import demo_profiles
    from tui.core.session import build_sessions
    from tui.emulator import EmulatorOptions, ManualClock
    from tui.ui.app import CleanroomApp
    from tui.ui.text import set_display_timezone

    set_display_timezone("UTC")

    async def no_sleep(_seconds: float) -> None:
        return None

    sessions = build_sessions(demo_profiles(), demo_options=EmulatorOptions(seed=7, clock=ManualClock()),
                              client_options={"sleep": no_sleep})
    app = CleanroomApp(sessions)
    OUT.mkdir(exist_ok=True)
    written = []
    async with app.run_test(size=(120, 40)) as pilot:
        async for name in tour(pilot):
            path = app.save_screenshot(f"{name}.svg", str(OUT))
            written.append(path)
        written += await launch_and_watch(app, pilot, sessions[0].demo.options.clock)
        written += await logs_and_profiles(app, pilot)
        written += await compare_runs(app, pilot)
        written += await export_jobs(app, pilot)
        written += await schedule_and_collaboration(app, pilot)
    for path in written:
        print(Path(path).relative_to(ROOT))
    return 0


async def launch_and_watch(app, pilot, clock) -> list[str]:
    """The launch form of "Conversion Timing", then the Runs board with one run done and one failed."""
    from tests.ui.conftest import press, wait_for_workers
    from tests.ui.test_launch_ui import TIMING, question_target

    world = app.sessions[0].demo.app().state.liveramp
    while type(app.screen).__name__ != "HomeScreen":
        await press(pilot, "escape")
    app.open(app.sessions[0], question_target(app, world, TIMING))
    await wait_for_workers(pilot)
    await press(pilot, "l")
    screen = app.screen
    for i, f in enumerate(screen.form.fields):
        value = {"conversion_window": "14", "conversions.date_start": "2026-10-01",
                 "conversions.date_end": "2026-10-31"}.get(f.name)
        if value:
            screen.query_one(f"#f-{i}").value = value
    await pilot.pause()
    written = [app.save_screenshot("launch-form.svg", str(OUT))]
    await press(pilot, "ctrl+s")
    written.append(app.save_screenshot("launch-confirm.svg", str(OUT)))
    await press(pilot, "tab", "enter")
    hub = app.watching
    launcher = hub.launcher("demo-liveramp")
    first = next(i.object_id for i in hub.watcher.items())
    world.runs[first].plan.final = "COMPLETED"
    q = world.find_question(TIMING)
    form = await launcher.prepare_launch(q.id, title=q.title, now=hub.now())
    form.set_value("conversion_window", "30")
    form.set_value("conversions.date_start", "2026-09-01")
    form.set_value("conversions.date_end", "2026-09-30")
    doomed = await launcher.launch_form(form)
    hub.launched(doomed)
    plan = world.runs[doomed.object_id].plan
    plan.final, plan.failure_reason = "FAILED", "Crowd size threshold not met: every row was suppressed"
    while hub.watcher.items():  # both finish: one COMPLETED, one FAILED with its reason
        wake = hub.watcher.next_wake()
        clock.set(max(wake, clock.now()))
        await hub.tick()
        await pilot.pause()
    await wait_for_workers(pilot)
    written.append(app.save_screenshot("runs-board.svg", str(OUT)))
    return written


async def logs_and_profiles(app, pilot) -> list[str]:
    """The busiest clean room's timeline, the busiest collaboration's event log, the profile switcher."""
    from tests.ui.conftest import open_key, press, settle, table
    from tests.ui.tour import ROOM
    from tui.ui.screens.events import EventsScreen

    EventsScreen.LIVE = False  # no wall-clock tail: the picture is the same on every run

    async def home() -> None:
        while type(app.screen).__name__ != "HomeScreen":
            await press(pilot, "escape")

    world = app.sessions[0].demo.app().state
    await home()
    await open_key(pilot, table(app, "#table-0"), world.liveramp.find_room(ROOM).id)
    await press(pilot, "v")
    await settle(pilot)
    written = [app.save_screenshot("room-timeline.svg", str(OUT))]
    await home()
    busiest = max(world.infosum.collaborations.values(), key=lambda c: len(c.events))
    await open_key(pilot, table(app, "#table-1"), busiest.id)
    await press(pilot, "v")
    await settle(pilot)
    written.append(app.save_screenshot("event-log.svg", str(OUT)))
    await home()
    await press(pilot, "P")
    await settle(pilot)
    written.append(app.save_screenshot("profiles.svg", str(OUT)))
    await press(pilot, "escape")
    return written


async def compare_runs(app, pilot) -> list[str]:
    """``c`` on the newest completed run of "Campaign Reach and Frequency": the comparison with the previous one."""
    from tests.ui.conftest import press, settle, wait_for_workers
    from tests.ui.test_compare import completed_question, open_question

    while type(app.screen).__name__ != "HomeScreen":
        await press(pilot, "escape")
    world = app.sessions[0].demo.app().state.liveramp
    question, done = completed_question(world, app.sessions[0].now())
    await open_question(pilot, app, question)
    app.screen.query_one("#runs-pane").table.select_key(done[0].id)
    await press(pilot, "c")
    await wait_for_workers(pilot)
    await settle(pilot)
    return [app.save_screenshot("compare-runs.svg", str(OUT))]


async def schedule_and_collaboration(app, pilot) -> list[str]:
    """The weekly schedule's edit form; a new collaboration with two members, at its confirmation."""
    from textual.widgets import Input

    from tests.ui.conftest import press, settle, table, wait_for_workers
    from tests.ui.test_compare import open_question

    async def home() -> None:
        while type(app.screen).__name__ != "HomeScreen":
            await press(pilot, "escape")

    await home()
    state = app.sessions[0].demo.app().state
    weekly = next(s for s in state.liveramp.schedules.values() if s.frequency == "WEEKLY")
    await open_question(pilot, app, state.liveramp.questions[weekly.question_id])
    app.screen.show_tab("schedules")
    await wait_for_workers(pilot)
    schedules = table(app, "#schedules-pane")
    schedules.focus()
    schedules.select_key(weekly.id)
    await press(pilot, "E")
    await wait_for_workers(pilot)
    await settle(pilot)
    written = [app.save_screenshot("schedule-form.svg", str(OUT))]
    await home()
    table(app, "#table-1").focus()
    await press(pilot, "n")
    await wait_for_workers(pilot)
    screen = app.screen
    screen.query_one("#c-name", Input).value = "Q1 2027 retail measurement"
    screen.query_one("#c-description", Input).value = "Reach and overlap of the spring campaign"
    world = state.infosum
    await press(pilot, "ctrl+n")
    ids = list(screen.query(".member-id"))
    ids[0].value = world.company_by_name("Contoso Media").id
    ids[1].value = world.company_by_name("Tailspin Travel").id
    await pilot.pause()
    await press(pilot, "ctrl+s")
    await settle(pilot)
    written.append(app.save_screenshot("collaboration-create.svg", str(OUT)))
    await press(pilot, "escape")
    return written


async def export_jobs(app, pilot) -> list[str]:
    """A clean room's Exports tab, then its active job's runs with a failed run's error (issue 20.3)."""
    from tests.ui.conftest import press, settle, wait_for_workers
    from tui.ui.jump_index import Target

    while type(app.screen).__name__ != "HomeScreen":
        await press(pilot, "escape")
    world = app.sessions[0].demo.app().state.liveramp
    job = next(j for j in world.export_jobs.values() if j.status == "ACTIVE")
    room = world.cleanrooms[job.room_id]
    session = app.sessions[0]
    app.open(session, Target("room", room.id, room.name, session.name, room.display_id))
    await wait_for_workers(pilot)
    app.screen.show_tab("exports")
    await wait_for_workers(pilot)
    await settle(pilot)
    written = [app.save_screenshot("room-exports.svg", str(OUT))]
    jobs = app.screen.query_one("#exports-pane").table
    jobs.select_key(job.id)
    jobs.focus()
    await press(pilot, "enter")
    runs = app.screen.query_one("#job-runs-pane").table
    failed = next(r for r in runs.visible_rows() if r.payload.status == "FAILED")
    runs.select_key(failed.key)
    await settle(pilot)
    written.append(app.save_screenshot("export-job.svg", str(OUT)))
    return written


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
