"""Watched runs (and other objects) per profile, so the watcher picks them up after a restart."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from .times import from_us


@dataclass(frozen=True)
class WatchItem:
    profile: str
    platform: str
    kind: str
    object_id: str
    meta: dict = field(default_factory=dict)
    added_at: datetime | None = None


def add(conn: sqlite3.Connection, profile: str, platform: str, kind: str, object_id: str,
        meta: dict | None, now_us: int) -> None:
    # Idempotent: re-adding keeps the original added time; new meta replaces old, None keeps it.
    conn.execute(
        """INSERT INTO watch (profile, platform, kind, object_id, meta, added_us) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (profile, kind, object_id) DO UPDATE
           SET platform = excluded.platform, meta = coalesce(excluded.meta, watch.meta)""",
        (profile, platform, kind, object_id, None if meta is None else json.dumps(meta, default=str), now_us))


def remove(conn: sqlite3.Connection, profile: str, kind: str, object_id: str) -> int:
    return conn.execute("DELETE FROM watch WHERE profile = ? AND kind = ? AND object_id = ?",
                        (profile, kind, object_id)).rowcount


def items(conn: sqlite3.Connection, profile: str | None = None) -> list[WatchItem]:
    sql = "SELECT profile, platform, kind, object_id, meta, added_us FROM watch"
    args: tuple = ()
    if profile is not None:
        sql, args = sql + " WHERE profile = ?", (profile,)
    rows = conn.execute(sql + " ORDER BY added_us, profile, kind, object_id", args)
    return [WatchItem(p, plat, kind, oid, json.loads(meta) if meta else {}, from_us(added))
            for p, plat, kind, oid, meta, added in rows]


def clear(conn: sqlite3.Connection, profile: str | None = None) -> int:
    if profile is None:
        return conn.execute("DELETE FROM watch").rowcount
    return conn.execute("DELETE FROM watch WHERE profile = ?", (profile,)).rowcount


def summary(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT profile, count(*) FROM watch GROUP BY profile").fetchall())
