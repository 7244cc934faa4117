"""Event logs and the LiveRamp timeline (no Textual here), in modules of one concern each; this module
re-exports their names:

- :mod:`tui.core.event_rows`: one event as a compact row (``EventRow``, ``make_row``, ``event_key``);
- :mod:`tui.core.event_feed`: ``EventFeed``, paged loading with the page cache, search, live tail and
  jump to time (its docstring explains stable paging and the cache checks); ``session_fetch``;
- :mod:`tui.core.event_export`: exports of the view (``write_view``, ``read_export_csv``);
- :mod:`tui.core.event_tail`: live-tail pacing (``TailPolicy``);
- :mod:`tui.core.timeline`: the LiveRamp timeline (``TimelineEntry``, ``merge_timeline``, ``ListFeed``).
"""

from __future__ import annotations

from .event_export import CSV_HEADER, csv_row, read_export_csv, write_view
from .event_feed import (
    MAX_TOTAL,
    ORDER_COLUMN,
    PER_PAGE,
    RETRY_BASE,
    RETRY_MAX,
    ROWS_PER_STEP,
    UNREADABLE_TYPE,
    Change,
    EventFeed,
    PageFetch,
    PageStore,
    believable_total,
    session_fetch,
    with_unreadable,
)
from .event_rows import EventRow, event_key, iso, make_row, parse_time
from .event_tail import TailPolicy
from .timeline import ListFeed, TimelineEntry, audit_entries, merge_timeline, run_entries, write_timeline

__all__ = [
    "CSV_HEADER", "MAX_TOTAL", "ORDER_COLUMN", "PER_PAGE", "RETRY_BASE", "RETRY_MAX", "ROWS_PER_STEP",
    "UNREADABLE_TYPE", "Change", "EventFeed", "EventRow", "ListFeed", "PageFetch", "PageStore", "TailPolicy",
    "TimelineEntry", "audit_entries", "believable_total", "csv_row", "event_key", "iso", "make_row",
    "merge_timeline", "parse_time", "read_export_csv", "run_entries", "session_fetch", "with_unreadable",
    "write_timeline", "write_view",
]
