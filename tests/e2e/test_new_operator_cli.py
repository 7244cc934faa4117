"""Issue 18.13, the command line: emulator --help, an unknown id's exit code, the demo's 403 said once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CLEANROOM_TUI_STATE_DIR": str(tmp_path / "state"),
           "CLEANROOM_TUI_CACHE_DIR": str(tmp_path / "cache"), "CLEANROOM_TUI_CONFIG_DIR": str(tmp_path / "config"),
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=120,
                          env=env, cwd=ROOT)


def test_emulator_help_explains_host_and_port(tmp_path):
    out = cli(tmp_path, "emulator", "--help").stdout
    assert "--host HOST" in out and "default 127.0.0.1" in out
    assert "--port PORT" in out and "default 8900" in out


def test_an_unknown_run_id_in_the_demo_exits_2(tmp_path):
    done = cli(tmp_path, "run", "nope", "--demo")
    assert done.returncode == 2, done.stderr
    assert "HTTP 404" in done.stderr and "Traceback" not in done.stderr


def test_the_demos_unreadable_room_is_said_once_and_in_full_only_with_v(tmp_path):
    quiet = cli(tmp_path, "status", "--demo")
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr.count("skipped clean room") == 1, quiet.stderr
    assert "request id" not in quiet.stderr and "-v for details" in quiet.stderr
    loud = cli(tmp_path, "status", "--demo", "-v")
    assert loud.stderr.count("skipped clean room") == 1 and "request id" in loud.stderr


def test_watch_on_a_served_emulator_says_when_the_next_read_is(tmp_path):
    """Issue 18.7: a profile pointed at a served emulator keeps LiveRamp's 300 s spacing; a watch that
    times out before the next read says when that read was due (and the budget), not just "timed out"."""
    from datetime import UTC, datetime

    from tests.helpers import LAUNCH_ARGS, QUESTION
    from tui.config import write_private
    from tui.emulator import EmulatorOptions, ManualClock
    from tui.emulator.server import served

    with served(EmulatorOptions(seed=7, clock=ManualClock(datetime.now(UTC).replace(microsecond=0)))) as emu:
        config = tmp_path / "config.toml"
        write_private(config, f"""
[profiles.emu-lr]
platform = "liveramp"
base_url = "{emu.base_url}"
client_id = "demo-client"
secret_env = "HL_LR_SECRET"
""".encode())
        env = {**os.environ, "CLEANROOM_TUI_CONFIG": str(config), "HL_LR_SECRET": "demo-secret",
               "CLEANROOM_TUI_STATE_DIR": str(tmp_path / "state"), "CLEANROOM_TUI_CACHE_DIR": str(tmp_path / "cache"),
               "PYTHONPATH": str(ROOT)}

        def run(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True,
                                  timeout=120, env=env, cwd=ROOT)

        launched = run("launch", QUESTION, "--yes", "--json", *LAUNCH_ARGS)
        assert launched.returncode == 0, launched.stderr
        run_id = launched.stdout.split('"id": "', 1)[1].split('"', 1)[0]
        watched = run("watch", run_id, "--until-done", "--timeout", "2")
        assert watched.returncode == 5, watched.stderr
        assert "next status read at" in watched.stderr, watched.stderr
        assert "the next status read was due at" in watched.stderr and "status reads left" in watched.stderr
