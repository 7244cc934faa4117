"""Hostile strings (tests/data/hostile_strings.json) in every text field of the emulated worlds.

The TUI walks every main screen of a hostile world and must show it all inert: markup literal,
escape sequences and control characters as visible pictures, no bidi overrides, no lone
surrogates, and layouts that still fit the terminal. The headless commands must print the same
world without passing a single control character to the terminal, in tables and in JSON.
"""

from __future__ import annotations

import json
import re

import pytest
from rich.cells import cell_len

from tests.helpers import profile_file, screen_text, table, wait_for_workers
from tui.cli import main
from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.server import served

from .conftest import SIZE, emulator_of
from .test_tui_drills import SCREENS

#: what must never reach a terminal from API text: C0 (but newline), DEL, C1, bidi controls, surrogates
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _segments_inert(app) -> int:
    """Every segment the compositor would write is free of control characters of its own."""
    update = app.screen._compositor.render_update(full=True)
    seen = 0
    for line in update.strips:
        for strip in line:
            for segment in strip:
                seen += 1
                found = FORBIDDEN.search(segment.text)
                assert found is None, f"{found.group()!r} in {segment.text[:80]!r}"
                # markup never became behaviour: no click actions or links from API text
                meta = segment.style.meta if segment.style is not None else {}
                assert "@click" not in meta, (segment.text, meta)
                assert not (segment.style is not None and segment.style.link), segment.text
    return seen


def _tab_count(app) -> int:
    from textual.widgets import TabbedContent

    tabs = list(app.screen.query(TabbedContent))
    return len(list(tabs[0].query("TabPane"))) if tabs else 1


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_hostile_world_renders_inert_on_every_screen(make_app, screen):
    app = make_app(hostile=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await SCREENS[screen](pilot)
        await wait_for_workers(pilot)
        for _ in range(_tab_count(app)):  # every tab of the screen: names, cells, columns, reasons
            _check_inert(app, screen)
            await pilot.press("right_square_bracket")
            await wait_for_workers(pilot)


def _check_inert(app, screen: str) -> None:
    assert app.is_running and app._exception is None  # [@click=app.quit] did not quit, no crash
    text = screen_text(app)
    lines = text.splitlines()
    assert len(lines) <= SIZE[1], "layout fits"
    wide = [line for line in lines if cell_len(line) > SIZE[0]]
    assert not wide, f"lines wider than the terminal: {wide}"
    assert "Traceback" not in text and "Unexpected error" not in text, text
    assert _segments_inert(app)
    assert not FORBIDDEN.search(text)
    # the strings are there, shown literally rather than obeyed
    shown = {"[bold]Bold?[/bold]", "[@click=app.quit]", "␛[", "[/] closing nothing", "␇", "Long name segment",
             "<script>", "\ufffd", "family"}
    assert any(s in text for s in shown), text
    if screen == "home":
        assert "[bold]Bold?[/bold]" in text or "[/] closing nothing" in text
        assert "␛" in text
    # the footer (keys) is still the last line: nothing pushed it off
    assert "esc Back" in lines[-1] or "Open" in lines[-1], lines[-1]


async def test_hostile_names_in_the_jump_palette_notifications_and_exports(make_app, tmp_path):
    app = make_app(hostile=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        for index in (0, 1):  # rooms and collaborations, exported as CSV and JSON
            for suffix in ("csv", "json"):
                path = tmp_path / f"table-{index}.{suffix}"
                assert table(app, f"#table-{index}").export(path) > 0
                data = path.read_bytes().decode("utf-8")  # valid UTF-8 (no lone surrogates)
                assert not FORBIDDEN.search(data.replace("\n", " ").replace("\r", " ").replace("\t", " "))
                if suffix == "json":
                    json.loads(data)
        await pilot.press("y")  # "Copied <id>" notification: ids are ours, but the row is hostile
        await pilot.press("colon", "e")  # matches most hostile names
        for _ in range(30):
            await pilot.pause(0.01)
        text = screen_text(app)
        assert not FORBIDDEN.search(text) and _segments_inert(app)
        await pilot.press("escape")
        assert app.is_running and app._exception is None
        lr = emulator_of(app).state.liveramp
        assert all(FORBIDDEN.search(r.name) or "[" in r.name or "<" in r.name or len(r.name) > 100
                   or not r.name.isascii() or "%" in r.name for r in lr.cleanrooms.values())  # really hostile


@pytest.fixture(scope="module")
def hostile_emu():
    with served(EmulatorOptions(seed=7, clock=ManualClock(), hostile=True)) as emu:
        yield emu


@pytest.fixture
def hostile_cli(hostile_emu, tmp_path, monkeypatch, fast_retries):
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG", str(profile_file(tmp_path / "config.toml", hostile_emu.base_url)))
    monkeypatch.setenv("HL_LR_SECRET", "demo-secret")
    monkeypatch.setenv("HL_IS_KEY", "demo-key")
    yield hostile_emu


def _collab(emu) -> str:
    return next(c.id for c in emu.infosum.collaborations.values() if c.status == "STATUS_ACTIVE")


def _run(emu) -> str:
    lr = emu.liveramp
    return next(r.id for r in lr.runs.values() if r.plan.final == "FAILED")


HEADLESS = {
    "rooms": lambda emu: ["rooms"],
    "runs": lambda emu: ["runs", "--room", "CR-199659"],
    "run": lambda emu: ["run", _run(emu)],
    "events": lambda emu: ["events", _collab(emu), "--limit", "40"],
    "status": lambda emu: ["status"],
    "watch": lambda emu: ["watch", _run(emu)],
    "collaborations": lambda emu: ["collaborations"],
    "schedules": lambda emu: ["schedules", "--question", "CRQ-684183"],
}


@pytest.mark.parametrize(("command", "mode"), [pytest.param(c, m, id=f"{c}.{m}") for c in HEADLESS
                                               for m in ("table", "json", "jsonl")])
def test_headless_output_is_inert(hostile_cli, capsysbinary, command, mode):
    argv = HEADLESS[command](hostile_cli) + ([] if mode == "table" else [f"--{mode}"])
    code = main(argv)
    out, err = capsysbinary.readouterr()
    text, errors = out.decode("utf-8"), err.decode("utf-8")  # valid UTF-8: no lone surrogates escaped raw
    assert code in (0, 1, 4), errors
    assert "Traceback" not in errors
    assert not FORBIDDEN.search(text), repr(FORBIDDEN.search(text).group())
    assert not FORBIDDEN.search(errors.replace("\n", " ")), errors
    if mode == "json":
        json.loads(text)
    elif mode == "jsonl":
        for line in text.splitlines():
            json.loads(line)
