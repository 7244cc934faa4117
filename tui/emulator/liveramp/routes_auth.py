"""``POST /oauth/token`` (OAuth2 client credentials, vendor flavour) and ``GET /health``.

As the platform (reference §2.1, §1.5): form-encoded ``grant_type=client_credentials`` with HTTP Basic
client id/secret; a JSON body is 415, a missing Basic header 400, GET 405; the answer is camelCase.
Token endpoint errors use the gateway's live envelope.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs

from .auth import TOKEN_LIFETIME_S, mint_token
from .errors import Problem
from .formats import iso_millis_offset
from .routing import Api, Ctx

api = Api()


@api.get("/health")
async def health(ctx: Ctx) -> dict:
    return {"status": "UP", "statusCode": 200, "description": "External API is available", "version": "v1.0.0"}


@api.route("/oauth/token", "GET", "PUT", "PATCH", "DELETE")
async def token_wrong_method(ctx: Ctx) -> dict:
    raise Problem(405, f"Request method '{ctx.request.method}' is not supported", style="live")


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


@api.post("/oauth/token")
async def issue_token(ctx: Ctx) -> dict:
    content_type = ctx.request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        shown = media or "application/octet-stream"
        raise Problem(415, f"Content-Type '{shown}' is not supported", style="live")
    header = ctx.request.headers.get("authorization")
    if header is None:
        raise Problem(400, "Required request header 'Authorization' for method parameter type String is not present",
                      style="live")
    form = parse_qs((await ctx.request.body()).decode("utf-8", "replace"))
    grant = (form.get("grant_type") or [""])[0]
    if grant != "client_credentials":
        raise Problem(400, f"Unsupported grant type '{grant}': use grant_type=client_credentials", style="live")
    credentials = _basic_credentials(header)
    client = ctx.world.clients.get(credentials[0]) if credentials else None
    if client is None or credentials is None or client.secret != credentials[1]:
        raise Problem(401, "Bad credentials", style="live")
    ctx.limits.token(client.client_id, ctx.uri)
    ctx.world.token_requests += 1
    ctx.world.counters.tokens[client.client_id] += 1
    token, expires = mint_token(client.client_id, client.org_id, ctx.now, ctx.world.token_requests)
    return {"accessToken": token, "tokenType": "Bearer", "expiresIn": TOKEN_LIFETIME_S,
            "expiresAt": iso_millis_offset(expires)}
