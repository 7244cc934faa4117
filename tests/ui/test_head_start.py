"""A cold demo start paints the home lists from the head start (tui/core/prefetch.py), then loads.

In-process Pilot tests with the answer in a pipe (the forked child's part is in
tests/unit/test_prefetch.py); the subprocess test at the end checks what the first rows cost: a
fresh interpreter, a real fork, and no pydantic, httpx or Starlette imported when they are painted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.config import demo_profiles
from tui.core import prefetch
from tui.emulator import EmulatorOptions
from tui.ui.screens.home import HomeScreen
from tui.ui.widgets.context_header import ContextHeader

from .conftest import SIZE, plain_rows, table, wait_for_workers

ROOT = Path(__file__).resolve().parents[2]


def _piped(data: bytes | None) -> prefetch.Prefetch:
    """A head start whose child wrote ``data`` and exited (None: is still working)."""
    read_fd, write_fd = os.pipe()
    if data is not None:
        os.write(write_fd, data)
        os.close(write_fd)
    return prefetch.Prefetch(None, read_fd)


async def _org_shown(pilot) -> bool:
    """The header names the org once the identity lookup (started after the first rows) is done."""
    for _ in range(20):  # a worker started by a callback after the last wait is not waited for
        await wait_for_workers(pilot)
        if "Northwind Retail" in pilot.app.screen.query_one(ContextHeader).who_text().plain:
            return True
    return False


async def _loaded(pilot, selector: str, model: str) -> bool:
    """The app's own load has replaced the head start's rows (its rows carry the models)."""
    for _ in range(20):
        await wait_for_workers(pilot)
        rows = table(pilot.app, selector).visible_rows()
        if rows and all(type(r.payload).__name__ == model for r in rows):
            return True
    return False


def _first_paint(monkeypatch) -> list[dict]:
    """The home tables' rows right after the head start's answer was painted."""
    seen: list[dict] = []
    original = HomeScreen.prefetched

    def spy(self, answers):
        original(self, answers)
        seen.append({i: plain_rows(self.query_one(f"#table-{i}")) for i in range(len(self.sessions))})

    monkeypatch.setattr(HomeScreen, "prefetched", spy)
    return seen


async def test_the_head_start_paints_the_same_rows_the_load_then_brings(make_app, clock, monkeypatch):
    answers = await prefetch.read_home(demo_profiles(), EmulatorOptions(seed=7, clock=clock))
    seen = _first_paint(monkeypatch)
    app = make_app(prefetch=_piped(json.dumps(answers).encode()))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        assert len(seen) == 1
        first = seen[0]
        assert first[0] and first[1]  # both platforms' lists, before any load of the app's own
        assert all(row[1].startswith("CR-") for row in first[0])
        assert await _org_shown(pilot)  # what waited for those rows ran after them
        assert await _loaded(pilot, "#table-0", "CleanRoom") and await _loaded(pilot, "#table-1", "CollaborationSummary")
        assert first == {0: plain_rows(table(app, "#table-0")), 1: plain_rows(table(app, "#table-1"))}


async def test_when_the_load_after_the_head_start_fails_its_rows_stay(make_app, clock):
    from tui.ui.widgets.load_state import LoadState

    answers = await prefetch.read_home(demo_profiles(), EmulatorOptions(seed=7, clock=clock))
    app = make_app(prefetch=_piped(json.dumps(answers).encode()),
                   prepare=lambda emulator: emulator.state.chaos.set("GET /v1/cleanrooms=500"))
    async with app.run_test(size=SIZE) as pilot:
        state = app.screen.query_one("#state-0", LoadState)
        for _ in range(20):
            await wait_for_workers(pilot)
            if state.error is not None:
                break
        assert state.error is not None and "Showing the last data fetched." in str(state.render())
        assert [row[1] for row in plain_rows(table(app, "#table-0"))] == \
            [room["displayId"] for room in answers["demo-liveramp"]["rooms"]]


async def test_a_head_start_with_no_answer_leaves_the_home_screen_to_its_own_load(make_app, monkeypatch):
    seen = _first_paint(monkeypatch)
    app = make_app(prefetch=_piped(b""))  # the child failed: it wrote nothing
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        assert seen == [{0: [], 1: []}]
        assert plain_rows(table(app, "#table-0")) and plain_rows(table(app, "#table-1"))
        assert await _org_shown(pilot)


async def test_a_head_start_that_never_answers_is_given_up(make_app, monkeypatch):
    import tui.ui.head_start

    monkeypatch.setattr(tui.ui.head_start, "WAIT_S", 0.01)
    late = _piped(None)
    app = make_app(prefetch=late)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(50):  # the give-up timer fires on the next tick; then the load runs
            await wait_for_workers(pilot)
            if plain_rows(table(app, "#table-0")):
                break
        assert plain_rows(table(app, "#table-0"))
        assert late.done  # its pipe is closed


SCRIPT = r"""
import asyncio, json, sys

from tui.config import demo_profiles
from tui.core import prefetch
from tui.emulator.options import EmulatorOptions

profiles, options = demo_profiles(), EmulatorOptions(seed=7)
head_start = prefetch.start(profiles, options)  # forked before Textual is imported, as the CLI does

from tui.core.session import build_sessions
from tui.ui.app import CleanroomApp
from tui.ui.screens.home import HomeScreen

HEAVY = ("pydantic", "httpx", "starlette", "tui.api.liveramp.models", "tui.api.infosum.models",
         "tui.emulator.app", "tui.emulator.liveramp")
seen = {}
original = HomeScreen.prefetched


def spy(self, answers):
    original(self, answers)
    seen["heavy"] = sorted(m for m in HEAVY if m in sys.modules)
    seen["ids"] = [r.cells[1].plain for r in self.query_one("#table-0").visible_rows()]


HomeScreen.prefetched = spy


async def main():
    app = CleanroomApp(build_sessions(profiles, demo_options=options), prefetch=head_start)
    async with app.run_test(size=(120, 40)):
        for _ in range(1200):  # the child's world and reads (~0.3 s; much longer on a loaded machine)
            if seen:
                break
            await asyncio.sleep(0.05)
    print(json.dumps(seen))


asyncio.run(main())
"""


@pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2,
                    reason="the head start forks, and only with a second core")
def test_the_first_rows_of_a_cold_start_cost_no_models_http_library_or_emulator(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != prefetch.SWITCH_ENV}
    env.update(CLEANROOM_TUI_STATE_DIR=str(tmp_path / "state"), CLEANROOM_TUI_CACHE_DIR=str(tmp_path / "cache"),
               CLEANROOM_TUI_CONFIG_DIR=str(tmp_path / "config"))
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, env=env,
                         cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["ids"] and all(i.startswith("CR-") for i in seen["ids"])
    assert seen["heavy"] == []


async def test_the_collector_paused_for_the_start_up_runs_again_after_the_first_frame(make_app):
    import gc

    app = make_app()
    app.resume_gc = True
    gc.disable()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for_workers(pilot)
            assert gc.isenabled()
    finally:
        gc.enable()
