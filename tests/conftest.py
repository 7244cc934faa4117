"""Fixtures for every test directory: isolated state, cache and config dirs, UTC, a manual clock,
and the TUI on the demo world (seed 7). Helpers that are not fixtures live in tests/helpers.py.

Each test gets its own directories (tmp_path) and nothing here binds a fixed port or file outside
them, so tests run side by side under pytest-xdist.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable

import pytest

# The CI image sets PYTHONDONTWRITEBYTECODE=1: each xdist worker then compiles and assertion-rewrites
# every test module again (collection: 10 s of CPU instead of 4 s) and each headless subprocess
# compiles tui again. __pycache__ is git-ignored and Python writes .pyc files atomically.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

pytest.register_assert_rewrite("tests.helpers")  # its asserts explain themselves, as in a conftest

from tests import css_cache, frames, gc_tuning, idle_wait  # noqa: E402
from tests.helpers import Backoff, Gate  # noqa: E402
from tui.emulator import ManualClock  # noqa: E402

#: the longest tests (20-75 s of wall time each: a pty walk, the vendor SDK's processes, chromium, an
#: hour of watching): run first, so that under xdist they overlap the short ones instead of being the
#: last tests a worker runs while the other worker sits idle
LONG_FIRST = ("tests/faults/test_byte_stream.py", "tests/e2e/test_vendor_sdk.py", "tests/browser/",
              "tests/ui/test_budget_strict.py", "tests/ui/test_snapshots.py")


frames.install()  # Pilot apps paint what a test looks at, not every discarded frame (tests/frames.py)
idle_wait.install()  # Pilot's idle check at a 5 ms grain instead of 20 ms (tests/idle_wait.py)
css_cache.install()  # Textual CSS parsed once per process, not once per app (tests/css_cache.py)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not item.nodeid.startswith(LONG_FIRST))  # stable: modules stay together


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    from tui.ui.text import set_display_timezone

    monkeypatch.setenv("CLEANROOM_TUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CLEANROOM_TUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    set_display_timezone("UTC")
    yield
    set_display_timezone(None)


@pytest.fixture(autouse=True)
def _restore_tui_logging():
    """Headless ``main()`` configures the ``tui`` logger for a process (a stderr handler, no
    propagation); in-process runs put it back so later tests' log capture still works."""
    logger = logging.getLogger("tui")
    saved = list(logger.handlers), logger.propagate, logger.level
    yield
    logger.handlers[:] = saved[0]
    logger.propagate, logger.level = saved[1], saved[2]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def backoff() -> Backoff:
    """The clients' retry sleep: records each delay and returns at once."""
    return Backoff()


@pytest.fixture
def gate() -> Gate:
    """The emulator's chaos sleep: open (no wait) unless a test closes it."""
    return Gate()


@pytest.fixture
def default_store() -> Callable[[], object]:
    """What ``make_app`` uses when a test passes no store: none (the session cache only); the fault
    drills override it with a real SQLite store, since cached data must survive a fault there."""
    return lambda: None


@pytest.fixture
def make_app(clock, backoff, gate, default_store) -> Callable[..., object]:
    """Build the app on the demo world (seed 7, manual clock, retries that never sleep).

    ``prepare(world_app)`` may edit the emulator's world before the first request; ``hostile`` seeds
    hostile strings everywhere; ``strict_limits`` makes the emulator refuse over-budget reads;
    ``prefetch`` is a cold demo's head start (``tui.core.prefetch.Prefetch``)."""
    from tui.config import demo_profiles
    from tui.core.session import build_sessions
    from tui.emulator import EmulatorOptions
    from tui.ui.app import CleanroomApp

    def factory(*, readonly: bool = False, store=None, prepare=None, hostile: bool = False,
                strict_limits: bool = False, prefetch=None) -> CleanroomApp:
        if store is None:
            store = default_store()
        options = EmulatorOptions(seed=7, clock=clock, hostile=hostile, strict_limits=strict_limits)
        sessions = build_sessions(demo_profiles(), store=store, demo_options=options, readonly=readonly,
                                  client_options={"sleep": backoff})
        emulator = sessions[0].demo.app()
        emulator.state.chaos.sleep = gate
        if prepare is not None:
            prepare(emulator)
        app = CleanroomApp(sessions, readonly=readonly, prefetch=prefetch)
        app.animation_level = "none"  # TEXTUAL_ANIMATIONS is read at import: too late to set here
        return app

    return factory


@pytest.fixture
def world(make_app):
    """The emulator worlds the app will talk to (built eagerly so tests can read the truth)."""
    app = make_app()
    emu = app.sessions[0].demo.app()
    return app, emu.state.liveramp, emu.state.infosum


def pytest_collection_finish(session):
    gc_tuning.install()  # after collection: what is imported by then lives for the whole run
