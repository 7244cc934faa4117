"""Fault drills on the real TUI (Pilot): every main screen × every fault.

Each drill opens a screen on a healthy emulator (so its data is cached), switches a fault on for
every route, refreshes, and checks: no crash and no traceback; a readable error in place (or, for
a slow link, a "Refreshing…" state); the data on screen is still there; and once the fault stops,
one refresh recovers without a restart. The test ids (``screen-fault``) are the rows and columns
of the README's Reliability matrix (scripts/reliability_matrix.py).
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from tests.helpers import open_key, press, screen_text, table, wait_for_workers
from tui.ui.jump_index import Target
from tui.ui.widgets.load_state import LoadState
from tui.ui.widgets.offline_banner import OfflineBanner
from tui.ui.widgets.resource_table import ResourceTable

from .conftest import FAULTS, SIZE, each_fault, emulator_of, fault_groups

ROOM = "CR-199659"  # seed 7: the busiest room (questions, runs of every kind, flows)


def _lr(app):
    return emulator_of(app).state.liveramp


def _inf(app):
    return emulator_of(app).state.infosum


def _session(app, platform: str):
    return next(s for s in app.sessions if s.platform == platform)


async def _home(pilot: Pilot) -> str:
    return pilot.app.sessions[0].name


async def _room(pilot: Pilot) -> str:
    app = pilot.app
    room = _lr(app).find_room(ROOM)
    await open_key(pilot, table(app, "#table-0"), room.id)
    return room.name


def _question_target(app) -> tuple[Target, object]:
    lr = _lr(app)
    room = lr.find_room(ROOM)
    question = next(q for q in lr.questions.values()
                    if q.room_id == room.id and any(lr.runs[r].plan.final == "COMPLETED"
                                                    for r in lr.runs_by_question.get(q.id, [])))
    session = _session(app, "liveramp")
    return Target("question", question.id, question.title, session.name, question.display_id), question


async def _question(pilot: Pilot) -> str:
    target, question = _question_target(pilot.app)
    pilot.app.open(_session(pilot.app, "liveramp"), target)
    await wait_for_workers(pilot)
    return question.display_id


async def _run(pilot: Pilot) -> str:
    app = pilot.app
    lr = _lr(app)
    qtarget, question = _question_target(app)
    run = next(lr.runs[r] for r in lr.runs_by_question[question.id] if lr.runs[r].plan.final == "COMPLETED")
    app.open(_session(app, "liveramp"), Target("run", run.id, run.name, qtarget.session, path=(qtarget,)))
    await wait_for_workers(pilot)
    return run.name or run.id


def _flow_target(app) -> tuple[Target, object]:
    lr = _lr(app)
    room = lr.find_room(ROOM)
    flow = next(f for f in lr.flows.values() if f.room_id == room.id and len(f.nodes) >= 4)
    session = _session(app, "liveramp").name
    parent = Target("room", room.id, room.name, session, room.display_id)
    return Target("flow", flow.id, flow.name, session, flow.display_id, path=(parent,)), flow


async def _flow(pilot: Pilot) -> str:
    target, flow = _flow_target(pilot.app)
    pilot.app.open(_session(pilot.app, "liveramp"), target)
    await wait_for_workers(pilot)
    return flow.name


async def _flow_run(pilot: Pilot) -> str:
    app = pilot.app
    lr = _lr(app)
    ftarget, flow = _flow_target(app)
    run = next(r for r in lr.flow_runs.values() if r.flow_id == flow.id)
    app.open(_session(app, "liveramp"), Target("flow_run", run.id, run.name or run.id, ftarget.session,
                                               path=(*ftarget.path, ftarget)))
    await wait_for_workers(pilot)
    return run.name or run.id


async def _collaboration(pilot: Pilot) -> str:
    app = pilot.app
    inf = _inf(app)
    collab = next(c for c in inf.collaborations.values() if c.status == "STATUS_ACTIVE" and c.members)
    app.open(_session(app, "infosum"), Target("collaboration", collab.id, collab.name,
                                              _session(app, "infosum").name))
    await wait_for_workers(pilot)
    return collab.name


SCREENS = {
    "home": _home,
    "clean-room": _room,
    "question": _question,
    "run": _run,
    "flow": _flow,
    "flow-run": _flow_run,
    "collaboration": _collaboration,
}


def _data(app) -> dict[str, int]:
    """What the screen shows, as rows per table (cached data must not vanish under a fault)."""
    return {t.id or str(i): t.row_count for i, t in enumerate(app.screen.query(ResourceTable))}


def _errors(app) -> list[LoadState]:
    return [s for s in app.screen.query(LoadState) if s.has_class("-error")]


def _offline(app) -> bool:
    return any(b.has_class("-offline") for b in app.screen.query(OfflineBanner))


def _assert_sane(app, text: str) -> None:
    assert app.is_running and app._exception is None
    assert "Traceback" not in text and "\x1b" not in text
    assert "Unexpected error" not in text, text  # every fault is an expected, explained one


#: one test per screen and group of faults (tests/helpers.py ``fault_groups``: the stateless ones in
#: turn on one app, each other alone); ids are "screen.fault+fault…" (scripts/reliability_matrix.py)
CELLS = [pytest.param(screen, group, id=f"{screen}.{'+'.join(group)}")
         for screen in SCREENS for group in fault_groups(FAULTS)]


async def _drill(app, pilot: Pilot, *, screen: str, fault: str, marker: str, kind: type, before: dict,
                 gate, backoff) -> None:
    """One fault on the open screen: an error in place (or "Refreshing…"), the cached data kept,
    the fault's own promises (backoff, token, offline), then one refresh recovers."""
    chaos = emulator_of(app).state.chaos
    chaos.set(FAULTS[fault])
    backoff.delays.clear()
    if fault == "latency":
        gate.close()
        await pilot.press("r")
        for _ in range(5):
            await pilot.pause()
        text = screen_text(app)
        _assert_sane(app, text)
        assert "Refreshing" in text  # slow, and says so, over the cached data
        assert _data(app) == before and marker in text
        gate.release()
    elif fault == "slow-drip":
        gate.close()
        await pilot.press("r")
        for _ in range(5):
            await pilot.pause()
        assert _data(app) == before and marker in screen_text(app)
        gate.release()
    else:
        await press(pilot, "r")
    await wait_for_workers(pilot)
    text = screen_text(app)
    _assert_sane(app, text)
    assert type(app.screen) is kind
    assert _data(app) == before, "cached data must stay on screen"
    assert marker in text
    if fault in ("latency", "slow-drip"):
        assert not _errors(app) and not _offline(app)  # slow is not broken
    elif fault == "token-expired":
        # LiveRamp fetches one fresh token and carries on; InfoSum keys do not expire, so an
        # InfoSum screen shows the 401 like any other error
        if screen in ("home", "collaboration"):
            assert "✗ HTTP 401" in text, text
        if screen != "collaboration":
            assert chaos.expired_tokens and _lr(app).token_requests == 2
            assert not any("/v1/" in (e.error.path or "") for e in _errors(app)
                           if hasattr(e.error, "path"))
    elif fault == "connection-dropped":
        assert _offline(app), text
        assert text.count("Offline:") == 1
    else:
        assert "✗ " in text, text  # a readable error where the data is
    if fault == "429":
        assert backoff.delays == []  # no Retry-After: no quick retry that would spend more budget
    elif fault == "429-retry-after":
        assert backoff.delays and set(backoff.delays) == {2.0}  # waits exactly what it was told
    elif fault in ("500", "502", "503", "connection-dropped"):
        assert backoff.delays and max(backoff.delays) <= 8.0  # capped exponential backoff

    chaos.clear()
    await press(pilot, "r")
    text = screen_text(app)
    _assert_sane(app, text)
    assert not _errors(app), text
    assert not _offline(app) and all(s.online for s in app.sessions)
    assert _data(app) == before and marker in text


@pytest.mark.parametrize(("screen", "group"), CELLS)
async def test_screen_survives_fault(make_app, gate, backoff, screen, group):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        marker = await SCREENS[screen](pilot)
        await wait_for_workers(pilot)
        kind = type(app.screen)
        before = _data(app)
        assert marker in screen_text(app)
        assert not _errors(app), screen_text(app)
        await each_fault(screen, group, lambda fault: _drill(app, pilot, screen=screen, fault=fault, marker=marker,
                                                             kind=kind, before=before, gate=gate, backoff=backoff))


async def test_quit_while_a_call_hangs_exits_cleanly(make_app, gate):
    """Slow link, operator gives up: q while calls hang must leave at once, with no error."""
    app = make_app()
    chaos = emulator_of(app).state.chaos
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        chaos.set("*=latency:60s")
        gate.close()
        await pilot.press("r")
        for _ in range(5):
            await pilot.pause()
        assert "Refreshing" in screen_text(app)
        await pilot.press("q")
        for _ in range(20):
            await pilot.pause()
            if not app.is_running:
                break
        assert not app.is_running
    assert app._exception is None and app.return_code in (0, None)
    gate.release()
