"""Exports never replace a file, and ``e`` on a run's results offers the whole result (issue 18.2)."""

from __future__ import annotations

import csv
from datetime import datetime

from textual.widgets import Input

from tui.core.export import unique_name
from tui.ui.results_export import GROUP
from tui.ui.screens.pick import PickScreen
from tui.ui.screens.prompt import PromptScreen
from tui.ui.widgets.results_pane import ResultsPane

from .conftest import SIZE, open_key, press, screen_text, table, wait_for_workers
from .test_screens import busiest, open_room, runs_of


def test_suggested_names_are_unique_to_the_second_and_never_an_existing_file(tmp_path):
    now = datetime(2026, 12, 7, 20, 15, 3)
    first = unique_name("results", directory=tmp_path, now=now)
    assert first.endswith("results-20261207-201503.csv")
    open(first, "w").close()
    second = unique_name("results", directory=tmp_path, now=now)
    assert second.endswith("results-20261207-201503-2.csv")


async def _large_run(pilot, lr):
    room, questions = busiest(lr)
    question = next(q for q in questions if q.title == "Large Audience Export")
    done = next(r for r in runs_of(lr, question) if r.plan.final == "COMPLETED")
    await open_room(pilot, room)
    pilot.app.screen.show_tab("questions")
    await wait_for_workers(pilot)
    await open_key(pilot, table(pilot.app, "#questions-pane"), question.id)
    await open_key(pilot, table(pilot.app, "#runs-pane"), done.id)
    return done, pilot.app.screen.query_one(ResultsPane)


async def _answer_path(pilot, path: str) -> PromptScreen:
    prompt = pilot.app.screen
    assert isinstance(prompt, PromptScreen)
    field = prompt.query_one(Input)
    field.value = path
    await press(pilot, "enter")
    return prompt


async def test_e_on_results_exports_the_whole_result_page_by_page(world, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app, lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        done, pane = await _large_run(pilot, lr)
        total = pane.total
        assert pane.loaded == 500 < total
        await press(pilot, "e")
        assert isinstance(app.screen, PickScreen)
        text = screen_text(app)
        assert f"The whole result: {total:,} rows" in text and "The 500 rows loaded so far" in text
        assert "output file results.csv" in text
        await press(pilot, "enter")  # the whole result (first choice)
        target = tmp_path / "all.csv"
        await _answer_path(pilot, str(target))
        await wait_for_workers(pilot)
        with open(target, newline="") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) == 1 + total  # header + every row, not the 500 loaded
        assert [c.label for c in pane.table.spec] == rows[0]
        assert f"Exported {total:,} rows" in screen_text(app)
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no partial file left
        # the same path again is refused where it is typed: exports never replace a file
        await press(pilot, "e", "enter")
        prompt = await _answer_path(pilot, str(target))
        error = str(prompt.query_one("#prompt-error").render())
        assert app.screen is prompt and "exists: exports never replace a file" in error
        assert prompt.focused is prompt.query_one(Input)
        await press(pilot, "escape")
        with open(target, newline="") as fh:
            assert len(list(csv.reader(fh))) == 1 + total


async def test_the_output_file_is_downloaded_and_an_export_can_be_cancelled(world, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app, lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        done, pane = await _large_run(pilot, lr)
        await press(pilot, "e", "down", "down", "enter")  # the platform's output file
        await _answer_path(pilot, str(tmp_path / "platform.csv"))
        await wait_for_workers(pilot)
        data = (tmp_path / "platform.csv").read_text()
        assert data.count("\n") >= pane.total  # the whole file as the platform sends it
        # an export in progress: e offers to cancel it, and nothing is left behind
        pane.state.note("")
        blocker = __import__("asyncio").Event()
        screen = app.screen

        async def slow(call):
            await blocker.wait()

        monkeypatch.setattr(screen.session, "call", slow)
        await pilot.press("e", "enter")  # the whole result
        await pilot.pause()
        prompt = app.screen
        prompt.query_one(Input).value = str(tmp_path / "cancelled.csv")
        await pilot.press("enter")
        await pilot.pause()
        assert any(w.group == GROUP and not w.is_finished for w in app.workers)
        assert "rows written (e cancels)" in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen) and "Cancel the export" in screen_text(app)
        await press(pilot, "enter")
        assert not any(w.group == GROUP and not w.is_finished for w in app.workers)
        assert "Export cancelled" in screen_text(app)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["platform.csv"]
