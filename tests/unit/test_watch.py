"""The run watcher against scripted fakes on a manual clock: planning, budgets, events, 429s."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from tui.api.http import ApiError
from tui.api.infosum.models import QueryResult, QueryStatus
from tui.api.liveramp.models import FlowRun, FlowRunList, QuestionRun
from tui.config import Profile
from tui.core.launch import LaunchOutcome
from tui.core.status import Lifecycle
from tui.core.watch import (
    FLOW_RUN,
    INSIGHT_QUERY,
    QUESTION_RUN,
    PollFailed,
    RunChanged,
    RunFinished,
    RunGone,
    Watcher,
    backoff_interval,
)
from tui.emulator import ManualClock
from tui.store import Store

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


class FakeLiveRamp:
    """Runs that follow a script on the clock; every read is recorded against the object it is charged to."""

    def __init__(self, clock: ManualClock, name: str = "lr") -> None:
        self.profile = Profile(name=name, platform="liveramp", base_url="https://api.example", client_id="c")
        self.clock = clock
        self.runs: dict[str, dict] = {}
        self.reads: dict[str, list[datetime]] = defaultdict(list)
        self.calls: list[tuple[str, str]] = []
        self.errors: dict[str, ApiError] = {}  # object id -> error raised on its next read

    def add(self, run_id: str, parent: str, script: list[tuple[float, str]], *, reason: str = "",
            message: str = "", flow: bool = False) -> None:
        self.runs[run_id] = {"parent": parent, "script": script, "reason": reason, "message": message,
                             "flow": flow, "at": self.clock.now()}

    def _status(self, run_id: str) -> str:
        run = self.runs[run_id]
        age = (self.clock.now() - run["at"]).total_seconds()
        return [status for offset, status in run["script"] if offset <= age][-1]

    def _read(self, op: str, obj: str) -> None:
        self.calls.append((op, obj))
        self.reads[obj].append(self.clock.now())
        if obj in self.errors:
            raise self.errors.pop(obj)

    def _question_run(self, run_id: str) -> QuestionRun:
        run, status = self.runs[run_id], self._status(run_id)
        failed = status == "FAILED"
        return QuestionRun.model_validate({
            "id": run_id, "name": f"run {run_id}", "status": status, "submittedAt": run["at"].isoformat(),
            "failureReason": run["reason"] if failed else "", "runMessage": run["message"] if failed else ""})

    def _flow_run(self, run_id: str) -> FlowRun:
        status = self._status(run_id)
        return FlowRun.model_validate({"id": run_id, "name": f"flow run {run_id}", "status": status,
                                       "runMessage": self.runs[run_id]["message"] if status == "FAILED" else ""})

    async def get_run(self, run_id):
        self._read("get_run", run_id)
        if run_id not in self.runs:
            raise ApiError(message="Question run not found", status=404, method="GET", path=f"/runs/{run_id}")
        return self._question_run(run_id)

    async def list_runs(self, question_id, status=None, start_date=None, end_date=None, limit=30, offset=0):
        self._read("list_runs", question_id)
        ids = [r for r, v in self.runs.items() if v["parent"] == question_id and not v["flow"]]
        return [self._question_run(r) for r in ids][offset:offset + limit]

    async def get_flow_run(self, cleanroom_id, run_id):
        self._read("get_flow_run", run_id)
        return self._flow_run(run_id)

    async def list_flow_runs(self, cleanroom_id, flow_id, search=None, limit=30, offset=0):
        self._read("list_flow_runs", flow_id)
        ids = [r for r, v in self.runs.items() if v["parent"] == flow_id and v["flow"]]
        return FlowRunList(clean_room_flow_runs=[self._flow_run(r) for r in ids][offset:offset + limit],
                           count=len(ids))


def lifecycle_script(queued_s: float, running_s: float, final: str = "COMPLETED") -> list[tuple[float, str]]:
    return [(0, "QUEUED"), (queued_s, "RUNNING"), (queued_s + running_s, final)]


@pytest.fixture
def clock():
    return ManualClock(T0)


@pytest.fixture
def store(clock):
    with Store.in_memory(now=clock.now) as s:
        yield s


def make_watcher(clock, store=None, client=None, events=None):
    client = client or FakeLiveRamp(clock)
    watcher = Watcher(store, now=clock.now, on_event=events.append if events is not None else None)
    watcher.attach(client)
    return client, watcher


async def run_for(watcher: Watcher, clock: ManualClock, duration: timedelta) -> list:
    """Step the manual clock from wake-up to wake-up, as the board's loop would, without sleeping."""
    stop = clock.now() + duration
    events = []
    while (wake := watcher.next_wake()) is not None and wake <= stop:
        clock.set(max(wake, clock.now()))
        events += await watcher.tick()
    clock.set(stop)
    return events


def test_interval_starts_at_the_floor_and_doubles_with_age_up_to_an_hour():
    assert [backoff_interval(age * 60, 300, 3600) for age in (0, 19, 20, 40, 80, 160, 1000)] == \
        [300, 300, 600, 1200, 2400, 3600, 3600]
    assert backoff_interval(0, 2, 30) == 2 and backoff_interval(600, 2, 30) == 30


async def test_runs_of_one_question_share_one_list_call(clock):
    client, watcher = make_watcher(clock)
    for run_id in ("a", "b", "c"):
        client.add(run_id, "q1", lifecycle_script(60, 3000))
        watcher.watch_question_run("lr", "q1", run_id)
    client.add("d", "q2", lifecycle_script(60, 3000))
    watcher.watch_question_run("lr", "q2", "d")
    for run_id in ("f1", "f2"):
        client.add(run_id, "flow1", lifecycle_script(60, 3000), flow=True)
        watcher.watch_flow_run("lr", "room", "flow1", run_id)
    assert watcher.plan() == []  # just launched: the first poll waits one interval
    assert watcher.next_wake() == T0 + timedelta(minutes=5)
    polls = watcher.plan(T0 + timedelta(minutes=5))
    assert sorted((p.op, p.charge, len(p.items)) for p in polls) == [
        ("get_run", "d", 1), ("list_flow_runs", "flow1", 2), ("list_runs", "q1", 3)]
    clock.advance(minutes=5)
    events = await watcher.tick()
    assert sorted(client.calls) == [("get_run", "d"), ("list_flow_runs", "flow1"), ("list_runs", "q1")]
    assert {e.new.object_id for e in events if isinstance(e, RunChanged)} == {"a", "b", "c", "d", "f1", "f2"}
    # watched without a launch answer: the first observation has no "old"
    assert all(e.old is None and e.new.status == "RUNNING" for e in events if isinstance(e, RunChanged))
    assert watcher.calls == {"list_runs": 1, "get_run": 1, "list_flow_runs": 1}


async def test_never_over_budget_and_far_fewer_calls_than_per_run_polling(clock):
    client, watcher = make_watcher(clock)
    for i in range(20):
        client.add(f"r{i}", f"q{i % 4}", lifecycle_script(60 + 7 * i, 600 + 90 * i))
        watcher.watch_question_run("lr", f"q{i % 4}", f"r{i}")
    events = await run_for(watcher, clock, 3 * HOUR)
    finished = [e for e in events if isinstance(e, RunFinished)]
    assert len(finished) == 20 and watcher.items() == []
    for obj, times in client.reads.items():
        gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
        assert all(g >= 300 for g in gaps), (obj, gaps)
        assert all(sum(1 for t in times if start <= t < start + HOUR) <= 20 for start in times), obj
    naive = sum(-(-(600 + 90 * i + 60 + 7 * i) // 300) for i in range(20))
    assert len(client.calls) < naive / 3


async def test_finished_runs_carry_the_failure_reason_and_drop_out(clock, store):
    events: list = []
    client, watcher = make_watcher(clock, store, events=events)
    client.add("ok", "q1", lifecycle_script(60, 400))
    client.add("bad", "q1", lifecycle_script(60, 400, "FAILED"), reason="Crowd size threshold not met",
               message="All result rows suppressed")
    client.add("msg-only", "q2", lifecycle_script(60, 400, "FAILED"), message="Out of memory; retry LARGE")
    client.add("flow-bad", "flow1", lifecycle_script(60, 400, "FAILED"), message="Node Q-1 failed: bad value",
               flow=True)
    watcher.watch_question_run("lr", "q1", "ok")
    watcher.watch_question_run("lr", "q1", "bad", run=client._question_run("bad"))  # the launch answer
    watcher.watch_question_run("lr", "q2", "msg-only")
    watcher.watch_flow_run("lr", "room", "flow1", "flow-bad")
    assert len(store.watch_list("lr")) == 4
    await run_for(watcher, clock, HOUR)
    finished = {e.run.object_id: e for e in events if isinstance(e, RunFinished)}
    assert finished["ok"].lifecycle is Lifecycle.SUCCEEDED and finished["ok"].reason is None
    assert finished["bad"].lifecycle is Lifecycle.FAILED and finished["bad"].reason == "Crowd size threshold not met"
    assert finished["msg-only"].reason == "Out of memory; retry LARGE"
    assert finished["flow-bad"].run.kind == FLOW_RUN and finished["flow-bad"].reason == "Node Q-1 failed: bad value"
    changes = [(e.old.status if e.old else None, e.new.status) for e in events
               if isinstance(e, RunChanged) and e.new.object_id == "bad"]
    assert changes == [("QUEUED", "RUNNING"), ("RUNNING", "FAILED")]
    assert watcher.items() == [] and store.watch_list("lr") == []


async def test_a_429_backs_the_object_off_for_the_hour(clock):
    client, watcher = make_watcher(clock)
    client.add("r1", "q1", lifecycle_script(60, 7200))
    watcher.watch_question_run("lr", "q1", "r1")
    clock.advance(minutes=5)
    client.errors["r1"] = ApiError(message="Rate limit exceeded", status=429, method="GET", path="/runs/r1")
    [failed] = await watcher.tick()
    assert isinstance(failed, PollFailed) and failed.retry_at == clock.now() + HOUR
    assert watcher.next_wake() == clock.now() + HOUR
    assert watcher.budget_meter("lr").next_poll_at == clock.now() + HOUR
    await run_for(watcher, clock, HOUR - timedelta(seconds=1))
    assert len(client.reads["r1"]) == 1  # nothing until the hour freed
    await run_for(watcher, clock, timedelta(seconds=2))
    assert len(client.reads["r1"]) == 2


async def test_transient_errors_back_off_and_404_drops_the_run(clock):
    events: list = []
    client, watcher = make_watcher(clock, events=events)
    client.add("r1", "q1", lifecycle_script(60, 7200))
    watcher.watch_question_run("lr", "q1", "r1")
    watcher.watch_question_run("lr", "q9", "ghost", launched=False)
    client.errors["r1"] = ApiError(message="could not connect", code="CONNECT", retryable=True)
    clock.advance(minutes=5)
    await watcher.tick()
    gone = [e for e in events if isinstance(e, RunGone)]
    assert [g.key for g in gone] == [("lr", QUESTION_RUN, "ghost")]
    failed = [e for e in events if isinstance(e, PollFailed)]
    assert failed[0].retry_at == clock.now() + timedelta(minutes=10)
    assert [i.object_id for i in watcher.items()] == ["r1"]


async def test_a_run_missing_from_the_list_is_polled_on_its_own(clock):
    client, watcher = make_watcher(clock)
    client.add("a", "q1", lifecycle_script(60, 7200))
    client.add("b", "q1", lifecycle_script(60, 7200))
    watcher.watch_question_run("lr", "q1", "a")
    watcher.watch_question_run("lr", "q1", "b")
    watcher.watch_question_run("lr", "q1", "elsewhere")  # not in the list (e.g. too old)
    client.add("elsewhere", "q-other", lifecycle_script(0, 7200))
    clock.advance(minutes=5)
    await watcher.tick()
    assert client.calls == [("list_runs", "q1"), ("get_run", "elsewhere")]
    assert watcher.reads_left_this_hour("lr", "a") == 19  # charged to the question
    assert watcher.reads_left_this_hour("lr", "elsewhere") == 19  # charged to itself


async def test_watch_list_survives_a_restart(clock, store):
    client, first = make_watcher(clock, store)
    client.add("r1", "q1", lifecycle_script(60, 7200))
    first.watch_question_run("lr", "q1", "r1", name="nightly")
    first.watch_flow_run("lr", "room", "flow1", "f1", name="flow")
    client.add("f1", "flow1", lifecycle_script(60, 7200), flow=True)
    clock.advance(minutes=1)
    _client, second = make_watcher(clock, store, client)
    assert second.restore() == 2
    items = {i.object_id: i for i in second.items()}
    assert (items["r1"].parent_id, items["r1"].name, items["r1"].since) == ("q1", "nightly", T0)
    assert (items["f1"].cleanroom_id, items["f1"].parent_id) == ("room", "flow1")
    assert second.next_wake() == clock.now()  # restored runs are refreshed at once (budget permitting)
    await second.tick()
    assert sorted(op for op, _ in client.calls) == ["get_flow_run", "get_run"]


async def test_budget_meter_and_summary(clock):
    client, watcher = make_watcher(clock)
    for run_id in ("a", "b"):
        client.add(run_id, "q1", lifecycle_script(60, 7200))
        watcher.watch_question_run("lr", "q1", run_id)
    watcher.ledger("lr").record_create()
    await run_for(watcher, clock, timedelta(minutes=11))
    meter = watcher.budget_meter("lr")
    assert meter.reads_left == {"q1": 18} and meter.reads_left_min == 18 and meter.creates_left == 19
    assert meter.text.startswith("status reads left this hour: 18/20 · creations left: 19/20")
    assert "2 watched" in watcher.summary("lr")


class FakeInfoSum:
    def __init__(self, clock: ManualClock) -> None:
        self.profile = Profile(name="is", platform="infosum", base_url="https://api.example")
        self.clock = clock
        self.queries: dict[str, tuple[datetime, float, str | None]] = {}
        self.calls: list[str] = []

    async def query_status(self, query_id):
        self.calls.append("status")
        created, duration, _failure = self.queries[query_id]
        return QueryStatus.model_validate({"query_id": query_id,
                                           "done": self.clock.now() >= created + timedelta(seconds=duration)})

    async def query_result(self, query_id):
        self.calls.append("result")
        _created, _duration, failure = self.queries[query_id]
        if failure:
            raise ApiError(message=failure, status=400, code="FAILED_PRECONDITION", method="GET",
                           path=f"/api/v1/queries/{query_id}/result")
        return QueryResult.model_validate({"audience": 1234})


async def test_insight_queries_poll_fast_and_report_the_outcome(clock):
    events: list = []
    infosum = FakeInfoSum(clock)
    watcher = Watcher(now=clock.now, on_event=events.append)
    watcher.attach(infosum)
    infosum.queries["Q1"] = (clock.now(), 25, None)
    infosum.queries["Q2"] = (clock.now(), 40, "column salary is not permitted")
    outcome = LaunchOutcome(kind="insight_query", profile="is", platform="infosum", object_id="Q1", name="count",
                            journal_id=1, launched_at=clock.now(), collaboration_id="CLB1")
    watcher.watch_launch(outcome)
    watcher.watch_query("is", "Q2", collaboration_id="CLB1")
    assert watcher.next_wake() == T0 + timedelta(seconds=2)
    await run_for(watcher, clock, timedelta(minutes=5))
    finished = {e.run.object_id: e for e in events if isinstance(e, RunFinished)}
    assert finished["Q1"].lifecycle is Lifecycle.SUCCEEDED and finished["Q1"].result.audience == 1234
    assert finished["Q2"].lifecycle is Lifecycle.FAILED and finished["Q2"].reason == "column salary is not permitted"
    assert finished["Q2"].run.kind == INSIGHT_QUERY
    assert watcher.budget_meter("is").text.startswith("status reads: no published limit")
    assert infosum.calls.count("status") <= 20  # 2 s doubling with age: ~10 polls per query


async def test_the_boards_loop_sleeps_until_the_next_poll_and_ends_when_nothing_is_watched(clock):
    """The one polling loop (:meth:`RunsBoard.run`): it waits until the next poll is due — no busy
    loop — polls, and ends once the last watched run finished."""
    from tui.core.board import RunsBoard

    board = RunsBoard([], now=clock.now, keep_recent=False, settle=False)
    client = FakeLiveRamp(clock)
    board.watcher.attach(client)
    client.add("r1", "q1", lifecycle_script(60, 500))
    board.watcher.watch_question_run("lr", "q1", "r1")
    received: list = []
    board.watcher.subscribe(received.append)
    waits: list[float] = []

    async def wait(wake, now) -> bool:
        waits.append((wake - now).total_seconds())
        clock.set(wake)
        return True

    await asyncio.wait_for(board.run(wait=wait), timeout=5)
    assert waits[:2] == [300, 300]  # one poll per interval
    assert [type(e).__name__ for e in received] == ["RunChanged", "RunChanged", "RunFinished"]
    assert len(client.calls) == 2
    assert not board.has_work()
