"""The cold demo's head start (tui/core/prefetch.py): a forked child reads the home lists; the
parent turns them into the records the home screen paints, read as the models read them."""

from __future__ import annotations

import asyncio
import os

import pytest

from tui.config import demo_profiles
from tui.core import prefetch
from tui.core.namespace import cache_namespace
from tui.emulator import EmulatorOptions, ManualClock
from tui.store import Store

forks = pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2,
                           reason="the head start forks, and only with a second core")


def _answers() -> dict:
    return asyncio.run(prefetch.read_home(demo_profiles(), EmulatorOptions(seed=7, clock=ManualClock())))


@forks
def test_the_child_answers_the_home_lists_and_is_reaped(monkeypatch):
    monkeypatch.delenv(prefetch.SWITCH_ENV, raising=False)
    started = prefetch.start(demo_profiles(), EmulatorOptions(seed=7, clock=ManualClock()))
    assert started is not None
    assert started.read(block=True) and started.done
    answers = started.answers
    assert answers is not None
    assert answers == _answers()  # what the app's own world would answer
    rooms = answers["demo-liveramp"]["rooms"]
    assert rooms and all(r["displayId"].startswith("CR-") for r in rooms)
    assert answers["demo-liveramp"]["types"] and answers["demo-infosum"]["collaborations"]
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(started.pid, os.WNOHANG)


def test_switched_off_or_without_an_embedded_profile_nothing_is_forked(monkeypatch):
    monkeypatch.setenv(prefetch.SWITCH_ENV, "0")
    assert prefetch.start(demo_profiles(), EmulatorOptions(seed=7)) is None
    monkeypatch.delenv(prefetch.SWITCH_ENV)
    assert prefetch.start([], EmulatorOptions(seed=7)) is None


def test_a_child_that_fails_sends_nothing_and_the_parent_reads_none():
    read_fd, write_fd = os.pipe()
    os.write(write_fd, b'{"demo-liveramp": {"rooms": [')  # cut off: the child died mid-answer
    os.close(write_fd)
    failed = prefetch.Prefetch(None, read_fd)
    assert failed.read() and failed.answers is None and failed.done


def test_needed_only_while_a_demo_profile_has_no_home_screen_cached(tmp_path):
    store = Store.open(tmp_path / "store.sqlite3")
    profiles, options = demo_profiles(), EmulatorOptions(seed=7)
    assert prefetch.needed(store, profiles, options)
    for profile in profiles:
        store.put(cache_namespace(profile, options), *prefetch.HOME_SNAPSHOT, [["id", "CR-1", []]])
    assert not prefetch.needed(store, profiles, options)
    assert prefetch.needed(store, profiles, EmulatorOptions(seed=8))  # another world: its own cache
    store.close()


def test_records_read_the_answers_as_the_models_do():
    from tui.api.infosum.models import CollaborationSummary
    from tui.api.liveramp.models import CleanRoom, CleanRoomType
    from tui.times import parse

    answers = _answers()
    liveramp = prefetch.records(answers["demo-liveramp"])
    for raw, light in zip(answers["demo-liveramp"]["rooms"], liveramp["rooms"], strict=True):
        model = CleanRoom.model_validate(raw)
        for name in ("id", "display_id", "name", "partners", "questions_count", "status", "clean_room_type_id"):
            assert getattr(light, name) == getattr(model, name), name
        assert parse(light.time_audit.updated_at) == model.time_audit.updated_at
    for raw, light in zip(answers["demo-liveramp"]["types"], liveramp["types"], strict=True):
        model = CleanRoomType.model_validate(raw)
        assert (light.id, light.name, light.display_name) == (model.id, model.name, model.display_name)
    infosum = prefetch.records(answers["demo-infosum"])
    for raw, light in zip(answers["demo-infosum"]["collaborations"], infosum["collaborations"], strict=True):
        model = CollaborationSummary.model_validate(raw)
        assert (light.id, light.name, light.status) == (model.id, model.name, model.status)
        assert (light.owner.id, light.owner.display_name) == (model.owner.id, model.owner.display_name)
        assert [(m.id, m.display_name) for m in light.members] == [(m.id, m.display_name) for m in model.members]
        assert parse(light.last_activity_date_time) == model.last_activity_date_time


def test_records_of_odd_answers_keep_what_can_be_read():
    got = prefetch.records({"rooms": [{"ID": "r1", "displayID": "CR-000001", "partners": [{"name": "P"}, "Q"],
                                       "questionsCount": "x", "cleanRoomTypeID": "t"}, "junk"],
                            "collaborations": [{"id": "c", "owner": None, "members": None}]})
    room = got["rooms"][0]
    assert (room.id, room.display_id, room.partners, room.questions_count, room.clean_room_type_id) == \
        ("r1", "CR-000001", ["P", "Q"], 0, "t")
    assert len(got["rooms"]) == 1 and room.time_audit is None
    assert got["collaborations"][0].owner.id == "" and got["collaborations"][0].members == []
    assert prefetch.records(None) == {}
