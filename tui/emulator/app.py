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
    # fault injection (issue 10): always installed, idle until a spec is set (here or at run time)
    from .chaos import Chaos, ChaosMiddleware

    app.state.chaos = Chaos(seed=options.seed).set(options.chaos)
    app.add_middleware(ChaosMiddleware, chaos=app.state.chaos, clock=clock)
    if options.hostile or options.hostile_strings:  # hostile strings in every text field (issue 10)
        from .hostile import SurrogateMiddleware, seed

        seed(app.state.liveramp, app.state.infosum, options.hostile_strings)
        app.add_middleware(SurrogateMiddleware)
    if options.keep is not None:  # the demo: runs launched in earlier starts are still there
        from .liveramp.keep import Keep

        app.state.liveramp.keep = Keep(options.keep)
        app.state.liveramp.keep.restore(app.state.liveramp, clock.now())
    if options.id_salt is not None:  # after seeding (and hostile text): only new objects change
        app.state.liveramp.ids.salt(options.id_salt)
        app.state.infosum.ids.salt(options.id_salt)
    app.add_middleware(RequestIdMiddleware, seed=options.seed)
    from .date_header import DateHeaderMiddleware

    app.add_middleware(DateHeaderMiddleware, clock=clock)  # the platform's clock, as a real server's Date
    return app
