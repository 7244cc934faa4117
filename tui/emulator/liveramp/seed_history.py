"""Seeded history: a few hundred question runs over the past ~60 days (mostly COMPLETED, some
FAILED with reasons, a couple PENDING_RETRY / ERROR / PARTNER_*, a few still in flight relative to
now), run schedules, three flows with runs in every state, and export jobs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from . import catalog
from .lifecycle import plan_new_flow_run
from .model import (
    ExportJob,
    Flow,
    FlowNode,
    FlowRun,
    RoomQuestion,
    Run,
    RunPlan,
    Schedule,
    Template,
)
from .world import World

HISTORY_DAYS = 60


def sample_parameters(world: World, template: Template, when: datetime) -> tuple[dict, list]:
    """Valid run-time and partition parameters for a run submitted at ``when``."""
    rng = world.ids.rng
    end = (when - timedelta(days=1)).date()
    start = end - timedelta(days=rng.choice([6, 13, 29, 30]))
    params: dict[str, str] = {}
    partitions: list[dict] = []
    for spec in template.params:
        if spec.partition is not None:
            value = (start if spec.name.endswith("_start") else end).isoformat()
            partitions.append({"name": spec.name, "value": value, "dataType": spec.data_type})
        elif spec.allowed:
            params[spec.name] = rng.choice(spec.allowed)
        elif spec.data_type == "DATE":
            params[spec.name] = (end if "end" in spec.name else start).isoformat()
        elif spec.data_type == "INTEGER":
            params[spec.name] = rng.choice([spec.example, spec.default or spec.example, "7", "14", "30"])
        else:
            params[spec.name] = spec.example
    return params, partitions


def _run_name(world: World, q: RoomQuestion, when: datetime, params: dict) -> str:
    rng = world.ids.rng
    short = q.title.split(" (")[0]
    day = when.date().isoformat()
    enum_value = next((v for v in params.values() if v.isupper() and v.isalpha()), "")
    return rng.choice([
        f"{short} {day}", f"{short} – weekly refresh {day}", f"api-{q.display_id.lower()}-{day.replace('-', '')}",
        f"{short} ({enum_value or 'all'})", f"Scheduled: {short} {day}",
    ])


def _normal_plan(world: World, final: str = "COMPLETED") -> RunPlan:
    rng = world.ids.rng
    plan = RunPlan([("QUEUED", rng.uniform(60, 180)), ("RUNNING", rng.uniform(300, 1800))], final)
    if final != "COMPLETED":
        plan.failure_reason, plan.run_message, plan.retryable = rng.choice(catalog.FAILURES)
    return plan


def _add(world: World, q: RoomQuestion, when: datetime, plan: RunPlan) -> Run:
    params, partitions = sample_parameters(world, q.template, when)
    run = Run(world.ids.uuid(), _run_name(world, q, when, params), q.id, when, params, partitions, plan,
              q.question.version, "demo-client")
    return world.add_run(run)


def _runnable(world: World) -> list[RoomQuestion]:
    return [q for q in world.questions.values()
            if q.status == "READY" and world.cleanrooms[q.room_id].api_admin
            and world.cleanrooms[q.room_id].base_status == "COMPLETE"]


def _seed_runs(world: World) -> None:
    rng = world.ids.rng
    history: list[Run] = []
    for q in _runnable(world):
        room = world.cleanrooms[q.room_id]
        latest = world.anchor - timedelta(hours=2)
        if room.end_at is not None:
            latest = min(latest, datetime.combine(room.end_at, datetime.min.time(), tzinfo=world.anchor.tzinfo))
        earliest = max(q.created_on, world.anchor - timedelta(days=HISTORY_DAYS))
        span = (latest - earliest).total_seconds()
        count = 3 if q.template.exact_rows else rng.randint(8, 26)
        for when in sorted(earliest + timedelta(seconds=rng.uniform(0, span)) for _ in range(count)):
            final = "COMPLETED" if q.template.exact_rows or rng.random() < 0.9 else "FAILED"
            history.append(_add(world, q, when, _normal_plan(world, final)))
    # a few stranger fates (GUESS: how these states arise is undocumented)
    completed = [r for r in history if r.plan.final == "COMPLETED"
                 and not world.questions[r.question_id].template.exact_rows]
    for run, final in zip(rng.sample(completed, 4), ["PENDING_RETRY", "PENDING_RETRY", "ERROR", "PARTNER_FAILED"],
                          strict=True):
        if final == "ERROR":
            reason, message, retryable = catalog.PLATFORM_ERROR
        else:
            reason, message, retryable = catalog.fit_failure(*rng.choice(catalog.FAILURES), run.parameters)
        phases = run.plan.phases
        if final == "PARTNER_FAILED":
            phases = [phases[0], ("PARTNER_QUEUED", 240.0), ("PARTNER_RUNNING", phases[1][1])]
        run.plan = RunPlan(phases, final, reason, message, retryable or final == "PENDING_RETRY")
    _seed_in_flight(world)


def _seed_in_flight(world: World) -> None:
    """Runs still moving relative to now: two QUEUED, two RUNNING (one will fail), one on the partner side."""
    main = [q for q in _runnable(world) if world.cleanrooms[q.room_id].end_at is None
            and not q.template.exact_rows]
    reason, message, retryable = catalog.FAILURES[2]
    plans = [
        (timedelta(seconds=30), RunPlan([("QUEUED", 120.0), ("RUNNING", 900.0)], "COMPLETED")),
        (timedelta(seconds=50), RunPlan([("QUEUED", 150.0), ("RUNNING", 600.0)], "COMPLETED")),
        (timedelta(minutes=4), RunPlan([("QUEUED", 90.0), ("RUNNING", 1200.0)], "COMPLETED")),
        (timedelta(minutes=12), RunPlan([("QUEUED", 100.0), ("RUNNING", 900.0)], "FAILED", reason, message, retryable)),
        (timedelta(minutes=25), RunPlan([("QUEUED", 60.0), ("PARTNER_QUEUED", 600.0), ("PARTNER_RUNNING", 3600.0)],
                                        "COMPLETED")),
    ]
    for q, (ago, plan) in zip(world.ids.rng.sample(main, len(plans)), plans, strict=True):
        _add(world, q, world.anchor - ago, plan)


def _seed_schedules(world: World) -> None:
    rng = world.ids.rng
    picks = [q for q in _runnable(world) if world.cleanrooms[q.room_id].end_at is None][:5]
    specs = [("Weekly reach refresh", "WEEKLY", ["MON"], [], True),
             ("Daily overlap", "DAILY", [], [], True),
             ("Monthly attribution close", "MONTHLY", [], [1], True),
             ("Paused: quarterly deep dive", "MONTHLY", [], [1], False)]
    for q, (name, freq, days, dom, active) in zip(picks, specs, strict=False):
        created = world.anchor - timedelta(days=rng.randrange(20, 90))
        params = []
        for spec in q.template.params:
            if spec.partition is not None:
                params.append({"name": spec.name, "value": "-7" if spec.name.endswith("_start") else "-1",
                               "dataType": "DATE", "parameterType": "PARTITION_PARAMETER",
                               "dateQualifier": "DAYS", "dateType": "RELATIVE"})
            else:
                params.append({"name": spec.name, "value": (spec.allowed or [spec.default or spec.example])[0],
                               "dataType": spec.data_type, "parameterType": "RUN_PARAMETER",
                               "dateQualifier": "", "dateType": "ABSOLUTE"})
        owner = world.clients["demo-client"].user.id
        s = Schedule(world.ids.uuid(), f"CRQS-{world.display_number():06d}", q.id, name,
                     f"{name} of {q.title}", owner, created.strftime("%Y-%m-%dT06:00:00Z"), "", freq, days, dom,
                     params, active, "api-user-demo-client@habu.com", created, created + timedelta(days=2))
        world.schedules[s.id] = s


FLOWS = [
    ("Northwind × Contoso Media Measurement", "Attribution Waterfall",
     "First/last touch in parallel, then timing and frequency on the combined result",
     [["Revenue Attribution (First Touch)", "Revenue Attribution (Last Touch)"], ["Conversion Timing"],
      ["Optimal Frequency"]]),
    ("Northwind × Contoso Media Measurement", "Audience Build & Export",
     "Overlap, segment build, then a full export for activation",
     [["Attribute Level Overlap and Index Report"], ["Audience Segment Builder"], ["Large Audience Export"]]),
    ("Retail Media Network – Fabrikam", "Campaign Deep Dive",
     "Two reach cuts in parallel, overlap checks, then linear attribution",
     [["Campaign Reach and Frequency", "Campaign Reach and Frequency"], ["CRM Overlap", "Media Overlap by Publisher"],
      ["Revenue Attribution (Linear)"]]),
]


def _build_flow(world: World, room_name: str, name: str, description: str, levels: list[list[str]]) -> Flow:
    room = world.find_room(room_name)
    in_room = {q.title: q for q in world.questions.values() if q.room_id == room.id}
    created = world.anchor - timedelta(days=world.ids.rng.randrange(40, 120))
    nodes: list[FlowNode] = []
    seen: dict[str, int] = {}
    for depth, titles in enumerate(levels, start=1):
        parents = [n.id for n in nodes if n.level == depth - 1]
        for column, title in enumerate(titles):
            q = in_room[title]
            label = q.question.display_id
            if label in seen:  # the same question twice: Q-004368, Q-004368_1 …
                seen[label] += 1
                label = f"{label}_{seen[q.question.display_id]}"
            else:
                seen[label] = 0
            nodes.append(FlowNode(world.ids.uuid(), label, depth, q.id, parents, 240 * column, 160 * depth))
    flow = Flow(world.ids.uuid(), world.ids.uuid(), f"CRF-{world.display_number():06d}", room.id, name, description,
                room.owner_org_id, nodes, created, "api-user-demo-client@habu.com")
    world.flows[flow.id] = flow
    return flow


def node_parameters(world: World, flow: Flow, when: datetime) -> list[dict]:
    items = []
    for node in flow.nodes:
        q = world.questions[node.question_id]
        params, partitions = sample_parameters(world, q.template, when)
        merged = {k: {"value": v, "parameterType": "RUN_TIME_PARAMETER"} for k, v in params.items()}
        merged.update({p["name"]: {"value": p["value"], "parameterType": "PARTITION_PARAMETER"} for p in partitions})
        items.append({"nodeId": node.id, "parameters": merged})
    return items


def _seed_flow_runs(world: World, flow: Flow, fates: list[tuple[timedelta, str]]) -> None:
    """``fates``: (submitted ago, COMPLETED | FAILED | RUNNING | PAUSED | QUEUED)."""
    for ago, fate in fates:
        when = world.anchor - ago
        run_id = world.ids.uuid()
        plan = plan_new_flow_run(run_id, flow)
        plan.fail_node, plan.failure = None, ""
        pause = None
        if fate == "FAILED":
            node = next(n for n in flow.nodes if n.level == 2)
            plan.fail_node = node.id
            plan.failure = f"Node {node.label} failed: {catalog.FAILURES[1][0]}"
        elif fate == "RUNNING":
            plan.queue_s = 30
            plan.node_s = {n.id: 600 + 60 * i for i, n in enumerate(flow.nodes)}
        elif fate == "QUEUED":
            plan.queue_s = 300
        elif fate == "PAUSED":
            pause = 1
        name = f"{flow.name} {when.date().isoformat()}" + (" (pause after level 1)" if pause else "")
        run = FlowRun(run_id, flow.id, flow.room_id, name, when, node_parameters(world, flow, when), plan,
                      pause_level=pause, client_id="demo-client")
        world.flow_runs[run.id] = run


def _seed_flows(world: World) -> None:
    flows = [_build_flow(world, *spec) for spec in FLOWS]
    day = timedelta(days=1)
    _seed_flow_runs(world, flows[0], [(day * 20, "COMPLETED"), (day * 13, "COMPLETED"), (day * 6, "FAILED"),
                                      (day * 2, "COMPLETED"), (timedelta(minutes=10), "RUNNING")])
    _seed_flow_runs(world, flows[1], [(day * 9, "COMPLETED"), (day * 3, "COMPLETED"), (timedelta(hours=3), "PAUSED")])
    _seed_flow_runs(world, flows[2], [(day * 15, "COMPLETED"), (day * 8, "FAILED"), (day * 1, "COMPLETED"),
                                      (timedelta(seconds=20), "QUEUED")])
    deep = flows[2]
    gate = next(n for n in deep.nodes if n.level == 2)
    child = next(n for n in deep.nodes if n.level == 3)
    deep.decision_nodes = [{
        "nodeID": gate.id, "nodeLabel": gate.label, "conditionLogic": "AND",
        "conditions": [{"id": world.ids.uuid(), "fieldName": "MATCH_RATE", "operator": "GREATER_THAN",
                        "expectedValue": "10", "expectedValueEnd": "", "expectedValues": [],
                        "aggregation": "FIRST", "conditionOrder": 1}],
        "retryConfig": {"maxRetries": 1, "retryNodeIDs": [], "retryFromLevel": 1, "configurations": []},
        "conditionsFailAction": "END_FLOW",
        "gatedEdges": {"truePath": [{"parentNodeIdentifier": gate.id, "childNodeIdentifier": child.id}],
                       "falsePath": []},
    }]


def _seed_exports(world: World) -> None:
    room = world.find_room("Northwind × Contoso Media Measurement")
    accounts = {a.name: a for a in world.partner_accounts.values()}
    in_room = {q.title: q for q in world.questions.values() if q.room_id == room.id}
    s3_path = [{"name": "S3_EXPORT_PATH", "value": "s3://northwind-exports/segments/"}]
    for title, account, status, days, params in [
            ("Large Audience Export", "Northwind TTD seat", "ACTIVE", 70, []),
            ("Audience Segment Builder", "Northwind S3 exports", "PAUSED", 45, s3_path)]:
        q = in_room[title]
        job = ExportJob(world.ids.uuid(), room.id, f"{q.title} → {account}", q.id, accounts[account].id, status,
                        world.anchor - timedelta(days=days), "api-user-demo-client@habu.com", params)
        if status == "PAUSED":  # paused ten days ago: no runs since
            job.pauses.append([world.anchor - timedelta(days=10), None])
        world.export_jobs[job.id] = job


def seed_history(world: World) -> None:
    _seed_runs(world)
    _seed_schedules(world)
    _seed_flows(world)
    _seed_exports(world)
