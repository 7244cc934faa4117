"""``cleanroom-tui schedules`` over real HTTP (issue 20.2): every question's run schedules, or one question's."""

from __future__ import annotations

import json

import pytest

from tests.helpers import profile_file
from tui.cli import main
from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.server import served


@pytest.fixture(scope="module")
def emu():
    with served(EmulatorOptions(seed=7, clock=ManualClock())) as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def _config(emu, tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG", str(profile_file(tmp_path / "config.toml", emu.base_url)))
    monkeypatch.setenv("CLEANROOM_TUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CLEANROOM_TUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HL_LR_SECRET", "demo-secret")


def test_schedules_lists_every_visible_questions_schedules_and_filters_by_question(emu, capsys):
    world = emu.liveramp
    assert main(["schedules", "--profile", "emu-lr", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    visible = {r["cleanroomQuestionId"] for r in listed}
    expected = {s.id for s in world.schedules.values() if s.question_id in visible}
    assert {r["id"] for r in listed} == expected and listed
    one = next(s for s in world.schedules.values() if not s.active)
    q = world.questions[one.question_id]
    assert main(["schedules", "--profile", "emu-lr", "--question", q.display_id]) == 0
    out = capsys.readouterr().out
    assert one.name in out and "paused" in out and q.display_id in out
    assert all(line.startswith(("QUESTION", q.display_id)) for line in out.splitlines() if line.strip())
