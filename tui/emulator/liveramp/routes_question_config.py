"""Per-question configuration: parameters, permissions, tags, result shares, run schedules
(reference §6.4, §8.3–8.6)."""

from __future__ import annotations

from .errors import bad_request, not_found
from .model import Schedule
from .routing import Api, Ctx
from .views import parameter_view
from .views_runs import schedule_view

api = Api()
PERMISSIONS = {"UNKNOWN_PERMISSION", "VIEW_CODE", "EDIT", "CLONE", "RUN", "IN_PROGRESS", "VIEW_RESULTS", "DELETE"}
ACCESS = {"UNKNOWN_ACCESS", "QUESTION_OWNER_ONLY", "ALL_CLEAN_ROOM_PARTNERS"}
FREQUENCIES = {"FREQUENCY_UNKNOWN", "DAILY", "WEEKLY", "MONTHLY"}
DAYS = {"DAY_OF_WEEK_UNKNOWN", "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
SCHEDULE_PARAMETER_TYPES = {"PARTITION_PARAMETER", "RUN_PARAMETER"}


@api.get("/cleanroom-questions/{questionId}/cleanroom-question-parameters")
async def parameters(ctx: Ctx) -> dict:
    q = ctx.world.question(ctx.path("questionId"))
    return {"name": q.title, "displayId": q.display_id,
            "parameters": [parameter_view(p, i) for i, p in enumerate(q.template.params)]}


@api.get("/cleanroom-questions/{questionId}/cleanroom-question-permissions")
async def get_permissions(ctx: Ctx) -> list:
    return list(ctx.world.question(ctx.path("questionId")).permissions)


@api.post("/cleanroom-questions/{questionId}/cleanroom-question-permissions")
async def set_permissions(ctx: Ctx) -> list:
    q = ctx.world.question(ctx.path("questionId"))
    items = await ctx.json_list("cleanroomQuestionPermissions")
    by_permission = {p["permission"]: p for p in q.permissions}
    for item in items:
        if not isinstance(item, dict) or item.get("permission") not in PERMISSIONS or item.get("access") not in ACCESS:
            raise bad_request(f"Each permission needs 'permission' in {sorted(PERMISSIONS)} and 'access' in "
                              f"{sorted(ACCESS)}")
        current = by_permission.get(item["permission"])
        if current is None:
            current = by_permission[item["permission"]] = {"id": ctx.world.ids.uuid(), "permission": item["permission"]}
        current["access"] = item["access"]
    q.permissions = list(by_permission.values())
    return list(q.permissions)


@api.get("/cleanroom-questions/{questionId}/cleanroom-question-tags")
async def tags(ctx: Ctx) -> list:
    return list(ctx.world.question(ctx.path("questionId")).template.tags)


@api.get("/cleanroom-questions/{questionId}/cleanroom-question-result-shares")
async def get_result_shares(ctx: Ctx) -> list:
    return list(ctx.world.question(ctx.path("questionId")).result_shares)


@api.put("/cleanroom-questions/{questionId}/cleanroom-question-result-shares")
async def put_result_shares(ctx: Ctx) -> dict:
    q = ctx.world.question(ctx.path("questionId"))
    items = await ctx.json_list()
    shares = []
    for item in items:
        if not isinstance(item, dict) or not item.get("PartnerID"):
            raise bad_request("Each result share needs 'PartnerID' (and optionally 'PostRunQueryID')")
        shares.append({"id": ctx.world.ids.uuid(), "PartnerID": str(item["PartnerID"]),
                       "PostRunQueryID": str(item.get("PostRunQueryID") or "")})
    q.result_shares = shares
    return {"success": True}


# ---- run schedules ------------------------------------------------------------------------------------------

def _schedule(ctx: Ctx) -> Schedule:
    q = ctx.world.question(ctx.path("questionId"))
    s = ctx.world.schedules.get(ctx.path("scheduleId"))
    if s is None or s.question_id != q.id:
        raise not_found("Cleanroom question run schedule", ctx.path("scheduleId"))
    return s


def _schedule_fields(body: dict, partial: bool) -> dict:
    out: dict = {}
    if "name" in body or not partial:
        if not isinstance(body.get("name"), str) or not body["name"].strip():
            raise bad_request("'name' is required")
        out["name"] = body["name"].strip()
    if "repeatFrequency" in body or not partial:
        if body.get("repeatFrequency") not in FREQUENCIES:
            raise bad_request(f"'repeatFrequency' must be one of {', '.join(sorted(FREQUENCIES))}")
        out["frequency"] = body["repeatFrequency"]
    if "startSchedule" in body or not partial:
        if not isinstance(body.get("startSchedule"), str) or not body["startSchedule"]:
            raise bad_request("'startSchedule' is required")
        out["start"] = body["startSchedule"]
    if "endSchedule" in body:
        out["end"] = str(body.get("endSchedule") or "")
    if "daysOfWeek" in body:
        days = body.get("daysOfWeek") or []
        if not isinstance(days, list) or any(d not in DAYS for d in days):
            raise bad_request(f"'daysOfWeek' items must be among {', '.join(sorted(DAYS))}")
        out["days_of_week"] = list(days)
    if "repeatDayofMonth" in body:
        days = body.get("repeatDayofMonth") or []
        if not isinstance(days, list) or any(not isinstance(d, int) or not 1 <= d <= 31 for d in days):
            raise bad_request("'repeatDayofMonth' items must be integers 1..31")
        out["days_of_month"] = list(days)
    # pause/resume: the read model's field, not in the documented input; accepted alone ({"active": false},
    # what older clients send) or with the full documented input (what tui.core.schedules sends)
    if "active" in body:
        if not isinstance(body["active"], bool):
            raise bad_request("'active' must be true or false")
        out["active"] = body["active"]
    if "parameters" in body:
        params = body.get("parameters") or []
        if not isinstance(params, list) or any(not isinstance(p, dict) or not p.get("name") for p in params):
            raise bad_request("'parameters' must be an array of {name, value, dataType, parameterType, …}")
        for p in params:
            if p.get("parameterType", "RUN_PARAMETER") not in SCHEDULE_PARAMETER_TYPES:
                raise bad_request(f"parameterType of '{p['name']}' must be PARTITION_PARAMETER or RUN_PARAMETER")
            if p.get("dateType") not in (None, "", "RELATIVE", "ABSOLUTE"):
                raise bad_request(f"dateType of '{p['name']}' must be RELATIVE or ABSOLUTE")
            if p.get("dateQualifier") not in (None, "", "DAYS", "MONTHS"):
                raise bad_request(f"dateQualifier of '{p['name']}' must be DAYS or MONTHS")
        out["parameters"] = params
    return out


@api.get("/cleanroom-questions/{questionId}/cleanroom-question-run-schedules")
async def list_schedules(ctx: Ctx) -> list:
    q = ctx.world.question(ctx.path("questionId"))
    return [schedule_view(s) for s in ctx.world.schedules.values() if s.question_id == q.id]


@api.post("/cleanroom-questions/{questionId}/cleanroom-question-run-schedules")
async def create_schedule(ctx: Ctx) -> dict:
    w = ctx.world
    q = w.question(ctx.path("questionId"))
    fields = _schedule_fields(await ctx.json_object(), partial=False)
    client = w.clients.get(ctx.client_id)
    s = Schedule(w.ids.uuid(), f"CRQS-{w.display_number():06d}", q.id, fields["name"], "",
                 client.user.id if client else "", fields["start"], fields.get("end", ""), fields["frequency"],
                 fields.get("days_of_week", []), fields.get("days_of_month", []), fields.get("parameters", []), True,
                 client.user.email if client else "", ctx.now, ctx.now)
    w.schedules[s.id] = s
    return {"id": s.id}


@api.get("/cleanroom-questions/{questionId}/cleanroom-question-run-schedules/{scheduleId}")
async def get_schedule(ctx: Ctx) -> dict:
    return schedule_view(_schedule(ctx))


@api.patch("/cleanroom-questions/{questionId}/cleanroom-question-run-schedules/{scheduleId}")
async def patch_schedule(ctx: Ctx) -> dict:
    s = _schedule(ctx)
    for key, value in _schedule_fields(await ctx.json_object(), partial=True).items():
        setattr(s, key, value)
    s.modified_at = ctx.now
    return {"id": s.id}


@api.delete("/cleanroom-questions/{questionId}/cleanroom-question-run-schedules/{scheduleId}")
async def delete_schedule(ctx: Ctx) -> dict:
    s = _schedule(ctx)
    del ctx.world.schedules[s.id]
    return {"success": True}
