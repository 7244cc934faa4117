"""InfoSum models (lenient parsing of grpc-gateway JSON) and the filter/order_by builder."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from tui.api.infosum import filters as f
from tui.api.infosum.models import (
    AttributeStatsResponse,
    Collaboration,
    CollaborationEvent,
    CollaborationSummary,
    ExportColumnStatsResponse,
    KeyColumnStatsResponse,
    Page,
    QueryResult,
    QueryStatus,
    SummaryStats,
    parse_time,
)

# --------------------------------------------------------------------------- scalars


@pytest.mark.parametrize(("raw", "value"), [("1000000", 1_000_000), (1000000, 1_000_000), (" 42 ", 42),
                                            ("9223372036854775807", 2**63 - 1), (12.0, 12), ("", 0),
                                            (None, 0), ("1e3", 1000)])
def test_int64_accepts_numbers_and_numeric_strings(raw, value):
    assert SummaryStats.model_validate({"total_rows": raw}).total_rows == value


@pytest.mark.parametrize("raw", ["lots", 1.5, "1.5", [1]])
def test_int64_rejects_non_integers(raw):
    with pytest.raises(ValidationError):
        SummaryStats.model_validate({"total_rows": raw})


@pytest.mark.parametrize(("raw", "expected"), [
    ("2025-10-01T09:30:00Z", datetime(2025, 10, 1, 9, 30, tzinfo=UTC)),
    ("2025-10-01T09:30:00z", datetime(2025, 10, 1, 9, 30, tzinfo=UTC)),
    ("2025-10-01T10:30:00+01:00", datetime(2025, 10, 1, 9, 30, tzinfo=UTC)),
    ("2025-10-01T09:30:00.5Z", datetime(2025, 10, 1, 9, 30, 0, 500000, tzinfo=UTC)),
    ("2025-10-01T09:30:00.123456789Z", datetime(2025, 10, 1, 9, 30, 0, 123456, tzinfo=UTC)),
    ("2025-10-01T09:30:00.123-05:00", datetime(2025, 10, 1, 14, 30, 0, 123000, tzinfo=UTC)),
    ("2025-10-01T09:30:00", datetime(2025, 10, 1, 9, 30, tzinfo=UTC)),
    ("2025-10-01 09:30:00Z", datetime(2025, 10, 1, 9, 30, tzinfo=UTC)),
    ("2025-10-01", datetime(2025, 10, 1, tzinfo=UTC)),
    ("", None),
    (None, None),
])
def test_rfc3339_times_become_aware_utc(raw, expected):
    got = parse_time(raw)
    assert got == expected
    if got is not None:
        assert got.tzinfo is not None and got.utcoffset() == timedelta(0)
    assert CollaborationEvent.model_validate({"event_date_time": raw}).event_date_time == expected


def test_bad_time_is_a_validation_error():
    with pytest.raises(ValidationError):
        CollaborationEvent.model_validate({"event_date_time": "yesterday"})


# --------------------------------------------------------------------------- collaborations


def test_everything_is_optional():
    assert CollaborationSummary.model_validate({}).owner.id == ""
    collab = Collaboration.model_validate({})
    assert collab.datasets == [] and collab.destination_ids == [] and collab.created_date_time is None
    assert QueryResult.model_validate({}).rows() == []


def test_nulls_fall_back_to_defaults():
    c = Collaboration.model_validate({"id": "CLB.1", "name": None, "members": None, "owner": None,
                                      "datasets": [{"dataset_id": "D", "allowed_attributes": None}]})
    assert c.name == "" and c.members == [] and c.datasets[0].allowed_attributes == []


def test_unknown_enum_values_are_kept():
    c = CollaborationSummary.model_validate({"id": "CLB.1", "status": "STATUS_ARCHIVED"})
    assert c.status == "STATUS_ARCHIVED" and not c.active
    e = CollaborationEvent.model_validate({"type": "TYPE_FUTURE_THING",
                                           "entities": [{"type": "ENTITY_QUERY", "id": 5}]})
    assert e.type == "TYPE_FUTURE_THING" and e.entities[0].type == "ENTITY_QUERY"
    assert e.entities[0].id == "5"  # numbers where strings were expected are kept as text
    assert CollaborationSummary.model_validate({"status": 2}).status == "2"


def test_summary_members_with_and_without_rights():
    playbook = CollaborationSummary.model_validate({
        "owner": {"id": "O", "display_name": "Owner", "rights": {"contributor": True}},
        "members": [{"id": "O"}, {"id": "P", "rights": {"operator": True, "detailed_logs": True}}],
        "private_path_enabled": True, "last_activity_date_time": "2026-01-02T03:04:05Z"})
    assert playbook.owner.rights.contributor and playbook.members[1].rights.operator
    assert [m.id for m in playbook.participants()] == ["O", "P"]
    assert playbook.private_path_enabled and playbook.last_activity_date_time.year == 2026
    generated = CollaborationSummary.model_validate({"owner": {"id": "O"}, "members": [{"id": "P"}]})
    assert generated.owner.rights is None and generated.member("P").rights is None
    detail = Collaboration.model_validate({"owner": {"id": "O"}, "members": [{"id": "P"}]})
    assert detail.rights_of("P").labels() == [] and detail.rights_of("nobody") is None


def test_collaboration_detail_permissions():
    c = Collaboration.model_validate({
        "datasets": [{"dataset_id": "D1", "owner_id": "O", "collaboration_dataset_name": "retail1",
                      "intersection_only": True, "attribute_restriction": True, "allowed_attributes": ["age"],
                      "activation_allowed": True, "exportable_to_members": ["P"],
                      "destination_type_restriction": True, "allowed_destination_types": ["T"]}],
        "insight_datasets": [{"dataset_id": "D2", "allowed_attributes": ["x"]}],
        "activation_datasets": [{"dataset_id": "D1", "exportable_to_members": ["P"]}],
        "destination_ids": ["DST.1"]})
    d = c.datasets[0]
    assert d.intersection_only and d.allowed_destination_types == ["T"] and d.exportable_to_members == ["P"]
    assert c.insight_datasets[0].allowed_attributes == ["x"]
    assert c.dataset_ids() == ["D1", "D2"]


def test_event_metadata_and_type_alias():
    e = CollaborationEvent.model_validate({"event_type": "TYPE_DATASET_ADDED",
                                           "metadata": {"rows": 12, "name": "r1", "gone": None}})
    assert e.type == "TYPE_DATASET_ADDED" and e.metadata == {"rows": "12", "name": "r1"}


# --------------------------------------------------------------------------- stats


def test_key_stats_map_only_list_only_and_both():
    map_only = KeyColumnStatsResponse.model_validate({"key_id_to_stats": {
        "1": {"distinct_identifiers": "7", "distinct_values": "9", "identifiers": "10", "multi_value": True,
              "valid_values": "11"}}})
    (k,) = map_only.stats
    assert (k.key_id, k.identifiers, k.distinct_identifiers, k.valid_values, k.distinct_values) == (1, 10, 7, 11, 9)
    assert k.multi_value
    list_only = KeyColumnStatsResponse.model_validate({"key_stats": [
        {"key_id": "email", "key_label": "Email", "null_fraction": 0.25}]})
    assert [(s.key_id, s.key_label, s.null_fraction) for s in list_only.stats] == [("email", "Email", 0.25)]
    both = KeyColumnStatsResponse.model_validate({
        "key_id_to_stats": {"1": {"key_id": "1", "valid_values": "1"}, "2": {"valid_values": "2"}},
        "key_stats": [{"key_id": "1", "valid_values": "100", "key_label": "Email"}]})
    assert [(s.key_id, s.valid_values) for s in both.stats] == [(1, 100), (2, 2)]


def test_attribute_stats_merge_and_representation_details():
    percentiles = [str(i) for i in range(100)] + ["Infinity"]
    resp = AttributeStatsResponse.model_validate({
        "id_to_representations_stats": {
            "age": {"representations_stats": [{"representation_id": "age_int"},
                                              {"representation_id": "age_band", "valid_values": "3"}]}},
        "attribute_stats": [{
            "representation_id": "age_int", "representation_label": "Age", "value_type": "INTEGER",
            "valid_values": "900", "distinct_values": "80", "null_fraction": "NaN",
            "percentiles": {"values": percentiles},
            "most_common": {"occurrences": [
                {"frequency": 0.5, "string_value": "F"},
                {"frequency": 0.25, "int_value": "42"},
                {"frequency": 0.125, "int_range": {"lower": "18", "upper": "25"}},
                {"frequency": 0.125}]}}]})
    stats = resp.stats
    # a list entry takes its column id from the map (issue 18: stats count columns as the summary does)
    assert [(s.representation_id, s.attribute_id) for s in stats] == [("age_int", "age"), ("age_band", "age")]
    first = stats[0]
    assert first.valid_values == 900 and math.isnan(first.null_fraction)
    assert len(first.percentiles.values) == 101 and first.percentiles.values[-1] == math.inf
    assert [o.value for o in first.most_common.occurrences] == ["F", "42", "[18, 25)", ""]
    assert first.most_common.occurrences[1].int_value == 42


def test_export_column_stats_accepts_both_spellings():
    resp = ExportColumnStatsResponse.model_validate({
        "label_to_stats": {"email": {"multi_value": True}, "phone": {"multi_values": True, "valid_values": "3"}},
        "export_column_stats": [{"column_label": "phone", "multi_values": False, "valid_values": "4"}]})
    assert [(s.column_label, s.multi_values, s.valid_values) for s in resp.stats] == [
        ("phone", False, 4), ("email", True, 0)]


# --------------------------------------------------------------------------- queries


def test_query_status_in_both_formats():
    v1 = QueryStatus.model_validate({"query_id": "Q", "done": True})
    assert (v1.done, v1.status, v1.failed) == (True, "done", False)
    assert QueryStatus.model_validate({"query_id": "Q"}).status == "pending"
    running = QueryStatus.model_validate({"status": "running"})
    assert not running.done and running.status == "running"
    failed = QueryStatus.model_validate({"status": "failed", "error": {"code": "X", "message": "bad IQL"}})
    assert failed.done and failed.failed and failed.error == "bad IQL"
    unknown = QueryStatus.model_validate({"status": "queued_somewhere", "done": False})
    assert unknown.status == "queued_somewhere" and not unknown.done


def test_v1_result_without_dimensions_has_a_total_row():
    r = QueryResult.model_validate({"audience": "5000", "sum": 12.5, "user_average": {"mean": 2.5},
                                    "count_metadata": [{"dataset": {"id": "D", "name": "retail1"},
                                                        "keys": [{"key_id": 1, "name": "email"}]}],
                                    "quality_measures": {"redaction_threshold_outlier": 0.1}})
    assert r.rows() == [{"path": "", "depth": 0, "category": "", "value": "", "count": 5000,
                         "continuous": False, "sum": 12.5, "user_average": 2.5}]
    assert r.count_metadata[0].keys[0].name == "email" and r.quality_measures.redaction_threshold_outlier == 0.1


def test_v1_dimension_tree_flattens_depth_first():
    r = QueryResult.model_validate({"dimensions": [
        {"category": "job", "value": "Engineer", "count": "3",
         "dimensions": [{"category": "owns_car", "value": "true", "count": 2}]},
        {"category": "job", "value": "Chef", "count": 1}]})
    assert [(row["path"], row["depth"], row["count"]) for row in r.rows()] == [
        ("job=Engineer", 0, 3), ("job=Engineer > owns_car=true", 1, 2), ("job=Chef", 0, 1)]


def test_playbook_result_rows_as_sent():
    r = QueryResult.model_validate({"query_id": "Q", "status": "completed",
                                    "results": [{"a": 1}, {"a": 2}, 7],
                                    "metadata": {"total_rows": "3", "execution_time_ms": 10}})
    assert r.rows() == [{"a": 1}, {"a": 2}, {"value": 7}] and r.total_rows == 3


# --------------------------------------------------------------------------- pages


def test_page_has_more():
    def page(**kw):
        return Page[CollaborationSummary](items=[{"id": "x"}], **kw)

    assert page(page=1, per_page=1, next_page=2, results=1, total_results=3).has_more
    assert not page(page=3, per_page=1, next_page=0, results=1, total_results=3).has_more
    assert not page(page=3, per_page=1, next_page=4, results=1, total_results=3).has_more
    assert page(page=1, next_page=2, results=1).has_more  # total unknown: trust next_page
    assert not Page[CollaborationSummary](next_page=2).has_more


# --------------------------------------------------------------------------- filters


def test_string_values_are_quoted_with_doubled_quotes():
    assert f.eq("name", "O'Brien's") == "name eq 'O''Brien''s'"
    assert f.co("name", "retail") == "name co 'retail'"
    assert f.ico("name", "Re) or (x eq 'y") == "name ico 'Re) or (x eq ''y'"
    assert f.ne("description", "") == "description ne ''"
    assert (f.nc("name", "a"), f.inc("name", "b")) == ("name nc 'a'", "name inc 'b'")


def test_values_of_other_types():
    t = datetime(2025, 10, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    assert f.ge("created_date_time", t) == "created_date_time ge '2025-10-01T09:30:00Z'"
    assert f.lt("created_date_time", datetime(2025, 1, 2, 3, 4, 5, 600000)) == \
        "created_date_time lt '2025-01-02T03:04:05.600000Z'"
    assert f.le("created_date_time", date(2025, 1, 2)) == "created_date_time le '2025-01-02'"
    assert f.gt("row_count", 10) == "row_count gt 10"
    assert f.eq("private_path_enabled", True) == "private_path_enabled eq true"
    assert f.eq("status", f.Bare("STATUS_CLOSED")) == "status eq STATUS_CLOSED"
    with pytest.raises(ValueError):
        f.Bare("two words")
    with pytest.raises(ValueError):
        f.gt("row_count", math.nan)
    with pytest.raises(TypeError):
        f.eq("name", ["a"])


@pytest.mark.parametrize("bad", ["Name", "event-type", "name eq 'x' or id", "", "name;", "a1"])
def test_field_names_are_validated(bad):
    with pytest.raises(ValueError, match="field"):
        f.eq(bad, "x")


def test_and_or_not_grouping():
    a, b, c = f.eq("event_type", "A"), f.eq("event_type", "B"), f.eq("company_id", "C")
    assert f.and_(c, f.or_(a, b)) == "company_id eq 'C' and (event_type eq 'A' or event_type eq 'B')"
    assert f.or_(f.and_(a, c), b) == "(event_type eq 'A' and company_id eq 'C') or event_type eq 'B'"
    assert f.and_(f.and_(a, b), c) == "event_type eq 'A' and event_type eq 'B' and company_id eq 'C'"
    assert f.not_(a) == "not event_type eq 'A'"
    assert f.not_(f.or_(a, b)) == "not (event_type eq 'A' or event_type eq 'B')"
    assert f.and_(f.not_(a), c) == "not event_type eq 'A' and company_id eq 'C'"
    assert f.group(a) == "(event_type eq 'A')"
    assert f.and_(a, None, "") == a and f.and_() is None and f.or_(None) is None
    assert f.and_("name co 'x' or name co 'y'", c) == "(name co 'x' or name co 'y') and company_id eq 'C'"
    assert f.any_of("event_type", ["A", "B"]) == "event_type eq 'A' or event_type eq 'B'"
    assert f.and_(c, f.or_(a, b)).fields == {"company_id", "event_type"}


def test_filters_and_order_by_are_checked_per_endpoint():
    f.check_filter("events", f.and_(f.eq("event_type", "TYPE_DATASET_ADDED"), f.eq("company_id", "C")))
    with pytest.raises(ValueError, match="type"):
        f.check_filter("events", f.eq("type", "TYPE_DATASET_ADDED"))  # the filter field is event_type
    f.check_filter("events", "whatever a user typed")  # free text: the server judges it
    with pytest.raises(ValueError, match="unknown endpoint"):
        f.check_filter("nope", f.eq("name", "x"))
    f.check_order_by("collaborations", "created_date_time DESC,name")
    f.check_order_by("events", "event_date_time asc")
    for bad in ("created_time,name DESC", "name SIDEWAYS", "name ASC extra", ","):
        with pytest.raises(ValueError):
            f.check_order_by("collaborations", bad)
    assert f.order_by("name", ("created_date_time", True)) == "name,created_date_time DESC"
    assert "event_date_time" in f.ORDER_BY_COLUMNS["events_export"]
    assert f.FILTER_FIELDS["collaboration_destinations"] == {"destination_id", "owner_id", "destination_type_id"}


def test_event_types_picker_list():
    assert len(f.EVENT_TYPES) == 24 == len(set(f.EVENT_TYPES))
    assert f.EVENT_TYPES[0] == "TYPE_INVALID" and f.EVENT_TYPES[-1] == "TYPE_ACTIVATION_SEGMENT_EXPORT_AUTOMATED"
    assert f.eq("event_type", "TYPE_NOT_IN_THE_LIST") == "event_type eq 'TYPE_NOT_IN_THE_LIST'"
