import json
import os

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


def test_an_empty_command_line_means_what_the_parser_would_make_of_it():
    from tui.cli import build_parser, no_arguments

    assert vars(no_arguments()) == vars(build_parser(None).parse_args([]))


def test_a_bare_start_opens_the_demo_with_the_collector_paused_until_the_first_frame(monkeypatch):
    import gc

    import tui.ui.app
    from tui.core import prefetch

    seen = {}

    def run(profiles, **kw):
        seen.update(gc=gc.isenabled(), prefetch=kw["prefetch"], profiles=[p.name for p in profiles])
        return 0

    monkeypatch.setattr(tui.ui.app, "run", run)
    monkeypatch.setenv(prefetch.SWITCH_ENV, "0")
    try:
        assert main([]) == 0
    finally:
        gc.enable()
    assert seen == {"gc": False, "prefetch": None, "profiles": ["demo-liveramp", "demo-infosum"]}


@pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2, reason="the head start forks")
@pytest.mark.parametrize("store_file", [False, True], ids=["first start", "after cache clear"])
def test_a_demo_start_with_nothing_cached_gets_the_head_start(monkeypatch, store_file):
    import gc

    import tui.ui.app
    from tui.core import prefetch
    from tui.store import Store

    if store_file:  # the store is there, the home screen is not (``cache clear`` keeps the file)
        Store.open().close()
    monkeypatch.delenv(prefetch.SWITCH_ENV, raising=False)
    seen = {}

    def run(profiles, **kw):
        started = kw["prefetch"]
        assert started is not None and started.read(block=True)
        seen["rooms"] = len(started.answers["demo-liveramp"]["rooms"])
        return 0

    monkeypatch.setattr(tui.ui.app, "run", run)
    try:
        assert main([]) == 0
    finally:
        gc.enable()
    assert seen["rooms"] > 0
