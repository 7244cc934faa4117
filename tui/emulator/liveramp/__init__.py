"""The emulated LiveRamp Clean Room API (formerly Habu), served under ``/v1``.

Written from the reference (``reference/liveramp-api.md``) and sharing no code with ``tui/api/``, so
it catches client mistakes instead of repeating them. ``build_app(options, clock)`` returns a
Starlette app whose ``state.world`` is the seeded :class:`~.world.World`.

Where the reference is silent the emulator GUESSes, and says so in the module that does it:
room statuses ``PENDING``/``EXPIRED``, audit event names, flow statuses/stages, the ``/data`` page
maximum (10,000), ``count`` = total rows, the output file being CSV bytes sent as application/json,
initial run status ``QUEUED``, run lists newest first.
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
