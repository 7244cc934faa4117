"""Drill (issue 16, item 9): an event log whose server answers middle pages short and claims more
events than its pages hold. Before the fix the event log asked for the short page again after every
answer (~17 times a second, forever: each answer repainted the table, which asked for the rows still
missing). Now a page that answered is loaded whatever its size, and a re-read waits a growing pause;
an absurd total is not shown.

The pages come from the real emulator through the real client; only the answers are cut.
"""

from __future__ import annotations

import functools

import pytest

from tests.ui.conftest import press, screen_text, wait_for_workers
from tui.core import eventlog
from tui.ui.screens import events as events_screen
from tui.ui.screens.events import EventsScreen

from .new_screens import assert_sane, busiest_collab, open_event_log

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def _no_wall_clock_tail(monkeypatch):
    monkeypatch.setattr(EventsScreen, "LIVE", False)


def _short_pages(monkeypatch, *, claimed) -> list[tuple[int, str]]:
    """Every ascending page but the first and last comes back a third long; the total is ``claimed``
    (a function of the true total). Returns the (page, order) of every request made."""
    calls: list[tuple[int, str]] = []

    def session_fetch(session, cid):
        real = eventlog.session_fetch(session, cid)

        async def fetch(page, per_page, order_by, filter):
            calls.append((page, order_by))
            items, total = await real(page, per_page, order_by, filter)
            if not order_by.endswith("DESC") and page > 1 and len(items) == per_page:
                items = items[: per_page // 3]
            return items, claimed(total)

        return fetch

    monkeypatch.setattr(events_screen, "session_fetch", session_fetch)
    # the demo log is small: ten-event pages make it many pages
    monkeypatch.setattr(events_screen, "EventFeed", functools.partial(eventlog.EventFeed, per_page=10))
    return calls


@pytest.mark.parametrize("claimed", [pytest.param(lambda t: t, id="short-middle-pages"),
                                     pytest.param(lambda t: t + 5_000, id="total-larger-than-pages"),
                                     pytest.param(lambda t: -46_110_231, id="negative-total")])
async def test_short_middle_pages_are_read_a_bounded_number_of_times(make_app, clock, monkeypatch, claimed):
    calls = _short_pages(monkeypatch, claimed=claimed)
    app = make_app()
    collab = busiest_collab(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_event_log(pilot)
        screen = app.screen
        await press(pilot, "o")  # oldest first: the ascending pages are read as they come into view
        await wait_for_workers(pilot)
        for _ in range(6):  # scroll through: every page but the first is short
            await press(pilot, "pagedown")
            for _ in range(20):  # ~20 frames each: time enough for a storm to show
                await pilot.pause()
            await wait_for_workers(pilot)
        ascending = [page for page, order in calls if not order.endswith("DESC")]
        per_page_reads = max(ascending.count(p) for p in set(ascending)) if ascending else 0
        assert per_page_reads == 1, f"a page was read {per_page_reads} times: {ascending[:40]}"
        assert len(calls) <= 40, len(calls)
        # for a minute the table asks for the rows on screen every second: the gaps are read again,
        # each page after a doubling pause
        before = len(calls)
        for _ in range(60):
            clock.advance(1)
            screen.table._ask_rows()
            await wait_for_workers(pilot)
        again = [page for page, order in calls[before:]]
        most = max(again.count(p) for p in set(again)) if again else 0
        assert most <= 6, f"re-read {most} times in a minute: {again[:40]}"  # 2 s, 4 s, 8 s, 16 s, 32 s
        gaps = screen.feed.loaded < screen.feed.total
        assert most >= 1 or not gaps, "the gaps are asked for again, after a pause"
        text = assert_sane(app)
        assert "-46,110,231" not in text and "-46110231" not in text
        assert screen.feed.total >= 0
        assert len(collab.events) > 30
        assert "events" in screen_text(app)
        await wait_for_workers(pilot)
