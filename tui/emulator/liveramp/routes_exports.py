"""Export jobs, destination platforms, org destinations and clean-room destinations (reference §10).
Credential values are never echoed: they come back masked."""

from __future__ import annotations

from datetime import timedelta

from .errors import bad_request, not_found
from .formats import iso_z
from .lifecycle import unit
from .model import ExportJob, PartnerAccount
from .routing import Api, Ctx, page
from .views import time_audit

api = Api()
MASK = "********"
JOB_STATUSES = {"ACTIVE", "PAUSED"}


def platform_view(p) -> dict:
    return {"ID": p.id, "name": p.name, "displayName": p.display_name,
            "logoUrl": f"https://static.habu.com/partners/{p.name.lower()}.png",
            "credentialSourceName": p.credential_source_name, "partnerConfigArray": [], "type": p.type,
            "credentialSources": [p.credential_source_name], "partnerConfigMap": {}}


def account_view(w, a: PartnerAccount) -> dict:
    jobs = [j for j in w.export_jobs.values() if j.account_id == a.id]
    return {
        "ID": a.id, "name": a.name, "organizationID": a.org_id, "partner": platform_view(w.partner_platforms[a.platform_id]),
        "credential": {"ID": f"{a.id}-credential", "name": a.credential_name,
                       "credentials": [{"ID": f"{a.id}-{n}", "name": n, "value": MASK} for n, _secret in a.credential_fields]},
        "timeAudit": time_audit(a.created_at), "userAudit": {"createdBy": "", "updatedBy": ""},
        "jobCount": [{"jobType": "EXPORT", "count": len(jobs)}] if jobs else [],
        "latestJobRunStatusCount": {"numSuccess": len(jobs), "numProcessing": 0, "numThresholdWarning": 0,
                                    "numPartiallyFailed": 0, "numFailed": 0, "numQueued": 0},
        "configStatus": a.config_status, "errorMessage": "", "publicKey": a.public_key,
    }


def job_view(w, job: ExportJob, now) -> dict:
    q = w.questions.get(job.question_id)
    room = w.cleanrooms.get(job.room_id)
    dest = next((d for d in (room.destinations if room else []) if d.account_id == job.account_id), None)
    runs = export_job_runs(job, now)
    return {
        "ID": job.id, "name": job.name, "organizationID": w.home_org_id, "dataExportJobType": "QUESTION_EXPORT",
        "status": job.status, "partnerAccount": account_view(w, w.partner_accounts[job.account_id]),
        "jobType": "EXPORTS", "timeAudit": time_audit(job.created_at),
        "userAudit": {"createdBy": job.created_by, "updatedBy": job.created_by},
        "questionID": job.question_id, "questionName": q.title if q else "",
        "questionDisplayName": q.display_id if q else "",
        "jobLastRunTime": runs[-1]["endTime"] if runs else None,
        "partnerAccountCrChannelStatus": dest.channel_status if dest else "",
    }


def export_job_runs(job: ExportJob, now) -> list[dict]:
    """Weekly runs since the job was created (until paused), derived from the job id."""
    runs = []
    t = job.created_at
    stop = now if job.status == "ACTIVE" else now - timedelta(days=10)
    total = 0
    index = 0
    while t + timedelta(hours=1) <= stop:
        records = int(200_000 + 800_000 * unit(job.id, index))
        failed = unit(job.id, index, "fail") < 0.08
        total += 0 if failed else records
        runs.append({
            "id": f"{job.id[:24]}{index:012d}", "jobId": job.id, "status": "FAILED" if failed else "COMPLETE",
            "submitTime": iso_z(t), "startTime": iso_z(t + timedelta(minutes=2)),
            "endTime": iso_z(t + timedelta(minutes=40)), "totalRecords": records,
            "consentedRecords": int(records * 0.93), "cumulativeRecords": total, "sourceJobRunID": "",
            "jobRunType": "FULL_REFRESH" if index == 0 else "INCREMENTAL",
            "details": {"id": job.id, "name": job.name, "jobDetailParameters": list(job.parameters)},
            "errorMessage": "Destination rejected the upload: invalid seat credentials" if failed else "",
        })
        t += timedelta(days=7)
        index += 1
    return runs


def _job(ctx: Ctx) -> ExportJob:
    job = ctx.world.export_jobs.get(ctx.path("jobId"))
    if job is None:
        raise not_found("Export job", ctx.path("jobId"))
    ctx.world.admin_room(job.room_id)
    return job


@api.get("/cleanrooms/{cleanroomId}/exports/jobs")
async def list_jobs(ctx: Ctx) -> list:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    return [job_view(ctx.world, j, ctx.now) for j in ctx.world.export_jobs.values() if j.room_id == room.id]


@api.post("/cleanrooms/{cleanroomId}/exports/jobs")
async def create_jobs(ctx: Ctx) -> list:
    w = ctx.world
    room = w.admin_room(ctx.path("cleanroomId"))
    body = await ctx.json_object()
    q = w.questions.get(str(body.get("cleanroomQuestionId")))
    if q is None or q.room_id != room.id:
        raise bad_request(f"'cleanroomQuestionId' must be a question of clean room {room.display_id}")
    accounts = body.get("partnerAccountIds")
    provisioned = {d.account_id for d in room.destinations}
    if not isinstance(accounts, list) or not accounts:
        raise bad_request("'partnerAccountIds' must be a non-empty array")
    for account in accounts:
        if account not in provisioned:
            raise bad_request(f"Destination {account!r} is not provisioned in clean room {room.display_id}")
    params = body.get("exportParameters") or []
    if not isinstance(params, list):
        raise bad_request("'exportParameters' must be an array of {name, value}")
    ids = []
    for account in accounts:
        creator = w.clients[ctx.client_id].user.email if ctx.client_id in w.clients else ""
        job = ExportJob(w.ids.uuid(), room.id, f"{q.title} → {w.partner_accounts[account].name}", q.id, account,
                        "ACTIVE", ctx.now, creator, [p for p in params if isinstance(p, dict)])
        w.export_jobs[job.id] = job
        ids.append(job.id)
    return ids


@api.get("/exports/jobs/{jobId}/runs")
async def job_runs(ctx: Ctx) -> dict:
    w = ctx.world
    job = _job(ctx)
    q = w.questions.get(job.question_id)
    by_date: dict[str, list] = {}
    for run in export_job_runs(job, ctx.now):
        by_date.setdefault(run["submitTime"][:10], []).append(run)
    org = w.org_name(w.home_org_id)
    return {"organization": org, "question": q.title if q else "",
            "jobRunsByDate": [{"date": d, "organization": org, "jobRuns": r} for d, r in reversed(by_date.items())],
            "exportDetailParameters": list(job.parameters)}


@api.patch("/exports/jobs/{jobId}/status")
async def job_status(ctx: Ctx) -> dict:
    job = _job(ctx)
    status = (await ctx.json_object()).get("status")
    if status not in JOB_STATUSES:
        raise bad_request("'status' must be ACTIVE or PAUSED")
    job.status = status
    return {"success": True}


@api.delete("/exports/jobs/{jobId}")
async def delete_job(ctx: Ctx) -> dict:
    job = _job(ctx)
    del ctx.world.export_jobs[job.id]
    return {"success": True}


# ---- destinations ------------------------------------------------------------------------------------------

@api.get("/destinations/partners")
async def destination_partners(ctx: Ctx) -> dict:
    return {"partners": [platform_view(p) for p in ctx.world.partner_platforms.values()]}


@api.get("/destinations")
async def list_destinations(ctx: Ctx) -> dict:
    limit, offset = ctx.paging(30, 100)
    accounts = [a for a in ctx.world.partner_accounts.values() if a.org_id == ctx.org_id]
    return {"partnerAccounts": [account_view(ctx.world, a) for a in page(accounts, limit, offset)],
            "total": len(accounts), "limit": limit, "offset": offset}


@api.get("/cleanrooms/{cleanroomId}/destinations")
async def room_destinations(ctx: Ctx) -> dict:
    w = ctx.world
    room = w.admin_room(ctx.path("cleanroomId"))
    limit, offset = ctx.paging(30, 100)
    wanted = ctx.query.get("type")
    items = []
    for d in room.destinations:
        account = w.partner_accounts[d.account_id]
        if wanted and w.partner_platforms[account.platform_id].type != wanted:
            continue
        items.append({"partnerAccount": account_view(w, account), "ownership": d.ownership,
                      "channelStatus": d.channel_status, "isUsedForActivation": d.used_for_activation})
    return {"partnerAccounts": page(items, limit, offset), "total": len(items), "limit": limit, "offset": offset}
