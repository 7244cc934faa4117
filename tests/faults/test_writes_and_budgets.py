"""Writes and budgets under faults.

- A create-run whose answer is lost after the platform acted (dropped connection, garbled or cut
  body) makes exactly one run — through the core Launcher on the demo session (the TUI's path) and
  through headless ``launch`` over real HTTP; launching "again" is refused by the duplicate guard.
- Budgets hold while the clients retry: a watched hour under intermittent faults in strict-limits
  mode crosses no published limit; an expired token mid-session never costs a third token.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import LAUNCH_ARGS, QUESTION, fill, profile_file, ready_questions
from tui.api.http import ApiError
from tui.cli import main
from tui.config import Budget, demo_profiles
from tui.core.launch import Launcher
from tui.core.session import build_sessions
from tui.core.watch import Watcher
from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.server import served
from tui.store import Store

CREATE_RUN = "POST /v1/cleanroom-questions/*/create-run"
LOST_ANSWERS = ("drop-after", "malformed", "truncated")


def _demo(clock, backoff, *, strict_limits: bool = False, budget: Budget | None = None):
    profiles = demo_profiles()
    if budget is not None:
        profiles[0] = dataclasses.replace(profiles[0], budget=budget)
    options = EmulatorOptions(seed=7, clock=clock, strict_limits=strict_limits)
    sessions = build_sessions(profiles, store=Store.in_memory(now=clock.now), demo_options=options,
                              client_options={"sleep": backoff})
    return sessions[0], sessions[0].demo.app()


@pytest.mark.parametrize("fault", LOST_ANSWERS)
async def test_lost_create_run_answer_makes_exactly_one_run_core(clock, backoff, fault):
    session, emu = _demo(clock, backoff)
    world, chaos = emu.state.liveramp, emu.state.chaos
    store = session.repo.store
    launcher = Launcher(session, store, now=clock.now)
    question = (await session.call(ready_questions))[0]
    form = fill(await launcher.prepare_launch(question.id, now=clock.now()))
    before = set(world.runs_by_question.get(question.id, []))
    creates = world.counters.creates["demo-client"]

    chaos.set(f"{CREATE_RUN}={fault},times=1")
    outcome = await launcher.launch_form(form)
    new = set(world.runs_by_question[question.id]) - before
    assert chaos.count(fault) == 1
    assert len(new) == 1 and world.counters.creates["demo-client"] == creates + 1
    assert outcome.recovered and outcome.object_id == next(iter(new))
    entry = store.journal_get(outcome.journal_id)
    assert entry.state == "reconciled" and entry.object_id == outcome.object_id

    # "launch it again?" within the window is a duplicate: refused before anything is sent
    from tui.core.launch import DuplicateLaunch

    with pytest.raises(DuplicateLaunch):
        await launcher.launch_form(form)
    assert set(world.runs_by_question[question.id]) - before == new
    await session.aclose()


@pytest.fixture
def served_emu():
    # the platform's clock is the wall clock here: the headless launcher stamps intents in wall time
    with served(EmulatorOptions(seed=7, clock=ManualClock(datetime.now(UTC).replace(microsecond=0)))) as emu:
        yield emu


@pytest.fixture
def cli_env(served_emu, tmp_path, monkeypatch, fast_retries):
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG", str(profile_file(tmp_path / "config.toml", served_emu.base_url)))
    monkeypatch.setenv("HL_LR_SECRET", "demo-secret")
    monkeypatch.setenv("HL_IS_KEY", "demo-key")
    yield


@pytest.mark.parametrize("fault", LOST_ANSWERS)
def test_lost_create_run_answer_makes_exactly_one_run_headless(served_emu, cli_env, capsys, fault):
    world, chaos = served_emu.liveramp, served_emu.app.state.chaos
    question = world.find_question(QUESTION)
    before = set(world.runs_by_question.get(question.id, []))
    chaos.set(f"{CREATE_RUN}={fault},times=1")
    argv = ["launch", QUESTION, *LAUNCH_ARGS, "--name", f"drill {fault}", "--yes", "--json"]
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    new = set(world.runs_by_question[question.id]) - before
    assert chaos.count(fault) == 1 and len(new) == 1, err
    assert code == 0, err
    assert json.loads(out)["id"] == next(iter(new))
    # the operator, unsure, runs the same command again: refused as a duplicate, still one run
    code = main(argv)
    _out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err
    assert set(world.runs_by_question[question.id]) - before == new


async def test_watched_hour_under_faults_stays_inside_strict_limits(clock, backoff):
    # the demo profile's budget, unscaled: LiveRamp's published limits on the emulator's clock
    session, emu = _demo(clock, backoff, strict_limits=True, budget=Budget())
    world, chaos = emu.state.liveramp, emu.state.chaos
    store = session.repo.store
    launcher = Launcher(session, store, now=clock.now)
    watcher = Watcher(store, now=clock.now)
    watcher.attach(session, ledger=launcher.ledger)
    questions = (await session.call(ready_questions))[:4]
    for i in range(8):
        form = fill(await launcher.prepare_launch(questions[i % 4].id, now=clock.now()))
        watcher.watch_launch(await launcher.launch_form(form, allow_duplicate=True))
    # every read may now fail after the platform counted it (dropped), be refused (503) or limited
    chaos.set("GET /v1/*=drop-after,p=0.3;GET /v1/*=503,p=0.2;GET /v1/*=429:30,p=0.1")
    end = clock.now() + timedelta(hours=1)
    while (wake := watcher.next_wake()) is not None and wake <= end:
        clock.set(max(wake, clock.now()))
        await watcher.tick()
    assert chaos.count() > 10, "the drill injected faults"
    assert backoff.delays, "reads were retried"
    assert world.limit_violations == []
    assert max(world.counters.status_reads.values()) <= 20
    await session.aclose()


async def test_expired_tokens_never_cost_a_third_token(clock, backoff):
    session, emu = _demo(clock, backoff, strict_limits=True, budget=Budget())
    world, chaos = emu.state.liveramp, emu.state.chaos
    await session.call(lambda c: c.list_cleanrooms())  # token 1
    chaos.set("/v1/*=token-expired")  # every token presented from now on is expired on arrival
    for _ in range(3):
        with pytest.raises(ApiError):
            await session.call(lambda c: c.list_cleanrooms())
    assert world.counters.tokens["demo-client"] == 2  # one fresh token, then the ledger said no
    assert [v for v in world.limit_violations if v["kind"] == "token"] == []
    await session.aclose()


async def test_a_429_on_create_holds_creations_for_the_hour(clock, backoff):
    from tui.core.launch import BudgetExhausted, LaunchFailed

    session, emu = _demo(clock, backoff, budget=Budget())
    world, chaos = emu.state.liveramp, emu.state.chaos
    launcher = Launcher(session, session.repo.store, now=clock.now)
    question = (await session.call(ready_questions))[0]
    form = fill(await launcher.prepare_launch(question.id, now=clock.now()))
    runs = len(world.runs)
    chaos.set(f"{CREATE_RUN}=429")  # LiveRamp's gateway: no Retry-After, "stop for the rest of that hour"
    with pytest.raises(LaunchFailed) as failed:
        await launcher.launch_form(form)
    assert failed.value.error.status == 429
    chaos.clear()
    clock.advance(minutes=5)
    with pytest.raises(BudgetExhausted):  # "stop issuing these calls for the rest of that hour"
        await launcher.launch_form(form, allow_duplicate=True)
    create = f"POST /v1/cleanroom-questions/{question.id}/create-run"
    assert session.client.calls[create] == 1 and len(world.runs) == runs
    clock.advance(hours=1)
    outcome = await launcher.launch_form(form, allow_duplicate=True)
    assert outcome.object_id in world.runs and session.client.calls[create] == 2
    await session.aclose()
