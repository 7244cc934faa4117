"""Insight queries: the v1 contract (``/v1/queries``) and the playbook alias (``/v1/insights``).

v1 (reference §10.2): create → ``{query_id, done:false}``; status ``{query_id, done}``; ``/result``
is 404 until done. A failed query answers ``/result`` with 400 and a tyraelError body
``{"message": "query execution failed: …", "metadata": {"query_id", "status": "FAILED"}}`` (GUESS).

Playbook (§10.3): status ``{done, status: pending|running|completed|failed, error}``; ``/results``
is 409 until done; a failed query's ``/results`` is 200 with ``status: "failed"``, no rows and
``error`` (GUESS).
"""

from __future__ import annotations

from starlette.routing import Route

from .bodies import json_body
from .endpoint import endpoint
from .errors import ApiFailure
from .queries import create_query, result_rows, visible_query
from .world import World


def routes(world: World) -> list[Route]:
    async def create(request, user):
        query = create_query(world, user, await json_body(request))
        return {"query_id": query.id, "done": False}

    async def status(request, user):
        query = visible_query(world, user, request.path_params["query_id"])
        return {"query_id": query.id, "done": query.done(world.now())}

    async def result(request, user):
        query = visible_query(world, user, request.path_params["query_id"])
        if not query.done(world.now()):
            raise ApiFailure(404, "NOT_FOUND", f"result of query {query.id} is not ready yet",
                             metadata={"query_id": query.id})
        if query.failure:
            raise ApiFailure(400, "FAILED_PRECONDITION", query.failure,
                             metadata={"query_id": query.id, "status": "FAILED"})
        return query.result()

    async def insight_status(request, user):
        query = visible_query(world, user, request.path_params["query_id"])
        now = world.now()
        return {"query_id": query.id, "done": query.done(now), "status": query.status(now),
                "error": (query.failure or "") if query.done(now) else ""}

    async def insight_results(request, user):
        query = visible_query(world, user, request.path_params["query_id"])
        now = world.now()
        if not query.done(now):
            raise ApiFailure(409, "QUERY_NOT_FINISHED",
                             f"query {query.id} has not finished yet (status: {query.status(now)})")
        rows = [] if query.failure else result_rows(query)
        out = {"query_id": query.id, "status": query.status(now), "results": rows,
               "metadata": {"total_rows": len(rows), "execution_time_ms": int(query.duration * 1000)}}
        if query.failure:
            out["error"] = query.failure
        return out

    return [
        Route("/v1/queries", endpoint(world, create), methods=["POST"]),
        Route("/v1/queries/{query_id}", endpoint(world, status), methods=["GET"]),
        Route("/v1/queries/{query_id}/result", endpoint(world, result), methods=["GET"]),
        Route("/v1/insights", endpoint(world, create), methods=["POST"]),
        Route("/v1/insights/{query_id}", endpoint(world, insight_status), methods=["GET"]),
        Route("/v1/insights/{query_id}/results", endpoint(world, insight_results), methods=["GET"]),
    ]
