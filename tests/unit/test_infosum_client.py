"""InfoSumClient against httpx.MockTransport handlers that answer the reference's wire shapes."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tui.api.http import ApiError, RetryPolicy
from tui.api.infosum import InfoSumClient, QueryNotReady
from tui.api.infosum import filters as f
from tui.api.infosum.models import MemberRights
from tui.config import ConfigError, Profile

KEY = "is-unit-key-7f3a9c"
BASE = "https://api.infosum.test"

Handler = Callable[[httpx.Request], httpx.Response]


def v2_error(code: str, message: str, request_id: str = "req-42", details: str = "") -> dict:
    return {"error": {"code": code, "message": message}, "details": {"code": "", "message": details},
            "request_id": request_id, "time": "2026-01-01T00:00:00Z"}


def reply(status: int = 200, body: Any = None, headers: dict | None = None) -> Handler:
    return lambda request: httpx.Response(status, json={} if body is None else body, headers=headers)


class FakeInfoSum:
    """Routes (method, path) to a queue of answers; the last answer repeats. Records every request."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Handler | Exception]] = {}
        self.requests: list[httpx.Request] = []

    def on(self, method: str, path: str, *answers: Handler | Exception) -> FakeInfoSum:
        self.routes[(method, path)] = list(answers)
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        raw_path = request.url.raw_path.split(b"?")[0].decode()  # ids stay percent-encoded
        queue = self.routes.get((request.method, raw_path))
        if not queue:
            return httpx.Response(404, json=v2_error("NOT_FOUND", f"no route {request.url.path}"))
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer(request)


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("IS_UNIT_KEY", KEY)


@pytest.fixture
def server() -> FakeInfoSum:
    return FakeInfoSum()


@pytest.fixture
def sleeps() -> list[float]:
    return []


def profile(**kw) -> Profile:
    return Profile(name="unit", platform="infosum", base_url=kw.pop("base_url", BASE),
                   secret_env=kw.pop("secret_env", "IS_UNIT_KEY"), **kw)


@pytest.fixture
def make_client(server, sleeps):
    made: list[InfoSumClient] = []

    def make(**kw) -> InfoSumClient:
        async def no_sleep(seconds: float) -> None:
            sleeps.append(seconds)

        c = InfoSumClient(profile(), transport=httpx.MockTransport(server), sleep=no_sleep,
                          retry=RetryPolicy(attempts=3), **kw)
        made.append(c)
        return c

    return make


@pytest.fixture
def client(make_client) -> InfoSumClient:
    return make_client()


def summary(i: int) -> dict:
    return {"id": f"CLB.{i}", "name": f"Collab {i}", "status": "STATUS_ACTIVE",
            "owner": {"id": "CMP.own", "display_name": "Northwind"},
            "members": [{"id": "CMP.p1", "display_name": "Contoso"}],
            "created_date_time": "2025-10-01T09:30:00Z"}


# --------------------------------------------------------------------------- auth and parameters

async def test_raw_api_key_in_authorization_header_on_every_call(server, client):
    server.on("GET", "/api/v2/accounts/me", reply(body={
        "id": "USR.1", "display_name": "Ada", "company": {"id": "CMP.own", "display_name": "Northwind"}}))
    server.on("POST", "/api/v2/collaborations/CLB.1/close", reply())
    me = await client.me()
    await client.close_collaboration("CLB.1")
    assert me.company.id == "CMP.own" and me.company.display_name == "Northwind"
    assert [r.headers["Authorization"] for r in server.requests] == [KEY, KEY]
    assert all("bearer" not in r.headers["Authorization"].lower() for r in server.requests)
    # the CM playbook declares no body for close (nor leave): none is sent, and no JSON content type
    assert server.requests[1].content == b"" and "content-type" not in server.requests[1].headers


async def test_leave_sends_no_body(server, client):
    server.on("POST", "/api/v2/collaborations/CLB.1/leave", reply())
    await client.leave_collaboration("CLB.1")
    assert server.requests[0].content == b"" and "content-type" not in server.requests[0].headers


async def test_list_sends_snake_case_params_with_dots(server, client):
    server.on("GET", "/api/v2/collaborations", reply(body={
        "collaborations": [summary(1)], "pagination": {"next_page": 3, "results": 1, "total_results": 51}}))
    page = await client.list_collaborations(page=2, per_page=50, order_by="name ASC",
                                            filter=f.eq("status", "STATUS_CLOSED"))
    params = server.requests[0].url.params
    assert params["pagination.page"] == "2" and params["pagination.per_page"] == "50"
    assert params["order_by"] == "name ASC"
    assert params["filter"] == "status eq 'STATUS_CLOSED'"
    assert b"pagination.page=2" in server.requests[0].url.query
    assert (page.page, page.next_page, page.results, page.total_results) == (2, 3, 1, 51)
    assert page.items[0].owner.display_name == "Northwind" and page.items[0].members[0].rights is None


async def test_unset_params_are_not_sent(server, client):
    server.on("GET", "/api/v2/collaborations", reply(body={"collaborations": []}))
    page = await client.list_collaborations()
    assert set(server.requests[0].url.params) == {"pagination.page", "pagination.per_page"}
    assert page.items == [] and not page.has_more


@pytest.mark.parametrize("last", ["omitted", 0])
async def test_iteration_follows_next_page_across_three_pages(server, client, last):
    def pages(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params["pagination.page"])
        block: dict[str, Any] = {"results": 2, "total_results": 6}
        if n < 3:
            block["next_page"] = n + 1
        elif last == 0:
            block["next_page"] = 0
        return httpx.Response(200, json={"collaborations": [summary(2 * n - 1), summary(2 * n)],
                                         "pagination": block})

    server.on("GET", "/api/v2/collaborations", pages)
    got = [c.id async for c in client.iter_collaborations(per_page=2, order_by="name ASC")]
    assert got == [f"CLB.{i}" for i in range(1, 7)]
    assert [r.url.params["pagination.page"] for r in server.requests] == ["1", "2", "3"]
    assert all(r.url.params["order_by"] == "name ASC" for r in server.requests)


async def test_iteration_stops_at_total_even_if_next_page_is_set(server, client):
    server.on("GET", "/api/v2/collaborations/CLB.1/events", reply(body={
        "events": [{"type": "TYPE_COLLABORATION_CREATED"}],
        "pagination": {"next_page": 2, "results": 1, "total_results": 1}}))
    events = [e async for e in client.iter_events("CLB.1")]
    assert len(events) == 1 and len(server.requests) == 1


async def test_iteration_stops_on_empty_page_and_on_a_next_page_that_does_not_advance(server, client):
    server.on("GET", "/api/v2/collaborations", reply(body={
        "collaborations": [summary(1)], "pagination": {"next_page": 1, "results": 1, "total_results": 9}}))
    assert len([c async for c in client.iter_collaborations()]) == 1
    server.on("GET", "/api/v2/collaborations", reply(body={"collaborations": [],
                                                           "pagination": {"next_page": 2}}))
    assert [c async for c in client.iter_collaborations()] == []


async def test_per_page_over_500_is_rejected_locally(server, client):
    with pytest.raises(ValueError, match="per_page"):
        await client.list_collaborations(per_page=501)
    with pytest.raises(ValueError):
        await client.list_events("CLB.1", per_page=0)
    with pytest.raises(ValueError):
        client.iter_events("CLB.1", per_page=1000)
    with pytest.raises(ValueError, match="page"):
        await client.list_datasets(page=0)
    assert server.requests == []


# --------------------------------------------------------------------------- writes and retries

WRITES: dict[str, tuple[str, str, Callable[[InfoSumClient], Any]]] = {
    "create": ("POST", "/api/v2/collaborations",
               lambda c: c.create_collaboration("X", [("CMP.p1", MemberRights())], MemberRights())),
    "close": ("POST", "/api/v2/collaborations/CLB.1/close", lambda c: c.close_collaboration("CLB.1")),
    "leave": ("POST", "/api/v2/collaborations/CLB.1/leave", lambda c: c.leave_collaboration("CLB.1")),
    "add_dataset": ("POST", "/api/v2/collaborations/CLB.1/datasets",
                    lambda c: c.add_dataset("CLB.1", "AWS_EU_WEST_2.a", "retail1")),
    "remove_dataset": ("DELETE", "/api/v2/collaborations/CLB.1/datasets/AWS_EU_WEST_2.a",
                       lambda c: c.remove_dataset("CLB.1", "AWS_EU_WEST_2.a")),
    "add_insight": ("POST", "/api/v2/collaborations/CLB.1/insight-datasets",
                    lambda c: c.add_insight_dataset("CLB.1", "AWS_EU_WEST_2.a", "retail1")),
    "remove_insight": ("DELETE", "/api/v2/collaborations/CLB.1/insight-datasets/AWS_EU_WEST_2.a",
                       lambda c: c.remove_insight_dataset("CLB.1", "AWS_EU_WEST_2.a")),
    "add_activation": ("POST", "/api/v2/collaborations/CLB.1/activation-datasets",
                       lambda c: c.add_activation_dataset("CLB.1", "AWS_EU_WEST_2.a", "retail1")),
    "remove_activation": ("DELETE", "/api/v2/collaborations/CLB.1/activation-datasets/AWS_EU_WEST_2.a",
                          lambda c: c.remove_activation_dataset("CLB.1", "AWS_EU_WEST_2.a")),
    "add_destination": ("POST", "/api/v2/collaborations/CLB.1/destinations",
                        lambda c: c.add_destination("CLB.1", "DST.9")),
    "remove_destination": ("DELETE", "/api/v2/collaborations/CLB.1/destinations/DST.9",
                           lambda c: c.remove_destination("CLB.1", "DST.9")),
    "create_query": ("POST", "/api/v1/queries", lambda c: c.create_query("SELECT COUNT() FROM a")),
}


@pytest.mark.parametrize("name", sorted(WRITES))
@pytest.mark.parametrize("failure", ["503", "connect"])
async def test_each_write_is_sent_exactly_once(server, client, sleeps, name, failure):
    method, path, call = WRITES[name]
    answer = (reply(503, v2_error("UNAVAILABLE", "try later"), {"Retry-After": "1"}) if failure == "503"
              else httpx.ConnectError("connection refused"))
    server.on(method, path, answer)
    with pytest.raises(ApiError) as info:
        await call(client)
    assert len(server.requests) == 1 and sleeps == []
    assert info.value.retryable and (info.value.status == 503 or info.value.offline)


@pytest.mark.parametrize("name", sorted(set(WRITES) - {"create", "create_query"}))
async def test_each_write_succeeds_on_an_empty_object(server, client, name):
    method, path, call = WRITES[name]
    server.on(method, path, reply(body={}))
    assert await call(client) is None
    assert server.requests[0].method == method and server.requests[0].url.path == path


async def test_get_is_retried_on_503_honouring_retry_after(server, client, sleeps):
    server.on("GET", "/api/v2/collaborations/CLB.1",
              reply(503, v2_error("UNAVAILABLE", "busy"), {"Retry-After": "2"}),
              httpx.ConnectError("reset"),
              reply(body={"collaboration": {"id": "CLB.1", "status": "STATUS_ACTIVE"}}))
    collab = await client.get_collaboration("CLB.1")
    assert collab.id == "CLB.1" and len(server.requests) == 3
    assert sleeps[0] == 2.0 and len(sleeps) == 2


async def test_create_collaboration_sends_the_documented_body(server, client):
    server.on("POST", "/api/v2/collaborations", reply(body={"collaboration_id": "CLB.new"}))
    cid = await client.create_collaboration(
        "Q3 retail", [("CMP.p1", MemberRights(contributor=True)), ("CMP.p2", {"operator": True})],
        MemberRights(contributor=True, detailed_logs=True, operator=True), description="why")
    assert cid == "CLB.new"
    assert json.loads(server.requests[0].content) == {
        "name": "Q3 retail", "description": "why",
        "creator_rights": {"contributor": True, "detailed_logs": True, "operator": True},
        "collaborators": [
            {"company_id": "CMP.p1", "rights": {"contributor": True, "detailed_logs": False, "operator": False}},
            {"company_id": "CMP.p2", "rights": {"contributor": False, "detailed_logs": False, "operator": True}},
        ]}
    assert server.requests[0].headers["content-type"] == "application/json"


async def test_create_without_an_id_in_the_answer_is_an_error_not_a_retry(server, client):
    server.on("POST", "/api/v2/collaborations", reply(body={}))
    with pytest.raises(ApiError, match="list collaborations"):
        await client.create_collaboration("X", [], MemberRights())
    assert len(server.requests) == 1


async def test_add_dataset_body_and_local_validation(server, client):
    server.on("POST", "/api/v2/collaborations/CLB.1/datasets", reply())
    await client.add_dataset("CLB.1", "AWS_EU_WEST_2.abc123", "retailer1", intersection_only=True,
                             attribute_restriction=True, allowed_attributes=["age", "gender"],
                             exportable_to_members=["CMP.p1"], destination_type_restriction=True,
                             allowed_destination_types=["DTY.s3"])
    assert json.loads(server.requests[0].content) == {
        "dataset_id": "AWS_EU_WEST_2.abc123", "collaboration_dataset_name": "retailer1",
        "intersection_only": True, "attribute_restriction": True, "allowed_attributes": ["age", "gender"],
        "activation_allowed": False, "exportable_to_members": ["CMP.p1"],
        "destination_type_restriction": True, "allowed_destination_types": ["DTY.s3"]}
    for bad in ("", "a" * 18, "retail_1", "retail 1", "rétail"):
        with pytest.raises(ValueError, match="1-17"):
            await client.add_dataset("CLB.1", "AWS_EU_WEST_2.a", bad)
    with pytest.raises(ValueError, match="destination_type_restriction"):
        await client.add_dataset("CLB.1", "AWS_EU_WEST_2.a", "ok1", allowed_destination_types=["DTY.s3"])
    with pytest.raises(ValueError):
        await client.add_insight_dataset("CLB.1", "AWS_EU_WEST_2.a", "x" * 18)
    assert len(server.requests) == 1
    await client.add_dataset("CLB.1", "AWS_EU_WEST_2.a", "A" * 17)  # the longest legal name


async def test_ids_are_one_path_segment(server, client):
    server.on("GET", "/api/v2/collaborations/CLB.a%2Fb", reply(body={"collaboration": {"id": "x"}}))
    for bad in ("", "..", ".", "  "):
        with pytest.raises(ValueError):
            await client.get_collaboration(bad)
    await client.get_collaboration("CLB.a/b")
    assert server.requests[0].url.raw_path == b"/api/v2/collaborations/CLB.a%2Fb"


# --------------------------------------------------------------------------- errors

async def test_v2_error_body_becomes_api_error(server, client):
    server.on("GET", "/api/v2/collaborations/CLB.nope",
              reply(404, v2_error("NOT_FOUND", "collaboration not found", "req-abc", "no such id")))
    with pytest.raises(ApiError) as info:
        await client.get_collaboration("CLB.nope")
    err = info.value
    assert (err.status, err.code, err.message, err.request_id) == (404, "NOT_FOUND", "collaboration not found",
                                                                   "req-abc")
    assert err.details == "no such id" and err.platform == "infosum" and not err.retryable
    assert "request id req-abc" in str(err) and err.hint.startswith("Not found")
    assert len(server.requests) == 1  # 404 is not retried


async def test_v1_tyrael_error(server, client):
    server.on("POST", "/api/v1/queries", reply(400, {"message": "query could not be parsed",
                                                     "metadata": {"position": "7"}}))
    with pytest.raises(ApiError) as info:
        await client.create_query("SELEC")
    assert info.value.status == 400 and info.value.message == "query could not be parsed"
    assert "position" in (info.value.details or "")


async def test_403_rights_error_is_readable(server, client):
    server.on("POST", "/api/v2/collaborations/CLB.1/leave",
              reply(403, v2_error("PERMISSION_DENIED", "the owner cannot leave; close it instead")))
    with pytest.raises(ApiError) as info:
        await client.leave_collaboration("CLB.1")
    text = str(info.value)
    assert "HTTP 403" in text and "the owner cannot leave" in text and "POST" in text
    assert info.value.hint


async def test_401_from_the_server_and_missing_key_locally(server, client, monkeypatch):
    server.on("GET", "/api/v2/accounts/me", reply(401, v2_error("UNAUTHENTICATED", "missing or unknown key")))
    with pytest.raises(ApiError) as info:
        await client.me()
    assert info.value.status == 401 and "Credentials" in info.value.hint
    monkeypatch.delenv("IS_UNIT_KEY")
    with pytest.raises(ConfigError, match="IS_UNIT_KEY"):
        InfoSumClient(profile())


async def test_unexpected_shape_is_an_api_error(server, client):
    server.on("GET", "/api/v2/collaborations/CLB.1/datasets/D.1/stats/summary",
              reply(body={"total_rows": "lots"}))
    with pytest.raises(ApiError) as info:
        await client.summary_stats("CLB.1", "D.1")
    assert info.value.code == "BAD_RESPONSE" and "total_rows" in info.value.message


async def test_construction_rules():
    with pytest.raises(ValueError, match="query_api"):
        InfoSumClient(profile(), query_api="v3")
    with pytest.raises(ValueError, match="transport"):
        InfoSumClient(profile(base_url="embedded:"))
    async with InfoSumClient(profile(base_url="https://api.infosum.com/api/")) as c:
        assert c.base_url == "https://api.infosum.com"
    handler = FakeInfoSum().on("GET", "/api/v1/health", reply(body={"status": "AVAILABLE"}))
    async with InfoSumClient(profile(base_url="embedded:"), transport=httpx.MockTransport(handler)) as c:
        assert (await c.health()).status == "AVAILABLE"


# --------------------------------------------------------------------------- reads

async def test_collaboration_detail_and_scoped_lists(server, client):
    server.on("GET", "/api/v2/collaborations/CLB.1", reply(body={"collaboration": {
        "id": "CLB.1", "status": "STATUS_ACTIVE",
        "owner": {"id": "CMP.own", "rights": {"contributor": True, "operator": True}},
        "members": [{"id": "CMP.p1"}],
        "datasets": [{"dataset_id": "AWS_EU_WEST_2.a", "collaboration_dataset_name": "retail1",
                      "allowed_attributes": ["age"]}],
        "insight_datasets": [{"dataset_id": "AWS_EU_WEST_2.b"}],
        "destination_ids": ["DST.1"]}}))
    server.on("GET", "/api/v2/collaborations/CLB.1/datasets", reply(body={
        "datasets": [{"id": "AWS_EU_WEST_2.a", "row_count": "1000000", "type": "DATASET_TYPE_INSIGHT",
                      "keys": [{"id": "3", "label": "email"}]}],
        "pagination": {"results": 1, "total_results": 1}}))
    server.on("GET", "/api/v2/collaborations/CLB.1/datasets/AWS_EU_WEST_2.a", reply(body={
        "id": "AWS_EU_WEST_2.a", "region": "AWS_EU_WEST_2", "published_date_time": "2025-09-30",
        "attributes": [{"id": "7", "label": "age", "value_type": "INTEGER", "fill_rate": 0.9}]}))
    server.on("GET", "/api/v2/collaborations/CLB.1/destinations", reply(body={
        "destinations": [{"id": "DST.1", "created_date_time": "2025-10-01T00:00:00Z"}]}))
    server.on("GET", "/api/v2/collaborations/CLB.1/destinations/DST.1", reply(body={"destination": {
        "id": "DST.1", "config": {"bucket": "b"}, "created_time": "2025-10-01T00:00:00+01:00"}}))
    collab = await client.get_collaboration("CLB.1")
    assert collab.rights_of("CMP.p1") == MemberRights()
    assert collab.rights_of("CMP.own").operator
    assert collab.dataset_ids() == ["AWS_EU_WEST_2.a", "AWS_EU_WEST_2.b"]
    datasets = await client.list_collaboration_datasets("CLB.1", filter=f.eq("owner_id", "CMP.own"))
    assert datasets.items[0].row_count == 1_000_000 and datasets.items[0].keys[0].id == 3
    assert server.requests[-1].url.params["filter"] == "owner_id eq 'CMP.own'"
    detail = await client.get_collaboration_dataset("CLB.1", "AWS_EU_WEST_2.a")
    assert detail.dataset_id == "AWS_EU_WEST_2.a" and detail.published_date_time.day == 30
    assert detail.attributes[0].fill_rate == 0.9
    dests = await client.list_collaboration_destinations("CLB.1")
    assert dests.items[0].created.year == 2025 and dests.total_results is None
    dest = await client.get_collaboration_destination("CLB.1", "DST.1")
    assert dest.config == {"bucket": "b"} and dest.created.hour == 23


async def test_stats_endpoints(server, client):
    base = "/api/v2/collaborations/CLB.1/datasets/AWS_EU_WEST_2.a/stats"
    server.on("GET", f"{base}/summary", reply(body={"total_rows": "1000000", "key_columns": "3",
                                                    "attribute_columns": "25", "export_columns": "2"}))
    server.on("GET", f"{base}/key_columns", reply(body={
        "key_id_to_stats": {"1": {"distinct_values": "10"}, "2": {"key_id": "2", "valid_values": "5"}},
        "key_stats": [{"key_id": "2", "key_label": "email", "valid_values": "6"}]}))
    server.on("GET", f"{base}/attribute_columns", reply(body={
        "id_to_representations_stats": {"9": {"representations_stats": [{"representation_id": "age"}]}}}))
    server.on("GET", f"{base}/export_columns", reply(body={
        "label_to_stats": {"hashed_email": {"multi_values": True, "valid_values": "8"}}}))
    s = await client.summary_stats("CLB.1", "AWS_EU_WEST_2.a")
    assert (s.total_rows, s.key_columns, s.attribute_columns, s.export_columns) == (1_000_000, 3, 25, 2)
    keys = (await client.key_column_stats("CLB.1", "AWS_EU_WEST_2.a")).stats
    assert [(k.key_id, k.valid_values) for k in keys] == [(2, 6), (1, 0)]
    attrs = (await client.attribute_stats("CLB.1", "AWS_EU_WEST_2.a")).stats
    assert attrs[0].representation_id == "age" and attrs[0].attribute_id == "9"
    exports = (await client.export_column_stats("CLB.1", "AWS_EU_WEST_2.a")).stats
    assert exports[0].column_label == "hashed_email" and exports[0].multi_values


async def test_events_page(server, client):
    server.on("GET", "/api/v2/collaborations/CLB.1/events", reply(body={
        "events": [{"type": "TYPE_SOMETHING_NEW", "company_id": "CMP.p1",
                    "event_date_time": "2025-10-01T09:30:00.123456789Z", "message": "Acme added retailer1",
                    "metadata": {"collaboration_dataset_name": "retailer1"},
                    "entities": [{"id": "AWS_EU_WEST_2.a", "name": "retailer1", "type": "ENTITY_DATASET"}]}],
        "pagination": {"results": 1, "total_results": 1}}))
    flt = f.and_(f.eq("event_type", "TYPE_DATASET_ADDED"), f.eq("company_id", "CMP.p1"))
    page = await client.list_events("CLB.1", order_by="event_date_time ASC", filter=flt)
    e = page.items[0]
    assert e.type == "TYPE_SOMETHING_NEW" and e.event_date_time.microsecond == 123456
    assert e.entities[0].type == "ENTITY_DATASET" and e.metadata["collaboration_dataset_name"] == "retailer1"
    params = server.requests[0].url.params
    assert params["pagination.per_page"] == "500"
    assert params["filter"] == "event_type eq 'TYPE_DATASET_ADDED' and company_id eq 'CMP.p1'"


async def test_company_lists_and_names(server, client):
    server.on("GET", "/api/v2/destinations/instances", reply(body={
        "destinations": [{"id": "DST.1", "name": "S3", "created_time": "2025-01-01T00:00:00Z"}],
        "pagination": {"results": 1, "total_results": 1}}))
    server.on("GET", "/api/v2/datasets", reply(body={
        "datasets": [{"dataset_id": "AWS_EU_WEST_2.a", "dataset_type": "DATASET_TYPE_UNIFIED",
                      "expiration": {"do_not_expire": True}}], "pagination": {"total_results": 1}}))
    server.on("GET", "/api/v2/accounts/companies/display_name", reply(body={"company_display_name": "Contoso"}))
    dests = await client.list_destination_instances(permissionable_to="CMP.p1")
    assert dests.items[0].id == "DST.1" and dests.items[0].created_time.year == 2025
    assert server.requests[0].url.params["permissionable_to"] == "CMP.p1"
    datasets = await client.list_datasets(per_page=500)
    assert datasets.items[0].dataset_id == "AWS_EU_WEST_2.a" and datasets.items[0].expiration.do_not_expire
    assert await client.company_display_name("CMP.p1") == "Contoso"
    assert server.requests[-1].url.params["company_id"] == "CMP.p1"


# --------------------------------------------------------------------------- export

CSV = (b"event_date_time,type,company_id,message,entities,metadata\r\n"
       b'2025-10-01T09:30:00Z,TYPE_DATASET_ADDED,CMP.p1,"Acme added ""retailer1""",[],{}\r\n')


def streamed(chunks: list[bytes], fail_after: int | None = None, status: int = 200) -> Handler:
    async def body():
        for i, chunk in enumerate(chunks):
            if fail_after is not None and i == fail_after:
                raise httpx.ReadError("connection reset mid-body")
            yield chunk

    return lambda request: httpx.Response(status, content=body(), headers={"Content-Type": "text/csv"})


EXPORT = "/api/v2/collaborations/CLB.1/events/export"


async def test_export_events_streams_to_a_file_with_progress(server, client, tmp_path):
    chunks = [CSV[:40], CSV[40:90], CSV[90:]]
    server.on("GET", EXPORT, streamed(chunks))
    progress: list[int] = []
    out = tmp_path / "events.csv"
    written = await client.export_events("CLB.1", out, order_by="event_date_time ASC",
                                         filter=f.eq("event_type", "TYPE_DATASET_ADDED"),
                                         on_progress=progress.append)
    assert written == len(CSV) and out.read_bytes() == CSV
    assert progress == [40, 90, len(CSV)]
    request = server.requests[0]
    assert "pagination.page" not in request.url.params and request.url.params["order_by"] == "event_date_time ASC"
    assert "text/csv" in request.headers["Accept"] and request.headers["Authorization"] == KEY
    assert [p.name for p in tmp_path.iterdir()] == ["events.csv"]


async def test_export_events_to_a_binary_stream(server, client):
    server.on("GET", EXPORT, streamed([b"not json at all {", b"\x00\xff"]))
    buf = io.BytesIO()
    assert await client.export_events("CLB.1", buf) == 19
    assert buf.getvalue() == b"not json at all {\x00\xff"


async def test_failed_export_leaves_no_file(server, client, tmp_path):
    out = tmp_path / "events.csv"
    server.on("GET", EXPORT, reply(403, v2_error("PERMISSION_DENIED", "no right to export events", "req-x")))
    with pytest.raises(ApiError) as info:
        await client.export_events("CLB.1", out)
    assert info.value.status == 403 and info.value.message == "no right to export events"
    assert info.value.request_id == "req-x"
    server.on("GET", EXPORT, streamed([CSV[:40], CSV[40:]], fail_after=1))
    with pytest.raises(ApiError) as info:
        await client.export_events("CLB.1", out, on_progress=lambda n: None)
    assert info.value.offline or info.value.code == "NETWORK"
    assert list(tmp_path.iterdir()) == []


async def test_export_retries_the_get_before_any_byte(server, client, sleeps, tmp_path):
    server.on("GET", EXPORT, reply(502, {"error": {"code": "UNAVAILABLE", "message": "gateway"}}),
              streamed([CSV]))
    assert await client.export_events("CLB.1", tmp_path / "e.csv") == len(CSV)
    assert len(server.requests) == 2 and len(sleeps) == 1


# --------------------------------------------------------------------------- insight queries

async def test_v1_query_from_create_to_result(server, make_client):
    client = make_client()
    server.on("POST", "/api/v1/queries", reply(body={"query_id": "Q1", "done": False}))
    server.on("GET", "/api/v1/queries/Q1", reply(body={"query_id": "Q1"}),
              reply(body={"query_id": "Q1", "done": True}))
    server.on("GET", "/api/v1/queries/Q1/result",
              reply(404, {"message": "result not ready", "metadata": {}}),
              reply(body={"audience": 1234, "dimensions": [
                  {"category": "age", "value": "[18, 25)", "count": "600", "continuous": True,
                   "dimensions": [{"category": "gender", "value": "F", "count": 300}]}],
                  "quality_measures": {"model_accuracy": 0.98},
                  "join_metadata": [{"from_dataset": {"id": "a"}, "to_dataset": {"id": "b"},
                                     "keys": [{"key_id": "3", "name": "email"}]}]}))
    status = await client.create_query("SELECT AGGREGATE(age) FROM retail1", collaboration_id="CLB.1",
                                       sample=True)
    assert json.loads(server.requests[0].content) == {
        "query": "SELECT AGGREGATE(age) FROM retail1", "collaboration_id": "CLB.1", "sample": True}
    assert (status.query_id, status.done, status.status) == ("Q1", False, "pending")
    first = await client.query_status("Q1")
    assert not first.done and first.status == "pending"
    with pytest.raises(QueryNotReady) as info:
        await client.query_result("Q1")
    assert isinstance(info.value, ApiError) and info.value.status == 404
    done = await client.query_status("Q1")
    assert done.done and done.status == "done"
    result = await client.query_result("Q1")
    assert result.audience == 1234 and result.join_metadata[0].keys[0].key_id == 3
    assert [(r["path"], r["count"]) for r in result.rows()] == [
        ("age=[18, 25)", 600), ("age=[18, 25) > gender=F", 300)]


async def test_playbook_query_from_create_to_results(server, make_client):
    client = make_client(query_api="insights")
    server.on("POST", "/api/v1/insights", reply(body={"query_id": "Q2", "done": False}))
    server.on("GET", "/api/v1/insights/Q2", reply(body={"done": False, "status": "pending"}),
              reply(body={"done": False, "status": "running"}),
              reply(body={"done": True, "status": "completed"}))
    server.on("GET", "/api/v1/insights/Q2/results",
              reply(409, {"error": "query not finished", "code": "NOT_READY"}),
              reply(body={"query_id": "Q2", "status": "completed", "results": [{"segment": "a", "count": 5}],
                          "metadata": {"total_rows": 1, "execution_time_ms": 812}}))
    status = await client.create_query("SELECT COUNT() FROM retail1")
    assert json.loads(server.requests[0].content) == {"query": "SELECT COUNT() FROM retail1"}
    assert status.query_id == "Q2"
    with pytest.raises(QueryNotReady) as info:
        await client.query_result("Q2")
    assert info.value.status == 409 and info.value.code == "NOT_READY"
    done = await client.wait_for_query("Q2")
    assert done.done and done.status == "completed" and done.query_id == "Q2"
    result = await client.query_result("Q2")
    assert result.rows() == [{"segment": "a", "count": 5}]
    assert result.metadata.execution_time_ms == 812 and result.total_rows == 1


async def test_failed_playbook_query_and_wait_timeout(server, make_client, sleeps):
    client = make_client(query_api="insights")
    server.on("GET", "/api/v1/insights/Q3", reply(body={"done": True, "status": "failed",
                                                        "error": "dataset retail9 not found"}))
    status = await client.wait_for_query("Q3")
    assert status.failed and status.error == "dataset retail9 not found"
    server.on("GET", "/api/v1/insights/Q4", reply(body={"status": "running"}))
    with pytest.raises(ApiError) as info:
        await client.wait_for_query("Q4", timeout=20)
    assert info.value.code == "TIMEOUT" and sleeps == [1.0, 2.0, 4.0, 8.0, 10.0]


# --------------------------------------------------------------------------- secrets

async def test_key_never_in_repr_logs_or_errors(server, make_client, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_client()
    server.on("GET", "/api/v2/collaborations/CLB.1",
              reply(503, v2_error("UNAVAILABLE", "busy")),
              reply(401, v2_error("UNAUTHENTICATED", f"key {KEY} is not valid")))
    with pytest.raises(ApiError) as info:
        await client.get_collaboration("CLB.1")
    texts = [repr(client), str(client), repr(client.profile), str(info.value), repr(info.value),
             info.value.message, caplog.text]
    assert caplog.text  # the retry was logged
    for text in texts:
        assert KEY not in text
    assert "***" in info.value.message
