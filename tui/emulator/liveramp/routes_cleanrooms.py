"""Clean rooms: list / get / types / assets / stakeholders / create / update / delete (reference §5)."""

from __future__ import annotations

from . import catalog
from .errors import bad_request, conflict
from .formats import parse_ymd
from .model import CleanRoom, Role, RoomUser
from .routing import Api, Ctx, page
from .views import room_view
from .views_runs import question_metadata

api = Api()

REGIONS = {"REGION_EU", "REGION_US", "REGION_APAC", "REGION_AFRICA", "REGION_UAE"}
CLOUDS = {"CLOUD_AWS", "CLOUD_GCP", "CLOUD_AZURE"}
TYPES = {name for name, *_ in catalog.ROOM_TYPES}


@api.get("/cleanrooms")
async def list_rooms(ctx: Ctx) -> list:
    limit, offset = ctx.paging(500)
    # creation order, oldest first: what an unsorted database read gives (GUESS; the SPEC names no order)
    rooms = sorted(ctx.world.cleanrooms.values(), key=lambda r: r.created_at)
    return [room_view(ctx.world, r, ctx.now) for r in page(rooms, limit, offset)]


@api.get("/cleanrooms/cleanroom-types")
async def room_types(ctx: Ctx) -> list:
    return [{"id": t.id, "name": t.name, "displayName": t.display_name, "listQuestionSupport": t.list_support,
             "analyticalQuestionSupport": t.analytical_support, "wallGarden": t.wall_garden}
            for t in ctx.world.room_types.values()]


@api.get("/cleanrooms/{cleanroomId}")
async def get_room(ctx: Ctx) -> dict:
    return room_view(ctx.world, ctx.world.room(ctx.path("cleanroomId")), ctx.now)


def _validated(body: dict, *, creating: bool) -> dict:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("'name' is required")
    room_type = body.get("type")
    if creating and room_type not in TYPES:
        raise bad_request(f"'type' must be one of {', '.join(sorted(TYPES))}; got {room_type!r}")
    dates = {}
    for key, required in (("startAt", True), ("endAt", False)):
        raw = body.get(key)
        if raw in (None, ""):
            if required:
                raise bad_request(f"'{key}' is required (yyyy-mm-dd)")
            dates[key] = None
            continue
        try:
            dates[key] = parse_ymd(str(raw))
        except ValueError:
            raise bad_request(f"'{key}' must be a date in yyyy-mm-dd format, got {raw!r}") from None
    if dates["endAt"] is not None and dates["endAt"] < dates["startAt"]:
        raise bad_request("'endAt' must not be before 'startAt'")
    params = body.get("parameters") or {}
    if not isinstance(params, dict):
        raise bad_request("'parameters' must be an object of string values")
    params = {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in params.items()}
    if params.get("REGION") not in REGIONS:
        raise bad_request(f"parameters.REGION is required and must be one of {', '.join(sorted(REGIONS))}")
    if params.get("CLOUD") not in CLOUDS:
        raise bad_request(f"parameters.CLOUD is required and must be one of {', '.join(sorted(CLOUDS))}")
    return {"name": name.strip(), "description": str(body.get("description") or ""), "type": room_type,
            "start": dates["startAt"], "end": dates["endAt"], "parameters": params}


@api.post("/cleanrooms")
async def create_room(ctx: Ctx) -> dict:
    w = ctx.world
    fields = _validated(await ctx.json_object(), creating=True)
    if any(r.name == fields["name"] for r in w.cleanrooms.values()):
        raise conflict(f"A clean room named '{fields['name']}' already exists")
    room_type = next(t for t in w.room_types.values() if t.name == fields["type"])
    room = CleanRoom(w.ids.uuid(), f"CR-{w.display_number():06d}", fields["name"], fields["description"], ctx.org_id,
                     room_type.id, fields["start"], fields["end"], "COMPLETE", fields["parameters"], ctx.now, ctx.now)
    for role_name in catalog.CLEANROOM_ROLES:
        room.roles.append(Role(w.ids.uuid(), role_name, room.id, ctx.org_id))
    client = w.clients.get(ctx.client_id)
    if client is not None:
        room.users.append(RoomUser(w.ids.uuid(), room.id, client.user, room.roles[0].id, ctx.now, client.user.email))
    w.cleanrooms[room.id] = room
    return room_view(w, room, ctx.now)


@api.put("/cleanrooms/{cleanroomId}")
async def update_room(ctx: Ctx) -> dict:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    fields = _validated(await ctx.json_object(), creating=False)
    room.name, room.description = fields["name"], fields["description"] or room.description
    room.start_at, room.end_at, room.parameters = fields["start"], fields["end"], fields["parameters"]
    room.updated_at = ctx.now
    return room_view(ctx.world, room, ctx.now)


@api.delete("/cleanrooms/{cleanroomId}")
async def delete_room(ctx: Ctx) -> dict:
    w = ctx.world
    room = w.admin_room(ctx.path("cleanroomId"))
    for q in [q for q in w.questions.values() if q.room_id == room.id]:
        for run_id in list(w.runs_by_question.get(q.id, [])):
            w.remove_run(run_id)
        del w.questions[q.id]
    del w.cleanrooms[room.id]
    return {"success": True}


def stakeholders(ctx: Ctx, room: CleanRoom) -> list:
    orgs = [(room.owner_org_id, "OWNER")] + [(p.org_id, "PARTNER") for p in room.partners]
    return [{"organizationId": o, "organizationName": ctx.world.org_name(o), "ownership": kind} for o, kind in orgs]


@api.get("/cleanrooms/{cleanroomId}/stakeholders")
async def get_stakeholders(ctx: Ctx) -> list:
    return stakeholders(ctx, ctx.world.admin_room(ctx.path("cleanroomId")))


@api.get("/cleanrooms/{cleanroomId}/assets")
async def assets(ctx: Ctx) -> dict:
    w = ctx.world
    room = w.admin_room(ctx.path("cleanroomId"))
    questions = [question_metadata(w, q) for q in w.questions.values() if q.room_id == room.id]
    datasets = [{
        "ID": d.id, "name": d.name, "organizationID": d.org_id, "organizationName": w.org_name(d.org_id),
        "dataImportType": d.import_type, "macro": d.macro,
        "fields": [{"ID": f.id, "fieldName": f.name, "dataType": f.type, "isFilterable": f.type != "TIMESTAMP",
                    "isUserIDField": f.is_user_id, "isPii": False, "isExcluded": False,
                    "fieldLabel": f.name.replace("_", " ").title()} for f in d.fields],
    } for d in room.datasets]
    return {
        "questions": questions, "datasets": datasets,
        "computeCapacityOptions": [{"name": n, "description": d} for n, d in (
            ("DEFAULT", "Default compute"), ("MEDIUM", "Medium compute"), ("LARGE", "Large compute"),
            ("XLARGE", "Extra large compute"))],
        "fieldTypes": [{"name": n, "description": n.title()} for n in ("STRING", "INTEGER", "LONG", "DOUBLE",
                                                                          "DECIMAL", "DATE", "TIMESTAMP", "BOOLEAN")],
        "stakeholders": stakeholders(ctx, room),
    }
