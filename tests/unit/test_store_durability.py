"""The store never crashes the app: bad files are moved aside, bad disks degrade to memory,
kill -9 mid-write leaves a file that opens, and two processes can share one file."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.store import Store
from tui.store import cache as cache_rows
from tui.store.migrations import LATEST_VERSION

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[2]


def fixed_clock():
    return T0


def _asides(path: Path, reason: str) -> list[Path]:
    return sorted(p for p in path.parent.glob(f"{path.name}.{reason}-*") if not p.name.endswith(("-wal", "-shm")))


def _usable(store: Store) -> None:
    store.put("p", "rooms", "all", [{"id": "r1"}])
    assert store.get("p", "rooms", "all").value == [{"id": "r1"}]
    assert store.journal_intent("p", "liveramp", "q1", {}, {}) > 0
    store.close()


def _quick_check(path: Path) -> list:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA quick_check").fetchall()
    finally:
        conn.close()


def _filled_db(path: Path, rows: int = 300) -> None:
    with Store.open(path, now=fixed_clock) as s:
        for i in range(rows):
            s.put("p", "page", str(i), {"i": i, "pad": "q" * 500})
        s._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# --------------------------------------------------------------------------- bad files

def test_random_bytes_are_moved_aside_and_rebuilt(tmp_path):
    path = tmp_path / "store.sqlite3"
    garbage = random.Random(7).randbytes(8192)
    path.write_bytes(garbage)
    store = Store.open(path, now=fixed_clock)
    [aside] = _asides(path, "corrupt")
    assert aside.name == "store.sqlite3.corrupt-20261102T090000Z" and aside.read_bytes() == garbage
    assert len(store.warnings) == 1 and "corrupt" in store.warnings[0] and str(aside) in store.warnings[0]
    assert store.path == path
    _usable(store)


def test_truncated_database_is_moved_aside(tmp_path):
    path = tmp_path / "store.sqlite3"
    _filled_db(path)
    with path.open("r+b") as fh:
        fh.truncate(path.stat().st_size // 2)
    store = Store.open(path, now=fixed_clock)
    assert len(_asides(path, "corrupt")) == 1 and "corrupt" in store.warnings[0]
    assert store.get("p", "page", "1") is None  # a fresh file
    _usable(store)


def test_damaged_pages_are_caught_by_quick_check(tmp_path):
    path = tmp_path / "store.sqlite3"
    _filled_db(path)
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 3, len(data), 4096 * 5):  # scribble over several b-tree pages
        data[offset:offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    store = Store.open(path, now=fixed_clock)
    assert _asides(path, "corrupt") and store.warnings
    _usable(store)


def test_foreign_sqlite_file_is_moved_aside_not_migrated(tmp_path):
    path = tmp_path / "store.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (9.5)")
    conn.commit()
    conn.close()
    store = Store.open(path, now=fixed_clock)
    [aside] = _asides(path, "foreign")
    assert "another program" in store.warnings[0]
    theirs = sqlite3.connect(aside)
    assert theirs.execute("SELECT total FROM invoices").fetchall() == [(9.5,)]  # left intact
    theirs.close()
    _usable(store)


def test_other_application_id_is_foreign_even_without_tables(tmp_path):
    path = tmp_path / "store.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.close()
    store = Store.open(path, now=fixed_clock)
    assert _asides(path, "foreign") and store.warnings
    _usable(store)


def test_newer_schema_is_moved_aside(tmp_path):
    path = tmp_path / "store.sqlite3"
    with Store.open(path) as s:
        s.put("p", "rooms", "all", [1])
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    store = Store.open(path, now=fixed_clock)
    assert _asides(path, "newer") and "newer release" in store.warnings[0]
    assert store.get("p", "rooms", "all") is None and store.info()["schema_version"] == LATEST_VERSION
    _usable(store)


def test_empty_file_is_just_a_new_database(tmp_path):
    path = tmp_path / "store.sqlite3"
    path.touch()
    store = Store.open(path)
    assert store.warnings == [] and not list(tmp_path.glob("*.corrupt-*"))
    _usable(store)


def test_wal_and_shm_move_with_the_file_and_old_copies_are_pruned(tmp_path):
    path = tmp_path / "store.sqlite3"
    for n in range(5):
        path.write_bytes(b"not a database at all" * 100)
        path.with_name(path.name + "-wal").write_bytes(b"stale wal")
        path.with_name(path.name + "-shm").write_bytes(b"stale shm")
        stamp = T0 + timedelta(minutes=n)
        Store.open(path, now=lambda stamp=stamp: stamp).close()
    kept = _asides(path, "corrupt")
    assert [p.name[-5:] for p in kept] == ["0200Z", "0300Z", "0400Z"]  # the 3 newest
    assert kept[-1].with_name(kept[-1].name + "-wal").read_bytes() == b"stale wal"
    assert not list(tmp_path.glob("store.sqlite3.corrupt-20261102T090000Z*"))


def test_corruption_found_while_in_use_rebuilds(tmp_path, monkeypatch):
    path = tmp_path / "store.sqlite3"
    store = Store.open(path, now=fixed_clock)
    store.put("p", "rooms", "all", [1])
    real_get = cache_rows.get
    calls = []

    def failing_get(*args):
        calls.append(1)
        if len(calls) == 1:
            raise sqlite3.DatabaseError("database disk image is malformed")
        return real_get(*args)

    monkeypatch.setattr(cache_rows, "get", failing_get)
    assert store.get("p", "rooms", "all") is None  # answered from the fresh file
    assert _asides(path, "corrupt") and "became corrupt" in store.warnings[0]
    monkeypatch.undo()
    _usable(store)


# --------------------------------------------------------------------------- bad disks

def test_unwritable_location_degrades_to_memory(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    store = Store.open(blocker / "sub" / "store.sqlite3")  # works even as root
    assert store.path is None and store.info()["in_memory"]
    assert "using memory only" in store.warnings[0]
    _usable(store)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory_degrades_to_memory(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        store = Store.open(ro / "store.sqlite3")
        assert store.path is None and "read-only" in store.warnings[0]
        _usable(store)
    finally:
        ro.chmod(0o700)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file_degrades_to_memory(tmp_path):
    path = tmp_path / "store.sqlite3"
    Store.open(path).close()
    path.chmod(0o400)
    try:
        store = Store.open(path)
        assert store.path is None and store.warnings
        _usable(store)
    finally:
        path.chmod(0o600)


def test_read_only_error_from_sqlite_degrades_to_memory(tmp_path, monkeypatch):
    """The root-proof version of the read-only cases: SQLite itself says it cannot write."""
    import tui.store.db as db

    real_connect = db.connect

    def readonly_connect(target):
        if target == ":memory:":
            return real_connect(target)
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(db, "connect", readonly_connect)
    store = Store.open(tmp_path / "store.sqlite3")
    assert store.path is None and "read-only" in store.warnings[0]
    _usable(store)


def test_disk_full_after_open_drops_writes_with_one_warning(tmp_path):
    store = Store.open(tmp_path / "store.sqlite3", now=fixed_clock)
    store.put("p", "small", "kept", [1])
    jid = store.journal_intent("p", "liveramp", "q1", {}, {})
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: "disk full"
    for i in range(5):
        store.put("p", "big", str(i), "x" * 200_000)  # must not raise
    assert store.get("p", "big", "0") is None
    assert store.get("p", "small", "kept").value == [1]  # a dropped put does not evict others
    assert sum("disk is full" in w for w in store.warnings) == 1
    store.journal_succeeded(jid, "run-1")  # small updates still fit in existing pages
    assert store.journal_get(jid).state == "succeeded"
    store.close()


def test_disk_full_journal_intent_returns_zero(tmp_path):
    store = Store.open(tmp_path / "store.sqlite3", now=fixed_clock)
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")
    big = {"blob": "y" * 100_000}
    assert store.journal_intent("p", "liveramp", "q1", big, big) == 0
    store.journal_succeeded(0, "run-1")  # no-op, no error
    assert any("disk is full" in w for w in store.warnings)
    store.close()


# --------------------------------------------------------------------------- crashes and processes

def _python(code: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


HAMMER = """
import sys
from pathlib import Path
from tui.store import Store
store = Store.open(Path(sys.argv[1]))
i = 0
while True:
    store.put("p", "page", str(i), {"i": i, "pad": "x" * 3000})
    if i % 25 == 0:
        store.journal_intent("p", "liveramp", "q1", {"i": i}, {"parameters": {"i": i}})
    print(i, flush=True)  # printed only after the put committed
    i += 1
"""


def test_kill_9_during_writes_leaves_a_file_that_opens(tmp_path):
    path = tmp_path / "store.sqlite3"
    last = -1
    for _round in range(2):  # the second round starts from a file recovered after a kill
        child = _python(HAMMER, str(path))
        try:
            target = last + 300
            while last < target:
                line = child.stdout.readline()
                assert line, f"writer died: {child.stderr.read()}"
                last = int(line)
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.kill()
            child.wait()
            child.stdout.close()
            child.stderr.close()
            child.stdin.close()
        assert _quick_check(path) == [("ok",)]
        with Store.open(path) as store:
            assert store.warnings == []
            found = store.get_many("p", "page", [str(i) for i in range(last + 1)])
            assert len(found) == last + 1  # every acknowledged row survived
            assert found[str(last)].value["i"] == last
            # intents recorded before the kill are unresolved: reconciled later, never re-posted
            assert len(store.journal_unresolved("p")) >= last // 25
        assert _quick_check(path) == [("ok",)]


TWIN = """
import json, sys
from pathlib import Path
from tui.store import Store
store = Store.open(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()
for i in range(300):
    store.put("child", "page", str(i), {"i": i, "pad": "c" * 500})
    if i % 50 == 0:
        store.watch_add("child", "liveramp", "question_run", f"run-{i}")
print(json.dumps(store.warnings), flush=True)
store.close()
"""


def test_two_processes_write_one_file_at_once(tmp_path):
    path = tmp_path / "store.sqlite3"
    store = Store.open(path)
    child = _python(TWIN, str(path))
    try:
        assert child.stdout.readline().strip() == "ready"
        child.stdin.write("go\n")
        child.stdin.flush()
        for i in range(300):
            store.put("parent", "page", str(i), {"i": i, "pad": "p" * 500})
            if i % 50 == 0:
                store.journal_intent("parent", "liveramp", "q1", {"i": i}, {})
        child_warnings = json.loads(child.stdout.readline() or "null")
        assert child.wait(timeout=60) == 0, child.stderr.read()
    finally:
        child.kill()
        child.wait()
        for stream in (child.stdin, child.stdout, child.stderr):
            stream.close()
    assert child_warnings == [] and store.warnings == []
    info = store.info()
    assert info["profiles"]["child"]["cache_entries"] == 300
    assert info["profiles"]["parent"]["cache_entries"] == 300
    assert len(store.watch_list("child")) == 6 and info["journal_entries"] == 6
    store.close()
    assert _quick_check(path) == [("ok",)]


def test_large_files_get_the_page_check_once_a_day(tmp_path, monkeypatch):
    from tui.store import db

    path = tmp_path / "store.sqlite3"
    Store.open(path, now=fixed_clock).close()
    monkeypatch.setattr(db, "FULL_CHECK_BYTES", 0)  # treat the file as large
    checks = []
    real = db._check_health

    def spy(conn, *, pages=True):
        checks.append(pages)
        return real(conn, pages=pages)

    monkeypatch.setattr(db, "_check_health", spy)
    Store.open(path, now=lambda: T0 + timedelta(hours=1)).close()
    Store.open(path, now=lambda: T0 + timedelta(hours=2)).close()
    Store.open(path, now=lambda: T0 + timedelta(hours=25)).close()  # a day after the last check
    Store.open(path, now=lambda: T0 + timedelta(hours=26)).close()
    assert checks == [False, False, True, False]
    monkeypatch.setattr(db, "FULL_CHECK_BYTES", 2**40)  # small files: every open
    Store.open(path, now=lambda: T0 + timedelta(hours=27)).close()
    assert checks[-1] is True
