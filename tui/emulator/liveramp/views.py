"""JSON read models of rooms, partners, users, datasets and questions — field names and casing
exactly as the reference gives them (note the PascalCase ones: ``InvitorEmail``, ``Status``, ``ID``)."""

from __future__ import annotations

from datetime import datetime

from .formats import iso_micro_z, iso_z, present, ymd
from .model import CleanRoom, Invitation, RoomDataset, RoomQuestion, RoomUser


def time_audit(created: datetime, updated: datetime | None = None) -> dict:
    return {"createdAt": iso_z(created), "updatedAt": iso_z(updated or created)}


def room_status(room: CleanRoom, now: datetime) -> str:
    """``COMPLETE`` is the observed value; ``EXPIRED`` after ``endAt`` and ``PENDING`` are GUESSes."""
    if room.end_at is not None and room.end_at < now.date():
        return "EXPIRED"
    return room.base_status


def room_view(world, room: CleanRoom, now: datetime) -> dict:
    return {
        "id": room.id, "displayId": room.display_id, "name": room.name, "description": room.description,
        "ownerOrganization": world.org_name(room.owner_org_id),
        "partners": [world.org_name(p.org_id) for p in room.partners],
        "startAt": ymd(room.start_at), "endAt": ymd(room.end_at),
        "questionsCount": sum(1 for q in world.questions.values() if q.room_id == room.id),
        "status": room_status(room, now),
        "cleanRoomParameters": dict(room.parameters),
        "timeAudit": time_audit(room.created_at, room.updated_at),
        "cleanRoomTypeId": room.type_id,
    }


def role_view(role) -> dict:
    return {"id": role.id, "name": role.name, "cleanRoomId": role.room_id, "organizationId": role.org_id}


def user_view(room: CleanRoom, user: RoomUser) -> dict:
    role = next((r for r in room.roles if r.id == user.role_id), None)
    return {
        "id": user.id, "cleanRoomId": room.id,
        "user": {"id": user.person.id, "name": user.person.name, "email": user.person.email},
        "timeAudit": time_audit(user.created_at),
        "userAudit": {"createdBy": user.created_by, "updatedBy": user.created_by},
        "role": role_view(role) if role else None,
    }


def partner_view(world, room: CleanRoom, partner) -> dict:
    users = [user_view(room, u) for u in room.users if u.person.org_id == partner.org_id]
    return {"id": partner.id, "partnerOrganizationId": partner.org_id, "name": world.org_name(partner.org_id),
            "userCount": len(users), "cleanRoomUsers": users}


def invitation_view(inv: Invitation) -> dict:
    return {"id": inv.id, "organizationId": inv.org_id, "partnerOrganizationId": inv.partner_org_id,
            "cleanRoomId": inv.room_id, "invitationNote": inv.note, "partnerAdminEmail": inv.partner_email,
            "InvitorEmail": inv.inviter_email, "Status": inv.status, "timeAudit": time_audit(inv.created_at)}


def dataset_view(world, ds: RoomDataset) -> dict:
    conn = world.data_connections.get(ds.data_connection_id)
    # DatasetPartitionField objects (the SPEC), not bare names
    partition_fields = [{"fieldName": f.name, "dataType": f.type} for f in ds.fields if f.type == "DATE"]
    return {
        "id": ds.id, "name": ds.name, "cleanRoomId": ds.room_id, "organizationName": world.org_name(ds.org_id),
        "dataConnectionType": ds.data_connection_type, "dataConnectionId": ds.data_connection_id,
        "stage": ds.stage, "configurationStatus": ds.configuration_status,
        "datasetFields": [{"datasetId": ds.id, "id": f.id, "name": f.name, "value": f.name.upper(), "type": f.type}
                          for f in ds.fields],
        "datasetFieldMappings": list(ds.field_mappings),
        "datasetFilters": list(ds.filters),
        "datasetParameters": [],
        "partitionParameters": {"isView": False, "partitionGroups": [{
            "dataConnectionId": ds.data_connection_id,
            "dataConnectionName": conn.name if conn else ds.name,
            "dataConnectionMacro": ds.macro, "partitionFields": partition_fields}]},
        "isView": False, "partnerCanAssign": ds.partner_can_assign,
    }


def question_view(world, q: RoomQuestion) -> dict:
    """``CleanRoomQuestion`` as list/get return it."""
    t = q.template
    dims = {c.field_name: c.data_type for c in t.columns if c.kind in ("dimension", "sequence", "rampid")}
    return {
        "id": q.id, "name": q.title, "displayId": q.display_id, "questionType": t.question_type,
        "category": t.category, "status": q.status, "createdOn": iso_micro_z(q.created_on),
        "dataTypes": {macro: display for macro, (_kind, display) in t.data_types.items()},
        "parameters": {p.name: p.data_type for p in t.params},
        "dimension": dims or None,
        "metrics": {c.field_name: c.data_type for c in t.columns if c.kind in ("count", "ratio")},
        "cleanroomId": q.room_id, "ownerOrganizationId": q.question.org_id,
        "customerQueryTemplate": t.query, "questionId": q.question.id,
    }


def latest_run(world, q: RoomQuestion, now: datetime) -> dict | None:
    from .lifecycle import run_state  # local: views of runs live in views_runs

    ids = world.runs_by_question.get(q.id) or []
    if not ids:
        return None
    run = max((world.runs[i] for i in ids), key=lambda r: r.submitted_at)
    state = run_state(run, now)
    return present({"runId": run.id, "status": state.status, "startTimestamp": iso_z(run.submitted_at),
                    "endTimestamp": iso_z(state.completed_at)})


def question_added_view(world, q: RoomQuestion, now: datetime) -> dict:
    """``CleanRoomQuestionResponse`` (what adding a question to a room answers)."""
    t = q.template
    return {
        "id": q.id, "cleanRoomId": q.room_id, "ownerOrganizationId": q.question.org_id,
        "questionId": q.question.id, "title": q.title, "category": t.category,
        "stage": "ACTIVE", "status": q.status, "latestRun": latest_run(world, q, now),
        "datasetCount": len(q.bindings), "runCount": len(world.runs_by_question.get(q.id) or []),
        "isEditable": q.is_editable, "questionStatus": "PUBLISHED", "questionVersion": q.question.version,
        "displayId": q.display_id, "description": t.description,
    }


def parameter_view(spec, index: int) -> dict:
    """One ``CleanroomQuestionParameter``: PascalCase keys plus camelCase ``partitionFieldConfig``."""
    view = present({
        "Name": spec.name, "Index": index, "DataType": spec.data_type, "ParameterType": spec.parameter_type,
        "DisplayName": spec.display_name, "Description": spec.description, "ExampleValue": spec.example,
        "Format": "YYYY-MM-DD" if spec.data_type == "DATE" else "", "IsSynced": False,
        "HasConstraint": spec.allowed is not None or spec.default is not None,
        # an enum (ENFORCED_LIST | DEFAULT_VALUE): omitted when the parameter has no constraint
        "ConstraintType": "ENFORCED_LIST" if spec.allowed is not None else (
            "DEFAULT_VALUE" if spec.default is not None else None),
        "AllowedValues": list(spec.allowed or []), "DefaultValue": spec.default or "",
    })
    if spec.partition is not None:
        view["partitionFieldConfig"] = dict(spec.partition)
    return view
