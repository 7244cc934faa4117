"""Issue 18, items 7–13: what a new operator tripped over — each test failed before its fix."""

from __future__ import annotations

import copy

import pytest
from textual.widgets import Static

from tui.store import Store
from tui.ui.screens.events import EventsScreen
from tui.ui.screens.flow_run import FlowRunScreen

from .conftest import open_key, press, screen_text, table, wait_for_workers
from .test_board import launch, one_completed_one_failed, step
from .test_events import busiest, open_events

SMALL = (80, 24)


@pytest.fixture(autouse=True)
def _no_wall_clock_tail(monkeypatch):
    monkeypatch.setattr(EventsScreen, "LIVE", False)


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)
    await wait_for_workers(pilot)


# ---------------------------------------------------------------------------- item 8
async def test_a_kept_filter_shows_in_the_title_and_esc_clears_it_before_leaving(world):
    app, lr, _inf = world
    room = next(r for r in lr.cleanrooms.values() if r.display_id == "CR-199659")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_workers(pilot)
        await open_key(pilot, table(app, "#table-0"), room.id)
        app.screen.show_tab("questions")
        await wait_for_workers(pilot)
        t = table(app, "#questions-pane")
        t.focus()
        total = t.loaded_count
        await press(pilot, "slash")
        await type_text(pilot, "attrib")
        await press(pilot, "enter")  # keep the filter
        shown = t.row_count
        assert 0 < shown < total
        title = app.screen.query_one("#questions-pane .pane-title", Static).render().plain
        assert title == f"Questions · {shown} of {total} · filter: attrib", title
        screen = app.screen
        await press(pilot, "escape")  # clears the filter, stays here
        assert app.screen is screen and t.row_count == total and not t.filter_text
        assert app.screen.query_one("#questions-pane .pane-title", Static).render().plain == f"Questions · {total}"
        await press(pilot, "escape")  # now goes back
        assert app.screen is not screen


async def test_home_titles_show_a_kept_filter(world):
    app, _lr, _inf = world
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_workers(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "retail")
        await press(pilot, "enter")
        title = app.screen.query_one("#title-0", Static).render().plain
        t = table(app, "#table-0")
        assert title.endswith(f"· {t.row_count} of {t.loaded_count} · filter: retail"), title


async def test_the_event_logs_order_keeps_the_search(world):
    app, _lr, inf = world
    async with app.run_test(size=(120, 40)) as pilot:
        screen, t = await open_events(pilot, inf)
        await press(pilot, "slash")
        await type_text(pilot, "contoso")
        await press(pilot, "enter")
        await press(pilot, "o")
        await wait_for_workers(pilot)
        assert not screen.feed.descending and screen.feed.search == "contoso"
        assert all("contoso" in r.haystack for r in screen.feed.rows())
        assert "search:" in screen.query_one("#events-status", Static).render().plain
        await press(pilot, "escape")  # clears the search first
        assert app.screen is screen and not screen.feed.search


# ---------------------------------------------------------------------------- item 9
async def test_the_board_cursor_starts_on_the_first_run(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    world = app.sessions[0].demo.app().state.liveramp
    copied: list[str] = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_workers(pilot)
        _ok, bad = await one_completed_one_failed(pilot, app, clock, world)
        await press(pilot, "b")
        assert app.screen.table.selected_key == f"demo-liveramp|question_run|{bad.object_id}"
        await press(pilot, "y")
        assert copied == [bad.object_id]


# ---------------------------------------------------------------------------- item 10
async def test_80x24_board_keeps_the_failure_reason_and_cut_values_end_in_an_ellipsis(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    world = app.sessions[0].demo.app().state.liveramp
    async with app.run_test(size=SMALL) as pilot:
        await wait_for_workers(pilot)
        lines = screen_text(app).splitlines()
        cut = next(line for line in lines if "Confidential Com" in line)
        assert "Confidential Compu…" in cut, cut  # a value cut by a narrow column says so
        await one_completed_one_failed(pilot, app, clock, world)
        await press(pilot, "b")
        lines = screen_text(app).splitlines()
        row = next(line for line in lines if "FAILED" in line and "failed" in line)
        assert "Crowd size threshold" in row and row.rstrip().endswith("…"), row


# ---------------------------------------------------------------------------- item 12
async def test_a_refresh_that_reorders_keeps_a_chosen_row_and_the_top_row_default(world, clock):
    app, lr, _inf = world
    flow = next(f for f in lr.flows.values()
                if any(r.flow_id == f.id and r.pause_level for r in lr.flow_runs.values()))
    room = lr.cleanrooms[flow.room_id]
    paused = next(r for r in lr.flow_runs.values() if r.flow_id == flow.id and r.pause_level)

    async def open_runs():
        await open_key(pilot, table(app, "#flows-pane"), flow.id)
        await press(pilot, "right_square_bracket")
        return table(app, "#flow-runs-pane")

    def new_run(run_id: str):
        clock.advance(60)
        run = copy.copy(paused)
        run.id, run.name, run.pause_level, run.submitted_at = run_id, run_id, None, clock.now()
        lr.flow_runs[run.id] = run

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_workers(pilot)
        await open_key(pilot, table(app, "#table-0"), room.id)
        app.screen.show_tab("flows")
        await wait_for_workers(pilot)
        t = await open_runs()
        assert t.selected_key == paused.id  # the top row (cached next time)
        await press(pilot, "escape")
        new_run("new-run")
        t = await open_runs()  # cached rows first, then the fresh list with a new run on top
        assert [r.key for r in t.visible_rows()][:2] == ["new-run", paused.id]
        t.focus()
        await press(pilot, "enter")
        assert isinstance(app.screen, FlowRunScreen) and app.screen.target.id == "new-run"
        await press(pilot, "escape")
        # a row the user moved to stays theirs, wherever the refresh puts it
        t = table(app, "#flow-runs-pane")
        t.focus()
        await press(pilot, "j")
        assert t.selected_key == paused.id
        new_run("newer-run")
        await press(pilot, "r")
        assert [r.key for r in t.visible_rows()][:3] == ["newer-run", "new-run", paused.id]
        assert t.selected_key == paused.id


async def test_80x24_breadcrumbs_keep_the_current_screen_and_the_footer_whole_labels(world):
    app, lr, inf = world
    collab = busiest(inf)
    room = next(r for r in lr.cleanrooms.values() if r.display_id == "CR-199659")
    async with app.run_test(size=SMALL) as pilot:
        await wait_for_workers(pilot)
        await open_key(pilot, table(app, "#table-1"), collab.id)
        footer = screen_text(app).splitlines()[-1].rstrip()
        labels = [b.binding.description for b in app.screen.active_bindings.values() if b.binding.show]
        assert any(footer.endswith(" " + label) for label in labels), footer  # no "v Event lo"
        assert "Event lo" not in footer or "Event log" in footer
        crumbs = screen_text(app).splitlines()[1]
        assert crumbs.rstrip().endswith(collab.name[:20]) or collab.name[:20] in crumbs, crumbs
        await press(pilot, "escape")
        await open_key(pilot, table(app, "#table-0"), room.id)
        app.screen.show_tab("questions")
        await wait_for_workers(pilot)
        q = table(app, "#questions-pane").visible_rows()[0]
        await open_key(pilot, table(app, "#questions-pane"), q.key)
        crumbs = screen_text(app).splitlines()[1].strip()
        assert crumbs.startswith("Home › CR-199659 › ") and q.copy_id in crumbs, crumbs
        assert len(crumbs) <= 78


# ---------------------------------------------------------------------------- item 11
def toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_keys_that_do_nothing_say_why(world):
    app, lr, inf = world
    me = app.sessions[1].org_id or next(iter(inf.collaborations.values())).owner_id
    owned = next(c for c in inf.collaborations.values() if c.owner_id == me and c.status == "STATUS_ACTIVE")
    room = next(r for r in lr.cleanrooms.values() if r.display_id == "CR-199659")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_workers(pilot)
        # L on a collaboration you own: hidden (never applies), and pressed it says why
        await open_key(pilot, table(app, "#table-1"), owned.id)
        actions = [b.binding.action for b in app.screen.active_bindings.values()]
        assert "leave_collaboration" not in actions and "close_collaboration" in actions
        await press(pilot, "L")
        assert any("You own this collaboration" in m for m in toasts(app)), toasts(app)
        await press(pilot, "escape")
        # o with the Partners table focused
        await open_key(pilot, table(app, "#table-0"), room.id)
        app.screen.show_tab("partners")
        await wait_for_workers(pilot)
        table(app, "#partners-pane").focus()
        await press(pilot, "o")
        assert any("select the user in 'Users and roles'" in m for m in toasts(app)), toasts(app)
        # u on a flow run that is not paused
        app.screen.show_tab("flows")
        await wait_for_workers(pilot)
        flow = next(f for f in lr.flows.values() if f.room_id == room.id
                    and any(r.flow_id == f.id and not r.pause_level for r in lr.flow_runs.values()))
        await open_key(pilot, table(app, "#flows-pane"), flow.id)
        await press(pilot, "right_square_bracket")
        runs = table(app, "#flow-runs-pane")
        done = next(r for r in runs.visible_rows() if r.cells[1].plain == "COMPLETED")
        await open_key(pilot, runs, done.key)
        assert isinstance(app.screen, FlowRunScreen)
        await press(pilot, "u")
        assert any("COMPLETED: only a PAUSED flow run can be resumed" in m for m in toasts(app)), toasts(app)


# ---------------------------------------------------------------------------- item 13
async def test_after_a_restart_a_flow_runs_board_row_names_its_flow(make_app, clock):
    from tui.ui.app import CleanroomApp
    from tui.ui.jump_index import Target

    store = Store.in_memory(now=clock.now)
    app = make_app(store=store)
    lr = app.sessions[0].demo.app().state.liveramp
    run = next(r for r in lr.flow_runs.values() if r.pause_level)
    flow = lr.flows[run.flow_id]
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_workers(pilot)
        # as the flow screen does when a run is launched or watched from it
        app.jumps.add(Target("flow", flow.id, flow.name, "demo-liveramp", flow.display_id))
        app.watching.watcher.watch_flow_run("demo-liveramp", flow.room_id, flow.id, run.id, name=run.name,
                                            launched=False)
        await press(pilot, "b")
        row = app.screen.table.row(f"demo-liveramp|flow_run|{run.id}")
        assert row.cells[4].plain.startswith(flow.display_id)
    again = CleanroomApp(app.sessions)
    again.animation_level = "none"
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_for_workers(pilot)
        await press(pilot, "b")
        row = again.screen.table.row(f"demo-liveramp|flow_run|{run.id}")
        assert row.cells[4].plain.startswith(flow.display_id), row.cells[4].plain


async def test_dataset_stats_count_attribute_columns_as_the_summary_does(world):
    import re

    app, _lr, inf = world
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_workers(pilot)
        collabs = table(app, "#table-1")
        target = next(r for r in collabs.visible_rows() if r.cells[3].plain == "STATUS_ACTIVE"
                      and r.cells[1].plain == "Northwind Retail")
        await open_key(pilot, collabs, target.key)
        for _ in range(3):  # to the stats tab, as a user goes
            await press(pilot, "right_square_bracket")
        await wait_for_workers(pilot)
        text = screen_text(app)
        summary = int(re.search(r"Attribute columns\s+(\d+)\s", text).group(1))
        title = app.screen.query_one("#attribute-stats-pane .pane-title", Static).render().plain
        assert title.startswith(f"Attribute columns · {summary}"), (summary, title)
        rows = table(app, "#attribute-stats-pane").row_count
        assert rows == summary or f"· {rows} representations" in title


async def test_the_launch_form_says_whole_number_once_and_names_runs_after_real_dates(make_app, clock):
    from tui.ui.widgets.param_fields import field_hint as _hint

    from .test_launch_ui import field_input, open_form

    app = make_app(store=Store.in_memory(now=clock.now))
    lr = app.sessions[0].demo.app().state.liveramp
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot, app, lr)
        window = next(f for f in screen.form.fields if f.name == "conversion_window")
        hint = field_input(screen, "conversion_window").parent.query_one(".field-hint").render().plain
        assert hint.count("whole number") == 1, hint
        assert _hint(window).plain.count("whole number") == 1
        start = field_input(screen, "conversions.date_start")
        end = field_input(screen, "conversions.date_end")
        start.value, end.value = "2026-10-01", "2026-10-31"
        await wait_for_workers(pilot)
        assert "2026-10-01–2026-10-31" in screen.form.name
        start.value = "2026-13-45"  # not a day: the name must not carry it
        await wait_for_workers(pilot)
        assert "2026-13-45" not in screen.form.name, screen.form.name


async def test_help_lists_the_screens_own_keys_first_and_says_esc_closes_it(make_app, clock):
    from tui.ui.screens.help import HelpScreen

    app = make_app(store=Store.in_memory(now=clock.now))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_workers(pilot)
        await press(pilot, "b")
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "esc closes this help" in text
        assert text.index("On this screen (Runs board)") < text.index("Dismiss") < text.index("Everywhere")
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_the_theme_is_kept_across_starts(make_app):
    from tui.ui.app import CleanroomApp

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_workers(pilot)
        assert app.theme != "nord"
        app.theme = "nord"  # what ":" → Theme does
        await pilot.pause()
    again = CleanroomApp(app.sessions)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_result_exports_hold_the_columns_on_screen(world):
    from tui.ui.jump_index import Target
    from tui.ui.screens.run import RunScreen

    app, lr, _inf = world
    run = next(r for r in lr.runs.values() if r.plan.final == "COMPLETED" and r.parameters)
    q = lr.questions[run.question_id]
    room = lr.cleanrooms[q.room_id]
    room_t = Target("room", room.id, room.name, "demo-liveramp", room.display_id)
    q_t = Target("question", q.id, q.title, "demo-liveramp", q.display_id, path=(room_t,))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_workers(pilot)
        app.open(app.sessions[0], Target("run", run.id, run.name, "demo-liveramp", path=(room_t, q_t)))
        await wait_for_workers(pilot)
        assert isinstance(app.screen, RunScreen)
        results = app.screen.query_one("#results-pane").table
        labels, rows = results.export_rows()
        assert labels == [c.label.plain for c in results.ordered_columns], labels  # no "id" off screen
        assert rows and len(rows[0]) == len(labels)


def test_a_demo_failure_about_a_parameter_names_one_the_run_has(world):
    _app, lr, _inf = world
    about = [r for r in lr.runs.values() if "parameter" in (r.plan.failure_reason or "").lower()]
    assert about
    for run in about:
        assert run.plan.failure_reason.rsplit(" ", 1)[-1] in run.parameters, (run.plan.failure_reason, run.parameters)


# ---------------------------------------------------------------------------- item 7
async def test_board_r_reads_now_within_the_budget_and_says_why_not_past_it(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    world = app.sessions[0].demo.app().state.liveramp
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_workers(pilot)
        outcome = await launch(app, world)
        hub = app.watching
        key = ("demo-liveramp", "question_run", outcome.object_id)
        item = next(i for i in hub.watcher.items() if i.key == key)
        launched_at = clock.now()
        # the first status read (the launch's own answer is no read)
        await step(pilot, clock, lambda: item.snapshot is not None and item.snapshot.polled_at > launched_at)
        first = item.snapshot.polled_at
        clock.advance(1)  # well inside the recommended spacing between two reads of a run
        await press(pilot, "b")
        await press(pilot, "r")
        await hub.tick()
        assert item.snapshot.polled_at == clock.now() > first, "r read the run now"
        assert any("Reading 1 watched run now" in m for m in toasts(app)), toasts(app)
        ledger = hub.launcher("demo-liveramp").ledger
        while ledger.reads_left(outcome.object_id) > 0:  # the hour's reads of this run are spent
            ledger.record_read(outcome.object_id)
        clock.advance(1)
        read_at = item.snapshot.polled_at
        await press(pilot, "r")
        await hub.tick()
        assert item.snapshot.polled_at == read_at, "no read past the hourly cap"
        assert any("Not read now" in m and "allows the next read at" in m for m in toasts(app)), toasts(app)
