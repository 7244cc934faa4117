"""The emulator against the vendors' published descriptions (issue 21), over raw HTTP (ASGI transport):
the GETs the specs have that it used to lack, flow ids both ways, no null/empty where the spec has a
format or enum, and InfoSum's playbook paths for every destination and query."""

from __future__ import annotations

import base64

import httpx
import pytest

from tui.emulator import EmulatorOptions, ManualClock, create_app


class Emu:
    def __init__(self, **options) -> None:
        self.clock = ManualClock()
        self.app = create_app(EmulatorOptions(seed=7, clock=self.clock, **options))
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://emu")
        self.lr = self.app.state.liveramp
        self.inf = self.app.state.infosum

    async def token(self) -> dict:
        basic = base64.b64encode(b"demo-client:demo-secret").decode()
        r = await self.http.post("/v1/oauth/token", data={"grant_type": "client_credentials"},
                                 headers={"Authorization": f"Basic {basic}"})
        return {"Authorization": f"Bearer {r.json()['accessToken']}"}

    def admin_flow(self):
        return next(f for f in self.lr.flows.values() if self.lr.cleanrooms[f.room_id].api_admin)


@pytest.fixture
async def emu():
    e = Emu()
    yield e
    await e.http.aclose()


# ---- LiveRamp: flow ids both ways -------------------------------------------------------------------

@pytest.mark.parametrize(("accepted", "ok_with_id", "ok_with_flow_id"),
                         [("both", True, True), ("ID", True, False), ("flowID", False, True)])
async def test_flow_paths_accept_the_configured_ids(accepted, ok_with_id, ok_with_flow_id):
    e = Emu(flow_ids=accepted)
    auth = await e.token()
    flow = e.admin_flow()
    for ident, ok in ((flow.id, ok_with_id), (flow.flow_id, ok_with_flow_id)):
        base = f"/v1/cleanrooms/{flow.room_id}/cleanroom-flows/{ident}"
        for suffix in ("", "/node-details", "/flow-run-parameters", "/cleanroom-flow-runs"):
            r = await e.http.get(base + suffix, headers=auth)
            assert r.status_code == (200 if ok else 404), (suffix, r.text)
        created = await e.http.post(base + "/cleanroom-flow-runs", json={"name": "ids"}, headers=auth)
        assert created.status_code == (200 if ok else 404)
        if not ok:
            assert "Cleanroom flow" in created.text
    await e.http.aclose()


# ---- LiveRamp: absent values are omitted -----------------------------------------------------------

async def test_absent_values_are_omitted_not_null(emu):
    auth = await emu.token()
    question = next(q for q in emu.lr.questions.values()
                    if q.status == "READY" and emu.lr.cleanrooms[q.room_id].api_admin
                    and emu.lr.runs_by_question.get(q.id))
    params = (await emu.http.get(f"/v1/cleanroom-questions/{question.id}/cleanroom-question-parameters",
                                 headers=auth)).json()["parameters"]
    assert all(p.get("ConstraintType") in (None, "ENFORCED_LIST", "DEFAULT_VALUE") for p in params)
    assert all("ConstraintType" in p or not p["HasConstraint"] for p in params)
    runs = (await emu.http.get(f"/v1/cleanroom-questions/{question.id}/cleanroom-question-runs",
                               headers=auth)).json()
    for run in runs:
        assert None not in run.values() and "" not in (run.get("completedAt"), run.get("executedAt"))
        assert ("completedAt" in run) == (run["status"] in {"COMPLETED", "FAILED", "CANCELLED"})


# ---- LiveRamp: the GETs the spec has -----------------------------------------------------------------

async def test_spec_gets_are_served(emu):
    auth = await emu.token()
    get = emu.http.get
    views = (await get("/v1/data-connection-views", headers=auth)).json()
    assert views["dataConnectionViews"] and views["limit"] == 30 and views["hasMore"] in (True, False)
    view = views["dataConnectionViews"][0]
    assert (await get(f"/v1/data-connection-views/{view['id']}", headers=auth)).json() == view
    assert (await get("/v1/data-connection-views/nope", headers=auth)).status_code == 404
    source = next(iter(emu.lr.data_sources.values()))
    type_id = next(iter(emu.lr.data_types))
    params = (await get(f"/v1/data-sources/{source.id}/data-types/{type_id}/data-source-parameters",
                        headers=auth)).json()
    assert params and all(p["dataSourceId"] == source.id for p in params)
    credential = next(iter(emu.lr.credentials.values()))
    named = (await get(f"/v1/credential-sources/credential-name/{credential.source_name}", headers=auth)).json()
    assert [c["name"] for c in named] == [credential.source_name] * len(named) and named
    run = next(iter(emu.lr.runs.values()))
    billable = await get("/v1/billable-configs", params={"sourceId": run.id, "sourceType": "BILLABLE_RUN"},
                         headers=auth)
    assert billable.json()["config"]["sourceId"] == run.id
    bad = await get("/v1/billable-configs", params={"sourceId": run.id, "sourceType": "NOPE"}, headers=auth)
    assert bad.status_code == 400
    flow = emu.admin_flow()
    nodes = ",".join(n.id for n in flow.nodes)
    base = f"/v1/cleanrooms/{flow.room_id}/cleanroom-flows/{flow.id}/nodes/exports"
    jobs = (await get(base, params={"nodeIds": nodes}, headers=auth)).json()
    assert [j["nodeId"] for j in jobs] == [n.id for n in flow.nodes]
    runs = (await get(base + "/runs", params={"nodeIds": nodes}, headers=auth)).json()
    assert [j["nodeId"] for j in runs] == [n.id for n in flow.nodes]
    assert (await get(base, headers=auth)).status_code == 400  # nodeIds is required


# ---- InfoSum playbook paths --------------------------------------------------------------------------

async def test_every_destination_a_collaboration_lists_is_served(emu):
    key = {"Authorization": "demo-key"}
    collabs = (await emu.http.get("/api/v2/collaborations", headers=key,
                                  params={"per_page": 100})).json()["collaborations"]
    seen = 0
    for c in collabs:
        detail = (await emu.http.get(f"/api/v2/collaborations/{c['id']}", headers=key)).json()["collaboration"]
        for dest_id in detail["destination_ids"]:
            r = await emu.http.get(f"/api/v2/destinations/instances/{dest_id}", headers=key)
            assert r.status_code == 200, r.text
            dest = r.json()["destination"]
            assert dest["id"] == dest_id
            owned = dest["owner_id"] == emu.inf.user_for_key("demo-key").company_id
            assert ("config" in dest) == owned  # only the owner sees a destination's configuration
            seen += 1
    assert seen
    assert (await emu.http.get("/api/v2/destinations/instances/DST.nope", headers=key)).status_code == 404


async def _query_in_a_collaboration(emu, key) -> tuple[str, str]:
    collabs = (await emu.http.get("/api/v2/collaborations", headers=key)).json()["collaborations"]
    for c in collabs:
        detail = (await emu.http.get(f"/api/v2/collaborations/{c['id']}", headers=key)).json()["collaboration"]
        for ds in detail["insight_datasets"] + detail["datasets"]:
            r = await emu.http.post("/api/v1/queries", headers=key, json={
                "query": f"SELECT COUNT() FROM {ds['collaboration_dataset_name']}", "collaboration_id": c["id"]})
            if r.status_code == 200:
                return r.json()["query_id"], c["id"]
    raise AssertionError("no collaboration accepted a query")


async def test_insight_playbook_paths_serve_queries_created_through_v1_queries(emu):
    key = {"Authorization": "demo-key"}
    query_id, _ = await _query_in_a_collaboration(emu, key)
    running = (await emu.http.get(f"/api/v1/insights/{query_id}", headers=key)).json()
    assert running["status"] in {"pending", "running"} and running["done"] is False
    assert (await emu.http.get(f"/api/v1/insights/{query_id}/results", headers=key)).status_code == 409
    emu.clock.advance(600)
    done = (await emu.http.get(f"/api/v1/insights/{query_id}", headers=key)).json()
    assert done["done"] is True
    assert (await emu.http.get(f"/api/v1/insights/{query_id}/results", headers=key)).json()["query_id"] == query_id


async def test_activation_queries(emu):
    key = {"Authorization": "demo-key"}
    collabs = (await emu.http.get("/api/v2/collaborations", headers=key)).json()["collaborations"]
    # one where the demo company may activate (operator, and a dataset of its own activation is allowed on)
    collab = next(c["id"] for c in collabs if c["name"] == "Retail Media Measurement 2026")
    created = await emu.http.post("/api/v1/activations", headers=key, json={
        "query": "SELECT self.ID, self.EMAIL FROM self INTERSECT them", "campaign_name": "Spring",
        "collaboration_id": collab})
    assert created.status_code == 200 and created.json()["query_completed"] is False
    activation_id = created.json()["activation_id"]
    path = f"/api/v1/activations/{activation_id}"
    running = (await emu.http.get(path, headers=key)).json()["activation"]
    assert running["summary"]["status"] == "QUERY_RUNNING" and running["output_columns"] == ["ID", "EMAIL"]
    emu.clock.advance(600)
    done = (await emu.http.get(path, headers=key)).json()["activation"]["summary"]
    assert done["status"] == "QUERY_COMPLETED" and done["query_successful"] and int(done["total_rows"]) > 0
    assert (await emu.http.get(path, headers={"Authorization": "partner-key-1"})).status_code == 404
    bad = await emu.http.post("/api/v1/activations", headers=key, json={"query": "", "typo": 1})
    assert bad.status_code == 400
