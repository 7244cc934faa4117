"""Exit codes of the headless commands. Stable: scripts and cron jobs branch on them.

Precedence when several apply: 130 > 2 > 3 > 5 > 1 > 4 > 0 (an API error outranks stale data;
a failed run outranks "offline" because it was observed, not guessed).
"""

from __future__ import annotations

OK = 0
#: a watched (or launched-and-watched) run ended FAILED or CANCELLED
RUN_FAILED = 1
#: bad flags or arguments, an id/name that matches nothing, a profile/config problem, a refused launch
USAGE = 2
#: the platform answered with an error (auth, 4xx, 5xx), or it is unreachable and nothing is cached
API_ERROR = 3
#: the platform was unreachable and the answer came from the local cache (``--allow-stale`` → 0)
OFFLINE_STALE = 4
#: ``watch --until-done --timeout S`` gave up with runs still going
TIMED_OUT = 5
#: interrupted (Ctrl-C / SIGINT)
INTERRUPTED = 130

#: the table README shows (code, meaning)
TABLE: tuple[tuple[int, str], ...] = (
    (OK, "ok"),
    (RUN_FAILED, "a watched run failed (or was cancelled)"),
    (USAGE, "usage error: bad flags/arguments, unknown id or profile, launch refused"),
    (API_ERROR, "API or auth error (also: offline with nothing cached)"),
    (OFFLINE_STALE, "offline: the answer came from the cache (--allow-stale makes it 0)"),
    (TIMED_OUT, "watch --timeout reached with runs still active"),
    (INTERRUPTED, "interrupted (Ctrl-C)"),
)

_RANK = {INTERRUPTED: 6, USAGE: 5, API_ERROR: 4, TIMED_OUT: 3, RUN_FAILED: 2, OFFLINE_STALE: 1, OK: 0}


def worst(*codes: int) -> int:
    """The code that wins when several apply (see the module docstring)."""
    return max(codes, key=lambda c: _RANK.get(c, 0), default=OK)


__all__ = ["API_ERROR", "INTERRUPTED", "OFFLINE_STALE", "OK", "RUN_FAILED", "TABLE", "TIMED_OUT", "USAGE", "worst"]
