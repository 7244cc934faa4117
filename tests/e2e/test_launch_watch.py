"""Launch safety and the watcher against the emulator over real HTTP, on a manual clock.

- a create-run whose answer is dropped creates exactly one run, and the journal says which;
- a crash between the POST and the journal's outcome is settled at the next start by listing;
- watching 20 runs for a simulated hour in strict-limits mode never crosses a limit, costs fewer
  calls than polling every run, and delivers the failed run's reason;
- a 429 backs the watcher off until the hour frees.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from tests.helpers import DropAnswer, fill, ready_questions
from tui.api.http import NO_RETRY
from tui.api.liveramp import LiveRampClient
from tui.core.launch import BudgetExhausted, Launcher
from tui.core.watch import PollFailed, RunFinished, Watcher
from tui.store import Store

from .conftest import liveramp_profile

pytestmark = pytest.mark.usefixtures("state_dir")


class Crash(BaseException):
    """The app dying mid-launch (not an Exception: nothing should catch it on the way up)."""


class DiesAfterIntent:
    """The store as a crashed process leaves it: the intent was written, no outcome ever was."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def journal_succeeded(self, *args, **kwargs) -> None:
        pass

    def journal_failed(self, *args, **kwargs) -> None:
        pass


async def test_a_dropped_create_answer_creates_exactly_one_run(emulator, clock):
    profile = liveramp_profile(emulator.base_url)
    drop = DropAnswer(httpx.AsyncHTTPTransport())
    store = Store.in_memory(now=clock.now)
    async with LiveRampClient(profile, transport=drop) as client:
        launcher = Launcher(client, store, now=clock.now)
        question = (await ready_questions(client))[0]
        form = fill(await launcher.prepare_launch(question.id, now=clock.now()))
        world = emulator.liveramp
        before = set(world.runs_by_question.get(question.id, []))
        drop.arm("/create-run")
        outcome = await launcher.launch_form(form)
        new = set(world.runs_by_question[question.id]) - before
        assert drop.dropped == 1 and len(new) == 1, "exactly one run, however the answer went missing"
        assert outcome.recovered and outcome.object_id == new.pop()
        assert client.calls[f"POST /v1/cleanroom-questions/{question.id}/create-run"] == 1
        entry = store.journal_get(outcome.journal_id)
        assert (entry.state, entry.object_id) == ("reconciled", outcome.object_id)
        assert "found by listing" in entry.note
        assert store.journal_unresolved(profile.name) == []
        assert world.runs[outcome.object_id].name == form.name


async def test_a_crash_mid_launch_is_settled_by_listing_at_the_next_start(emulator, clock):
    profile = liveramp_profile(emulator.base_url)
    store = Store.in_memory(now=clock.now)
    world = emulator.liveramp
    after_send = DropAnswer(httpx.AsyncHTTPTransport(), raise_after=Crash)
    before_send = DropAnswer(httpx.AsyncHTTPTransport(), raise_after=Crash, before=True)
    async with LiveRampClient(profile, transport=after_send) as client, \
            LiveRampClient(profile, transport=before_send) as client2:
        questions = await ready_questions(client)
        # the POST reached the platform, then the app died before writing the outcome
        dying = Launcher(client, DiesAfterIntent(store), now=clock.now)
        sent = fill(await dying.prepare_launch(questions[0].id, now=clock.now()))
        after_send.arm("/create-run")
        with pytest.raises(Crash):
            await dying.launch_form(sent)
        # the app died before this POST left
        never = fill(await dying.prepare_launch(questions[1].id, now=clock.now()))
        before_send.arm("/create-run")
        with pytest.raises(Crash):
            await Launcher(client2, DiesAfterIntent(store), now=clock.now).launch_form(never)
    created = [r for r in world.runs.values() if r.name == sent.name]
    assert len(created) == 1 and not [r for r in world.runs.values() if r.name == never.name]
    assert [e.state for e in store.journal_unresolved(profile.name)] == ["pending", "pending"]

    clock.advance(minutes=3)  # the next start
    async with LiveRampClient(profile) as client:
        results = await Launcher(client, store, now=clock.now).reconcile_unresolved()
        assert client.calls.get(f"POST /v1/cleanroom-questions/{questions[0].id}/create-run") is None
    by_result = {r.result: r for r in results}
    assert set(by_result) == {"found", "not_created"}
    assert by_result["found"].object_id == created[0].id
    assert by_result["not_created"].entry.request["name"] == never.name
    assert store.journal_unresolved(profile.name) == []
    assert store.journal_get(by_result["found"].entry.id).object_id == created[0].id


async def test_watching_20_runs_for_an_hour_inside_strict_limits(strict_emulator, clock):
    world = strict_emulator.liveramp
    profile = liveramp_profile(strict_emulator.base_url)
    store = Store.in_memory(now=clock.now)
    events: list = []
    async with LiveRampClient(profile) as client:
        launcher = Launcher(client, store, now=clock.now)
        watcher = Watcher(store, now=clock.now, on_event=events.append)
        watcher.attach(client, ledger=launcher.ledger)
        questions = (await ready_questions(client))[:4]
        forms = {q.id: fill(await launcher.prepare_launch(q.id, now=clock.now())) for q in questions}
        launched = []
        for i in range(20):
            question = questions[i % 4]
            outcome = await launcher.launch_form(forms[question.id], allow_duplicate=True)
            watcher.watch_launch(outcome)
            launched.append(outcome.object_id)
        with pytest.raises(BudgetExhausted) as refused:
            await launcher.launch_form(forms[questions[0].id], allow_duplicate=True)
        assert refused.value.free_at == clock.now() + timedelta(hours=1)
        doomed = world.runs[launched[2]].plan
        doomed.final, doomed.failure_reason = "FAILED", "Crowd size threshold not met: every row was suppressed"
        doomed.run_message = "All result rows suppressed by the privacy threshold"
        reads_before = sum(world.counters.status_reads.values())

        end = clock.now() + timedelta(hours=1)
        while (wake := watcher.next_wake()) is not None and wake <= end:
            clock.set(max(wake, clock.now()))
            await watcher.tick()

    assert world.limit_violations == []
    assert max(world.counters.status_reads.values()) <= 20
    finished = {e.run.object_id: e for e in events if isinstance(e, RunFinished)}
    assert set(finished) == set(launched) and watcher.items() == []
    assert finished[launched[2]].reason == "Crowd size threshold not met: every row was suppressed"
    made = sum(world.counters.status_reads.values()) - reads_before
    assert made == sum(watcher.calls.values())
    # one GET per run every 5 minutes until it finished
    naive = 0
    for run_id in launched:
        plan = world.runs[run_id].plan
        naive += -(-int(sum(seconds for _status, seconds in plan.phases)) // 300)
    assert made < naive, (made, naive)


async def test_a_429_backs_off_until_the_hour_frees(strict_emulator, clock):
    world = strict_emulator.liveramp
    profile = liveramp_profile(strict_emulator.base_url)
    events: list = []
    async with LiveRampClient(profile) as client, LiveRampClient(profile, retry=NO_RETRY) as watching:
        question = (await ready_questions(client))[0]
        launcher = Launcher(client, Store.in_memory(now=clock.now), now=clock.now)
        outcome = await launcher.launch_form(fill(await launcher.prepare_launch(question.id, now=clock.now())))
        for _ in range(20):  # someone else with the same API user spends the run's hour
            await client.get_run(outcome.object_id)
        watcher = Watcher(now=clock.now, on_event=events.append)
        watcher.attach(watching)
        watcher.watch_launch(outcome)
        clock.advance(minutes=5)
        await watcher.tick()
        [failed] = [e for e in events if isinstance(e, PollFailed)]
        assert failed.error.status == 429 and failed.retry_at == clock.now() + timedelta(hours=1)
        assert len(world.limit_violations) == 1
        while (wake := watcher.next_wake()) is not None and wake < failed.retry_at:
            clock.set(wake)
            await watcher.tick()
        assert len(world.limit_violations) == 1  # nothing more was sent while backing off
        clock.set(failed.retry_at)
        await watcher.tick()
        assert world.counters.status_reads[outcome.object_id] == 21
        assert len(world.limit_violations) == 1


async def step_until(watcher: Watcher, clock, done, limit: timedelta) -> None:
    end = clock.now() + limit
    while not done() and (wake := watcher.next_wake()) is not None and wake <= end:
        clock.set(max(wake, clock.now()))
        await watcher.tick()
    assert done(), "the expected state was not reached"


async def test_flow_run_launch_pause_resume_and_replay(emulator, clock):
    world = emulator.liveramp
    profile = liveramp_profile(emulator.base_url)
    store = Store.in_memory(now=clock.now)
    events: list = []
    async with LiveRampClient(profile) as client:
        launcher = Launcher(client, store, now=clock.now)
        watcher = Watcher(store, now=clock.now, on_event=events.append)
        watcher.attach(client, ledger=launcher.ledger)
        room = next(r for r in await client.list_cleanrooms() if r.status == "COMPLETE")
        flow = (await client.list_flows(room.id)).clean_room_flows[0]
        history = (await client.list_flow_runs(room.id, flow.id)).clean_room_flow_runs
        last = next(r for r in history if r.status == "COMPLETED")
        form = await launcher.prepare_flow_launch(room.id, flow.id, last_run=last, title=flow.flow.name,
                                                  now=clock.now())
        assert any(form.values.values()), "defaults come from the last flow run"
        fill(form)
        form.pause_level = 1
        started = await launcher.launch_form(form)
        assert started.kind == "flow_run" and launcher.creates_left() == 19
        world.flow_runs[started.object_id].plan.fail_node = None  # this test is about pausing
        item = watcher.watch_launch(started)
        await step_until(watcher, clock, lambda: item.snapshot.status == "PAUSED", timedelta(hours=2))

        resumed = await launcher.resume_flow_run(room.id, started.object_id, flow_id=flow.id)
        assert resumed.kind == "flow_resume" and launcher.creates_left() == 19  # a resume creates nothing
        assert watcher.watch_launch(resumed) is item and item.next_due == clock.now()
        finished = lambda: any(isinstance(e, RunFinished) and e.run.object_id == started.object_id  # noqa: E731
                               for e in events)
        await step_until(watcher, clock, finished, timedelta(hours=2))

        replay = await launcher.replay_flow_run(room.id, flow.id, started.object_id, start_level=2)
        assert replay.object_id not in (started.object_id, "") and launcher.creates_left() == 18
        assert world.flow_runs[replay.object_id].parent_run_id == started.object_id
    entries = [store.journal_get(o.journal_id) for o in (started, resumed, replay)]
    assert [(e.state, e.object_id) for e in entries] == [("succeeded", started.object_id),
                                                         ("succeeded", started.object_id),
                                                         ("succeeded", replay.object_id)]
    assert entries[0].request == form.build_request()
