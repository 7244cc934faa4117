"""Cache faults with the real app: a corrupt database, a read-only cache, a disk that fills up
mid-session, two app instances on one profile. The app keeps working and says what happened;
tests/unit/test_store_durability.py covers the store itself."""

from __future__ import annotations

import sqlite3

from tests.helpers import open_key, press, screen_text, table, wait_for_workers
from tui.cli import main
from tui.config import demo_profiles
from tui.core.session import build_sessions
from tui.emulator import EmulatorOptions
from tui.store import Store
from tui.store.store import default_path
from tui.ui.app import CleanroomApp

from .conftest import SIZE, Gate, emulator_of

ROOM = "CR-199659"


async def _browse(pilot) -> None:
    """Home, a room, its questions: every step reads and writes the cache."""
    app = pilot.app
    await wait_for_workers(pilot)
    room = emulator_of(app).state.liveramp.find_room(ROOM)
    await open_key(pilot, table(app, "#table-0"), room.id)
    app.screen.show_tab("questions")
    await wait_for_workers(pilot)
    assert table(app, "#questions-pane").row_count > 0
    await press(pilot, "escape")


def _sane(app) -> str:
    text = screen_text(app)
    assert app.is_running and app._exception is None
    assert "Traceback" not in text and "Unexpected error" not in text, text
    return text


async def test_corrupt_database_is_moved_aside_and_said(make_app):
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database" * 500)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _browse(pilot)
        text = _sane(app)
        assert "Cache" in text or any(n.title == "Cache" for n in app._notifications), text
    assert any(p.name.startswith(path.name) and p != path for p in path.parent.iterdir()), "kept aside"
    assert Store.open().info()["cache_entries"] > 0  # and the rebuilt one fills again


def test_corrupt_database_headless(capsys):
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00garbage" * 1000)
    assert main(["rooms", "--demo", "--json"]) == 0
    _out, err = capsys.readouterr()
    assert "Traceback" not in err and "cache" in err.lower()


async def test_read_only_cache_runs_from_memory(make_app, monkeypatch):
    import tui.store.db as db

    real_connect = db.connect

    def readonly_connect(target):
        if target == ":memory:":
            return real_connect(target)
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(db, "connect", readonly_connect)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _browse(pilot)
        text = _sane(app)
        assert "read-only" in text or any("read-only" in str(n.message) for n in app._notifications)


async def test_disk_full_mid_session_keeps_browsing(make_app):
    store = Store.open()
    app = make_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow any more
        await _browse(pilot)
        await press(pilot, "r")
        _sane(app)
        assert sum("disk is full" in w for w in store.warnings) <= 1
    store.close()


async def test_two_instances_on_one_profile(clock, backoff):
    """Two apps, two store connections, one cache file: the second paints what the first fetched
    while its own network is still waiting, and both keep writing without errors."""

    def build(gate: Gate) -> CleanroomApp:
        sessions = build_sessions(demo_profiles(), store=Store.open(),
                                  demo_options=EmulatorOptions(seed=7, clock=clock),
                                  client_options={"sleep": backoff})
        sessions[0].demo.app().state.chaos.sleep = gate
        app = CleanroomApp(sessions)
        app.animation_level = "none"
        return app

    first, second_gate = build(Gate()), Gate()
    second = build(second_gate)
    async with first.run_test(size=SIZE) as pilot_a:
        await _browse(pilot_a)
        rooms = table(first, "#table-0").row_count
        emulator_of(second).state.chaos.set("*=latency:10s")
        second_gate.close()  # the second instance's network hangs
        async with second.run_test(size=SIZE) as pilot_b:
            for _ in range(10):
                await pilot_b.pause()
            assert table(second, "#table-0").row_count == rooms  # painted from the shared cache
            assert "Refreshing" in screen_text(second)
            second_gate.release()
            await wait_for_workers(pilot_b)
            await press(pilot_a, "r")  # both write the same entries
            await press(pilot_b, "r")
            _sane(first)
            _sane(second)
            assert not [w for s in (first, second) for w in s.sessions[0].repo.store.warnings]
