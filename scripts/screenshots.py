#!/usr/bin/env python3
"""Regenerate the SVG screenshots in screenshots/ (shown in README) from the demo world.

    python scripts/screenshots.py

Deterministic: seed 7, a manual clock (2026-11-02 09:00 UTC), 120×40, the same walk through the
main screens as the snapshot tests (tests/ui/tour.py).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"


async def main() -> int:
    sys.path.insert(0, str(ROOT))
    scratch = tempfile.mkdtemp(prefix="cleanroom-screens-")
    for var in ("STATE", "CACHE", "CONFIG"):
        os.environ[f"CLEANROOM_TUI_{var}_DIR"] = str(Path(scratch) / var.lower())
    os.environ["TZ"] = "UTC"
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    time.tzset()

    from tests.ui.tour import tour
    from tui.config import demo_profiles
    from tui.core.session import build_sessions
    from tui.emulator import EmulatorOptions, ManualClock
    from tui.ui.app import CleanroomApp
    from tui.ui.text import set_display_timezone

    set_display_timezone("UTC")

    async def no_sleep(_seconds: float) -> None:
        return None

    sessions = build_sessions(demo_profiles(), demo_options=EmulatorOptions(seed=7, clock=ManualClock()),
                              client_options={"sleep": no_sleep})
    app = CleanroomApp(sessions)
    OUT.mkdir(exist_ok=True)
    written = []
    async with app.run_test(size=(120, 40)) as pilot:
        async for name in tour(pilot):
            path = app.save_screenshot(f"{name}.svg", str(OUT))
            written.append(path)
    for path in written:
        print(Path(path).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
