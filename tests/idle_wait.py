"""Pilot's "wait until idle" polls every 5 ms instead of every 20 ms.

``Pilot.pause()`` (and so every ``press``/``wait_for_workers`` here) ends in Textual's
``wait_for_idle``: sleep ``SLEEP_GRANULARITY`` (1/50 s), and stop once the process used less than
``SLEEP_IDLE`` (1/20 of that) of CPU during the sleep. Each pause therefore cost at least 20 ms of
wall time with both cores idle; a UI test pauses a hundred times or more. The same rule at a 5 ms
grain (and the same 1:20 idle ratio) says "idle" at the same point of the app's work, four times
sooner after it: the fault drills ran in 16 s instead of 22 s of wall time.

``CLEANROOM_TUI_TEST_IDLE_GRAIN`` sets the grain in seconds (0.02 is Textual's own).
"""

from __future__ import annotations

import os

GRAIN_S = 0.005


def install() -> None:
    import textual._wait as wait

    grain = float(os.environ.get("CLEANROOM_TUI_TEST_IDLE_GRAIN", GRAIN_S))
    wait.SLEEP_GRANULARITY = grain
    wait.SLEEP_IDLE = grain / 20.0
