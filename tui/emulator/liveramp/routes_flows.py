"""Clean-room flows: list, get, node details, run parameters, decision configurations (reference §9.1–9.3),
and the node export jobs / job runs the SPEC adds (a node's jobs are its question's export jobs)."""

from __future__ import annotations

from .errors import bad_request, not_found
from .formats import iso_z, present
from .model import ExportJob
from .routes_exports import check_destinations, export_job_runs, export_parameters, set_job_status
from .routing import Api, Ctx
from .views_runs import flow_view, question_metadata

api = Api()
FLOWS_DEFAULT_LIMIT = 100  # GUESS: the SPEC gives no default for the body's limit


@api.post("/cleanrooms/{cleanroomId}/cleanroom-flows/list")
async def list_flows(ctx: Ctx) -> dict:
    w = ctx.world
    room = w.admin_room(ctx.path("cleanroomId"))
    body = await ctx.json_object(required=False)
    try:
        limit = int(body.get("limit") or FLOWS_DEFAULT_LIMIT)
        offset = int(body.get("offset") or 0)
    except (TypeError, ValueError):
        raise bad_request("'limit' and 'offset' must be integers") from None
    search = str(body.get("search") or "").lower()
    flows = [f for f in w.flows.values() if f.room_id == room.id
             and (not search or search in f.name.lower() or search in f.display_id.lower() or search == f.id)]
    flows.sort(key=lambda f: f.created_at, reverse=True)
    return {"cleanRoomFlows": [flow_view(w, f) for f in flows[offset:offset + limit]], "count": len(flows)}


@api.get("/cleanrooms/{cleanroomId}/cleanroom-flows/{flowId}")
async def get_flow(ctx: Ctx) -> dict:
    flow = ctx.world.flow(ctx.path("cleanroomId"), ctx.path("flowId"))
    return {"cleanRoomFlow": flow_view(ctx.world, flow)}


@api.get("/cleanrooms/{cleanroomId}/cleanroom-flows/{flowId}/node-details")
async def node_details(ctx: Ctx) -> dict:
    w = ctx.world
    flow = w.flow(ctx.path("cleanroomId"), ctx.path("flowId"))
    nodes = []
    for n in flow.nodes:
        meta = question_metadata(w, w.questions[n.question_id]) if n.question_id in w.questions else {}
        nodes.append({"nodeIdentifier": n.label, "nodeID": n.id, "nodeLevel": n.level, **meta, "branches": []})
    return {"nodes": nodes}


@api.get("/cleanrooms/{cleanroomId}/cleanroom-flows/{flowId}/flow-run-parameters")
async def flow_run_parameters(ctx: Ctx) -> dict:
    w = ctx.world
    flow = w.flow(ctx.path("cleanroomId"), ctx.path("flowId"))
    items = []
    for n in flow.nodes:
        q = w.questions.get(n.question_id)
        if q is None:
            continue
        items.append({"nodeId": n.id, "nodeQuestionName": q.title, "parameterMetadataList": [
            {"Id": f"{n.id}:{p.name}", "name": p.name, "displayName": p.display_name, "index": i,
             "fieldType": p.data_type if p.data_type in ("DATE", "INTEGER", "STRING") else "STRING",
             "parameterType": p.parameter_type} for i, p in enumerate(q.template.params)]})
    return {"flowRunParameters": items}


@api.get("/cleanrooms/{cleanroomId}/cleanroom-flows/{flowId}/decision-configurations")
async def decision_configurations(ctx: Ctx) -> dict:
    flow = ctx.world.flow(ctx.path("cleanroomId"), ctx.path("flowId"))
    wanted = ctx.query.get("nodeIdentifier")
    nodes = [d for d in flow.decision_nodes if not wanted or wanted in (d["nodeID"], d["nodeLabel"])]
    return {"decisionNodes": nodes, "cleanRoomOverride": False}


def _node_ids(ctx: Ctx, flow) -> list:
    """``nodeIds``: repeated, or comma-separated; node ids or labels."""
    wanted = [part for raw in ctx.query.getlist("nodeIds") for part in raw.split(",") if part]
    if not wanted:
        raise bad_request("Required request parameter 'nodeIds' is not present")
    nodes = []
    for ident in wanted:
        node = flow.node(ident)
        if node is None:
            raise not_found("Flow node", ident)
        nodes.append(node)
    return nodes


def _node_jobs(ctx: Ctx, node) -> list:
    """A node's export jobs: those created for it, and its question's own (GUESS: the spec shares them)."""
    return [j for j in ctx.world.export_jobs.values()
            if j.node_id == node.id or (j.node_id is None and j.question_id == node.question_id)]


@api.get("/cleanrooms/{cleanroomId}/cleanroom-flows/{flowId}/nodes/exports")
async def node_exports(ctx: Ctx) -> list:
    w = ctx.world
    flow = w.flow(ctx.path("cleanroomId"), ctx.path("flowId"))
    limit, offset = ctx.paging(500)
    out = []
    for node in _node_ids(ctx, flow):
        jobs = []
        for job in _node_jobs(ctx, node)[offset:offset + limit]:
            account = w.partner_accounts[job.account_id]
            runs = export_job_runs(job, ctx.now)
            jobs.append(present({
                "id": job.id, "name": job.name, "status": job.status, "channelStatus": "ACTIVE",
                "partnerAccountId": account.id, "partnerAccountName": account.name,
                "createdAt": iso_z(job.created_at),
                "lastRunTime": next((r["endTime"] for r in reversed(runs) if "endTime" in r), None),
                "exportParameters": [{"name": str(p.get("name", "")), "value": str(p.get("value", ""))}
                                     for p in job.parameters]}))
        out.append({"nodeId": node.id, "jobs": jobs})
    return out


@api.get("/cleanrooms/{cleanroomId}/cleanroom-flows/{flowId}/nodes/exports/runs")
async def node_export_runs(ctx: Ctx) -> list:
    flow = ctx.world.flow(ctx.path("cleanroomId"), ctx.path("flowId"))
    return [{"nodeId": node.id, "jobRuns": [run for job in _node_jobs(ctx, node)
                                            for run in export_job_runs(job, ctx.now)]}
            for node in _node_ids(ctx, flow)]


def _node_of(flow, ident) -> object:
    node = flow.node(str(ident)) if isinstance(ident, str) and ident else None
    if node is None:
        raise not_found("Flow node", str(ident))
    return node


@api.post("/cleanrooms/{cleanroomId}/cleanroom-flows/{flowId}/nodes/exports")
async def create_node_exports(ctx: Ctx) -> list:
    """``[{nodeId, partnerAccountIds, exportParameters}]`` → ``[{nodeId, jobIds}]``: one job per
    destination per node, question nodes only (SPEC). Everything is checked before anything is made."""
    w = ctx.world
    flow = w.flow(ctx.path("cleanroomId"), ctx.path("flowId"))
    room = w.admin_room(flow.room_id)
    items = await ctx.json_list()
    if not items:
        raise bad_request("The body must list at least one node")
    plans = []
    for item in items:
        if not isinstance(item, dict):
            raise bad_request("Each item must be an object {nodeId, partnerAccountIds, exportParameters}")
        node = _node_of(flow, item.get("nodeId"))
        plans.append((node, check_destinations(w, room, item.get("partnerAccountIds")),
                      export_parameters(item.get("exportParameters"))))
    creator = w.clients[ctx.client_id].user.email if ctx.client_id in w.clients else ""
    out = []
    for node, accounts, params in plans:
        ids = []
        for account in accounts:
            job = ExportJob(w.ids.uuid(), room.id, f"{flow.name} {node.label} → {w.partner_accounts[account].name}",
                            node.question_id, account, "ACTIVE", ctx.now, creator, params, node_id=node.id)
            w.export_jobs[job.id] = job
            ids.append(job.id)
        out.append({"nodeId": node.id, "jobIds": ids})
    return out


@api.patch("/cleanrooms/{cleanroomId}/cleanroom-flows/{flowId}/nodes/exports/status")
async def node_exports_status(ctx: Ctx) -> list:
    flow = ctx.world.flow(ctx.path("cleanroomId"), ctx.path("flowId"))
    body = await ctx.json_object()
    status, node_ids = body.get("status"), body.get("nodeIds")
    if status not in ("ACTIVE", "PAUSED"):
        raise bad_request("'status' must be ACTIVE or PAUSED")
    if not isinstance(node_ids, list) or not node_ids:
        raise bad_request("'nodeIds' must be a non-empty array")
    out = []
    for ident in node_ids:
        node = _node_of(flow, ident)
        for job in _node_jobs(ctx, node):
            set_job_status(job, status, ctx.now)
        out.append({"nodeId": node.id, "success": True})
    return out


@api.delete("/cleanrooms/{cleanroomId}/cleanroom-flows/{flowId}/nodes/exports")
async def delete_node_exports(ctx: Ctx) -> list:
    flow = ctx.world.flow(ctx.path("cleanroomId"), ctx.path("flowId"))
    node_ids = (await ctx.json_object()).get("nodeIds")
    if not isinstance(node_ids, list) or not node_ids:
        raise bad_request("'nodeIds' must be a non-empty array")
    out = []
    for ident in node_ids:
        node = _node_of(flow, ident)
        gone = [j.id for j in ctx.world.export_jobs.values() if j.node_id == node.id]
        for job_id in gone:
            del ctx.world.export_jobs[job_id]
        out.append({"nodeId": node.id, "deletedJobIds": gone})
    return out
