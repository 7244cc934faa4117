"""A walk through every main screen, shared by the snapshot tests and scripts/screenshots.py.

``tour(pilot)`` drives the app like a user (Enter, tabs, Escape) and yields a name at each main
screen once its data has loaded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from textual.pilot import Pilot

from .conftest import open_key, press, settle, table, wait_for_workers

ROOM = "CR-199659"
QUESTION_TITLE = "Large Audience Export"
FAILED_QUESTION = "CRQ-146303"


def _world(pilot: Pilot):
    return pilot.app.sessions[0].demo.app().state.liveramp


async def _home(pilot: Pilot) -> None:
    while type(pilot.app.screen).__name__ != "HomeScreen":
        await press(pilot, "escape")


async def tour(pilot: Pilot) -> AsyncIterator[str]:
    """Yields each main screen's name once its data is loaded and its frame has stopped changing."""
    async for name in _walk(pilot):
        await settle(pilot)
        yield name


async def _walk(pilot: Pilot) -> AsyncIterator[str]:
    app = pilot.app
    lr = _world(pilot)
    room = lr.find_room(ROOM)
    await wait_for_workers(pilot)
    yield "home"

    await open_key(pilot, table(app, "#table-0"), room.id)
    yield "room-overview"
    app.screen.show_tab("questions")
    await wait_for_workers(pilot)
    yield "room-questions"

    failed_q = lr.find_question(FAILED_QUESTION)
    await open_key(pilot, table(app, "#questions-pane"), failed_q.id)
    yield "question-runs"
    failed = next(lr.runs[r] for r in lr.runs_by_question[failed_q.id] if lr.runs[r].plan.final == "FAILED")
    await open_key(pilot, table(app, "#runs-pane"), failed.id)
    yield "run-failed"
    await press(pilot, "escape", "escape")

    big_q = next(q for q in lr.questions.values() if q.room_id == room.id and q.title == QUESTION_TITLE)
    await open_key(pilot, table(app, "#questions-pane"), big_q.id)
    done = next(lr.runs[r] for r in lr.runs_by_question[big_q.id] if lr.runs[r].plan.final == "COMPLETED")
    await open_key(pilot, table(app, "#runs-pane"), done.id)
    yield "run-results"
    await press(pilot, "escape", "escape")

    app.screen.show_tab("flows")
    await wait_for_workers(pilot)
    flow = next(f for f in lr.flows.values() if f.room_id == room.id and len(f.nodes) >= 4)
    await open_key(pilot, table(app, "#flows-pane"), flow.id)
    yield "flow-graph"
    await press(pilot, "right_square_bracket")
    runs = table(app, "#flow-runs-pane")
    completed = next(r for r in runs.visible_rows() if r.cells[1].plain == "COMPLETED")
    await open_key(pilot, runs, completed.key)
    yield "flow-run-nodes"
    await _home(pilot)

    collabs = table(app, "#table-1")
    mine = next(r for r in collabs.visible_rows()
                if r.cells[1].plain == "Northwind Retail" and r.cells[3].plain == "STATUS_ACTIVE")
    await open_key(pilot, collabs, mine.key)
    yield "collaboration-members"
    app.screen.show_tab("stats")
    await wait_for_workers(pilot)
    yield "collaboration-stats"
    await _home(pilot)

    await press(pilot, "question_mark")
    yield "help"
    await press(pilot, "escape")
