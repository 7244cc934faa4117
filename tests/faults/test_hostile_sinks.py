"""Issue 16: platform text in the sinks the hostile-world drill did not reach — the launch form's
pre-filled fields (launch and run again), ``y`` (clipboard and its toast), a remembered value that is
no longer among an enforced list's choices, and the exports.

Each test seeds the demo world with one hostile value where a real platform could return it.
"""

from __future__ import annotations

import re

from textual.widgets import Input, Select

from tests.helpers import OVERLAP, TIMING, field_input, press, question_target, screen_text, wait_for_workers
from tui.store import Store
from tui.ui.jump_index import Target
from tui.ui.screens.launch import LaunchScreen
from tui.ui.screens.run import RunScreen

from .conftest import SIZE
from .new_screens import lr, toasts

#: what must never come out of the gate: C0 but newline/tab, DEL, C1, bidi, separators, surrogates
RAW = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

TITLE = "Q \x1b]0;pwned\x07 title\u2028two"
RESET = "\x1bc"  # "reset the terminal"
CSI8 = "\u009b2J"  # 8-bit CSI: clear the screen


def _inputs(screen) -> dict[str, str]:
    return {w.id: w.value for w in screen.query(Input)}


async def _run_again(pilot, app, display_id: str, edit) -> LaunchScreen:
    world = lr(app)
    qid = question_target(app, world, display_id).id
    old = next(r for r in world.runs.values() if r.question_id == qid and r.parameters)
    edit(world, old)
    question = question_target(app, world, display_id)  # after the edit: its title as the platform has it
    run_t = Target("run", old.id, old.name, "demo-liveramp", path=(*question.path, question))
    app.open(app.sessions[0], run_t)
    await wait_for_workers(pilot)
    assert isinstance(app.screen, RunScreen)
    await press(pilot, "R")
    await wait_for_workers(pilot)
    assert isinstance(app.screen, LaunchScreen) and app.screen.form is not None
    return app.screen


async def test_run_again_with_escape_sequences_prefills_inert_values_and_says_so(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))

    def edit(world, run):
        world.questions[run.question_id].question.title = TITLE
        for part in run.partition_parameters:
            part["value"] = f"2026-10-01{RESET}{CSI8}"
        for name in run.parameters:
            run.parameters[name] = "14\x1b[2J\u202e"

    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        screen = await _run_again(pilot, app, TIMING, edit)
        values = _inputs(screen)
        assert values, "the form has inputs"
        for wid, value in values.items():
            assert not RAW.search(value), (wid, value)
        assert "pwned" in values["f-name"] and "␛]0;" in values["f-name"], values["f-name"]
        text = screen_text(app)
        assert "shown and sent as here" in text, text  # said under the changed fields
        assert "the name uses it as shown" in text, text
        body = screen.form.build_request() if not screen.form.errors() else None
        if body is not None:
            assert not RAW.search(str(body))
        assert app.is_running and app._exception is None


async def test_launch_with_a_remembered_value_no_longer_allowed_does_not_crash(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))

    def edit(world, run):
        run.parameters["CRM_ATTRIBUTE"] = "A value removed since the last run"

    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        screen = await _run_again(pilot, app, OVERLAP, edit)
        select = field_input(screen, "CRM_ATTRIBUTE")
        assert isinstance(select, Select)
        assert select.value is Select.NULL  # nothing chosen
        assert "is not among the choices now" in screen_text(app)
        assert screen._ids[select.id] in screen.form.errors()  # and nothing can be sent until one is
        assert app.is_running and app._exception is None


async def test_copy_puts_one_inert_line_on_the_clipboard_and_in_the_toast(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    hostile = "CRQ-1\x1b]2;owned\x07\x1b[2J\nrm -rf ~\u2028x\x9b31m"
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        world = lr(app)
        question = question_target(app, world, TIMING)
        app.open(app.sessions[0], Target("question", question.id, question.name, "demo-liveramp", hostile,
                                         path=question.path))
        await wait_for_workers(pilot)
        app.screen.set_focus(None)  # nothing focused: y copies the screen's own id
        await press(pilot, "y")
        copied = app.clipboard
        assert copied.startswith("CRQ-1") and "rm -rf" in copied
        assert not RAW.search(copied) and "\n" not in copied and "\t" not in copied, repr(copied)
        shown = toasts(app)
        assert "Copied" in shown and not RAW.search(shown.replace("\n", " ")), repr(shown)
