"""`:` jumps anywhere by name or display id; `?` lists every binding from the one source."""

from __future__ import annotations

from textual.command import CommandPalette

from tui.ui.bindings import COMMANDS

from .conftest import SIZE, press, screen_text, wait_for_workers


async def _jump(pilot, query: str, key: str = "colon") -> None:
    await press(pilot, key)
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*query)
    # the palette searches in a worker, debounced: wait until a hit is highlighted
    for _ in range(50):
        await pilot.pause(0.02)
        if pilot.app.screen.query("CommandList") and pilot.app.screen.query_one("CommandList").option_count:
            break
    await press(pilot, "enter")


async def test_colon_jumps_to_a_question_by_display_id(world):
    app, lr, _inf = world
    question = lr.find_question("CRQ-146303")
    room = lr.cleanrooms[question.room_id]
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await _jump(pilot, "CRQ-146303")
        await wait_for_workers(pilot)
        assert type(app.screen).__name__ == "QuestionScreen"
        assert app.screen.target.id == question.id
        # breadcrumbs follow the hierarchy, and Back goes to the room
        assert f"Home › {room.display_id} {room.name} › CRQ-146303 {question.title}" in screen_text(app)
        await press(pilot, "escape")
        assert type(app.screen).__name__ == "CleanRoomScreen"


async def test_ctrl_p_jumps_to_a_collaboration_by_name(world):
    app, _lr, inf = world
    name = "Loyalty x CTV Pilot"
    assert name in {c.name for c in inf.collaborations.values()}
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await _jump(pilot, name, key="ctrl+p")
        await wait_for_workers(pilot)
        assert type(app.screen).__name__ == "CollaborationScreen"
        assert app.screen.target.name == name


async def test_colon_jumps_to_a_room_by_display_id_from_deep_inside(world):
    app, lr, _inf = world
    room = lr.find_room("CR-265025")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await press(pilot, "enter")  # some other room
        origin = app.screen
        assert origin.target.id != room.id
        await _jump(pilot, "CR-265025")
        await wait_for_workers(pilot)
        assert app.screen.target.id == room.id
        # breadcrumbs show where the room sits, not the way we came ...
        text = screen_text(app)
        assert f"Home › {room.display_id} {room.name}" in text and origin.target.name not in text.splitlines()[1]
        # ... and Back returns to where we jumped from; H goes home from anywhere
        await press(pilot, "escape")
        assert app.screen is origin
        await _jump(pilot, "CR-265025")
        await wait_for_workers(pilot)
        await press(pilot, "H")
        assert type(app.screen).__name__ == "HomeScreen" and len(app.screen_stack) == 1


async def test_jumping_to_where_you_are_does_nothing_and_deep_stacks_start_from_home(world):
    app, lr, _inf = world
    room = lr.find_room("CR-265025")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await _jump(pilot, "CR-265025")
        await wait_for_workers(pilot)
        depth = len(app.screen_stack)
        await _jump(pilot, "CR-265025")
        assert len(app.screen_stack) == depth and app.screen.target.id == room.id
        app.MAX_STACK = depth + 1  # the next jump would go past it
        await _jump(pilot, "CRQ-146303")
        await wait_for_workers(pilot)
        assert type(app.screen).__name__ == "QuestionScreen"
        assert len(app.screen_stack) == 3  # home › room › question


async def test_help_lists_every_binding(world):
    app, _lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        await press(pilot, "question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        text = screen_text(app)
        for command in COMMANDS[:12]:
            assert command.description in text
        # the rest is below the fold: the table the help screen renders holds all of them
        from tui.ui.screens.help import help_table

        rendered = " ".join(str(cell) for col in help_table(False).columns for cell in col._cells)
        for command in COMMANDS:
            assert command.description in rendered and command.help in rendered
        await press(pilot, "escape")
        assert type(app.screen).__name__ == "HomeScreen"
        await press(pilot, "f1")
        assert type(app.screen).__name__ == "HelpScreen"


async def test_footer_and_help_share_the_binding_ids(world):
    app, _lr, _inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        active = {b.binding.id for b in app.screen.active_bindings.values() if b.binding.id}
        assert {"quit", "help", "jump", "back", "refresh", "filter", "copy-id", "export", "open"} <= active
        assert active <= {c.id for c in COMMANDS}
