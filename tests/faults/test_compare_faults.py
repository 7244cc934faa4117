"""Fault drills and hostile strings on the compare screen and the headless ``compare`` (issue 20.1).

- TUI: a fault on the result pages (5xx, a proxy's HTML page, cut or invalid JSON, a dropped
  answer, a 429) while two runs are compared shows an explained error where the comparison is, keeps
  whatever was joined, never crashes; ``r`` once the platform is healthy compares in full.
- Headless: ``compare RUN --json`` under every fault of the matrix answers 0 (absorbed), 3 (an
  API error on stderr) or 4 (from the cache, said so), stdout clean JSON; fresh again afterwards.
- Hostile world: result cells and column names, run names and parameter values from the corpus are
  shown inert on the compare screen.
"""

from __future__ import annotations

import json

import pytest
from rich.cells import cell_len

from tests.helpers import press, profile_file, screen_text, wait_for_workers
from tui.cli import main
from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.liveramp.lifecycle import run_state
from tui.emulator.server import served
from tui.store import Store
from tui.ui.jump_index import Target

from .conftest import FAULTS, SIZE
from .new_screens import assert_sane, errors, lr, session_of
from .test_hostile import FORBIDDEN, _segments_inert

DATA_FAULTS = ("500", "502", "503", "malformed-json", "truncated-body", "connection-dropped", "429")


def comparable(world, now):
    """(question, its completed runs newest first) for a question with string dimensions."""
    for q in world.questions.values():
        if not any(c.kind == "dimension" for c in q.template.columns) or q.template.exact_rows:
            continue
        done = [world.runs[r] for r in world.runs_by_question.get(q.id, [])
                if run_state(world.runs[r], now).status == "COMPLETED"]
        if len(done) >= 2:
            return q, sorted(done, key=lambda r: r.submitted_at, reverse=True)
    raise AssertionError("no comparable question")


async def open_compare(pilot, clock):
    app = pilot.app
    await wait_for_workers(pilot)
    q, done = comparable(lr(app), clock.now())
    session = session_of(app, "liveramp")
    app.open(session, Target("question", q.id, q.title, session.name, q.display_id))
    await wait_for_workers(pilot)
    runs = app.screen.query_one("#runs-pane").table
    assert runs.select_key(done[0].id)
    await press(pilot, "c")
    assert type(app.screen).__name__ == "CompareScreen"
    return done


@pytest.mark.parametrize("fault", DATA_FAULTS)
async def test_a_fault_on_the_result_pages_is_a_view_and_r_recovers(make_app, clock, fault):
    app = make_app(store=Store.in_memory(now=clock.now))
    emu = app.sessions[0].demo.app()
    async with app.run_test(size=SIZE) as pilot:
        emu.state.chaos.set("GET /v1/cleanroom-question-runs/*/data=" + FAULTS[fault].split("=", 1)[1])
        await open_compare(pilot, clock)
        await wait_for_workers(pilot)
        assert_sane(app)
        assert errors(app), screen_text(app)  # the error is shown where the comparison is
        emu.state.chaos.clear()
        await press(pilot, "r")
        await wait_for_workers(pilot)
        assert not errors(app), screen_text(app)
        assert app.screen.comparison is not None and app.screen.comparison.complete
        assert "all rows compared" in screen_text(app)


async def test_hostile_results_and_names_render_inert_on_the_compare_screen(make_app, clock):
    app = make_app(hostile=True, store=Store.in_memory(now=clock.now))
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot, clock)
        await wait_for_workers(pilot)
        for tab in ("differences", "parameters"):
            app.screen.show_tab(tab)
            await wait_for_workers(pilot)
            text = assert_sane(app)
            lines = text.splitlines()
            assert len(lines) <= SIZE[1]
            assert not [line for line in lines if cell_len(line) > SIZE[0]]
            assert _segments_inert(app)
            assert not FORBIDDEN.search(text), repr(FORBIDDEN.search(text).group())
        cmp = app.screen.comparison
        assert cmp is not None and cmp.complete and cmp.dims


WORLD_CLOCK = ManualClock()


@pytest.fixture(scope="module")
def emu():
    with served(EmulatorOptions(seed=7, clock=WORLD_CLOCK)) as emulator:
        yield emulator


@pytest.fixture
def _config(emu, tmp_path, monkeypatch, fast_retries):
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG", str(profile_file(tmp_path / "config.toml", emu.base_url)))
    monkeypatch.setenv("HL_LR_SECRET", "demo-secret")
    monkeypatch.setenv("HL_IS_KEY", "demo-key")
    emu.app.state.chaos.clear()
    yield
    emu.app.state.chaos.clear()


def _call(capsys, argv):
    code = main([*argv, "--json", "--profile", "emu-lr"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("_config")
@pytest.mark.parametrize("fault", list(FAULTS))
def test_headless_compare_survives_fault(emu, capsys, fault):
    q, done = comparable(emu.liveramp, WORLD_CLOCK.now())
    code, out, err = _call(capsys, ["compare", done[0].id, "--rows", "1000"])
    assert code == 0, err
    healthy = json.loads(out)
    assert healthy["b"]["id"] == done[0].id and healthy["a"]["id"] == done[1].id

    emu.app.state.chaos.set(FAULTS[fault].replace("latency:30s", "latency:20ms").replace("drip:2s", "drip:1ms"))
    code, out, err = _call(capsys, ["compare", done[0].id, "--rows", "1000"])
    assert "Traceback" not in err and "\x1b" not in out + err
    assert code in (0, 3, 4), (code, err)
    if out.strip():
        answer = json.loads(out)  # stdout stays clean JSON
        assert answer["rows"] == healthy["rows"]  # compared results are immutable: from the cache if need be
    if code == 3:
        assert "error" in err.lower(), err

    emu.app.state.chaos.clear()
    code, out, err = _call(capsys, ["compare", done[0].id, "--rows", "1000"])
    assert code in (0, 4), err
    assert json.loads(out)["rows"] == healthy["rows"]


@pytest.mark.usefixtures("_config")
def test_headless_compare_text_and_usage_errors(emu, capsys):
    q, done = comparable(emu.liveramp, WORLD_CLOCK.now())
    code = main(["compare", done[0].id, done[1].id, "--profile", "emu-lr", "--limit", "5"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Run A" in out and "Run B" in out and "Largest changes (5 of" in out and "Compared" in out
    code = main(["compare", done[0].id, done[0].id, "--profile", "emu-lr"])
    out, err = capsys.readouterr()
    assert code == 2 and "same run twice" in err
