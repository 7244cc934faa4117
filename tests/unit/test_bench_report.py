"""The benchmark report and runner: ratios, the table, missing or broken benchmarks (no timings)."""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime

from tests.bench import __main__ as runner
from tests.bench import report
from tui.ui.widgets.results_pane import PAGE, last_page_offset


def row(**kw) -> dict:
    base = {"figure": "start-up", "ours": 0.3, "baseline": 0.25, "unit": "s", "target": "≤ 1.3× bare",
            "passed": True, "note": ""}
    return {**base, **kw}


def test_ratio_is_ours_over_baseline_and_absent_without_a_baseline():
    assert report.ratio(row()) == 0.3 / 0.25
    assert report.ratio(row(baseline=None)) is None
    assert report.ratio(row(baseline=0.0)) is None
    assert report.ratio(row(ours=float("nan"))) is None
    assert report.ratio(row(ours=None)) is None


def test_numbers_keep_three_significant_digits_and_the_unit():
    assert report.number(0.2874, "s") == "0.287 s"
    assert report.number(1.234, "s") == "1.23 s"
    assert report.number(20.0, "calls") == "20 calls"
    assert report.number(2000.0, "pages") == "2,000 pages"
    assert report.number(162.4, "MB") == "162 MB"
    assert report.number(0.0, "% core") == "0 % core"
    assert report.number(None) == "–"
    assert report.number(float("nan"), "s") == "n/a"


def test_table_has_one_aligned_line_per_row_and_escapes_pipes():
    rows = [row(), row(figure="a | b", ours=20.0, baseline=79.0, unit="calls", passed=False),
            row(figure="idle", baseline=None, passed=None)]
    lines = report.markdown_table(rows).splitlines()
    assert lines[0].split("|")[1].strip() == "figure" and "pass/fail" in lines[0]
    assert len(lines) == 2 + len(rows)
    assert len({len(line) for line in lines}) == 1, "columns are aligned"
    assert "1.20×" in lines[2] and lines[2].rstrip(" |").endswith("pass")
    assert "a \\| b" in lines[3] and "0.25×" in lines[3] and "FAIL" in lines[3]
    assert lines[4].count("–") >= 2  # no baseline, no ratio, no verdict
    assert "0.001×" in report.markdown_table([row(ours=2.0, baseline=2000.0, unit="pages")])


def test_report_names_machine_versions_failures_and_notes():
    rows = [row(note="5 runs, median"), row(figure="jump", passed=False, note="too slow: 0.7 s")]
    text = report.render(rows, host={"cpu": "Test CPU", "cores": "2", "ram": "4.0 GiB", "os": "Linux",
                                     "python": "3.11.7"},
                         packages={"textual": "8.2.8", "httpx": "0.28.1"},
                         when=datetime(2026, 11, 23, 12, 0, tzinfo=UTC), elapsed_s=300, quick=True)
    assert "2026-11-23 12:00 UTC in 5.0 min" in text and "quick mode" in text
    assert "Test CPU, 2 cores, 4.0 GiB RAM" in text and "textual 8.2.8, httpx 0.28.1" in text
    assert "1 of 2 rows pass; 1 miss their target (see notes)." in text
    assert "- **jump** — too slow: 0.7 s" in text and "- **start-up** — 5 runs, median" in text


def test_summary_counts_untargeted_and_missing_rows():
    rows = [row(), row(passed=None, target="report"), row(passed=None, target="not built")]
    assert report.summary(rows) == ("1 of 3 rows pass; 0 miss their target; 1 are reported without a target; "
                                    "1 not built yet.")


def test_machine_and_versions_are_filled_in():
    host = report.machine()
    assert host["cores"].isdigit() and host["python"].count(".") == 2
    assert report.versions(["textual", "no-such-package-xyz"])["no-such-package-xyz"] == "not installed"


def test_runner_shows_missing_and_broken_benchmarks_as_rows(monkeypatch):
    monkeypatch.setitem(runner.BENCHES, "ghost", ("tests.bench.bench_ghost_does_not_exist", "a ghost"))
    (missing,) = runner.run_bench("ghost", quick=True)
    assert missing["target"] == "not built" and "does not exist" in missing["note"]

    no_measure = types.ModuleType("tests.bench.bench_fake_no_measure")
    monkeypatch.setitem(sys.modules, no_measure.__name__, no_measure)
    monkeypatch.setitem(runner.BENCHES, "fake", (no_measure.__name__, "fake"))
    (row_,) = runner.run_bench("fake", quick=True)
    assert "has no measure()" in row_["note"]

    def broken(quick: bool = False) -> list[dict]:
        raise RuntimeError("emulator did not start")

    no_measure.measure = broken
    (failed,) = runner.run_bench("fake", quick=True)
    assert failed["passed"] is False and "emulator did not start" in failed["note"]

    no_measure.measure = lambda quick=False: [row(figure=f"quick={quick}")]
    assert runner.run_bench("fake", quick=True)[0]["figure"] == "quick=True"


def test_the_last_page_holds_the_last_row():
    assert last_page_offset(1_000_000) == 1_000_000 - PAGE
    assert last_page_offset(1_000_001) == 1_000_000
    assert last_page_offset(PAGE) == 0 and last_page_offset(1) == 0 and last_page_offset(0) == 0
    assert last_page_offset(10_001, page=100) == 10_000
