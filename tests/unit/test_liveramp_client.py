"""LiveRampClient against MockTransport handlers that answer the reference's exact wire shapes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import httpx
import pytest

from tui.api.http import ApiError
from tui.api.liveramp import LiveRampClient
from tui.api.liveramp.client import api_root, level_id
from tui.config import Profile

from .test_liveramp_auth import FakeLiveRamp, live_401, make_client, make_profile


@pytest.fixture(autouse=True)
def _secret_env(monkeypatch):
    monkeypatch.setenv("TEST_LR_SECRET", "s3cret-Value-9f8e7d")


@pytest.fixture
def fake() -> FakeLiveRamp:
    return FakeLiveRamp()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(fake, tmp_path, sleeps):
    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return make_client(fake, tmp_path, sleep=record_sleep)


def body(request: httpx.Request):
    return json.loads(request.content) if request.content else None


def unavailable(_: httpx.Request) -> httpx.Response:
    return httpx.Response(503, json={"code": "UNAVAILABLE", "message": "try later"})


def refuse_connection(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


# --------------------------------------------------------------------------- retries


async def test_get_is_retried_on_503_then_succeeds(fake, client, sleeps):
    fake.route("GET", "/cleanroom-question-runs/run-1",
               [unavailable, unavailable, httpx.Response(200, json={"id": "run-1", "status": "RUNNING"})])
    async with client:
        run = await client.get_run("run-1")
    assert run.status == "RUNNING"
    assert len(fake.hits("GET", "/cleanroom-question-runs/run-1")) == 3
    assert len(sleeps) == 2


async def test_get_is_retried_on_connect_error(fake, client, sleeps):
    fake.route("GET", "/cleanrooms", [refuse_connection, httpx.Response(200, json=[])])
    async with client:
        assert await client.list_cleanrooms() == []
    assert len(fake.hits("GET", "/cleanrooms")) == 2


async def test_get_gives_up_after_the_policy_and_reports_offline(fake, client):
    fake.route("GET", "/cleanrooms", refuse_connection)
    async with client:
        with pytest.raises(ApiError) as info:
            await client.list_cleanrooms()
    assert info.value.offline and info.value.retryable
    assert len(fake.hits("GET", "/cleanrooms")) == 4


@pytest.mark.parametrize("answer", [unavailable, refuse_connection])
async def test_create_run_is_sent_exactly_once(fake, client, sleeps, answer):
    fake.route("POST", "/cleanroom-questions/q1/create-run", answer)
    async with client:
        with pytest.raises(ApiError):
            await client.create_run("q1", "nightly", {"window": "14"})
    assert len(fake.hits("POST", "/cleanroom-questions/q1/create-run")) == 1
    assert sleeps == []


async def test_flow_list_is_a_post_and_therefore_sent_once(fake, client):
    fake.route("POST", "/cleanrooms/c1/cleanroom-flows/list", unavailable)
    async with client:
        with pytest.raises(ApiError):
            await client.list_flows("c1")
    assert len(fake.hits("POST", "/cleanrooms/c1/cleanroom-flows/list")) == 1


# --------------------------------------------------------------------------- error envelopes


@pytest.mark.parametrize(
    ("status", "payload", "message", "code"),
    [
        (404, {"timestamp": "2025-06-24T02:14:23.635+00:00", "status": 404, "error": "Not Found",
               "path": "/v1/cleanrooms/nope"}, "Not Found: /v1/cleanrooms/nope", None),
        (401, {"status": "UNAUTHORIZED", "code": 401, "timestamp": "12-08-2026 05:17:12",
               "message": "Full authentication is required to access this resource",
               "details": "uri=/v1/cleanrooms/nope"},
         "Full authentication is required to access this resource", "UNAUTHORIZED"),
        (403, {"code": "FORBIDDEN", "message": "user is not an admin of this clean room"},
         "user is not an admin of this clean room", "FORBIDDEN"),
        (412, {"code": "PRECONDITION_FAILED", "message": "cleanroom question is not READY"},
         "cleanroom question is not READY", "PRECONDITION_FAILED"),
    ],
)
async def test_error_envelopes_become_api_errors(fake, client, status, payload, message, code):
    fake.route("POST", "/cleanroom-questions/nope/create-run", lambda r: httpx.Response(
        status, json=payload, headers={"x-request-id": "a, a"}))
    async with client:
        with pytest.raises(ApiError) as info:
            await client.create_run("nope", "n", {})
    err = info.value
    assert (err.status, err.message, err.code, err.request_id) == (status, message, code, "a")
    assert err.platform == "liveramp" and err.path == "/v1/cleanroom-questions/nope/create-run"
    assert "request id a" in str(err) and err.hint


async def test_412_hint_says_what_to_do(fake, client):
    fake.json("POST", "/cleanroom-questions/q/create-run",
              {"code": "PRECONDITION_FAILED", "message": "not READY"}, status=412)
    async with client:
        with pytest.raises(ApiError) as info:
            await client.create_run("q", "n", {})
    assert "READY" in info.value.hint


async def test_unexpected_shape_is_an_api_error_not_a_crash(fake, client):
    fake.json("GET", "/cleanrooms/c1", {"questionsCount": "many"})
    async with client:
        with pytest.raises(ApiError) as info:
            await client.get_cleanroom("c1")
    assert info.value.code == "BAD_RESPONSE" and "questionsCount" in info.value.message


async def test_invalid_json_is_an_api_error(fake, client):
    fake.route("GET", "/cleanrooms", lambda r: httpx.Response(200, text='[{"id": "x"',
                                                               headers={"content-type": "application/json"}))
    async with client:
        with pytest.raises(ApiError) as info:
            await client.list_cleanrooms()
    assert info.value.code == "BAD_JSON"


# --------------------------------------------------------------------------- requests on the wire


async def test_health_needs_no_token(fake, client):
    fake.json("GET", "/health", {"status": "UP", "statusCode": 200, "description": "External API is available",
                                 "version": "v1.0.0"})
    async with client:
        health = await client.health()
    assert (health.status, health.status_code, health.version) == ("UP", 200, "v1.0.0")
    assert fake.token_requests == 0
    assert "authorization" not in fake.hits("GET", "/health")[0].headers


async def test_create_run_body_and_partition_parameters(fake, client):
    fake.route("POST", "/cleanroom-questions/q1/create-run", lambda r: httpx.Response(200, json={
        "id": "run-9", "name": "nightly", "status": "QUEUED", "submittedAt": "2026-11-23T09:00:00Z",
        "parameters": {"window": "14"},
        "partitionParameters": [{"name": "exposures.date_start", "value": "2026-10-01", "dataType": "DATE"}]}))
    async with client:
        run = await client.create_run("q1", "nightly", {"window": "14"})
        run2 = await client.create_run("q1", "nightly", {"window": 14},
                                       partition_parameters=[{"name": "exposures.date_start", "value": "2026-10-01"}])
    first, second = fake.hits("POST", "/cleanroom-questions/q1/create-run")
    assert body(first) == {"name": "nightly", "parameters": {"window": "14"}}
    assert first.headers["content-type"] == "application/json"
    assert body(second) == {"name": "nightly", "parameters": {"window": "14"},
                            "partitionParameters": [{"name": "exposures.date_start", "value": "2026-10-01"}]}
    assert run.status == "QUEUED" and run.submitted_at == datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert run2.partition_parameters[0].data_type == "DATE"


async def test_list_runs_sends_status_and_clamps_limit(fake, client):
    fake.json("GET", "/cleanroom-questions/q1/cleanroom-question-runs", [
        {"id": "r1", "status": "FAILED", "failureReason": "dataset missing", "isRetryable": False,
         "runMessage": "Query failed", "questionVersion": 3, "completedAt": "2026-11-22T10:00:00.123Z",
         "runMetadata": {"dataOutLocation": "s3://x", "saltKey": "salty"}}])
    async with client:
        runs = await client.list_runs("q1", status="FAILED", start_date=date(2026, 11, 1), limit=500)
    (req,) = fake.hits("GET", "/cleanroom-questions/q1/cleanroom-question-runs")
    assert dict(req.url.params) == {"status": "FAILED", "startDate": "2026-11-01", "limit": "100", "offset": "0"}
    (run,) = runs
    assert (run.failure_reason, run.is_retryable, run.run_message, run.question_version) == (
        "dataset missing", False, "Query failed", 3)
    assert "salty" not in repr(run)


async def test_iter_runs_pages_until_a_short_page(fake, client):
    def page(request):
        offset = int(request.url.params["offset"])
        limit = int(request.url.params["limit"])
        ids = [f"r{i}" for i in range(offset, min(offset + limit, 250))]
        return httpx.Response(200, json=[{"id": i, "status": "COMPLETED"} for i in ids])

    fake.route("GET", "/cleanroom-questions/q1/cleanroom-question-runs", page)
    async with client:
        runs = [r async for r in client.iter_runs("q1")]
    assert len(runs) == 250 and len({r.id for r in runs}) == 250
    assert len(fake.hits("GET", "/cleanroom-questions/q1/cleanroom-question-runs")) == 3


async def test_iter_cleanrooms_stops_when_the_server_ignores_offset(fake, client):
    fake.json("GET", "/cleanrooms", [{"id": "a"}, {"id": "b"}])  # unknown params ignored (NOEL)
    async with client:
        rooms = [r async for r in client.iter_cleanrooms(page_size=2)]
    assert [r.id for r in rooms] == ["a", "b"]
    assert len(fake.hits("GET", "/cleanrooms")) == 2


async def test_add_question_uses_query_parameters_and_no_body(fake, client):
    fake.json("POST", "/cleanrooms/c1/cleanroom-questions", {
        "id": "crq-1", "cleanRoomId": "c1", "questionId": "q-1", "status": "MISSING_DATASETS",
        "displayId": "CRQ-000123", "latestRun": {"runId": "r", "status": "COMPLETED", "startTimestamp": ""},
        "isEditable": True, "datasetCount": 0})
    async with client:
        added = await client.add_question_to_cleanroom("c1", "q-1")
    (req,) = fake.hits("POST", "/cleanrooms/c1/cleanroom-questions")
    assert dict(req.url.params) == {"questionId": "q-1", "isEditable": "true"}
    assert req.content == b""
    assert added.id == "crq-1" and added.display_id == "CRQ-000123" and added.latest_run.start_timestamp is None


async def test_dataset_ownership_is_a_json_body(fake, client):
    fake.json("POST", "/cleanroom-questions/crq/datasets-ownership", [
        {"id": "d1", "macro": "exposures", "organizationId": "o1", "status": "PENDING", "ownership": "OWNER",
         "fields": [{"name": "user_id", "value": "USER_ID"}], "assignedAt": ""}])
    async with client:
        out = await client.assign_question_dataset_ownership("crq", [{"organizationId": "o1", "macro": "exposures"}])
    (req,) = fake.hits("POST", "/cleanroom-questions/crq/datasets-ownership")
    assert body(req) == [{"organizationId": "o1", "macro": "exposures"}] and not req.url.params
    assert out[0].macro == "exposures" and out[0].fields[0].value == "USER_ID" and out[0].assigned_at is None


async def test_create_cleanroom_body(fake, client):
    fake.json("POST", "/cleanrooms", {"id": "c9", "displayId": "CR-000009", "status": "COMPLETE", "endAt": ""})
    async with client:
        room = await client.create_cleanroom("Sandbox", "Hybrid", date(2026, 12, 1),
                                             {"REGION": "REGION_US", "CLOUD": "CLOUD_GCP", "ENABLE_EXPORT": True})
    assert body(fake.hits("POST", "/cleanrooms")[0]) == {
        "name": "Sandbox", "type": "Hybrid", "startAt": "2026-12-01",
        "parameters": {"REGION": "REGION_US", "CLOUD": "CLOUD_GCP", "ENABLE_EXPORT": "true"}}
    assert room.end_at is None and room.status == "COMPLETE"


async def test_create_flow_run_formats_levels_like_the_sdk(fake, client):
    fake.json("POST", "/cleanrooms/c1/cleanroom-flows/f1/cleanroom-flow-runs", {
        "id": "fr-1", "name": "weekly", "status": "QUEUED",
        "flowRunParameters": [{"nodeId": "n1", "parameters": {"brand": {"value": "X",
                                                                         "parameterType": "RUN_TIME_PARAMETER"}}}]})
    async with client:
        run = await client.create_flow_run("c1", "f1", "weekly",
                                           [{"nodeIdentifier": "n1", "parameters": {"brand": "X", "days": 7}}],
                                           pause_level=1, exclude_nodes_without_tags=True)
    sent = body(fake.hits("POST", "/cleanrooms/c1/cleanroom-flows/f1/cleanroom-flow-runs")[0])
    assert sent == {"name": "weekly", "pauseLevelID": "Level-1", "excludeNodesWithoutTags": False,
                    "ignoreParentChildRule": False, "includeMismatchingTaggedNodes": False,
                    "nodes": [{"nodeIdentifier": "n1", "parameters": {"brand": "X", "days": "7"}}]}
    assert run.id == "fr-1" and run.flow_run_parameters[0].parameters["brand"].parameter_type == "RUN_TIME_PARAMETER"


def test_level_ids():
    assert [level_id(x) for x in (1, "2", "level-3", "Level-4", None, "")] == [
        "Level-1", "Level-2", "Level-3", "Level-4", None, None]


async def test_flow_run_follow_ups(fake, client):
    base = "/cleanrooms/c1/cleanroom-flow-runs/fr-1"
    fake.json("GET", f"{base}/status", {"status": "PAUSED"})
    fake.json("POST", f"{base}/resume-flow-run", {"success": True})
    fake.json("POST", f"{base}/replay-flow-run", {"success": True, "cleanRoomFlowRunID": "fr-2"})
    fake.json("GET", f"{base}/output-nodes", [{"node": {"id": "node-uuid", "label": "Q-004368", "level": 1,
                                                         "cleanroomQuestionId": "crq"},
                                                "runStatus": "COMPLETED", "runID": "qr-1"}])
    fake.json("GET", f"{base}/report", {"metadata": [{"fieldName": "rows", "dataType": "LONG",
                                                      "columnName": "ROW_COUNT"}],
                                        "stats": [{"ROW_COUNT": "42"}], "count": 1})
    async with client:
        assert await client.flow_run_status("c1", "fr-1") == "PAUSED"
        assert (await client.resume_flow_run("c1", "fr-1", pause_level="2")).success is True
        assert await client.replay_flow_run("c1", "fr-1", start_level=2, name="again") == "fr-2"
        (out,) = await client.flow_run_output_nodes("c1", "fr-1")
        report = await client.flow_run_report("c1", "fr-1", out.node.id, limit=50)
    assert out.run_id == "qr-1" and out.node.label == "Q-004368"
    assert body(fake.hits("POST", f"{base}/resume-flow-run")[0]) == {"pauseLevelID": "Level-2"}
    assert body(fake.hits("POST", f"{base}/replay-flow-run")[0]) == {"startLevelID": "Level-2", "name": "again"}
    assert dict(fake.hits("GET", f"{base}/report")[0].url.params) == {"node": "node-uuid", "limit": "50",
                                                                       "offset": "0"}
    assert report.stats == [{"ROW_COUNT": "42"}] and report.metadata[0].column_name == "ROW_COUNT"


async def test_run_results_count_and_file(fake, client):
    fake.json("GET", "/cleanroom-question-runs/r1/data", {
        "metadata": [{"fieldName": "region", "dataType": "STRING", "columnName": "REGION"},
                     {"fieldName": "reach", "dataType": "LONG", "columnName": "REACH"}],
        "stats": [{"REGION": "EU", "REACH": 1200}, {"REGION": "US", "REACH": None}], "count": 2,
        "multipleOutputs": ["summary"]})
    fake.json("GET", "/cleanroom-question-runs/r1/data/count", 1234)
    fake.route("GET", "/cleanroom-question-runs/r1/download/out file.csv",
               lambda r: httpx.Response(200, content=b"a,b\n1,2\n", headers={"content-type": "text/csv"}))
    fake.json("GET", "/cleanroom-question-runs/r1/download/q.json", "x,y\n3,4\n")
    async with client:
        data = await client.run_data("r1", limit=2)
        assert await client.run_data_count("r1") == 1234
        assert await client.download_run_file("r1", "out file.csv") == b"a,b\n1,2\n"
        assert await client.download_run_file("r1", "q.json") == b"x,y\n3,4\n"
    assert data.stats == [{"REGION": "EU", "REACH": "1200"}, {"REGION": "US", "REACH": ""}]
    assert data.count == 2 and data.multiple_outputs == ["summary"]
    (download,) = fake.hits("GET", "/cleanroom-question-runs/r1/download/out file.csv")
    assert download.headers["accept"] == "*/*"
    assert download.url.raw_path == b"/v1/cleanroom-question-runs/r1/download/out%20file.csv"


async def test_path_segments_are_escaped(fake, client):
    async with client:
        with pytest.raises(ApiError):
            await client.get_run("../cleanrooms")
    (req,) = [r for r in fake.requests if r.url.path != "/v1/oauth/token"]
    assert req.url.raw_path == b"/v1/cleanroom-question-runs/..%2Fcleanrooms"


async def test_read_only_profile_refuses_writes_before_sending(fake, tmp_path):
    fake.json("POST", "/cleanrooms/c1/cleanroom-flows/list", {"cleanRoomFlows": [], "count": 0})
    client = make_client(fake, tmp_path, make_profile(read_only=True))
    async with client:
        with pytest.raises(ApiError) as info:
            await client.create_run("q1", "nightly", {})
        assert (await client.list_flows("c1")).count == 0  # a read, even though it is a POST
    assert info.value.code == "READ_ONLY"
    assert not fake.hits("POST", "/cleanroom-questions/q1/create-run")


async def test_calls_counter_and_on_call_hook(fake, tmp_path):
    seen = []
    fake.json("GET", "/cleanrooms", [])
    client = make_client(fake, tmp_path, on_call=lambda m, p, s: seen.append((m, p, s)))
    async with client:
        await client.list_cleanrooms()
        await client.list_cleanrooms()
    assert client.calls["GET /v1/cleanrooms"] == 2 and client.calls["POST /v1/oauth/token"] == 1
    assert seen[-1] == ("GET", "/v1/cleanrooms", 200)


def test_api_root_variants():
    base = dict(name="p", platform="liveramp", client_id="c")
    assert api_root(Profile(base_url="https://api.habu.com", **base)) == "https://api.habu.com/v1"
    assert api_root(Profile(base_url="https://api.habu.com/v1/", **base)) == "https://api.habu.com/v1"
    assert api_root(Profile(base_url="embedded:", **base)).endswith("/v1")


# --------------------------------------------------------------------------- model variants through the client


async def test_cleanrooms_and_questions_parse_observed_samples(fake, client):
    fake.json("GET", "/cleanrooms", [{
        "id": "06d4603d-f87c-422a-8ab2-6bbd92c0df56", "displayId": "CR-045144", "name": "Data Marketplace Demo",
        "description": "…", "ownerOrganization": "Org", "partners": ["A", "B"], "startAt": "2025-06-02",
        "endAt": "", "questionsCount": 0, "status": "COMPLETE", "cleanRoomParameters": {"ENABLE_EXPORT": "true"},
        "timeAudit": {"createdAt": "2025-06-02T20:45:08Z", "updatedAt": "2025-06-03T14:56:47Z"},
        "cleanRoomTypeId": "47f86c15-9917-4c50-8da9-6a10b65a4b5f"}])
    fake.json("GET", "/cleanrooms/c1/cleanroom-questions", [{
        "id": "1c622093", "name": "Overlap", "displayId": "CRQ-136017", "questionType": "ANALYTICAL",
        "category": "Sentiment Analysis", "status": "MISSING_DATASETS", "createdOn": "2025-06-19T14:32:11.856368Z",
        "dataTypes": {"UserData": "User Data"}, "parameters": {}, "dimension": None, "questionID": "q-9"}])
    async with client:
        (room,) = await client.list_cleanrooms()
        (question,) = await client.list_cleanroom_questions("c1", question_type="Analytical")
    assert room.start_at == date(2025, 6, 2) and room.end_at is None
    assert room.time_audit.created_at == datetime(2025, 6, 2, 20, 45, 8, tzinfo=UTC)
    assert room.clean_room_parameters == {"ENABLE_EXPORT": "true"} and room.partners == ["A", "B"]
    assert question.display_id == "CRQ-136017" and question.dimension == {} and question.question_id == "q-9"
    assert question.created_on.microsecond == 856368
    assert fake.hits("GET", "/cleanrooms/c1/cleanroom-questions")[0].url.params["questionType"] == "Analytical"


async def test_question_parameters_pascal_case(fake, client):
    fake.json("GET", "/cleanroom-questions/crq/cleanroom-question-parameters", {
        "name": "Reach", "displayId": "CRQ-1", "parameters": [
            {"Name": "click_attribution_window", "Index": 0, "DataType": "INTEGER",
             "ParameterType": "RUN_PARAMETER", "DisplayName": "Click window", "ExampleValue": "14",
             "HasConstraint": True, "ConstraintType": "ENFORCED_LIST", "AllowedValues": ["7", "14", "28"],
             "DefaultValue": "14", "IsSynced": False},
            {"Name": "exposures.date", "DataType": "DATE", "ParameterType": "PARTITION_PARAMETER",
             "partitionFieldConfig": {"type": "Range", "values": [], "rollingUnit": "Days", "isEnforced": True}}]})
    async with client:
        params = await client.question_parameters("crq")
    window, part = params.parameters
    assert (window.name, window.index, window.data_type, window.allowed_values, window.default_value) == (
        "click_attribution_window", 0, "INTEGER", ["7", "14", "28"], "14")
    assert window.constraint_type == "ENFORCED_LIST" and window.has_constraint is True
    assert part.parameter_type == "PARTITION_PARAMETER" and part.partition_field_config.type == "Range"


async def test_invitations_as_object_or_array_with_capitalised_keys(fake, client):
    invite = {"id": "i1", "partnerAdminEmail": "p@x.test", "InvitorEmail": "me@x.test", "Status": "PENDING"}
    fake.route("GET", "/cleanrooms/c1/invitations", [httpx.Response(200, json=invite),
                                                     httpx.Response(200, json=[invite, {**invite, "id": "i2"}])])
    async with client:
        one = await client.list_invitations("c1")
        two = await client.list_invitations("c1")
    assert [(i.id, i.invitor_email, i.status) for i in one] == [("i1", "me@x.test", "PENDING")]
    assert [i.id for i in two] == ["i1", "i2"]


async def test_flows_with_upper_case_ids_and_wrapped_run_parameters(fake, client):
    fake.json("POST", "/cleanrooms/c1/cleanroom-flows/list", {"cleanRoomFlows": [{
        "ID": "f1", "displayID": "CRF-1", "cleanRoomID": "c1", "flowID": "fl", "status": "ACTIVE",
        "flow": {"ID": "fl", "name": "Attribution", "nodes": [{"id": "n1", "label": "Q-000001"}], "edges": []},
        "CryptoKeyID": "k"}], "count": 1})
    fake.json("GET", "/cleanrooms/c1/cleanroom-flows/f1", {"cleanRoomFlow": {"ID": "f1", "flow": {"name": "A"}}})
    fake.json("GET", "/cleanrooms/c1/cleanroom-flows/f1/flow-run-parameters", {"response": [
        {"nodeId": "n1", "nodeQuestionName": "Reach", "parameterMetadataList": [
            {"Id": "p1", "name": "digital.brand", "fieldType": "STRING", "parameterType": "RUN_TIME_PARAMETER"}]}]})
    async with client:
        flows = await client.list_flows("c1", search="Attr")
        flow = await client.get_flow("c1", "f1")
        params = await client.flow_run_parameters("c1", "f1")
    assert body(fake.hits("POST", "/cleanrooms/c1/cleanroom-flows/list")[0]) == {
        "filters": [], "limit": 100, "offset": 0, "search": "Attr"}
    (item,) = flows.clean_room_flows
    assert (item.id, item.display_id, item.name, item.crypto_key_id, item.flow.nodes[0].label) == (
        "f1", "CRF-1", "Attribution", "k", "Q-000001")
    assert flow.id == "f1" and flow.name == "A"
    (node,) = params.flow_run_parameters
    assert node.node_id == "n1" and node.parameter_metadata_list[0].field_type == "STRING"


async def test_assets_use_upper_case_ids(fake, client):
    fake.json("GET", "/cleanrooms/c1/assets", {
        "questions": [{"ID": "q1", "displayID": "Q-1", "title": "Reach", "parameters": [
            {"ID": "p", "name": "w", "type": "INTEGER", "index": 0, "parameterType": "RUN"}]}],
        "datasets": [{"ID": "d1", "name": "Exposures", "organizationID": "o", "macro": "exposures",
                      "fields": [{"ID": "f", "fieldName": "user_id", "isUserIDField": True}]}],
        "stakeholders": [{"organizationId": "o", "organizationName": "Us", "ownership": "OWNER"}]})
    async with client:
        assets = await client.cleanroom_assets("c1")
    assert assets.questions[0].id == "q1" and assets.questions[0].display_id == "Q-1"
    assert assets.datasets[0].fields[0].is_user_id_field is True
    assert assets.stakeholders[0].ownership == "OWNER"


async def test_credential_values_are_never_kept(fake, client):
    fake.json("GET", "/organization-credentials", [{
        "id": "cr1", "name": "S3", "credentialSourceName": "AWS S3 Credential",
        "credentials": [{"name": "AWS_SECRET_ACCESS_KEY", "value": "wJalrXUtnFEMI/K7MDENG"}]}])
    fake.json("GET", "/destinations", {"partnerAccounts": [{
        "ID": "pa1", "name": "GCS", "partner": {"ID": "p", "name": "gcs"},
        "credential": {"ID": "c", "name": "k", "credentials": [{"ID": "x", "name": "key", "value": "hunter2-key"}]},
        "configStatus": "CONFIG_CONFIGURED"}], "total": 1, "limit": 30, "offset": 0})
    async with client:
        (cred,) = await client.list_credentials()
        dests = await client.list_destinations(limit=500)
    assert cred.credentials[0].name == "AWS_SECRET_ACCESS_KEY"
    assert "wJalrXUtnFEMI" not in repr(cred) and "wJalrXUtnFEMI" not in cred.model_dump_json()
    assert "hunter2" not in dests.model_dump_json() and dests.total == 1
    assert fake.hits("GET", "/destinations")[0].url.params["limit"] == "100"


async def test_audit_schedule_exports_and_org_lists(fake, client):
    fake.json("GET", "/cleanroom-question-runs/r1/audit", {"cleanroomQuestionRunId": "r1", "auditDetails": [
        {"eventTime": "2026-11-23T09:00:00Z", "eventType": "RUN_SUBMITTED", "message": "submitted",
         "details": {"by": {"email": "x"}}}]})
    fake.json("GET", "/cleanroom-questions/crq/cleanroom-question-run-schedules", [{
        "id": "s1", "name": "daily", "repeatFrequency": "DAILY", "daysOfWeek": ["MON"], "repeatDayofMonth": [1],
        "parameters": {"w": {"name": "w", "value": "14", "parameterType": "RUN_PARAMETER"}},
        "startDateTime": "2026-11-24 06:00", "active": True}])
    fake.json("POST", "/cleanroom-questions/crq/cleanroom-question-run-schedules", {"id": "s2"})
    fake.json("POST", "/cleanrooms/c1/exports/jobs", ["job-1", "job-2"])
    fake.json("GET", "/users", [{"roleName": "API Administrator",
                                 "user": {"id": "u", "name": "API User c", "email": "api-user-c@habu.com"}}])
    fake.json("GET", "/data-connections", [])
    async with client:
        audit = await client.run_audit("r1")
        (schedule,) = await client.list_schedules("crq")
        new_id = await client.create_schedule("crq", {"name": "daily", "repeatFrequency": "DAILY"})
        jobs = await client.create_export_job("c1", "crq", ["pa1"])
        (user,) = await client.list_users()
        assert await client.list_data_connections() == []
    assert audit.audit_details[0].event_type == "RUN_SUBMITTED"
    assert schedule.parameters["w"].value == "14" and schedule.repeat_dayof_month == [1]
    assert schedule.start_date_time == "2026-11-24 06:00"
    assert new_id == "s2" and jobs == ["job-1", "job-2"]
    assert user.role_name == "API Administrator" and user.user.email.endswith("@habu.com")


async def test_delete_answers_success(fake, client):
    fake.json("DELETE", "/cleanroom-question-runs/r1", {"success": True})
    fake.json("DELETE", "/cleanrooms/c1/invitations", {"id": "i1", "Status": "CANCELLED"})
    async with client:
        assert (await client.delete_run("r1")).success is True
        inv = await client.cancel_invitation("c1", email="p@x.test")
        with pytest.raises(ValueError):
            await client.cancel_invitation("c1")
    assert inv.status == "CANCELLED"
    assert fake.hits("DELETE", "/cleanrooms/c1/invitations")[0].url.params["partnerEmail"] == "p@x.test"


async def test_401_then_success_on_a_get(fake, client):
    fake.json("GET", "/cleanrooms", [])
    async with client:
        await client.list_cleanrooms()
        fake.route("GET", "/cleanrooms", [live_401, httpx.Response(200, json=[{"id": "z"}])])
        assert [r.id for r in await client.list_cleanrooms()] == ["z"]
        assert client.token_requests == 2


def test_client_repr_is_safe(tmp_path):
    client = LiveRampClient(make_profile(), transport=httpx.MockTransport(lambda r: httpx.Response(200)),
                            token_cache_dir=tmp_path)
    assert "s3cret" not in repr(client) and "prod" in repr(client)


# --------------------------------------------------------------------------- issue 21: both shapes, flow ids

async def test_client_reads_nulls_and_omitted_fields_alike(fake, client):
    """The live API sends nulls and empty strings; the SPEC (and now the emulator) omits them."""
    live = {"id": "r1", "name": "n", "status": "RUNNING", "submittedAt": "2026-11-22T09:00:00Z",
            "executedAt": None, "completedAt": None, "parameters": {}}
    spec = {"id": "r2", "name": "n", "status": "RUNNING", "submittedAt": "2026-11-22T09:00:00Z", "parameters": {}}
    fake.json("GET", "/cleanroom-question-runs/r1", live)
    fake.json("GET", "/cleanroom-question-runs/r2", spec)
    sched = {"id": "s", "name": "Nightly", "repeatFrequency": "DAILY", "startDateTime": "2026-11-01T00:00:00Z"}
    fake.json("GET", "/cleanroom-questions/q/cleanroom-question-run-schedules", [
        {**sched, "endDateTime": "", "parameters": {"d": {"name": "d", "value": "7", "qualifier": ""}}},
        {**sched, "parameters": {"d": {"name": "d", "value": "7"}}}])
    fake.json("GET", "/cleanroom-questions/q/cleanroom-question-parameters", {"parameters": [
        {"Name": "a", "DataType": "STRING", "ConstraintType": "", "HasConstraint": False},
        {"Name": "b", "DataType": "STRING", "HasConstraint": False}]})
    audit_str = {"createdByUser": "ops@example.com", "updatedByUser": "ops@example.com"}
    audit_obj = {"createdByUser": {"ID": "u1", "name": "Ops", "email": "ops@example.com"}}
    fake.json("GET", "/cleanrooms/c1/cleanroom-flows/f1", {"cleanRoomFlow": {"ID": "f1", "userAudit": audit_str}})
    fake.json("GET", "/cleanrooms/c1/cleanroom-flows/f2", {"cleanRoomFlow": {"ID": "f2", "userAudit": audit_obj}})
    async with client:
        runs = [await client.get_run("r1"), await client.get_run("r2")]
        schedules = await client.list_schedules("q")
        params = await client.question_parameters("q")
        flows = [await client.get_flow("c1", "f1"), await client.get_flow("c1", "f2")]
    assert [(r.executed_at, r.completed_at) for r in runs] == [(None, None), (None, None)]
    assert [s.end_date_time or None for s in schedules] == [None, None]
    assert [s.parameters["d"].qualifier or None for s in schedules] == [None, None]
    assert [p.constraint_type or None for p in params.parameters] == [None, None]
    assert [f.id for f in flows] == ["f1", "f2"]


async def test_flow_path_404_is_tried_once_with_the_flow_id_and_remembered(fake, client):
    fake.json("POST", "/cleanrooms/c1/cleanroom-flows/list", {"cleanRoomFlows": [
        {"ID": "f1", "flowID": "fl1", "flow": {"ID": "fl1"}}], "count": 1})
    fake.json("POST", "/cleanrooms/c1/cleanroom-flows/f1/cleanroom-flow-runs",
              {"code": 404, "message": "Cleanroom flow not found"}, status=404)
    fake.json("POST", "/cleanrooms/c1/cleanroom-flows/fl1/cleanroom-flow-runs", {"id": "run-1", "status": "QUEUED"})
    fake.json("GET", "/cleanrooms/c1/cleanroom-flows/fl1/cleanroom-flow-runs", {"cleanRoomFlowRuns": [], "count": 0})
    async with client:
        run = await client.create_flow_run("c1", "f1", "x", [])  # learns the ids from the room's flow list
        assert run.id == "run-1" and client.flow_convention == "flowID"
        await client.list_flow_runs("c1", "f1")  # straight to the flowID now
    assert len(fake.hits("POST", "/cleanrooms/c1/cleanroom-flows/f1/cleanroom-flow-runs")) == 1
    assert len(fake.hits("POST", "/cleanrooms/c1/cleanroom-flows/fl1/cleanroom-flow-runs")) == 1
    assert not fake.hits("GET", "/cleanrooms/c1/cleanroom-flows/f1/cleanroom-flow-runs")


async def test_flow_path_errors_other_than_404_are_not_retried(fake, client):
    fake.json("POST", "/cleanrooms/c1/cleanroom-flows/list", {"cleanRoomFlows": [
        {"ID": "f1", "flowID": "fl1"}], "count": 1})
    fake.json("POST", "/cleanrooms/c1/cleanroom-flows/f1/cleanroom-flow-runs",
              {"code": 412, "message": "Node is not READY"}, status=412)
    async with client:
        await client.list_flows("c1")
        with pytest.raises(ApiError) as info:
            await client.create_flow_run("c1", "f1", "x", [])
    assert info.value.status == 412 and client.flow_convention is None
    assert not fake.hits("POST", "/cleanrooms/c1/cleanroom-flows/fl1/cleanroom-flow-runs")
