"""Flow ids both ways in the TUI (issue 21): against an emulator that accepts only the flow's ``ID``,
or only its ``flowID``, a flow opens, a flow run is launched (the confirmation shows the id that
will be sent) and its screen opens; the convention learned is kept in the store, so the app
started again goes straight to it."""

from __future__ import annotations

import pytest

from tests.helpers import open_flow_form
from tui.store import Store
from tui.ui.jump_index import Target
from tui.ui.screens.flow import FlowScreen
from tui.ui.screens.flow_run import FlowRunScreen
from tui.ui.screens.launch_confirm import LaunchConfirmScreen

from .conftest import SIZE, press, wait_for_workers


@pytest.mark.parametrize("accepted", ["ID", "flowID"])
async def test_flow_and_flow_run_from_the_tui_whichever_id_the_platform_takes(accepted, make_app, clock, tmp_path):
    def only(emulator_app) -> None:
        emulator_app.state.liveramp.flow_ids = accepted

    path = tmp_path / "cache.db"
    store = Store.open(path, now=clock.now)
    app = make_app(store=store, prepare=only)
    world = app.sessions[0].demo.app().state.liveramp
    async with app.run_test(size=SIZE) as pilot:
        flow_t = await open_flow_form(pilot, app, world, pause="")
        flow = world.flows[flow_t.id]
        sent_id = flow.id if accepted == "ID" else flow.flow_id
        before = set(world.flow_runs)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LaunchConfirmScreen)
        assert f"/cleanroom-flows/{sent_id}/cleanroom-flow-runs" in app.screen.body.plain
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        [run_id] = set(world.flow_runs) - before
        app.open(app.sessions[0], Target("flow_run", run_id, "run", "demo-liveramp", path=(*flow_t.path, flow_t)))
        await wait_for_workers(pilot)
        assert isinstance(app.screen, FlowRunScreen) and app.screen.run.id == run_id
    assert store.convention_get("demo-liveramp", "flow_ids") == accepted
    store.close()

    # started again on the same store: the client knows the convention before its first flow call
    store = Store.open(path, now=clock.now)
    app = make_app(store=store, prepare=only)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        client = app.sessions[0].client
        assert client.flow_convention == accepted
        app.open(app.sessions[0], flow_t)
        await wait_for_workers(pilot)
        assert isinstance(app.screen, FlowScreen)
        wrong = flow.flow_id if accepted == "ID" else flow.id
        assert not [k for k in client.calls if f"/cleanroom-flows/{wrong}" in k]
    store.close()
