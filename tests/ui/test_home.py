"""Home: both platforms' lists, the header, filtering, sorting, copy and export."""

from __future__ import annotations

import csv
import json

from tui.ui.widgets.context_header import ContextHeader
from tui.ui.widgets.resource_table import ResourceTable

from .conftest import SIZE, plain_rows, press, screen_text, table, wait_for_workers


async def test_home_lists_rooms_and_collaborations(world):
    app, lr, inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        rooms = plain_rows(table(app, "#table-0"))
        names = {r[0] for r in rooms}
        assert names == {r.name for r in lr.cleanrooms.values()}
        ids = {r[1] for r in rooms}
        assert ids == {r.display_id for r in lr.cleanrooms.values()}
        collabs = {r[0] for r in plain_rows(table(app, "#table-1"))}
        assert {c.name for c in inf.collaborations.values() if c.status != "STATUS_INVALID"} >= collabs
        assert len(collabs) >= 5
        text = screen_text(app)
        assert "Clean rooms · demo-liveramp (LiveRamp)" in text
        assert "Collaborations · demo-infosum (InfoSum)" in text


async def test_header_shows_profile_platform_org_and_as_of(world):
    app, _lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        header = app.screen.query_one(ContextHeader)
        who = header.who_text().plain
        assert "demo-liveramp LiveRamp · Northwind Retail" in who
        assert "demo-infosum InfoSum · Northwind Retail" in who
        assert header.when_text().plain == "as of 09:00 UTC"


async def test_slash_filters_the_focused_table_as_you_type(world):
    app, lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        rooms = table(app, "#table-0")
        assert rooms.has_focus
        total = rooms.row_count
        await press(pilot, "slash", "c", "o", "n", "t")
        shown = rooms.visible_rows()
        assert 0 < rooms.row_count == len(shown) < total
        assert all("cont" in " ".join([r.key, *(c.plain for c in r.cells)]).lower() for r in shown)
        assert lr.find_room("CR-199659").id in {r.key for r in shown}  # "Northwind × Contoso …"
        await press(pilot, "enter")  # keep the filter, back to the table
        assert rooms.has_focus and rooms.filter_text == "cont"
        await press(pilot, "slash", "escape")  # clear it
        assert rooms.row_count == total


async def test_clicking_a_header_sorts_and_again_reverses(world):
    app, _lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        rooms = table(app, "#table-0")
        await pilot.click("#table-0", offset=(2, 0))  # the "Name" header
        await pilot.pause()
        names = [r[0] for r in plain_rows(rooms)]
        assert names == sorted(names, key=str.casefold)
        shown = [rooms.get_row_at(i)[0].plain for i in range(rooms.row_count)]
        assert shown == names
        await pilot.click("#table-0", offset=(2, 0))
        await pilot.pause()
        assert [r[0] for r in plain_rows(rooms)] == sorted(names, key=str.casefold, reverse=True)


async def test_vi_keys_move_the_cursor(world):
    app, _lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        rooms = table(app, "#table-0")
        await press(pilot, "j", "j")
        assert rooms.cursor_row == 2
        await press(pilot, "k")
        assert rooms.cursor_row == 1
        await press(pilot, "G")
        assert rooms.cursor_row == rooms.row_count - 1
        await press(pilot, "g")
        assert rooms.cursor_row == 0


async def test_y_copies_the_display_id_and_shows_it(world):
    app, _lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        rooms = table(app, "#table-0")
        await press(pilot, "j", "y")
        expected = rooms.selected.copy_id
        assert expected.startswith("CR-")
        assert app.clipboard == expected
        assert any(expected in n.message for n in app._notifications)


async def test_e_exports_the_focused_table_to_csv_and_json(world, tmp_path):
    app, lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        out = tmp_path / "rooms.csv"
        await press(pilot, "e")
        field = app.screen.query_one("#prompt-input")
        field.value = str(out)
        await press(pilot, "enter")
        rows = list(csv.DictReader(out.read_text().splitlines()))
        assert {r["Id"] for r in rows} == {r.display_id for r in lr.cleanrooms.values()}
        assert {r["id"] for r in rows} == set(lr.cleanrooms)
        # JSON by extension, and only what the filter shows
        await press(pilot, "slash", "C", "R", "-", "1", "enter")
        out_json = tmp_path / "rooms.json"
        await press(pilot, "e")
        app.screen.query_one("#prompt-input").value = str(out_json)
        await press(pilot, "enter")
        data = json.loads(out_json.read_text())
        assert data and all("CR-1" in d["Id"] for d in data)


async def test_enter_opens_a_room_and_escape_goes_back(world):
    app, lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        rooms = table(app, "#table-0")
        room = rooms.selected.payload
        await press(pilot, "enter")
        assert type(app.screen).__name__ == "CleanRoomScreen"
        text = screen_text(app)
        assert f"Home › {room.display_id} {room.name}" in text
        await press(pilot, "escape")
        assert type(app.screen).__name__ == "HomeScreen"
        await press(pilot, "enter", "backspace")
        assert type(app.screen).__name__ == "HomeScreen"


async def test_quit_closes_cleanly(world):
    app, _lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code in (0, None)
    assert all(s._client is None for s in app.sessions)


async def test_a_5000_row_list_opens_in_under_a_second(make_app):

    from rich.text import Text

    from tui.ui.widgets.resource_table import Col, Row

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        big = ResourceTable([Col(k, k.title()) for k in ("name", "id", "type", "status", "when", "n")],
                            title="big", id="big")
        await app.screen.mount(big)
        rows = [Row(key=f"k{i}", cells=[Text(f"Room {i}"), Text(f"CR-{i:06d}"), Text("Hybrid"),
                                          Text("COMPLETE"), Text("2026-11-02 09:00"), Text(str(i))])
                for i in range(5000)]
        big.set_rows(rows)  # its speed is tests/bench/bench_table.py's job, not a timed assertion here
        await pilot.pause()
        assert big.row_count == 5000
        # a refresh with 10 changed rows is a keyed diff: same row objects stay, cursor stays
        big.move_cursor(row=1234)
        changed = [Row(key=r.key, cells=[Text(r.cells[0].plain + (" *" if i % 500 == 0 else "")),
                                         *r.cells[1:]]) for i, r in enumerate(rows)]
        big.set_rows(changed)
        await pilot.pause()
        assert big.cursor_row == 1234
        assert big.get_row("k500")[0].plain == "Room 500 *"
