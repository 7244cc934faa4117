"""Small helpers used by both emulated APIs (never by the client: the emulator shares no code with api/)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Ids:
    """Deterministic identifiers for a seeded world."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def salt(self, salt: int) -> None:
        """From now on, ids differ per ``salt`` (the seeded world built before stays as it was): the
        objects a demo process creates must not reuse the ids an earlier process gave out."""
        self.rng = random.Random(f"{self.rng.getrandbits(64)}:{salt}")

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def token(self, n: int = 10, alphabet: str = "abcdefghijklmnopqrstuvwxyz0123456789") -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))


def iso_z(dt: datetime | None) -> str | None:
    """RFC 3339 UTC with a ``Z`` and no fraction, as both platforms print most times."""
    if dt is None:
        return None
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class RequestIdMiddleware:
    """Every answer carries ``x-request-id`` (LiveRamp prints the same uuid twice)."""

    def __init__(self, app: ASGIApp, seed: int = 0) -> None:
        self.app = app
        self._rng = random.Random(seed ^ 0x5EED)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        scope.setdefault("state", {})["request_id"] = rid
        doubled = scope["path"].startswith("/v1")

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                value = f"{rid}, {rid}" if doubled else rid
                headers.append((b"x-request-id", value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)
