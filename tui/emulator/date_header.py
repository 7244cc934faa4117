"""Every answer carries ``Date`` from the emulated platform's clock, as a real server's from its own.

Clients learn the platform's clock from it (the launcher dates its lost-answer listing in platform
time), so a test can give the emulator a clock that runs behind or ahead of ours. uvicorn's own
``Date`` (wall time) is switched off where the emulator is served (:mod:`.server`).
"""

from __future__ import annotations

from email.utils import format_datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class DateHeaderMiddleware:
    def __init__(self, app: ASGIApp, clock: object) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_date(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                headers.append((b"date", format_datetime(self.clock.now(), usegmt=True).encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_date)


__all__ = ["DateHeaderMiddleware"]
