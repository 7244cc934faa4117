"""The launcher's guarded path, shared by every kind of launch: read-only and offline refusals, the
duplicate guard, the creation budget, the journal intent, the one POST, and — when its answer was
lost — settling it by listing (never by posting again); plus the budgeted status reads and journal
writes that reconciling needs.

A mixin of :class:`tui.core.launch.Launcher` (split out of it along its section banner).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..api.http import ApiError
from ..config import Profile
from .budget import CREATES, BudgetLedger
from .gateway import Gateway
from .launch_outcome import (
    BudgetExhausted,
    DuplicateLaunch,
    LaunchError,
    LaunchFailed,
    LaunchOutcome,
    LaunchUnknown,
    PlatformOffline,
    ReadOnlyProfile,
    _Deferred,
    _reached_target,
    _Spec,
    _Unverifiable,
    answer_lost,
)

# the launcher's logger: one name for the whole launcher, whichever module logs
log = logging.getLogger("tui.core.launch")


class GuardedPath:
    """Guards, journals and sends one launch (see the module docstring)."""

    gateway: Gateway
    profile: Profile
    store: Any
    ledger: BudgetLedger
    duplicate_window_s: float
    _now: Callable[[], datetime]

    if TYPE_CHECKING:  # defined by Launcher
        @property
        def platform(self) -> str: ...
        def recent_launches(self, target: str, fingerprint_params: dict[str, Any]) -> list[Any]: ...

    def _require_liveramp(self) -> None:
        if self.platform != "liveramp":
            raise LaunchError(f"profile {self.profile.name!r} is not a LiveRamp profile")

    async def _guarded(self, spec: _Spec, allow_duplicate: bool) -> LaunchOutcome:
        if self.gateway.readonly:
            raise ReadOnlyProfile(f"profile {self.profile.name!r} is read-only: launching is disabled")
        session = self.gateway.session
        if session is not None and not getattr(session, "online", True):
            raise PlatformOffline(f"profile {self.profile.name!r} is offline: launching is disabled until the "
                                  "platform answers again")
        if not allow_duplicate:
            earlier = self.recent_launches(spec.target, spec.fingerprint_params)
            if earlier:
                raise DuplicateLaunch(earlier, self.duplicate_window_s)
        now = self._now()
        # checked and counted in one store transaction: another process may take the last slot
        if spec.counts_create and not self.ledger.claim_create(now):
            raise BudgetExhausted(self.ledger.creates_free_at(now), self.ledger.creates_per_hour)
        jid = 0
        if self.store is not None:
            jid = self.store.journal_intent(self.profile.name, self.platform, spec.target, spec.fingerprint_params,
                                            spec.request)
            if not jid:
                log.warning("launch journal unavailable: a lost answer could not be reconciled later")
        try:
            object_id, obj = await spec.send()
        except ApiError as exc:
            return await self._after_error(spec, jid, exc, now)
        except BaseException as exc:
            # cancelled (or a bug) while the POST may have been in flight: the object may exist
            self._journal_failed(jid, f"interrupted: {type(exc).__name__}", answered=False)
            raise
        if self.store is not None:
            self.store.journal_succeeded(jid, object_id)
        return self._outcome(spec, object_id, jid, now, obj=obj)

    async def _after_error(self, spec: _Spec, jid: int, exc: ApiError, intent_at: datetime) -> LaunchOutcome:
        if not _reached_target(exc, spec.path_suffix) or not answer_lost(exc):
            self._journal_failed(jid, str(exc), answered=True)
            if exc.status == 429 and spec.counts_create:
                until = self.ledger.backoff_after_429(CREATES, self._now(), exc.retry_after)
                raise LaunchFailed(exc, jid, f"creation limit reached; launching is paused until {until:%H:%M:%S} UTC")
            raise LaunchFailed(exc, jid)
        # the answer was lost: the platform may have created it. List, never post again.
        self._journal_failed(jid, str(exc), answered=False)
        log.warning("launch answer lost (%s); reconciling by listing", exc)
        try:
            found = await spec.reconcile(intent_at, jid)
        except _Unverifiable as why:
            raise LaunchUnknown(exc, jid, f"the answer was lost ({exc.message}); {why}") from None
        except (_Deferred, ApiError) as why:
            raise LaunchUnknown(exc, jid, f"the answer was lost ({exc.message}) and checking failed ({why}); "
                                          "it stays in the launch journal and will be checked again — "
                                          "do not launch again yet") from None
        if found is None:
            note = "the answer was lost, and listing shows nothing was created: it is safe to launch again"
            self._journal_reconciled(jid, None, note)
            raise LaunchFailed(exc, jid, note)
        note = "the answer was lost; the run was found by listing (not posted again)"
        self._journal_reconciled(jid, found, note)
        return self._outcome(spec, found, jid, intent_at, recovered=True, note=note)

    def _outcome(self, spec: _Spec, object_id: str, jid: int, at: datetime, *, obj: Any = None,
                 recovered: bool = False, note: str = "") -> LaunchOutcome:
        return LaunchOutcome(kind=spec.kind, profile=self.profile.name, platform=self.platform, object_id=object_id,
                             name=spec.name, journal_id=jid, launched_at=at, recovered=recovered, note=note, obj=obj,
                             **spec.ids)

    def _journal_failed(self, jid: int, error: str, *, answered: bool) -> None:
        if self.store is not None:
            self.store.journal_failed(jid, error, answered=answered)

    def _journal_reconciled(self, jid: int, object_id: str | None, note: str) -> None:
        if self.store is not None:
            self.store.journal_reconciled(jid, object_id, note)

    def _claimed(self, target: str, fingerprint_params: dict[str, Any], since: datetime, jid: int) -> set[str]:
        """Object ids other journal entries of the same launch already own (so one run is not matched twice)."""
        if self.store is None:
            return set()
        from ..store import params_fingerprint

        entries = self.store.journal_recent(self.profile.name, target, params_fingerprint(target, fingerprint_params),
                                            since - timedelta(days=1))
        return {e.object_id for e in entries if e.object_id and e.id != jid}

    async def _budgeted_read(self, obj: str, fn: Callable[[Any], Awaitable[Any]]) -> Any:
        """A status read spent on reconciling: hourly cap and backoff apply, the 5-min spacing does not."""
        now = self._now()
        if not self.ledger.claim_read(obj, now, urgent=True):
            free = self.ledger.next_read_at(obj, now, urgent=True)
            raise _Deferred(f"the status-read budget of {obj} is used up until {free:%H:%M:%S} UTC")
        try:
            return await self.gateway.read(fn)
        except ApiError as exc:
            if exc.status == 429:
                self.ledger.backoff_after_429(obj, self._now(), exc.retry_after)
            raise
