"""Cache first, then network: repo round trips, "as of" stamps, the online flag, warm starts."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from datetime import UTC, datetime

import httpx

from tui.api.liveramp.models import CleanRoom, QuestionRun
from tui.core.repo import MemoryStore, Repo
from tui.store import Store
from tui.ui.widgets.offline_banner import OfflineBanner

from .conftest import SIZE, press, screen_text, table, wait_for_workers

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


async def test_repo_round_trips_models_through_the_store(tmp_path):
    store = Store.open(tmp_path / "cache.sqlite3")
    repo = Repo(store, "p1", now=lambda: T0)
    wire = {"id": "r1", "displayId": "CR-000001", "name": "Room", "partners": ["A"], "questionsCount": 3,
            "timeAudit": {"updatedAt": "2026-11-01T10:00:00Z"}, "cleanRoomTypeId": "t1"}

    async def load():
        return [CleanRoom.model_validate(wire)]

    assert repo.cached("rooms", "", list[CleanRoom]) is None
    fresh = await repo.refresh("rooms", "", load, list[CleanRoom])
    assert not fresh.from_cache and fresh.fetched_at == T0
    again = Repo(store, "p1").cached("rooms", "", list[CleanRoom])
    assert again is not None and again.from_cache and again.fetched_at == T0
    assert again.value == fresh.value
    assert Repo(store, "p2").cached("rooms", "", list[CleanRoom]) is None  # profiles never mix
    # a stored shape the models no longer accept is a miss, not a crash
    store.put("p1", "runs", "x", {"submittedAt": {"not": "a date"}, "parameters": 5}, fetched_at=T0)
    assert repo.cached("runs", "x", list[QuestionRun]) is None


async def test_errors_propagate_and_are_not_cached():
    repo = Repo(MemoryStore(), "p", now=lambda: T0)

    async def boom():
        raise RuntimeError("nope")

    with contextlib.suppress(RuntimeError):
        await repo.refresh("k", "", boom, int)
    assert repo.cached("k", "", int) is None


async def test_online_flag_flips_on_unreachable_and_back(world):
    app, _lr, _inf = world
    session = app.sessions[1]
    changes = []
    session.on_online_change(lambda s, online: changes.append(online))
    demo = session.demo
    real = demo.transport.handle_async_request

    async def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("unreachable", request=request)

    demo.transport.handle_async_request = down
    try:
        await session.load("me", "", lambda c: c.me(), dict)
    except Exception as exc:
        assert getattr(exc, "offline", False)
    assert session.online is False
    demo.transport.handle_async_request = real
    await session.load("who", "", lambda c: c.me(), object)
    assert session.online is True and changes == [False, True]
    await session.aclose()


async def test_warm_start_paints_from_cache_then_offline_keeps_it(make_app, clock, tmp_path):
    store = Store.open(tmp_path / "cache.sqlite3")
    first = make_app(store=store)
    async with first.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        expected = table(first, "#table-0").row_count
        await pilot.press("q")
    clock.advance(hours=2)
    second = make_app(store=store)

    async def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("unreachable", request=request)

    second.sessions[0].demo.transport.handle_async_request = down
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert table(second, "#table-0").row_count == expected  # painted before any call
        await wait_for_workers(pilot)
        assert table(second, "#table-0").row_count == expected
        text = screen_text(second)
        assert "as of 09:00" in text  # the cache's time, not now (11:00)
        assert second.screen.query_one(OfflineBanner).has_class("-offline")
        await press(pilot, "enter")  # cached rooms still open their screen
        assert "Home ›" in screen_text(second)


def test_nothing_below_ui_imports_textual():
    code = ("import sys; import tui.core.session, tui.core.repo, tui.api.liveramp, tui.api.infosum, "
            "tui.store; print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_the_app_module_does_not_import_models_http_or_the_emulator():
    code = ("import sys; import tui.ui.app; "
            "print(sorted(m for m in ('httpx', 'pydantic', 'starlette', 'tui.api.liveramp', "
            "'tui.api.infosum', 'tui.emulator.app') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
