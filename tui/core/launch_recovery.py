"""The launcher's crash recovery: intents a crash (or an earlier lost answer) left pending or lost in
the launch journal are settled by listing what the platform holds — found, nothing created,
deferred (no budget now) or unverifiable — and never by posting again.

A mixin of :class:`tui.core.launch.Launcher` (split out of it along its section banner).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..api.http import ApiError
from ..config import Profile
from .launch_outcome import Reconciled, _Deferred, _Unverifiable, parse_target
from .status import FLOW_REPLAY, FLOW_RESUME, FLOW_RUN, INSIGHT_QUERY, QUESTION_RUN


class CrashRecovery:
    """Settles unresolved launch-journal entries (see the module docstring)."""

    profile: Profile
    store: Any
    reconcile_grace_s: float
    _now: Callable[[], datetime]

    if TYPE_CHECKING:  # defined by Launcher and its guarded path
        async def _find_question_run(self, question_id: str, request: dict[str, Any], since: datetime,
                                     jid: int) -> str | None: ...
        async def _find_flow_run(self, cleanroom_id: str, flow_id: str, request: dict[str, Any],
                                 claimed: set[str]) -> str | None: ...
        def _claimed(self, target: str, fingerprint_params: dict[str, Any], since: datetime,
                     jid: int) -> set[str]: ...
        async def _budgeted_read(self, obj: str, fn: Callable[[Any], Awaitable[Any]]) -> Any: ...
        def _journal_reconciled(self, jid: int, object_id: str | None, note: str) -> None: ...

    async def reconcile_unresolved(self, *, before: datetime | None = None) -> list[Reconciled]:
        """Settle intents left pending/lost (a crash mid-POST, an answer lost earlier) by listing.

        Intents younger than the grace period are left alone (another instance may be awaiting the
        answer) unless ``before`` says otherwise. Entries that cannot be checked now stay unresolved.
        """
        if self.store is None:
            return []
        cutoff = before or (self._now() - timedelta(seconds=self.reconcile_grace_s))
        results: list[Reconciled] = []
        for entry in self.store.journal_unresolved(self.profile.name, before=cutoff):
            results.append(await self._reconcile_entry(entry))
        return results

    async def _reconcile_entry(self, entry: Any) -> Reconciled:
        kind, ids = parse_target(entry.target)
        request = dict(entry.request or {})
        since = entry.created_at
        try:
            if kind == QUESTION_RUN and len(ids) == 1:
                found = await self._find_question_run(ids[0], request, since, entry.id)
            elif (kind, len(ids)) in ((FLOW_RUN, 2), (FLOW_REPLAY, 3)):
                claimed = self._claimed(entry.target, dict(entry.params or {}), since, entry.id)
                found = await self._find_flow_run(ids[0], ids[1], request, claimed)
            elif kind == FLOW_RESUME and len(ids) == 2:
                run = await self._budgeted_read(ids[1], lambda c: c.get_flow_run(ids[0], ids[1]))
                found = None if str(run.status).upper() == "PAUSED" else ids[1]
            elif kind == INSIGHT_QUERY:
                raise _Unverifiable("InfoSum cannot list insight queries: outcome unknown; "
                                    "running the query again is safe")
            else:
                raise _Unverifiable(f"unknown launch target {entry.target!r}")
        except _Unverifiable as why:
            self._journal_reconciled(entry.id, None, str(why))
            return Reconciled(entry, "unverifiable", None, str(why))
        except (_Deferred, ApiError) as why:
            return Reconciled(entry, "deferred", None, str(why))
        if found is None:
            note = "reconciled by listing: nothing was created"
            self._journal_reconciled(entry.id, None, note)
            return Reconciled(entry, "not_created", None, note)
        note = "reconciled by listing: found (not posted again)"
        self._journal_reconciled(entry.id, found, note)
        return Reconciled(entry, "found", found, note)
