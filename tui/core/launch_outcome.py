"""What a launch can end in: the refusals and failures (:class:`LaunchError` and its kinds), the
:class:`LaunchOutcome` of a launch that created something, the :class:`Reconciled` result of settling
a journal entry; and the helpers the launcher matches and names launches with (journal targets,
"was the answer lost?", does a listed run match what was sent). No I/O here.

Split out of :mod:`tui.core.launch`, which re-exports every public name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..api.http import ApiError
from .status import FLOW_REPLAY, FLOW_RESUME, FLOW_RUN, INSIGHT_QUERY, QUESTION_RUN

_TARGET_PREFIX = {
    QUESTION_RUN: "cleanroom-question",
    FLOW_RUN: "cleanroom-flow",
    FLOW_RESUME: "cleanroom-flow-run-resume",
    FLOW_REPLAY: "cleanroom-flow-run-replay",
    INSIGHT_QUERY: "infosum-query",
}
_PREFIX_KIND = {v: k for k, v in _TARGET_PREFIX.items()}


# --------------------------------------------------------------------------- outcomes and refusals

class LaunchError(Exception):
    """Base of every refusal or failure of a launch; ``str()`` is the message to show."""


class ReadOnlyProfile(LaunchError):
    pass


class PlatformOffline(LaunchError):
    """The session's last call could not reach the platform: nothing is sent until one gets through
    (a POST now would most likely lose its answer)."""


class DuplicateLaunch(LaunchError):
    """The same thing was launched with the same parameters moments ago; ``entries``: newest first."""

    def __init__(self, entries: list[Any], window_s: float) -> None:
        self.entries = entries
        self.window_s = window_s
        last = entries[0]
        super().__init__(f"the same launch was made {len(entries)} time(s) in the last {window_s / 60:.0f} min "
                         f"(last at {last.created_at:%H:%M:%S}, {last.state}); launch again?")


class BudgetExhausted(LaunchError):
    """No creation left in the budget-hour; ``free_at``: when the next one frees."""

    def __init__(self, free_at: datetime | None, per_hour: int) -> None:
        self.free_at = free_at
        when = f" until {free_at:%H:%M:%S} UTC" if free_at is not None else ""
        super().__init__(f"creation budget used up ({per_hour} per hour): launching is disabled{when}")


class LaunchFailed(LaunchError):
    """The launch did not create anything (the platform refused it, or a lost answer was checked)."""

    def __init__(self, error: ApiError | None, journal_id: int, note: str = "") -> None:
        self.error = error
        self.journal_id = journal_id
        self.note = note
        text = str(error) if error is not None else "launch failed"
        super().__init__(f"{text}{' — ' + note if note else ''}")


class LaunchUnknown(LaunchError):
    """The answer was lost and it is not known yet whether the run exists. Do not launch again:
    the journal keeps the intent and :meth:`Launcher.reconcile_unresolved` settles it later."""

    def __init__(self, error: ApiError | None, journal_id: int, note: str) -> None:
        self.error = error
        self.journal_id = journal_id
        self.note = note
        super().__init__(note)


@dataclass(frozen=True)
class LaunchOutcome:
    kind: str  # QUESTION_RUN | FLOW_RUN | FLOW_RESUME | FLOW_REPLAY | INSIGHT_QUERY
    profile: str
    platform: str
    object_id: str  # run id / flow run id / query id
    name: str
    journal_id: int
    launched_at: datetime
    #: the answer was lost and the object was found by listing
    recovered: bool = False
    note: str = ""
    #: the platform's answer (QuestionRun, FlowRun, QueryStatus); None when recovered or for resume/replay
    obj: Any = None
    question_id: str | None = None
    cleanroom_id: str | None = None
    flow_id: str | None = None
    collaboration_id: str | None = None


@dataclass(frozen=True)
class Reconciled:
    """What :meth:`Launcher.reconcile_unresolved` did with one unresolved journal entry."""

    entry: Any  # JournalEntry
    result: str  # "found" | "not_created" | "deferred" | "unverifiable"
    object_id: str | None = None
    note: str = ""


class _Deferred(Exception):
    """Reconciliation cannot be done now (budget); try again later."""


class _Unverifiable(Exception):
    """Reconciliation is impossible on this platform."""


@dataclass
class _Spec:
    """One launch, described for the shared guard/journal/POST/reconcile path."""

    kind: str
    target: str
    fingerprint_params: dict[str, Any]
    request: dict[str, Any]
    name: str
    send: Callable[[], Awaitable[tuple[str, Any]]]
    reconcile: Callable[[datetime, int], Awaitable[str | None]]
    path_suffix: tuple[str, ...]
    counts_create: bool
    ids: dict[str, str | None] = field(default_factory=dict)


# --------------------------------------------------------------------------- helpers

def target_of(kind: str, *ids: str | None) -> str:
    return f"{_TARGET_PREFIX[kind]}:{'/'.join(i or '-' for i in ids)}"


def parse_target(target: str) -> tuple[str, list[str]]:
    prefix, _, rest = target.partition(":")
    kind = _PREFIX_KIND.get(prefix, "")
    return kind, rest.split("/") if rest else []


def _reached_target(exc: ApiError, suffixes: tuple[str, ...]) -> bool:
    """Did this error come from the create call itself (not from the token request, or a local refusal)?"""
    path = (exc.path or "").rstrip("/")
    if exc.code == "READ_ONLY":
        return False
    return bool(path) and path.endswith(suffixes)


def answer_lost(exc: ApiError) -> bool:
    """No readable answer: the platform may have acted. 4xx (incl. 429) means it did not."""
    if exc.status is None:
        return True
    if exc.status >= 500:
        return True
    return exc.status < 400  # a 2xx whose body could not be decoded (BAD_JSON)


def _partitions_key(parts: Any) -> list[list[str]]:
    out = []
    for p in parts or []:
        if isinstance(p, dict):
            out.append([str(p.get("name", "")), str(p.get("value", ""))])
    return sorted(out)


def _run_matches(run: Any, request: dict[str, Any]) -> bool:
    """Same name, and every value we sent is what the run carries (the platform adds defaults)."""
    if str(getattr(run, "name", "")).strip() != str(request.get("name", "")).strip():
        return False
    have = dict(getattr(run, "parameters", None) or {})
    for key, value in (request.get("parameters") or {}).items():
        if str(have.get(key, "")) != str(value):
            return False
    parts = {str(getattr(p, "name", "")): str(getattr(p, "value", ""))
             for p in getattr(run, "partition_parameters", None) or []}
    for name, value in _partitions_key(request.get("partitionParameters")):
        # some platforms echo partitions inside parameters instead
        if parts.get(name, have.get(name)) != value:
            return False
    return True


def _flow_values(run: Any) -> set[tuple[str, str]]:
    out = set()
    for node in getattr(run, "flow_run_parameters", None) or []:
        for name, value in (getattr(node, "parameters", None) or {}).items():
            out.add((str(name), str(getattr(value, "value", value))))
    return out


def _flow_run_matches(run: Any, request: dict[str, Any]) -> bool:
    """Same name; every node value we sent appears in the run (node ids may be labels or UUIDs)."""
    if str(getattr(run, "name", "")).strip() != str(request.get("name", "")).strip():
        return False
    have = _flow_values(run)
    if not have:  # a list view may leave the parameters out: the name has to do
        return True
    for node in request.get("nodes") or []:
        for name, value in (node.get("parameters") or {}).items():
            if (str(name), str(value)) not in have:
                return False
    return True
