"""The comparison engine and the InfoSum insight-query comparison (issue 20.1)."""

from __future__ import annotations

import csv
import json
import math
from types import SimpleNamespace

from tui.api.infosum.models import QueryResult
from tui.core.compare import CHANGED, ONLY_A, ONLY_B, SAME, Column, Comparison, Side, split_columns
from tui.core.compare_load import QueryCompare, query_columns

COLS = [Column("CHANNEL", "STRING"), Column("REVENUE", "DOUBLE"), Column("CONVERSIONS", "LONG")]


def _cmp(rows_a, rows_b, params_a=None, params_b=None, totals=(None, None)):
    cmp = Comparison(Side("a", "run a", "COMPLETED", parameters=params_a or {}, total=totals[0]),
                     Side("b", "run b", "COMPLETED", parameters=params_b or {}, total=totals[1]))
    cmp.set_columns(COLS)
    cmp.add("a", rows_a)
    cmp.add("b", rows_b)
    return cmp


def test_dimensions_are_the_non_numeric_columns_else_the_first():
    dims, measures = split_columns(COLS)
    assert [d.name for d in dims] == ["CHANNEL"] and [m.name for m in measures] == ["REVENUE", "CONVERSIONS"]
    dims, measures = split_columns([Column("DAYS", "INTEGER"), Column("N", "LONG")])
    assert [d.name for d in dims] == ["DAYS"] and [m.name for m in measures] == ["N"]


def test_join_changes_sort_and_rows_only_in_one_run():
    a = [{"CHANNEL": "CTV", "REVENUE": "100", "CONVERSIONS": "10"},
         {"CHANNEL": "Display", "REVENUE": "200", "CONVERSIONS": "20"},
         {"CHANNEL": "Search", "REVENUE": "50", "CONVERSIONS": "5"},
         {"CHANNEL": "Audio", "REVENUE": "0", "CONVERSIONS": "1"}]
    b = [{"CHANNEL": "CTV", "REVENUE": "110", "CONVERSIONS": "10"},
         {"CHANNEL": "Display", "REVENUE": "200", "CONVERSIONS": "20"},
         {"CHANNEL": "Social", "REVENUE": "70", "CONVERSIONS": "7"},
         {"CHANNEL": "Audio", "REVENUE": "5", "CONVERSIONS": "1"}]
    cmp = _cmp(a, b, {"window": "7", "start": "2026-01-01"}, {"window": "14", "start": "2026-01-01"})
    order = [(cmp.status(line), line.key[0]) for line in cmp.lines()]
    # only-in-one first; then the largest relative change (0 → 5 is infinite), then +10 %, then none
    assert order[:2] in ([(ONLY_A, "Search"), (ONLY_B, "Social")], [(ONLY_B, "Social"), (ONLY_A, "Search")])
    assert order[2:] == [(CHANGED, "Audio"), (CHANGED, "CTV"), (SAME, "Display")]
    ctv = next(line for line in cmp.lines() if line.key == ("CTV",))
    change = cmp.change(ctv, COLS[1])
    assert (change.a, change.b, change.delta) == (100, 110, 10) and math.isclose(change.relative, 0.1)
    audio = next(line for line in cmp.lines() if line.key == ("Audio",))
    assert math.isinf(cmp.change(audio, COLS[1]).relative)
    assert cmp.counts() == {CHANGED: 2, SAME: 1, ONLY_A: 1, ONLY_B: 1}
    assert cmp.parameters() == [("window", "7", "14", True), ("start", "2026-01-01", "2026-01-01", False)]
    assert cmp.scope().startswith("first 4 rows of an unknown number")


def test_scope_says_what_was_compared():
    cmp = _cmp([{"CHANNEL": "x", "REVENUE": "1", "CONVERSIONS": "1"}], [], totals=(1_000_000, 998_311))
    cmp.stopped = "compare budget: 50,000 rows per run"
    assert cmp.scope() == ("first 1 rows of 1,000,000 (A) and first 0 of 998,311 (B); rows only in one run are "
                           "only in the rows compared (compare budget: 50,000 rows per run)")
    done = _cmp([{"CHANNEL": "x", "REVENUE": "1", "CONVERSIONS": "1"}], [], totals=(1, 0))
    assert done.complete and done.scope() == "all rows compared: 1 (A) and 0 (B)"


def test_repeated_dimension_values_stay_separate_rows():
    rows = [{"CHANNEL": "x", "REVENUE": "1", "CONVERSIONS": "1"}, {"CHANNEL": "x", "REVENUE": "2", "CONVERSIONS": "1"}]
    cmp = _cmp(rows, rows)
    assert len(cmp.lines()) == 2 and {line.ident for line in cmp.lines()} == {"x", "x\x1f#1"}
    assert cmp.counts()[SAME] == 2


def test_export_csv_is_formula_safe_and_json_is_the_whole_document(tmp_path):
    hostile = "=HYPERLINK(\"http://x\")\x1b[31m"
    cmp = _cmp([{"CHANNEL": hostile, "REVENUE": "-5", "CONVERSIONS": "1"}],
               [{"CHANNEL": hostile, "REVENUE": "5", "CONVERSIONS": "1"}], {"p": "\x1b]52;c;x\x07"}, {"p": "y"})
    path = tmp_path / "c.csv"
    assert cmp.export(path) == 1
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0][:3] == ["change", "CHANNEL", "REVENUE A"]
    assert rows[1][1].startswith("'=") and "\x1b" not in rows[1][1]
    assert rows[1][2:5] == ["-5", "5", "10"]
    out = tmp_path / "c.json"
    cmp.export(out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["a"]["id"] == "a" and doc["counts"][CHANGED] == 1 and "\x1b" not in json.dumps(doc)
    assert doc["parameters"][0]["differs"] is True and doc["rows"][0]["REVENUE Δ%"] == 200.0


class FakeSession:
    """Answers ``load(isum.query_result(id))`` with canned results (the wire JSON, parsed by the model)."""

    def __init__(self, bodies):
        self.bodies = bodies
        self.reads = []

    async def load(self, read):
        kind, key = read.kind, read.key
        self.reads.append((kind, key))
        return SimpleNamespace(value=QueryResult.model_validate(self.bodies[key]))


async def test_two_insight_query_results_are_compared_on_their_breakdown():
    tree = lambda young, old: {"audience": young + old, "dimensions": [  # noqa: E731
        {"category": "age", "value": "18-24", "count": young},
        {"category": "age", "value": "65+", "count": old}]}
    session = FakeSession({"Q1": tree(100, 50), "Q2": tree(120, 50)})
    cmp = await QueryCompare(session, "Q1", "Q2", parameters={"Q1": {"query": "SELECT AGGREGATE(age) FROM a"}}).fill()
    assert session.reads == [("query-result", "Q1"), ("query-result", "Q2")]  # one read each, aggregated
    assert cmp.kind == "query" and [d.name for d in cmp.dims] == ["path"]
    assert [m.name for m in cmp.measures] == ["count"]
    top = cmp.lines()[0]
    assert top.key == ("age=18-24",) and cmp.change(top, cmp.measures[0]).delta == 20
    assert cmp.counts() == {CHANGED: 1, SAME: 1, ONLY_A: 0, ONLY_B: 0} and cmp.complete


async def test_plain_count_queries_compare_their_totals():
    session = FakeSession({"Q1": {"audience": 1000}, "Q2": {"audience": 900}})
    cmp = await QueryCompare(session, "Q1", "Q2").fill()
    line = cmp.lines()[0]
    assert math.isclose(cmp.change(line, next(m for m in cmp.measures if m.name == "count")).relative, -0.1)
    assert query_columns([{"path": "", "count": 1, "sum": 2.5}])[0] == Column("path", "STRING")
