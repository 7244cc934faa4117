"""The local store: cache round trips, profile isolation, size cap, launch journal, watch list."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.store import Store, migrations, params_fingerprint

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.t = start

    def __call__(self) -> datetime:
        return self.t

    def advance(self, seconds: float) -> datetime:
        self.t += timedelta(seconds=seconds)
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    s = Store.open(tmp_path / "store.sqlite3", now=clock)
    yield s
    s.close()


# --------------------------------------------------------------------------- cache

def test_round_trip_keeps_value_and_fetch_time(store, clock):
    page = [{"id": f"run-{i}", "status": "COMPLETED", "n": i} for i in range(3)]
    store.put("prod", "question_runs", "room-1", page, fetched_at=T0 - timedelta(minutes=5))
    entry = store.get("prod", "question_runs", "room-1")
    assert entry.value == page and entry.kind == "question_runs" and entry.key == "room-1"
    assert entry.fetched_at == T0 - timedelta(minutes=5) and entry.fetched_at.tzinfo is not None
    assert store.warnings == [] and store.path is not None

    clock.advance(60)
    store.put("prod", "question_runs", "room-1", {"replaced": True})  # default fetch time: now()
    entry = store.get("prod", "question_runs", "room-1")
    assert entry.value == {"replaced": True} and entry.fetched_at == T0 + timedelta(seconds=60)
    assert store.get("prod", "question_runs", "missing") is None


def test_naive_fetch_time_is_utc_and_microseconds_survive(store):
    when = datetime(2026, 1, 2, 3, 4, 5, 678901)
    store.put("p", "k", "x", 1, fetched_at=when)
    assert store.get("p", "k", "x").fetched_at == when.replace(tzinfo=UTC)


def test_value_must_be_json(store):
    with pytest.raises(TypeError):
        store.put("p", "k", "x", {"when": object()})


def test_get_many_returns_found_keys_only(store):
    for i in range(700):  # more than one IN (...) chunk
        store.put("p", "room", f"r{i}", {"i": i})
    found = store.get_many("p", "room", [f"r{i}" for i in range(0, 700, 2)] + ["nope"])
    assert len(found) == 350 and found["r698"].value == {"i": 698} and "nope" not in found


def test_profiles_never_see_each_other(store):
    store.put("prod", "rooms", "all", ["prod rooms"])
    store.put("staging", "rooms", "all", ["staging rooms"])
    assert store.get("prod", "rooms", "all").value == ["prod rooms"]
    assert store.get("staging", "rooms", "all").value == ["staging rooms"]
    assert store.get_many("prod", "rooms", ["all"])["all"].value == ["prod rooms"]
    assert store.invalidate("prod") == 1
    assert store.get("prod", "rooms", "all") is None
    assert store.get("staging", "rooms", "all").value == ["staging rooms"]


def test_invalidate_by_kind_and_key(store):
    for kind in ("rooms", "runs"):
        for key in ("a", "b"):
            store.put("p", kind, key, [kind, key])
    assert store.invalidate("p", "runs", "a") == 1
    assert store.get("p", "runs", "a") is None and store.get("p", "runs", "b") is not None
    assert store.invalidate("p", "rooms") == 2
    assert store.invalidate("p", "rooms") == 0
    assert store.get("p", "runs", "b").value == ["runs", "b"]


def test_invalidate_by_key_prefix_takes_the_prefix_literally(store):
    for key in ("CLB.x|50%_off|500|1", "CLB.x|50%_off|500|2", "CLB.x|50a_off|500|1", "CLB.x||500|1"):
        store.put("p", "event-page", key, key)
    store.put("q", "event-page", "CLB.x|50%_off|500|1", "other profile")
    assert store.invalidate_prefix("p", "event-page", "CLB.x|50%_off|500|") == 2
    assert store.get("p", "event-page", "CLB.x|50a_off|500|1") is not None  # % and _ are not wildcards
    assert store.get("p", "event-page", "CLB.x||500|1") is not None
    assert store.get("q", "event-page", "CLB.x|50%_off|500|1") is not None


def test_size_cap_evicts_oldest_cache_entries_only(tmp_path, clock):
    cap = 256 * 1024
    store = Store.open(tmp_path / "s.sqlite3", max_bytes=cap, now=clock)
    store.watch_add("p", "liveramp", "question_run", "run-1")
    jid = store.journal_intent("p", "liveramp", "q-1", {"a": 1}, {"parameters": {"a": 1}})
    for i in range(300):  # ~900 KB of values, fetched one second apart
        store.put("p", "page", f"k{i:03d}", {"i": i, "pad": "x" * 3000}, fetched_at=clock.advance(1))
    info = store.info()
    assert info["live_bytes"] <= cap * 1.1  # checked every max_bytes/16 bytes of puts
    store.enforce_cap()
    assert store.info()["live_bytes"] <= cap
    assert store.get("p", "page", "k299") is not None  # newest kept
    assert store.get("p", "page", "k000") is None  # oldest gone
    kept = store.get_many("p", "page", [f"k{i:03d}" for i in range(300)])
    assert 20 < len(kept) < 300
    assert min(kept) == f"k{300 - len(kept):03d}"  # what is left is a contiguous newest block
    assert [w.object_id for w in store.watch_list("p")] == ["run-1"]
    assert store.journal_get(jid).state == "pending"
    store.close()


def test_cap_is_applied_on_open(tmp_path, clock):
    path = tmp_path / "s.sqlite3"
    with Store.open(path, now=clock) as big:
        for i in range(100):
            big.put("p", "page", str(i), "y" * 4000, fetched_at=clock.advance(1))
    with Store.open(path, max_bytes=128 * 1024, now=clock) as small:
        assert small.info()["live_bytes"] <= 128 * 1024
        assert small.get("p", "page", "99") is not None and small.get("p", "page", "0") is None


def test_put_of_a_500_item_page_round_trips(store):
    page = [{"id": f"00000000-0000-4000-8000-{i:012d}", "name": f"Run {i}", "status": "COMPLETED",
             "createdAt": "2026-11-02T09:00:00Z", "parameters": {"region": "EU", "limit": i}}
            for i in range(500)]
    store.put("p", "runs", "warm-up", page)
    for i in range(20):  # how fast is the benchmarks' job; this checks the pages survive
        store.put("p", "runs", f"page-{i}", page)
    assert len(store.get("p", "runs", "page-19").value) == 500


# --------------------------------------------------------------------------- journal

def test_journal_lifecycle(store, clock):
    params = {"region": "EU", "start": "2026-11-01"}
    request = {"parameters": params, "name": "nightly"}
    ok = store.journal_intent("prod", "liveramp", "question-1", params, request)
    entry = store.journal_get(ok)
    assert entry.state == "pending" and entry.params == params and entry.request == request
    assert entry.fingerprint == params_fingerprint("question-1", params) and entry.created_at == T0
    assert [e.id for e in store.journal_unresolved("prod")] == [ok]  # a crash mid-POST stays unresolved

    clock.advance(2)
    store.journal_succeeded(ok, "run-42")
    entry = store.journal_get(ok)
    assert (entry.state, entry.object_id, entry.updated_at) == ("succeeded", "run-42", T0 + timedelta(seconds=2))

    refused = store.journal_intent("prod", "liveramp", "question-1", params, request)
    store.journal_failed(refused, "400 parameter region is invalid", answered=True)
    assert store.journal_get(refused).state == "failed"

    lost = store.journal_intent("prod", "liveramp", "question-1", params, request)
    store.journal_failed(lost, "read timeout", answered=False)
    lost_entry = store.journal_get(lost)
    assert lost_entry.state == "lost" and lost_entry.unresolved and lost_entry.error == "read timeout"
    assert [e.id for e in store.journal_unresolved("prod")] == [lost]
    assert store.journal_unresolved("staging") == []

    store.journal_reconciled(lost, "run-43", "found by listing runs of question-1")
    done = store.journal_get(lost)
    assert (done.state, done.object_id, done.note) == ("reconciled", "run-43", "found by listing runs of question-1")
    assert store.journal_unresolved("prod") == []

    nothing = store.journal_intent("prod", "liveramp", "question-1", params, request)
    store.journal_failed(nothing, "connection reset", answered=False)
    store.journal_reconciled(nothing, None, "no run created: listing showed none after the intent")
    assert store.journal_get(nothing).object_id is None and store.journal_get(nothing).state == "reconciled"


def test_unresolved_can_skip_intents_still_in_flight(store, clock):
    old = store.journal_intent("p", "infosum", "coll-1", {}, {})
    clock.advance(120)
    store.journal_intent("p", "infosum", "coll-1", {}, {})  # another instance's POST, just sent
    assert [e.id for e in store.journal_unresolved("p", before=clock() - timedelta(seconds=60))] == [old]
    assert len(store.journal_unresolved("p")) == 2


def test_fingerprint_and_recent_launches(store, clock):
    a = {"region": "EU", "dates": ["2026-11-01", "2026-11-02"], "opts": {"x": 1, "y": 2}}
    same = {"opts": {"y": 2, "x": 1}, "dates": ["2026-11-01", "2026-11-02"], "region": "EU"}
    assert params_fingerprint("q1", a) == params_fingerprint("q1", same)
    assert params_fingerprint("q1", a) != params_fingerprint("q2", a)
    assert params_fingerprint("q1", a) != params_fingerprint("q1", {**a, "region": "US"})

    first = store.journal_intent("p", "liveramp", "q1", a, {})
    store.journal_succeeded(first, "run-1")
    clock.advance(600)
    second = store.journal_intent("p", "liveramp", "q1", same, {})
    store.journal_intent("p", "liveramp", "q1", {**a, "region": "US"}, {})  # other parameters
    store.journal_intent("other", "liveramp", "q1", a, {})  # other profile
    fp = params_fingerprint("q1", a)
    assert [e.id for e in store.journal_recent("p", "q1", fp, T0)] == [second, first]  # newest first
    assert [e.id for e in store.journal_recent("p", "q1", fp, T0 + timedelta(seconds=300))] == [second]
    assert store.journal_recent("p", "q2", fp, T0) == []


def test_clear_keeps_journal_and_watch_unless_everything(store):
    store.put("p", "rooms", "all", [1])
    store.put("q", "rooms", "all", [2])
    jid = store.journal_intent("p", "liveramp", "q1", {}, {})
    store.watch_add("p", "liveramp", "question_run", "run-1")
    store.clear("p")
    assert store.get("p", "rooms", "all") is None and store.get("q", "rooms", "all") is not None
    assert store.journal_get(jid) is not None and store.watch_list("p")
    store.clear()
    assert store.get("q", "rooms", "all") is None
    assert [e.id for e in store.journal_unresolved("p")] == [jid]
    store.clear("p", everything=True)
    assert store.journal_get(jid) is None and store.watch_list("p") == []
    # ids are never reused after a wipe
    assert store.journal_intent("p", "liveramp", "q1", {}, {}) > jid


def test_settled_journal_entries_are_pruned_after_retention(tmp_path, clock):
    path = tmp_path / "s.sqlite3"
    with Store.open(path, now=clock) as s:
        done = s.journal_intent("p", "liveramp", "q1", {}, {})
        s.journal_succeeded(done, "run-1")
        open_intent = s.journal_intent("p", "liveramp", "q1", {}, {})
    clock.advance(31 * 86400)
    with Store.open(path, now=clock) as s:
        assert s.journal_get(done) is None
        assert s.journal_get(open_intent).state == "pending"  # unresolved ones are never pruned


# --------------------------------------------------------------------------- watch list

def test_watch_list_is_idempotent_and_survives_reopen(tmp_path, clock):
    path = tmp_path / "s.sqlite3"
    with Store.open(path, now=clock) as s:
        s.watch_add("prod", "liveramp", "question_run", "run-1", {"room": "room-1"})
        clock.advance(5)
        s.watch_add("prod", "liveramp", "question_run", "run-1")  # again: no duplicate, meta kept
        s.watch_add("prod", "liveramp", "flow_run", "fr-1")
        s.watch_add("partner", "infosum", "query", "q-9", {"collaboration": "c-1"})
        s.watch_remove("prod", "flow_run", "fr-1")
        s.watch_remove("prod", "flow_run", "never-added")
    with Store.open(path, now=clock) as s:
        prod = s.watch_list("prod")
        assert [(w.kind, w.object_id, w.meta) for w in prod] == [("question_run", "run-1", {"room": "room-1"})]
        assert prod[0].added_at == T0 and prod[0].platform == "liveramp"
        assert {w.profile for w in s.watch_list()} == {"prod", "partner"}
        s.watch_add("prod", "liveramp", "question_run", "run-1", {"room": "room-2"})
        assert s.watch_list("prod")[0].meta == {"room": "room-2"}


# --------------------------------------------------------------------------- housekeeping

def test_info_reports_counts_and_fetch_range(store, clock):
    store.put("prod", "rooms", "all", [1], fetched_at=T0 - timedelta(hours=1))
    store.put("prod", "runs", "r1", [1])
    store.put("prod", "runs", "r2", [1])
    store.put("staging", "rooms", "all", [1])
    store.journal_intent("prod", "liveramp", "q1", {}, {})
    store.watch_add("staging", "infosum", "query", "q1")
    info = store.info()
    assert info["path"] == str(store.path) and info["size_bytes"] > 0 and info["schema_version"] >= 1
    assert info["cache_entries"] == 4 and info["journal_entries"] == 1 and info["unresolved_intents"] == 1
    assert info["watched"] == 1
    assert info["profiles"]["prod"]["cache"] == {"rooms": 1, "runs": 2}
    assert info["profiles"]["prod"]["unresolved_intents"] == 1
    assert info["profiles"]["staging"]["watched"] == 1
    assert info["oldest_fetch"] == "2026-11-02T08:00:00Z" and info["newest_fetch"] == "2026-11-02T09:00:00Z"


def test_clear_gives_disk_space_back(tmp_path):
    s = Store.open(tmp_path / "s.sqlite3")
    for i in range(200):
        s.put("p", "page", str(i), "z" * 10_000)
    before = s.info()["size_bytes"]
    s.clear()
    after = s.info()["size_bytes"]
    assert after < before / 4, (before, after)
    s.close()


def test_two_stores_on_one_file_share_data(tmp_path):
    path = tmp_path / "s.sqlite3"
    a, b = Store.open(path), Store.open(path)
    a.put("p", "rooms", "all", ["from a"])
    assert b.get("p", "rooms", "all").value == ["from a"]
    jid = b.journal_intent("p", "liveramp", "q1", {}, {})
    a.journal_succeeded(jid, "run-1")
    assert b.journal_get(jid).object_id == "run-1"
    assert a.warnings == b.warnings == []
    a.close()
    b.close()


def test_threads_share_one_store(store):
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                store.put("p", f"t{n}", str(i), {"n": n, "i": i})
                assert store.get("p", f"t{n}", str(i)).value == {"n": n, "i": i}
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and store.info()["cache_entries"] == 400 and store.warnings == []


def test_closed_store_answers_nothing(tmp_path):
    s = Store.open(tmp_path / "s.sqlite3")
    s.close()
    s.close()
    s.put("p", "k", "x", 1)
    assert s.get("p", "k", "x") is None and s.journal_unresolved("p") == [] and s.watch_list() == []


def test_in_memory_store_works_without_disk():
    s = Store.in_memory()
    s.put("p", "k", "x", [1])
    assert s.get("p", "k", "x").value == [1] and s.path is None and s.info()["in_memory"]


def test_adding_a_migration_is_one_function(tmp_path, monkeypatch):
    path = tmp_path / "s.sqlite3"
    with Store.open(path) as s:
        s.put("p", "rooms", "all", [1])

    def add_etag(conn):
        conn.execute("ALTER TABLE cache ADD COLUMN etag TEXT")

    latest = migrations.LATEST_VERSION + 1
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, add_etag])
    monkeypatch.setattr(migrations, "LATEST_VERSION", latest)
    monkeypatch.setattr("tui.store.db.LATEST_VERSION", latest)
    with Store.open(path) as s:
        assert s.warnings == [] and s.info()["schema_version"] == latest
        assert s.get("p", "rooms", "all").value == [1]
        columns = [r[1] for r in s._conn.execute("PRAGMA table_info(cache)")]
        assert "etag" in columns


def test_default_path_is_in_the_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANROOM_TUI_CACHE_DIR", str(tmp_path / "cache"))
    with Store.open() as s:
        assert s.path == tmp_path / "cache" / "store.sqlite3" and s.path.exists()
        assert (s.path.stat().st_mode & 0o077) == 0  # other companies' data: private file


def test_store_imports_neither_textual_nor_httpx():
    code = ("import sys, tui.store; bad = [m for m in ('textual', 'httpx') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_budget_ledgers_survive_eviction_and_cache_clear(tmp_path, clock):
    with Store.open(tmp_path / "s.sqlite3", now=clock) as s:
        s.ledger_put("p", "creates", [1.0, 2.0])
        s.put("p", "rooms", "all", ["x" * 1000])
        s.clear()
        assert s.get("p", "rooms", "all") is None
        assert s.ledger_get("p", "creates") == [1.0, 2.0]  # the platform still counts those calls
        s.clear("p", everything=True)
        assert s.ledger_get("p", "creates") is None


def test_v1_file_keeps_its_budget_entries_when_migrated(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    migrations.MIGRATIONS[0](conn)  # a file written by the first release
    conn.execute("PRAGMA user_version = 1")
    conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
    conn.execute("INSERT INTO cache (profile, kind, key, value, fetched_us, size) "
                 "VALUES ('p', 'budget', 'creates', '[5.0]', 1, 5)")
    conn.commit()
    conn.close()
    with Store.open(path) as s:
        assert s.warnings == [] and s.info()["schema_version"] == migrations.LATEST_VERSION
        assert s.ledger_get("p", "creates") == [5.0]
        assert s.get("p", "budget", "creates") is None
