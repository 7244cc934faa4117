"""Export jobs, destination platforms, org destinations and clean-room destinations (reference §10).
Credential values are never echoed: they come back masked."""

from __future__ import annotations

from datetime import timedelta

from .errors import bad_request, not_found
from .formats import iso_z, present
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


def account_view(w, a: PartnerAccount, now=None) -> dict:
    jobs = [j for j in w.export_jobs.values() if j.account_id == a.id]
    return {
        "ID": a.id, "name": a.name, "organizationID": a.org_id, "partner": platform_view(w.partner_platforms[a.platform_id]),
        "credential": {"ID": f"{a.id}-credential", "name": a.credential_name,
                       "credentials": [{"ID": f"{a.id}-{n}", "name": n, "value": MASK} for n, _secret in a.credential_fields]},
        "timeAudit": time_audit(a.created_at), "userAudit": {"createdBy": "", "updatedBy": ""},
        "jobCount": [{"jobType": "EXPORT", "count": len(jobs)}] if jobs else [],
        "latestJobRunStatusCount": latest_counts(jobs, now),
        "configStatus": a.config_status, "errorMessage": "", "publicKey": a.public_key,
    }


#: the latest run's status -> its latestJobRunStatusCount field
COUNTED = {"COMPLETE": "numSuccess", "NO_NEW_USERS": "numSuccess", "PROCESSING": "numProcessing",
           "THRESHOLD_WARNING": "numThresholdWarning", "PARTIALLY_FAILED": "numPartiallyFailed",
           "FAILED": "numFailed", "QUEUED": "numQueued"}


def latest_counts(jobs: list[ExportJob], now) -> dict[str, int]:
    counts = dict.fromkeys(("numSuccess", "numProcessing", "numThresholdWarning", "numPartiallyFailed",
                            "numFailed", "numQueued"), 0)
    for job in jobs:
        runs = export_job_runs(job, now) if now is not None else []
        if runs and runs[-1]["status"] in COUNTED:
            counts[COUNTED[runs[-1]["status"]]] += 1
    return counts


def job_view(w, job: ExportJob, now) -> dict:
    q = w.questions.get(job.question_id)
    room = w.cleanrooms.get(job.room_id)
    dest = next((d for d in (room.destinations if room else []) if d.account_id == job.account_id), None)
    runs = export_job_runs(job, now)
    # a job with no finished run yet has no last run time: omitted, not null (issue 21)
    last = next((r["endTime"] for r in reversed(runs) if "endTime" in r), None)
    return present({
        "ID": job.id, "name": job.name, "organizationID": w.home_org_id, "dataExportJobType": "QUESTION_EXPORT",
        "status": job.status, "partnerAccount": account_view(w, w.partner_accounts[job.account_id], now),
        "jobType": "EXPORTS", "timeAudit": time_audit(job.created_at),
        "userAudit": {"createdBy": job.created_by, "updatedBy": job.created_by},
        "questionID": job.question_id, "questionName": q.title if q else "",
        "questionDisplayName": q.display_id if q else "",
        "jobLastRunTime": last,
        "partnerAccountCrChannelStatus": dest.channel_status if dest else "",
    })


#: GUESS: an export job runs weekly from its creation (the first run at once), 2 min queued and
#: 38 min processing; ~8 % of runs fail and ~4 % partly fail, with the destination's reason
RUN_EVERY = timedelta(days=7)
QUEUED_FOR = timedelta(minutes=2)
DONE_AFTER = timedelta(minutes=40)
FAILURES = (
    "Destination rejected the upload: invalid seat credentials",
    "Access denied writing to the export path: check the IAM role's trust policy",
    "Upload timed out after 3 attempts; the next run sends every record again",
)


def _paused(job: ExportJob, t) -> bool:
    # a run due at the very moment of the pause was already submitted: it stands
    return any(start < t and (end is None or t < end) for start, end in job.pauses)


def export_job_runs(job: ExportJob, now) -> list[dict]:
    """The job's runs so far, oldest first: derived from its id, its pauses and the clock (no tasks)."""
    runs: list[dict] = []
    total = 0
    index = 0
    t = job.created_at
    while t <= now:
        if _paused(job, t):
            t += RUN_EVERY
            index += 1
            continue
        records = int(200_000 + 800_000 * unit(job.id, index))
        fate = unit(job.id, index, "fail")
        run = {"id": f"{job.id[:24]}{index:012d}", "jobId": job.id, "submitTime": iso_z(t),
               "totalRecords": 0, "consentedRecords": 0, "cumulativeRecords": total, "sourceJobRunID": "",
               "jobRunType": "FULL_REFRESH" if not runs else "INCREMENTAL",
               "details": {"id": job.id, "name": job.name, "jobDetailParameters": list(job.parameters)},
               "errorMessage": ""}
        if now < t + QUEUED_FOR:
            run["status"] = "QUEUED"
        elif now < t + DONE_AFTER:
            run.update(status="PROCESSING", startTime=iso_z(t + QUEUED_FOR))
        else:
            status, sent, error = "COMPLETE", records, ""
            if fate < 0.08:
                status, sent, error = "FAILED", 0, FAILURES[int(unit(job.id, index, "why") * len(FAILURES))]
            elif fate < 0.12:
                sent = int(records * 0.9)
                status, error = "PARTIALLY_FAILED", f"{records - sent:,} records rejected: unsupported identifier type"
            total += sent
            run.update(status=status, startTime=iso_z(t + QUEUED_FOR), endTime=iso_z(t + DONE_AFTER),
                       totalRecords=records, consentedRecords=int(sent * 0.93), cumulativeRecords=total,
                       errorMessage=error)
        runs.append(run)
        t += RUN_EVERY
        index += 1
    return runs


def set_job_status(job: ExportJob, status: str, now) -> None:
    """Pause or resume; a pause is remembered so the runs it skipped stay skipped."""
    if status == job.status:
        return
    if status == "PAUSED":
        job.pauses.append([now, None])
    elif job.pauses and job.pauses[-1][1] is None:
        job.pauses[-1][1] = now
    job.status = status


def export_parameters(raw) -> list[dict]:
    """``exportParameters``: an array of ``{name, value}`` with string name and value."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(p, dict) and isinstance(p.get("name"), str)
                                            and p.get("name") and isinstance(p.get("value", ""), str)
                                            for p in raw):
        raise bad_request("'exportParameters' must be an array of {name, value} strings")
    return [{"name": p["name"], "value": p.get("value", "")} for p in raw]


def check_destinations(w, room, accounts) -> list[str]:
    """The partner accounts an export may target: provisioned in the room and active there."""
    if not isinstance(accounts, list) or not accounts or not all(isinstance(a, str) for a in accounts):
        raise bad_request("'partnerAccountIds' must be a non-empty array of partner account ids")
    channels = {d.account_id: d.channel_status for d in room.destinations}
    for account in accounts:
        if account not in channels:
            raise bad_request(f"Destination {account!r} is not provisioned in clean room {room.display_id}")
        if channels[account] != "ACTIVE_CHANNEL":
            raise bad_request(f"Destination {w.partner_accounts[account].name!r} is {channels[account]} in clean "
                              f"room {room.display_id}: it can receive exports once the channel is active")
    return accounts


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
    accounts = check_destinations(w, room, body.get("partnerAccountIds"))
    params = export_parameters(body.get("exportParameters"))
    creator = w.clients[ctx.client_id].user.email if ctx.client_id in w.clients else ""
    ids = []
    for account in accounts:  # one job per destination (SPEC)
        job = ExportJob(w.ids.uuid(), room.id, f"{q.title} → {w.partner_accounts[account].name}", q.id, account,
                        "ACTIVE", ctx.now, creator, params)
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
    set_job_status(job, status, ctx.now)
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
    return {"partnerAccounts": [account_view(ctx.world, a, ctx.now) for a in page(accounts, limit, offset)],
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
        items.append({"partnerAccount": account_view(w, account, ctx.now), "ownership": d.ownership,
                      "channelStatus": d.channel_status, "isUsedForActivation": d.used_for_activation})
    return {"partnerAccounts": page(items, limit, offset), "total": len(items), "limit": limit, "offset": offset}
