"""The emulated LiveRamp Clean Room API (formerly Habu), served under ``/v1``.

Written from the reference (``reference/liveramp-api.md``) and sharing no code with ``tui/api/``, so
it catches client mistakes instead of repeating them. ``build_app(options, clock)`` returns a
Starlette app whose ``state.world`` is the seeded :class:`~.world.World`.

Where the reference is silent the emulator GUESSes, and says so in the module that does it:
room statuses ``PENDING``/``EXPIRED``, audit event names, flow statuses/stages, the ``/data`` page
maximum (10,000), ``count`` = total rows, the output file being CSV bytes sent as application/json,
initial run status ``QUEUED``, run lists newest first.

Checked against things nobody here wrote (issue 21): LiveRamp's published OpenAPI spec
(``scripts/check_spec.py SPEC_DIR`` validates every GET answer against it) and the vendor's SDK CLI
(``tests/e2e/test_vendor_sdk.py`` drives every question, run, flow and flow-run command). Where the
reference, the spec and the SDK disagree, the spec wins unless the SDK or a live sample says otherwise:

- Flow paths take the flow's ``ID`` (the spec: "Cleanroom Flow ID") **or** its ``flowID`` (what the SDK
  and the "Example Flow Run Workflow" page send; what ``POST …/cleanroom-flows`` returns). Nobody can
  tell which the live API accepts, so the emulator takes both; ``EmulatorOptions.flow_ids`` /
  ``--flow-ids`` ("ID", "flowID") accepts only one, to prove the client copes with either.
- No ``null`` and no ``""`` where the spec has a format or an enum (no schema is ``nullable``): a field
  the world has no value for is omitted — ``executedAt``/``completedAt`` until reached, ``assignedAt``
  of an unassigned dataset, a parameter's ``ConstraintType`` without a constraint, a schedule's
  ``endDateTime`` when open-ended and ``qualifier`` on absolute dates, ``latestRun.endTimestamp``.
  Free-text fields the reference shows as ``""`` (``failureReason``, ``runMessage`` …) stay ``""``.
- Shapes follow the spec: a flow's ``userAudit.createdByUser``/``updatedByUser`` are ``UserRefInfo``
  objects (``{ID, name, email}``); a dataset's ``partitionFields`` are ``{fieldName, dataType}`` objects;
  data type, credential source and export job type values come from the spec's enums ("Conversion
  Events", "Snowflake Account", ``jobType: EXPORTS``).
- Served from the spec's shapes though the reference has nothing on them (values are GUESSes):
  ``GET /billable-configs`` (the home org is billed), ``/credential-sources/credential-name/{name}``,
  ``/data-sources/{id}/data-types/{typeId}/data-source-parameters``, ``/data-connection-views`` (one view
  per data connection) and ``/{viewId}``, a flow's ``nodes/exports`` (GET, POST, DELETE), ``…/status``
  (PATCH) and ``…/runs`` (a node's jobs are those made for it and its question's own export jobs).
- Export jobs (issue 20.3, ``routes_exports``): runs derived from the clock (weekly from creation, the
  first at once; QUEUED, PROCESSING, then COMPLETE/FAILED/PARTIALLY_FAILED with an ``errorMessage``);
  a create needs each destination provisioned in the room with an ``ACTIVE_CHANNEL`` (400 otherwise).
- Deliberate deviations, kept: the spec types ``GET …/invitations`` and ``GET /question/{id}/data-types``
  as one object — they are lists (the SDK and the reference agree); ``GET /cleanrooms/{id}/…`` answers
  403 in a room where the API user has no admin role (realistic; the spec lists 403 for most such
  operations); the four ``Internal``-tagged ``…/intelligence`` GETs and ``…/cleanroom-execution-instance/
  {id}`` (legacy measurement executions, no id source in the spec) are not served; downloads are file
  bytes, not the JSON strings the spec declares; error bodies carry an integer ``code``.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .auth import BearerAuth
from .errors import business_body, spring_body
from .headers import LiveHeaders
from .limits import Limits
from .seed import build_world
from .world import World

__all__ = ["World", "build_app"]


def _routes() -> list[Route]:
    from . import (
        routes_auth,
        routes_cleanrooms,
        routes_datasets,
        routes_exports,
        routes_flow_runs,
        routes_flows,
        routes_org,
        routes_partners,
        routes_question_config,
        routes_questions,
        routes_runs,
    )

    areas = [routes_auth, routes_cleanrooms, routes_partners, routes_datasets, routes_questions,
             routes_question_config, routes_runs, routes_flows, routes_flow_runs, routes_exports, routes_org]
    return [route for area in areas for route in area.api.routes]


def build_app(options, clock) -> Starlette:
    world = build_world(options.seed, options.scale, clock.now())
    world.flow_ids = getattr(options, "flow_ids", "both")

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        # unknown routes and wrong methods: Spring Boot's default body (reference §1.5)
        status = getattr(exc, "status_code", 500)
        return JSONResponse(spring_body(status, request.url.path, clock.now()), status_code=status)

    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(business_body(500, f"Internal error: {type(exc).__name__}", clock.now()), status_code=500)

    app = Starlette(routes=_routes(), exception_handlers={HTTPException: http_error, Exception: server_error})
    app.add_middleware(BearerAuth, clock=clock)
    app.add_middleware(LiveHeaders)
    app.state.world = world
    app.state.clock = clock
    app.state.options = options
    app.state.limits = Limits(world, clock, bool(options.strict_limits))
    return app
