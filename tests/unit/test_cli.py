import json

import pytest

from tui.cli import main


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANROOM_TUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CLEANROOM_TUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG", str(tmp_path / "config.toml"))


def test_cache_info_json_and_clear(capsys):
    assert main(["cache", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["schema_version"] >= 1 and info["cache_entries"] == 0
    assert main(["cache", "clear"]) == 0


def test_emulator_help_lists_its_flags(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["emulator", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--port", "--seed", "--speed", "--scale", "--strict-limits", "--chaos"):
        assert flag in out
