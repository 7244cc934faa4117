"""Org-level questions (``/question``) and cleanroom questions (reference §6)."""

from __future__ import annotations

from .errors import bad_request, not_found
from .model import Binding, OrgQuestion, RoomQuestion
from .question_io import question_view, template_from_details
from .routing import Api, Ctx, page
from .views import question_added_view
from .views import question_view as room_question_view

api = Api()
QUESTION_TYPES = {"list": "LIST", "analytical": "ANALYTICAL"}
CAPACITIES = {"DEFAULT", "MEDIUM", "LARGE", "XLARGE"}


def _room_type(ctx: Ctx, room_id: str) -> str:
    room = ctx.world.cleanrooms.get(room_id)
    return ctx.world.room_types[room.type_id].name if room else "Hybrid"


def add_to_room(ctx: Ctx, org_q: OrgQuestion, room_id: str, editable: bool = True,
                datasets: dict[str, str] | None = None) -> RoomQuestion:
    """Create the cleanroom question; bind macros whose dataset is already known."""
    w = ctx.world
    room = w.cleanrooms[room_id]
    q = RoomQuestion(w.ids.uuid(), f"CRQ-{w.display_number():06d}", room.id, org_q, ctx.now, editable)
    by_id = {d.id: d for d in room.datasets}
    for macro, dataset_id in (datasets or {}).items():
        ds = by_id.get(dataset_id)
        if ds is not None and macro in org_q.template.data_types:
            q.bindings[macro] = Binding(w.ids.uuid(), macro, ds.id, ds.org_id, ctx.now)
            q.ownership[macro] = ds.org_id
    w.questions[q.id] = q
    return q


# ---- org questions ------------------------------------------------------------------------------------------

@api.post("/question")
async def create_question(ctx: Ctx) -> dict:
    w = ctx.world
    body = await ctx.json_object()
    details = body.get("questionDetails")
    template = template_from_details(details)
    room_id = ctx.query.get("cleanRoomID") or body.get("cleanRoomID") or ""
    if room_id:
        w.admin_room(room_id)
    org_q = OrgQuestion(w.ids.uuid(), f"Q-{w.display_number():06d}", ctx.org_id, room_id, template, ctx.now,
                        title=template.title, details_override=dict(details))
    w.org_questions[org_q.id] = org_q
    if room_id:  # created straight into the room (reference §6.1)
        bound = {str(dt.get("macro")): str(dt.get("datasetID")) for dt in details.get("dataTypes") or []
                 if isinstance(dt, dict) and dt.get("datasetID")}
        add_to_room(ctx, org_q, room_id, datasets=bound)
    return {"success": True, "message": "Question created successfully", "questionID": org_q.id}


@api.get("/question/{questionId}")
async def get_question(ctx: Ctx) -> dict:
    q = ctx.world.org_question(ctx.path("questionId"))
    return question_view(q, _room_type(ctx, q.room_id))


@api.put("/question/{questionId}")
async def update_question(ctx: Ctx) -> dict:
    q = ctx.world.org_question(ctx.path("questionId"))
    body = await ctx.json_object()
    details = body.get("questionDetails")
    q.template = template_from_details(details)
    q.title, q.details_override = q.template.title, dict(details)
    q.version += 1
    view = question_view(q, _room_type(ctx, q.room_id))
    return {"success": True, "message": "Question updated successfully", "question": view["questionDetails"]}


@api.delete("/question/{questionId}")
async def delete_question(ctx: Ctx) -> dict:
    q = ctx.world.org_question(ctx.path("questionId"))
    del ctx.world.org_questions[q.id]
    return {"success": True}


@api.get("/question/{questionId}/data-types")
async def question_data_types(ctx: Ctx) -> list:
    q = ctx.world.org_question(ctx.path("questionId"))
    return question_view(q, _room_type(ctx, q.room_id))["questionDetails"].get("dataTypes") or []


# ---- cleanroom questions ------------------------------------------------------------------------------------------

@api.get("/cleanrooms/{cleanroomId}/cleanroom-questions")
async def list_room_questions(ctx: Ctx) -> list:
    w = ctx.world
    room = w.admin_room(ctx.path("cleanroomId"))
    limit, offset = ctx.paging(500)
    start, end = ctx.date_query("startDate"), ctx.date_query("endDate")
    kind = ctx.query.get("questionType")
    if kind and kind.lower() not in QUESTION_TYPES:
        raise bad_request(f"Invalid questionType '{kind}': use List or Analytical")
    items = [q for q in w.questions.values() if q.room_id == room.id
             and (not kind or q.template.question_type == QUESTION_TYPES[kind.lower()])
             and (start is None or q.created_on.date() >= start) and (end is None or q.created_on.date() <= end)]
    items.sort(key=lambda q: q.created_on)  # creation order (GUESS, as for rooms)
    return [room_question_view(w, q) for q in page(items, limit, offset)]


@api.post("/cleanrooms/{cleanroomId}/cleanroom-questions")
async def add_room_question(ctx: Ctx) -> dict:
    w = ctx.world
    room = w.admin_room(ctx.path("cleanroomId"))
    # SPEC spells the key questionId, the SDK questionID: accept both
    question_id = ctx.query.get("questionId") or ctx.query.get("questionID")
    if not question_id:
        raise bad_request("Required request parameter 'questionId' is not present")
    org_q = w.org_question(question_id)
    editable = (ctx.query.get("isEditable") or "true").lower() != "false"
    if any(q.question.id == org_q.id and q.room_id == room.id for q in w.questions.values()):
        raise bad_request(f"Question {org_q.display_id} is already in clean room {room.display_id}")
    return question_added_view(w, add_to_room(ctx, org_q, room.id, editable), ctx.now)


@api.get("/cleanrooms/{cleanroomId}/questions/{questionId}")
async def room_question_for(ctx: Ctx) -> dict:
    w = ctx.world
    room = w.admin_room(ctx.path("cleanroomId"))
    wanted = ctx.path("questionId")
    q = next((q for q in w.questions.values() if q.room_id == room.id and q.question.id == wanted), None)
    if q is None:
        raise not_found("Question in clean room", wanted)
    return {"id": q.id}


@api.get("/cleanroom-questions/{questionId}")
async def get_room_question(ctx: Ctx) -> dict:
    return room_question_view(ctx.world, ctx.world.question(ctx.path("questionId")))


@api.delete("/cleanroom-questions/{questionId}")
async def delete_room_question(ctx: Ctx) -> dict:
    w = ctx.world
    q = w.question(ctx.path("questionId"))
    for run_id in list(w.runs_by_question.get(q.id, [])):
        w.remove_run(run_id)
    del w.questions[q.id]
    return {"success": True}


@api.patch("/cleanroom-questions/{questionId}/compute-capacity")
async def compute_capacity(ctx: Ctx) -> dict:
    q = ctx.world.question(ctx.path("questionId"))
    value = (await ctx.json_object()).get("computeCapacity")
    if value not in CAPACITIES:
        raise bad_request(f"'computeCapacity' must be one of {', '.join(sorted(CAPACITIES))}")
    q.compute_capacity = value
    return {"success": True}
