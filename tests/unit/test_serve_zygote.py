"""Warm starts for browser tabs (tui/serve/zygote.py): the per-tab client hands its stdin/stdout/
stderr and environment to the zygote, which forks the app; the client exits with the app's status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.serve.zygote import client_command

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def env(tmp_path):
    out = dict(os.environ)
    out.update(PYTHONPATH=str(ROOT), CLEANROOM_TUI_CACHE_DIR=str(tmp_path / "cache"),
               CLEANROOM_TUI_STATE_DIR=str(tmp_path / "state"), CLEANROOM_TUI_CONFIG=str(tmp_path / "none.toml"))
    return out


@pytest.fixture
def zygote(tmp_path, env):
    path = tmp_path / "z.sock"
    proc = subprocess.Popen([sys.executable, "-m", "tui.serve.zygote", str(path)], env=env,
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not path.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "the zygote did not start"
        time.sleep(0.05)
    yield path
    proc.terminate()
    proc.wait(10)


def run(command: str, env: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, shell=True, env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)


def test_a_forked_app_gets_the_tabs_pipes_environment_and_exit_status(zygote, env, tmp_path):
    done = run(client_command(str(zygote), ["cache", "info", "--json"]), env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["path"] == str(tmp_path / "cache" / "store.sqlite3")  # the client's env
    refused = run(client_command(str(zygote), ["--profile", "nope", "rooms"]), env, tmp_path)
    assert refused.returncode == 2 and "nope" in refused.stderr  # status and stderr come through


def test_without_a_zygote_the_client_runs_the_app_itself(env, tmp_path):
    done = run(client_command(str(tmp_path / "absent.sock"), ["cache", "info", "--json"]), env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["path"] == str(tmp_path / "cache" / "store.sqlite3")
