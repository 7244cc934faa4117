"""Platform statuses → one lifecycle, so boards and watchers treat both platforms alike.

The raw status always stays visible next to the normalised one (statuses the app has never seen
map to ``UNKNOWN`` but are shown as-is).
"""

from __future__ import annotations

from enum import StrEnum

# What a run is, wherever one is launched, journaled, watched or shown (one spelling each).
QUESTION_RUN = "question_run"
FLOW_RUN = "flow_run"
INSIGHT_QUERY = "insight_query"
#: the kinds the watcher polls
KINDS = (QUESTION_RUN, FLOW_RUN, INSIGHT_QUERY)
#: launches that are not new objects of their own kind (journaled under these, watched as flow runs)
FLOW_RESUME = "flow_resume"
FLOW_REPLAY = "flow_replay"


class Lifecycle(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    WAITING_ON_PARTNER = "waiting on partner"
    PAUSED = "paused"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"

    @property
    def terminal(self) -> bool:
        return self in _TERMINAL

    @property
    def active(self) -> bool:
        return self in (Lifecycle.QUEUED, Lifecycle.RUNNING, Lifecycle.WAITING_ON_PARTNER)


_TERMINAL = frozenset({Lifecycle.SUCCEEDED, Lifecycle.FAILED, Lifecycle.CANCELLED})

# LiveRamp question runs (SPEC filter enum + SDK's CANCELLED) and flow runs (SDK FlowRunStatus).
# PARTNER_COMPLETED is not terminal (the owner's side still runs) and PARTNER_FAILED is a failure:
# both are GUESSes in the reference (§11.4); PENDING_RETRY waits for an automatic retry.
_LIVERAMP = {
    "QUEUED": Lifecycle.QUEUED,
    "PENDING_RETRY": Lifecycle.QUEUED,
    "RUNNING": Lifecycle.RUNNING,
    "PARTNER_QUEUED": Lifecycle.WAITING_ON_PARTNER,
    "PARTNER_RUNNING": Lifecycle.WAITING_ON_PARTNER,
    "PARTNER_COMPLETED": Lifecycle.WAITING_ON_PARTNER,
    "PARTNER_FAILED": Lifecycle.FAILED,
    "COMPLETED": Lifecycle.SUCCEEDED,
    "FAILED": Lifecycle.FAILED,
    "ERROR": Lifecycle.FAILED,
    "CANCELLED": Lifecycle.CANCELLED,
    "PAUSED": Lifecycle.PAUSED,
}

# InfoSum: playbook insight statuses (lower-case), v2 report statuses, v1 activation/push statuses,
# activation segment export statuses.
_INFOSUM = {
    "pending": Lifecycle.QUEUED,
    "running": Lifecycle.RUNNING,
    "completed": Lifecycle.SUCCEEDED,
    "failed": Lifecycle.FAILED,
    "WAITING": Lifecycle.QUEUED,
    "INITIALIZING": Lifecycle.QUEUED,
    "PROVISIONING": Lifecycle.QUEUED,
    "PROVISIONED": Lifecycle.QUEUED,
    "RUNNING": Lifecycle.RUNNING,
    "COMPLETED": Lifecycle.SUCCEEDED,
    "PARTIALLY_COMPLETED": Lifecycle.SUCCEEDED,
    "FAILED": Lifecycle.FAILED,
    "STALE": Lifecycle.FAILED,
    "CANCELING": Lifecycle.CANCELLED,
    "CANCELED": Lifecycle.CANCELLED,
    "QUERY_PENDING": Lifecycle.QUEUED,
    "QUERY_RUNNING": Lifecycle.RUNNING,
    "QUERY_COMPLETED": Lifecycle.SUCCEEDED,
    "PUSH_PENDING": Lifecycle.QUEUED,
    "PUSH_RUNNING": Lifecycle.RUNNING,
    "PUSH_COMPLETED": Lifecycle.SUCCEEDED,
    "EXPORT_STATUS_RUNNING": Lifecycle.RUNNING,
    "EXPORT_STATUS_FAILED": Lifecycle.FAILED,
    "EXPORT_STATUS_SUCCESSFUL": Lifecycle.SUCCEEDED,
}


def normalize(platform: str, raw: str | None) -> Lifecycle:
    if not raw:
        return Lifecycle.UNKNOWN
    table = _LIVERAMP if platform == "liveramp" else _INFOSUM
    return table.get(raw) or table.get(raw.upper()) or table.get(raw.lower()) or Lifecycle.UNKNOWN


def infosum_query_lifecycle(done: bool, error: str | None, status: str | None = None) -> Lifecycle:
    """v1 queries only say ``done``; the playbook variant adds a status and an error."""
    if status:
        life = normalize("infosum", status)
        if life is not Lifecycle.UNKNOWN:
            return life
    if not done:
        return Lifecycle.RUNNING
    return Lifecycle.FAILED if error else Lifecycle.SUCCEEDED
