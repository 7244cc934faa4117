"""Reconciling a lost answer says "nothing was created" only when the listing ran out; otherwise the
launch stays unresolved ("do not launch again yet") — for flow runs as for question runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tui.api.http import ApiError, server_clock_offset
from tui.api.liveramp.models import FlowRun, FlowRunList
from tui.config import Budget, Profile
from tui.core.launch import FLOW_RUN, Launcher, LaunchFailed, LaunchUnknown, target_of
from tui.emulator import ManualClock
from tui.store import Store

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LOST = ApiError(message="connection failed (ReadError)", code="NETWORK", retryable=True, method="POST",
                path="/v1/cleanrooms/c1/flows/f1/cleanroom-flow-runs")
REQUEST = {"name": "nightly", "nodes": []}


class FakeFlows:
    """Flow runs named alike, more than a few pages of them; the create's answer is lost."""

    def __init__(self, others: int, *, created: bool) -> None:
        self.profile = Profile(name="lr", platform="liveramp", base_url="https://api.example", client_id="c",
                               budget=Budget())
        self.runs = [FlowRun(id=f"old-{i}", name="nightly", flow_run_parameters=[]) for i in range(others)]
        self.created = created
        self.pages: list[int] = []

    async def create_flow_run(self, cleanroom_id, flow_id, name, nodes, pause_level=None):
        if self.created:
            self.runs.append(FlowRun(id="new", name=name))
        raise LOST

    async def list_flow_runs(self, cleanroom_id, flow_id, search=None, limit=30, offset=0):
        self.pages.append(offset)
        # every run of that name is a match by name; the ones already journaled are claimed
        return FlowRunList(clean_room_flow_runs=self.runs[offset:offset + limit], count=len(self.runs))


@pytest.fixture
def clock():
    return ManualClock(T0)


async def _launch(client, clock, claimed: int):
    store = Store.in_memory(now=clock.now)
    launcher = Launcher(client, store, now=clock.now)
    for i in range(claimed):  # earlier launches of the same thing own these runs
        jid = store.journal_intent("lr", "liveramp", target_of(FLOW_RUN, "c1", "f1"),
                                   launcher._flow_fingerprint(REQUEST), REQUEST)
        store.journal_succeeded(jid, f"old-{i}")
    return await launcher.launch_flow_run("c1", "f1", REQUEST, allow_duplicate=True)


async def test_a_flow_listing_that_never_runs_out_keeps_the_launch_unresolved(clock):
    client = FakeFlows(others=400, created=False)
    with pytest.raises(LaunchUnknown, match="do not launch again"):
        await _launch(client, clock, claimed=400)
    assert client.pages == [0, 100, 200]  # the check's pages, then it stopped short of "safe"


async def test_a_flow_listing_that_ran_out_may_say_nothing_was_created(clock):
    client = FakeFlows(others=150, created=False)
    with pytest.raises(LaunchFailed, match="safe to launch again"):
        await _launch(client, clock, claimed=150)
    assert client.pages == [0, 100]


async def test_a_flow_run_beyond_the_first_page_is_found(clock):
    client = FakeFlows(others=150, created=True)
    outcome = await _launch(client, clock, claimed=150)
    assert outcome.recovered and outcome.object_id == "new"


def test_the_date_header_gives_the_platforms_clock_offset():
    assert server_clock_offset("Fri, 30 Oct 2026 09:00:00 GMT", T0) == timedelta(days=-3)
    assert server_clock_offset(None, T0) is None
    assert server_clock_offset("not a date", T0) is None
