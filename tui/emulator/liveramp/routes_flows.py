"""Clean-room flows: list, get, node details, run parameters, decision configurations (reference §9.1–9.3)."""

from __future__ import annotations

from .errors import bad_request
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
