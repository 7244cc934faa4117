"""A thin layer over Starlette routes: handlers get a ``Ctx`` and return plain data.

A handler returns a dict / list / int (sent as JSON with ``Content-Type: application/json``) or a
ready Response; it raises ``Problem`` for errors. Path parameters are matched as the platform does:
one path segment each; unknown query parameters are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .errors import Problem, bad_request, problem_response
from .formats import parse_ymd

Handler = Callable[["Ctx"], Awaitable[Any]]


class Ctx:
    def __init__(self, request: Request) -> None:
        state = request.app.state
        self.request = request
        self.world = state.world
        self.clock = state.clock
        self.limits = state.limits
        self.now = self.clock.now()
        self.query = request.query_params
        self.uri = request.url.path
        claims = request.scope.get("lr_claims") or {}
        self.client_id: str = claims.get("client_id", "")
        self.org_id: str = claims.get("org_id", "") or self.world.home_org_id

    def path(self, name: str) -> str:
        return self.request.path_params[name]

    def int_query(self, name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
        """Integer query parameter; values above ``maximum`` are clamped (GUESS: the platform clamps)."""
        raw = self.query.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise bad_request(f"Invalid value '{raw}' for query parameter '{name}': expected an integer") from None
        if value < minimum:
            raise bad_request(f"Query parameter '{name}' must be at least {minimum}, got {value}")
        return min(value, maximum) if maximum is not None else value

    def paging(self, default_limit: int, maximum: int | None = None) -> tuple[int, int]:
        return (self.int_query("limit", default_limit, minimum=1, maximum=maximum),
                self.int_query("offset", 0, minimum=0))

    def date_query(self, name: str) -> date | None:
        raw = self.query.get(name)
        if not raw:
            return None
        try:
            return parse_ymd(raw)
        except ValueError:
            raise bad_request(f"Invalid value '{raw}' for query parameter '{name}': expected yyyy-MM-dd") from None

    def required_query(self, name: str) -> str:
        raw = self.query.get(name)
        if raw is None or raw == "":
            raise bad_request(f"Required request parameter '{name}' is not present")
        return raw

    async def json(self, *, required: bool = True) -> Any:
        raw = await self.request.body()
        if not raw.strip():
            if required:
                raise bad_request("Required request body is missing")
            return None
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise bad_request(f"JSON parse error: {exc}") from None

    async def json_object(self, *, required: bool = True) -> dict:
        body = await self.json(required=required)
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise bad_request("Request body must be a JSON object")
        return body

    async def json_list(self, query_name: str | None = None) -> list:
        """A JSON array from the body — or, where the SPEC documents it, from a JSON-valued query parameter."""
        body = await self.json(required=query_name is None or query_name not in self.query)
        if body is None and query_name is not None:
            try:
                body = json.loads(self.query[query_name])
            except ValueError as exc:
                raise bad_request(f"Query parameter '{query_name}' is not valid JSON: {exc}") from None
        if isinstance(body, dict):
            body = [body]
        if not isinstance(body, list):
            raise bad_request("Request body must be a JSON array")
        return body


def page(items: list, limit: int, offset: int) -> list:
    return items[offset:offset + limit]


class Api:
    """Collects routes for one area; ``routes`` is handed to the Starlette app in order."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def route(self, path: str, *methods: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            async def endpoint(request: Request) -> Response:
                ctx = Ctx(request)
                try:
                    result = await handler(ctx)
                except Problem as problem:
                    return problem_response(problem, ctx.uri, ctx.now)
                if isinstance(result, Response):
                    return result
                return JSONResponse(result)

            endpoint.__name__ = handler.__name__
            self.routes.append(Route(path, endpoint, methods=list(methods)))
            return handler

        return register

    def get(self, path: str):
        return self.route(path, "GET")

    def post(self, path: str):
        return self.route(path, "POST")

    def put(self, path: str):
        return self.route(path, "PUT")

    def patch(self, path: str):
        return self.route(path, "PATCH")

    def delete(self, path: str):
        return self.route(path, "DELETE")
