"""Untrusted text renders inert; API errors and outages are views, never crashes."""

from __future__ import annotations

import httpx

from tui.ui.widgets.load_state import LoadState
from tui.ui.widgets.offline_banner import OfflineBanner

from .conftest import SIZE, open_key, press, screen_text, table, wait_for_workers

HOSTILE = "[bold]Evil[/bold] [link=http://x]co[/link] \x1b[31mRED\x1b]52;c;SGk=\x07 \u202eRTL"
SHOWN = "[bold]Evil[/bold] [link=http://x]co[/link] ␛[31mRED␛]52;c;SGk=␇ RTL"


def _hostile(world_app) -> None:
    lr = world_app.state.liveramp
    room = lr.find_room("CR-199659")
    room.name = HOSTILE
    room.description = "line one\n" + HOSTILE
    inf = world_app.state.infosum
    collab = next(c for c in inf.collaborations.values() if c.status == "STATUS_ACTIVE")
    collab.name = HOSTILE


def _segments_have_no_escapes(app) -> None:
    """No segment the compositor would write carries a control character of its own."""
    update = app.screen._compositor.render_update(full=True)
    seen = 0
    for line in update.strips:
        for strip in line:
            for segment in strip:
                seen += 1
                assert "\x1b" not in segment.text and "\x07" not in segment.text
    assert seen


async def test_markup_and_escape_sequences_render_literally(make_app):
    app = make_app(prepare=_hostile)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        text = screen_text(app)
        assert text.count(SHOWN[:45]) >= 2, text  # the room and the collaboration, brackets kept
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        _segments_have_no_escapes(app)
        rooms = table(app, "#table-0")
        row = next(r for r in rooms.visible_rows() if r.cells[0].plain.startswith("[bold]"))
        assert row.cells[0].spans == [] and row.cells[0].style == ""  # no markup turned into style
        # the room screen: breadcrumbs, overview (multi-line description) and palette stay literal
        await open_key(pilot, rooms, row.key)
        text = screen_text(app)
        assert "Home › CR-199659 [bold]Evil[/bold]" in text
        assert "line one" in text and "\x1b" not in text
        await pilot.press("colon", *"Evil")
        for _ in range(50):
            await pilot.pause(0.02)
            if app.screen.query("CommandList") and app.screen.query_one("CommandList").option_count:
                break
        text = screen_text(app)
        assert "[bold]Evil[/bold]" in text and "\x1b" not in text
        await pilot.press("escape")


async def test_notifications_show_hostile_ids_literally(make_app):
    app = make_app(prepare=_hostile)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        collabs = table(app, "#table-1")
        collabs.focus()
        row = next(r for r in collabs.visible_rows() if r.cells[0].plain.startswith("[bold]"))
        collabs.select_key(row.key)
        await press(pilot, "enter")
        # the summary line and the notification for a copy
        await press(pilot, "y")
        assert "[bold]Evil[/bold]" in screen_text(app)


async def test_api_error_renders_in_place_with_status_request_id_and_hint(world):
    app, lr, _inf = world
    # a room where the demo API user is not an admin: its sub-resources answer 403
    room = next(r for r in lr.cleanrooms.values() if not r.api_admin)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await open_key(pilot, table(app, "#table-0"), room.id)
        app.screen.show_tab("partners")
        await wait_for_workers(pilot)
        state = app.screen.query_one("#partners-pane").query_one(LoadState)
        assert state.error is not None and state.error.status == 403
        text = screen_text(app)
        assert "✗ HTTP 403" in text
        assert "request id " in text
        assert "lacks the right" in text  # the hint
        assert "Traceback" not in text
        # the rest of the screen still works
        await press(pilot, "left_square_bracket")
        assert room.name in screen_text(app)


async def test_offline_shows_one_banner_and_keeps_cached_data(world):
    app, lr, _inf = world
    demo = app.sessions[0].demo
    real = demo.transport.handle_async_request

    async def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("network is unreachable", request=request)

    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        rooms = table(app, "#table-0")
        count = rooms.row_count
        demo.transport.handle_async_request = down
        await press(pilot, "r")
        banner = app.screen.query_one(OfflineBanner)
        assert banner.has_class("-offline")
        text = screen_text(app)
        assert text.count("Offline:") == 1
        assert "showing cached data" in text
        assert rooms.row_count == count  # still there
        assert "offline" in text
        demo.transport.handle_async_request = real
        await press(pilot, "r")
        assert not app.screen.query_one(OfflineBanner).has_class("-offline")
        assert all(s.online for s in app.sessions)
