"""Profiles in the TUI: the switcher, the coloured badge, "stale" stamps, and a warm start that paints
from the cache while the platform has not answered yet."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx

from tui.config import demo_profiles
from tui.core.session import build_sessions
from tui.emulator import EmulatorOptions
from tui.store import Store
from tui.ui.app import CleanroomApp
from tui.ui.screens.home import HomeScreen
from tui.ui.screens.pick import PickScreen
from tui.ui.widgets.context_header import ContextHeader

from .conftest import SIZE, press, screen_text, table, wait_for_workers


async def _pick(pilot, label: str) -> None:
    options = pilot.app.screen.query_one("OptionList")
    labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    options.highlighted = next(i for i, text in enumerate(labels) if label in text)
    await press(pilot, "enter")


async def test_switcher_shows_one_profile_then_all_again(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        assert "Clean rooms" in screen_text(app) and "Collaborations" in screen_text(app)
        await press(pilot, "P")
        assert isinstance(app.screen, PickScreen)
        text = screen_text(app)
        assert "All profiles (2)" in text and "demo-liveramp" in text and "demo-infosum" in text
        await _pick(pilot, "demo-infosum")
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 1
        text = screen_text(app)
        assert "Collaborations" in text and "Clean rooms" not in text
        assert [s.name for s in app.sessions] == ["demo-infosum"]
        assert table(app, "#table-0").row_count > 0  # the collaborations, loaded
        await press(pilot, "P")
        await _pick(pilot, "All profiles")
        assert [s.name for s in app.sessions] == ["demo-liveramp", "demo-infosum"]
        assert "Clean rooms" in screen_text(app)


async def test_switcher_connects_a_profile_on_first_use(clock):
    lr, inf = demo_profiles()
    options = EmulatorOptions(seed=7, clock=clock)
    built = []

    def factory(profile):
        built.append(profile.name)
        return build_sessions([profile], demo_options=options)[0]

    app = CleanroomApp(build_sessions([lr], demo_options=options), available=[lr, inf],
                       session_factory=factory)
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        assert built == []  # only the profile started with is connected at start
        await press(pilot, "P")
        await _pick(pilot, "demo-infosum")
        assert built == ["demo-infosum"]
        assert "Collaborations" in screen_text(app)
        await press(pilot, "P")
        await _pick(pilot, "demo-liveramp")
        await press(pilot, "P")
        await _pick(pilot, "demo-infosum")
        assert built == ["demo-infosum"]  # reused, not rebuilt
        assert set(app.all_sessions) == {"demo-liveramp", "demo-infosum"}


async def test_a_profile_that_cannot_start_is_a_message_not_a_crash(clock):
    lr, inf = demo_profiles()
    options = EmulatorOptions(seed=7, clock=clock)

    def factory(profile):
        raise RuntimeError("profile 'partner': environment variable PARTNER_KEY is not set")

    app = CleanroomApp(build_sessions([lr], demo_options=options), available=[lr, inf],
                       session_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await press(pilot, "P")
        await _pick(pilot, "demo-infosum")
        assert [s.name for s in app.sessions] == ["demo-liveramp"]
        assert any("PARTNER_KEY" in str(n.message) for n in app._notifications)


async def test_coloured_profile_badge(clock):
    lr = dataclasses.replace(demo_profiles()[0], name="prod", color="red")
    app = CleanroomApp(build_sessions([lr], demo_options=EmulatorOptions(seed=7, clock=clock)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        header = app.screen.query_one(ContextHeader)
        who = header.who_text()
        badge = next(span for span in who.spans if who.plain[span.start:span.end] == " prod ")
        assert "red" in str(badge.style) and "reverse" in str(badge.style)


async def test_times_follow_the_time_zone_of_the_screens_profile(clock):
    from tui.ui.text import set_display_timezone

    lr, inf = demo_profiles()
    lr = dataclasses.replace(lr, timezone="Asia/Tokyo")  # UTC+9
    inf = dataclasses.replace(inf, timezone="America/New_York")  # UTC-5 in November
    options = EmulatorOptions(seed=7, clock=clock)
    app = CleanroomApp(build_sessions([lr, inf], demo_options=options), available=[lr, inf])
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for_workers(pilot)
            assert "as of 18:00 JST" in screen_text(app)  # home: the first profile's zone
            await press(pilot, "tab")  # the collaborations
            await press(pilot, "enter")
            await wait_for_workers(pilot)
            assert type(app.screen).__name__ == "CollaborationScreen"
            assert "as of 04:00 EST" in screen_text(app)
            await press(pilot, "escape")
            await pilot.pause()
            assert "as of 18:00 JST" in screen_text(app)
    finally:
        set_display_timezone("UTC")  # what the other tests expect


async def test_as_of_turns_stale_after_the_profiles_limit(clock):
    lr = dataclasses.replace(demo_profiles()[0], stale_after_s=600)
    app = CleanroomApp(build_sessions([lr], demo_options=EmulatorOptions(seed=7, clock=clock)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        header = app.screen.query_one(ContextHeader)
        assert "as of 09:00" in screen_text(app) and not header.stale
        clock.advance(minutes=9)
        header.redraw()
        await pilot.pause()
        assert "stale" not in screen_text(app)
        clock.advance(minutes=2)
        header.redraw()  # what its 30 s timer does
        await pilot.pause()
        assert "as of 09:00 UTC · stale" in screen_text(app)
        assert app.screen.query_one("#context-when").has_class("-stale")
        await press(pilot, "r")  # fresh data: no longer stale
        assert "stale" not in screen_text(app) and "as of 09:11" in screen_text(app)


async def test_second_start_paints_from_cache_while_the_platform_has_not_answered(make_app, tmp_path):
    store = Store.open(tmp_path / "cache.sqlite3")
    first = make_app(store=store)
    async with first.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        expected = [r.key for r in table(first, "#table-0").visible_rows()]
        await pilot.press("q")
    assert expected

    second = make_app(store=store)
    release = asyncio.Event()
    started = []
    transport = second.sessions[0].demo.transport
    real = transport.handle_async_request

    async def blocked(request: httpx.Request) -> httpx.Response:
        started.append(request.url.path)
        await release.wait()  # the platform has not answered yet
        return await real(request)

    transport.handle_async_request = blocked
    async with second.run_test(size=SIZE) as pilot:
        for _ in range(5):
            await pilot.pause()
        assert started, "the app should be asking the platform by now"
        assert [r.key for r in table(second, "#table-0").visible_rows()] == expected
        assert "as of 09:00 UTC ↻" in screen_text(second)  # cached, refresh under way
        release.set()
        await wait_for_workers(pilot)
        assert [r.key for r in table(second, "#table-0").visible_rows()] == expected
        assert "↻" not in screen_text(second)


async def test_a_profile_connected_later_can_launch_and_its_runs_stay_watched(clock):
    lr, inf = demo_profiles()
    options = EmulatorOptions(seed=7, clock=clock)
    app = CleanroomApp(build_sessions([inf], demo_options=options), available=[lr, inf],
                       session_factory=lambda p: build_sessions([p], demo_options=options)[0])
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        hub = app.watching
        assert set(hub.launchers) == {"demo-infosum"}
        await press(pilot, "P")
        await _pick(pilot, "demo-liveramp")
        assert set(hub.launchers) == {"demo-infosum", "demo-liveramp"}
        assert hub.launcher("demo-liveramp").profile.name == "demo-liveramp"
        await press(pilot, "P")
        await _pick(pilot, "demo-infosum")
        assert "demo-liveramp" in hub.launchers  # switching away does not stop watching
        await press(pilot, "b")
        assert {s.name for s in app.screen.sessions} == {"demo-infosum", "demo-liveramp"}
