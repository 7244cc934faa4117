"""Fault-drill fixtures: the demo world (seed 7, ManualClock) with the emulator's chaos switched on
and off while the real TUI (Pilot) or the headless commands run.

Nothing here waits for wall time: the clients' retry backoff goes through a recording fake sleep,
and the emulator's latency/drip faults through a gate the test opens (see ``Gate``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import pytest

from tui.config import demo_profiles
from tui.core.session import build_sessions
from tui.emulator import EmulatorOptions, ManualClock
from tui.ui.app import CleanroomApp
from tui.ui.text import set_display_timezone

SIZE = (120, 40)

#: every fault the drills apply, as a chaos spec for "all routes" (tui/emulator/chaos.py grammar).
#: The keys are the matrix's columns (scripts/reliability_matrix.py reads them from test ids).
FAULTS: dict[str, str] = {
    "latency": "*=latency:30s",
    "slow-drip": "*=drip:2s",
    "429": "*=429",
    "429-retry-after": "*=429:2",
    "500": "*=500",
    "502": "*=502",
    "503": "*=503",
    "malformed-json": "*=malformed",
    "truncated-body": "*=truncated",
    "connection-dropped": "*=drop-after",
    "token-expired": "/v1/*=token-expired,times=1;/api/*=token-expired,times=1",
}


class Gate:
    """The emulator's ``Chaos.sleep`` in drills: a delay holds the call until the test opens the gate
    (so "slow" is a state the test can look at, not a wall-clock wait)."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.open = True
        self._event: asyncio.Event | None = None

    def close(self) -> None:
        self.open = False
        self._event = None

    def release(self) -> None:
        self.open = True
        if self._event is not None:
            self._event.set()

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.open:
            return
        if self._event is None:
            self._event = asyncio.Event()
        await self._event.wait()


class Backoff:
    """The clients' retry sleep: records each requested delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANROOM_TUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CLEANROOM_TUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG", str(tmp_path / "config" / "none.toml"))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    set_display_timezone("UTC")
    yield
    set_display_timezone(None)


@pytest.fixture(autouse=True)
def _restore_tui_logging():
    """Headless ``main()`` configures the ``tui`` logger for a process (a stderr handler, no
    propagation); in-process drills put it back so later tests' log capture still works."""
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
    return Backoff()


@pytest.fixture
def fast_retries(monkeypatch, backoff) -> Backoff:
    """For clients the test does not build itself (headless ``main()``): the retry policy's delays
    are recorded in ``backoff`` and not slept."""
    from tui.api import http

    real = http.RetryPolicy.delay

    def delay(self, attempt, rng, retry_after=None):
        backoff.delays.append(real(self, attempt, rng, retry_after))
        return 0.0

    monkeypatch.setattr(http.RetryPolicy, "delay", delay)
    return backoff


@pytest.fixture
def gate() -> Gate:
    return Gate()


@pytest.fixture
def make_app(clock, backoff, gate) -> Callable[..., CleanroomApp]:
    """The TUI on the demo world; ``store`` defaults to a real SQLite store in the test's cache dir
    (cached data must survive a fault), ``hostile`` seeds hostile strings everywhere."""

    def factory(*, store=None, hostile: bool = False, strict_limits: bool = False,
                readonly: bool = False) -> CleanroomApp:
        if store is None:
            from tui.store import Store

            store = Store.open()
        options = EmulatorOptions(seed=7, clock=clock, hostile=hostile, strict_limits=strict_limits)
        sessions = build_sessions(demo_profiles(), store=store, demo_options=options, readonly=readonly,
                                  client_options={"sleep": backoff})
        emulator = sessions[0].demo.app()
        emulator.state.chaos.sleep = gate
        app = CleanroomApp(sessions, readonly=readonly)
        app.animation_level = "none"
        return app

    return factory


def emulator_of(app: CleanroomApp):
    """The in-process emulator's ASGI app (``.state.chaos``, ``.state.liveramp``, ``.state.infosum``)."""
    return app.sessions[0].demo.app()
