"""The demo world across starts (issue 18.6): new ids differ per process, launched runs are kept."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.app import create_app
from tui.emulator.liveramp.keep import Keep

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _world(tmp_path, salt):
    options = EmulatorOptions(seed=7, clock=ManualClock(T0), id_salt=salt, keep=tmp_path / "keep.jsonl")
    return create_app(options).state.liveramp


def test_seeded_ids_stay_and_new_ids_differ_per_salt(tmp_path):
    a, b = _world(tmp_path, 1), _world(tmp_path, 2)
    assert set(a.runs) == set(b.runs) and set(a.flow_runs) == set(b.flow_runs)  # the seeded world
    assert a.ids.uuid() != b.ids.uuid()
    plain = [create_app(EmulatorOptions(seed=7, clock=ManualClock(T0))).state.liveramp.ids.uuid() for _ in range(2)]
    assert plain[0] == plain[1]  # without a salt (tests): deterministic


def test_runs_and_flow_runs_created_are_recreated_on_the_next_start(tmp_path):
    first = _world(tmp_path, 1)
    seeded_run = next(iter(first.runs.values()))
    seeded_flow_run = next(iter(first.flow_runs.values()))
    run = dataclasses.replace(seeded_run, id=first.ids.uuid(), submitted_at=T0 + timedelta(hours=3))
    flow_run = dataclasses.replace(seeded_flow_run, id=first.ids.uuid(), pause_level=2)
    first.add_run(run)
    first.created(run)
    first.flow_runs[flow_run.id] = flow_run
    first.created(flow_run)
    second = _world(tmp_path, 2)
    again = second.runs[run.id]
    assert again.question_id == run.question_id and again.parameters == run.parameters
    assert again.submitted_at == T0  # later than the new world's clock: brought back to its "now"
    assert run.id in second.runs_by_question[run.question_id]
    kept = second.flow_runs[flow_run.id]
    assert kept.pause_level == 2 and kept.plan == flow_run.plan and kept.submitted_at == flow_run.submitted_at
    assert Keep(tmp_path / "missing.jsonl").restore(second, T0) == 0
