"""Budget ledgers (creations, status reads and back-offs per profile), kept apart from the cache.

They are not cached platform data: evicting them under the size cap, or ``cache clear``, would make
the app forget the last hour's calls and overspend a budget the platform enforces. Only
``clear(everything=True)`` deletes them. Values are JSON text.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any


def get(conn: sqlite3.Connection, profile: str, key: str) -> Any:
    row = conn.execute("SELECT value FROM ledger WHERE profile = ? AND key = ?", (profile, key)).fetchone()
    if row is None:
        return None
    try:
        return json.loads(row[0])
    except ValueError:  # a damaged row is an empty ledger entry, not a crash
        return None


def put(conn: sqlite3.Connection, profile: str, key: str, value: Any, now_us: int) -> None:
    conn.execute(
        """INSERT INTO ledger (profile, key, value, updated_us) VALUES (?, ?, ?, ?)
           ON CONFLICT (profile, key) DO UPDATE SET value = excluded.value, updated_us = excluded.updated_us""",
        (profile, key, json.dumps(value, separators=(",", ":")), now_us))


def clear(conn: sqlite3.Connection, profile: str | None = None) -> int:
    if profile is None:
        return conn.execute("DELETE FROM ledger").rowcount
    return conn.execute("DELETE FROM ledger WHERE profile = ?", (profile,)).rowcount
