"""Two InfoSum insight queries of one collaboration, marked on the Runs board and compared (issue 20.1)."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import SelectionList, TextArea

from tests.helpers import press, wait_for_workers
from tui.store import Store

from .conftest import SIZE
from .new_screens import open_insight_query, query_collab, toasts


async def _run_query(pilot, clock, text: str | None = None) -> None:
    app = pilot.app
    await open_insight_query(pilot)
    picker = app.screen.query_one("#query-datasets", SelectionList)
    picker.select(picker.get_option_at_index(0).value)
    picker.select(picker.get_option_at_index(1).value)
    await pilot.pause()
    if text is not None:
        app.screen.query_one(TextArea).text = text
    await press(pilot, "ctrl+s", "tab", "enter")
    hub = app.watching
    end = clock.now() + timedelta(hours=1)
    while hub.watcher.items():
        wake = hub.watcher.next_wake()
        assert wake is not None and wake <= end, toasts(app)
        clock.set(max(wake, clock.now()))
        await hub.tick()
        await pilot.pause()
    await wait_for_workers(pilot)


async def test_two_marked_insight_queries_are_compared(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        collab = query_collab(app)
        for permission, name in zip(collab.datasets, ("first_set", "second_set"), strict=False):
            permission.collaboration_dataset_name = name
        await _run_query(pilot, clock)
        clock.advance(minutes=5)
        await _run_query(pilot, clock)
        await press(pilot, "b")
        board = app.screen
        rows = [r for r in board.table.visible_rows() if r.payload is not None
                and r.payload.snapshot.kind == "insight_query"]
        assert len(rows) >= 2, toasts(app)
        for row in rows[:2]:
            assert board.table.select_key(row.key)
            await press(pilot, "space")
        await press(pilot, "c")
        assert type(app.screen).__name__ == "CompareScreen", toasts(app)
        await wait_for_workers(pilot)
        cmp = app.screen.comparison
        assert cmp is not None and cmp.kind == "query" and cmp.complete, toasts(app)
        assert cmp.a.id != cmp.b.id and [m.name for m in cmp.measures][:1] == ["count"]
        assert sorted([cmp.a.id, cmp.b.id]) == sorted(r.payload.snapshot.object_id for r in rows[:2])
