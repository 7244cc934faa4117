"""Flow ids both ways (issue 21): the public sources disagree on whether a flow path takes the flow
list item's ``ID`` or its ``flowID``. Against an emulator that accepts only one of them, the client
(through a Session, as the TUI and the core use it) works end to end, remembers the convention in
the store, and a restarted process goes straight to it.
"""

from __future__ import annotations

import pytest

from tui.api.http import ApiError
from tui.core.session import Session
from tui.emulator import EmulatorOptions
from tui.emulator.server import served
from tui.store import Store

from .conftest import liveramp_profile


def _node_values(params) -> list[dict]:
    nodes = []
    for node in params.flow_run_parameters:
        values = {}
        for p in node.parameter_metadata_list:
            t = (p.field_type or "").upper()
            values[p.name] = "2026-10-01" if t == "DATE" else ("14" if t == "INTEGER" else "ALL")
        nodes.append({"nodeIdentifier": node.node_id, "parameters": values})
    return nodes


async def _room_with_flows(client):
    for room in await client.list_cleanrooms():
        try:
            flows = await client.list_flows(room.id)
        except ApiError:
            continue
        if flows.clean_room_flows:
            return room, flows.clean_room_flows[0]
    pytest.fail("no flows in the demo world")


def _flow_paths(client, flow) -> dict[str, int]:
    """Requests sent to the flow's path, by which id they used."""
    counts = {"ID": 0, "flowID": 0}
    for key, n in client.calls.items():
        for name, ident in (("ID", flow.id), ("flowID", flow.flow_id)):
            if f"/cleanroom-flows/{ident}" in key:
                counts[name] += n
    return counts


@pytest.mark.parametrize("accepted", ["ID", "flowID"])
async def test_flow_and_flow_run_work_whichever_id_the_platform_takes(accepted, clock, state_dir, tmp_path):
    with served(EmulatorOptions(seed=7, clock=clock, flow_ids=accepted)) as emu:
        profile = liveramp_profile(emu.base_url)
        store = Store.open(tmp_path / "cache.db")
        session = Session(profile, store=store)
        client = session.client
        room, flow = await _room_with_flows(client)
        assert flow.id != flow.flow_id
        got = await client.get_flow(room.id, flow.id)
        assert got.display_id == flow.display_id
        assert await client.flow_node_details(room.id, flow.id)
        params = await client.flow_run_parameters(room.id, flow.id)
        run = await client.create_flow_run(room.id, flow.id, f"ids {accepted}", _node_values(params))
        assert run.id and run.status
        listed = await client.list_flow_runs(room.id, flow.id)
        assert run.id in {r.id for r in listed.clean_room_flow_runs}
        clock.advance(hours=6)
        assert await client.flow_run_status(room.id, run.id) in {"COMPLETED", "FAILED"}
        assert client.flow_convention == accepted
        assert store.convention_get(profile.name, "flow_ids") == accepted
        # exactly one 404 was spent learning the convention (none when ID, the first guess, works)
        first = _flow_paths(client, flow)
        assert first["flowID" if accepted == "ID" else "ID"] == (0 if accepted == "ID" else 1)
        await session.aclose()
        store.close()

        # a restart: a new store handle on the same file, a new session and client
        store = Store.open(tmp_path / "cache.db")
        session = Session(profile, store=store)
        client = session.client
        assert client.flow_convention == accepted
        assert (await client.get_flow(room.id, flow.id)).display_id == flow.display_id
        assert await client.list_flow_runs(room.id, flow.id)
        wrong = "flowID" if accepted == "ID" else "ID"
        assert _flow_paths(client, flow)[wrong] == 0  # straight to the remembered convention
        await session.aclose()
        store.close()


async def test_other_errors_are_never_retried_with_the_other_id(clock, state_dir):
    with served(EmulatorOptions(seed=7, clock=clock, flow_ids="flowID")) as emu:
        session = Session(liveramp_profile(emu.base_url))
        client = session.client
        room, flow = await _room_with_flows(client)
        emu.app.state.chaos.set("POST /v1/cleanrooms/*/cleanroom-flows/*/cleanroom-flow-runs=500")
        with pytest.raises(ApiError) as info:
            await client.create_flow_run(room.id, flow.id, "never twice", [])
        assert info.value.status == 500
        posts = sum(n for key, n in client.calls.items() if key.startswith("POST") and "cleanroom-flow-runs" in key)
        assert posts == 1  # the write went out once, with the first id; a 500 is not a 404
        emu.app.state.chaos.clear()
        await session.aclose()
