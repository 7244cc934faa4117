"""Run and flow-run state as a pure function of the clock (no timers, no background tasks).

A run carries a ``RunPlan`` decided when it was submitted (seeded history picks it; API-created runs
derive it from a hash of the run id, so it is deterministic). Its status at ``now`` is read off the plan:
QUEUED for ~1–3 world minutes, RUNNING for ~5–30, then the planned final status. ``executedAt`` and
``completedAt`` only appear once reached.

Flow runs walk their levels in order; a run created with ``pauseLevelID`` stops as ``PAUSED`` after
that level until ``resume-flow-run``; replays start at ``startLevelID`` reusing earlier levels.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import catalog
from .model import Flow, FlowPlan, FlowRun, RunPlan

#: statuses after which nothing changes and completedAt is set
TERMINAL = frozenset({"COMPLETED", "FAILED", "ERROR", "CANCELLED", "PARTNER_FAILED"})
#: every status the run-list filter accepts (SPEC enum of the ``status`` query parameter)
RUN_FILTER_STATUSES = frozenset({"QUEUED", "RUNNING", "COMPLETED", "FAILED", "PARTNER_QUEUED", "PARTNER_RUNNING",
                                 "PARTNER_COMPLETED", "PARTNER_FAILED", "ERROR", "PENDING_RETRY"})


def unit(*parts: object) -> float:
    """A deterministic number in [0, 1) from the given parts (run ids, node ids …)."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def plan_new_run(run_id: str) -> RunPlan:
    """The fate of a run created through the API: ~88 % complete, the rest fail with a reason."""
    queue = 60 + 120 * unit(run_id, "queue")
    running = 300 + 1500 * unit(run_id, "run")
    plan = RunPlan([("QUEUED", queue), ("RUNNING", running)], "COMPLETED")
    if unit(run_id, "outcome") < 0.12:
        reason, message, retryable = catalog.FAILURES[int(unit(run_id, "why") * len(catalog.FAILURES))]
        plan.final, plan.failure_reason, plan.run_message, plan.retryable = "FAILED", reason, message, retryable
    return plan


@dataclass
class RunState:
    status: str
    executed_at: datetime | None
    completed_at: datetime | None
    #: (status, started at) for every phase reached, in order, for the audit trail
    reached: list[tuple[str, datetime]] = field(default_factory=list)


def run_state(run, now: datetime) -> RunState:
    plan = run.plan
    t = run.submitted_at
    reached: list[tuple[str, datetime]] = []
    executed = None
    state = None
    for index, (status, seconds) in enumerate(plan.phases):
        if index == 1:
            executed = t
        reached.append((status, t))
        end = t + timedelta(seconds=seconds)
        if now < end:
            state = RunState(status, executed, None, reached)
            break
        t = end
    if state is None:
        if executed is None and len(plan.phases) == 1:
            executed = t
        reached.append((plan.final, t))
        state = RunState(plan.final, executed, t if plan.final in TERMINAL else None, reached)
    if run.reported is not None and run.reported[1] <= now:
        status, at, _details = run.reported
        state = RunState(status, state.executed_at or at, at if status in TERMINAL else None,
                         [*state.reached, (status, at)])
    return state


# ---- flow runs --------------------------------------------------------------------------------------

def plan_new_flow_run(run_id: str, flow: Flow) -> FlowPlan:
    """Per-node durations (3–15 world minutes) and, for ~10 % of runs, a node that fails."""
    node_s = {n.id: 180 + 720 * unit(run_id, n.id) for n in flow.nodes}
    plan = FlowPlan(queue_s=30 + 90 * unit(run_id, "queue"), node_s=node_s)
    if flow.nodes and unit(run_id, "outcome") < 0.10:
        node = flow.nodes[int(unit(run_id, "which") * len(flow.nodes))]
        plan.fail_node = node.id
        plan.failure = f"Node {node.label} failed: {catalog.FAILURES[0][0]}"
    return plan


@dataclass
class NodeState:
    status: str
    started_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass
class FlowRunState:
    status: str
    executed_at: datetime | None
    completed_at: datetime | None
    message: str
    nodes: dict[str, NodeState]
    paused_at: datetime | None = None
    level: int = 0  # the level running (or paused after)


def parse_level(value: object) -> int | None:
    """``"Level-2"``, ``"level-2"``, ``2`` or ``"2"`` → 2; None/"" → None; anything else → ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.lower().startswith("level-"):
        text = text[6:]
    return int(text)


def flow_run_state(flow: Flow, run: FlowRun, now: datetime) -> FlowRunState:
    levels = flow.levels
    nodes = {n.id: NodeState("QUEUED") for n in flow.nodes}
    for n in flow.nodes:  # a replay reuses the results of earlier levels
        if n.level < run.start_level:
            nodes[n.id] = NodeState("COMPLETED", run.submitted_at, run.submitted_at)
    cursor = run.submitted_at + timedelta(seconds=run.plan.queue_s)
    if now < cursor:
        return FlowRunState("QUEUED", None, None, "", nodes)
    executed = cursor
    pause = run.pause_level
    resumes = sorted(run.resumes)
    for level in range(run.start_level, levels + 1):
        members = [n for n in flow.nodes if n.level == level]
        ends = {n.id: cursor + timedelta(seconds=run.plan.node_s.get(n.id, 300)) for n in members}
        level_end = max(ends.values(), default=cursor)
        failing = next((n for n in members if n.id == run.plan.fail_node), None)
        for n in members:
            done = now >= ends[n.id]
            status = "COMPLETED" if done else "RUNNING"
            if done and failing is n:
                status = "FAILED"
            nodes[n.id] = NodeState(status, cursor, ends[n.id] if done else None)
        if now < level_end:
            return FlowRunState("RUNNING", executed, None, "", nodes, level=level)
        if failing is not None:
            for n in flow.nodes:
                if n.level > level:
                    nodes[n.id] = NodeState("CANCELLED")
            return FlowRunState("FAILED", executed, level_end, run.plan.failure, nodes, level=level)
        cursor = level_end
        if pause == level and level < levels:
            resume = next((r for r in resumes if r[0] >= cursor), None)
            if resume is None or now < resume[0]:
                return FlowRunState("PAUSED", executed, None, f"Paused after Level-{level}", nodes,
                                    paused_at=cursor, level=level)
            resumes.remove(resume)
            cursor, pause = resume[0], resume[1]
    return FlowRunState("COMPLETED", executed, cursor, "", nodes, level=levels)
