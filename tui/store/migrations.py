"""Schema versions, newest last. ``PRAGMA user_version`` says which ones a file already has.

To change the schema, append one function to :data:`MIGRATIONS` that takes the connection
(inside the migration transaction) and alters the tables; never edit a released one. A file
whose version is newer than ``LATEST_VERSION`` was written by a newer release and is not
touched here (``db.py`` moves it aside).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

#: ``PRAGMA application_id``: "CRTU". Marks the file as ours so someone else's SQLite
#: database at the same path is recognised (and moved aside) rather than migrated.
APPLICATION_ID = 0x43525455


class NewerSchema(Exception):
    """The file's schema version is newer than this release knows."""


def _v1(conn: sqlite3.Connection) -> None:
    statements = [
        "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        # One row per fetched list page or detail; value is JSON text.
        """CREATE TABLE cache (
               id INTEGER PRIMARY KEY,
               profile TEXT NOT NULL,
               kind TEXT NOT NULL,
               key TEXT NOT NULL,
               value TEXT NOT NULL,
               fetched_us INTEGER NOT NULL,
               size INTEGER NOT NULL
           )""",
        "CREATE UNIQUE INDEX cache_by_key ON cache (profile, kind, key)",
        "CREATE INDEX cache_by_age ON cache (fetched_us)",
        # AUTOINCREMENT: a journal id is never reused, even after clear(everything=True).
        """CREATE TABLE journal (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               profile TEXT NOT NULL,
               platform TEXT NOT NULL,
               target TEXT NOT NULL,
               params TEXT NOT NULL,
               request TEXT NOT NULL,
               fingerprint TEXT NOT NULL,
               state TEXT NOT NULL,
               object_id TEXT,
               error TEXT,
               note TEXT,
               created_us INTEGER NOT NULL,
               updated_us INTEGER NOT NULL
           )""",
        "CREATE INDEX journal_by_state ON journal (profile, state)",
        "CREATE INDEX journal_by_fingerprint ON journal (profile, fingerprint, created_us)",
        """CREATE TABLE watch (
               profile TEXT NOT NULL,
               platform TEXT NOT NULL,
               kind TEXT NOT NULL,
               object_id TEXT NOT NULL,
               meta TEXT,
               added_us INTEGER NOT NULL,
               PRIMARY KEY (profile, kind, object_id)
           )""",
    ]
    for sql in statements:
        conn.execute(sql)


def _v2(conn: sqlite3.Connection) -> None:
    # budget ledgers move out of the evictable cache (they were cache kind "budget")
    conn.execute("""CREATE TABLE ledger (
                        profile TEXT NOT NULL,
                        key TEXT NOT NULL,
                        value TEXT NOT NULL,
                        updated_us INTEGER NOT NULL,
                        PRIMARY KEY (profile, key)
                    )""")
    conn.execute("""INSERT INTO ledger (profile, key, value, updated_us)
                    SELECT profile, key, value, fetched_us FROM cache WHERE kind = 'budget'""")
    conn.execute("DELETE FROM cache WHERE kind = 'budget'")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2]
LATEST_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the file up to ``LATEST_VERSION`` in one transaction; returns the version found.

    ``BEGIN IMMEDIATE`` plus re-reading the version inside the transaction makes two instances
    starting at once safe: the second one finds the work done.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = schema_version(conn)
        if found > LATEST_VERSION:
            raise NewerSchema(f"schema version {found}, this release knows up to {LATEST_VERSION}")
        for number in range(found + 1, LATEST_VERSION + 1):
            MIGRATIONS[number - 1](conn)
        if found < LATEST_VERSION:
            conn.execute(f"PRAGMA user_version = {LATEST_VERSION}")
        if found == 0:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return found
