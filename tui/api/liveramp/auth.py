"""Access tokens for LiveRamp Clean Room, spent like the scarce thing they are.

The platform issues at most **2 tokens per 24 h** per API user (reference §2, §3), each valid ~12 h.
So a token is reused until shortly before ``expiresAt``, kept in a 0600 file per profile so that
other processes (headless commands, a second TUI) reuse it too, and requested under an exclusive
``flock`` so two processes never both spend one. The file also remembers when we requested tokens,
and a request that would break the daily allowance is refused locally (:class:`TokenBudgetExceeded`)
instead of being sent.

The cache file holds ``{accessToken, expiresAt, issued}`` — never the client secret.
``expiresAt`` there is the expiry *on our clock* (see :func:`local_expiry`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ...config import Budget, ConfigError, write_private
from ...times import utcnow
from ..http import NO_RETRY, REDACT, ApiError, HttpCore, TokenBudgetExceeded
from . import paths
from .models import TokenInfo, parse_datetime

log = logging.getLogger("tui.api.liveramp.auth")

TOKEN_PATH = "/oauth/token"
#: stop using a token this long before it expires (the SDK uses the same margin)
REFRESH_MARGIN_S = paths.REFRESH_MARGIN_S
#: lifetime assumed when the answer carries neither expiresAt nor expiresIn (documented: 12 h)
DEFAULT_LIFETIME_S = 43200.0
#: how long to wait for another process that holds the token lock before giving up
LOCK_WAIT_S = 60.0
_LOCK_POLL_S = 0.05

Now = Callable[[], datetime]


@dataclass(repr=False)
class TokenRequestRefused(ApiError):
    """The token endpoint itself said no because of its issuance limit (429, or a 400 about limits)."""

    advice: str = ""

    @property
    def hint(self) -> str:
        return self.advice or super().hint


@dataclass(repr=False)
class TokenBudgetSpent(TokenBudgetExceeded):
    """Refused locally: one more token request would break the daily issuance limit."""

    advice: str = ""

    @property
    def hint(self) -> str:
        return self.advice or super().hint


@dataclass
class TokenState:
    """What the cache file holds (and, for in-memory managers, what memory holds)."""

    access_token: str | None = None
    expires_at: datetime | None = None
    issued: list[datetime] = field(default_factory=list)

    def __repr__(self) -> str:  # never the token
        return f"TokenState(has_token={bool(self.access_token)}, expires_at={self.expires_at}, issued={len(self.issued)})"

    def usable(self, now: datetime, margin: float = REFRESH_MARGIN_S) -> bool:
        return bool(self.access_token) and self.expires_at is not None and \
            now + timedelta(seconds=margin) < self.expires_at

    def to_json(self) -> bytes:
        return json.dumps({
            paths.TOKEN_KEY: self.access_token,
            paths.EXPIRES_KEY: self.expires_at.isoformat() if self.expires_at else None,
            "issued": [t.isoformat() for t in self.issued],
        }, indent=1).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> TokenState:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("token cache is not an object")
        token = data.get(paths.TOKEN_KEY)
        issued = [t for t in (parse_datetime(x) for x in data.get("issued") or []) if t is not None]
        return cls(access_token=token if isinstance(token, str) and token else None,
                   expires_at=parse_datetime(data.get(paths.EXPIRES_KEY)), issued=sorted(issued))


def local_expiry(info: TokenInfo, now: datetime) -> datetime:
    """When the token expires, on our clock.

    ``expiresAt`` is authoritative (the docs' ``expiresIn`` sample is wrong: 86400 for a 12 h token).
    But a platform never hands out a token that is already expired, so an ``expiresAt`` at or
    before our "now" means the two clocks disagree (e.g. an emulator on a manual clock): then the
    relative ``expiresIn`` is the better guide.
    """
    if info.expires_at is not None and info.expires_at > now + timedelta(seconds=REFRESH_MARGIN_S):
        return info.expires_at
    if info.expires_in:
        return now + timedelta(seconds=info.expires_in)
    if info.expires_at is not None:
        log.debug("token expiresAt lies in the past on our clock and no expiresIn: assuming 12 h")
    return now + timedelta(seconds=DEFAULT_LIFETIME_S)


cache_file_name = paths.token_cache_name


_LIMIT_WORDS = re.compile(r"(?i)limit|exceed|too many|quota")


class TokenManager:
    """Obtains, caches and shares access tokens for one API user; counts its token requests.

    ``cache_dir=None`` keeps the state in memory only (the in-process demo: its emulator is new
    on every start, so a token from an earlier start could never be valid).
    """

    def __init__(
        self,
        core: HttpCore,
        *,
        profile_name: str,
        base_url: str,
        client_id: str,
        secret: Callable[[], str],
        budget: Budget | None = None,
        cache_dir: Path | None = None,
        now: Now | None = None,
    ) -> None:
        self._core = core
        self._client_id = client_id
        self._secret_source = secret
        self._budget = budget or Budget()
        self._now = now or utcnow
        self.profile_name = profile_name
        self.cache_path = cache_dir / cache_file_name(profile_name, base_url, client_id) if cache_dir else None
        self._memory = TokenState()  # the cache of a manager without a file; a mirror otherwise
        self._lock = asyncio.Lock()
        #: token POSTs this manager sent (tests and benchmarks read it)
        self.token_requests = 0

    def __repr__(self) -> str:
        return (f"TokenManager(profile={self.profile_name!r}, cache={str(self.cache_path) if self.cache_path else 'memory'}, "
                f"token_requests={self.token_requests})")

    # ------------------------------------------------------------------ public

    def current(self) -> str | None:
        """The token held in memory if it is still usable (no I/O)."""
        return self._memory.access_token if self._memory.usable(self._now()) else None

    async def token(self) -> tuple[str, bool]:
        """A usable token, and whether it was requested just now (False: reused from cache)."""
        held = self.current()
        if held:
            return held, False
        async with self._lock, self._locked() as state:
            if state.usable(self._now()):
                self._adopt(state)
                return state.access_token or "", False
            return await self._request(state), True

    async def refresh(self, rejected: str) -> str:
        """A replacement for a token the platform answered 401 to.

        Another coroutine or process may already have replaced it: then that one is used and
        nothing is requested.
        """
        async with self._lock:
            if self._memory.access_token == rejected:
                self._memory.access_token = None
            async with self._locked() as state:
                if state.access_token == rejected:
                    state.access_token, state.expires_at = None, None
                    self._save(state)
                elif state.usable(self._now()):
                    self._adopt(state)
                    return state.access_token or ""
                return await self._request(state)

    def window_s(self) -> float:
        return 24 * self._budget.hour_s

    def summary(self) -> dict[str, Any]:
        """Token and allowance state for status displays — never the token itself."""
        state = self._memory
        if self.cache_path is not None:
            with contextlib.suppress(OSError):
                state = self._load()
        now = self._now()
        window_start = now - timedelta(seconds=self.window_s())
        recent = sorted(t for t in state.issued if t > window_start)
        allowed = self._budget.tokens_per_day
        return {
            "hasToken": state.usable(now),
            "expiresAt": state.expires_at,
            "requestedInWindow": len(recent),
            "allowed": allowed,
            "nextFreeAt": recent[0] + timedelta(seconds=self.window_s()) if len(recent) >= allowed else None,
        }

    # ------------------------------------------------------------------ requesting

    async def _request(self, state: TokenState) -> str:
        now = self._now()
        window_start = now - timedelta(seconds=self.window_s())
        state.issued = [t for t in state.issued if t > window_start]
        allowed = self._budget.tokens_per_day
        if len(state.issued) >= allowed:
            self._save(state)
            raise self._budget_error(state.issued, allowed, now)
        secret = self._secret()
        # counted before sending: if the answer is lost the platform may still have issued one
        sent_at = now
        state.issued.append(sent_at)
        self._save(state)
        self.token_requests += 1
        log.debug("requesting an access token for profile %s (%d of %d in the window)",
                  self.profile_name, len(state.issued), allowed)
        try:
            response = await self._core.send(
                "POST", TOKEN_PATH,
                data={"grant_type": "client_credentials"},
                auth=(self._client_id, secret),
                retry=NO_RETRY,
            )
            info = TokenInfo.model_validate(response.json())
        except ApiError as exc:
            if exc.status is not None or exc.code == "CONNECT":
                # a definite refusal, or never connected: nothing was issued
                with contextlib.suppress(ValueError):
                    state.issued.remove(sent_at)
                self._save(state)
            raise self._token_error(exc) from None
        except ValueError:  # not JSON, or JSON of the wrong shape
            raise ApiError(message="the token endpoint answered without a usable token",
                           status=response.status_code, code="BAD_JSON", platform="liveramp",
                           method="POST", path=TOKEN_PATH) from None
        if not info.access_token:
            raise ApiError(message="the token endpoint answered without an accessToken",
                           status=response.status_code, code="BAD_TOKEN", platform="liveramp",
                           method="POST", path=TOKEN_PATH)
        REDACT.add(info.access_token)
        state.access_token = info.access_token
        state.expires_at = local_expiry(info, self._now())
        self._save(state)
        self._adopt(state)
        log.debug("access token for profile %s valid until %s", self.profile_name, state.expires_at)
        return info.access_token

    def _secret(self) -> str:
        if not self._client_id:
            raise ApiError(message=f"profile {self.profile_name!r} has no client_id", code="CONFIG",
                           platform="liveramp", method="POST", path=TOKEN_PATH)
        try:
            secret = self._secret_source()
        except ConfigError as exc:
            raise ApiError(message=str(exc), code="CONFIG", platform="liveramp",
                           method="POST", path=TOKEN_PATH) from None
        REDACT.add(secret)
        return secret

    def _budget_error(self, issued: list[datetime], allowed: int, now: datetime) -> TokenBudgetExceeded:
        # the oldest request in the window is the next to leave it
        frees_at = (issued[0] if issued else now) + timedelta(seconds=self.window_s())
        return TokenBudgetSpent(
            message=(f"not requesting a new access token: {len(issued)} already requested in the last "
                     f"24 h and the platform allows {allowed} per 24 h; the next one frees up at "
                     f"{format_local(frees_at)}"),
            code="TOKEN_BUDGET", platform="liveramp", method="POST", path=TOKEN_PATH,
            retry_after=max(0.0, (frees_at - now).total_seconds()),
            advice="Tokens are scarce on this platform: wait until then (other processes using this "
                   "profile share the same cached token and allowance).",
        )

    @staticmethod
    def _token_error(exc: ApiError) -> ApiError:
        limited = exc.status == 429 or (exc.status == 400 and _LIMIT_WORDS.search(exc.message or ""))
        if not limited:
            return exc
        return TokenRequestRefused(
            message=exc.message, status=exc.status, code=exc.code, request_id=exc.request_id,
            retryable=False, platform=exc.platform, method=exc.method, path=exc.path,
            retry_after=exc.retry_after, details=exc.details,
            advice=("The platform issues only 2 access tokens per 24 h per API user and refused another; "
                    "wait until one frees up (tokens of other tools using the same API key count too)."),
        )

    # ------------------------------------------------------------------ cache

    def _adopt(self, state: TokenState) -> None:
        if state.access_token:
            REDACT.add(state.access_token)
        self._memory = TokenState(state.access_token, state.expires_at, list(state.issued))

    @contextlib.asynccontextmanager
    async def _locked(self) -> AsyncIterator[TokenState]:
        """The current state, read under an exclusive lock on a sibling ``.lock`` file."""
        if self.cache_path is None:
            yield self._memory
            return
        lock_path = self.cache_path.with_suffix(".lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            await self._flock(fd)
            yield self._load()
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    async def _flock(self, fd: int) -> None:
        # polled rather than blocking in a thread: cancellation then never leaves a lock held
        waited = 0.0
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if waited >= LOCK_WAIT_S:
                    raise ApiError(
                        message=f"another process has held the token lock for {LOCK_WAIT_S:.0f}s "
                                f"({self.cache_path})", code="TOKEN_LOCK", platform="liveramp") from None
                await asyncio.sleep(_LOCK_POLL_S)
                waited += _LOCK_POLL_S

    def _load(self) -> TokenState:
        assert self.cache_path is not None
        try:
            raw = self.cache_path.read_bytes()
        except FileNotFoundError:
            return TokenState(issued=list(self._memory.issued))
        try:
            state = TokenState.from_json(raw)
        except (ValueError, TypeError):
            log.warning("token cache %s is unreadable; starting it afresh", self.cache_path)
            return TokenState(issued=list(self._memory.issued))
        if state.access_token:
            REDACT.add(state.access_token)
        return state

    def _save(self, state: TokenState) -> None:
        if self.cache_path is None:
            self._memory = state
            return
        write_private(self.cache_path, state.to_json())


def format_local(when: datetime) -> str:
    """A local wall-clock time for messages (``2026-11-23 14:05 CET``)."""
    local = when.astimezone()
    zone = local.tzname() or ""
    return f"{local:%Y-%m-%d %H:%M}{' ' + zone if zone else ''}"
