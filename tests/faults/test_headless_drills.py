"""Fault drills on the headless commands: each command × each fault, over real HTTP (uvicorn).

The commands run in-process (``tui.cli.main``) so that the drill stays fast; the emulator is a real
server on loopback. Each drill warms the cache with a healthy call, switches a fault on for every
route, and checks: no traceback, stdout still clean JSON (the cached answer, or nothing), a readable
error on stderr, a documented exit code; then, with the fault off, the same call answers fresh (0).
"""

from __future__ import annotations

import json

import pytest

from tests.helpers import profile_file
from tui.cli import main
from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.server import served

from .conftest import FAULTS

ROOM = "CR-199659"


@pytest.fixture(scope="module")
def emu():
    with served(EmulatorOptions(seed=7, clock=ManualClock())) as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def _config(emu, tmp_path, monkeypatch, fast_retries):
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG", str(profile_file(tmp_path / "config.toml", emu.base_url)))
    monkeypatch.setenv("HL_LR_SECRET", "demo-secret")
    monkeypatch.setenv("HL_IS_KEY", "demo-key")
    emu.app.state.chaos.clear()
    yield
    emu.app.state.chaos.clear()


def _ids(emu) -> dict[str, str]:
    lr, inf = emu.liveramp, emu.infosum
    room = lr.find_room(ROOM)
    run = next(r for r in lr.runs.values() if r.plan.final == "COMPLETED"
               and lr.questions[r.question_id].room_id == room.id)
    collab = next(c for c in inf.collaborations.values() if c.status == "STATUS_ACTIVE")
    return {"room": room.display_id, "run": run.id, "collab": collab.id}


COMMANDS = {
    "rooms": lambda ids: ["rooms"],
    "runs": lambda ids: ["runs", "--room", ids["room"]],
    "run": lambda ids: ["run", ids["run"]],
    "events": lambda ids: ["events", ids["collab"], "--limit", "20"],
    "status": lambda ids: ["status"],
    "watch": lambda ids: ["watch", ids["run"]],
    "collaborations": lambda ids: ["collaborations"],
    "schedules": lambda ids: ["schedules", "--question", "CRQ-684183"],
}

#: what a command may answer under a fault: 0 ok (a fault the client absorbed), 3 an API error
#: reported on stderr, 4 answered from the cache (stale, said on stderr)
ALLOWED = {0, 3, 4}


KEYS = ("id", "displayId", "name", "status", "type", "event_date_time", "message", "profile")


def _essence(answer):
    """The identity of an answer (the quick path and the full client differ in optional fields:
    ``endAt`` "" vs null — not what a fault drill is about)."""
    if isinstance(answer, list):
        return [_essence(a) for a in answer]
    if isinstance(answer, dict):
        return {k: _essence(v) if isinstance(v, list | dict) else v for k, v in answer.items() if k in KEYS}
    return answer


def _call(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    return code, out, err


#: one test per cell of the matrix; ids are "command.fault" (scripts/reliability_matrix.py parses them)
CELLS = [pytest.param(command, fault, id=f"{command}.{fault}") for command in COMMANDS for fault in FAULTS]


@pytest.mark.parametrize(("command", "fault"), CELLS)
def test_headless_survives_fault(emu, capsys, command, fault):
    argv = COMMANDS[command](_ids(emu))
    code, out, err = _call(capsys, argv)
    assert code == 0, err
    healthy = json.loads(out)

    emu.app.state.chaos.set(FAULTS[fault].replace("latency:30s", "latency:20ms").replace("drip:2s", "drip:1ms"))
    code, out, err = _call(capsys, argv)
    assert "Traceback" not in err and "\x1b" not in out + err
    assert code in ALLOWED, (code, err)
    if out.strip():
        answer = json.loads(out)  # stdout stays clean JSON whatever happened
        if code in (0, 4):
            assert _essence(answer) == _essence(healthy) or command in ("status", "watch"), err
    if code == 3:
        assert "error" in err.lower() and err.strip(), err
    if code == 4:
        assert "data as of" in err, err  # says it is the cached answer, and from when
    if fault in ("latency", "slow-drip"):
        assert code == 0, err  # slow is not broken
    elif fault == "token-expired":
        if command in ("runs", "run", "watch", "schedules"):  # LiveRamp only: one fresh token, and on
            assert code == 0, err
        else:  # InfoSum keys do not expire: a 401 is a credentials problem, said loudly
            assert code == 3 and "HTTP 401" in err, err
    elif command in ("rooms", "runs", "run", "events", "collaborations", "schedules"):
        # the cached answer, said to be one (exit 4) — not a bare error (regression: exit 3, no data)
        assert code == 4 and out.strip(), (code, err)
    elif command == "watch":
        assert code in (0, 4), err  # a finished run needs no call at all

    emu.app.state.chaos.clear()
    code, out, err = _call(capsys, argv)
    if fault.startswith("429") and command in ("runs", "run", "watch"):
        # a 429 on a status read makes the budget ledger hold off that object (reference §3):
        # the cached answer, said to be one, until the budget frees up — not another call
        assert code == 0 or (code == 4 and "budget" in err), err
    else:
        assert code == 0, err
    assert json.loads(out)


def test_ctrl_c_during_a_slow_call_exits_130_quietly(emu, tmp_path):
    """Found by a follow drill on a slow link: Ctrl-C while a call was in flight left the task
    pending ("Task was destroyed but it is pending!" on stderr)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    chaos = emu.app.state.chaos
    chaos.set("GET /v1/*=latency:5s")
    held = chaos.count("latency")  # the log is the emulator's whole history: count from here
    env = {**os.environ, "CLEANROOM_TUI_CONFIG": str(profile_file(tmp_path / "c.toml", emu.base_url)),
           "CLEANROOM_TUI_STATE_DIR": str(tmp_path / "state"), "CLEANROOM_TUI_CACHE_DIR": str(tmp_path / "cache"),
           "HL_LR_SECRET": "demo-secret", "HL_IS_KEY": "demo-key"}
    proc = subprocess.Popen([sys.executable, "-m", "tui", "rooms", "--profile", "emu-lr", "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while chaos.count("latency") == held and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until the call is in flight (the emulator is holding it)
    assert chaos.count("latency") > held
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "destroyed but it is pending" not in err, err
    assert out == ""
