"""tui.core.export (issue 16, items 6 and 7): every export is atomic, encodable and formula-safe —
the event-log view export, the timeline export and the table export share one writer."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.unit.test_eventlog import FakeLog, run
from tui.core.eventlog import EventFeed, TimelineEntry, read_export_csv, write_timeline, write_view
from tui.core.export import csv_cell, write_csv, write_json

FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _entry(message: str, subject: str = "run") -> TimelineEntry:
    return TimelineEntry(key=message, ts=0.0, time="2026-03-01 00:00", source="run", subject=subject,
                         status="COMPLETED", message=message)


def _rows(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_csv_cells_never_start_a_formula_but_numbers_stay_numbers():
    for value in FORMULAS:
        assert csv_cell(value).startswith("'"), value
    assert csv_cell("-5") == "-5" and csv_cell("+1.5") == "+1.5" and csv_cell("1,234") == "1,234"
    assert csv_cell("plain") == "plain" and csv_cell(None) == "" and csv_cell(7) == "7"


def test_event_log_view_export_is_formula_safe_and_survives_a_lone_surrogate(tmp_path):
    log = FakeLog(len(FORMULAS) + 1)
    for i, value in enumerate(FORMULAS):
        log.events[i]["message"] = value
    log.events[-1]["message"] = "broken \ud800 text \x1b[2J"
    feed = EventFeed(log.fetch, cid="CLB.x")
    run(feed.open())
    path = tmp_path / "view.csv"
    assert write_view(path, feed.rows()) == len(FORMULAS) + 1
    messages = [r["message"] for r in read_export_csv(path.read_bytes())]
    assert all(m.startswith("'") for m in messages if not m.startswith("broken")), messages
    assert "broken \ufffd text ␛[2J" in messages
    as_json = tmp_path / "view.json"
    write_view(as_json, feed.rows())
    assert "broken \ufffd text" in as_json.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.csv", "view.json"]  # no .part left


def test_timeline_export_with_a_lone_surrogate_writes_whole_files(tmp_path):
    entries = [_entry("ok"), _entry("=1+1"), _entry("bad \udc80", subject="\ud800")]
    assert write_timeline(tmp_path / "t.json", entries) == 3
    data = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert data[2]["subject"] == "\ufffd" and data[2]["message"] == "bad \ufffd"
    assert write_timeline(tmp_path / "t.csv", entries) == 3
    rows = _rows(tmp_path / "t.csv")
    assert rows[0][0] == "time" and rows[2][4] == "'=1+1" and rows[3][4] == "bad \ufffd"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.json"]


@pytest.mark.parametrize("writer", ["csv", "json"])
def test_a_failing_export_leaves_no_file_and_keeps_the_old_one(tmp_path, writer):
    def rows():
        yield ["a", "b"]
        raise RuntimeError("the source failed half-way")

    fresh, existing = tmp_path / f"new.{writer}", tmp_path / f"old.{writer}"
    existing.write_text("previous export", encoding="utf-8")
    for path in (fresh, existing):
        with pytest.raises(RuntimeError):
            if writer == "csv":
                write_csv(path, ["x", "y"], rows())
            else:
                write_json(path, rows())
    assert not fresh.exists(), "no partial or empty file"
    assert existing.read_text(encoding="utf-8") == "previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing.name], "no temporary file left"
