"""A write recorded in the launch journal before it is sent, and its outcome after (issue 20).

Schedules and collaborations are created, changed and deleted outside the :class:`~tui.core.launch.Launcher`
(they are not runs: no creation budget, no duplicate guard), but they keep its rules: the intent is
journaled first (target ``<kind>:<ids…>``, the exact request), the write is sent once, and its outcome
is recorded — succeeded (with the object's id), failed (the platform said no), or lost (no readable
answer: it may have happened). A lost answer is settled by *listing* when the caller says how
(``find``), never by sending again: the object found is the outcome (``Recovered``), and when the
listing shows nothing was made the write's error is raised as it came.

The launcher's own reconciliation marks these targets "unverifiable" (it cannot list them); they are
settled here, on the spot. No Textual.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .reads import Write


@dataclass(frozen=True)
class Recovered:
    """The answer to a write was lost, and listing found what it made (it was not sent again)."""

    object_id: str
    note: str = "the answer was lost; found by listing (not sent again)"


def lost(exc: BaseException) -> bool:
    """No readable answer: the platform may have acted (a 4xx, 429 included, says it did not)."""
    status = getattr(exc, "status", None)
    return status is None or status >= 500 or status < 400


def journaled(session: Any, write: Write[Any], target: str, *,
              object_id: Callable[[Any], str | None] = lambda answer: None,
              find: Callable[[Any], Awaitable[str | None]] | None = None) -> Write[Any]:
    """``write`` with the journal around it (same method, path and body: the confirmation is unchanged).

    ``object_id(answer)``: the id the journal keeps on success; ``find(client)``: after a lost answer,
    the id of what the write made, by listing (None: nothing was made)."""
    store = session.repo.store

    async def call(client: Any) -> Any:
        jid = _intent(store, session, target, write)
        try:
            answer = await write.call(client)
        except Exception as exc:
            if not jid:
                raise
            if not lost(exc) or find is None:
                store.journal_failed(jid, str(exc)[:300], answered=not lost(exc))
                raise
            try:
                found = await find(client)
            except Exception:  # cannot tell now: stays "lost" in the journal, for a person to check
                store.journal_failed(jid, str(exc)[:300], answered=False)
                raise exc from None
            if found is None:
                store.journal_reconciled(jid, None, "answer lost; listing showed nothing was made")
                raise
            recovered = Recovered(found)
            store.journal_reconciled(jid, found, recovered.note)
            return recovered
        if jid:
            store.journal_succeeded(jid, object_id(answer) or target.rsplit(":", 1)[-1])
        return answer

    return Write(write.method, write.path, call, write.body)


def _intent(store: Any, session: Any, target: str, write: Write[Any]) -> int:
    intent = getattr(store, "journal_intent", None)
    if intent is None:  # the in-memory stand-in of a test repo keeps no journal
        return 0
    return intent(session.name, session.platform, target, {"method": write.method, "body": write.body},
                  {"method": write.method, "path": write.path, "body": write.body})


__all__ = ["Recovered", "journaled", "lost"]
