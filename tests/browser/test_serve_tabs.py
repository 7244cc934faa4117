"""Three browser tabs on one profile are three app processes: together they keep LiveRamp's limits.

The emulator (strict limits: a 429 for any call over them) is served over HTTP; ``cleanroom-tui
serve --profile emu-lr`` serves the TUI; three tabs open it. Each tab's app process restores the
shared watch list and polls the watched RUNNING run at once. 18 of the run's 20 status reads this
hour are already spent (by an earlier session, in the shared ledger and on the platform): the
three processes together may make exactly 2 more — and all three must share one token.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tui.config import Budget
from tui.core.budget import BudgetLedger
from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.liveramp.lifecycle import run_state
from tui.emulator.server import served
from tui.store import Store

from .cdp import browser
from .harness import free_port, serve_app_argv, serving

pytestmark = pytest.mark.timeout(300)
SPENT = 18


def _running_run(world, now):
    return next(r for r in world.runs.values() if run_state(r, now).status == "RUNNING")


def test_three_tabs_share_one_token_and_the_status_read_budget(chromium, isolated_env, tmp_path, monkeypatch):
    clock = ManualClock()  # the world stands still: the run stays RUNNING, the platform's hour never ends
    with served(EmulatorOptions(seed=7, clock=clock, strict_limits=True)) as emu:
        world = emu.liveramp
        run = _running_run(world, clock.now())
        config = tmp_path / "config.toml"
        config.write_text(f'''
[profiles.emu-lr]
platform = "liveramp"
base_url = "{emu.base_url}"
client_id = "demo-client"
secret_env = "SERVE_LR_SECRET"
[profiles.emu-lr.budget]
min_status_interval_s = 0
''')
        environ = {**isolated_env, "SERVE_LR_SECRET": "demo-secret", "CLEANROOM_TUI_CONFIG": str(config)}
        for name in ("CLEANROOM_TUI_STATE_DIR", "CLEANROOM_TUI_CACHE_DIR"):
            monkeypatch.setenv(name, environ[name])
        # an earlier session watched the run and spent 18 of its reads this hour
        store = Store.open()
        ledger = BudgetLedger("emu-lr", Budget(min_status_interval_s=0), store)
        limits = world_limits(emu)
        for _ in range(SPENT):
            ledger.record_read(run.id)
            limits.status_read("demo-client", run.id, f"/v1/cleanroom-question-runs/{run.id}")
        store.watch_add("emu-lr", "liveramp", "question_run", run.id,
                        {"parent_id": run.question_id,
                         "cleanroom_id": None, "name": "watched run",
                         "since": datetime.now(UTC).isoformat()})
        store.close()
        assert world.counters.status_reads[run.id] == SPENT

        port = free_port()
        with serving(serve_app_argv(port, "--profile", "emu-lr", "--readonly"), port, environ=environ,
                     cwd=tmp_path, log=tmp_path / "serve.log") as url, browser(chromium) as b:
            b.page.navigate(url)
            for _ in range(2):
                b.browser.call("Target.createTarget", url=url)
            b.page.wait_text("CR-", 90)
            # every tab's process has polled (or been refused) once it has painted; give stragglers time
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and world.counters.status_reads[run.id] < 20:
                time.sleep(0.2)
            time.sleep(5)
            assert world.counters.status_reads[run.id] == 20
        tabs = (tmp_path / "serve.log").read_text(errors="replace").count("GET /ws")
        assert tabs == 3, "each tab opens one websocket: one app process"
        assert world.limit_violations == []  # no 429 from the platform: the ledger said no first
        assert world.token_requests == 1  # three processes, one token (the flock-ed token cache)


def world_limits(emu):
    """The LiveRamp emulator's limit keeper (where the served app keeps it)."""
    for app in _apps(emu.app):
        limits = getattr(getattr(app, "state", None), "limits", None)
        if limits is not None and hasattr(limits, "status_read"):
            return limits
    raise LookupError("no LiveRamp limits in the served emulator")


def _apps(app):
    yield app
    for route in getattr(app, "routes", []):
        sub = getattr(route, "app", None)
        if sub is not None:
            yield from _apps(sub)
