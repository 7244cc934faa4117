"""Fault drills on export jobs (issue 20.3), Pilot on the in-process emulator.

- Creating a job under faults: a lost answer (the platform acted, the answer never came) makes exactly
  one job, found by listing the room's jobs, never posted again; a 429, a 500 and a proxy's 502 are sent
  once and said; latency holds the create until the platform answers, still once.
- The Exports tab and a job's screen under read faults: the error in place, the cached rows kept, one
  ``r`` recovers.
- Hostile job, question and destination names: inert on the tab, the job screen, the form and the
  confirmation, and in ``cleanroom-tui exports``.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, SelectionList

from tests.helpers import press, screen_text, wait_for_workers
from tui.store import Store
from tui.ui.jump_index import Target

from .conftest import FAULTS, SIZE, emulator_of
from .new_screens import assert_sane, errors, lr, toasts
from .test_hostile_new_screens import _check_inert

CREATE = "POST /v1/cleanrooms/*/exports/jobs"


def _room(world):
    """The room the seeded export jobs are in (found by its jobs: names may be hostile)."""
    job = next(iter(world.export_jobs.values()))
    return world.cleanrooms[job.room_id]


async def _exports_tab(pilot, app):
    world = lr(app)
    room = _room(world)
    s = next(x for x in app.sessions if x.platform == "liveramp")
    app.open(s, Target("room", room.id, room.name, s.name, room.display_id))
    await wait_for_workers(pilot)
    app.screen.show_tab("exports")
    await wait_for_workers(pilot)
    return room


def _posts(app) -> int:
    client = next(x for x in app.sessions if x.platform == "liveramp").client
    return sum(n for k, n in client.calls.items() if k.startswith("POST ") and k.endswith("/exports/jobs"))


async def _to_confirmation(pilot, app, room):
    world = lr(app)
    q = next(q for q in world.questions.values() if q.room_id == room.id and q.template.question_type == "LIST")
    account = next(d.account_id for d in room.destinations if d.channel_status == "ACTIVE_CHANNEL")
    await press(pilot, "n")
    form = app.screen
    assert type(form).__name__ == "ExportForm", toasts(app)
    form.query_one("#export-question", Select).value = q.id
    form.query_one("#export-destinations", SelectionList).select(account)
    form.query_one("#export-params", Input).value = ""
    await pilot.pause()
    form.query_one("#review").press()
    await wait_for_workers(pilot)
    assert type(app.screen).__name__ == "ConfirmScreen"
    return q, account


@pytest.mark.parametrize("fault", ["drop-after", "429", "500", "502", "latency"])
async def test_create_under_fault_is_sent_once_and_never_duplicates(make_app, clock, gate, fault):
    store = Store.in_memory(now=clock.now)
    app = make_app(store=store)
    chaos = emulator_of(app).state.chaos
    world = lr(app)
    before = set(world.export_jobs)
    async with app.run_test(size=SIZE) as pilot:
        room = await _exports_tab(pilot, app)
        q, account = await _to_confirmation(pilot, app, room)
        if fault == "latency":
            gate.close()
        chaos.set(f"{CREATE}={'latency:30s' if fault == 'latency' else fault},times=1")
        await pilot.press("tab", "enter")
        if fault == "latency":
            for _ in range(5):
                await pilot.pause()
            assert set(world.export_jobs) == before  # held by the slow link, not sent twice
            gate.release()
        await wait_for_workers(pilot)
        chaos.clear()
        new = set(world.export_jobs) - before
        assert _posts(app) == 1, "a write is sent once, never retried"
        text = assert_sane(app)
        said = toasts(app)
        if fault in ("drop-after", "latency"):
            assert len(new) == 1, "exactly one job, whatever happened to the answer"
            job = world.export_jobs[new.pop()]
            assert job.question_id == q.id and job.account_id == account
            if fault == "drop-after":
                assert "found by listing" in said, said
                entry = store.journal_for_object("demo-liveramp", job.id)
                assert entry is not None and entry.state == "reconciled"
        else:
            assert not new, "the platform refused: nothing was created"
            assert ("429" in said) if fault == "429" else ("safe to send it again" in said), said
        assert "Traceback" not in text


@pytest.mark.parametrize("fault", ["429", "500", "503", "malformed-json", "connection-dropped"])
async def test_exports_tab_and_job_screen_under_read_faults(make_app, clock, fault):
    app = make_app(store=Store.in_memory(now=clock.now))
    chaos = emulator_of(app).state.chaos
    world = lr(app)
    async with app.run_test(size=SIZE) as pilot:
        await _exports_tab(pilot, app)
        job = next(j for j in world.export_jobs.values() if j.status == "ACTIVE")
        chaos.set(FAULTS[fault])
        await press(pilot, "r")
        text = assert_sane(app)
        assert errors(app) or "Offline" in text, text
        assert job.name[:20] in text  # the cached rows stay
        chaos.clear()
        await press(pilot, "r")
        assert not errors(app), assert_sane(app)
        tab = app.screen.query_one("#exports-pane").table
        assert tab.select_key(job.id)
        await press(pilot, "enter")
        assert type(app.screen).__name__ == "ExportJobScreen"
        chaos.set(FAULTS[fault])
        await press(pilot, "r")
        assert_sane(app)
        chaos.clear()
        await press(pilot, "r")
        assert not errors(app), assert_sane(app)
        assert "FAILED" in screen_text(app) or "COMPLETE" in screen_text(app)


async def test_hostile_names_render_inert_on_exports(make_app, clock):
    app = make_app(hostile=True, store=Store.in_memory(now=clock.now))
    async with app.run_test(size=SIZE) as pilot:
        room = await _exports_tab(pilot, app)
        _check_inert(app)
        job = next(iter(lr(app).export_jobs.values()))
        assert app.screen.query_one("#exports-pane").table.select_key(job.id)
        await press(pilot, "enter")
        assert type(app.screen).__name__ == "ExportJobScreen"
        _check_inert(app)
        await press(pilot, "escape")
        await _to_confirmation(pilot, app, room)
        _check_inert(app)


def test_headless_exports_with_hostile_names_and_under_fault(tmp_path, monkeypatch, capsys, fast_retries):
    from tests.helpers import profile_file
    from tui.cli import main
    from tui.emulator import EmulatorOptions, ManualClock
    from tui.emulator.server import served

    from .test_hostile import FORBIDDEN

    with served(EmulatorOptions(seed=7, clock=ManualClock(), hostile=True)) as emu:
        monkeypatch.setenv("CLEANROOM_TUI_CONFIG", str(profile_file(tmp_path / "config.toml", emu.base_url)))
        monkeypatch.setenv("HL_LR_SECRET", "demo-secret")
        assert main(["exports", "--profile", "emu-lr"]) == 0
        out = capsys.readouterr().out
        assert out.strip() and not FORBIDDEN.search(out), repr(FORBIDDEN.search(out))
        emu.app.state.chaos.set("GET /v1/exports/jobs/*=500")
        code = main(["exports", "--profile", "emu-lr", "--json"])
        captured = capsys.readouterr()
        assert code in (0, 3, 4) and "Traceback" not in captured.err
        emu.app.state.chaos.clear()
        assert main(["exports", "--profile", "emu-lr", "--json"]) == 0


async def test_hostile_names_render_inert_on_the_activation_form(make_app, clock):
    app = make_app(hostile=True, store=Store.in_memory(now=clock.now))
    inf = emulator_of(app).state.infosum
    collab = next(c for c in inf.collaborations.values()
                  if any(p.activation_allowed for p in c.datasets) and c.destinations)
    async with app.run_test(size=SIZE) as pilot:
        s = next(x for x in app.sessions if x.platform == "infosum")
        app.open(s, Target("collaboration", collab.id, collab.name, s.name))
        await wait_for_workers(pilot)
        await press(pilot, "n")
        assert type(app.screen).__name__ == "ActivationForm", toasts(app)
        _check_inert(app)
