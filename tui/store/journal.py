"""The launch journal: every create-run is recorded *before* it is posted, its outcome after.

States:
  ``pending``     intent recorded, no answer yet (or the app died mid-POST)
  ``succeeded``   the platform answered with the new object's id
  ``failed``      the platform answered with an error: nothing was created
  ``lost``        the answer never arrived (timeout, dropped connection): the run may exist
  ``reconciled``  a pending/lost intent was settled later by *listing* runs, never by posting again

``pending`` and ``lost`` are the unresolved states. ``fingerprint`` identifies "the same launch"
(target plus parameters) for the "launch again?" duplicate guard.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .times import from_us

STATES = ("pending", "succeeded", "failed", "lost", "reconciled")
UNRESOLVED = ("pending", "lost")
#: resolved entries older than this are pruned when the store opens (the duplicate guard looks
#: back hours, not months); unresolved ones are kept until they are reconciled
RETENTION_DAYS = 30


@dataclass(frozen=True)
class JournalEntry:
    id: int
    profile: str
    platform: str
    target: str
    params: dict
    request: dict
    fingerprint: str
    state: str
    object_id: str | None
    error: str | None
    note: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def unresolved(self) -> bool:
        return self.state in UNRESOLVED


def params_fingerprint(target: str, params: dict) -> str:
    """A stable hash of the target and its parameters: key order does not matter, values do."""
    canonical = json.dumps([target, params], sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


_COLUMNS = ("id, profile, platform, target, params, request, fingerprint, state, object_id, error, note, "
            "created_us, updated_us")


def _entry(row: tuple) -> JournalEntry:
    (jid, profile, platform, target, params, request, fingerprint, state, object_id, error, note,
     created_us, updated_us) = row
    return JournalEntry(jid, profile, platform, target, json.loads(params), json.loads(request), fingerprint,
                        state, object_id, error, note, from_us(created_us), from_us(updated_us))


def record_intent(conn: sqlite3.Connection, profile: str, platform: str, target: str, params: dict,
                  request: dict, now_us: int) -> int:
    cursor = conn.execute(
        "INSERT INTO journal (profile, platform, target, params, request, fingerprint, state, "
        "created_us, updated_us) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
        (profile, platform, target, json.dumps(params, default=str), json.dumps(request, default=str),
         params_fingerprint(target, params), now_us, now_us))
    return int(cursor.lastrowid)


def set_outcome(conn: sqlite3.Connection, jid: int, state: str, now_us: int, *, object_id: str | None = None,
                error: str | None = None, note: str | None = None) -> bool:
    if state not in STATES:
        raise ValueError(f"unknown journal state {state!r}")
    cursor = conn.execute(
        "UPDATE journal SET state = ?, object_id = coalesce(?, object_id), error = coalesce(?, error), "
        "note = coalesce(?, note), updated_us = ? WHERE id = ?",
        (state, object_id, error, note, now_us, jid))
    return cursor.rowcount > 0


def get(conn: sqlite3.Connection, jid: int) -> JournalEntry | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM journal WHERE id = ?", (jid,)).fetchone()
    return _entry(row) if row else None


def for_object(conn: sqlite3.Connection, profile: str, object_id: str) -> JournalEntry | None:
    """The newest entry that created (or was reconciled to) ``object_id``."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM journal WHERE profile = ? AND object_id = ? "
                       "ORDER BY created_us DESC, id DESC LIMIT 1", (profile, object_id)).fetchone()
    return _entry(row) if row else None


def unresolved(conn: sqlite3.Connection, profile: str, before_us: int | None = None) -> list[JournalEntry]:
    sql = f"SELECT {_COLUMNS} FROM journal WHERE profile = ? AND state IN ('pending', 'lost')"
    args: list[Any] = [profile]
    if before_us is not None:
        sql, args = sql + " AND created_us < ?", [*args, before_us]
    return [_entry(r) for r in conn.execute(sql + " ORDER BY created_us, id", args)]


def recent(conn: sqlite3.Connection, profile: str, target: str, fingerprint: str,
           since_us: int) -> list[JournalEntry]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM journal WHERE profile = ? AND fingerprint = ? AND target = ? "
        "AND created_us >= ? ORDER BY created_us DESC, id DESC",
        (profile, fingerprint, target, since_us))
    return [_entry(r) for r in rows]


def prune_resolved(conn: sqlite3.Connection, older_than_us: int) -> int:
    return conn.execute(
        "DELETE FROM journal WHERE state NOT IN ('pending', 'lost') AND updated_us < ?",
        (older_than_us,)).rowcount


def clear(conn: sqlite3.Connection, profile: str | None = None) -> int:
    if profile is None:
        return conn.execute("DELETE FROM journal").rowcount
    return conn.execute("DELETE FROM journal WHERE profile = ?", (profile,)).rowcount


def summary(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    """Per profile: entry count by state."""
    out: dict[str, dict[str, int]] = {}
    for profile, state, count in conn.execute(
            "SELECT profile, state, count(*) FROM journal GROUP BY profile, state"):
        out.setdefault(profile, {})[state] = count
    return out
