"""The response cache: one JSON value per (profile, kind, key) with the time it was fetched.

Functions take a connection and run inside the caller's transaction (see ``store.Store``).
Eviction is by fetch time, oldest first, and only ever touches this table.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .db import live_bytes
from .times import from_us

#: fraction of the cap the cache is brought back to when it is exceeded, so eviction is not
#: triggered again by the very next put
EVICT_TO_RATIO = 0.9
#: rough per-row cost besides the value (record header, rowid, two index entries)
_ROW_OVERHEAD = 48
#: stays below SQLite's default limit of host parameters in one statement
_CHUNK = 500


@dataclass(frozen=True)
class CacheEntry:
    value: Any
    #: when the value was fetched from the platform (aware, UTC)
    fetched_at: datetime
    kind: str
    key: str


def encode(value: Any) -> str:
    """Compact JSON; raises TypeError for values that are not JSON-serialisable (a caller bug)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _entry(kind: str, key: str, text: str, fetched_us: int) -> CacheEntry | None:
    try:
        value = json.loads(text)
    except ValueError:  # cannot happen for rows we wrote; treat as a miss rather than crash
        return None
    return CacheEntry(value, from_us(fetched_us), kind, key)


def get(conn: sqlite3.Connection, profile: str, kind: str, key: str) -> CacheEntry | None:
    row = conn.execute("SELECT value, fetched_us FROM cache WHERE profile = ? AND kind = ? AND key = ?",
                       (profile, kind, key)).fetchone()
    return _entry(kind, key, row[0], row[1]) if row else None


def get_many(conn: sqlite3.Connection, profile: str, kind: str, keys: Iterable[str]) -> dict[str, CacheEntry]:
    wanted = list(dict.fromkeys(keys))
    found: dict[str, CacheEntry] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT key, value, fetched_us FROM cache WHERE profile = ? AND kind = ? AND key IN ({marks})",
            (profile, kind, *chunk))
        for key, text, fetched_us in rows:
            entry = _entry(kind, key, text, fetched_us)
            if entry is not None:
                found[key] = entry
    return found


def put(conn: sqlite3.Connection, profile: str, kind: str, key: str, text: str, fetched_us: int) -> None:
    # Last write wins, even with an older fetch time: clocks differ between the demo's scaled
    # clock and the wall clock, and a value that can never be replaced would be worse.
    conn.execute(
        """INSERT INTO cache (profile, kind, key, value, fetched_us, size) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (profile, kind, key) DO UPDATE
           SET value = excluded.value, fetched_us = excluded.fetched_us, size = excluded.size""",
        (profile, kind, key, text, fetched_us, len(text)))


def invalidate(conn: sqlite3.Connection, profile: str, kind: str | None = None, key: str | None = None) -> int:
    sql, args = "DELETE FROM cache WHERE profile = ?", [profile]
    if kind is not None:
        sql, args = sql + " AND kind = ?", [*args, kind]
    if key is not None:
        sql, args = sql + " AND key = ?", [*args, key]
    return conn.execute(sql, args).rowcount


def invalidate_prefix(conn: sqlite3.Connection, profile: str, kind: str, prefix: str) -> int:
    """Forget a profile's entries of ``kind`` whose key starts with ``prefix`` (compared as text,
    so ``%`` or ``_`` in the prefix mean themselves)."""
    return conn.execute("DELETE FROM cache WHERE profile = ? AND kind = ? AND substr(key, 1, ?) = ?",
                        (profile, kind, len(prefix), prefix)).rowcount


def clear(conn: sqlite3.Connection, profile: str | None = None) -> int:
    if profile is None:
        return conn.execute("DELETE FROM cache").rowcount
    return conn.execute("DELETE FROM cache WHERE profile = ?", (profile,)).rowcount


def evict_oldest(conn: sqlite3.Connection, max_bytes: int) -> int:
    """If the file's live pages exceed ``max_bytes``, delete the oldest entries until about
    ``EVICT_TO_RATIO`` of it is left; returns how many entries went.

    The page count says *whether* to evict (cheap); the rows' own sizes say *how much*, because
    freed space inside half-empty pages does not show up in the page count at once.
    """
    used = live_bytes(conn)
    if max_bytes <= 0 or used <= max_bytes:
        return 0
    excess = used - int(max_bytes * EVICT_TO_RATIO)
    victims: list[int] = []
    freed = 0
    cursor = conn.execute(
        "SELECT id, size + length(profile) + length(kind) + 2 * length(key) + ? FROM cache "
        "ORDER BY fetched_us, id", (_ROW_OVERHEAD,))
    try:
        for row_id, footprint in cursor:
            victims.append(row_id)
            freed += footprint
            if freed >= excess:
                break
    finally:
        cursor.close()
    for start in range(0, len(victims), _CHUNK):
        chunk = victims[start:start + _CHUNK]
        conn.execute(f"DELETE FROM cache WHERE id IN ({','.join('?' * len(chunk))})", chunk)
    return len(victims)


def evict_fraction(conn: sqlite3.Connection, fraction: float) -> int:
    """Delete the oldest ``fraction`` of entries (at least one): room for a write on a full disk."""
    total = conn.execute("SELECT count(*) FROM cache").fetchone()[0]
    if not total:
        return 0
    count = max(1, int(total * fraction))
    return conn.execute("DELETE FROM cache WHERE id IN (SELECT id FROM cache ORDER BY fetched_us, id LIMIT ?)",
                        (count,)).rowcount


def summary(conn: sqlite3.Connection) -> dict[str, Any]:
    """Counts per profile and kind, and the oldest and newest fetch times."""
    per_profile: dict[str, dict[str, int]] = {}
    for profile, kind, count in conn.execute(
            "SELECT profile, kind, count(*) FROM cache GROUP BY profile, kind ORDER BY profile, kind"):
        per_profile.setdefault(profile, {})[kind] = count
    total, oldest, newest, value_bytes = conn.execute(
        "SELECT count(*), min(fetched_us), max(fetched_us), coalesce(sum(size), 0) FROM cache").fetchone()
    return {
        "per_profile": per_profile,
        "entries": total,
        "value_bytes": value_bytes,
        "oldest": from_us(oldest) if oldest is not None else None,
        "newest": from_us(newest) if newest is not None else None,
    }
