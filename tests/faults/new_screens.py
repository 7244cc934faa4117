"""Openers and checks shared by the drills of the screens that came after the browsing ones: the launch
form, the Runs board, the event log, the LiveRamp timelines and the insight query screen.

Each opener takes a Pilot on the demo world (seed 7) and returns a marker: text that must be on the
screen while its data is shown (and stay there under a fault).
"""

from __future__ import annotations

from textual.pilot import Pilot

from tests.helpers import open_key, press, screen_text, table, wait_for_workers
from tui.ui.jump_index import Target
from tui.ui.widgets.load_state import LoadState

from .conftest import emulator_of

ROOM = "CR-199659"  # seed 7: the busiest room
TIMING = "CRQ-146303"  # "Conversion Timing": an INTEGER parameter and a date range partition
CREATE_RUN = "POST /v1/cleanroom-questions/*/create-run"


def lr(app):
    return emulator_of(app).state.liveramp


def inf(app):
    return emulator_of(app).state.infosum


def session_of(app, platform: str):
    return next(s for s in app.sessions if s.platform == platform)


def question_target(app, display_id: str = TIMING) -> Target:
    world = lr(app)
    q = world.find_question(display_id)
    room = world.cleanrooms[q.room_id]
    room_t = Target("room", room.id, room.name, "demo-liveramp", room.display_id)
    return Target("question", q.id, q.title, "demo-liveramp", q.display_id, path=(room_t,))


async def open_launch_form(pilot: Pilot, display_id: str = TIMING) -> str:
    """The question's screen, then ``l``: the form generated from its parameters."""
    from tui.ui.screens.launch import LaunchScreen

    app = pilot.app
    await wait_for_workers(pilot)
    target = question_target(app, display_id)
    app.open(session_of(app, "liveramp"), target)
    await wait_for_workers(pilot)
    await press(pilot, "l")
    assert isinstance(app.screen, LaunchScreen), type(app.screen)
    await wait_for_workers(pilot)
    return target.label


def fill_form(screen) -> None:
    """Valid values for "Conversion Timing" (the names follow tests/ui/test_launch_ui.py)."""
    values = {"conversion_window": "14", "conversions.date_start": "2026-10-01",
              "conversions.date_end": "2026-10-31"}
    for index, f in enumerate(screen.form.fields):
        if f.name in values:
            screen.query_one(f"#f-{index}").value = values[f.name]


def busiest_collab(app):
    return max(inf(app).collaborations.values(), key=lambda c: len(c.events))


async def open_event_log(pilot: Pilot) -> str:
    """The busiest collaboration's event log (``v`` on the collaboration)."""
    app = pilot.app
    await wait_for_workers(pilot)
    collab = busiest_collab(app)
    await open_key(pilot, table(app, "#table-1"), collab.id)
    await press(pilot, "v")
    assert type(app.screen).__name__ == "EventsScreen"
    await wait_for_workers(pilot)
    return "events"


async def open_room_timeline(pilot: Pilot) -> str:
    """The busiest room's history (``v`` on the room): runs, flow runs and audit lines merged."""
    app = pilot.app
    await wait_for_workers(pilot)
    room = lr(app).find_room(ROOM)
    await open_key(pilot, table(app, "#table-0"), room.id)
    await press(pilot, "v")
    assert type(app.screen).__name__ == "TimelineScreen"
    await wait_for_workers(pilot)
    return room.name[:20]


def query_collab(app):
    return next(c for c in inf(app).collaborations.values()
                if c.status == "STATUS_ACTIVE" and len(c.datasets) >= 2)


async def open_insight_query(pilot: Pilot) -> str:
    """``i`` on a collaboration: the compose screen listing its datasets."""
    app = pilot.app
    await wait_for_workers(pilot)
    collab = query_collab(app)
    session = session_of(app, "infosum")
    app.open(session, Target("collaboration", collab.id, collab.name, session.name))
    await wait_for_workers(pilot)
    await press(pilot, "i")
    assert type(app.screen).__name__ == "QueryScreen"
    await wait_for_workers(pilot)
    return "Insight query"


def errors(app) -> list[LoadState]:
    return [s for s in app.screen.query(LoadState) if s.has_class("-error")]


def assert_sane(app, text: str | None = None) -> str:
    text = screen_text(app) if text is None else text
    assert app.is_running and app._exception is None
    assert "Traceback" not in text, text
    assert "\x1b" not in text, [line for line in text.splitlines() if "\x1b" in line]
    assert "Unexpected error" not in text, text  # every fault is an expected, explained one
    return text


def toasts(app) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)
