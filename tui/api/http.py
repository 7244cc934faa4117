"""The HTTP layer both platform clients share.

- one error type (:class:`ApiError`) that carries the platform's own message whichever
  envelope it came in, the request id, and whether retrying could help;
- a retry policy that only ever retries idempotent calls (GET/HEAD) — writes are sent once;
- redaction so that secrets never reach a log line, an exception text or a repr.

No Textual and no SQLite here (DESIGN.md, layers).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

log = logging.getLogger("tui.api")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "cleanroom-tui/0.1 (+httpx)"


# --------------------------------------------------------------------------- redaction

class Redactor:
    """Replaces every registered secret (and bearer/basic credentials) in a text."""

    _AUTH_RE = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}")

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, *secrets: str | None) -> None:
        for s in secrets:
            if s and len(s) >= 4:
                self._secrets.add(s)

    def __call__(self, text: str) -> str:
        for s in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(s, "***")
        return self._AUTH_RE.sub(lambda m: f"{m.group(1)} ***", text)


#: process-wide redactor; clients register their secrets here the moment they read them.
REDACT = Redactor()


class RedactingFilter(logging.Filter):
    """Logging filter that scrubs secrets from every record that passes through (for handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _scrub(record)
        return True


def _scrub(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a malformed format string: leave it to logging's own error path
        return record
    record.msg = REDACT(message)
    record.args = None
    return record


def _install_record_factory() -> None:
    """Scrub every record our own loggers (``tui.*``) create, whichever handler receives it.

    A logger filter would only see records logged on that exact logger, not its children.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_cleanroom_redacting", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if record.name == "tui" or record.name.startswith("tui."):
            _scrub(record)
        return record

    factory._cleanroom_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


_install_record_factory()


# --------------------------------------------------------------------------- errors

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


# --------------------------------------------------------------------------- retries

@dataclass
class RetryPolicy:
    """Capped exponential backoff with full jitter, for idempotent calls only."""

    attempts: int = 4  # total tries, including the first
    base: float = 0.5
    cap: float = 8.0
    #: longest Retry-After we are willing to sleep through inside one call
    max_retry_after: float = 30.0

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return rng.uniform(0, min(self.cap, self.base * (2 ** attempt)))


NO_RETRY = RetryPolicy(attempts=1)


Sleep = Callable[[float], Awaitable[None]]


def server_clock_offset(date_header: str | None, now: datetime | None = None) -> timedelta | None:
    """The sender's clock minus ours from an HTTP ``Date`` header (None when absent or unreadable)."""
    if not date_header:
        return None
    from email.utils import parsedate_to_datetime

    try:
        sent = parsedate_to_datetime(date_header)
    except (TypeError, ValueError, IndexError):
        return None
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    return sent - (now or datetime.now(UTC))


class HttpCore:
    """One ``httpx.AsyncClient`` plus the retry/error policy. Platform clients wrap it."""

    def __init__(
        self,
        base_url: str,
        *,
        platform: str,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
        verify: bool | str = True,  # True or a CA bundle path
        on_call: Callable[[str, str, int | None], None] | None = None,
        now: Callable[[], datetime] | None = None,  # "our" clock, for the platform's clock offset
    ) -> None:
        self.platform = platform
        self._now = now
        self.retry = retry or RetryPolicy()
        #: the platform's clock minus ours, from the ``Date`` header of the latest answer (None: none seen)
        self.server_clock_offset: timedelta | None = None
        self._sleep = sleep or asyncio.sleep
        self._rng = rng or random.Random()
        self._on_call = on_call
        if verify is False:  # certificate checks are never switched off (issue 10)
            raise ValueError("TLS verification cannot be disabled; set a CA bundle path instead")
        if isinstance(verify, str):  # a custom CA bundle (corporate proxies): still verified
            import ssl

            try:
                verify = ssl.create_default_context(cafile=verify)
            except (OSError, ssl.SSLError) as exc:  # moved or unreadable since the config was read
                raise ApiError(message=f"cannot load the CA bundle {verify}: {exc}", code="CA_BUNDLE",
                               platform=platform) from None
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=timeout or httpx.Timeout(20.0, connect=5.0),
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=4, keepalive_expiry=60),
            http2=False,
            verify=verify,
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    async def send(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | Iterable[tuple[str, Any]] | None = None,
        json_body: Any = None,
        data: dict[str, str] | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
        retry: RetryPolicy | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        """Send one call; raise :class:`ApiError` on any failure.

        GET/HEAD retry on connect errors, timeouts, 5xx, and 429 that carries Retry-After;
        every other method is sent exactly once, whatever happens.
        """
        method = method.upper()
        policy = retry or self.retry
        if method not in IDEMPOTENT_METHODS:
            policy = NO_RETRY
        if params is not None and isinstance(params, dict):
            params = {k: v for k, v in params.items() if v is not None}
        last: ApiError | None = None
        for attempt in range(policy.attempts):
            request = self.http.build_request(
                method, path, headers=headers, params=params, json=json_body, data=data,
            )
            if auth is not None:
                request = _apply_auth(request, auth)
            try:
                response = await self.http.send(request, stream=stream)
            except httpx.TransportError as exc:
                last = network_error(exc, method, request.url.path, self.platform)
                self._note(method, request.url.path, None)
                if not last.retryable:
                    raise last from None
            else:
                self._note(method, request.url.path, response.status_code)
                self._read_server_clock(response)
                if response.status_code < 400:
                    return response
                if stream:
                    await response.aread()
                last = error_from_response(response, self.platform)
                if not last.retryable:
                    raise last
                if response.status_code == 429 and last.retry_after is None:
                    # No Retry-After (LiveRamp never sends one): a quick retry would only spend more
                    # of a per-hour budget. The caller's budget ledger backs off instead.
                    raise last
            if attempt + 1 >= policy.attempts:
                break
            wait = policy.delay(attempt, self._rng, last.retry_after)
            if last.retry_after is not None and last.retry_after > policy.max_retry_after:
                break  # the platform asks for a longer pause than a call should block
            log.debug("retrying %s %s in %.2fs after %s", method, path, wait, last)
            await self._sleep(wait)
        assert last is not None
        raise last

    async def json(self, method: str, path: str, **kw: Any) -> Any:
        response = await self.send(method, path, **kw)
        return decode_json(response, self.platform)

    def _read_server_clock(self, response: httpx.Response) -> None:
        """Keep the platform's clock offset (the launcher's lost-answer listing is dated in its time)."""
        offset = server_clock_offset(response.headers.get("date"), self._now() if self._now else None)
        if offset is not None:
            self.server_clock_offset = offset

    def _note(self, method: str, path: str, status: int | None) -> None:
        if self._on_call is not None:
            self._on_call(method, path, status)


def _apply_auth(request: httpx.Request, auth: httpx.Auth | tuple[str, str]) -> httpx.Request:
    if isinstance(auth, tuple):
        auth = httpx.BasicAuth(*auth)
    flow = auth.sync_auth_flow(request)
    return next(flow)


def decode_json(response: httpx.Response, platform: str = "") -> Any:
    """Decode a success body; a body that is not JSON becomes an :class:`ApiError`."""
    if not response.content:
        return None
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError) as exc:
        req = response.request
        raise ApiError(
            message=f"the platform sent a response that is not valid JSON ({type(exc).__name__})",
            status=response.status_code, code="BAD_JSON", retryable=True, platform=platform,
            method=req.method if req else "", path=req.url.path if req else "",
            request_id=_first_request_id(response.headers.get("x-request-id")),
        ) from None
