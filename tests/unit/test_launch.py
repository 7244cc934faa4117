"""Launch core: parameter validation for every type, forms and their defaults, the budget ledger,
and the launcher's guards (duplicates, creation budget, journal) — against fakes, no network."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tui.api.http import ApiError, TokenBudgetExceeded
from tui.api.infosum.models import QueryStatus
from tui.api.liveramp.models import FlowRun, FlowRunParameters, QuestionParameters, QuestionRun
from tui.config import Budget, Profile
from tui.core.budget import ALL, CREATES, BudgetLedger
from tui.core.launch import (
    BudgetExhausted,
    DuplicateLaunch,
    FlowLaunchForm,
    InvalidParameters,
    Launcher,
    LaunchFailed,
    LaunchForm,
    LaunchUnknown,
    ReadOnlyProfile,
)
from tui.core.params import (
    BOOLEAN,
    CHOICE,
    DATE,
    DECIMAL,
    INTEGER,
    TIMESTAMP,
    check_value,
    field_from_parameter,
    link_ranges,
    validate_values,
)
from tui.emulator import ManualClock
from tui.store import Store

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def param(name: str, data_type: str, **extra) -> dict:
    """A parameter as GET …/cleanroom-question-parameters sends it (PascalCase)."""
    body = {"Name": name, "DataType": data_type, "ParameterType": "RUN_TIME_PARAMETER",
            "DisplayName": extra.pop("display", name.replace("_", " ").title()), "HasConstraint": False,
            "ConstraintType": "", "AllowedValues": [], "DefaultValue": ""}
    body.update(extra)
    return body


def partition(name: str, kind: str = "Range", values=None, enforced=None, data_type: str = "DATE") -> dict:
    config = {"type": kind, "values": values or [], "rollingUnit": "Days"}
    if enforced is not None:
        config["isEnforced"] = enforced
    return param(name, data_type, ParameterType="PARTITION_PARAMETER", partitionFieldConfig=config)


def field(raw: dict):
    return field_from_parameter(QuestionParameters.model_validate({"parameters": [raw]}).parameters[0])


# --------------------------------------------------------------------------- every parameter type

CASES = [
    # (parameter, good values → normalized, bad values)
    (param("start_date", "DATE"), {"2026-01-31": "2026-01-31", "2024-02-29": "2024-02-29"},
     ["2026-02-30", "2025-02-29", "2026-1-5", "31/01/2026", "2026-13-01", "tomorrow"]),
    (param("cutoff", "TIMESTAMP"), {"2026-01-31T10:00:00Z": "2026-01-31T10:00:00Z", "2026-01-31 10:00": "2026-01-31 10:00",
                                    "2026-01-31T10:00:00.123+02:00": "2026-01-31T10:00:00.123+02:00"},
     ["2026-01-31T25:00", "2026-01-31", "yesterday"]),
    (param("window", "INTEGER"), {"14": "14", " 7 ": "7", "-3": "-3", "+5": "5"},
     ["1.5", "abc", "2147483648", "1e3"]),
    (param("rows", "LONG"), {"9223372036854775807": "9223372036854775807"}, ["9223372036854775808", "x"]),
    (param("users", "BIGINT"), {"-9223372036854775808": "-9223372036854775808"}, ["-9223372036854775809", "1.0"]),
    (param("share", "DECIMAL"), {"12.50": "12.50", "-0.5": "-0.5", ".5": ".5"}, ["1e3", "abc", "1,5"]),
    (param("ratio", "DOUBLE"), {"1e-3": "1e-3", "2.5": "2.5"}, ["nan", "inf", "abc"]),
    (param("dedupe", "BOOLEAN"), {"TRUE": "true", "no": "false", "1": "true", "False": "false"}, ["maybe", "2"]),
    (param("label", "STRING"), {"Spring sale": "Spring sale", "  padded ": "padded"}, ["bad\nline", "esc\x1b[31m"]),
    (param("CRM_ATTRIBUTE", "STRING", ConstraintType="ENFORCED_LIST", HasConstraint=True,
           AllowedValues=["EDUCATION", "INCOME", "AGE_RANGE"]),
     {"INCOME": "INCOME", "income": "INCOME"}, ["SALARY", "INCOMES"]),
    (partition("exposures.partition", "Fixed", values=["2026-10", "2026-11"], data_type="STRING"),
     {"2026-10": "2026-10"}, ["2026-12"]),
    (partition("exposures.window", "Rolling", data_type="INTEGER"), {"7": "7", "0": "0"}, ["-1", "seven"]),
    (partition("exposures.since", "Rolling"), {"2026-10-01": "2026-10-01"}, ["7", "2026-10-32"]),
]


@pytest.mark.parametrize(("raw", "good", "bad"), CASES, ids=[c[0]["Name"] + ":" + c[0]["DataType"] for c in CASES])
def test_every_parameter_type_accepts_good_and_names_the_field_on_bad(raw, good, bad):
    f = field(raw)
    for text, normalized in good.items():
        assert check_value(f, text) == (normalized, None), text
    for text in bad:
        _value, problem = check_value(f, text)
        assert problem is not None, f"{text!r} should be refused"
        assert f.name in problem, problem  # the message names the field


def test_kinds_and_hints_follow_the_platform_types():
    assert field(param("d", "DATE")).kind == DATE
    assert field(param("t", "TIMESTAMP")).kind == TIMESTAMP
    assert field(param("i", "BIGINT")).kind == INTEGER
    assert field(param("x", "DOUBLE")).kind == DECIMAL
    assert field(param("b", "BOOLEAN")).kind == BOOLEAN
    enum = field(param("e", "STRING", ConstraintType="ENFORCED_LIST", AllowedValues=["A", "B"]))
    assert (enum.kind, enum.choices, enum.enforced) == (CHOICE, ("A", "B"), True)
    assert enum.hint == "one of A, B"
    unenforced = field(partition("p", "Fixed", values=["a", "b"], enforced=False, data_type="STRING"))
    assert unenforced.choices == ("a", "b") and not unenforced.enforced
    assert check_value(unenforced, "c") == ("c", None)
    assert field(param("mystery", "FIELD_TYPE_UNKNOWN")).kind == "string"


def test_required_unless_a_default_and_partitions_are_optional():
    required = field(param("click_window", "INTEGER"))
    with_default = field(param("imp_window", "INTEGER", ConstraintType="DEFAULT_VALUE", HasConstraint=True,
                               DefaultValue="7"))
    enum_default = field(param("attr", "STRING", ConstraintType="ENFORCED_LIST", AllowedValues=["A", "B"],
                               DefaultValue="B"))
    part = field(partition("exposures.date_start"))
    assert required.required and not with_default.required and not enum_default.required and not part.required
    assert with_default.default == "7" and enum_default.default == "B"
    assert check_value(required, "  ") == ("", "Click Window (click_window): is required")
    assert check_value(with_default, "") == ("", None)
    assert check_value(part, "") == ("", None)


def test_range_partitions_pair_up_and_start_must_not_be_after_end():
    fields = link_ranges([field(partition("exposures.date_start")), field(partition("exposures.date_end")),
                          field(param("start_date", "DATE")), field(param("end_date", "DATE"))])
    start, end = fields[0], fields[1]
    assert (start.range_role, start.range_partner, end.range_role) == ("start", "exposures.date_end", "end")
    assert (fields[2].range_role, fields[2].range_partner) == ("start", "end_date")  # run-time pairs too
    ok_clean, ok_errors = validate_values(fields, {"exposures.date_start": "2026-10-01",
                                                   "exposures.date_end": "2026-10-31",
                                                   "start_date": "2026-10-01", "end_date": "2026-10-31"})
    assert not ok_errors and ok_clean["exposures.date_end"] == "2026-10-31"
    _clean, errors = validate_values(fields, {"exposures.date_start": "2026-11-01", "exposures.date_end": "2026-10-31",
                                              "start_date": "2026-10-01", "end_date": "2026-10-31"})
    assert list(errors) == ["exposures.date_start"]
    assert "is after the end 2026-10-31" in errors["exposures.date_start"]
    assert "exposures.date_end" in errors["exposures.date_start"]
    same_day = validate_values(fields, {"exposures.date_start": "2026-10-31", "exposures.date_end": "2026-10-31",
                                        "start_date": "2026-10-01", "end_date": "2026-10-31"})[1]
    assert not same_day
    runtime = validate_values(fields, {"start_date": "2026-10-31", "end_date": "2026-10-01"})[1]
    assert list(runtime) == ["start_date"]
    unrelated = link_ranges([field(param("start_campaign", "DATE")), field(param("end_date", "DATE"))])
    assert unrelated[0].range_role is None


# --------------------------------------------------------------------------- forms

QUESTION_PARAMS = QuestionParameters.model_validate({
    "name": "Revenue Attribution (First Touch)", "displayId": "CRQ-997104",
    "parameters": [
        param("click_attribution_window", "INTEGER", Index=0),
        param("imp_attribution_window", "INTEGER", Index=1, ConstraintType="DEFAULT_VALUE", DefaultValue="7"),
        {**partition("exposures.date_start"), "Index": 2}, {**partition("exposures.date_end"), "Index": 3},
        param("CRM_ATTRIBUTE", "STRING", Index=4, ConstraintType="ENFORCED_LIST",
              AllowedValues=["EDUCATION", "INCOME", "AGE_RANGE"], DefaultValue="AGE_RANGE"),
    ]})

LAST_RUN = QuestionRun.model_validate({
    "id": "run-1", "name": "nightly", "status": "COMPLETED",
    "parameters": {"click_attribution_window": "14", "imp_attribution_window": "30", "CRM_ATTRIBUTE": "INCOME",
                   "gone_parameter": "x"},
    "partitionParameters": [{"name": "exposures.date_start", "value": "2026-09-01", "dataType": "DATE"},
                            {"name": "exposures.date_end", "value": "2026-09-30", "dataType": "DATE"}]})


def test_form_fields_defaults_and_meaningful_name():
    form = LaunchForm.from_question(QUESTION_PARAMS, question_id="q1", now=T0)
    assert [f.name for f in form.fields] == ["click_attribution_window", "imp_attribution_window",
                                            "exposures.date_start", "exposures.date_end", "CRM_ATTRIBUTE"]
    assert form.values == {"click_attribution_window": "", "imp_attribution_window": "7",
                           "exposures.date_start": "", "exposures.date_end": "", "CRM_ATTRIBUTE": "AGE_RANGE"}
    assert form.name == "Revenue Attribution (First Touch) · 2026-11-02 09:00"
    assert set(form.errors()) == {"click_attribution_window"}
    form.set_value("exposures.date_start", "2026-10-01")
    form.set_value("exposures.date_end", "2026-10-31")
    assert form.name == "Revenue Attribution (First Touch) · 2026-10-01–2026-10-31 · 2026-11-02 09:00"
    form.set_name("my own name")
    form.set_value("exposures.date_end", "2026-10-30")
    assert form.name == "my own name"  # an edited name is never overwritten


def test_defaults_come_from_the_last_run_and_the_request_is_exact():
    form = LaunchForm.from_question(QUESTION_PARAMS, LAST_RUN, question_id="q1", now=T0)
    assert form.values == {"click_attribution_window": "14", "imp_attribution_window": "30",
                           "exposures.date_start": "2026-09-01", "exposures.date_end": "2026-09-30",
                           "CRM_ATTRIBUTE": "INCOME"}
    assert form.name == "Revenue Attribution (First Touch) · 2026-09-01–2026-09-30 · 2026-11-02 09:00"
    assert form.build_request() == {
        "name": "Revenue Attribution (First Touch) · 2026-09-01–2026-09-30 · 2026-11-02 09:00",
        "parameters": {"click_attribution_window": "14", "imp_attribution_window": "30", "CRM_ATTRIBUTE": "INCOME"},
        "partitionParameters": [{"name": "exposures.date_start", "value": "2026-09-01"},
                                {"name": "exposures.date_end", "value": "2026-09-30"}],
    }
    again = LaunchForm.from_run(QUESTION_PARAMS, LAST_RUN, question_id="q1", now=T0 + timedelta(hours=1))
    assert again.build_request()["parameters"] == form.build_request()["parameters"]
    assert again.name != LAST_RUN.name and again.name.endswith("10:00")


def test_build_request_refuses_invalid_values_per_field():
    form = LaunchForm.from_question(QUESTION_PARAMS, question_id="q1", now=T0)
    form.set_value("click_attribution_window", "fourteen")
    form.set_value("exposures.date_start", "2026-02-30")
    form.set_value("CRM_ATTRIBUTE", "SALARY")
    form.set_name("   ")
    with pytest.raises(InvalidParameters) as info:
        form.build_request()
    errors = info.value.errors
    assert set(errors) == {"click_attribution_window", "exposures.date_start", "CRM_ATTRIBUTE"}
    assert all(key in message for key, message in errors.items())
    form.name_edited = True
    form.name = ""
    assert "name" in form.errors()


def test_flow_form_per_node_with_last_run_defaults():
    params = FlowRunParameters.model_validate({"flowRunParameters": [
        {"nodeId": "n1", "nodeQuestionName": "Overlap", "parameterMetadataList": [
            {"Id": "p1", "name": "CRM_ATTRIBUTE", "displayName": "CRM attribute", "index": 0, "fieldType": "STRING",
             "parameterType": "RUN_TIME_PARAMETER"},
            {"Id": "p2", "name": "exposures.date_start", "index": 1, "fieldType": "DATE",
             "parameterType": "PARTITION_PARAMETER"},
            {"Id": "p3", "name": "exposures.date_end", "index": 2, "fieldType": "DATE",
             "parameterType": "PARTITION_PARAMETER"}]},
        {"nodeId": "n2", "nodeQuestionName": "Export", "parameterMetadataList": [
            {"Id": "p4", "name": "max_rows", "fieldType": "BIGINT", "parameterType": "RUN_TIME_PARAMETER"}]}]})
    last = FlowRun.model_validate({"id": "fr0", "name": "old", "status": "COMPLETED", "flowRunParameters": [
        {"nodeId": "n1", "parameters": {"CRM_ATTRIBUTE": {"value": "INCOME", "parameterType": "RUN_TIME_PARAMETER"}}}]})
    form = FlowLaunchForm.from_flow(params, last, cleanroom_id="cr", flow_id="fl", title="Audience Build", now=T0)
    assert [f.key for f in form.fields] == ["n1/CRM_ATTRIBUTE", "n1/exposures.date_start", "n1/exposures.date_end",
                                            "n2/max_rows"]
    assert form.values["n1/CRM_ATTRIBUTE"] == "INCOME"
    form.set_value("n1/exposures.date_start", "2026-10-01")
    form.set_value("n1/exposures.date_end", "2026-10-31")
    form.set_value("n2/max_rows", "1000")
    form.pause_level = "1"
    assert form.build_request() == {
        "name": "Audience Build · 2026-10-01–2026-10-31 · 2026-11-02 09:00", "pauseLevelID": "Level-1",
        "excludeNodesWithoutTags": False, "ignoreParentChildRule": False, "includeMismatchingTaggedNodes": False,
        "nodes": [{"nodeIdentifier": "n1", "parameters": {"CRM_ATTRIBUTE": "INCOME",
                                                          "exposures.date_start": "2026-10-01",
                                                          "exposures.date_end": "2026-10-31"}},
                  {"nodeIdentifier": "n2", "parameters": {"max_rows": "1000"}}]}
    form.set_value("n2/max_rows", "lots")
    with pytest.raises(InvalidParameters) as info:
        form.build_request()
    assert "max_rows" in info.value.errors["n2/max_rows"]


# --------------------------------------------------------------------------- budget ledger

def test_creations_in_a_rolling_hour_and_when_the_next_frees():
    clock = ManualClock(T0)
    ledger = BudgetLedger("p", Budget(creates_per_hour=3), None, clock.now)
    for minutes in (0, 10, 10):  # two at the same instant both count
        clock.set(T0 + timedelta(minutes=minutes))
        ledger.record_create()
    assert ledger.remaining_creates() == 0
    assert ledger.creates_free_at() == T0 + timedelta(hours=1)
    clock.set(T0 + timedelta(hours=1))
    assert ledger.remaining_creates() == 1 and ledger.creates_free_at() is None
    ledger.backoff_after_429(CREATES)
    assert ledger.remaining_creates() == 0
    assert ledger.creates_free_at() == T0 + timedelta(hours=2)


def test_status_reads_spacing_hourly_cap_and_backoff():
    clock = ManualClock(T0)
    ledger = BudgetLedger("p", Budget(status_reads_per_object_per_hour=3, min_status_interval_s=300), None, clock.now)
    assert ledger.can_read("run") and ledger.reads_left("run") == 3
    ledger.record_read("run")
    assert not ledger.can_read("run") and ledger.next_read_at("run") == T0 + timedelta(minutes=5)
    assert ledger.can_read("run", urgent=True)  # urgent skips the spacing, not the cap
    ledger.record_read("run")
    ledger.record_read("run")
    assert ledger.reads_left("run") == 0
    assert ledger.next_read_at("run", urgent=True) == T0 + timedelta(hours=1)
    assert ledger.can_read("other")
    ledger.backoff_until(ALL, T0 + timedelta(minutes=30))
    assert ledger.next_read_at("other") == T0 + timedelta(minutes=30)
    assert ledger.summary(["run", "other"])["reads_left"] == {"run": 0, "other": 3}


def test_ledger_survives_restarts_and_is_shared_through_the_store(tmp_path):
    clock = ManualClock(T0)
    path = tmp_path / "store.sqlite3"
    with Store.open(path, now=clock.now) as store:
        first = BudgetLedger("p", Budget(), store, clock.now)
        for _ in range(5):
            first.record_create()
        first.record_read("run-1")
        first.backoff_until("run-2", T0 + timedelta(minutes=40))
        other = BudgetLedger("p", Budget(), store, clock.now)  # e.g. a headless `watch` next to the TUI
        assert other.remaining_creates() == 15
        other.record_create()
        assert first.remaining_creates() == 14
        assert BudgetLedger("someone-else", Budget(), store, clock.now).remaining_creates() == 20
    with Store.open(path, now=clock.now) as store:
        again = BudgetLedger("p", Budget(), store, clock.now)
        assert again.remaining_creates() == 14
        assert again.reads_left("run-1") == 19
        assert again.backed_off_until("run-2") == T0 + timedelta(minutes=40)


# --------------------------------------------------------------------------- the launcher, against fakes

def lr_profile(**budget) -> Profile:
    return Profile(name="lr", platform="liveramp", base_url="https://api.example", client_id="c",
                   budget=Budget(**budget))


class FakeLiveRamp:
    """Just enough of LiveRampClient: creates, lists, and a scripted failure for the next create."""

    def __init__(self, profile: Profile, clock: ManualClock) -> None:
        self.profile = profile
        self.clock = clock
        self.runs: list[QuestionRun] = []
        self.posts = 0
        self.lists = 0
        self.fail_next: ApiError | None = None
        self.create_then_fail = False

    async def create_run(self, question_id, name, parameters, partition_parameters=None):
        if isinstance(self.fail_next, TokenBudgetExceeded):  # refused before anything was sent
            error, self.fail_next = self.fail_next, None
            raise error
        self.posts += 1
        if self.fail_next is not None and not self.create_then_fail:
            error, self.fail_next = self.fail_next, None
            raise error
        run = QuestionRun.model_validate({
            "id": f"run-{len(self.runs) + 1}", "name": name, "status": "QUEUED", "parameters": parameters,
            "partitionParameters": partition_parameters or [], "submittedAt": self.clock.now().isoformat()})
        self.runs.append(run)
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        return run

    async def list_runs(self, question_id, status=None, start_date=None, end_date=None, limit=30, offset=0):
        self.lists += 1
        return list(reversed(self.runs))[offset:offset + limit]


REQUEST = {"name": "check · 2026-10-01", "parameters": {"click_attribution_window": "14"},
           "partitionParameters": [{"name": "exposures.date_start", "value": "2026-10-01"}]}


@pytest.fixture
def clock():
    return ManualClock(T0)


@pytest.fixture
def store(clock):
    with Store.in_memory(now=clock.now) as s:
        yield s


def make(clock, store, **budget):
    client = FakeLiveRamp(lr_profile(**budget), clock)
    return client, Launcher(client, store, now=clock.now)


async def test_launch_journals_intent_then_run_id(clock, store):
    client, launcher = make(clock, store)
    outcome = await launcher.launch("q1", REQUEST)
    assert (outcome.object_id, outcome.question_id, outcome.recovered) == ("run-1", "q1", False)
    entry = store.journal_get(outcome.journal_id)
    assert (entry.state, entry.object_id, entry.request) == ("succeeded", "run-1", REQUEST)
    assert launcher.creates_left() == 19 and client.posts == 1


async def test_duplicate_guard_asks_again_within_the_window(clock, store):
    client, launcher = make(clock, store)
    first = await launcher.launch("q1", REQUEST)
    clock.advance(minutes=5)
    renamed = {**REQUEST, "name": "another name, same parameters"}
    assert [e.id for e in launcher.check_duplicate("q1", renamed)] == [first.journal_id]
    with pytest.raises(DuplicateLaunch) as info:
        await launcher.launch("q1", renamed)
    assert info.value.entries[0].object_id == "run-1" and client.posts == 1
    assert launcher.check_duplicate("q2", renamed) == []  # another question
    assert launcher.check_duplicate("q1", {**renamed, "parameters": {"click_attribution_window": "7"}}) == []
    second = await launcher.launch("q1", renamed, allow_duplicate=True)  # the user said "again"
    assert second.object_id == "run-2"
    clock.advance(minutes=16)
    assert launcher.check_duplicate("q1", renamed) == []


async def test_refused_launches_do_not_count_as_duplicates(clock, store):
    client, launcher = make(clock, store)
    client.fail_next = ApiError(message="Cleanroom question is not READY", status=412, method="POST",
                                path="/v1/cleanroom-questions/q1/create-run")
    with pytest.raises(LaunchFailed) as info:
        await launcher.launch("q1", REQUEST)
    assert info.value.error.status == 412
    assert store.journal_get(info.value.journal_id).state == "failed"
    assert launcher.check_duplicate("q1", REQUEST) == []
    assert client.lists == 0  # an answered refusal needs no reconciliation


async def test_budget_exhaustion_refuses_with_the_free_up_time(clock, store):
    client, launcher = make(clock, store, creates_per_hour=2)
    await launcher.launch("q1", REQUEST)
    clock.advance(minutes=10)
    await launcher.launch("q2", REQUEST)
    clock.advance(minutes=5)
    with pytest.raises(BudgetExhausted) as info:
        await launcher.launch("q3", REQUEST)
    assert info.value.free_at == T0 + timedelta(hours=1)
    assert "09:00:00" not in str(info.value) and "10:00:00" in str(info.value)
    assert client.posts == 2
    assert store.journal_unresolved("lr") == [] and launcher.check_duplicate("q3", REQUEST) == []
    clock.set(T0 + timedelta(hours=1))
    assert (await launcher.launch("q3", REQUEST)).object_id == "run-3"


async def test_a_429_on_create_pauses_creations_for_the_hour(clock, store):
    client, launcher = make(clock, store)
    client.fail_next = ApiError(message="Too Many Requests", status=429, method="POST",
                                path="/v1/cleanroom-questions/q1/create-run")
    with pytest.raises(LaunchFailed, match="paused until 10:00:00"):
        await launcher.launch("q1", REQUEST)
    assert launcher.creates_left() == 0 and launcher.creates_free_at() == T0 + timedelta(hours=1)
    with pytest.raises(BudgetExhausted):
        await launcher.launch("q1", REQUEST, allow_duplicate=True)


async def test_lost_answer_is_reconciled_by_listing_not_by_posting_again(clock, store):
    client, launcher = make(clock, store)
    # an earlier launch of exactly the same run: its run is claimed by its journal entry
    await launcher.launch("q1", REQUEST)
    client.create_then_fail = True
    client.fail_next = ApiError(message="connection failed (ReadError)", code="NETWORK", retryable=True,
                                method="POST", path="/v1/cleanroom-questions/q1/create-run")
    outcome = await launcher.launch("q1", REQUEST, allow_duplicate=True)
    assert outcome.recovered and outcome.object_id == "run-2" and outcome.obj is None
    assert client.posts == 2 and client.lists == 1
    entry = store.journal_get(outcome.journal_id)
    assert (entry.state, entry.object_id) == ("reconciled", "run-2")
    assert launcher.ledger.reads_left("q1") == 19  # the listing was a status read of the question


async def test_lost_answer_with_nothing_created_says_so(clock, store):
    client, launcher = make(clock, store)
    client.fail_next = ApiError(message="Bad Gateway", status=502, retryable=True, method="POST",
                                path="/v1/cleanroom-questions/q1/create-run")
    with pytest.raises(LaunchFailed, match="safe to launch again"):
        await launcher.launch("q1", REQUEST)
    assert client.lists == 1 and client.posts == 1
    assert launcher.check_duplicate("q1", REQUEST) == []


async def test_lost_answer_that_cannot_be_checked_stays_unresolved(clock, store):
    client, launcher = make(clock, store, status_reads_per_object_per_hour=1)
    launcher.ledger.record_read("q1")  # the watcher just spent the question's only read
    client.create_then_fail = True
    client.fail_next = ApiError(message="timed out", code="TIMEOUT", retryable=True, method="POST",
                                path="/v1/cleanroom-questions/q1/create-run")
    with pytest.raises(LaunchUnknown, match="do not launch again"):
        await launcher.launch("q1", REQUEST)
    assert client.lists == 0
    [entry] = store.journal_unresolved("lr")
    assert entry.state == "lost"
    clock.advance(hours=1)
    [done] = await launcher.reconcile_unresolved()
    assert (done.result, done.object_id) == ("found", "run-1")


async def test_errors_before_sending_are_not_lost_answers(clock, store):
    client, launcher = make(clock, store)
    client.fail_next = TokenBudgetExceeded(message="token budget used up", method="POST", path="/v1/oauth/token")
    with pytest.raises(LaunchFailed):
        await launcher.launch("q1", REQUEST)
    assert client.posts == 0 and client.lists == 0
    assert store.journal_unresolved("lr") == []


async def test_read_only_profiles_and_invalid_values_never_post(clock, store):
    client = FakeLiveRamp(Profile(name="ro", platform="liveramp", base_url="x", client_id="c", read_only=True), clock)
    with pytest.raises(ReadOnlyProfile):
        await Launcher(client, store, now=clock.now).launch("q1", REQUEST)
    client, launcher = make(clock, store)
    form = LaunchForm.from_question(QUESTION_PARAMS, question_id="q1", now=T0)
    with pytest.raises(InvalidParameters):
        await launcher.launch_form(form)
    bad = {**REQUEST, "parameters": {"click_attribution_window": "soon"}}
    with pytest.raises(InvalidParameters) as info:
        await launcher.launch("q1", bad, fields=form.fields)
    assert "click_attribution_window" in info.value.errors
    assert client.posts == 0 and store.journal_unresolved("lr") == []


class FakeInfoSum:
    def __init__(self) -> None:
        self.profile = Profile(name="is", platform="infosum", base_url="https://api.example")
        self.lose_answer = False
        self.created: list[str] = []

    async def create_query(self, query, collaboration_id=None, sample=False):
        self.created.append(query)
        if self.lose_answer:
            raise ApiError(message="connection failed", code="NETWORK", method="POST", path="/api/v1/queries")
        return QueryStatus.model_validate({"query_id": f"Q{len(self.created)}", "done": False})


async def test_insight_queries_are_journaled_without_a_creation_budget(clock, store):
    client = FakeInfoSum()
    launcher = Launcher(client, store, now=clock.now)
    assert launcher.creates_left() is None
    outcome = await launcher.launch_query("CLB1", "SELECT COUNT() FROM self")
    assert (outcome.kind, outcome.object_id, outcome.collaboration_id) == ("insight_query", "Q1", "CLB1")
    assert store.journal_get(outcome.journal_id).request == {"query": "SELECT COUNT() FROM self",
                                                             "collaboration_id": "CLB1"}
    with pytest.raises(DuplicateLaunch):
        await launcher.launch_query("CLB1", "SELECT COUNT() FROM self ")
    with pytest.raises(InvalidParameters):
        await launcher.launch_query("CLB1", "   ")
    client.lose_answer = True
    with pytest.raises(LaunchUnknown, match="running it again is safe"):
        await launcher.launch_query("CLB1", "SELECT TOPN(age, 5) FROM self")
    clock.advance(minutes=5)
    [done] = await launcher.reconcile_unresolved()
    assert done.result == "unverifiable" and store.journal_unresolved("is") == []


async def test_launch_and_watch_through_a_session(tmp_path, monkeypatch, clock, store):
    """The TUI hands sessions, not clients: writes go through Session.write, read-only is respected."""
    import httpx

    from tui.core.session import Session
    from tui.core.watch import RunChanged, Watcher
    from tui.emulator import EmulatorOptions
    from tui.emulator.app import create_app

    monkeypatch.setenv("UNIT_LR_SECRET", "demo-secret")
    app = create_app(EmulatorOptions(seed=7, clock=clock))
    profile = Profile(name="sess", platform="liveramp", base_url="http://lr.test", client_id="demo-client",
                      secret_env="UNIT_LR_SECRET")

    def session(readonly: bool = False) -> Session:
        return Session(profile, transport=httpx.ASGITransport(app=app), readonly=readonly,
                       client_options={"token_cache_dir": tmp_path})

    writer, reader = session(), session(readonly=True)
    try:
        room = (await writer.client.list_cleanrooms())[0]
        question = next(q for q in await writer.client.list_cleanroom_questions(room.id) if q.status == "READY")
        launcher = Launcher(writer, store, now=clock.now)
        form = await launcher.prepare_launch(question.id, now=clock.now())
        for key in form.errors():
            f = form.field(key)
            form.set_value(key, {DATE: "2026-10-01", INTEGER: "14"}.get(f.kind, f.choices[0] if f.choices else "x"))
        outcome = await launcher.launch_form(form)
        assert outcome.object_id in app.state.liveramp.runs
        with pytest.raises(ReadOnlyProfile):
            await Launcher(reader, store, now=clock.now).launch_form(form, allow_duplicate=True)
        watcher = Watcher(store, now=clock.now)
        watcher.attach(writer, ledger=launcher.ledger)
        watcher.watch_launch(outcome)
        clock.advance(minutes=5)
        [changed] = await watcher.tick()
        assert isinstance(changed, RunChanged) and changed.old.status == "QUEUED"
        assert writer.online
    finally:
        await writer.aclose()
        await reader.aclose()
