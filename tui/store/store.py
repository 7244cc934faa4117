"""``Store``: the one object the app holds — response cache, launch journal, watch list and budget
ledgers.

One SQLite connection per Store, shared between the asyncio loop and worker threads behind a
lock. Every failure of the file or the disk is absorbed here (DESIGN.md principle 6): reads
answer "nothing cached", writes are dropped, and :attr:`Store.warnings` says why, once. A file
found corrupt while in use is moved aside and rebuilt, like one found corrupt at open.
Only a caller's own mistakes raise (a value that is not JSON, an unknown journal state).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from . import cache, journal, ledger, watchlist
from .cache import CacheEntry
from .db import Opened, error_kind, file_bytes, live_bytes, move_aside, open_database, open_memory
from .journal import JournalEntry
from .migrations import schema_version
from .times import iso_z, to_us, utcnow
from .watchlist import WatchItem

log = logging.getLogger("tui.store")

T = TypeVar("T")

DEFAULT_FILENAME = "store.sqlite3"
DEFAULT_MAX_BYTES = 200 * 2**20
#: check the size cap after this many puts, or after max_bytes/CHECK_FRACTION bytes were put
CHECK_EVERY_PUTS = 64
CHECK_FRACTION = 16

_DROPPED = {
    "full": "disk is full: cache and journal writes are being dropped",
    "readonly": "cache file became read-only: writes are being dropped",
    "busy": "cache is busy (another instance is holding a long write): some writes were dropped",
    "io": "disk I/O error on the cache: some reads and writes failed",
}


def default_path() -> Path:
    from ..config import cache_dir

    return cache_dir() / DEFAULT_FILENAME


class Store:
    """Cache, launch journal and watch list for every profile, in one SQLite file (WAL)."""

    def __init__(self, opened: Opened, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 now: Callable[[], datetime] | None = None) -> None:
        self._conn: sqlite3.Connection | None = opened.conn
        self.path: Path | None = opened.path
        self.warnings: list[str] = []
        #: called with each new warning as it happens (the TUI shows mid-session ones as a toast)
        self.warning_listeners: list[Callable[[str], None]] = []
        self.max_bytes = max_bytes
        self._now = now or utcnow
        self._lock = threading.RLock()
        self._warned: set[str] = set()
        self._puts_since_check = 0
        self._bytes_since_check = 0
        for message in opened.warnings:
            self._warn(message)

    # ------------------------------------------------------------------ opening and closing

    @classmethod
    def open(cls, path: Path | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
             now: Callable[[], datetime] | None = None) -> Store:
        """Open the store at ``path`` (default ``cache_dir()/store.sqlite3``). Never raises for a
        bad file or disk: see :attr:`warnings` and :attr:`path` (None = memory only)."""
        now = now or utcnow
        path = Path(path).expanduser() if path is not None else default_path()
        store = cls(open_database(path, now), max_bytes=max_bytes, now=now)
        store._housekeep()
        return store

    @classmethod
    def in_memory(cls, *, max_bytes: int = DEFAULT_MAX_BYTES, now: Callable[[], datetime] | None = None) -> Store:
        """A store that forgets on exit (tests, or a caller that wants no disk at all)."""
        return cls(open_memory(), max_bytes=max_bytes, now=now)

    def close(self) -> None:
        with self._lock:
            if self._conn is None:
                return
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("PRAGMA optimize")
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def in_memory_only(self) -> bool:
        return self.path is None

    # ------------------------------------------------------------------ cache

    def get(self, profile: str, kind: str, key: str) -> CacheEntry | None:
        return self._read(lambda c: cache.get(c, profile, kind, key), None)

    def get_many(self, profile: str, kind: str, keys: Iterable[str]) -> dict[str, CacheEntry]:
        keys = list(keys)
        return self._read(lambda c: cache.get_many(c, profile, kind, keys), {})

    def put(self, profile: str, kind: str, key: str, value: Any, fetched_at: datetime | None = None) -> None:
        """Store a JSON-serialisable value with its fetch time (default: now). Raises TypeError
        only for a value JSON cannot encode; disk problems drop the write with a warning."""
        text = cache.encode(value)
        fetched_us = to_us(fetched_at or self._now())
        self._write(lambda c: cache.put(c, profile, kind, key, text, fetched_us), None)
        with self._lock:
            self._puts_since_check += 1
            self._bytes_since_check += len(text)
            due = (self._puts_since_check >= CHECK_EVERY_PUTS
                   or self._bytes_since_check >= max(self.max_bytes // CHECK_FRACTION, 1))
        if due:
            self.enforce_cap()

    def invalidate(self, profile: str, kind: str | None = None, key: str | None = None) -> int:
        """Forget cached entries of a profile (all, one kind, or one key); returns how many."""
        return self._write(lambda c: cache.invalidate(c, profile, kind, key), 0)

    def invalidate_prefix(self, profile: str, kind: str, prefix: str) -> int:
        """Forget a profile's entries of ``kind`` whose key starts with ``prefix``."""
        return self._write(lambda c: cache.invalidate_prefix(c, profile, kind, prefix), 0)

    def enforce_cap(self) -> int:
        """Evict the oldest cache entries if the file is over ``max_bytes``; returns how many."""
        with self._lock:
            self._puts_since_check = 0
            self._bytes_since_check = 0
            if self.max_bytes <= 0:
                return 0
            evicted = self._write(lambda c: cache.evict_oldest(c, self.max_bytes), 0)
            if evicted:
                log.info("cache over %d bytes: evicted %d oldest entries", self.max_bytes, evicted)
                self._give_back_space()
            return evicted

    # ------------------------------------------------------------------ launch journal

    def journal_intent(self, profile: str, platform: str, target: str, params: dict, request: dict) -> int:
        """Record a launch *before* posting it; returns the journal id for the outcome calls.

        Returns 0 when the intent could not be recorded (disk full): the launch can still go
        ahead, but a lost answer then cannot be reconciled from the journal — tell the user.
        ``request`` is the body to be posted: never put headers or tokens in it.
        """
        now_us = to_us(self._now())
        return self._write(
            lambda c: journal.record_intent(c, profile, platform, target, params, request, now_us), 0,
            durable=True)

    def journal_succeeded(self, jid: int, object_id: str) -> None:
        self._outcome(jid, "succeeded", object_id=object_id)

    def journal_failed(self, jid: int, error: str, *, answered: bool) -> None:
        """``answered=True``: the platform said no, nothing was created. ``answered=False``: the
        answer was lost (timeout, dropped connection), the run may exist → state ``lost``, to be
        reconciled by listing runs, never by posting again."""
        self._outcome(jid, "failed" if answered else "lost", error=error)

    def journal_reconciled(self, jid: int, object_id: str | None, note: str) -> None:
        """Settle a pending/lost intent: ``object_id`` of the run found by listing, or None when
        listing showed that nothing was created."""
        self._outcome(jid, "reconciled", object_id=object_id, note=note)

    def journal_unresolved(self, profile: str, *, before: datetime | None = None) -> list[JournalEntry]:
        """Intents with no definite outcome: lost answers and crashes mid-POST, oldest first.

        ``before`` skips intents created since then — e.g. another instance's POST that is
        still in flight and must not be "reconciled" as if it had been lost.
        """
        before_us = to_us(before) if before is not None else None
        return self._read(lambda c: journal.unresolved(c, profile, before_us), [])

    def journal_recent(self, profile: str, target: str, params_fingerprint: str,
                       since: datetime) -> list[JournalEntry]:
        """Launches of the same target with the same parameters since ``since``, newest first
        (any state), for the "launch again?" duplicate guard."""
        since_us = to_us(since)
        return self._read(lambda c: journal.recent(c, profile, target, params_fingerprint, since_us), [])

    def journal_get(self, jid: int) -> JournalEntry | None:
        return self._read(lambda c: journal.get(c, jid), None)

    def journal_for_object(self, profile: str, object_id: str) -> JournalEntry | None:
        """The launch that created ``object_id`` (its request: "run again" for an insight query)."""
        return self._read(lambda c: journal.for_object(c, profile, object_id), None)

    def _outcome(self, jid: int, state: str, **fields: str | None) -> None:
        if not jid:  # the intent was never recorded (see journal_intent)
            return
        now_us = to_us(self._now())
        self._write(lambda c: journal.set_outcome(c, jid, state, now_us, **fields), False, durable=True)

    # ------------------------------------------------------------------ watch list

    def watch_add(self, profile: str, platform: str, kind: str, object_id: str, meta: dict | None = None) -> None:
        """Idempotent; re-adding keeps the original time, and replaces meta when one is given."""
        now_us = to_us(self._now())
        self._write(lambda c: watchlist.add(c, profile, platform, kind, object_id, meta, now_us), None)

    def watch_remove(self, profile: str, kind: str, object_id: str) -> None:
        self._write(lambda c: watchlist.remove(c, profile, kind, object_id), 0)

    def watch_list(self, profile: str | None = None) -> list[WatchItem]:
        return self._read(lambda c: watchlist.items(c, profile), [])

    # ------------------------------------------------------------------ budget ledgers

    def ledger_get(self, profile: str, key: str) -> Any:
        """A budget ledger's saved state (JSON value), or None."""
        return self._read(lambda c: ledger.get(c, profile, key), None)

    def ledger_put(self, profile: str, key: str, value: Any) -> None:
        now_us = to_us(self._now())
        self._write(lambda c: ledger.put(c, profile, key, value, now_us), None)

    def ledger_update(self, profile: str, key: str, change: Callable[[Any], tuple[Any, Any]]) -> tuple[Any] | None:
        """Read a ledger entry, decide, write it back — in one transaction (``BEGIN IMMEDIATE``), so
        processes sharing this file (browser tabs, a headless ``watch``) never both spend the last
        read. ``change(value) -> (result, new_value)``; a ``new_value`` of None writes nothing.
        Returns ``(result,)``, or None when the store could not do it."""
        now_us = to_us(self._now())

        def op(c: sqlite3.Connection) -> tuple[Any]:
            result, value = change(ledger.get(c, profile, key))
            if value is not None:
                ledger.put(c, profile, key, value, now_us)
            return (result,)

        return self._write(op, None)

    # ------------------------------------------------------------------ platform conventions

    def convention_get(self, profile: str, name: str) -> str | None:
        """What the profile's platform was found to accept (e.g. ``flow_ids`` → ``"flowID"``), or None.
        Kept with the ledgers, not the cache: ``cache clear`` must not make the client guess again."""
        value = self.ledger_get(profile, f"convention:{name}")
        return value if isinstance(value, str) else None

    def convention_put(self, profile: str, name: str, value: str) -> None:
        self.ledger_put(profile, f"convention:{name}", value)

    # ------------------------------------------------------------------ housekeeping

    def info(self) -> dict[str, Any]:
        """What ``cleanroom-tui cache info`` shows; JSON-serialisable (times as ISO 8601 Z)."""
        def collect(c: sqlite3.Connection) -> dict[str, Any]:
            cached = cache.summary(c)
            states = journal.summary(c)
            watched = watchlist.summary(c)
            profiles: dict[str, Any] = {}
            for name in sorted(set(cached["per_profile"]) | set(states) | set(watched)):
                by_kind = cached["per_profile"].get(name, {})
                by_state = states.get(name, {})
                profiles[name] = {
                    "cache": by_kind,
                    "cache_entries": sum(by_kind.values()),
                    "journal": by_state,
                    "unresolved_intents": sum(by_state.get(s, 0) for s in journal.UNRESOLVED),
                    "watched": watched.get(name, 0),
                }
            return {
                "schema_version": schema_version(c),
                "live_bytes": live_bytes(c),
                "cache_entries": cached["entries"],
                "cache_value_bytes": cached["value_bytes"],
                "journal_entries": sum(sum(s.values()) for s in states.values()),
                "unresolved_intents": sum(p["unresolved_intents"] for p in profiles.values()),
                "watched": sum(watched.values()),
                "oldest_fetch": iso_z(cached["oldest"]),
                "newest_fetch": iso_z(cached["newest"]),
                "profiles": profiles,
            }

        details = self._read(collect, {})
        size = file_bytes(self.path) if self.path is not None else details.get("live_bytes", 0)
        return {"path": str(self.path) if self.path is not None else None,
                "in_memory": self.path is None, "size_bytes": size, "max_bytes": self.max_bytes,
                **details, "warnings": list(self.warnings)}

    def clear(self, profile: str | None = None, *, everything: bool = False) -> None:
        """Delete cached entries (of one profile, or all). The launch journal, the watch list and
        the budget ledgers are kept — above all the journal's *unresolved intents*, the only record
        that a lost create-run may exist, and the last hour's calls the platform still counts;
        ``everything=True`` deletes those too."""
        def wipe(c: sqlite3.Connection) -> None:
            cache.clear(c, profile)
            if everything:
                journal.clear(c, profile)
                watchlist.clear(c, profile)
                ledger.clear(c, profile)

        self._write(wipe, None)
        self._give_back_space(checkpoint=True)

    def _housekeep(self) -> None:
        """On open: drop long-settled journal entries and apply the size cap."""
        cutoff = to_us(self._now() - timedelta(days=journal.RETENTION_DAYS))
        self._write(lambda c: journal.prune_resolved(c, cutoff), 0)
        self.enforce_cap()

    def _give_back_space(self, *, checkpoint: bool = False) -> None:
        """Return free pages to the file system (the file is created with incremental
        auto-vacuum); after ``clear`` also fold the WAL back so the bytes show up at once."""
        with self._lock:
            if self._conn is None:
                return
            try:
                # executescript steps the pragma to completion; execute() frees only one page
                self._conn.executescript("PRAGMA incremental_vacuum;")
                if checkpoint:
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except sqlite3.Error as exc:
                log.debug("could not give back free pages: %s", exc)

    # ------------------------------------------------------------------ plumbing

    def _read(self, op: Callable[[sqlite3.Connection], T], default: T) -> T:
        return self._run(op, default, write=False)

    def _write(self, op: Callable[[sqlite3.Connection], T], default: T, *, durable: bool = False) -> T:
        return self._run(op, default, write=True, durable=durable)

    def _run(self, op: Callable[[sqlite3.Connection], T], default: T, *, write: bool,
             durable: bool = False) -> T:
        with self._lock:
            for attempt in (1, 2):
                conn = self._conn
                if conn is None:
                    return default
                try:
                    return self._transaction(conn, op, durable) if write else op(conn)
                except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
                    raise  # a caller's mistake (e.g. a key that is not a string), not the disk's
                except sqlite3.Error as exc:
                    kind = error_kind(exc)
                    if attempt == 1 and kind == "corrupt":
                        self._rebuild(exc)
                        continue
                    # journal rows are worth old cache entries; a cache put is simply dropped
                    if attempt == 1 and kind == "full" and durable and self._make_room():
                        continue
                    self._warn(_DROPPED.get(kind, f"cache error: {exc}"), once=kind)
                    log.debug("store operation failed", exc_info=True)
                    return default
            return default

    @staticmethod
    def _transaction(conn: sqlite3.Connection, op: Callable[[sqlite3.Connection], T], durable: bool) -> T:
        if durable:  # journal rows: fsync the WAL at commit, so a power cut cannot lose an intent
            conn.execute("PRAGMA synchronous = FULL")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = op(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise
            return result
        finally:
            if durable:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("PRAGMA synchronous = NORMAL")

    def _make_room(self) -> bool:
        """On a full disk, free the oldest quarter of the cache inside the file so a journal row
        can reuse its pages; True if anything was freed."""
        assert self._conn is not None
        try:
            return self._transaction(self._conn, lambda c: cache.evict_fraction(c, 0.25), False) > 0
        except sqlite3.Error:
            return False

    def _rebuild(self, exc: sqlite3.Error) -> None:
        """The file turned out corrupt while in use: move it aside and start a fresh one."""
        assert self._conn is not None
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._conn = None
        if self.path is None:  # memory cannot be moved aside; start an empty one
            opened = open_memory([f"in-memory cache failed ({exc}); started an empty one"])
        else:
            try:
                aside = move_aside(self.path, "corrupt", self._now)
            except OSError as move_exc:
                opened = open_memory([f"cache file became corrupt ({exc}) and could not be moved aside "
                                      f"({move_exc}); using memory only"])
            else:
                opened = open_database(self.path, self._now)
                opened.warnings.insert(0, f"cache file became corrupt ({exc}); moved to {aside}; rebuilt")
        self._conn, self.path = opened.conn, opened.path
        for message in opened.warnings:
            self._warn(message)

    def _warn(self, message: str, *, once: str | None = None) -> None:
        if once is not None:
            if once in self._warned:
                return
            self._warned.add(once)
        self.warnings.append(message)
        log.warning("%s", message)
        for listener in list(self.warning_listeners):
            with contextlib.suppress(Exception):  # telling someone must never break a cache write
                listener(message)


__all__ = ["CacheEntry", "JournalEntry", "Store", "WatchItem"]
