"""InfoSum error bodies.

- v2 paths: ``{"error": {code, message}, "details": {code, message}, "help_url", "request_id", "time"}``
  with gRPC-style code names (the real code strings are undocumented, reference §3.1 — GUESS).
- v1 paths: ``tyraelError`` ``{"message", "metadata": {}}`` (reference §3.2).
- ``/v1/insights`` (the hand-written playbook alias): ``{"error": "<text>", "code": "<name>"}`` (§3.3).
"""

from __future__ import annotations

import uuid

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..clock import Clock
from ..common import iso_z

V2, V1, PLAYBOOK = "v2", "v1", "playbook"


class ApiFailure(Exception):
    """Raised anywhere in a handler; turned into the right error body for the path."""

    def __init__(self, status: int, code: str, message: str, *, detail: str = "",
                 metadata: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.metadata = metadata or {}


def invalid(message: str, detail: str = "") -> ApiFailure:
    return ApiFailure(400, "INVALID_ARGUMENT", message, detail=detail)


def precondition(message: str) -> ApiFailure:
    return ApiFailure(400, "FAILED_PRECONDITION", message)


def unauthenticated(message: str = "missing or unknown API key in the Authorization header") -> ApiFailure:
    return ApiFailure(401, "UNAUTHENTICATED", message)


def forbidden(message: str) -> ApiFailure:
    return ApiFailure(403, "PERMISSION_DENIED", message)


def not_found(message: str) -> ApiFailure:
    return ApiFailure(404, "NOT_FOUND", message)


def style_for(path: str) -> str:
    if "/v1/insights" in path:
        return PLAYBOOK
    if "/v1/" in path or path.endswith("/v1"):
        return V1
    return V2


def request_id_of(request: Request) -> str:
    """The id the shared middleware put in the scope; a fresh one when we run without it."""
    state = request.scope.get("state")
    rid = state.get("request_id") if isinstance(state, dict) else None
    if not rid:
        rid = str(uuid.uuid4())
        request.scope.setdefault("state", {})["request_id"] = rid
    return str(rid)


def error_body(request: Request, failure: ApiFailure, clock: Clock) -> dict:
    style = style_for(request.url.path)
    if style == V1:
        return {"message": failure.message, "metadata": dict(failure.metadata)}
    if style == PLAYBOOK:
        return {"error": failure.message, "code": failure.code}
    return {
        "error": {"code": failure.code, "message": failure.message},
        "details": {"code": failure.code, "message": failure.detail},
        "help_url": "",
        "request_id": request_id_of(request),
        "time": iso_z(clock.now()),
    }


_HTTP_CODES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
               405: "UNIMPLEMENTED", 409: "ALREADY_EXISTS", 500: "INTERNAL"}


def exception_handlers(clock: Clock) -> dict:
    async def on_failure(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiFailure)
        return JSONResponse(error_body(request, exc, clock), status_code=exc.status)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        message = {404: f"no such endpoint: {request.method} {request.url.path}",
                   405: f"method {request.method} not allowed on {request.url.path}"}.get(exc.status_code,
                                                                                         str(exc.detail))
        failure = ApiFailure(exc.status_code, _HTTP_CODES.get(exc.status_code, "UNKNOWN"), message)
        return JSONResponse(error_body(request, failure, clock), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    return {ApiFailure: on_failure, HTTPException: on_http}
