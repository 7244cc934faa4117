"""Access tokens and the bearer check in front of every route but ``/oauth/token`` and ``/health``.

Tokens are stateless JWT-looking strings (``header.payload.signature``, HMAC-SHA256 over a fixed key
that lives only in this module), so a token stays valid across emulator restarts until its ``exp``
passes on the emulator clock. The platform's real tokens are RS256 JWTs with custom claims; the
client must treat them as opaque either way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import Problem, problem_response, unauthorized

#: deliberately fixed: restarts keep honouring tokens they issued (it signs nothing of value)
_SIGNING_KEY = b"cleanroom-tui/emulator/liveramp: fixed HMAC key for stateless demo tokens"
TOKEN_LIFETIME_S = 43_200  # 12 h, as the platform really issues (reference §2.1, §16)
PUBLIC_PATHS = frozenset({"/oauth/token", "/health"})
INVALID_JWT = "Invalid JWT serialization"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(signing_input: str) -> str:
    return _b64(hmac.new(_SIGNING_KEY, signing_input.encode(), hashlib.sha256).digest())


def mint_token(client_id: str, org_id: str, now: datetime, serial: int) -> tuple[str, datetime]:
    expires = now + timedelta(seconds=TOKEN_LIFETIME_S)
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {"sub": f"{client_id}@clients", "aud": "https://api.habu.com", "client_id": client_id,
              "https://api.habu.com/org": _b64(org_id.encode()), "iat": int(now.timestamp()),
              "exp": int(expires.timestamp()), "jti": serial}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}"
    return f"{signing_input}.{_sign(signing_input)}", expires


def verify_token(token: str, now: datetime) -> dict:
    """Claims ``{client_id, org_id}`` of a valid token, else a 401 Problem."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise unauthorized(INVALID_JWT)
    try:
        claims = json.loads(_unb64(parts[1]))
        json.loads(_unb64(parts[0]))
    except (ValueError, UnicodeDecodeError):
        raise unauthorized(INVALID_JWT) from None
    if not isinstance(claims, dict) or not hmac.compare_digest(_sign(f"{parts[0]}.{parts[1]}"), parts[2]):
        raise unauthorized()
    try:
        expires = float(claims["exp"])
        org_id = _unb64(claims["https://api.habu.com/org"]).decode()
        client_id = str(claims["client_id"])
    except (KeyError, TypeError, ValueError):
        raise unauthorized() from None
    if now.timestamp() >= expires:
        raise unauthorized()
    return {"client_id": client_id, "org_id": org_id}


def relative_path(scope: Scope) -> str:
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


class BearerAuth:
    """Like the platform's security filter, it runs before routing: an unknown path without a
    token is a 401, not a 404."""

    def __init__(self, app: ASGIApp, clock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or relative_path(scope) in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        now = self.clock.now()
        header = ""
        for key, value in scope.get("headers", []):
            if key.lower() == b"authorization":
                header = value.decode("latin-1")
        try:
            scheme, _, token = header.strip().partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise unauthorized()
            scope["lr_claims"] = verify_token(token.strip(), now)
        except Problem as problem:
            await problem_response(problem, scope["path"], now)(scope, receive, send)
            return
        await self.app(scope, receive, send)
