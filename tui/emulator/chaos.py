"""Fault injection for drills (issue 10): the emulator misbehaves the way flaky SSH links, corporate
proxies and overloaded platforms do, per route, deterministically with the seed.

The grammar of ``--chaos SPEC`` (also ``EmulatorOptions(chaos=SPEC)`` and, at run time,
``app.state.chaos.set(SPEC)`` / ``.clear()``)::

    SPEC    := RULE (";" RULE)*
    RULE    := [METHOD " "] PATTERN "=" FAULT ("," OPTION)*
    METHOD  := GET | POST | PUT | PATCH | DELETE | *            (default: any method)
    PATTERN := a glob over the request path, "*" crossing "/"   (e.g. /v1/*, /api/v2/collaborations/*, *)
    FAULT   := latency:DURATION   added delay before the route runs          (250ms, 2s, 0.5)
             | 429                rate limited, no Retry-After (as LiveRamp's gateway)
             | 429:SECONDS        rate limited with "Retry-After: SECONDS"
             | 500                internal error in the platform's own error envelope
             | 502 | 503 | 504    a proxy's HTML error page (not JSON: clients must cope)
             | malformed          the route runs, its body is replaced by invalid JSON (status kept)
             | truncated          the route runs, its JSON body is cut in half (a cut answer)
             | drop-before        the connection drops before the request reaches the route
             | drop-after         the route runs — the server acted — then the connection drops with
                                  no answer (the lost-answer case: a create-run that happened)
             | token-expired      LiveRamp: the bearer token presented expires now (401 in the gateway
                                  envelope, now and for every later call with that token; calls
                                  without a bearer, such as /oauth/token, are left alone);
                                  InfoSum: 401 UNAUTHENTICATED for this call
             | drip:DURATION      the route's body arrives in small chunks, DURATION apart (slow link)
    OPTION  := p=FLOAT            probability per matching call (a seeded RNG: same seed, same faults)
             | times=N            only the first N matching calls (after ``after``), then quiet
             | after=N            let the first N matching calls through untouched

Example: ``POST /v1/cleanroom-questions/*/create-question-run=drop-after,times=1;GET /api/*=503,p=0.3``.

Rules are read in order. ``latency`` rules add up; the first other rule that fires decides the fault.
A dropped connection is an ``httpx.RemoteProtocolError`` in-process (``httpx.ASGITransport``) and a
socket closed mid-answer over real HTTP (uvicorn), so both transports see a transport error.
Delays use ``Chaos.sleep`` (``asyncio.sleep`` unless a test injects its own: no wall-clock waits).
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FAULTS = ("latency", "429", "500", "502", "503", "504", "malformed", "truncated", "drop-before",
          "drop-after", "token-expired", "drip")
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*"})
DROP_MESSAGE = "chaos: connection dropped"

Sleep = Callable[[float], Awaitable[None]]


class ChaosSpecError(ValueError):
    """A SPEC that does not follow the grammar (the message says where)."""


def parse_duration(text: str) -> float:
    """``250ms``, ``2s``, ``1.5`` (seconds) → seconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*", text)
    if not m:
        raise ChaosSpecError(f"not a duration: {text!r} (use e.g. 250ms, 2s, 1.5)")
    value = float(m.group(1))
    return value / 1000 if m.group(2) == "ms" else value


@dataclass
class Rule:
    pattern: str
    fault: str
    method: str = "*"
    #: latency / drip interval, or Retry-After seconds for 429 (None = no header)
    seconds: float | None = None
    p: float = 1.0
    times: int | None = None
    after: int = 0
    #: matching calls seen so far and faults injected (for drills and ``describe``)
    seen: int = 0
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and fnmatch.fnmatchcase(path, self.pattern)

    def fires(self, rng: random.Random) -> bool:
        """Count one matching call; True if the fault applies to it."""
        self.seen += 1
        if self.seen <= self.after:
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        if self.p < 1.0 and rng.random() >= self.p:
            return False
        self.fired += 1
        return True

    def describe(self) -> str:
        fault = self.fault
        if self.fault in ("latency", "drip") or (self.fault == "429" and self.seconds is not None):
            fault += f":{self.seconds:g}" + ("s" if self.fault != "429" else "")
        opts = [f"p={self.p:g}"] if self.p < 1 else []
        opts += [f"times={self.times}"] if self.times is not None else []
        opts += [f"after={self.after}"] if self.after else []
        head = f"{self.method} {self.pattern}" if self.method != "*" else self.pattern
        return ",".join([f"{head}={fault}", *opts])


def parse_rule(text: str) -> Rule:
    head, sep, tail = text.partition("=")
    if not sep or not head.strip() or not tail.strip():
        raise ChaosSpecError(f"rule {text!r}: expected [METHOD ]PATTERN=FAULT[,OPTION…]")
    head = head.strip()
    method, pattern = "*", head
    first, _, rest = head.partition(" ")
    if rest.strip():
        if first.upper() not in METHODS:
            raise ChaosSpecError(f"rule {text!r}: unknown method {first!r}")
        method, pattern = first.upper(), rest.strip()
    fault_text, *options = [part.strip() for part in tail.split(",")]
    name, _, arg = fault_text.partition(":")
    name = name.strip().lower()
    if name not in FAULTS:
        raise ChaosSpecError(f"rule {text!r}: unknown fault {name!r} (one of {', '.join(FAULTS)})")
    rule = Rule(pattern=pattern, fault=name, method=method)
    if name in ("latency", "drip"):
        if not arg:
            raise ChaosSpecError(f"rule {text!r}: {name} needs a duration, e.g. {name}:250ms")
        rule.seconds = parse_duration(arg)
    elif name == "429" and arg:
        rule.seconds = parse_duration(arg)
    elif arg:
        raise ChaosSpecError(f"rule {text!r}: {name} takes no argument")
    for option in options:
        key, _, value = option.partition("=")
        key = key.strip().lower()
        try:
            if key == "p":
                rule.p = float(value)
                if not 0.0 <= rule.p <= 1.0:
                    raise ValueError
            elif key == "times":
                rule.times = int(value)
            elif key == "after":
                rule.after = int(value)
            else:
                raise ChaosSpecError(f"rule {text!r}: unknown option {key!r} (p, times, after)")
        except ValueError:
            raise ChaosSpecError(f"rule {text!r}: bad value in {option!r}") from None
    return rule


def parse_spec(spec: str | None) -> list[Rule]:
    if not spec:
        return []
    return [parse_rule(part.strip()) for part in spec.split(";") if part.strip()]


@dataclass
class Injected:
    """One fault that happened (drills assert on these)."""

    method: str
    path: str
    fault: str


@dataclass
class Chaos:
    """The live fault settings of one emulator (``app.state.chaos``); tests change them at run time."""

    seed: int = 7
    rules: list[Rule] = field(default_factory=list)
    sleep: Sleep = asyncio.sleep
    #: LiveRamp bearer tokens a ``token-expired`` fault has expired
    expired_tokens: set[str] = field(default_factory=set)
    log: list[Injected] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed ^ 0xC4A05)

    def set(self, spec: str | None) -> Chaos:
        """Replace every rule with ``spec`` (parsed first: a bad spec changes nothing)."""
        self.rules = parse_spec(spec)
        return self

    def add(self, spec: str) -> Chaos:
        self.rules.extend(parse_spec(spec))
        return self

    def clear(self) -> Chaos:
        """No more faults (expired tokens stay expired, as they would on the platform)."""
        self.rules = []
        return self

    @property
    def active(self) -> bool:
        return bool(self.rules) or bool(self.expired_tokens)

    def count(self, fault: str | None = None) -> int:
        return sum(1 for i in self.log if fault is None or i.fault == fault)

    def describe(self) -> str:
        return ";".join(r.describe() for r in self.rules)

    def decide(self, method: str, path: str, *, token_call: bool = False) -> tuple[float, Rule | None]:
        """(added latency, the fault rule that fires or None) for one call. ``token_call``: a LiveRamp
        call without a bearer token (``/oauth/token``), which a ``token-expired`` rule leaves alone."""
        delay, chosen = 0.0, None
        for rule in self.rules:
            if not rule.matches(method, path) or (token_call and rule.fault == "token-expired"):
                continue
            if rule.fault == "latency":
                if rule.fires(self.rng):
                    delay += rule.seconds or 0.0
                    self.log.append(Injected(method, path, "latency"))
            elif chosen is None and rule.fires(self.rng):
                chosen = rule
                self.log.append(Injected(method, path, rule.fault))
        return delay, chosen


# --------------------------------------------------------------------------- answers

def _bearer(scope: Scope) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == b"authorization":
            scheme, _, token = value.decode("latin-1").strip().partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return ""


def _json_answer(status: int, body: dict, headers: list[tuple[bytes, bytes]] | None = None):
    from starlette.responses import JSONResponse

    response = JSONResponse(body, status_code=status)
    response.raw_headers.extend(headers or [])
    return response


def _platform_error(scope: Scope, app: ChaosMiddleware, status: int, message: str, code: str):
    """An error answer in the envelope the route's platform uses."""
    now = app.clock.now() if app.clock is not None else None
    path = scope["path"]
    if path.startswith("/v1"):
        from datetime import UTC, datetime

        from .liveramp.errors import business_body, live_body

        now = now or datetime.now(UTC)
        if status in (401, 429):  # the gateway answers these (reference §1.5)
            return live_body(status, message, path, now)
        return business_body(status, message, now)
    from starlette.requests import Request

    from .infosum.errors import ApiFailure, error_body

    class _Clock:
        def now(self):
            from datetime import UTC, datetime

            return now or datetime.now(UTC)

    return error_body(Request(scope), ApiFailure(status, code, message), _Clock())


_PROXY_PAGE = ("<html><head><title>{code} {phrase}</title></head><body><center><h1>{code} {phrase}</h1>"
               "</center><hr><center>corporate-proxy/1.0 (chaos)</center></body></html>\n")


def _drop() -> Exception:
    import httpx  # only drills pay for this import

    return httpx.RemoteProtocolError(DROP_MESSAGE)


class _QuietDrops(logging.Filter):
    """uvicorn logs an app exception with a traceback; a drill's deliberate drop is not news."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (exc is not None and str(exc) == DROP_MESSAGE)


_QUIET = _QuietDrops()


class ChaosMiddleware:
    """Applies ``chaos`` (the :class:`Chaos` on ``app.state``) to every HTTP call."""

    def __init__(self, app: ASGIApp, chaos: Chaos, clock=None) -> None:
        self.app = app
        self.chaos = chaos
        self.clock = clock
        logger = logging.getLogger("uvicorn.error")
        if _QUIET not in logger.filters:
            logger.addFilter(_QUIET)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chaos = self.chaos
        if scope["type"] != "http" or not chaos.active:
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        token = _bearer(scope) if path.startswith("/v1") else ""
        if token and token in chaos.expired_tokens:
            await self._expired(scope, receive, send)
            return
        delay, rule = chaos.decide(method, path, token_call=path.startswith("/v1") and not token)
        if delay:
            await chaos.sleep(delay)
        fault = rule.fault if rule is not None else None
        if fault is None:
            await self.app(scope, receive, send)
        elif fault == "429":
            headers = [] if rule.seconds is None else [(b"retry-after", f"{rule.seconds:g}".encode())]
            body = _platform_error(scope, self, 429, "Too many requests (chaos)", "RESOURCE_EXHAUSTED")
            await _json_answer(429, body, headers)(scope, receive, send)
        elif fault == "500":
            body = _platform_error(scope, self, 500, "Internal server error (chaos)", "INTERNAL")
            await _json_answer(500, body)(scope, receive, send)
        elif fault in ("502", "503", "504"):
            from starlette.responses import HTMLResponse

            status = int(fault)
            page = _PROXY_PAGE.format(code=status, phrase=HTTPStatus(status).phrase)
            await HTMLResponse(page, status_code=status)(scope, receive, send)
        elif fault == "token-expired":
            if token:
                chaos.expired_tokens.add(token)
            await self._expired(scope, receive, send)
        elif fault == "drop-before":
            await _start_then_drop(send)
        else:  # the route runs first: drop-after, malformed, truncated, drip
            status, headers, body = await _run_buffered(self.app, scope, receive)
            if fault == "drop-after":
                await _start_then_drop(send)
                return
            if fault == "malformed":
                body = b'{"data": [{"id": "' + body[:16].replace(b'"', b"'") + b"\x00\xff <!-- not json"
            elif fault == "truncated":
                body = body[: max(1, len(body) // 2)]
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            if fault == "drip":
                step = 64
                for start in range(0, len(body), step):
                    await send({"type": "http.response.body", "body": body[start:start + step],
                                "more_body": True})
                    await chaos.sleep(rule.seconds or 0.0)
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            else:
                await send({"type": "http.response.body", "body": body, "more_body": False})

    async def _expired(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"].startswith("/v1"):
            body = _platform_error(scope, self, 401, "Jwt expired", "UNAUTHENTICATED")
        else:
            body = _platform_error(scope, self, 401, "API key expired or revoked (chaos)", "UNAUTHENTICATED")
        await _json_answer(401, body)(scope, receive, send)


async def _run_buffered(app: ASGIApp, scope: Scope, receive: Receive) -> tuple[int, list, bytes]:
    """Run the route to completion, keeping its answer instead of sending it."""
    status, headers, chunks = 500, [], []

    async def keep(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status, headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, keep)
    return status, headers, b"".join(chunks)


async def _start_then_drop(send: Send) -> None:
    """Begin an answer and break off: uvicorn closes the socket (an exception after the start of a
    response), httpx's ASGI transport re-raises the error — a transport error either way."""
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
    raise _drop()

