"""Offline: one banner, cached data still on screen, writes refused, and recovery by itself."""

from __future__ import annotations

import httpx
import pytest

from tui.core.launch import Launcher, PlatformOffline
from tui.ui.reconnect import BACKOFF_S
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.widgets.offline_banner import OfflineBanner

from .conftest import SIZE, open_key, press, screen_text, session, table, wait_for_workers


def _cut(app):
    """Make the platform unreachable; returns a function that brings it back."""
    transport = app.sessions[0].demo.transport  # both demo profiles share the in-process world
    real = transport.handle_async_request

    async def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("unreachable", request=request)

    transport.handle_async_request = down

    def restore() -> None:
        transport.handle_async_request = real

    return restore


async def test_offline_keeps_cached_rows_refuses_writes_and_recovers_by_itself(world):
    app, _lr, inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        collabs = table(app, "#table-1")
        mine = next(r for r in collabs.visible_rows() if r.cells[1].plain == "Northwind Retail"
                    and r.cells[3].plain == "STATUS_ACTIVE")
        await open_key(pilot, collabs, mine.key)
        members = [r.key for r in table(app, "#members-pane").visible_rows()]
        assert members
        restore = _cut(app)
        await press(pilot, "r")
        infosum = session(app, "infosum")
        assert not infosum.online
        banner = app.screen.query_one(OfflineBanner)
        assert banner.has_class("-offline")
        text = screen_text(app)
        assert "Offline: demo-infosum unreachable — showing cached data" in text
        assert [r.key for r in table(app, "#members-pane").visible_rows()] == members
        assert app.reconnector.pending() == ["demo-infosum"]  # a probe is scheduled

        await press(pilot, "C")  # close the collaboration: refused before any confirmation
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("offline: writes are disabled" in str(n.message) for n in app._notifications)
        assert inf.collaborations[mine.key].status == "STATUS_ACTIVE"

        # still down: the probe fails and backs off to the next interval
        assert await app.reconnector.probe_now(infosum) is False
        assert app.reconnector._attempts["demo-infosum"] == 1
        restore()
        assert await app.reconnector.probe_now(infosum) is True  # what the timer does
        await wait_for_workers(pilot)
        assert infosum.online and app.reconnector.pending() == []
        assert not app.screen.query_one(OfflineBanner).has_class("-offline")
        assert "Offline" not in screen_text(app)
        assert any("answers again" in str(n.message) for n in app._notifications)


async def test_the_first_probe_waits_a_few_seconds():
    assert BACKOFF_S[0] >= 5 and BACKOFF_S[-1] <= 60 and list(BACKOFF_S) == sorted(BACKOFF_S)


async def test_launcher_refuses_while_offline_and_journals_nothing(world, tmp_path):
    app, lr, _inf = world
    liveramp = session(app, "liveramp")
    from tui.store import Store

    store = Store.open(tmp_path / "c.sqlite3")
    launcher = Launcher(liveramp, store)
    question = next(iter(lr.questions.values()))
    restore = _cut(app)
    from tui.api.http import ApiError

    with pytest.raises(ApiError):
        await liveramp.call(lambda c: c.list_cleanrooms())
    assert not liveramp.online
    created_before = len(lr.runs)
    with pytest.raises(PlatformOffline):
        await launcher.launch(question.id, {"name": "offline try", "parameters": {}})
    assert store.journal_unresolved("demo-liveramp") == []  # no intent: nothing was about to be sent
    assert store.journal_get(1) is None
    assert launcher.ledger.remaining_creates(launcher._now()) == launcher.ledger.creates_per_hour
    restore()
    assert len(lr.runs) == created_before


async def test_offline_screen_with_nothing_cached_says_so_instead_of_loading(world):
    app, _lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        rooms = table(app, "#table-0")
        _cut(app)
        await press(pilot, "r")  # the home screen finds the platform down
        await open_key(pilot, rooms, rooms.visible_rows()[0].key)  # a room never opened: not cached
        await wait_for_workers(pilot)
        text = screen_text(app)
        assert "Nothing cached for this yet: it loads once the platform answers." in text
        assert "no data yet" in text.splitlines()[0] and "loading…" not in text.splitlines()[0]
        assert "showing cached data where there is some" in text
