"""Cache trouble that starts while the app runs is said when it happens, once, not only at the next
start: the disk fills up mid-session, the store starts dropping writes, a toast says so."""

from __future__ import annotations

from tests.helpers import open_key, press, screen_text, table, wait_for_workers
from tui.store import Store

from .conftest import SIZE, emulator_of

ROOM = "CR-199659"


def _cache_toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications if n.title == "Cache"]


async def test_disk_full_mid_session_is_said_once_as_it_happens(make_app):
    store = Store.open()
    app = make_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        assert _cache_toasts(app) == [] and store.warnings == []
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow any more
        room = emulator_of(app).state.liveramp.find_room(ROOM)
        await open_key(pilot, table(app, "#table-0"), room.id)  # reads that the store tries to keep
        app.screen.show_tab("questions")
        await wait_for_workers(pilot)
        await press(pilot, "r")
        await press(pilot, "escape", "r")
        assert any("disk is full" in w for w in store.warnings), store.warnings
        toasts = _cache_toasts(app)
        assert len([t for t in toasts if "disk is full" in t]) == 1, toasts
        text = screen_text(app)
        assert app.is_running and app._exception is None and "Traceback" not in text
        assert table(app, "#table-0").row_count > 0  # and browsing goes on
    store.close()


async def test_a_warning_with_markup_is_shown_as_plain_text(make_app):
    store = Store.open()
    app = make_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        message = "cache file [bold]x[/] moved to /tmp/[@click=app.quit]y"  # a path is user text
        store._warn(message)
        await pilot.pause()
        [toast] = [n for n in app._notifications if n.title == "Cache"]
        assert toast.message == message and toast.markup is False
        store._warn(message)  # the same trouble again: said once
        await pilot.pause()
        assert len([n for n in app._notifications if n.title == "Cache"]) == 1
        assert app.is_running and app._exception is None
    store.close()
