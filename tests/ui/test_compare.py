"""Compare runs in the TUI (issue 20.1): c on a run, c on a question's runs, two marked with space."""

from __future__ import annotations

import json

from tui.emulator.liveramp.lifecycle import run_state
from tui.ui.jump_index import Target

from .conftest import SIZE, press, screen_text, session, table, wait_for_workers


def completed_question(lr, now, title="Campaign Reach and Frequency"):
    """A question with at least three completed runs (newest first)."""
    for q in lr.questions.values():
        if q.template.title != title:
            continue
        done = [lr.runs[r] for r in lr.runs_by_question.get(q.id, [])
                if run_state(lr.runs[r], now).status == "COMPLETED"]
        if len(done) >= 3:
            return q, sorted(done, key=lambda r: r.submitted_at, reverse=True)
    raise AssertionError("no question with three completed runs")


async def open_question(pilot, app, q):
    lr_session = session(app, "liveramp")
    app.open(lr_session, Target("question", q.id, q.title, lr_session.name, q.display_id))
    await wait_for_workers(pilot)


async def test_c_on_a_question_run_compares_it_with_the_previous_completed_run(world, clock, tmp_path):
    app, lr, _inf = world
    q, done = completed_question(lr, clock.now())
    newest, previous = done[0], done[1]
    async with app.run_test(size=SIZE) as pilot:
        await open_question(pilot, app, q)
        runs = table(app, "#runs-pane")
        assert runs.select_key(newest.id)
        await press(pilot, "c")
        assert type(app.screen).__name__ == "CompareScreen"
        cmp = app.screen.comparison
        assert cmp is not None and cmp.complete
        assert (cmp.a.id, cmp.b.id) == (previous.id, newest.id), "A is the earlier run, B the later"
        text = screen_text(app)
        assert "all rows compared" in text and "changed" in text
        diff = table(app, "#compare-diff")
        # sorted by the largest change: rows only in one run first, then the largest relative change
        ranks = [cmp.score(r.payload) for r in diff.visible_rows()]
        assert ranks == sorted(ranks, reverse=True)
        assert [c.label for c in diff.spec][:2] == ["Change", "CAMPAIGN"]
        # parameters side by side, differences highlighted
        app.screen.show_tab("parameters")
        await wait_for_workers(pilot)
        params = table(app, "#compare-params")
        start = params.row("p:start_date")
        assert start.cells[1].plain == previous.parameters["start_date"]
        assert start.cells[2].plain == newest.parameters["start_date"]
        # e exports the whole comparison through the one export writer
        out = tmp_path / "cmp.json"
        await press(pilot, "e")
        app.screen.query_one("Input").value = str(out)
        await press(pilot, "enter")
        doc = json.loads(out.read_text())
        assert doc["a"]["id"] == previous.id and len(doc["rows"]) == len(cmp.lines())


async def test_two_runs_marked_with_space_are_compared(world, clock):
    app, lr, _inf = world
    q, done = completed_question(lr, clock.now())
    older, newer = done[2], done[0]
    async with app.run_test(size=SIZE) as pilot:
        await open_question(pilot, app, q)
        runs = table(app, "#runs-pane")
        runs.focus()
        for run in (newer, older):
            assert runs.select_key(run.id)
            await press(pilot, "space")
        assert runs.row(newer.id).cells[0].plain.startswith("◆ ")
        assert app.screen.marks.keys == [newer.id, older.id]
        await press(pilot, "c")
        cmp = app.screen.comparison
        assert (cmp.a.id, cmp.b.id) == (older.id, newer.id)


async def test_c_on_the_run_screen_and_a_run_with_no_earlier_one(world, clock):
    app, lr, _inf = world
    q, done = completed_question(lr, clock.now())
    async with app.run_test(size=SIZE) as pilot:
        await open_question(pilot, app, q)
        first = done[-1]
        app.open(session(app, "liveramp"), Target("run", first.id, first.name, "demo-liveramp",
                                                  path=(app.screen.target,)))
        await wait_for_workers(pilot)
        await press(pilot, "c")
        assert type(app.screen).__name__ == "CompareScreen"
        earlier = [r for r in done if r.submitted_at < first.submitted_at]
        if not earlier:
            assert "no earlier completed run" in screen_text(app)
