"""One ASGI app serving both emulated APIs: LiveRamp under ``/v1``, InfoSum under ``/api``."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount

from .common import RequestIdMiddleware, iso_z
from .options import EmulatorOptions


def create_app(options: EmulatorOptions | None = None) -> Starlette:
    from . import infosum, liveramp

    options = options or EmulatorOptions()
    clock = options.make_clock()
    lr = liveramp.build_app(options, clock)
    inf = infosum.build_app(options, clock)

    async def not_found(request: Request, exc: Exception) -> JSONResponse:
        # Spring Boot's default body, which the real LiveRamp API answers for unknown routes
        return JSONResponse({"timestamp": iso_z(clock.now()), "status": 404, "error": "Not Found",
                             "path": request.url.path}, status_code=404)

    app = Starlette(routes=[Mount("/v1", app=lr), Mount("/api", app=inf)],
                    exception_handlers={404: not_found})
    app.state.options = options
    app.state.clock = clock
    app.state.liveramp = lr.state.world
    app.state.infosum = inf.state.world
    app.add_middleware(RequestIdMiddleware, seed=options.seed)
    return app
