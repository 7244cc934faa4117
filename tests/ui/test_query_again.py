""""Run again" for InfoSum insight queries: ``R`` on the query screen and on the Runs board re-opens the
compose form pre-filled with the same text, collaboration, datasets and sample setting; the same
review/confirmation and "again?" guard apply before anything is sent.
"""

from __future__ import annotations

from textual.widgets import Checkbox, SelectionList, TextArea

from tui.store import Store
from tui.ui.jump_index import Target
from tui.ui.screens.board import RunsBoardScreen
from tui.ui.screens.collaboration import CollaborationScreen
from tui.ui.screens.launch_confirm import LaunchConfirmScreen
from tui.ui.screens.query import QueryScreen
from tui.ui.screens.query_again import NOT_KNOWN

from .conftest import SIZE, press, wait_for_workers


def _collaboration(app):
    inf = app.sessions[1].demo.app().state.infosum
    collab = next(c for c in inf.collaborations.values() if c.status == "STATUS_ACTIVE" and len(c.datasets) >= 2)
    return inf, collab


async def _launch_a_query(pilot, app, collab, inf) -> tuple[QueryScreen, str, str]:
    """Compose (two datasets ticked, on a sample), review, confirm: the query id and its text."""
    app.open(app.sessions[1], Target("collaboration", collab.id, collab.name, "demo-infosum"))
    await wait_for_workers(pilot)
    assert isinstance(app.screen, CollaborationScreen)
    await press(pilot, "i")
    screen = app.screen
    assert isinstance(screen, QueryScreen)
    await wait_for_workers(pilot)
    picker = screen.query_one("#query-datasets", SelectionList)
    ticked = [picker.get_option_at_index(i).value for i in (0, 1)]
    for value in ticked:
        picker.select(value)
    screen.query_one("#query-sample", Checkbox).value = True
    await pilot.pause()
    text = screen.query_one("#query-text", TextArea).text
    await press(pilot, "ctrl+s")
    assert isinstance(app.screen, LaunchConfirmScreen)
    before = set(inf.queries)
    await press(pilot, "tab", "enter")
    [qid] = set(inf.queries) - before
    assert app.screen is screen and screen.query_id == qid
    return screen, qid, text


def _assert_prefilled(screen, collab, text: str) -> None:
    assert isinstance(screen, QueryScreen) and screen.query_id is None  # a compose form, nothing sent
    assert screen.collaboration is not None and screen.collaboration.id == collab.id
    assert screen.query_one("#query-text", TextArea).text == text
    assert screen.query_one("#query-sample", Checkbox).value is True
    picker = screen.query_one("#query-datasets", SelectionList)
    assert sorted(picker.selected) == sorted(w for w in text.split() if w in {
        picker.get_option_at_index(i).value for i in range(picker.option_count)})
    assert len(picker.selected) == 2


async def test_run_again_on_the_query_screen_reopens_the_form_and_asks_again(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    inf, collab = _collaboration(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        first, qid, text = await _launch_a_query(pilot, app, collab, inf)
        await press(pilot, "R")
        again = app.screen
        assert again is not first
        _assert_prefilled(again, collab, text)
        # the same review, with the "again?" guard naming the earlier launch of the same text
        await press(pilot, "ctrl+s")
        confirm = app.screen
        assert isinstance(confirm, LaunchConfirmScreen)
        assert "POST /api/v1/queries" in confirm.body.plain and text in confirm.body.plain
        assert confirm.view.duplicates and confirm.view.duplicates[0].object_id == qid
        before = set(inf.queries)
        await press(pilot, "escape")  # cancelled: nothing is sent
        assert set(inf.queries) == before and app.screen is again
        await press(pilot, "ctrl+s", "tab", "enter")
        [second] = set(inf.queries) - before
        assert second != qid and again.query_id == second
        sent = inf.queries[second]  # the platform got the same query: text, collaboration, sample
        assert (sent.text.strip(), sent.collaboration_id, sent.sample) == (text.strip(), collab.id, True)


async def test_run_again_from_the_runs_board_uses_the_launch_journal(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    inf, collab = _collaboration(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        _first, qid, text = await _launch_a_query(pilot, app, collab, inf)
        clock.advance(minutes=20)  # past the "again?" window: no duplicate question this time
        app.push_screen(RunsBoardScreen(app.sessions))
        await wait_for_workers(pilot)
        board = app.screen
        assert isinstance(board, RunsBoardScreen)
        assert board.table.select_key(f"demo-infosum|insight_query|{qid}")
        await pilot.pause()
        await press(pilot, "R")
        _assert_prefilled(app.screen, collab, text)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LaunchConfirmScreen) and not app.screen.view.duplicates


async def test_run_again_for_a_query_launched_elsewhere_says_why_not(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    _inf, collab = _collaboration(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        target = Target("insight_query", "QRY.not-from-here", "someone else's", "demo-infosum",
                        path=(Target("collaboration", collab.id, collab.name, "demo-infosum"),))
        app.push_screen(QueryScreen(app.sessions[1], target))
        await wait_for_workers(pilot)
        screen = app.screen
        await press(pilot, "R")
        assert app.screen is screen
        assert any(n.message == NOT_KNOWN for n in app._notifications)


async def test_run_again_is_refused_in_read_only_mode(make_app, clock):
    app = make_app(readonly=True, store=Store.in_memory(now=clock.now))
    _inf, collab = _collaboration(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        target = Target("insight_query", "QRY.x", "q", "demo-infosum",
                        path=(Target("collaboration", collab.id, collab.name, "demo-infosum"),))
        app.push_screen(QueryScreen(app.sessions[1], target))
        await wait_for_workers(pilot)
        screen = app.screen
        await press(pilot, "R")
        assert app.screen is screen and not any(isinstance(s, QueryScreen) and s.prefill for s in app.screen_stack)


async def test_ticking_datasets_with_the_keyboard_writes_the_starting_query(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    _inf, collab = _collaboration(app)
    async with app.run_test(size=SIZE) as pilot:
        app.open(app.sessions[1], Target("collaboration", collab.id, collab.name, "demo-infosum"))
        await wait_for_workers(pilot)
        await press(pilot, "i")
        screen = app.screen
        await wait_for_workers(pilot)
        picker = screen.query_one("#query-datasets", SelectionList)
        assert screen.focused is picker
        first, second = (picker.get_option_at_index(i).value for i in (0, 1))
        await press(pilot, "space", "down", "space")  # the first space ticks the first dataset
        assert sorted(picker.selected) == sorted([first, second])
        text = screen.query_one("#query-text", TextArea).text
        assert text == f"SELECT COUNT() FROM {first} INTERSECT {second}"
