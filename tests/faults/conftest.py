"""Fault-drill fixtures: the demo world (seed 7, ManualClock) with the emulator's chaos switched on
and off while the real TUI (Pilot) or the headless commands run.

Nothing here waits for wall time: the clients' retry backoff goes through a recording fake sleep,
and the emulator's latency/drip faults through a gate the test opens (see ``Gate``).
"""

from __future__ import annotations

import pytest

from tests.helpers import (  # noqa: F401  (drills import them from here)
    FAULTS,
    SIZE,
    Backoff,
    Gate,
    each_fault,
    emulator_of,
    fault_cells,
    fault_groups,
)


@pytest.fixture(autouse=True)
def _no_config_file(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG", str(tmp_path / "config" / "none.toml"))


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
def default_store():
    """Cached data must survive a fault: the drills' app gets a real SQLite store in the test's
    cache dir unless the test passes one."""
    from tui.store import Store

    return Store.open
