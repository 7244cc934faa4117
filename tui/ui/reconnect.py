"""Coming back online by itself: while a profile's platform is unreachable, probe it now and then.

Nothing else would notice the network returning on an idle screen (every read is user- or
watcher-driven), so while a session is offline one cheap read (LiveRamp: the clean-room list the
home screen needs anyway; InfoSum: ``/me``) is tried after 5 s, then 10, 20, 40 and every 60 s.
The probe goes through the session's client like any read, so LiveRamp's token cache and daily
token budget apply (a probe reuses the cached token; one that would exceed the budget is refused
locally). When a probe answers, the session turns online (the banner goes, writes are allowed
again) and the screen on top reloads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core import infosum as isum
from ..core import liveramp as lr
from ..core.session import Session

BACKOFF_S = (5.0, 10.0, 20.0, 40.0, 60.0)


async def probe(session: Session) -> bool:
    """One cheap read; True when the platform answered (even with an error status)."""
    from ..api.http import ApiError

    try:
        await session.call(lr.probe if session.platform == "liveramp" else isum.probe)
    except ApiError as exc:
        return not exc.offline
    except Exception:
        return False
    return True


class Reconnector:
    """Schedules probes for offline sessions on the app's timers; ``on_back(session)`` runs when one
    answers again."""

    def __init__(self, app: Any, on_back: Callable[[Session], None]) -> None:
        self.app = app
        self.on_back = on_back
        self._attempts: dict[str, int] = {}
        self._timers: dict[str, Any] = {}

    def offline(self, session: Session) -> None:
        """``session`` just went offline: start probing (once; later calls are no-ops)."""
        if session.name not in self._timers:
            self._attempts[session.name] = 0
            self._schedule(session)

    def online(self, session: Session) -> None:
        timer = self._timers.pop(session.name, None)
        if timer is not None:
            timer.stop()
        self._attempts.pop(session.name, None)

    def pending(self) -> list[str]:
        return sorted(self._timers)

    def _schedule(self, session: Session) -> None:
        attempt = self._attempts.get(session.name, 0)
        delay = BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]
        self._timers[session.name] = self.app.set_timer(delay, lambda: self._fire(session))

    def _fire(self, session: Session) -> None:
        self.app.run_worker(self.probe_now(session), group=f"reconnect:{session.name}", exclusive=True,
                            exit_on_error=False, description="probe the platform")

    async def probe_now(self, session: Session) -> bool:
        """Probe at once (also what each timer does). Returns True when back online."""
        if session.online:
            self.online(session)
            return True
        if await probe(session):
            self.online(session)
            self.on_back(session)
            return True
        self._attempts[session.name] = self._attempts.get(session.name, 0) + 1
        self._schedule(session)
        return False
