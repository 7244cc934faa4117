"""Local SQLite store: response cache (stale-while-revalidate), launch journal, watch list.

Stdlib ``sqlite3`` only, WAL mode, one file per user in ``tui.config.cache_dir()`` shared by
all profiles (rows are keyed by profile, so profiles never see each other's data). No Textual,
no httpx: the headless commands and the run watcher use it too.
"""

from .cache import CacheEntry
from .journal import JournalEntry, params_fingerprint
from .store import DEFAULT_FILENAME, DEFAULT_MAX_BYTES, Store, default_path
from .watchlist import WatchItem

__all__ = ["CacheEntry", "DEFAULT_FILENAME", "DEFAULT_MAX_BYTES", "JournalEntry", "Store", "WatchItem",
           "default_path", "params_fingerprint"]
