"""Event logs too big to load at once: :class:`EventFeed` loads one collaboration's log a page at a
time with a local page cache, client-side search, live tail and jump to time. No Textual here.

**Stable paging.** The InfoSum event log is append-only, and the API pages by number (≤ 500 per
page). Pages in *ascending* time order never shift when new events arrive — page 3 of the oldest
first order holds the same 500 events tomorrow — whereas newest-first pages slide by one with
every new event. So every event gets an *ascending index* (0 = oldest), all pages after the first
are fetched oldest first, and the newest-first view is just a reversed mapping of the same indexes.
The one exception is the first screen of a newest-first log: one ``event_date_time DESC`` page
whose ``total_results`` places its 500 events at indexes ``total-500 … total-1`` at once.
(Assumption, reference §5.2 is silent on ties: the server orders equal times the same way in both
directions. The emulator does.)

**Page cache.** Full ascending pages never change, so they are stored in the local store
(``event-page`` entries, per profile and filter) and never fetched twice; the first screen
(``event-head``) is stored too, so re-opening a log paints at once, then refreshes.

**Checking the cache.** "Append-only" is an assumption the cache must not trust blindly: a
retention window can drop old events (indexes shift), and the demo's world is rebuilt on every
start. So when the fresh first screen arrives after a painted one, the rows both hold at the
same indexes must be the same events; if they are not (or the total shrank, or nothing overlaps
to compare), the painted rows and this log's stored pages are dropped and the log starts again
from what the platform just said.

**Live tail.** :meth:`EventFeed.poll` asks for the ascending page where the next event would land:
one request per poll, whatever the log's size. :class:`~tui.core.event_tail.TailPolicy` spaces polls
(the next poll is planned only after the previous one finished) and backs off on errors and 429s.
"""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_left
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from .event_rows import _HAY, _KEY, _TS, EventRow, make_row
from .sanitize import plain

PER_PAGE = 500  # the API's maximum (reference §5.1)
ORDER_COLUMN = "event_date_time"

#: a total above this is not believed (a broken server, not a log): the feed grows by what pages hold
MAX_TOTAL = 20_000_000
#: a page that answered with gaps (short, or the total moved) is read again only after 2, 4, 8 … s
RETRY_BASE, RETRY_MAX = 2.0, 300.0

#: ``fetch(page, per_page, order_by, filter)`` → (events, total_results or None)
PageFetch = Callable[[int, int, str, str | None], Awaitable[tuple[list[Any], int | None]]]


def believable_total(total: Any) -> int | None:
    """``total_results`` as a count of events, or None when it cannot be one (negative, absurd,
    not a number): such totals are never shown (no "0 of -46,110,231")."""
    if isinstance(total, bool) or not isinstance(total, int) or not 0 <= total <= MAX_TOTAL:
        return None
    return total


class PageStore(Protocol):
    """Where loaded pages are kept between sessions (``Repo.raw``/``put_raw`` fit)."""

    def raw(self, kind: str, key: str) -> Any: ...

    def put_raw(self, kind: str, key: str, value: Any, fetched_at: datetime | None = None) -> None: ...

    def forget_raw(self, kind: str, key_prefix: str) -> None: ...


@dataclass
class Change:
    """What one load did: events that arrived since the log was opened, pages now loaded."""

    new: int = 0
    loaded: int = 0
    from_cache: bool = False


class EventFeed:
    """One collaboration's event log under one server-side ``filter``, loaded a page at a time.

    Rows are addressed by *display row* (0 = first on screen: newest when ``descending``); the
    client-side search narrows the display to loaded rows whose text contains the search.
    """

    def __init__(self, fetch: PageFetch, *, cid: str, filter: str | None = None, descending: bool = True,
                 per_page: int = PER_PAGE, store: PageStore | None = None,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.fetch = fetch
        self._now = now
        #: pages that answered with gaps: page → (answers so far, when it may be read again)
        self._retry: dict[int, tuple[int, float]] = {}
        self.cid = cid
        self.filter = (filter or "").strip() or None
        self.descending = descending
        self.per_page = max(1, min(int(per_page), PER_PAGE))
        self.store = store
        self.total = 0
        self.opened = False
        #: stored rows (tuples, see ``EventRow``) by ascending index; None = not loaded yet
        self._rows: list[tuple | None] = []
        self._index: dict[int, int] = {}
        self._loaded_pages: set[int] = set()
        self.loaded = 0
        self.search = ""
        #: ascending indexes matching the search (ascending order), or None without a search
        self._view: list[int] | None = None

    # ------------------------------------------------------------------ identity of the cache
    @property
    def cache_prefix(self) -> str:
        return f"{self.cid}|{self.filter or ''}|{self.per_page}"

    def _page_key(self, page: int) -> str:
        return f"{self.cache_prefix}|{page}"

    def head_key(self) -> str:
        return f"{self.cache_prefix}|{'desc' if self.descending else 'asc'}"

    # ------------------------------------------------------------------ storage of rows
    def _grow(self, total: int) -> int:
        """Learn a (larger) total; returns how many events are new since the last known total."""
        if total <= self.total:
            return 0
        if self.total:  # pages that answered before may hold the new rows: read them when shown
            edge = self.page_of(self.total - 1)
            self._loaded_pages = {p for p in self._loaded_pages if p < edge}
            self._retry = {p: r for p, r in self._retry.items() if p < edge}
        added = total - self.total
        self._rows.extend([None] * added)
        self.total = total  # unloaded rows join a search's view when they are loaded (``_put``)
        return added if self.opened else 0

    def _put(self, asc: int, event: Any) -> bool:
        if asc < 0 or asc >= self.total or self._rows[asc] is not None:
            return False
        row = (event if isinstance(event, EventRow) else make_row(event))._t
        if self._index.get(row[_KEY], asc) != asc:
            # an exact duplicate of another event: its index makes the key unique
            row = (row[_KEY] ^ ((asc + 1) << 64), *row[1:])
        self._rows[asc] = row
        self._index[row[_KEY]] = asc
        self.loaded += 1
        if self._view is not None and self.search in row[_HAY]:
            at = bisect_left(self._view, asc)
            self._view.insert(at, asc)
        return True

    def _place_ascending(self, page: int, events: Sequence[Any]) -> int:
        start = (page - 1) * self.per_page
        put = 0
        for offset, event in enumerate(events):
            put += self._put(start + offset, event)
        # A page that answered is loaded, whatever its size (issue 16: a short middle page was
        # asked for again ~17 times a second). If it left gaps, it may be read again after a
        # growing pause, never at once.
        self._loaded_pages.add(page)
        end = min(start + self.per_page, self.total)
        if any(self._rows[i] is None for i in range(start, end)):
            tries = self._retry.get(page, (0, 0.0))[0] + 1
            self._retry[page] = (tries, self._now() + min(RETRY_MAX, RETRY_BASE * 2 ** (tries - 1)))
        else:
            self._retry.pop(page, None)
        return put

    def _place_descending(self, events: Sequence[Any]) -> int:
        put = 0
        for offset, event in enumerate(events):
            put += self._put(self.total - 1 - offset, event)
        return put

    # ------------------------------------------------------------------ loading
    def paint_cached(self) -> bool:
        """Fill the first screen from the local store, if this log was opened before."""
        if self.store is None or self.opened:
            return False
        entry = self.store.raw("event-head", self.head_key())
        value = getattr(entry, "value", None)
        if not isinstance(value, dict) or not isinstance(value.get("events"), list):
            return False
        try:
            total = int(value.get("total") or 0)
        except (TypeError, ValueError):
            return False
        self._grow(total)
        if self.descending:
            self._place_descending(value["events"])
        else:
            self._place_ascending(1, value["events"])
        return True

    async def open(self) -> Change:
        """Fetch the first screen (newest page when descending, oldest page otherwise)."""
        order = f"{ORDER_COLUMN} DESC" if self.descending else ORDER_COLUMN
        fetched, total = await self.fetch(1, self.per_page, order, self.filter)
        events = _as_rows(fetched)
        total = believable_total(total)
        total = len(events) if total is None else total
        if self.loaded and not self.opened and not self._cache_agrees(events, total):
            self._forget_cached()
        before = self.total
        had = self.opened
        self._grow(total)
        loaded = self._place_descending(events) if self.descending else self._place_ascending(1, events)
        self.opened = True
        if self.store is not None:
            self.store.put_raw("event-head", self.head_key(),
                               {"total": total, "events": [e.as_api() for e in events]})
        return Change(new=max(0, total - before) if had else 0, loaded=loaded)

    def _cache_agrees(self, events: Sequence[EventRow], total: int) -> bool:
        """Whether the painted rows are the log the platform has now: the fresh first screen and
        the painted rows hold the same events at the same (ascending) indexes."""
        if total < self.total:
            return False
        compared = False
        for offset, row in enumerate(events):
            asc = total - 1 - offset if self.descending else offset
            stored = self._rows[asc] if asc < len(self._rows) else None
            if stored is None:
                continue  # arrived since, or never painted
            key = row._t[_KEY]
            if stored[_KEY] not in (key, key ^ ((asc + 1) << 64)):
                return False
            compared = True
        return compared

    def _forget_cached(self) -> None:
        """Drop the painted rows and this log's stored pages: they are not what the platform has."""
        self._rows, self._index, self._loaded_pages, self._retry = [], {}, set(), {}
        self.total = self.loaded = 0
        if self._view is not None:
            self._view = []
        forget = getattr(self.store, "forget_raw", None)
        if forget is not None:
            forget("event-page", f"{self.cache_prefix}|")

    def _cached_page(self, page: int) -> list[Any] | None:
        if self.store is None:
            return None
        entry = self.store.raw("event-page", self._page_key(page))
        value = getattr(entry, "value", None)
        if isinstance(value, dict) and isinstance(value.get("events"), list) \
                and len(value["events"]) == self.per_page:
            return value["events"]
        return None

    async def load_page(self, page: int) -> Change:
        """Load ascending page ``page`` (1-based): from the store if it was full, else the API."""
        cached = self._cached_page(page)
        if cached is not None:
            return Change(loaded=self._place_ascending(page, cached), from_cache=True)
        fetched, total = await self.fetch(page, self.per_page, ORDER_COLUMN, self.filter)
        events = await _as_rows_stepwise(fetched)
        total = believable_total(total)
        new = self._grow(total if total is not None else (page - 1) * self.per_page + len(events))
        loaded = self._place_ascending(page, events)
        if self.store is not None and len(events) == self.per_page:
            await asyncio.sleep(0)  # the rows are placed: let them paint before the cache write
            self.store.put_raw("event-page", self._page_key(page), {"events": [e.as_api() for e in events]})
        return Change(new=new, loaded=loaded)

    def page_of(self, asc: int) -> int:
        return asc // self.per_page + 1

    def is_loaded(self, page: int) -> bool:
        """Page ``page`` (ascending, 1-based) answered (it may have been short)."""
        return page in self._loaded_pages

    def _due(self, page: int) -> bool:
        """Whether page ``page`` may be read now: never read, or its gaps' pause is over."""
        if page not in self._loaded_pages:
            return True
        retry = self._retry.get(page)
        return retry is not None and self._now() >= retry[1]

    def missing_pages(self, first_row: int, last_row: int) -> list[int]:
        """Ascending pages still needed to show display rows ``first_row … last_row``."""
        if self._view is not None or self.total == 0:
            return []  # a search shows loaded rows only
        first_row, last_row = max(0, first_row), min(self.display_count - 1, last_row)
        pages: list[int] = []
        for row in range(first_row, last_row + 1):
            asc = self.asc_of(row)
            if self._rows[asc] is None:
                page = self.page_of(asc)
                if page not in pages and self._due(page):
                    pages.append(page)
        return pages

    async def poll(self, max_pages: int = 4) -> Change:
        """The live tail: fetch where the next event would land; returns how many arrived."""
        if not self.opened:
            return await self.open()
        change = Change()
        for _ in range(max_pages):
            page = self.page_of(self.total)
            fetched, total = await self.fetch(page, self.per_page, ORDER_COLUMN, self.filter)
            events = await _as_rows_stepwise(fetched)
            total = believable_total(total)
            change.new += self._grow(total if total is not None else (page - 1) * self.per_page + len(events))
            change.loaded += self._place_ascending(page, events)
            if self.store is not None and len(events) == self.per_page:
                self.store.put_raw("event-page", self._page_key(page), {"events": [e.as_api() for e in events]})
            if total is None or total <= page * self.per_page:
                break
        if change.new and self.store is not None:
            self._store_head()
        return change

    def _store_head(self) -> None:
        """Store the first screen as it stands after the live tail moved it, so a refresh (a new
        feed painted from the store) never shows fewer events than the screen had while it waits
        for the platform (found by the grouped event-log drills: r on a slow link went back a row)."""
        n = min(self.per_page, self.total)
        ascending = range(self.total - 1, self.total - 1 - n, -1) if self.descending else range(n)
        events = []
        for asc in ascending:
            stored = self._rows[asc] if asc < len(self._rows) else None
            if stored is None:
                return  # a gap in the first screen: keep the head the last open stored
            events.append(EventRow(stored).as_api())
        self.store.put_raw("event-head", self.head_key(), {"total": self.total, "events": events})

    # ------------------------------------------------------------------ display rows
    @property
    def display_count(self) -> int:
        return len(self._view) if self._view is not None else self.total

    def asc_of(self, row: int) -> int:
        if self._view is not None:
            return self._view[len(self._view) - 1 - row] if self.descending else self._view[row]
        return self.total - 1 - row if self.descending else row

    def row_at(self, row: int) -> EventRow | None:
        if row < 0 or row >= self.display_count:
            return None
        stored = self._rows[self.asc_of(row)]
        return EventRow(stored) if stored is not None else None

    def index_of(self, key: Any) -> int | None:
        """The display row of the event with ``key`` (None if not loaded or hidden by the search)."""
        if key is None:
            return None
        asc = self._index.get(key)
        if asc is None:
            return None
        if self._view is not None:
            at = bisect_left(self._view, asc)
            if at >= len(self._view) or self._view[at] != asc:
                return None
            return len(self._view) - 1 - at if self.descending else at
        return self.total - 1 - asc if self.descending else asc

    def rows(self) -> Iterator[EventRow]:
        """Loaded rows in display order (what a view export writes)."""
        for row in range(self.display_count):
            found = self.row_at(row)
            if found is not None:
                yield found

    # ------------------------------------------------------------------ client-side search
    def set_search(self, text: str) -> None:
        """Narrow the display to loaded events whose text contains ``text`` (case-insensitive)."""
        needle = plain(text, None).lower().strip()
        previous, self.search = self.search, needle
        if not needle:
            self._view = None
            return
        if self._view is not None and previous and needle.startswith(previous):
            rows = self._rows  # narrowing: only the current matches can still match
            self._view = [i for i in self._view if needle in rows[i][_HAY]]  # type: ignore[index]
            return
        self._view = [i for i, r in enumerate(self._rows) if r is not None and needle in r[_HAY]]

    # ------------------------------------------------------------------ jump to time
    async def locate(self, when: datetime) -> int | None:
        """The display row of the first event at or after ``when`` (oldest first), else the
        last event before it; loads the pages a binary search visits (≈ log2(pages) calls)."""
        if self.total == 0:
            return None
        target = when.timestamp()
        lo, hi = 0, self.total
        while lo < hi:
            mid = (lo + hi) // 2
            row = self._rows[mid]
            if row is None:
                await self.load_page(self.page_of(mid))
                row = self._rows[mid]
                if row is None:
                    return None
            if row[_TS] < target:
                lo = mid + 1
            else:
                hi = mid
        asc = min(lo, self.total - 1)
        found = self._rows[asc]
        if found is None:
            await self.load_page(self.page_of(asc))
            found = self._rows[asc]
        if self._view is not None:
            self.set_search("")
        return self.total - 1 - asc if self.descending else asc


def _as_rows(events: Sequence[Any]) -> list[EventRow]:
    return [e if isinstance(e, EventRow) else make_row(e) for e in events]


#: rows converted per event-loop step: a 500-event page is turned into rows in several short steps
#: so the UI keeps painting while a page is digested (each step stays well under 10 ms)
ROWS_PER_STEP = 125


async def _as_rows_stepwise(events: Sequence[Any]) -> list[EventRow]:
    out: list[EventRow] = []
    for start in range(0, len(events), ROWS_PER_STEP):
        if start:
            await asyncio.sleep(0)
        out += _as_rows(events[start:start + ROWS_PER_STEP])
    return out


def session_fetch(session: Any, cid: str) -> PageFetch:
    """A :data:`PageFetch` over a session's ``InfoSumClient.list_events`` (online flag kept)."""

    async def fetch(page: int, per_page: int, order_by: str, filter: str | None) -> tuple[list[Any], int | None]:
        result = await session.call(lambda c: c.list_events(cid, page, per_page, order_by, filter))
        return with_unreadable(result.items, getattr(result, "problems", ())), result.total_results

    return fetch


UNREADABLE_TYPE = "UNREADABLE"


def with_unreadable(items: Sequence[Any], problems: Sequence[Any]) -> list[Any]:
    """A page's events with each one that could not be read (``tui.api.items.ItemProblem``) as a
    marked stand-in at its place: the page keeps its length (no gap to read again) and the log
    shows "⚠ 1 item could not be read: field, value" where the event would be (issue 16)."""
    out = list(items)
    for problem in sorted(problems, key=lambda p: p.index):
        out.insert(min(problem.index, len(out)), {
            "type": UNREADABLE_TYPE, "company_id": "", "event_date_time": None,
            "message": f"⚠ 1 item could not be read: {problem.describe()}"})
    return out
