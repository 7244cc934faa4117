"""tui.core.eventlog: stable paging, the page cache, search, live tail, jump to time, exports, timeline."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from tui.core.eventlog import (
    CSV_HEADER,
    EventFeed,
    ListFeed,
    TailPolicy,
    audit_entries,
    make_row,
    merge_timeline,
    read_export_csv,
    run_entries,
    session_fetch,
    write_view,
)
from tui.core.repo import Repo

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def event(n: int, type_: str = "TYPE_DATASET_ADDED", company: str = "CMP.a", message: str | None = None) -> dict:
    return {"type": type_, "company_id": company, "event_date_time": (T0 + timedelta(minutes=n)).isoformat()
            .replace("+00:00", "Z"), "message": message if message is not None else f"event {n}",
            "metadata": {"n": str(n)}, "entities": [{"id": f"DS.{n}", "name": f"ds{n}", "company_id": company,
                                                     "type": "ENTITY_DATASET"}]}


class FakeLog:
    """An append-only log answering like the API (pages, order_by, ``total_results``); records calls."""

    def __init__(self, count: int) -> None:
        self.events = [event(n) for n in range(count)]
        self.calls: list[tuple[int, int, str, str | None]] = []

    async def fetch(self, page, per_page, order_by, filter):
        self.calls.append((page, per_page, order_by, filter))
        items = self.events[::-1] if order_by.endswith("DESC") else self.events
        start = (page - 1) * per_page
        return items[start:start + per_page], len(items)


def run(coro):
    return asyncio.run(coro)


def test_first_screen_is_one_desc_call_then_ascending_pages():
    log = FakeLog(1234)
    feed = EventFeed(log.fetch, cid="CLB.x", per_page=100, filter="event_type eq 'TYPE_DATASET_ADDED'")
    run(feed.open())
    assert log.calls == [(1, 100, "event_date_time DESC", "event_type eq 'TYPE_DATASET_ADDED'")]
    assert feed.total == 1234 and feed.loaded == 100
    assert feed.row_at(0).message == "event 1233" and feed.row_at(99).message == "event 1134"
    assert feed.row_at(100) is None
    # rows 100..150 (newest first) are ascending indexes 1133..1083: ascending pages 11 and 12
    assert feed.missing_pages(100, 150) == [12, 11]
    run(feed.load_page(12))
    assert log.calls[-1] == (12, 100, "event_date_time", "event_type eq 'TYPE_DATASET_ADDED'")
    assert feed.row_at(100).message == "event 1133"


def test_oldest_first_opens_on_the_first_ascending_page():
    log = FakeLog(250)
    feed = EventFeed(log.fetch, cid="CLB.x", per_page=100, descending=False)
    run(feed.open())
    assert log.calls == [(1, 100, "event_date_time", None)]
    assert feed.row_at(0).message == "event 0"
    assert feed.missing_pages(0, 249) == [2, 3]


def test_pages_do_not_shift_when_events_arrive_and_the_tail_finds_them():
    log = FakeLog(1000)
    feed = EventFeed(log.fetch, cid="CLB.x", per_page=100)
    run(feed.open())
    selected = feed.row_at(5).key
    log.events += [event(n) for n in range(1000, 1003)]
    change = run(feed.poll())
    assert change.new == 3
    assert log.calls[-1] == (11, 100, "event_date_time", None)  # where event #1000 lands: one call
    assert [feed.row_at(i).message for i in range(3)] == ["event 1002", "event 1001", "event 1000"]
    assert feed.index_of(selected) == 8  # the same event, three rows further down
    # an older page loaded after the arrival still lands where it belongs
    run(feed.load_page(1))
    assert feed.row_at(feed.total - 1).message == "event 0"
    assert run(feed.poll()).new == 0


def test_full_pages_are_cached_and_reopening_paints_without_a_call():
    repo = Repo(None, "profile")
    log = FakeLog(350)
    feed = EventFeed(log.fetch, cid="CLB.x", per_page=100, store=repo)
    run(feed.open())
    run(feed.load_page(1))
    run(feed.load_page(4))  # the partial last page is not kept: it will grow
    calls = len(log.calls)

    again = EventFeed(log.fetch, cid="CLB.x", per_page=100, store=repo)
    assert again.paint_cached() and again.total == 350 and again.row_at(0).message == "event 349"
    assert len(log.calls) == calls
    change = run(again.load_page(1))
    assert change.from_cache and len(log.calls) == calls
    run(again.load_page(4))
    assert len(log.calls) == calls + 1
    # another filter is another cache
    other = EventFeed(log.fetch, cid="CLB.x", per_page=100, store=repo, filter="company_id eq 'CMP.b'")
    assert not other.paint_cached()


def test_a_painted_first_screen_that_is_not_the_log_any_more_is_replaced_with_its_pages():
    """Same total, other events (a retention window dropped one while one arrived; the demo world
    rebuilt): the painted rows and the stored pages are dropped, not shown as if current."""
    repo = Repo(None, "profile")
    log = FakeLog(350)
    feed = EventFeed(log.fetch, cid="CLB.x", per_page=100, store=repo)
    run(feed.open())
    run(feed.load_page(1))
    log.events = log.events[1:] + [event(350)]  # still 350 events, all shifted by one

    again = EventFeed(log.fetch, cid="CLB.x", per_page=100, store=repo)
    assert again.paint_cached() and again.row_at(0).message == "event 349"
    change = run(again.open())
    assert again.total == 350 and again.loaded == 100 and change.new == 0
    assert [again.row_at(i).message for i in range(2)] == ["event 350", "event 349"]
    calls = len(log.calls)
    assert not run(again.load_page(1)).from_cache  # the stored page was the old log's
    assert len(log.calls) == calls + 1 and again.row_at(again.total - 1).message == "event 1"

    # a shrinking log is not the painted one either
    log.events = log.events[:300]
    third = EventFeed(log.fetch, cid="CLB.x", per_page=100, store=repo)
    assert third.paint_cached() and third.total == 350
    run(third.open())
    assert third.total == 300 and third.row_at(0).message == "event 300"


def test_a_painted_first_screen_the_log_grew_past_is_kept():
    repo = Repo(None, "profile")
    log = FakeLog(350)
    run(EventFeed(log.fetch, cid="CLB.x", per_page=100, store=repo).open())
    log.events += [event(n) for n in range(350, 360)]
    again = EventFeed(log.fetch, cid="CLB.x", per_page=100, store=repo)
    assert again.paint_cached()
    run(again.open())
    assert again.total == 360 and again.loaded == 110  # 90 fresh overlap the painted 100: kept
    assert [again.row_at(i).message for i in (0, 10, 109)] == ["event 359", "event 349", "event 250"]


def test_events_the_live_tail_brought_are_in_the_first_screen_a_refresh_paints():
    """A refresh paints the stored first screen while it waits for the platform: after the live tail
    brought an event, that screen has it (on a slow link r used to take the newest row away)."""
    repo = Repo(None, "profile")
    log = FakeLog(350)
    feed = EventFeed(log.fetch, cid="CLB.x", per_page=100, store=repo)
    run(feed.open())
    log.events.append(event(350, message="after the storm"))
    assert run(feed.poll()).new == 1 and feed.total == 351

    again = EventFeed(log.fetch, cid="CLB.x", per_page=100, store=repo)
    assert again.paint_cached() and again.total == 351
    assert again.row_at(0).message == "after the storm" and again.row_at(99).message == "event 251"


def test_search_narrows_loaded_rows_and_keeps_order():
    log = FakeLog(300)
    log.events[290]["message"] = "Contoso added [bold]dataset[/bold]"
    log.events[10]["message"] = "contoso removed"
    feed = EventFeed(log.fetch, cid="CLB.x", per_page=100)
    run(feed.open())
    feed.set_search("CONTOSO")
    assert [r.message for r in feed.rows()] == ["Contoso added [bold]dataset[/bold]"]  # event 10 not loaded
    run(feed.load_page(1))
    assert feed.display_count == 2 and feed.row_at(1).message == "contoso removed"
    feed.set_search("contoso r")  # narrowing reuses the current matches
    assert [r.message for r in feed.rows()] == ["contoso removed"]
    assert feed.index_of(feed.row_at(0).key) == 0
    feed.set_search("")
    assert feed.display_count == 300


def test_locate_binary_searches_pages():
    log = FakeLog(5000)
    feed = EventFeed(log.fetch, cid="CLB.x", per_page=100)
    run(feed.open())
    row = run(feed.locate(T0 + timedelta(minutes=1234, seconds=30)))
    assert feed.row_at(row).message == "event 1235"
    assert len(log.calls) <= 1 + 8  # ≈ log2(50 pages)


def test_duplicate_events_get_distinct_keys():
    log = FakeLog(3)
    log.events[2] = dict(log.events[1])
    feed = EventFeed(log.fetch, cid="CLB.x")
    run(feed.open())
    keys = {feed.row_at(i).key for i in range(3)}
    assert len(keys) == 3


def test_unknown_types_and_hostile_text_are_kept_as_sent():
    row = make_row({"type": "TYPE_FROM_THE_FUTURE", "company_id": "CMP.z", "event_date_time": "not a time",
                    "message": "\x1b[31mred\x1b[0m [b]x[/b]", "metadata": {"k": 1}, "entities": None})
    assert row.type == "TYPE_FROM_THE_FUTURE" and row.time == "not a time"
    assert row.message == "\x1b[31mred\x1b[0m [b]x[/b]"  # exports keep the data; the UI sanitises
    assert "\x1b" not in row.haystack and row.metadata == {"k": "1"}


def test_view_export_matches_the_api_csv_columns(tmp_path):
    log = FakeLog(5)
    log.events[3]["message"] = 'quote " comma , newline\nend'
    feed = EventFeed(log.fetch, cid="CLB.x")
    run(feed.open())
    path = tmp_path / "view.csv"
    assert write_view(path, feed.rows()) == 5
    rows = read_export_csv(path.read_bytes())
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[1]["message"] == 'quote " comma , newline\nend'
    assert json.loads(rows[0]["entities"])[0]["id"] == "DS.4"
    path_json = tmp_path / "view.json"
    write_view(path_json, feed.rows())
    assert json.loads(path_json.read_text())[4] == log.events[0]


def test_tail_policy_backs_off_and_honours_retry_after():
    policy = TailPolicy(interval=2, per_hour=720, max_interval=60)
    assert policy.next_delay(True) == 5  # 720 an hour is every 5 s
    assert policy.next_delay(False) == 10
    assert policy.next_delay(False) == 20
    assert policy.next_delay(False, retry_after=45) == 45
    assert policy.next_delay(False) == 60
    assert policy.next_delay(True) == 5


def test_timeline_merges_runs_flow_runs_and_audits_in_time_order():
    run_ = {"id": "r1", "name": "weekly", "status": "FAILED", "submitted_at": T0, "executed_at": T0 + timedelta(minutes=2),
            "completed_at": T0 + timedelta(minutes=9), "failure_reason": "partner dataset missing"}
    flow_run = {"id": "f1", "name": "flow", "status": "RUNNING", "submitted_at": T0 + timedelta(minutes=1),
                "executed_at": None, "completed_at": None}
    audit = {"audit_details": [{"event_time": T0 + timedelta(minutes=3), "event_type": "NEW_KIND", "message": "m",
                                "details": {}}]}
    merged = merge_timeline(run_entries(run_), run_entries(flow_run, source="flow run", ref_kind="flow_run"),
                            audit_entries("r1", "weekly", audit), audit_entries("r1", "weekly", audit))
    assert [(e.source, e.status) for e in merged] == [
        ("run", "FAILED"), ("audit", "NEW_KIND"), ("run", "STARTED"), ("flow run", "SUBMITTED"), ("run", "SUBMITTED")]
    assert "partner dataset missing" in merged[0].message
    feed = ListFeed(merged)
    feed.set_search("audit")
    assert feed.display_count == 1 and feed.index_of(merged[1].key) == 0


def test_emulator_filters_and_orders_reach_the_api(tmp_path):
    """Over the in-process emulator: the server filter narrows, both orders agree, the export equals
    the loaded view."""
    from tui.config import demo_profiles
    from tui.core.session import build_sessions
    from tui.emulator import EmulatorOptions, ManualClock

    async def main():
        sessions = build_sessions(demo_profiles(), demo_options=EmulatorOptions(seed=7, clock=ManualClock()))
        session = next(s for s in sessions if s.platform == "infosum")
        world = session.demo.app().state.infosum
        collab = max(world.collaborations.values(), key=lambda c: len(c.events))
        company = collab.owner_id
        text = f"event_type eq 'TYPE_INSIGHT_QUERY_SUCCESSFUL' and company_id eq '{company}'"
        newest = EventFeed(session_fetch(session, collab.id), cid=collab.id, filter=text)
        await newest.open()
        assert 0 < newest.total < len(collab.events)
        for page in range(1, newest.page_of(newest.total - 1) + 1):
            await newest.load_page(page)
        rows = list(newest.rows())
        assert len(rows) == newest.total
        assert all(r.type == "TYPE_INSIGHT_QUERY_SUCCESSFUL" and r.company_id == company for r in rows)
        assert [r.ts for r in rows] == sorted((r.ts for r in rows), reverse=True)
        oldest = EventFeed(session_fetch(session, collab.id), cid=collab.id, filter=text, descending=False)
        await oldest.open()
        assert oldest.row_at(0).key == rows[-1].key
        server = tmp_path / "server.csv"
        await session.call(lambda c: c.export_events(collab.id, server, order_by="event_date_time DESC",
                                                     filter=text))
        view = tmp_path / "view.csv"
        write_view(view, rows)
        assert read_export_csv(view.read_bytes()) == read_export_csv(server.read_bytes())
        bad = EventFeed(session_fetch(session, collab.id), cid=collab.id, filter="event_type eq")
        from tui.api.http import ApiError

        with pytest.raises(ApiError) as info:
            await bad.open()
        assert info.value.status == 400 and info.value.message
        await session.aclose()

    run(main())


def test_core_does_not_import_textual():
    import subprocess
    import sys

    code = "import sys, tui.core.eventlog; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_view_export_header_is_the_emulators():
    from tui.emulator.infosum.events import CSV_HEADER as EMULATOR_HEADER

    assert tuple(EMULATOR_HEADER) == CSV_HEADER


class ShortPages(FakeLog):
    """Answers like a broken server (issue 16): middle pages shorter than ``per_page`` and a
    ``total_results`` that claims more events than the pages hold."""

    def __init__(self, count: int, claimed: int, short: set[int]) -> None:
        super().__init__(count)
        self.claimed, self.short = claimed, short

    async def fetch(self, page, per_page, order_by, filter):
        items, _total = await super().fetch(page, per_page, order_by, filter)
        return (items[: per_page // 3] if page in self.short else items), self.claimed


def test_a_short_middle_page_is_loaded_once_and_read_again_only_after_a_growing_pause():
    log = ShortPages(1000, claimed=1400, short={3})
    now = [0.0]
    feed = EventFeed(log.fetch, cid="CLB.x", per_page=100, descending=False, now=lambda: now[0])
    run(feed.open())

    async def frames(n: int, step: float) -> None:
        """What the table does: every frame (~17 a second), ask for the rows on screen (page 3)."""
        for _ in range(n):
            for page in feed.missing_pages(200, 299):
                await feed.load_page(page)
            now[0] += step

    run(frames(170, 1 / 17))  # ten seconds of frames
    asked = [c[0] for c in log.calls if c[0] == 3]
    assert 1 <= len(asked) <= 4, f"page 3 read {len(asked)} times in 10 s"  # 0 s, 2 s, 6 s (doubling)
    assert feed.is_loaded(3) and feed.loaded >= 100 + 33
    run(frames(17 * 600, 1 / 17))  # ten minutes: the pause grows to at most 300 s
    assert len([c for c in log.calls if c[0] == 3]) <= 12


def test_absurd_or_negative_totals_are_not_believed():
    from tui.core.eventlog import believable_total

    assert believable_total(-46_110_231) is None and believable_total(10**15) is None
    assert believable_total("12") is None and believable_total(True) is None and believable_total(7) == 7
    log = ShortPages(250, claimed=-46_110_231, short=set())
    feed = EventFeed(log.fetch, cid="CLB.x", per_page=100)
    run(feed.open())
    assert feed.total == 100  # what the first page evidently holds, never negative
    run(feed.load_page(2))
    assert feed.total == 200 and feed.display_count == 200
