"""The TUI under textual-serve (``cleanroom-tui serve``): Textual's web driver is faked by making
``App.is_web`` true; the browser side is in tests/browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from tui.ui.app import CleanroomApp

from .conftest import SIZE, press, screen_text, until, wait_for_workers


@pytest.fixture
def web(monkeypatch):
    monkeypatch.setattr(CleanroomApp, "is_web", property(lambda self: True))
    delivered: list[dict] = []

    def deliver_binary(self, path, **kwargs):
        delivered.append({"path": Path(path), **kwargs})
        return "key-1"

    monkeypatch.setattr(CleanroomApp, "deliver_binary", deliver_binary)
    return delivered


async def test_an_export_is_written_and_then_delivered_to_the_browser(make_app, web, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        out = tmp_path / "rooms  ä;x.csv"
        await press(pilot, "e")
        app.screen.query_one("#prompt-input").value = str(out)
        await press(pilot, "enter")
        assert out.read_text().startswith("id,Name,")  # the file on the server's disk, complete
        [sent] = web
        assert sent["path"] == out
        assert sent["save_filename"] == "rooms-x.csv"  # header-safe: ASCII letters, digits, . _ -
        assert sent["mime_type"] == "text/csv"
        assert any("downloading in the browser as rooms-x.csv" in n.message for n in app._notifications)


async def test_in_a_terminal_nothing_is_delivered(make_app, monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(CleanroomApp, "deliver_binary", lambda self, *a, **k: calls.append(a))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await press(pilot, "e")
        app.screen.query_one("#prompt-input").value = str(tmp_path / "rooms.json")
        await press(pilot, "enter")
        assert (tmp_path / "rooms.json").exists() and calls == []


async def test_the_footer_is_drawn_while_the_page_has_not_reported_focus(make_app, web):
    # Textual's web driver starts the app blurred; the page reports focus only after a click
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(events.AppBlur())
        await wait_for_workers(pilot)
        assert not app.app_focus
        app.action_runs_board()  # a new screen (and footer) while blurred; keys would mean focus
        await wait_for_workers(pilot)
        assert not app.app_focus and type(app.screen).__name__ == "RunsBoardScreen"
        # the footer is composed a few messages after its screen: it must come, blurred or not
        assert await until(pilot, lambda: "? Help" in screen_text(app).splitlines()[-1]), screen_text(app)


async def test_in_a_browser_scrollbars_take_the_panel_colour_and_the_palette_has_no_emoji(make_app, web):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        assert app.has_class("-web")
        table = app.screen.query("ResourceTable").first()
        panel = app.theme_variables["panel"]
        assert table.styles.scrollbar_background.hex.lower() == panel.lower()
        await pilot.press("colon")
        await pilot.pause()
        from textual.command import SearchIcon

        assert app.screen.query_one(SearchIcon).display is False
