"""The mouse, as a new user would use it at 80×24: click a row and click it again to open it, click
a tab, click a footer key."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from .conftest import table, wait_for_workers
from .tour import ROOM

SMALL = (80, 24)


async def test_click_a_row_then_again_opens_it_a_tab_and_a_footer_key(world):
    app, lr, _inf = world
    room = lr.find_room(ROOM)
    async with app.run_test(size=SMALL) as pilot:
        await wait_for_workers(pilot)
        rooms = table(app, "#table-0")
        keys = [r.key for r in rooms.visible_rows()]
        row = keys.index(room.id)
        other = (row + 2) % len(keys)
        await pilot.click(rooms, offset=(4, 1 + other))  # a click below the header selects a row
        await wait_for_workers(pilot)
        assert rooms.selected_key == keys[other] and type(app.screen).__name__ == "HomeScreen"
        await pilot.click(rooms, offset=(4, 1 + row))
        await wait_for_workers(pilot)
        assert rooms.selected_key == room.id and type(app.screen).__name__ == "HomeScreen"
        await pilot.click(rooms, offset=(4, 1 + row))  # the selected row again: open it
        await wait_for_workers(pilot)
        assert type(app.screen).__name__ == "CleanRoomScreen"

        tabs = app.screen.query_one("Tabs")
        questions = next(t for t in tabs.query("Tab") if str(t.label) == "Questions")
        await pilot.click(questions)
        await wait_for_workers(pilot)
        assert table(app, "#questions-pane").row_count > 0 and table(app, "#questions-pane").region.area > 0

        help_key = next(k for k in app.screen.query(FooterKey) if k.action == "app.help")
        await pilot.click(help_key)
        await wait_for_workers(pilot)
        assert type(app.screen).__name__ == "HelpScreen"
