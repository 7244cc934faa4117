"""Calling a platform through a :class:`~tui.core.session.Session` or straight through a client.

The launcher and the watcher accept either: the TUI hands them its sessions (so the online flag
and read-only mode apply), tests and benchmarks hand them a bare ``LiveRampClient`` or
``InfoSumClient``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


class Gateway:
    def __init__(self, target: Any) -> None:
        # a Session has .client, .call and .write; a platform client has none of the last two
        is_session = hasattr(target, "call") and hasattr(target, "write") and hasattr(target, "client")
        self.session = target if is_session else None
        self._client = None if is_session else target

    @property
    def client(self) -> Any:
        return self.session.client if self.session is not None else self._client

    @property
    def profile(self) -> Any:
        if self.session is not None:
            return self.session.profile
        return getattr(self._client, "profile", None)

    @property
    def readonly(self) -> bool:
        if self.session is not None and getattr(self.session, "readonly", False):
            return True
        profile = self.profile
        return bool(getattr(profile, "read_only", False))

    async def read(self, fn: Callable[[Any], Awaitable[T]]) -> T:
        if self.session is not None:
            return await self.session.call(fn)
        return await fn(self._client)

    async def write(self, fn: Callable[[Any], Awaitable[T]]) -> T:
        """One write, sent once (neither layer retries it)."""
        if self.session is not None:
            return await self.session.write(fn)
        return await fn(self._client)


__all__ = ["Gateway"]
