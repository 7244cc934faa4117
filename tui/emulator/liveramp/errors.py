"""Error bodies as the platform gives them.

Three shapes exist (see the reference §1.5), and a client must parse all of them:

* the gateway's live envelope ``{status, code:int, timestamp:"dd-MM-yyyy HH:mm:ss", message, details:"uri=…"}``
  for 401 / 405 / 415 / 429 and the token endpoint;
* Spring Boot's default ``{timestamp, status:int, error, path}`` for unknown routes;
* the SPEC's ``ReturnObject {code:str, message}`` for business errors on known routes — we add the
  live extras (``status``, ``timestamp``) because the real service mixes them in.
"""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus

from starlette.responses import JSONResponse

from .formats import iso_millis_offset, live_envelope_time


def _reason(status: int) -> str:
    """``NOT_FOUND``-style constant for an HTTP status."""
    return HTTPStatus(status).name


class Problem(Exception):
    """Raised anywhere in a handler; turned into a JSON error answer."""

    def __init__(self, status: int, message: str, *, style: str = "business", code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.style = style  # "business" | "live"
        self.code = code


def bad_request(message: str) -> Problem:
    return Problem(400, message)


def not_found(what: str, ident: str) -> Problem:
    return Problem(404, f"{what} not found: {ident}")


def forbidden(message: str) -> Problem:
    return Problem(403, message)


def precondition_failed(message: str) -> Problem:
    return Problem(412, message)


def conflict(message: str) -> Problem:
    return Problem(409, message)


def too_many_requests(message: str) -> Problem:
    return Problem(429, message, style="live")


def unauthorized(message: str = "Full authentication is required to access this resource") -> Problem:
    return Problem(401, message, style="live")


def live_body(status: int, message: str, uri: str, now: datetime) -> dict:
    return {"status": _reason(status), "code": status, "timestamp": live_envelope_time(now),
            "message": message, "details": f"uri={uri}"}


def business_body(status: int, message: str, now: datetime, code: str | None = None) -> dict:
    return {"code": code or _reason(status), "message": message, "status": _reason(status),
            "timestamp": live_envelope_time(now)}


def spring_body(status: int, path: str, now: datetime) -> dict:
    return {"timestamp": iso_millis_offset(now), "status": status, "error": HTTPStatus(status).phrase,
            "path": path}


def problem_response(problem: Problem, uri: str, now: datetime) -> JSONResponse:
    if problem.style == "live":
        body = live_body(problem.status, problem.message, uri, now)
    else:
        body = business_body(problem.status, problem.message, now, problem.code)
    # no Retry-After on 429: the real gateway sends none (reference §1.5)
    return JSONResponse(body, status_code=problem.status)
