"""The response headers the live API sends on every answer (reference §1.6)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LIVE_HEADERS = [
    (b"vary", b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-xss-protection", b"1; mode=block"),
    (b"cache-control", b"no-cache, no-store, max-age=0, must-revalidate"),
    (b"pragma", b"no-cache"),
    (b"expires", b"0"),
    (b"x-frame-options", b"DENY"),
]


class LiveHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *LIVE_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
