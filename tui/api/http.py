"""The HTTP layer both platform clients share.

- one error type (:class:`ApiError`) that carries the platform's own message whichever
  envelope it came in, the request id, and whether retrying could help;
- a retry policy that only ever retries idempotent calls (GET/HEAD) — writes are sent once;
- redaction so that secrets never reach a log line, an exception text or a repr.

Modules: redaction is :mod:`tui.api.redaction`, the error type and its builders :mod:`tui.api.errors`;
this module keeps the retry policy and :class:`HttpCore`, and re-exports their names.

No Textual and no SQLite here (DESIGN.md, layers).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from .errors import (
    IDEMPOTENT_METHODS,
    RETRYABLE_STATUSES,
    ApiError,
    TokenBudgetExceeded,
    _first_request_id,
    error_from_response,
    network_error,
    parse_retry_after,
)
from .redaction import REDACT, RedactingFilter, Redactor

log = logging.getLogger("tui.api")

USER_AGENT = "cleanroom-tui/0.1 (+httpx)"


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


__all__ = [
    "IDEMPOTENT_METHODS", "NO_RETRY", "REDACT", "RETRYABLE_STATUSES", "USER_AGENT", "ApiError", "HttpCore",
    "RedactingFilter", "Redactor", "RetryPolicy", "Sleep", "TokenBudgetExceeded", "decode_json",
    "error_from_response", "network_error", "parse_retry_after", "server_clock_offset",
]
