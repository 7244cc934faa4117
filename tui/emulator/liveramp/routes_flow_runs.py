"""Clean-room flow runs: create, list, get, status, resume, replay, report, output nodes, files
(reference §9.4, §9.5). Status follows the levels on the clock (``lifecycle.flow_run_state``).

The SPEC/SDK request shape is followed (``nodes[] {nodeIdentifier, parameters}``, ``pauseLevelID``
"Level-N"); the docs' older spelling (``flowRunParameters``, ``pauseLevelId``/``startLevelId`` ints) is
accepted too.

Node parameters are type-checked at creation (dates, integers: 400). A value outside a question's
ENFORCED_LIST is not rejected up front — ``flow-run-parameters`` does not publish allowed values — but
fails that node when it runs, with the reason in ``runMessage`` (GUESS at where the platform checks).
"""

from __future__ import annotations

from starlette.responses import StreamingResponse

from .errors import bad_request, not_found, precondition_failed
from .lifecycle import flow_run_state, parse_level, plan_new_flow_run
from .model import Flow, FlowRun
from .results import csv_chunks, result_data, row_count
from .routing import Api, Ctx, page
from .validation import as_text, check_value, outside_list
from .views import room_status
from .views_runs import flow_run_view, node_run_id, output_nodes_view

api = Api()
RUNS_DEFAULT_LIMIT = 30
REPORT_DEFAULT_LIMIT, REPORT_MAX_LIMIT = 500, 10_000


def _level(body: dict, *names: str, flow: Flow) -> int | None:
    for name in names:
        if name in body:
            try:
                level = parse_level(body[name])
            except ValueError:
                raise bad_request(f"'{name}' must look like Level-1 (or an integer), got {body[name]!r}") from None
            if level is not None and not 1 <= level <= flow.levels:
                raise bad_request(f"'{name}' Level-{level} is not a level of this flow (Level-1..Level-{flow.levels})")
            return level
    return None


def _node_parameters(ctx: Ctx, flow: Flow, body: dict, base: list[dict] | None = None) -> list[dict]:
    """``[{nodeId, parameters: {name: {value, parameterType}}}]`` type-checked against each node's question."""
    merged = {item["nodeId"]: dict(item["parameters"]) for item in base or []}
    items = body.get("nodes")
    legacy = items is None and "flowRunParameters" in body
    items = body.get("flowRunParameters") if legacy else (items or [])
    if not isinstance(items, list):
        raise bad_request("'nodes' must be an array of {nodeIdentifier, parameters}")
    for item in items:
        if not isinstance(item, dict):
            raise bad_request("Each 'nodes' item needs 'nodeIdentifier' and 'parameters'")
        ident = item.get("nodeId") if legacy else item.get("nodeIdentifier")
        node = flow.node(str(ident)) if ident else None
        if node is None:
            raise bad_request(f"Unknown node {ident!r} in flow {flow.display_id}; use a node id or label "
                              f"({', '.join(n.label for n in flow.nodes)})")
        params = item.get("parameters") or {}
        if not isinstance(params, dict):
            raise bad_request(f"'parameters' of node {node.label} must be an object")
        specs = {p.name: p for p in ctx.world.questions[node.question_id].template.params}
        target = merged.setdefault(node.id, {})
        for name, raw in params.items():
            value = raw.get("value") if legacy and isinstance(raw, dict) else raw
            spec = specs.get(name)
            if spec is None:
                raise bad_request(f"Unknown parameter '{name}' for node {node.label}; its parameters are: "
                                  f"{', '.join(specs) or 'none'}")
            text = as_text(value, f"nodes[{node.label}].parameters.{name}")
            check_value(spec, text, enforce_list=False)
            target[name] = {"value": text, "parameterType": spec.parameter_type}
    return [{"nodeId": n.id, "parameters": merged[n.id]} for n in flow.nodes if merged.get(n.id)]


def _check_runnable(ctx: Ctx, flow: Flow) -> None:
    room = ctx.world.cleanrooms[flow.room_id]
    if room_status(room, ctx.now) == "EXPIRED":
        raise precondition_failed(f"Clean room {room.display_id} expired: no new flow runs")
    for n in flow.nodes:
        q = ctx.world.questions.get(n.question_id)
        if q is None or q.status != "READY":
            raise precondition_failed(f"Node {n.label} is not READY: assign datasets to its question first")


def _bad_values(ctx: Ctx, flow: Flow, params: list[dict], start: int) -> tuple[str, str] | None:
    """(node id, reason) of the first node that will fail on a value outside its allowed list."""
    given = {item["nodeId"]: item["parameters"] for item in params}
    for node in sorted(flow.nodes, key=lambda n: n.level):
        if node.level < start:
            continue
        specs = {p.name: p for p in ctx.world.questions[node.question_id].template.params}
        for name, entry in given.get(node.id, {}).items():
            problem = outside_list(specs[name], entry["value"]) if name in specs else None
            if problem:
                return node.id, f"Node {node.label} failed: {problem}"
    return None


def _new_run(ctx: Ctx, flow: Flow, name: str, params: list[dict], start: int, pause: int | None,
             parent: str | None) -> FlowRun:
    w = ctx.world
    run_id = w.ids.uuid()
    plan = plan_new_flow_run(run_id, flow)
    bad = _bad_values(ctx, flow, params, start)
    if bad is not None:
        plan.fail_node, plan.failure = bad
    run = FlowRun(run_id, flow.id, flow.room_id, name, ctx.now, params, plan,
                  start_level=start, pause_level=pause, parent_run_id=parent, client_id=ctx.client_id)
    w.flow_runs[run.id] = run
    w.created(run)
    return run


@api.post("/cleanrooms/{cleanroomId}/cleanroom-flows/{flowId}/cleanroom-flow-runs")
async def create_flow_run(ctx: Ctx) -> dict:
    ctx.limits.creation(ctx.client_id, ctx.uri)
    flow = ctx.world.flow(ctx.path("cleanroomId"), ctx.path("flowId"))
    body = await ctx.json_object()
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("'name' is required: give the flow run a distinct, meaningful name")
    pause = _level(body, "pauseLevelID", "pauseLevelId", flow=flow)
    params = _node_parameters(ctx, flow, body)
    _check_runnable(ctx, flow)
    run = _new_run(ctx, flow, name.strip(), params, 1, pause, None)
    return flow_run_view(ctx.world, flow, run, ctx.now)


@api.get("/cleanrooms/{cleanroomId}/cleanroom-flows/{flowId}/cleanroom-flow-runs")
async def list_flow_runs(ctx: Ctx) -> dict:
    w = ctx.world
    flow = w.flow(ctx.path("cleanroomId"), ctx.path("flowId"))
    ctx.limits.status_read(ctx.client_id, flow.id, ctx.uri)  # a list counts once, against the flow
    limit, offset = ctx.paging(RUNS_DEFAULT_LIMIT)
    search = (ctx.query.get("search") or "").lower()
    runs = sorted((r for r in w.flow_runs.values() if r.flow_id == flow.id), key=lambda r: r.submitted_at,
                  reverse=True)
    views = [flow_run_view(w, flow, r, ctx.now) for r in runs]
    if search:
        views = [v for v, r in zip(views, runs, strict=True)
                 if search in v["name"].lower() or search in v["status"].lower() or search in r.id
                 or search in (r.parent_run_id or "")]
    return {"cleanRoomFlowRuns": page(views, limit, offset), "count": len(views)}


def _run(ctx: Ctx) -> tuple[Flow, FlowRun]:
    run = ctx.world.flow_run(ctx.path("cleanroomId"), ctx.path("runId"))
    return ctx.world.flows[run.flow_id], run


@api.get("/cleanrooms/{cleanroomId}/cleanroom-flow-runs/{runId}")
async def get_flow_run(ctx: Ctx) -> dict:
    flow, run = _run(ctx)
    ctx.limits.status_read(ctx.client_id, run.id, ctx.uri)
    return flow_run_view(ctx.world, flow, run, ctx.now)


@api.get("/cleanrooms/{cleanroomId}/cleanroom-flow-runs/{runId}/status")
async def flow_run_status(ctx: Ctx) -> dict:
    flow, run = _run(ctx)
    ctx.limits.status_read(ctx.client_id, run.id, ctx.uri)
    return {"status": flow_run_state(flow, run, ctx.now).status}


@api.post("/cleanrooms/{cleanroomId}/cleanroom-flow-runs/{runId}/resume-flow-run")
async def resume_flow_run(ctx: Ctx) -> dict:
    flow, run = _run(ctx)
    body = await ctx.json_object(required=False)
    status = flow_run_state(flow, run, ctx.now).status
    if status != "PAUSED":
        raise bad_request(f"Flow run {run.id} is {status}: only a PAUSED flow run can be resumed")
    run.resumes.append((ctx.now, _level(body, "pauseLevelID", "pauseLevelId", flow=flow)))
    return {"success": True}


@api.post("/cleanrooms/{cleanroomId}/cleanroom-flow-runs/{runId}/replay-flow-run")
async def replay_flow_run(ctx: Ctx) -> dict:
    ctx.limits.creation(ctx.client_id, ctx.uri)
    flow, parent = _run(ctx)
    body = await ctx.json_object(required=False)
    status = flow_run_state(flow, parent, ctx.now).status
    if status not in ("COMPLETED", "FAILED", "PAUSED", "CANCELLED"):
        raise bad_request(f"Flow run {parent.id} is {status}: replay a run once it has finished or paused")
    start = _level(body, "startLevelID", "startLevelId", flow=flow) or 1
    pause = _level(body, "pauseLevelID", "pauseLevelId", flow=flow)
    params = _node_parameters(ctx, flow, body, base=parent.node_parameters)
    _check_runnable(ctx, flow)
    name = str(body.get("name") or f"{parent.name} (replay from Level-{start})")
    run = _new_run(ctx, flow, name, params, start, pause, parent.id)
    return {"success": True, "cleanRoomFlowRunID": run.id}


@api.get("/cleanrooms/{cleanroomId}/cleanroom-flow-runs/{runId}/output-nodes")
async def output_nodes(ctx: Ctx) -> list:
    flow, run = _run(ctx)
    return output_nodes_view(ctx.world, flow, run, ctx.now)


def _completed_node(ctx: Ctx, flow: Flow, run: FlowRun, ident: str):
    node = flow.node(ident)
    if node is None:
        raise not_found("Flow node", ident)
    status = flow_run_state(flow, run, ctx.now).nodes[node.id].status
    if status != "COMPLETED":
        raise bad_request(f"Node {node.label} of flow run {run.id} is {status}: its report exists once it is COMPLETED")
    template = ctx.world.questions[node.question_id].template
    node_run = node_run_id(run, node)
    return template, node_run, row_count(template, node_run, ctx.world.scale)


@api.get("/cleanrooms/{cleanroomId}/cleanroom-flow-runs/{runId}/report")
async def flow_run_report(ctx: Ctx) -> dict:
    flow, run = _run(ctx)
    template, node_run, total = _completed_node(ctx, flow, run, ctx.required_query("node"))
    limit, offset = ctx.paging(REPORT_DEFAULT_LIMIT, REPORT_MAX_LIMIT)
    return result_data(template, node_run, total, offset, limit)


@api.get("/cleanrooms/{cleanroomId}/cleanroom-flow-runs/{runId}/node/{nodeIdentifier}/download/{fileName}")
async def node_file(ctx: Ctx) -> StreamingResponse:
    flow, run = _run(ctx)
    template, node_run, total = _completed_node(ctx, flow, run, ctx.path("nodeIdentifier"))
    name = ctx.path("fileName")
    if not name.lower().endswith(".csv"):
        raise not_found("Output file", name)
    return StreamingResponse(csv_chunks(template, node_run, total), media_type="application/json",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})
