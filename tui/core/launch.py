"""Launching runs safely: validation, duplicate guard, creation budget, journal, reconciliation.

DESIGN.md principle 3, "never retry a write blindly": LiveRamp's create-run has no idempotency key
(reference §1.7), so a create sent twice is two runs and twice the budget. Every launch therefore goes

    validate → "again?" guard → creation budget → journal intent → POST exactly once → journal outcome

and an answer that never arrived (dropped connection, timeout, a 5xx, an unreadable body) is settled
by LISTING the question's runs submitted since the intent and matching name + parameters — never by
posting again. Intents left ``pending`` by a crash are settled the same way by
:meth:`Launcher.reconcile_unresolved`.

API::

    launcher = Launcher(session_or_client, store, profile=None, budget=None, now=None, *, ledger=None)

    form = await launcher.prepare_launch(question_id, last_run=None, title=None)      # -> LaunchForm
    form = await launcher.prepare_rerun(question_id, run, title=None)                 # "run again"
    launcher.check_duplicate(question_id, request)   -> [JournalEntry]   # same params within 15 min
    outcome = await launcher.launch(question_id, request, allow_duplicate=False)     # -> LaunchOutcome
    outcome = await launcher.launch_form(form, allow_duplicate=False)

    flow = await launcher.prepare_flow_launch(cleanroom_id, flow_id, last_run=None, title="")
    await launcher.launch_flow_run(cleanroom_id, flow_id, request, allow_duplicate=False)
    await launcher.resume_flow_run(cleanroom_id, run_id, pause_level=None)
    await launcher.replay_flow_run(cleanroom_id, flow_id, run_id, start_level, pause_level=None, name=None,
                                   nodes=None, allow_duplicate=False)

    await launcher.launch_query(collaboration_id, query_text, sample=False, allow_duplicate=False)  # InfoSum
    launcher.launched_request(object_id) -> dict | None     # the journaled request ("run again" for a query)
    Launcher.replay_fingerprint(request)                     # the duplicate guard's key of a replay

    await launcher.reconcile_unresolved(before=None) -> [Reconciled]   # at start-up: crashes mid-POST
    launcher.creates_left() / launcher.creates_free_at()                # for the budget meter

``now`` is the clock the profile's budget is measured in: wall time by default (the demo's budget
is scaled to its fast clock) — not ``Session.now()``, which in the demo is the emulated world's
clock. Share one ledger with the watcher: ``watcher.attach(session, ledger=launcher.ledger)``;
ledgers of one profile in different processes share their books through the store anyway.

Refusals raise before anything is sent: :class:`InvalidParameters` (per-field messages),
:class:`ReadOnlyProfile`, :class:`DuplicateLaunch` (``.entries``: the earlier launches; pass
``allow_duplicate=True`` once the user said "again"), :class:`BudgetExhausted` (``.free_at``).
After the POST: success → :class:`LaunchOutcome` (``recovered=True`` when the answer was lost and the
run was found by listing); the platform said no → :class:`LaunchFailed` (nothing created;
``.error`` is the :class:`ApiError`); the answer was lost and could not be settled now →
:class:`LaunchUnknown` (the journal keeps it ``lost``; do not launch again until reconciled).

Decisions (reference silent):
- a creation counts against the budget when it is attempted (the emulator, like a gateway, counts
  before validating), so even a refused create spends a slot;
- replays count as creations (they create a run; the emulator counts them); resumes do not;
- a 429 on create backs creations off for a whole budget-hour ("stop for the rest of that hour");
- lost = no HTTP status, a 5xx, or a 2xx whose body could not be read — the platform may have
  created the run; an error raised before the request left (token budget, read-only) is "not sent";
- matching a lost run: same name and every sent parameter value equal (the platform adds defaults),
  submitted since the day before the intent *on the platform's clock* (offset from its ``Date``
  header; no start bound when none was seen), and not already claimed by another journal entry;
  "nothing was created" only when the listing ran out — more runs than the check may read keeps the
  launch unresolved ("do not launch again yet"), never "safe";
  listing spends status reads of the question (the hourly cap applies, the 5-min spacing does not);
- InfoSum has no creation budget and no way to list insight queries: a lost query answer stays
  unknown (re-running an insight query is harmless — it creates nothing lasting).

Modules: the refusals, outcomes and matching helpers are in :mod:`tui.core.launch_outcome`; the
guarded path (guard → journal → one POST → settle a lost answer) in :mod:`tui.core.launch_guard`;
crash recovery (:meth:`Launcher.reconcile_unresolved`) in :mod:`tui.core.launch_recovery`. This
module keeps the :class:`Launcher` (its forms, duplicate guard and each kind of launch, with the
listing that finds a lost run) and re-exports every public name.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from ..api.http import ApiError
from ..config import Budget, Profile
from . import infosum as isum
from . import liveramp as lr
from .budget import BudgetLedger, utcnow
from .gateway import Gateway
from .launch_form import FlowLaunchForm, InvalidParameters, LaunchForm, check_run_name
from .launch_guard import GuardedPath
from .launch_outcome import (
    BudgetExhausted,
    DuplicateLaunch,
    LaunchError,
    LaunchFailed,
    LaunchOutcome,
    LaunchUnknown,
    PlatformOffline,
    ReadOnlyProfile,
    Reconciled,
    _Deferred,
    _flow_run_matches,
    _partitions_key,
    _run_matches,
    _Spec,
    _Unverifiable,
    answer_lost,
    parse_target,
    target_of,
)
from .launch_recovery import CrashRecovery
from .status import FLOW_REPLAY, FLOW_RESUME, FLOW_RUN, INSIGHT_QUERY, QUESTION_RUN

Now = Callable[[], datetime]

#: "launch the same thing again?" looks back this far
DUPLICATE_WINDOW_S = 15 * 60
#: reconcile_unresolved leaves younger intents alone: another instance may still be awaiting its answer
RECONCILE_GRACE_S = 120
#: runs listed per page while reconciling (the SPEC maximum), and pages at most
RECONCILE_PAGE = 100
RECONCILE_PAGES = 3


# --------------------------------------------------------------------------- the launcher

class Launcher(GuardedPath, CrashRecovery):
    """Launches for one profile, through its session (or a bare client)."""

    def __init__(self, target: Any, store: Any = None, profile: Profile | None = None,
                 budget: Budget | None = None, now: Now | None = None, *, ledger: BudgetLedger | None = None,
                 duplicate_window_s: float = DUPLICATE_WINDOW_S, reconcile_grace_s: float = RECONCILE_GRACE_S) -> None:
        self.gateway = Gateway(target)
        self.profile = profile or self.gateway.profile
        if self.profile is None:
            raise ValueError("Launcher needs a profile (pass one, or a session/client that has it)")
        self.store = store
        self._now = now or utcnow
        self.budget = budget or self.profile.budget
        self.ledger = ledger or BudgetLedger(self.profile.name, self.budget, store, self._now)
        self.duplicate_window_s = duplicate_window_s
        self.reconcile_grace_s = reconcile_grace_s

    @property
    def platform(self) -> str:
        return self.profile.platform

    def now(self) -> datetime:
        return self._now()

    # ------------------------------------------------------------------ budget meter

    def creates_left(self) -> int | None:
        """Creations left this budget-hour; None on InfoSum (no published creation budget)."""
        return self.ledger.remaining_creates() if self.platform == "liveramp" else None

    def creates_free_at(self) -> datetime | None:
        return self.ledger.creates_free_at() if self.platform == "liveramp" else None

    # ------------------------------------------------------------------ forms

    async def prepare_launch(self, question_id: str, last_run: Any = None, title: str | None = None,
                             now: datetime | None = None) -> LaunchForm:
        """The form for a question (its parameter list is not a status read: no budget spent)."""
        params = await self.gateway.read(lambda c: c.question_parameters(question_id))
        return LaunchForm.from_question(params, last_run, question_id=question_id, title=title, now=now)

    async def prepare_rerun(self, question_id: str, run: Any, title: str | None = None,
                            now: datetime | None = None) -> LaunchForm:
        """"Run again with the same parameters": today's parameter list, the run's values, a new name."""
        params = await self.gateway.read(lambda c: c.question_parameters(question_id))
        return LaunchForm.from_run(params, run, question_id=question_id, title=title, now=now)

    async def prepare_flow_launch(self, cleanroom_id: str, flow_id: str, last_run: Any = None, title: str = "",
                                  now: datetime | None = None) -> FlowLaunchForm:
        params = await self.gateway.read(lambda c: c.flow_run_parameters(cleanroom_id, flow_id))
        return FlowLaunchForm.from_flow(params, last_run, cleanroom_id=cleanroom_id, flow_id=flow_id,
                                        title=title, now=now)

    # ------------------------------------------------------------------ duplicate guard

    def recent_launches(self, target: str, fingerprint_params: dict[str, Any],
                        window_s: float | None = None) -> list[Any]:
        """Earlier launches of ``target`` with the same parameters in the window that did or may have
        created something (answered failures and settled "nothing created" are left out)."""
        if self.store is None:
            return []
        from ..store import params_fingerprint

        since = self._now() - timedelta(seconds=self.duplicate_window_s if window_s is None else window_s)
        entries = self.store.journal_recent(self.profile.name, target, params_fingerprint(target, fingerprint_params),
                                            since)
        return [e for e in entries
                if e.state != "failed" and not (e.state == "reconciled" and not e.object_id)]

    def check_duplicate(self, question_id: str, request: dict[str, Any], *,
                        window_s: float | None = None) -> list[Any]:
        return self.recent_launches(target_of(QUESTION_RUN, question_id), self._run_fingerprint(request), window_s)

    def check_duplicate_flow(self, cleanroom_id: str, flow_id: str, request: dict[str, Any], *,
                             window_s: float | None = None) -> list[Any]:
        return self.recent_launches(target_of(FLOW_RUN, cleanroom_id, flow_id), self._flow_fingerprint(request),
                                    window_s)

    def check_duplicate_query(self, collaboration_id: str | None, query_text: str, *,
                              window_s: float | None = None) -> list[Any]:
        return self.recent_launches(target_of(INSIGHT_QUERY, collaboration_id), {"query": query_text.strip()},
                                    window_s)

    @staticmethod
    def _run_fingerprint(request: dict[str, Any]) -> dict[str, Any]:
        # the name is left out on purpose: it carries a time stamp, the parameters are what repeats
        return {"parameters": dict(request.get("parameters") or {}),
                "partitionParameters": _partitions_key(request.get("partitionParameters"))}

    @staticmethod
    def _flow_fingerprint(request: dict[str, Any]) -> dict[str, Any]:
        nodes = sorted([str(n.get("nodeIdentifier", "")), sorted((n.get("parameters") or {}).items())]
                       for n in request.get("nodes") or [])
        return {"nodes": nodes, "pauseLevelID": request.get("pauseLevelID")}

    # ------------------------------------------------------------------ question runs

    async def launch_form(self, form: LaunchForm | FlowLaunchForm, *, allow_duplicate: bool = False) -> LaunchOutcome:
        request = form.build_request()  # raises InvalidParameters before anything else happens
        if isinstance(form, FlowLaunchForm):
            return await self.launch_flow_run(form.cleanroom_id, form.flow_id, request,
                                              allow_duplicate=allow_duplicate)
        return await self.launch(form.question_id, request, allow_duplicate=allow_duplicate)

    async def launch(self, question_id: str, request: dict[str, Any], *, fields: list[Any] | None = None,
                     allow_duplicate: bool = False) -> LaunchOutcome:
        """Create one run of a cleanroom question from ``request`` (``{name, parameters[, partitionParameters]}``,
        e.g. ``LaunchForm.build_request()``); ``fields`` re-validates the values first."""
        self._require_liveramp()
        name = str(request.get("name", ""))
        self._validate(name, fields, request)

        async def send() -> tuple[str, Any]:
            run = await self.gateway.write(lr.create_run(question_id, request).call)
            return run.id, run

        async def reconcile(since: datetime, jid: int) -> str | None:
            return await self._find_question_run(question_id, request, since, jid)

        spec = _Spec(QUESTION_RUN, target_of(QUESTION_RUN, question_id), self._run_fingerprint(request), request,
                     name, send, reconcile, ("/create-run",), True, {"question_id": question_id})
        return await self._guarded(spec, allow_duplicate)

    def _validate(self, name: str, fields: list[Any] | None, request: dict[str, Any]) -> None:
        errors: dict[str, str] = {}
        problem = check_run_name(name)
        if problem:
            errors["name"] = problem
        if fields:
            from .params import validate_values

            sent = dict(request.get("parameters") or {})
            sent.update({str(p.get("name")): str(p.get("value", "")) for p in request.get("partitionParameters") or []
                         if isinstance(p, dict)})
            _clean, field_errors = validate_values(fields, {f.key: sent.get(f.name, "") for f in fields})
            errors.update(field_errors)
        if errors:
            raise InvalidParameters(errors)

    async def _find_question_run(self, question_id: str, request: dict[str, Any], since: datetime,
                                 jid: int) -> str | None:
        claimed = self._claimed(target_of(QUESTION_RUN, question_id), self._run_fingerprint(request), since, jid)
        start_date = self._platform_day_before(since)
        for page in range(RECONCILE_PAGES):
            runs = await self._budgeted_read(
                question_id, lambda c, off=page * RECONCILE_PAGE: c.list_runs(
                    question_id, start_date=start_date, limit=RECONCILE_PAGE, offset=off))
            matches = [r for r in runs if r.id and r.id not in claimed and _run_matches(r, request)]
            if matches:
                # the earliest unclaimed match: later ones belong to later launches of the same thing
                matches.sort(key=lambda r: (r.submitted_at is None, r.submitted_at or since))
                return matches[0].id
            if len(runs) < RECONCILE_PAGE:
                return None  # the whole window was listed: nothing was created
        raise _Deferred(f"more than {RECONCILE_PAGES * RECONCILE_PAGE} runs to look through; not sure yet")

    def _platform_day_before(self, since: datetime) -> date | None:
        """The listing's ``startDate``: the day before the intent *on the platform's clock*.

        The platform filters on its own ``submittedAt``; were its clock a day behind ours, a window
        from our clock would miss the run and "nothing was created" would be wrong — the one unsafe
        answer. The offset comes from the ``Date`` header of the platform's latest answer (the lost
        one's too, when it had one); with none seen, no start bound at all (verified by name and
        parameters, and "not created" only once the listing ran out).
        """
        offset = getattr(self.gateway.client, "server_clock_offset", None)
        if not isinstance(offset, timedelta):
            return None
        return (since + offset - timedelta(days=1)).date()

    # ------------------------------------------------------------------ flow runs

    async def launch_flow_run(self, cleanroom_id: str, flow_id: str, request: dict[str, Any], *,
                              allow_duplicate: bool = False) -> LaunchOutcome:
        """Start a flow run from ``request`` (``FlowLaunchForm.build_request()``: name, nodes, pauseLevelID)."""
        self._require_liveramp()
        name = str(request.get("name", ""))
        self._validate(name, None, request)

        async def send() -> tuple[str, Any]:
            run = await self.gateway.write(lr.create_flow_run(cleanroom_id, flow_id, request).call)
            return run.id, run

        async def reconcile(since: datetime, jid: int) -> str | None:
            claimed = self._claimed(target_of(FLOW_RUN, cleanroom_id, flow_id), self._flow_fingerprint(request),
                                    since, jid)
            return await self._find_flow_run(cleanroom_id, flow_id, request, claimed)

        spec = _Spec(FLOW_RUN, target_of(FLOW_RUN, cleanroom_id, flow_id), self._flow_fingerprint(request), request,
                     name, send, reconcile, ("/cleanroom-flow-runs",), True,
                     {"cleanroom_id": cleanroom_id, "flow_id": flow_id})
        return await self._guarded(spec, allow_duplicate)

    async def resume_flow_run(self, cleanroom_id: str, run_id: str, pause_level: int | str | None = None,
                              *, flow_id: str | None = None) -> LaunchOutcome:
        """Resume a PAUSED flow run (not a creation: no creation budget), journaled like a launch."""
        self._require_liveramp()
        from ..api.liveramp.client import level_id

        request: dict[str, Any] = {}
        if (level := level_id(pause_level)) is not None:
            request["pauseLevelID"] = level

        async def send() -> tuple[str, Any]:
            answer = await self.gateway.write(lr.resume_flow_run(cleanroom_id, run_id, pause_level).call)
            if getattr(answer, "success", None) is False:
                raise ApiError(message=getattr(answer, "message", None) or "the platform refused to resume",
                               status=400, code="NOT_RESUMED", platform=self.platform, method="POST",
                               path=f"/cleanroom-flow-runs/{run_id}/resume-flow-run")
            return run_id, answer

        async def reconcile(since: datetime, jid: int) -> str | None:
            run = await self._budgeted_read(run_id, lambda c: c.get_flow_run(cleanroom_id, run_id))
            # still PAUSED at the same place: the resume did not happen
            return None if str(run.status).upper() == "PAUSED" else run_id

        spec = _Spec(FLOW_RESUME, target_of(FLOW_RESUME, cleanroom_id, run_id), dict(request), request, run_id,
                     send, reconcile, ("/resume-flow-run",), False,
                     {"cleanroom_id": cleanroom_id, "flow_id": flow_id})
        # resuming twice is refused by the platform anyway; the guard would only get in the way
        return await self._guarded(spec, allow_duplicate=True)

    async def replay_flow_run(self, cleanroom_id: str, flow_id: str, run_id: str, start_level: int | str,
                              pause_level: int | str | None = None, name: str | None = None,
                              nodes: list[dict[str, Any]] | None = None, *,
                              allow_duplicate: bool = False) -> LaunchOutcome:
        """Replay a finished/paused flow run from ``start_level`` (a new run: counts as a creation)."""
        self._require_liveramp()
        from ..api.liveramp.client import level_id

        start = level_id(start_level)
        if start is None:
            raise InvalidParameters({"startLevelID": "Start level: is required (e.g. Level-2)"})
        name = name or f"Replay from {start} · {self._now().astimezone():%Y-%m-%d %H:%M}"
        self._validate(name, None, {"name": name})
        request: dict[str, Any] = {"startLevelID": start}
        if (level := level_id(pause_level)) is not None:
            request["pauseLevelID"] = level
        request["name"] = name
        if nodes is not None:
            request["nodes"] = nodes

        async def send() -> tuple[str, Any]:
            new_id = await self.gateway.write(lr.replay_flow_run(cleanroom_id, run_id, request).call)
            return new_id, None

        async def reconcile(since: datetime, jid: int) -> str | None:
            claimed = self._claimed(target_of(FLOW_REPLAY, cleanroom_id, flow_id, run_id),
                                    self.replay_fingerprint(request), since, jid)
            return await self._find_flow_run(cleanroom_id, flow_id, request, claimed)

        spec = _Spec(FLOW_REPLAY, target_of(FLOW_REPLAY, cleanroom_id, flow_id, run_id),
                     self.replay_fingerprint(request), request, name, send, reconcile, ("/replay-flow-run",), True,
                     {"cleanroom_id": cleanroom_id, "flow_id": flow_id})
        return await self._guarded(spec, allow_duplicate)

    @staticmethod
    def replay_fingerprint(request: dict[str, Any]) -> dict[str, Any]:
        """What makes two replays "the same" for the duplicate guard (the UI asks before confirming)."""
        return {k: v for k, v in request.items() if k != "name"}

    _replay_fingerprint = replay_fingerprint  # the old private name, kept for callers not yet renamed

    def launched_request(self, object_id: str) -> dict[str, Any] | None:
        """The request that created ``object_id`` through this profile's journal ("run again" for an
        insight query: InfoSum cannot read a query's text back). None when it was launched elsewhere."""
        if self.store is None or not object_id or not hasattr(self.store, "journal_for_object"):
            return None
        entry = self.store.journal_for_object(self.profile.name, object_id)
        return dict(entry.request or {}) if entry is not None else None

    async def _find_flow_run(self, cleanroom_id: str, flow_id: str, request: dict[str, Any],
                             claimed: set[str]) -> str | None:
        # no time window here (the flow-run list has no date filter): searched by name, page by page
        name = str(request.get("name", ""))
        for page in range(RECONCILE_PAGES):
            listing = await self._budgeted_read(flow_id, lambda c, off=page * RECONCILE_PAGE: c.list_flow_runs(
                cleanroom_id, flow_id, search=name or None, limit=RECONCILE_PAGE, offset=off))
            found = listing.clean_room_flow_runs
            runs = [r for r in found if r.id and r.id not in claimed and _flow_run_matches(r, request)]
            if runs:
                runs.sort(key=lambda r: (r.submitted_at is None, r.submitted_at or self._now()))
                return runs[0].id
            listed = page * RECONCILE_PAGE + len(found)
            if len(found) < RECONCILE_PAGE or (listing.count is not None and listed >= listing.count):
                return None  # every run of that name was listed: nothing was created
        raise _Deferred(f"more than {RECONCILE_PAGES * RECONCILE_PAGE} flow runs named {name!r}; not sure yet")

    # ------------------------------------------------------------------ InfoSum insight queries

    async def launch_query(self, collaboration_id: str | None, query_text: str, *, sample: bool = False,
                           allow_duplicate: bool = False) -> LaunchOutcome:
        """Queue an InfoSum insight query (no creation budget is published); returns its query id."""
        if self.platform != "infosum":
            raise LaunchError(f"profile {self.profile.name!r} is not an InfoSum profile")
        text = query_text.strip()
        if not text:
            raise InvalidParameters({"query": "Query: is required (IQL text, e.g. SELECT COUNT() FROM …)"})
        request: dict[str, Any] = {"query": text}
        if collaboration_id:
            request["collaboration_id"] = collaboration_id
        if sample:
            request["sample"] = True

        async def send() -> tuple[str, Any]:
            status = await self.gateway.write(isum.create_query(text, collaboration_id, sample=sample).call)
            return status.query_id, status

        async def reconcile(since: datetime, jid: int) -> str | None:
            raise _Unverifiable("InfoSum cannot list insight queries, so whether this one was queued cannot be "
                                "checked; an insight query changes nothing, so running it again is safe")

        spec = _Spec(INSIGHT_QUERY, target_of(INSIGHT_QUERY, collaboration_id), {"query": text}, request,
                     text[:80], send, reconcile, ("/queries", "/insights"), False,
                     {"collaboration_id": collaboration_id})
        return await self._guarded(spec, allow_duplicate)


__all__ = [
    "DUPLICATE_WINDOW_S", "FLOW_REPLAY", "FLOW_RESUME", "FLOW_RUN", "INSIGHT_QUERY", "QUESTION_RUN",
    "BudgetExhausted", "DuplicateLaunch", "FlowLaunchForm", "InvalidParameters", "LaunchError", "LaunchFailed",
    "LaunchForm", "LaunchOutcome", "LaunchUnknown", "Launcher", "PlatformOffline", "ReadOnlyProfile", "Reconciled",
    "answer_lost", "parse_target", "target_of",
]
