"""Cold start: the home screen imports only the models of the platforms it shows.

A fresh interpreter (what a cold start is) opens the app on a LiveRamp-only profile, waits until the
home screen has loaded the clean rooms over the client stack, and reports which model modules got
imported: the InfoSum models (pydantic classes, built on import) must not be among them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = r"""
import asyncio, json, sys

from tui.config import demo_profiles
from tui.core.session import build_sessions
from tui.emulator import EmulatorOptions, ManualClock
from tui.ui.app import CleanroomApp
from tests.ui.conftest import SIZE, wait_for_workers

PLATFORM = sys.argv[1]


async def main() -> None:
    profiles = [p for p in demo_profiles() if p.platform == PLATFORM]
    sessions = build_sessions(profiles, demo_options=EmulatorOptions(seed=7, clock=ManualClock()))
    app = CleanroomApp(sessions)
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        rows = 0
        for _ in range(50):  # a loaded machine may paint the first frame late (the load starts after it)
            await wait_for_workers(pilot)
            rows = len(app.screen.query_one("#table-0").visible_rows())
            if rows:
                break
    print(json.dumps({"rows": rows, "modules": sorted(m for m in ("tui.api.liveramp.models", "tui.api.infosum.models")
                                                       if m in sys.modules)}))


asyncio.run(main())
"""


def _home_load(tmp_path, platform: str) -> dict:
    env = {**os.environ, "CLEANROOM_TUI_STATE_DIR": str(tmp_path / "state"),
           "CLEANROOM_TUI_CACHE_DIR": str(tmp_path / "cache"), "CLEANROOM_TUI_CONFIG_DIR": str(tmp_path / "config")}
    out = subprocess.run([sys.executable, "-c", SCRIPT, platform], capture_output=True, text=True, timeout=120,
                         env=env, cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_liveramp_only_home_load_does_not_import_the_infosum_models(tmp_path):
    found = _home_load(tmp_path, "liveramp")
    assert found["rows"] > 0  # the rooms were loaded through the models, not just painted from a snapshot
    assert found["modules"] == ["tui.api.liveramp.models"]


def test_an_infosum_only_home_load_does_not_import_the_liveramp_models(tmp_path):
    found = _home_load(tmp_path, "infosum")
    assert found["rows"] > 0
    assert found["modules"] == ["tui.api.infosum.models"]
