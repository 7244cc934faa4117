"""Issue 16, item 8: one malformed item no longer fails a whole list. The good items are shown,
the bad one is a marked row ("1 item could not be read: field, value"), and it is logged —
for LiveRamp (a room with ``questionsCount: "NaN"``) and InfoSum (an event whose
``event_date_time`` is not a time).
"""

from __future__ import annotations

import logging

from tests.ui.conftest import wait_for_workers
from tui.api.items import Items, parse_items, summary
from tui.api.liveramp.models import CleanRoom
from tui.emulator.infosum import events as emulated_events
from tui.emulator.liveramp import routes_cleanrooms
from tui.ui.widgets.resource_table import UNREADABLE_KEY

from .conftest import SIZE
from .new_screens import assert_sane, errors, open_event_log, toasts


def test_parse_items_keeps_the_good_ones_and_names_the_bad(caplog):
    with caplog.at_level(logging.WARNING, logger="tui.api.items"):
        items = parse_items(CleanRoom, [{"id": "a", "name": "A"}, {"id": "b", "questionsCount": "NaN"},
                                        {"id": "c", "name": "C"}], path="/cleanrooms", platform="liveramp")
    assert isinstance(items, Items) and isinstance(items, list) and [r.id for r in items] == ["a", "c"]
    assert summary(items.problems) == "1 item could not be read: questionsCount, 'NaN'"
    assert "item 1 could not be read" in caplog.text


async def test_a_room_with_an_unreadable_count_is_a_marked_row_not_an_error(make_app, monkeypatch):
    real = routes_cleanrooms.room_view
    first: list[str] = []

    def room_view(world, room, now):
        view = real(world, room, now)
        if not first or first[0] == room.id:
            first[:] = [room.id]
            view["questionsCount"] = "NaN"
        return view

    monkeypatch.setattr(routes_cleanrooms, "room_view", room_view)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        text = assert_sane(app)
        assert not errors(app), text
        table = app.screen.query_one("#table-0")
        marked = table.row(UNREADABLE_KEY)
        assert marked is not None and "⚠ 1" in text
        assert marked.cells[0].plain == "⚠ 1 item could not be read: questionsCount, 'NaN'"
        assert table.row_count >= 3  # the other rooms are there
        assert "1 item could not be read: questionsCount, 'NaN'" in toasts(app)


async def test_an_event_with_an_unreadable_time_is_a_marked_row(make_app, monkeypatch):
    real = emulated_events.EventLog.event

    def event(self, index):
        data = real(self, index)
        if index == len(self.times) - 2:  # the second newest
            data["event_date_time"] = "yesterday-ish"
        return data

    monkeypatch.setattr(emulated_events.EventLog, "event", event)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_event_log(pilot)
        text = assert_sane(app)
        assert not errors(app), text
        assert "could not be read: event_date_time, 'yesterda" in text, text
        assert app.screen.feed.loaded >= 2
