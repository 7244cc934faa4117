"""UI test fixtures: the demo world with a fixed seed and a manual clock, and Pilot helpers.

Everything is deterministic: the emulator's clock only moves when a test advances it, times are
shown in UTC, and every helper waits for workers instead of sleeping.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerState

from tui.config import demo_profiles
from tui.core.session import Session, build_sessions
from tui.emulator import EmulatorOptions, ManualClock
from tui.ui.app import CleanroomApp
from tui.ui.text import set_display_timezone
from tui.ui.widgets.resource_table import ResourceTable

SIZE = (120, 40)
SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANROOM_TUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CLEANROOM_TUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    set_display_timezone("UTC")
    yield
    set_display_timezone(None)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def make_app(clock) -> Callable[..., CleanroomApp]:
    """Build the app on the demo world (seed 7, manual clock); ``prepare(world_app)`` may edit the
    emulator's world before the first request."""

    async def no_sleep(_seconds: float) -> None:  # retries back off without wall-clock waits
        return None

    def factory(*, readonly: bool = False, store=None, prepare=None) -> CleanroomApp:
        sessions = build_sessions(demo_profiles(), store=store,
                                  demo_options=EmulatorOptions(seed=7, clock=clock), readonly=readonly,
                                  client_options={"sleep": no_sleep})
        if prepare is not None:
            prepare(sessions[0].demo.app())
        app = CleanroomApp(sessions, readonly=readonly)
        app.animation_level = "none"  # TEXTUAL_ANIMATIONS is read at import: too late to set here
        return app

    return factory


@pytest.fixture
def world(make_app):
    """The emulator worlds the app will talk to (built eagerly so tests can read the truth)."""
    app = make_app()
    emu = app.sessions[0].demo.app()
    return app, emu.state.liveramp, emu.state.infosum


async def wait_for_workers(pilot: Pilot, rounds: int = 40) -> None:
    """Wait until no worker is pending or running and no load is scheduled for the next frame
    (workers start further workers; the home screen starts loading after its first frame)."""
    app = pilot.app
    for _ in range(rounds):
        # the run watcher's polling loop lives as long as something is watched: not "work to wait for"
        finite = [w for w in app.workers if w.group != "watcher"]
        if finite:  # (an empty list would mean "every worker" to Textual)
            # a worker whose screen was closed meanwhile is cancelled: finished, as far as waiting goes
            with contextlib.suppress(WorkerCancelled):
                await app.workers.wait_for_complete(finite)
        await pilot.pause()
        busy = any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in finite)
        if not busy and not getattr(app, "scheduled", 0):
            break


async def settle(pilot: Pilot, rounds: int = 20) -> None:
    """Wait until two consecutive frames show the same text: the footer follows focus a message
    hop or two after it moves, later still on a loaded machine."""
    previous = None
    for _ in range(rounds):
        await pilot.pause()
        text = screen_text(pilot.app)
        if text == previous:
            return
        previous = text


async def press(pilot: Pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await wait_for_workers(pilot)


def screen_text(app: CleanroomApp) -> str:
    """The screen as plain text lines (what ``export_screenshot`` renders, without styles)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return "\n".join(line.rstrip() for line in console.export_text(styles=False).splitlines())


def table(app: CleanroomApp, selector: str | None = None) -> ResourceTable:
    if selector is None:
        focused = app.screen.focused
        assert isinstance(focused, ResourceTable), f"focused is {focused!r}"
        return focused
    found = app.screen.query_one(selector)
    return found if isinstance(found, ResourceTable) else found.query_one(ResourceTable)


def plain_rows(t: ResourceTable) -> list[list[str]]:
    return [[c.plain for c in r.cells] for r in t.visible_rows()]


async def open_key(pilot: Pilot, t: ResourceTable, key: str) -> None:
    """Select the row with ``key`` and press Enter, as a user would."""
    t.focus()
    assert t.select_key(key), f"no row {key!r}"
    await pilot.pause()
    await press(pilot, "enter")


def assert_snapshot(app: CleanroomApp, name: str) -> None:
    """Compare the screen's text with tests/ui/snapshots/<name>.txt (UPDATE_SNAPSHOTS=1 rewrites it;
    the SVG next to it is for people reviewing the change)."""
    text = screen_text(app) + "\n"
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        (SNAPSHOTS / f"{name}.svg").write_text(app.export_screenshot(title=name), encoding="utf-8")
        return
    if not path.exists():
        raise AssertionError(f"no snapshot {path.name}; run with UPDATE_SNAPSHOTS=1 to create it")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        import difflib

        diff = "\n".join(difflib.unified_diff(expected.splitlines(), text.splitlines(), "expected", "actual",
                                              lineterm=""))
        raise AssertionError(f"screen differs from {path.name} (UPDATE_SNAPSHOTS=1 to accept):\n{diff}")


def session(app: CleanroomApp, platform: str) -> Session:
    return next(s for s in app.sessions if s.platform == platform)
