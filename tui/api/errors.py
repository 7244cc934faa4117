"""The one error type of both platform clients (:class:`ApiError`): the platform's own message
whichever envelope it came in, the request id, whether retrying could help, and a hint; built from
a response (:func:`error_from_response`) or a network failure (:func:`network_error`). Secrets are
redacted from it. Split out of :mod:`tui.api.http`, which re-exports these names."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from .redaction import REDACT

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class ApiError(Exception):
    """A failed call, whatever the platform and envelope.

    ``status`` is None when no HTTP answer arrived (connection refused, timeout, bad JSON).
    ``retryable`` says whether trying again later could help (5xx, 429, network).
    """

    message: str
    status: int | None = None
    code: str | None = None
    request_id: str | None = None
    retryable: bool = False
    platform: str = ""
    method: str = ""
    path: str = ""
    retry_after: float | None = None
    details: str | None = None

    def __post_init__(self) -> None:
        self.message = REDACT(self.message)
        if self.details:
            self.details = REDACT(self.details)
        super().__init__(self.message)

    @property
    def offline(self) -> bool:
        """True when the platform could not be reached at all."""
        return self.status is None and self.code in {"CONNECT", "TIMEOUT", "NETWORK"}

    def __str__(self) -> str:
        where = f"{self.method} {self.path}".strip()
        head = f"HTTP {self.status}" if self.status is not None else (self.code or "error")
        parts = [f"{head}: {self.message}"]
        if self.details:
            parts.append(f"({self.details})")
        if where:
            parts.append(f"[{where}]")
        if self.request_id:
            parts.append(f"request id {self.request_id}")
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"ApiError({self})"

    @property
    def hint(self) -> str:
        """What an operator can do about it, in a few words."""
        lost = self.status is None or self.code == "BAD_JSON"
        if self.method and self.method not in IDEMPOTENT_METHODS and lost and self.code != "TLS":
            # a write is sent once: never suggest it "will retry" or that trying again is harmless
            if self.code == "CONNECT":
                return "The platform could not be reached, so nothing was sent; try again when it is back."
            return ("The answer was lost: the change may or may not have been made. Refresh to check "
                    "before trying again (writes are never retried automatically).")
        if self.offline:
            return "The platform is unreachable; the app retries by itself (r retries now)."
        if self.code == "TLS":
            return ("Certificate not trusted. Behind a TLS-inspecting proxy, set ca_bundle in the profile to "
                    "its CA file; verification itself is never switched off.")
        if self.status == 401:
            return "Credentials were rejected: check the profile's client id and secret / API key."
        if self.status == 403:
            return "Your user lacks the right for this (LiveRamp: add the API user as Admin to the room)."
        if self.status == 404:
            return "Not found: it may have been deleted, or the id is wrong."
        if self.status == 412:
            return "Precondition failed: the question is not READY (assign its datasets first)."
        if self.status == 429:
            return "Rate limit reached: wait for the budget to free up before trying again."
        if self.code == "BAD_JSON":
            return "The answer arrived cut off or garbled (a flaky link or a proxy?); retry."
        if self.status in (502, 503, 504):
            return "The platform, or a proxy on the way to it, is unavailable; retry later."
        if self.status is not None and self.status >= 500:
            return "The platform had an internal error; retry later."
        return ""


class TokenBudgetExceeded(ApiError):
    """Raised instead of requesting a token that would break the daily issuance limit."""


def _first_request_id(value: str | None) -> str | None:
    # LiveRamp repeats the id: "x-request-id: <uuid>, <uuid>"
    if not value:
        return None
    return value.split(",")[0].strip() or None


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return v
    return json.dumps(v, separators=(",", ":"))[:500]


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def error_from_response(response: httpx.Response, platform: str = "") -> ApiError:
    """Build an :class:`ApiError` from any of the envelopes the two platforms use.

    LiveRamp: Spring default ``{timestamp, status, error, path}``; live
    ``{status: "UNAUTHORIZED", code: 401, timestamp, message, details}``; SPEC ``{code, message}``.
    InfoSum: v2 ``{error: {code, message}, details: {code, message}, request_id, time}``;
    v1 ``{message, metadata}``; rpcStatus ``{code: int, message, details: [...]}``;
    playbook ``{error: "...", code}``.
    """
    status = response.status_code
    request = response.request
    request_id = _first_request_id(response.headers.get("x-request-id"))
    message: str | None = None
    code: str | None = None
    details: str | None = None
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):  # InfoSum v2
            message = _text(err.get("message"))
            code = _text(err.get("code"))
            d = body.get("details")
            if isinstance(d, dict):
                details = _text(d.get("message")) or _text(d.get("code"))
            request_id = _text(body.get("request_id")) or request_id
        else:
            message = _text(body.get("message"))
            if message is None and isinstance(err, str):
                # Spring default body ("Not Found") or InfoSum playbook {"error": "..."}
                message = err if "path" not in body else f"{err}: {body.get('path')}"
            raw_code = body.get("code")
            if isinstance(body.get("status"), str):  # live LiveRamp: status is the name
                code = body["status"]
            elif raw_code is not None and not isinstance(raw_code, int):
                code = str(raw_code)
            d = body.get("details")
            if isinstance(d, str) and d:
                details = d
            elif isinstance(body.get("metadata"), dict) and body["metadata"]:
                details = _text(body["metadata"])
            request_id = _text(body.get("request_id")) or request_id
    elif isinstance(body, str) and body:
        message = body[:300]
    if not message and body is None and _is_html(response):
        # a proxy's or gateway's error page (corporate proxies, load balancers): its title, not its markup
        message = f"{_html_title(response.text) or response.reason_phrase or f'HTTP {status}'} " \
                  "(an HTML error page: a proxy or gateway between you and the platform answered)"
    if not message:
        snippet = response.text[:200].strip() if body is None else ""
        message = snippet or response.reason_phrase or f"HTTP {status}"
    return ApiError(
        message=_clean(message),
        status=status,
        code=code,
        request_id=request_id,
        retryable=status in RETRYABLE_STATUSES,
        platform=platform,
        method=request.method if request is not None else "",
        path=request.url.path if request is not None else "",
        retry_after=parse_retry_after(response.headers.get("retry-after")),
        details=_clean(details) if details else None,
    )


_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def _is_html(response: httpx.Response) -> bool:
    ctype = response.headers.get("content-type", "").lower()
    return "html" in ctype or response.text[:200].lstrip().lower().startswith(("<!doctype html", "<html"))


def _html_title(text: str) -> str:
    found = _TITLE_RE.search(text[:4000])
    return " ".join(found.group(1).split())[:120] if found else ""


_CTRL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    """Error texts come from the platform: strip control characters before anyone prints them."""
    return _CTRL_RE.sub("\ufffd", text)


def _tls_untrusted(exc: BaseException) -> bool:
    import ssl

    seen: BaseException | None = exc
    for _ in range(6):  # httpx wraps httpcore's error, which wraps the ssl module's
        if seen is None:
            break
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def network_error(exc: Exception, method: str, path: str, platform: str) -> ApiError:
    if _tls_untrusted(exc):
        # not an outage and not worth retrying: the certificate chain is not trusted (issue 10)
        return ApiError(message=f"the platform's TLS certificate is not trusted ({exc})", status=None, code="TLS",
                        retryable=False, platform=platform, method=method, path=path)
    if isinstance(exc, httpx.TimeoutException):
        code, msg = "TIMEOUT", f"timed out ({type(exc).__name__})"
    elif isinstance(exc, httpx.ConnectError):
        code, msg = "CONNECT", f"could not connect ({exc})" if str(exc) else "could not connect"
    else:
        code, msg = "NETWORK", f"connection failed ({type(exc).__name__}: {exc})"
    return ApiError(message=msg, status=None, code=code, retryable=True, platform=platform,
                    method=method, path=path)
