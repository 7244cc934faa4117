"""Opening the store's SQLite file: pragmas, health checks, bad files moved aside, memory fallback.

Opening never raises for a bad file or a bad disk. A file that is not a database, fails
``PRAGMA quick_check`` (run at every open while the file is small, and at most once a day once it
is large — it reads every page, ~20 ms per 60 MB, which a cron job pays on every call; damage
found in use between checks is caught by the store and rebuilt the same way), belongs to another program (``application_id``) or was written by a
newer release is renamed (with its ``-wal``/``-shm``) to ``<name>.corrupt-<stamp>`` /
``.foreign-…`` / ``.newer-…`` and a fresh file is created. A directory that cannot be written
(read-only, full, missing permissions) gives an in-memory database. Either way the reason ends
up in :attr:`Opened.warnings`, worded for the operator.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .migrations import APPLICATION_ID, LATEST_VERSION, NewerSchema, migrate, schema_version
from .times import file_stamp, to_us

BUSY_TIMEOUT_MS = 5000
#: the WAL file is cut back to this after checkpoints instead of staying at its peak size
JOURNAL_SIZE_LIMIT = 8 * 2**20
SQLITE_MAGIC = b"SQLite format 3\x00"
#: moved-aside copies kept per reason; older ones are deleted so a crash loop cannot fill the disk
KEEP_ASIDE = 3
#: files up to this size get the full page check at every open; larger ones once per CHECK_EVERY_US
FULL_CHECK_BYTES = 8 * 2**20
CHECK_EVERY_US = 24 * 3600 * 10**6

_REASON_WORDS = {
    "corrupt": "was corrupt",
    "foreign": "belonged to another program",
    "newer": "was written by a newer release",
}


class Unusable(Exception):
    """The file at the store's path cannot be used as it is and must be moved aside."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason  # "corrupt" | "foreign" | "newer"
        self.detail = detail

    def warning(self, aside: Path) -> str:
        return f"cache file {_REASON_WORDS[self.reason]} ({self.detail}); moved to {aside}; rebuilt"


@dataclass
class Opened:
    conn: sqlite3.Connection
    #: None when the store degraded to memory
    path: Path | None
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- error classes

_CODE_KINDS = {11: "corrupt", 26: "corrupt", 13: "full", 8: "readonly", 3: "readonly",
               14: "readonly", 10: "io", 5: "busy", 6: "busy"}
_TEXT_KINDS = [("malformed", "corrupt"), ("not a database", "corrupt"), ("disk is full", "full"),
               ("readonly", "readonly"), ("read-only", "readonly"), ("unable to open", "readonly"),
               ("disk i/o", "io"), ("locked", "busy"), ("busy", "busy")]


def error_kind(exc: BaseException) -> str:
    """``corrupt``, ``full``, ``readonly``, ``io``, ``busy`` or ``other``: what to do about it."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _CODE_KINDS:
        return _CODE_KINDS[code & 0xFF]
    text = str(exc).lower()
    return next((kind for needle, kind in _TEXT_KINDS if needle in text), "other")


def _unavailable(path: Path, exc: BaseException) -> str:
    kind = error_kind(exc) if isinstance(exc, sqlite3.Error) else "other"
    code = getattr(exc, "errno", None)
    if kind == "readonly" or code in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"cache dir {path.parent} is read-only; using memory only"
    if kind == "full" or code in (errno.ENOSPC, errno.EDQUOT):
        return f"disk is full at {path.parent}; using memory only"
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"cache at {path} cannot be used ({reason}); using memory only"


# --------------------------------------------------------------------------- opening

def connect(target: str | Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a writer waits for the lock
    # up front (busy_timeout) instead of failing when a read transaction tries to upgrade.
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def configure(conn: sqlite3.Connection, *, fresh: bool) -> None:
    if fresh:  # only possible before the first table exists; lets eviction give space back
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
    conn.execute("PRAGMA journal_mode = WAL").fetchone()
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}").fetchone()


def open_memory(warnings: list[str] | None = None) -> Opened:
    conn = connect(":memory:")
    configure(conn, fresh=True)
    migrate(conn)
    return Opened(conn, None, list(warnings or []))


def open_database(path: Path, now: Callable[[], datetime]) -> Opened:
    """Open (creating, checking, migrating) the store at ``path``; see the module docstring."""
    warnings: list[str] = []
    for _attempt in range(3):
        try:
            _create_private(path)
            return Opened(_open_checked(path, now), path, warnings)
        except Unusable as bad:
            try:
                aside = move_aside(path, bad.reason, now)
            except OSError as exc:
                return open_memory([*warnings, _unavailable(path, exc)])
            warnings.append(bad.warning(aside))
        except (sqlite3.Error, OSError) as exc:
            return open_memory([*warnings, _unavailable(path, exc)])
    return open_memory([*warnings, f"cache file {path} kept failing its checks; using memory only"])


def _create_private(path: Path) -> None:
    """Create the directory (0700) and an empty file (0600) ourselves: SQLite would use the
    umask, and the cache holds other companies' data. Its -wal/-shm copy the file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _open_checked(path: Path, now: Callable[[], datetime]) -> sqlite3.Connection:
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_MAGIC))
    if header and header != SQLITE_MAGIC:  # an empty file is a valid empty database
        raise Unusable("corrupt", "not a SQLite database")
    conn = connect(path)
    try:
        now_us = to_us(now())
        checked = _page_check_due(conn, now_us)
        fresh = _check_health(conn, pages=checked)
        configure(conn, fresh=fresh)
        migrate(conn)
        # A real write proves the file and directory are writable now rather than at the first put.
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('last_open_us', ?)", (str(now_us),))
        if checked:
            conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('last_check_us', ?)",
                         (str(now_us),))
        conn.execute("COMMIT")
        return conn
    except NewerSchema as exc:
        conn.close()
        raise Unusable("newer", str(exc)) from None
    except sqlite3.DatabaseError as exc:
        conn.close()
        if error_kind(exc) == "corrupt":
            raise Unusable("corrupt", str(exc)) from None
        raise
    except BaseException:
        conn.close()
        raise


def _page_check_due(conn: sqlite3.Connection, now_us: int) -> bool:
    """Whether this open runs the full page check (see the module docstring)."""
    try:
        size = conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
        if size <= FULL_CHECK_BYTES:
            return True
        row = conn.execute("SELECT value FROM meta WHERE name = 'last_check_us'").fetchone()
        return row is None or now_us - int(row[0]) >= CHECK_EVERY_US or now_us < int(row[0])
    except (sqlite3.Error, ValueError):  # no meta table, a damaged header: check everything
        return True


def _check_health(conn: sqlite3.Connection, *, pages: bool = True) -> bool:
    """Raise :class:`Unusable` for a damaged, foreign or newer file; True when it is empty.
    ``pages=False`` skips the page-by-page check (the schema is still read)."""
    if pages:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            raise Unusable("corrupt", "; ".join(str(r[0]) for r in rows[:3]) or "quick_check failed")
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app_id != APPLICATION_ID and (app_id != 0 or objects):
        raise Unusable("foreign", f"application id {app_id:#x}, {objects} schema objects")
    version = schema_version(conn)
    if version > LATEST_VERSION:
        raise Unusable("newer", f"schema version {version}, this release knows up to {LATEST_VERSION}")
    return objects == 0


# --------------------------------------------------------------------------- moving aside

def move_aside(path: Path, reason: str, now: Callable[[], datetime]) -> Path:
    """Rename ``path`` and its -wal/-shm to ``<name>.<reason>-<UTC stamp>`` (never overwriting)."""
    base = path.with_name(f"{path.name}.{reason}-{file_stamp(now())}")
    aside, n = base, 1
    while aside.exists():
        aside = base.with_name(f"{base.name}-{n}")
        n += 1
    # -wal first: a stray -wal left next to a fresh main file would be replayed into it
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    if path.exists():
        os.replace(path, aside)
    _prune_aside(path, reason)
    return aside


def _prune_aside(path: Path, reason: str) -> None:
    # names carry the UTC stamp, so name order is age order (a moved file keeps its old mtime)
    copies = sorted(path.parent.glob(f"{path.name}.{reason}-*"), reverse=True)
    mains = [p for p in copies if not p.name.endswith(("-wal", "-shm"))]
    for old in mains[KEEP_ASIDE:]:
        for victim in (old, old.with_name(old.name + "-wal"), old.with_name(old.name + "-shm")):
            with contextlib.suppress(OSError):
                victim.unlink()


# --------------------------------------------------------------------------- sizes

def live_bytes(conn: sqlite3.Connection) -> int:
    """Bytes of pages in use (free pages excluded): the cheap size measure for the cap."""
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    return page_size * (pages - free)


def file_bytes(path: Path) -> int:
    """The file plus its write-ahead log, as ``du`` would count them."""
    total = 0
    for p in (path, path.with_name(path.name + "-wal")):
        with contextlib.suppress(OSError):
            total += p.stat().st_size
    return total
