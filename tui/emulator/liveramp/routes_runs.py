"""Cleanroom question runs: list, create, status, results, count, file, audit … (reference §7)."""

from __future__ import annotations

from starlette.responses import StreamingResponse

from .errors import bad_request, not_found, precondition_failed
from .lifecycle import RUN_FILTER_STATUSES, TERMINAL, plan_new_run, run_state
from .model import Run
from .results import csv_chunks, result_data, row_count
from .routing import Api, Ctx, page
from .scheduler import run_due
from .validation import validate_run_request
from .views import room_status
from .views_runs import audit_view, run_view

api = Api()
RUNS_DEFAULT_LIMIT, RUNS_MAX_LIMIT = 30, 100
DATA_DEFAULT_LIMIT, DATA_MAX_LIMIT = 500, 10_000  # the max is a GUESS (undocumented)
REPORTABLE = RUN_FILTER_STATUSES | {"CANCELLED"}


def _status_filter(ctx: Ctx) -> set[str]:
    """``status`` (SPEC) or ``questionRunStatus`` (SDK); repeated or comma-separated."""
    values = ctx.query.getlist("status") + ctx.query.getlist("questionRunStatus")
    wanted = {v.strip().upper() for raw in values for v in raw.split(",") if v.strip()}
    unknown = wanted - RUN_FILTER_STATUSES
    if unknown:
        raise bad_request(f"Invalid run status filter {', '.join(sorted(unknown))}; allowed: "
                          f"{', '.join(sorted(RUN_FILTER_STATUSES))}")
    return wanted


@api.get("/cleanroom-questions/{questionId}/cleanroom-question-runs")
async def list_runs(ctx: Ctx) -> list:
    w = ctx.world
    q = w.question(ctx.path("questionId"))
    ctx.limits.status_read(ctx.client_id, q.id, ctx.uri)  # a list counts once, against the question
    run_due(w, q, ctx.now)  # the question's schedules start the runs that fell due
    limit, offset = ctx.paging(RUNS_DEFAULT_LIMIT, RUNS_MAX_LIMIT)
    statuses = _status_filter(ctx)
    start, end = ctx.date_query("startDate"), ctx.date_query("endDate")
    runs = [w.runs[i] for i in w.runs_by_question.get(q.id, [])]
    runs = [r for r in runs if (start is None or r.submitted_at.date() >= start)
            and (end is None or r.submitted_at.date() <= end)]
    runs.sort(key=lambda r: r.submitted_at, reverse=True)
    if statuses:
        runs = [r for r in runs if run_state(r, ctx.now).status in statuses]
    return [run_view(w, r, ctx.now) for r in page(runs, limit, offset)]


@api.post("/cleanroom-questions/{questionId}/create-run")
async def create_run(ctx: Ctx) -> dict:
    w = ctx.world
    ctx.limits.creation(ctx.client_id, ctx.uri)
    q = w.question(ctx.path("questionId"))
    body = await ctx.json()
    room = w.cleanrooms[q.room_id]
    if room_status(room, ctx.now) == "EXPIRED":
        raise precondition_failed(f"Clean room {room.display_id} expired on {room.end_at}: it is read-only, "
                                  "no new runs can be created")
    if q.status != "READY":
        missing = [m for m in q.template.data_types if m not in q.bindings]
        raise precondition_failed(f"Cleanroom question {q.display_id} is not READY (status {q.status}); assign "
                                  f"datasets for: {', '.join(missing)}")
    name, params, partitions = validate_run_request(q.template.params, body, q.display_id)
    run_id = w.ids.uuid()
    run = Run(run_id, name, q.id, ctx.now, params, partitions, plan_new_run(run_id), q.question.version, ctx.client_id)
    w.add_run(run)
    w.created(run)
    return run_view(w, run, ctx.now)


@api.get("/cleanroom-question-runs/{runId}")
async def get_run(ctx: Ctx) -> dict:
    run = ctx.world.run(ctx.path("runId"))
    ctx.limits.status_read(ctx.client_id, run.id, ctx.uri)
    return run_view(ctx.world, run, ctx.now)


@api.put("/cleanroom-question-runs/{runId}")
async def report_status(ctx: Ctx) -> dict:
    """For customer-executed runs: the customer reports progress. Not a cancel endpoint."""
    run = ctx.world.run(ctx.path("runId"))
    body = await ctx.json_object()
    if body.get("id") not in (None, run.id):
        raise bad_request(f"Body id {body.get('id')!r} does not match the run id in the path")
    if not body.get("id") or body.get("status") not in REPORTABLE:
        raise bad_request(f"'id' and 'status' are required; status must be one of {', '.join(sorted(REPORTABLE))}")
    if run_state(run, ctx.now).status in TERMINAL:
        raise bad_request(f"Question run {run.id} already finished; its status cannot change")
    details = body.get("postRunDetails") or {}
    if not isinstance(details, dict):
        raise bad_request("'postRunDetails' must be an object of string values")
    run.reported = (body["status"], ctx.now, {str(k): str(v) for k, v in details.items()})
    return {"code": "OK", "message": f"Question run {run.id} status updated to {body['status']}"}


@api.delete("/cleanroom-question-runs/{runId}")
async def delete_run(ctx: Ctx) -> dict:
    run = ctx.world.run(ctx.path("runId"))
    ctx.world.remove_run(run.id)
    return {"success": True}


def _completed(ctx: Ctx) -> tuple[Run, int]:
    """A COMPLETED run and its total row count; otherwise a 400 that says why."""
    run = ctx.world.run(ctx.path("runId"))
    status = run_state(run, ctx.now).status
    if status != "COMPLETED":
        raise bad_request(f"Question run {run.id} is {status}: results are available only once it is COMPLETED")
    q = ctx.world.questions[run.question_id]
    return run, row_count(q.template, run.id, ctx.world.scale)


@api.get("/cleanroom-question-runs/{runId}/data")
async def run_data(ctx: Ctx) -> dict:
    run, total = _completed(ctx)
    limit, offset = ctx.paging(DATA_DEFAULT_LIMIT, DATA_MAX_LIMIT)
    ctx.world.counters.data_reads[run.id] += 1
    return result_data(ctx.world.questions[run.question_id].template, run.id, total, offset, limit)


@api.get("/cleanroom-question-runs/{runId}/data/count")
async def run_data_count(ctx: Ctx) -> int:
    return _completed(ctx)[1]


@api.get("/cleanroom-question-runs/{runId}/download/{fileName}")
async def run_file(ctx: Ctx) -> StreamingResponse:
    """The output file's bytes (CSV). Declared ``application/json`` in the SPEC, and sent as such."""
    run, total = _completed(ctx)
    name = ctx.path("fileName")
    if not name.lower().endswith(".csv"):
        raise not_found("Output file", name)
    template = ctx.world.questions[run.question_id].template
    return StreamingResponse(csv_chunks(template, run.id, total), media_type="application/json",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.get("/cleanroom-question-runs/{runId}/audit")
async def run_audit(ctx: Ctx) -> dict:
    return audit_view(ctx.world, ctx.world.run(ctx.path("runId")), ctx.now)


@api.get("/cleanroom-question-runs/{runId}/partition-parameters")
async def run_partitions(ctx: Ctx) -> list:
    return [dict(p) for p in ctx.world.run(ctx.path("runId")).partition_parameters]


@api.get("/cleanroom-question-runs/{runId}/activation-summary")
async def run_activation(ctx: Ctx) -> dict:
    w = ctx.world
    run = w.run(ctx.path("runId"))
    q = w.questions[run.question_id]
    state = run_state(run, ctx.now)
    summary = []
    if q.template.question_type == "LIST" and state.status == "COMPLETED":
        for job in w.export_jobs.values():
            if job.question_id != q.id:
                continue
            account = w.partner_accounts.get(job.account_id)
            platform = w.partner_platforms.get(account.platform_id) if account else None
            summary.append({
                "activationPartner": platform.display_name if platform else "", "activationChannel": account.name
                if account else "", "segmentCode": f"{q.display_id.lower()}-{run.id[:8]}", "identityType": "RampID",
                "lastProcessed": run_view(w, run, ctx.now)["completedAt"],
                "recordsSent": row_count(q.template, run.id, w.scale),
                "status": "COMPLETE" if job.status == "ACTIVE" else "PAUSED"})
    return {"cleanroomQuestionRunId": run.id, "cleanroomQuestionRunName": run.name, "activationSummary": summary}


@api.get("/cleanroom-question-runs/{runId}/explain-plan")
async def run_explain(ctx: Ctx) -> dict:
    run = ctx.world.run(ctx.path("runId"))
    query = ctx.world.questions[run.question_id].template.query
    if not query:
        return {"success": False, "explainPlan": "", "errorMessage": "Explain plan is available for SQL questions only"}
    plan = ("== Physical Plan ==\nAdaptiveSparkPlan isFinalPlan=true\n+- HashAggregate(keys=[1])\n"
            "   +- Exchange hashpartitioning\n      +- BroadcastHashJoin [rampid], Inner\n"
            f"-- query --\n{query}")
    return {"success": True, "explainPlan": plan, "errorMessage": ""}
