"""JSON read models of question runs (+ audit), schedules, flows and flow runs."""

from __future__ import annotations

import uuid
from datetime import datetime

from .formats import iso_z, present
from .lifecycle import flow_run_state, run_state
from .model import Flow, FlowNode, FlowRun, RoomQuestion, Run, Schedule
from .results import row_count
from .views import time_audit

FAILED_STATES = frozenset({"FAILED", "ERROR", "PENDING_RETRY", "PARTNER_FAILED"})
_NS = uuid.UUID("6f1c2a7e-0c55-4f1e-9a57-3b1f0e2d9c11")


def stable_id(*parts: object) -> str:
    """A uuid derived from other ids (sub-objects that have no record of their own)."""
    return str(uuid.uuid5(_NS, ":".join(map(str, parts))))


def run_view(world, run: Run, now: datetime) -> dict:
    """``QuestionRunMetadata``."""
    state = run_state(run, now)
    question = world.questions.get(run.question_id)
    failed = state.status in FAILED_STATES
    reason, message, retryable = "", "", False
    if run.reported is not None and state.status == run.reported[0]:
        details = run.reported[2]
        reason, message = details.get("failureReason", ""), details.get("message", "")
    elif failed:
        reason, message, retryable = run.plan.failure_reason, run.plan.run_message, run.plan.retryable
    location = ""
    if state.status == "COMPLETED" and question is not None:
        location = (f"gs://lr-cleanroom-results-us/{question.room_id}/{question.display_id}/{run.id}/"
                    "results.csv")
    datasets = []
    room = world.cleanrooms.get(question.room_id) if question is not None else None
    if room is not None:
        names = {d.id: d.name for d in room.datasets}
        datasets = [{"dataSetId": b.dataset_id or "", "dataSetName": names.get(b.dataset_id, ""),
                     "dataInLocation": "", "hashedColumns": []} for b in question.bindings.values()]
    return present({
        "id": run.id, "name": run.name, "status": state.status,
        "submittedAt": iso_z(run.submitted_at), "executedAt": iso_z(state.executed_at),
        "completedAt": iso_z(state.completed_at),
        "parameters": dict(run.parameters),
        "partitionParameters": [dict(p) for p in run.partition_parameters],
        "runMetadata": {"dataOutLocation": location, "datasetParameters": datasets, "saltKey": ""},
        "failureReason": reason, "isRetryable": retryable, "runMessage": message,
        "questionVersion": run.question_version,
    })


_EVENT_TYPES = {
    "QUEUED": ("RUN_SUBMITTED", "Run submitted and queued"),
    "RUNNING": ("RUN_STARTED", "Run started executing"),
    "PARTNER_QUEUED": ("RUN_PARTNER_QUEUED", "Run queued on the partner side"),
    "PARTNER_RUNNING": ("RUN_PARTNER_STARTED", "Partner started executing the run"),
    "PARTNER_COMPLETED": ("RUN_PARTNER_COMPLETED", "Partner finished its part of the run"),
    "PARTNER_FAILED": ("RUN_PARTNER_FAILED", "Run failed on the partner side"),
    "COMPLETED": ("RUN_COMPLETED", "Run completed"),
    "FAILED": ("RUN_FAILED", "Run failed"),
    "ERROR": ("RUN_ERROR", "Run stopped by a platform error"),
    "PENDING_RETRY": ("RUN_PENDING_RETRY", "Run failed and is waiting to be retried"),
    "CANCELLED": ("RUN_CANCELLED", "Run cancelled"),
}


def audit_view(world, run: Run, now: datetime) -> dict:
    """``CleanroomQuestionRunAuditDetails`` derived from the lifecycle (event names are a GUESS)."""
    state = run_state(run, now)
    question = world.questions.get(run.question_id)
    events = []
    previous = None
    for status, at in state.reached:
        kind, text = _EVENT_TYPES.get(status, (f"RUN_{status}", f"Run status changed to {status}"))
        details: dict = {"status": {"previous": previous or "", "current": status}}
        if status == "QUEUED":
            details["run"] = {"name": run.name, "submittedBy": run.client_id or "api"}
        if status == "COMPLETED" and question is not None:
            details["result"] = {"rowCount": row_count(question.template, run.id, world.scale)}
        if status in FAILED_STATES and run.plan.failure_reason:
            text = f"{text}: {run.plan.failure_reason}"
            details["failure"] = {"reason": run.plan.failure_reason, "retryable": run.plan.retryable}
        events.append({"eventTime": iso_z(at), "eventType": kind, "message": text, "details": details})
        previous = status
    return {"cleanroomQuestionRunId": run.id, "auditDetails": events}


def schedule_view(s: Schedule) -> dict:
    """``GetCleanroomQuestionRunScheduleResponse``."""
    return present({
        "id": s.id, "name": s.name, "description": s.description, "ownerId": s.owner_id,
        # qualifier (DAYS | MONTHS) only on relative dates; no endDateTime on an open-ended schedule
        "parameters": {p["name"]: present({"name": p["name"], "value": p.get("value", ""),
                                           "qualifier": p.get("dateQualifier") or None,
                                           "type": p.get("dataType", "STRING"),
                                           "isStatic": p.get("dateType", "ABSOLUTE") != "RELATIVE",
                                           "parameterType": p.get("parameterType", "RUN_PARAMETER")})
                       for p in s.parameters},
        "startDateTime": s.start, "endDateTime": s.end or None, "active": s.active, "repeatFrequency": s.frequency,
        "createdBy": s.created_by, "modifiedBy": s.created_by, "createdDate": iso_z(s.created_at),
        "modifiedDate": iso_z(s.modified_at), "daysOfWeek": list(s.days_of_week),
        "repeatDayofMonth": list(s.days_of_month), "displayId": s.display_id,
    })


# ---- flows -----------------------------------------------------------------------------------------

def node_view(world, flow: Flow, node: FlowNode) -> dict:
    question = world.questions.get(node.question_id)
    return {
        "id": node.id, "flowId": flow.flow_id, "label": node.label, "nodeType": "QUESTION",
        "referenceId": question.question.id if question else "", "positionX": node.x, "positionY": node.y,
        "timeAudit": time_audit(flow.created_at), "userAudit": {"createdBy": flow.created_by,
                                                                "updatedBy": flow.created_by},
        "level": node.level, "title": question.title if question else "", "cleanroomQuestionId": node.question_id,
    }


def user_ref(world, email: str) -> dict:
    """``UserRefInfo`` of the person with this e-mail (just the e-mail when nobody has it)."""
    person = next((p for p in world.people.values() if p.email == email), None)
    return {"ID": person.id, "name": person.name, "email": email} if person else {"email": email}


def flow_view(world, flow: Flow) -> dict:
    """``ListItemCleanroomFlow`` (flow ``status``/``stage`` values are a GUESS)."""
    # NestedUserAudit: UserRefInfo objects (the SPEC), not the bare e-mail
    creator = user_ref(world, flow.created_by)
    audit = {"createdByUser": creator, "updatedByUser": creator}
    edges = [{"id": stable_id(flow.id, parent, n.id), "source": parent, "target": n.id,
              "datasetMacro": f"{world.questions[n.question_id].template.title.split()[0].lower()}_{i + 1}"
              if n.question_id in world.questions else ""}
             for n in flow.nodes for i, parent in enumerate(n.parents)]
    return {
        "ID": flow.id, "displayID": flow.display_id, "cleanRoomID": flow.room_id, "flowID": flow.flow_id,
        "status": "ACTIVE", "stage": "READY", "timeAudit": time_audit(flow.created_at), "userAudit": audit,
        "flow": {"ID": flow.flow_id, "displayID": flow.display_id, "name": flow.name,
                 "description": flow.description, "organizationID": flow.org_id, "status": "ACTIVE",
                 "timeAudit": time_audit(flow.created_at), "userAudit": audit,
                 "nodes": [node_view(world, flow, n) for n in flow.nodes], "edges": edges,
                 "version": flow.version},
        "runCount": sum(1 for r in world.flow_runs.values() if r.flow_id == flow.id),
        "CryptoKeyID": "", "flowVersion": flow.version, "isProvisioned": True, "billableConfigID": "",
        "isBillable": True, "ownerOrganizationID": flow.org_id,
    }


def flow_run_view(world, flow: Flow, run: FlowRun, now: datetime) -> dict:
    """``FlowRunMetadata``."""
    state = flow_run_state(flow, run, now)
    return present({
        "id": run.id, "name": run.name, "status": state.status, "submittedAt": iso_z(run.submitted_at),
        "executedAt": iso_z(state.executed_at), "completedAt": iso_z(state.completed_at),
        "flowRunParameters": [dict(p) for p in run.node_parameters], "runMessage": state.message,
    })


def node_run_id(run: FlowRun, node: FlowNode) -> str:
    return stable_id("node-run", run.id, node.id)


def output_nodes_view(world, flow: Flow, run: FlowRun, now: datetime) -> list[dict]:
    state = flow_run_state(flow, run, now)
    return [{"node": node_view(world, flow, n), "runStatus": state.nodes[n.id].status,
             "runID": node_run_id(run, n)} for n in flow.nodes]


def question_metadata(world, q: RoomQuestion) -> dict:
    """``QuestionMetadata`` (assets and flow node details), with its upper-case ``ID`` style."""
    t = q.template
    return {
        "ID": q.question.id, "displayID": q.display_id, "title": q.title, "category": t.category,
        "description": t.description, "status": q.status,
        "hasDateFilter": any(p.partition is not None for p in t.params),
        "hasDateParameters": any(p.data_type == "DATE" for p in t.params),
        "hasMultipleOutputs": False, "isAggregate": t.question_type == "ANALYTICAL",
        "isUserListQuestion": t.question_type == "LIST", "defaultComputeCapacity": q.compute_capacity,
        "dimensions": [{"ID": stable_id(q.id, c.field_name), "name": c.field_name,
                        "displayName": c.field_name.replace("_", " ").title(), "type": c.data_type,
                        "filterable": True, "plottable": c.kind == "dimension"}
                       for c in t.columns if c.kind in ("dimension", "sequence", "rampid")],
        "metrics": [{"ID": stable_id(q.id, c.field_name), "name": c.field_name,
                     "displayName": c.field_name.replace("_", " ").title(), "type": c.data_type,
                     "computed": c.kind == "ratio"} for c in t.columns if c.kind in ("count", "ratio")],
        "parameters": [{"ID": stable_id(q.id, p.name), "name": p.name, "displayName": p.display_name,
                        "type": p.data_type, "index": i, "parameterType": p.parameter_type}
                       for i, p in enumerate(t.params)],
        "dataTypes": [{"ID": stable_id(q.id, macro), "macro": macro, "description": display,
                       "importDataType": kind, "optional": False, "fields": []}
                      for macro, (kind, display) in t.data_types.items()],
        "userListOutputs": [{"ID": stable_id(q.id, "out", c.field_name), "name": c.field_name, "type": c.data_type,
                             "isEncrypt": False} for c in t.columns if c.kind == "rampid"],
    }
