"""The event-log viewers on the demo world: what a new user does, checked against the emulator's truth."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from tui.core.eventlog import read_export_csv
from tui.emulator.infosum.events import EventDetail
from tui.ui.screens.events import EventsScreen, QueryInfoScreen
from tui.ui.widgets.event_table import EventTable

from .conftest import SIZE, assert_snapshot, open_key, press, screen_text, session, table, wait_for_workers

ROOM = "CR-199659"  # the demo's busiest clean room


@pytest.fixture(autouse=True)
def _no_wall_clock_tail(monkeypatch):
    # the live tail polls on a wall-clock timer; tests poll explicitly with ``poll_now``
    monkeypatch.setattr(EventsScreen, "LIVE", False)


def busiest(inf):
    return max(inf.collaborations.values(), key=lambda c: len(c.events))


async def open_events(pilot, inf) -> tuple[EventsScreen, EventTable]:
    app = pilot.app
    await wait_for_workers(pilot)
    collab = busiest(inf)
    await open_key(pilot, table(app, "#table-1"), collab.id)
    assert type(app.screen).__name__ == "CollaborationScreen"
    await press(pilot, "v")
    screen = app.screen
    assert isinstance(screen, EventsScreen)
    return screen, screen.table


def truth(collab, index: int) -> dict:
    return collab.events.event(index)


async def add_dataset(app, inf, collab) -> str:
    """Add one of the owner's datasets through the API, as the collaboration screen's ``a`` does."""
    ds = next(d for d in inf.datasets.values()
              if d.owner_id == collab.owner_id and collab.permission(d.id) is None)
    await session(app, "infosum").write(lambda c: c.add_dataset(collab.id, ds.id, "tailtest"))
    return ds.id


async def test_busiest_log_filter_to_one_company_export_and_tail(world, tmp_path):
    app, _lr, inf = world
    collab = busiest(inf)
    async with app.run_test(size=SIZE) as pilot:
        screen, t = await open_events(pilot, inf)
        feed = screen.feed
        assert feed.total == len(collab.events)
        newest = truth(collab, len(collab.events) - 1)
        assert t.selected.message == newest["message"] and newest["message"][:12] in screen_text(app)

        # a dataset event of one company: Same type (T), then Same company (c) — both server-side
        row = next(i for i in range(feed.loaded) if feed.row_at(i).type == "TYPE_DATASET_PUBLISHED")
        t.move_to(row)
        company = t.selected.company_id
        await press(pilot, "T")
        await press(pilot, "c")
        expected = f"event_type eq 'TYPE_DATASET_PUBLISHED' and company_id eq '{company}'"
        assert screen.server_filter == expected and screen.query_one("#server-filter", Input).value == expected
        matching = [i for i in range(len(collab.events))
                    if collab.events.combo_keys[collab.events.combos[i]] == ("TYPE_DATASET_PUBLISHED", company)]
        assert screen.feed.total == len(matching) > 0
        shown = list(screen.feed.rows())
        assert {(r.type, r.company_id) for r in shown} == {("TYPE_DATASET_PUBLISHED", company)}

        # export through the API (E): the file is exactly the API's CSV for this filter and order
        path = tmp_path / "published.csv"
        await press(pilot, "E")
        app.screen.query_one(Input).value = str(path)
        await press(pilot, "enter")
        direct = tmp_path / "direct.csv"
        await session(app, "infosum").call(lambda c: c.export_events(
            collab.id, direct, order_by="event_date_time DESC", filter=expected))
        assert path.read_bytes() == direct.read_bytes()
        assert "exported" in str(screen.query_one("#events-status", Static).render())
        # and the view export (e) writes the same rows
        view = tmp_path / "view.csv"
        await press(pilot, "e")
        app.screen.query_one(Input).value = str(view)
        await press(pilot, "enter")
        assert read_export_csv(view.read_bytes()) == read_export_csv(path.read_bytes())


async def test_live_tail_inserts_on_top_without_moving_the_selection(world, clock):
    app, _lr, inf = world
    collab = busiest(inf)
    async with app.run_test(size=SIZE) as pilot:
        screen, t = await open_events(pilot, inf)
        await press(pilot, "j", "j", "j")
        selected = t.selected_key
        assert t.cursor == 3
        clock.advance(60)
        dataset_id = await add_dataset(app, inf, collab)  # the emulator logs TYPE_DATASET_ADDED
        await screen.poll_now()
        await wait_for_workers(pilot)
        top = t.source.row_at(0)
        assert top.type == "TYPE_DATASET_ADDED" and top.entities[0]["id"] == dataset_id
        assert t.selected_key == selected and t.cursor == 4 and t.new_rows == 0

        # scrolled away: the view stays put and the header counts what arrived above
        t.move_to(300)
        await wait_for_workers(pilot)
        selected, scroll = t.selected_key, t.scroll_y
        clock.advance(60)
        inf.emit(collab, "TYPE_SEGMENT_CREATED", collab.owner_id, EventDetail("Northwind created segment S"))
        await screen.poll_now()
        await pilot.pause()
        assert t.selected_key == selected and t.cursor == 301 and t.scroll_y == scroll + 1
        assert t.new_rows == 1 and "▲ 1 new" in screen_text(app)
        await press(pilot, "g")
        assert t.new_rows == 0 and t.cursor == 0 and t.selected.message == "Northwind created segment S"

        # paused: polls are not scheduled; resuming says so
        await press(pilot, "p")
        assert screen.tail.paused and "PAUSED" in str(screen.query_one("#events-status", Static).render())
        await press(pilot, "p")
        assert not screen.tail.paused

        # oldest first: new events land at the bottom; at the bottom the view follows them
        await press(pilot, "o")
        await press(pilot, "G")
        await wait_for_workers(pilot)
        last = t.selected_key
        clock.advance(60)
        inf.emit(collab, "TYPE_SEGMENT_DELETED", collab.owner_id, EventDetail("Northwind deleted segment S"))
        await screen.poll_now()
        await pilot.pause()
        assert t.selected_key == last and t.source.row_at(t.row_count - 1).message == "Northwind deleted segment S"
        assert t.scroll_y == t.max_scroll_y and t.new_rows == 0


async def test_invalid_filter_shows_the_api_message_next_to_the_box(world):
    app, _lr, inf = world
    async with app.run_test(size=SIZE) as pilot:
        screen, t = await open_events(pilot, inf)
        total = screen.feed.total
        await press(pilot, "f")
        screen.query_one("#server-filter", Input).value = "event_type eq"
        await press(pilot, "enter")
        error = str(screen.query_one("#filter-error", Static).render())
        assert "HTTP 400" in error
        assert "HTTP 400" in screen_text(app)
        # the log shown before stays, and the box keeps the text to fix
        assert screen.feed.total == total and t.row_count == total and screen.server_filter == ""
        assert screen.query_one("#server-filter", Input).value == "event_type eq"
        # fixing it clears the message
        screen.apply_filter("")
        await wait_for_workers(pilot)
        assert "HTTP 400" not in str(screen.query_one("#filter-error", Static).render())
        assert screen.feed.total == total


async def test_hostile_messages_and_unknown_types_render_as_plain_text(make_app, clock):
    hostile = ["[bold red]not markup[/] [link=http://x]y[/link]", "\x1b[31mred\x1b]52;c;aGk=\x07 esc",
               "x" * 5000, "emoji 🎉🚀 done", "RTL \u202eعربي עברית\u202c end"]

    def prepare(emu):
        inf = emu.state.infosum
        collab = busiest(inf)
        for n, message in enumerate(hostile):
            clock.advance(1)
            inf.emit(collab, "TYPE_NOT_IN_ANY_SPEC" if n == 0 else "TYPE_AUDIENCE_CREATED", collab.owner_id,
                     EventDetail(message, {"[k]": "\x1b[2Jv"}))

    app = make_app(prepare=prepare)
    inf = app.sessions[0].demo.app().state.infosum
    async with app.run_test(size=SIZE) as pilot:
        screen, t = await open_events(pilot, inf)
        text = screen_text(app)
        assert "NOT_IN_ANY_SPEC" in text  # an unknown type is shown as sent (minus the TYPE_ prefix)
        assert "[bold red]not markup[/]" in text
        assert "␛[31mred" in text and "\x1b" not in text
        assert "🎉" in text and "\u202e" not in text
        assert all(len(line) <= SIZE[0] for line in text.splitlines())
        await press(pilot, "k")  # the detail pane shows metadata keys and values inert too
        t.move_to(4)
        await pilot.pause()
        assert "[k]" in screen_text(app) and "␛[2Jv" in screen_text(app)
        t.move_to(0)
        await pilot.pause()
        assert_snapshot(app, "events-hostile")


async def test_search_narrows_and_order_and_jump(world):
    app, _lr, inf = world
    collab = busiest(inf)
    async with app.run_test(size=SIZE) as pilot:
        screen, t = await open_events(pilot, inf)
        await press(pilot, "slash")
        for ch in "contoso":
            await pilot.press(ch)
        await wait_for_workers(pilot)
        feed = screen.feed
        assert 0 < feed.display_count < feed.loaded
        assert all("contoso" in r.haystack for r in feed.rows())
        assert "match" in str(screen.query_one("#events-status", Static).render())
        await press(pilot, "escape")
        await press(pilot, "o")  # oldest first
        assert not screen.feed.descending
        assert t.selected.message == truth(collab, 0)["message"]
        # jump to the time of event #700 (display time is UTC in tests)
        when = truth(collab, 700)["event_date_time"].replace("T", " ").removesuffix("Z")
        await press(pilot, "t")
        app.screen.query_one(Input).value = when
        await press(pilot, "enter")
        assert t.selected.time == truth(collab, 700)["event_date_time"]
        assert t.cursor <= 700


async def test_entities_open_a_query_and_a_dataset(world):
    app, _lr, inf = world
    async with app.run_test(size=SIZE) as pilot:
        screen, t = await open_events(pilot, inf)
        # a query is named in the metadata: it is offered as an entity and opens the query's status
        screen.apply_filter("event_type eq 'TYPE_INSIGHT_QUERY_SUCCESSFUL'")
        await wait_for_workers(pilot)
        event = t.selected
        query_id = event.metadata["query_id"]
        await press(pilot, "enter")
        entities = table(app, "#entities-pane")
        assert entities.select_key(f"{len(event.entities)}:{query_id}")
        await press(pilot, "enter")
        assert isinstance(app.screen, QueryInfoScreen)
        text = screen_text(app)
        assert query_id in text and event.metadata["query"][:30] in text
        assert "HTTP 404" in text or "Status" in text  # the API's answer either way, as a view
        await press(pilot, "escape")
        assert app.screen is screen
        screen.apply_filter("event_type eq 'TYPE_DATASET_ADDED'")
        await wait_for_workers(pilot)
        event = t.selected
        dataset_id = event.entities[0]["id"]
        await press(pilot, "enter")  # to the entities
        await press(pilot, "enter")  # open the dataset
        await wait_for_workers(pilot)
        assert type(app.screen).__name__ == "CollaborationScreen"
        assert app.screen._stats_dataset == dataset_id and app.screen._active_tab() == "stats"


async def test_room_timeline_merges_runs_flow_runs_and_audits(world):
    app, lr, _inf = world
    room = lr.find_room(ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await open_key(pilot, table(app, "#table-0"), room.id)
        await press(pilot, "v")
        screen = app.screen
        assert type(screen).__name__ == "TimelineScreen"
        entries = list(screen.feed.rows())
        assert {e.source for e in entries} == {"run", "flow run", "audit"}
        assert [e.ts for e in entries] == sorted((e.ts for e in entries), reverse=True)
        runs = [r for r in lr.runs.values() if lr.questions[r.question_id].room_id == room.id]
        assert sum(1 for e in entries if e.source == "run" and e.status == "SUBMITTED") == len(runs)
        # Enter on a run line opens the run; v there shows its question's history and its audit
        t = screen.table
        t.move_to(next(i for i, e in enumerate(entries) if e.source == "run"))
        await press(pilot, "enter")
        assert type(app.screen).__name__ == "RunScreen"
        await press(pilot, "v")
        run_screen = app.screen
        assert type(run_screen).__name__ == "TimelineScreen"
        sources = {e.source for e in run_screen.feed.rows()}
        assert sources == {"run", "audit"}


async def test_going_back_to_the_log_keeps_its_filter_and_order(world):
    app, _lr, inf = world
    async with app.run_test(size=SIZE) as pilot:
        screen, _t = await open_events(pilot, inf)
        expected = "event_type eq 'TYPE_DATASET_ADDED'"
        screen.apply_filter(expected)
        await wait_for_workers(pilot)
        await press(pilot, "o")  # oldest first
        await press(pilot, "escape")
        assert type(app.screen).__name__ == "CollaborationScreen"
        await press(pilot, "v")
        again = app.screen
        assert isinstance(again, EventsScreen) and again is not screen
        assert again.server_filter == expected and again.descending is False
        assert again.query_one("#server-filter", Input).value == expected
        assert {r.type for r in again.feed.rows()} == {"TYPE_DATASET_ADDED"}


async def test_a_dataset_added_from_another_screen_arrives_in_the_log_you_left(world):
    """The new-user walk: tail the busiest log, jump to its collaboration, add a dataset there
    (the real form and confirmation), come back: the event is on top of the log, which kept its
    place in the stack and polled meanwhile."""
    from .test_palette_help import _jump

    app, _lr, inf = world
    collab = busiest(inf)
    async with app.run_test(size=SIZE) as pilot:
        screen, t = await open_events(pilot, inf)
        screen.apply_filter("event_type co 'DATASET'")
        await wait_for_workers(pilot)
        before = screen.feed.total
        await _jump(pilot, collab.name)
        await wait_for_workers(pilot)
        assert type(app.screen).__name__ == "CollaborationScreen"
        await press(pilot, "a")
        await press(pilot, "enter")  # the first of our datasets
        await press(pilot, "enter")  # its suggested name
        await press(pilot, "tab", "enter")  # the confirmation's "Add dataset" button
        await wait_for_workers(pilot)
        await press(pilot, "escape")
        assert app.screen is screen
        await screen.poll_now()  # what the live timer does while the log is under other screens
        await pilot.pause()
        assert screen.feed.total == before + 1
        top = screen.feed.row_at(0)
        assert top.type == "TYPE_DATASET_ADDED" and top.company_id == collab.owner_id
        assert top.message[:20] in screen_text(app)


async def test_a_stored_first_screen_that_is_not_the_log_any_more_is_replaced_on_screen(world):
    """The store painted a first screen from another world (the demo is rebuilt every start; a real
    log can lose old events to retention): the fresh answer replaces it, it is not kept as current."""
    from tui.core.eventlog import EventFeed

    app, _lr, inf = world
    collab = busiest(inf)
    newest = truth(collab, len(collab.events) - 1)
    stale = {**newest, "message": "STALE painted event", "event_date_time": "2026-01-01T00:00:00Z"}
    repo = session(app, "infosum").repo
    head = EventFeed(None, cid=collab.id).head_key()  # no filter, newest first
    repo.put_raw("event-head", head, {"total": len(collab.events), "events": [stale]})
    async with app.run_test(size=SIZE) as pilot:
        screen, t = await open_events(pilot, inf)
        await wait_for_workers(pilot)
        assert screen.feed.total == len(collab.events)
        assert t.selected.message == newest["message"]
        text = screen_text(app)
        assert "STALE painted event" not in text and newest["message"][:12] in text


async def test_a_rejected_filter_keeps_the_focus_and_the_text_in_the_box(world, tmp_path, monkeypatch):
    """Issue 18.1: retyping a corrected filter after a 400 goes into the box, never to the log's keys
    (its ``e`` opened Export and overwrote a file)."""
    monkeypatch.chdir(tmp_path)
    app, _lr, inf = world
    async with app.run_test(size=SIZE) as pilot:
        screen, t = await open_events(pilot, inf)
        box = screen.query_one("#server-filter", Input)
        await press(pilot, "f", *"event_type eq", "enter")
        assert "HTTP 400" in str(screen.query_one("#filter-error", Static).render())
        assert screen.focused is box and box.value == "event_type eq"
        await press(pilot, "space", *"'TYPE_DATASET_ADDED'")  # the fix is typed, not read as keys
        assert app.screen is screen and box.value == "event_type eq 'TYPE_DATASET_ADDED'"
        assert not list(tmp_path.iterdir())
        await press(pilot, "enter")
        assert screen.server_filter == box.value and screen.focused is t  # accepted: back to the log
        assert 0 < screen.feed.total < len(busiest(inf).events)


async def test_a_type_typed_as_shown_filters_and_an_empty_result_says_what_was_sent(world):
    """Issue 18.3: the table shows DATASET_ADDED; typing that (or the wire TYPE_… value) filters the same."""
    app, _lr, inf = world
    collab = busiest(inf)
    added = sum(1 for i in range(len(collab.events)) if truth(collab, i)["type"] == "TYPE_DATASET_ADDED")
    async with app.run_test(size=SIZE) as pilot:
        screen, _t = await open_events(pilot, inf)
        assert added and "DATASET_ADDED" in screen_text(app)
        box = screen.query_one("#server-filter", Input)
        for typed in ("event_type eq 'DATASET_ADDED'", "dataset_added", "event_type eq 'TYPE_DATASET_ADDED'"):
            box.value = ""
            await press(pilot, "f", *typed, "enter")
            assert screen.feed.total == added, typed
            assert box.value == "event_type eq 'TYPE_DATASET_ADDED'"  # the box shows what was sent
        box.value = ""
        await press(pilot, "f", *"company_id eq 'CMP.nobody'", "enter")
        assert screen.feed.total == 0
        error = str(screen.query_one("#filter-error", Static).render())
        assert "No events match" in error and "filter=company_id eq 'CMP.nobody'" in error


async def test_an_invalid_time_keeps_the_prompt_open_with_the_reason(world):
    """Issue 18.1: ``t`` with a time that is not one says why under the field and keeps the text."""
    from tui.ui.screens.prompt import PromptScreen

    app, _lr, inf = world
    async with app.run_test(size=SIZE) as pilot:
        screen, _t = await open_events(pilot, inf)
        await press(pilot, "t")
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        field = prompt.query_one(Input)
        field.value = ""
        await press(pilot, *"2026-13-45", "enter")
        assert app.screen is prompt and prompt.focused is field and field.value == "2026-13-45"
        assert "Not a time: 2026-13-45" in screen_text(app)
        await press(pilot, "escape")
        assert app.screen is screen
