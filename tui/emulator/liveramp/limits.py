"""The platform's published limits (reference §3), measured on the emulator clock.

* 20 run + flow-run creations per hour per API user (create-run, cleanroom-flow-runs POST, replay);
* at most 20 status reads per object per hour (a GET of one run / flow run or its ``/status``;
  a list call counts once against the list's parent — the question or the flow);
* 2 tokens per 24 hours per API user.

Every call over a limit is recorded in ``world.limit_violations`` — also when limits are not
enforced, so benchmarks can assert a client never crossed them. With ``strict_limits`` the call is
answered 429 in the gateway envelope, without a Retry-After header (as the real one), and does not
consume budget. A creation attempt is counted as soon as it is authenticated — before the body is
validated — as a gateway in front of the service would (GUESS: so a 400 still costs budget).
"""

from __future__ import annotations

from collections import deque
from datetime import timedelta

from .errors import too_many_requests
from .formats import iso_z

CREATES_PER_HOUR = 20
STATUS_READS_PER_HOUR = 20
TOKENS_PER_DAY = 2


class Limits:
    def __init__(self, world, clock, strict: bool) -> None:
        self.world = world
        self.clock = clock
        self.strict = strict
        self._windows: dict[tuple, deque] = {}

    def _take(self, kind: str, key: tuple, limit: int, window: timedelta, uri: str, message: str,
              **context: str) -> None:
        now = self.clock.now()
        times = self._windows.setdefault((kind, *key), deque())
        while times and times[0] <= now - window:
            times.popleft()
        if len(times) >= limit:
            self.world.limit_violations.append({"kind": kind, "at": iso_z(now), "uri": uri,
                                                "enforced": self.strict, **context})
            if self.strict:
                raise too_many_requests(message)
        times.append(now)

    def creation(self, client_id: str, uri: str) -> None:
        self._take("create", (client_id,), CREATES_PER_HOUR, timedelta(hours=1), uri,
                   f"Rate limit exceeded: at most {CREATES_PER_HOUR} question-run and flow-run creations per hour",
                   client_id=client_id)
        self.world.counters.creates[client_id] += 1

    def status_read(self, client_id: str, object_id: str, uri: str) -> None:
        self._take("status", (client_id, object_id), STATUS_READS_PER_HOUR, timedelta(hours=1), uri,
                   f"Rate limit exceeded: status of {object_id} polled more than {STATUS_READS_PER_HOUR} "
                   "times in an hour", client_id=client_id, object_id=object_id)
        self.world.counters.status_reads[object_id] += 1

    def token(self, client_id: str, uri: str) -> None:
        self._take("token", (client_id,), TOKENS_PER_DAY, timedelta(hours=24), uri,
                   f"Rate limit exceeded: at most {TOKENS_PER_DAY} access tokens per 24 hours; "
                   "reuse the token until it expires", client_id=client_id)
