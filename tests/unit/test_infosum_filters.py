"""The InfoSum filter grammar (reference §5.3): parser, error messages with positions, evaluator."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tui.emulator.infosum.filters import (
    DATE,
    LIST,
    NUMBER,
    STRING,
    And,
    Compare,
    FilterError,
    Not,
    Or,
    compile_filter,
    parse_date,
    parse_filter,
    tokenize,
)

EVENT_FIELDS = {"event_type": STRING, "company_id": STRING}
COLLAB_FIELDS = {"name": STRING, "status": STRING, "members": LIST, "created_date_time": DATE, "rows": NUMBER}


def matches(text: str, row: dict, fields=COLLAB_FIELDS) -> bool:
    node = parse_filter(text, fields)
    getters = {f: (lambda r, f=f: r[f]) for f in fields}
    return compile_filter(node, getters, fields)(row)


ROW = {"name": "Retail Media 2026", "status": "STATUS_ACTIVE", "members": ["CMP.a", "CMP.b"],
       "created_date_time": datetime(2026, 3, 1, 12, 0, tzinfo=UTC), "rows": 1500.0}


# ---------------------------------------------------------------------------- parsing

def test_blank_filter_is_no_filter():
    assert parse_filter(None, EVENT_FIELDS) is None
    assert parse_filter("   ", EVENT_FIELDS) is None


def test_simple_comparison_with_bare_and_quoted_values():
    assert parse_filter("event_type eq TYPE_DATASET_ADDED", EVENT_FIELDS) == \
        Compare("event_type", "eq", "TYPE_DATASET_ADDED", 0)
    assert parse_filter("company_id eq 'CMP.abc'", EVENT_FIELDS) == Compare("company_id", "eq", "CMP.abc", 0)


def test_doubled_quote_is_an_escaped_quote():
    node = parse_filter("name eq 'O''Brien''s data'", COLLAB_FIELDS)
    assert node.value == "O'Brien's data"
    assert [t.text for t in tokenize("a eq 'x y'")] == ["a", "eq", "x y"]


def test_not_binds_tighter_than_and_which_binds_tighter_than_or():
    node = parse_filter("name eq a or not name eq b and status eq c", COLLAB_FIELDS)
    assert isinstance(node, Or)
    assert isinstance(node.right, And)
    assert isinstance(node.right.left, Not)


def test_parentheses_group_first_and_nest():
    node = parse_filter("(name eq a or name eq b) and ((status eq c))", COLLAB_FIELDS)
    assert isinstance(node, And)
    assert isinstance(node.left, Or)
    assert isinstance(node.right, Compare)


def test_keywords_and_operators_are_case_insensitive():
    node = parse_filter("event_type EQ X AND NOT company_id Ne Y", EVENT_FIELDS)
    assert isinstance(node, And)
    assert node.left.op == "eq"
    assert node.right.inner.op == "ne"


@pytest.mark.parametrize("text", ["2026-03-01", "2026-03-01T12:00:00", "2026-03-01T12:00:00Z",
                                  "2026-03-01T13:00:00+01:00", "2026-03-01T12:00:00.123456789Z"])
def test_rfc3339_dates_in_all_documented_forms(text):
    dt = parse_date(text)
    assert dt is not None and dt.tzinfo is not None
    assert dt.astimezone(UTC).date().isoformat() == "2026-03-01"


def test_date_values_are_converted_for_date_fields():
    node = parse_filter("created_date_time ge '2026-03-01T13:00:00+01:00'", COLLAB_FIELDS)
    assert node.value == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


# ---------------------------------------------------------------------------- errors

@pytest.mark.parametrize(("text", "expected"), [
    ("evnt_type eq X", "unknown field 'evnt_type' at position 0; valid fields: event_type, company_id"),
    ("event_type eq X and compny_id eq Y", "unknown field 'compny_id' at position 20"),
    ("event_type equals X", "unknown operator 'equals' at position 11; valid operators: eq, ne, co"),
    ("event_type eq 'unterminated", "unterminated quoted string starting at position 14"),
    ("(event_type eq X", "unbalanced parentheses: '(' at position 0 is never closed"),
    ("event_type eq X)", "unbalanced parentheses: unexpected ')' at position 15"),
    ("event_type eq", "missing value after 'event_type eq' at position 13"),
    ("event_type", "expected an operator after 'event_type' at position 10"),
    ("event_type eq X company_id eq Y", "expected 'and' or 'or' at position 16, found 'company_id'"),
    ("event_type eq X and", "unexpected end of filter at position 19: expected a field name"),
    ("()", "expected a field name at position 1, found ')'"),
    ("'event_type' eq X", "expected a field name at position 0, found quoted string 'event_type'"),
])
def test_errors_say_what_and_where(text, expected):
    with pytest.raises(FilterError) as info:
        parse_filter(text, EVENT_FIELDS)
    assert expected in str(info.value)


def test_invalid_date_and_text_operator_on_date_field_are_rejected():
    with pytest.raises(FilterError, match="invalid date 'yesterday' for field 'created_date_time' at position 21"):
        parse_filter("created_date_time gt yesterday", COLLAB_FIELDS)
    with pytest.raises(FilterError, match="operator 'co' at position 18 cannot be used on date field"):
        parse_filter("created_date_time co 2026", COLLAB_FIELDS)
    with pytest.raises(FilterError, match="invalid number 'many'"):
        parse_filter("rows gt many", COLLAB_FIELDS)


# ---------------------------------------------------------------------------- evaluation

@pytest.mark.parametrize(("text", "expected"), [
    ("name eq 'Retail Media 2026'", True),
    ("name eq 'retail media 2026'", False),
    ("name ne 'x'", True),
    ("name co 'Media'", True),
    ("name co 'media'", False),
    ("name ico 'media'", True),
    ("name nc 'Media'", False),
    ("name inc 'MEDIA'", False),
    ("name inc 'travel'", True),
    ("status eq STATUS_ACTIVE", True),
    ("status eq 'STATUS_CLOSED'", False),
    ("created_date_time gt 2026-02-28", True),
    ("created_date_time lt 2026-03-01", False),
    ("created_date_time ge 2026-03-01T12:00:00Z", True),
    ("created_date_time le 2026-03-01T11:59:59", False),
    ("created_date_time eq 2026-03-01T14:00:00+02:00", True),
    ("rows ge 1500", True),
    ("rows lt 1000", False),
    ("members eq CMP.b", True),
    ("members eq CMP.c", False),
    ("members ne CMP.b", False),
    ("members ne CMP.c", True),
    ("members co 'CMP'", True),
    ("not status eq STATUS_ACTIVE", False),
    ("status eq STATUS_CLOSED or name co Retail", True),
    ("status eq STATUS_CLOSED or name co Retail and name co Travel", False),
    ("(status eq STATUS_CLOSED or name co Retail) and not (name co Travel)", True),
    ("not (status eq STATUS_CLOSED or members eq CMP.z)", True),
])
def test_evaluation(text, expected):
    assert matches(text, ROW) is expected


def test_empty_list_fields_match_negative_operators_only():
    row = {**ROW, "members": []}
    assert matches("members eq CMP.a", row) is False
    assert matches("members ne CMP.a", row) is True
