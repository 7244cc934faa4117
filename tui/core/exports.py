"""LiveRamp export jobs and destinations (issue 20.3): every read and write, described once.

Paths, fields and enums from the reference (§4.10, §4.11, §10) and the vendor spec:

- ``GET  /cleanrooms/{id}/exports/jobs`` (the room's jobs), ``GET /cleanrooms/{id}/destinations`` (its
  provisioned destination connections) — plain reads (``tui.core.liveramp``).
- ``GET  /exports/jobs/{jobId}/runs`` — a job's runs. **A status read, charged to the job**: it is
  how a job is watched (its runs go QUEUED → PROCESSING → COMPLETE/FAILED), and LiveRamp's limit of
  20 status checks per object per hour is about exactly that kind of polling. Charging it costs an
  operator nothing (20 reads of one job an hour) and keeps a watching loop honest. Likewise a flow's
  ``…/nodes/exports/runs``, charged to the flow.
- ``POST /cleanrooms/{id}/exports/jobs {cleanroomQuestionId, partnerAccountIds[], exportParameters[]
  {name, value}}`` → job ids (one job per destination); ``PATCH /exports/jobs/{id}/status {status:
  ACTIVE|PAUSED}``; the flow-node twins ``POST …/cleanroom-flows/{fid}/nodes/exports [{nodeId,
  partnerAccountIds, exportParameters}]`` and ``PATCH …/nodes/exports/status {nodeIds, status}``.

Every write is a :class:`~tui.core.reads.Write` whose call records the intent in the launch journal
(target ``export:…``) before it is sent, sends it once, and records the outcome. A create whose answer
was lost (no status, a 5xx, an unreadable 2xx) is **reconciled by listing the room's jobs**, never by
posting again: the jobs of the same question and destinations that were not there before the POST
are the ones it made. No Textual.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import Any

from .reads import Read, Write

API_ROOT = "/v1"
JOB_STATUSES = ("ACTIVE", "PAUSED")
#: ``JobRunStatus`` (SPEC), and the ones that carry an ``errorMessage`` worth showing
RUN_STATUSES = ("UNKNOWN_JOB_RUN_STATUS", "QUEUED", "PROCESSING", "COMPLETE", "FAILED", "PARTIALLY_FAILED",
                "THRESHOLD_WARNING", "NO_NEW_USERS")
TROUBLE = frozenset({"FAILED", "PARTIALLY_FAILED", "THRESHOLD_WARNING"})
ACTIVE_RUNS = frozenset({"QUEUED", "PROCESSING"})
#: only an active channel can receive exports (a PENDING_CHANNEL waits for the partner's approval)
USABLE_CHANNEL = "ACTIVE_CHANNEL"
#: a created job's ``createdAt`` may trail our clock by this much (clock skew) when reconciling by time
SKEW = timedelta(minutes=5)


def models() -> Any:
    from ..api.liveramp import models as m

    return m


# ---------------------------------------------------------------------------- reads

def job_runs(job_id: str) -> Read[Any]:
    """A job's runs: a status read, charged to the job (see the module docstring)."""
    return Read("export-job-runs", job_id, lambda c: c.export_job_runs(job_id), lambda: models().ExportJobRuns,
                charge=job_id)


def node_exports_of(room_id: str, flow_id: str, node_ids: Sequence[str]) -> Read[list[Any]]:
    nodes = list(node_ids)
    return Read("node-exports", f"{flow_id}:{','.join(nodes)}", lambda c: c.list_node_exports(room_id, flow_id, nodes),
                lambda: list[models().NodeExportJobs])


def node_runs(room_id: str, flow_id: str, node_ids: Sequence[str]) -> Read[list[Any]]:
    """A flow's node export runs: a status read, charged to the flow."""
    nodes = list(node_ids)
    return Read("node-export-runs", f"{flow_id}:{','.join(nodes)}",
                lambda c: c.node_export_runs(room_id, flow_id, nodes), lambda: list[models().NodeJobRuns],
                charge=flow_id)


# ---------------------------------------------------------------------------- the create form

PARAM_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def parse_parameters(text: str) -> tuple[list[dict[str, str]], str | None]:
    """``NAME=value`` per line (or ``;``-separated) → ``[{name, value}]``, or the first problem.

    Names are the platform's UPPER_SNAKE export parameter names (``S3_EXPORT_PATH``,
    ``GCS_EXPORT_PATH``); a value may not be empty and a name may not repeat."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for raw in text.replace(";", "\n").splitlines():
        line = raw.strip()
        if not line:
            continue
        name, sep, value = line.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            return [], f"{line[:40]!r}: write NAME=value"
        if not set(name) <= PARAM_NAME_CHARS:
            return [], f"{name[:40]!r}: a parameter name is upper-case letters, digits and _ (S3_EXPORT_PATH)"
        if not value:
            return [], f"{name}: the value is empty"
        if name in seen:
            return [], f"{name} is given twice"
        if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in value):
            return [], f"{name}: the value has control characters"
        seen.add(name)
        out.append({"name": name, "value": value})
    return out, None


def usable(destination: Any) -> str | None:
    """Why a provisioned destination cannot receive an export now, or None."""
    channel = str(getattr(destination, "channel_status", "") or "")
    if channel != USABLE_CHANNEL:
        return f"its channel is {channel or 'unknown'} in this room (exports need {USABLE_CHANNEL})"
    return None


def suggested_parameters(destination: Any) -> str:
    """The path parameter an export-type destination usually takes (the spec's examples)."""
    account = getattr(destination, "partner_account", None)
    partner = getattr(account, "partner", None)
    name = str(getattr(partner, "name", "") or "").upper()
    if name.startswith("S3"):
        return "S3_EXPORT_PATH="
    if name.startswith("GCS"):
        return "GCS_EXPORT_PATH="
    return ""


# ---------------------------------------------------------------------------- writes

class ExportUnknown(Exception):
    """The answer to a create was lost and listing could not settle it: do not send it again yet."""

    expected = True


class ExportNotCreated(Exception):
    """The answer was lost and listing shows nothing was created: sending again is safe."""

    expected = True


@dataclass(frozen=True)
class Created:
    """What a create made: the new job ids; ``recovered`` when found by listing after a lost answer."""

    job_ids: list[str]
    recovered: bool = False
    note: str = ""


#: ``snapshot(client)``: what exists before a create (None when it cannot be read);
#: ``find(client, snapshot, started)``: the ids the create made, found by listing after a lost answer
Snapshot = Callable[[Any], Awaitable[Any]]
Find = Callable[[Any, Any, Any], Awaitable[list[str]]]


@dataclass(frozen=True)
class ExportWrite:
    """One write before it is sent: request line, body and words for the confirmation; for a
    create, how to tell what it made if its answer is lost (``snapshot`` before, ``find`` after)."""

    method: str
    path: str
    body: Any
    target: str
    effect: str
    send: Callable[[Any], Awaitable[Any]] = field(compare=False)
    snapshot: Snapshot | None = field(default=None, compare=False)
    find: Find | None = field(default=None, compare=False)
    #: what the platform's answer holds the new ids under (a create), for the journal and :class:`Created`
    ids: Callable[[Any], list[str]] | None = field(default=None, compare=False)
    #: the API root the path starts with (the client adds it)
    root: str = API_ROOT

    @property
    def body_text(self) -> str:
        return json.dumps(self.body, ensure_ascii=False)

    def write(self, session: Any) -> Write[Any]:
        """The :class:`Write` for ``session.write``: journaled, sent once, reconciled if lost."""
        return Write(self.method, self.path, self._journaled(session), body=self.body)

    def _journaled(self, session: Any) -> Callable[[Any], Awaitable[Any]]:
        store = getattr(getattr(session, "repo", None), "store", None)

        async def call(client: Any) -> Any:
            before = await _quietly(self.snapshot, client)
            jid = _intent(store, session, self)
            started = _now(session)
            try:
                answer = await self.send(client)
            except Exception as exc:
                from .launch import answer_lost

                # lost: the POST itself went out and no readable answer came back (not a token error)
                reached = str(getattr(exc, "path", "") or "").rstrip("/").endswith(self.path.removeprefix(self.root))
                lost = reached and hasattr(exc, "status") and answer_lost(exc)
                _outcome(store, "failed", jid, str(exc)[:300], answered=not lost)
                if lost and self.find is None and self.ids is not None:  # a create nothing can list
                    raise ExportUnknown(f"the answer was lost ({getattr(exc, 'message', exc)}): it may have been "
                                        "made; look before sending it again (the journal keeps it)") from None
                if not lost or self.find is None:
                    raise
                return await self._settle(client, store, jid, before, started, exc)
            if self.ids is None:
                _outcome(store, "succeeded", jid, self.target)
                return answer
            ids = self.ids(answer)
            _outcome(store, "succeeded", jid, ",".join(ids) or self.target)
            return Created(ids)

        return call

    async def _settle(self, client: Any, store: Any, jid: int, before: Any, started: Any,
                      exc: Exception) -> Created:
        message = getattr(exc, "message", None) or str(exc)
        try:
            found = await self.find(client, before, started) if self.find is not None else []
        except Exception as why:
            raise ExportUnknown(f"the answer was lost ({message}) and checking by listing failed "
                                f"({getattr(why, 'message', why)}): look (r) before sending it again") from None
        if not found:
            note = "the answer was lost, and listing shows nothing was created: it is safe to send it again"
            if store is not None and jid:
                store.journal_reconciled(jid, None, note)
            raise ExportNotCreated(note) from None
        note = "the answer was lost; what it made was found by listing (not sent again)"
        if store is not None and jid:
            store.journal_reconciled(jid, ",".join(found), note)
        return Created(found, recovered=True, note=note)


async def _quietly(snapshot: Snapshot | None, client: Any) -> Any:
    if snapshot is None:
        return None
    try:
        return await snapshot(client)
    except Exception:  # a read that failed must not stop the write: ``find`` copes with None
        return None


def _made_by_us(job: Any, question_id: str, accounts: tuple[str, ...], before: set[str] | None,
                started: Any) -> bool:
    account = job.partner_account.id if job.partner_account is not None else None
    if job.question_id != question_id or account not in accounts:
        return False
    if before is not None:
        return job.id not in before
    created = job.time_audit.created_at if job.time_audit is not None else None
    return created is not None and started is not None and created >= started - SKEW


def _now(session: Any) -> Any:
    from datetime import datetime

    clock = getattr(session, "now", None)
    return clock() if callable(clock) else datetime.now(UTC)


def _intent(store: Any, session: Any, write: ExportWrite) -> int:
    intent = getattr(store, "journal_intent", None)
    if intent is None:  # the in-memory stand-in of a test repo keeps no journal
        return 0
    return intent(session.name, session.platform, write.target, {"method": write.method, "body": write.body},
                  {"method": write.method, "path": write.path, "body": write.body})


def _outcome(store: Any, state: str, jid: int, detail: str, *, answered: bool = True) -> None:
    if store is None or not jid:
        return
    if state == "succeeded":
        store.journal_succeeded(jid, detail)
    else:
        store.journal_failed(jid, detail, answered=answered)


def create_job(room_id: str, question: Any, destinations: Sequence[Any],
               parameters: Sequence[dict[str, str]]) -> ExportWrite:
    """An export job of ``question``'s results to each of ``destinations`` (provisioned in the room)."""
    accounts = tuple(d.partner_account.id for d in destinations)
    params = [dict(p) for p in parameters]
    body = {"cleanroomQuestionId": question.id, "partnerAccountIds": list(accounts), "exportParameters": params}

    async def snapshot(client: Any) -> set[str]:
        return {j.id for j in await client.list_export_jobs(room_id)}

    async def find(client: Any, before: set[str] | None, started: Any) -> list[str]:
        jobs = await client.list_export_jobs(room_id)
        return [j.id for j in jobs if _made_by_us(j, question.id, accounts, before, started)]

    return ExportWrite(
        "POST", f"{API_ROOT}/cleanrooms/{room_id}/exports/jobs", body, f"export:{room_id}:{question.id}",
        f"{len(accounts)} export job{'s' if len(accounts) != 1 else ''} (one per destination) start sending "
        "this question's results on the platform's schedule; the first run starts now.",
        lambda c: c.create_export_job(room_id, question.id, list(accounts), params),
        snapshot=snapshot, find=find, ids=lambda answer: [i for i in answer or [] if isinstance(i, str)])


def set_job_status(job: Any, status: str) -> ExportWrite:
    """Pause (``PAUSED``) or resume (``ACTIVE``) a job."""
    effect = ("The job stops: no new runs until it is resumed (a run already going finishes)."
              if status == "PAUSED" else "The job runs again at its next due time.")
    return ExportWrite("PATCH", f"{API_ROOT}/exports/jobs/{job.id}/status", {"status": status},
                       f"export-job:{job.id}", effect, lambda c: c.set_export_job_status(job.id, status))


def new_node_exports(room_id: str, flow_id: str, path_id: str, node_id: str, destinations: Sequence[Any],
                        parameters: Sequence[dict[str, str]]) -> ExportWrite:
    """Export jobs of a flow node's results (question nodes only); ``path_id``: the flow id as sent."""
    accounts = [d.partner_account.id for d in destinations]
    body = [{"nodeId": node_id, "partnerAccountIds": accounts, "exportParameters": [dict(p) for p in parameters]}]

    async def jobs(client: Any) -> list[Any]:
        return [j for node in await client.list_node_exports(room_id, flow_id, [node_id]) for j in node.jobs]

    async def snapshot(client: Any) -> set[str]:
        return {j.id for j in await jobs(client)}

    async def find(client: Any, before: set[str] | None, started: Any) -> list[str]:
        return [j.id for j in await jobs(client) if j.partner_account_id in accounts and (
            j.id not in before if before is not None else j.created_at is not None and j.created_at >= started - SKEW)]

    return ExportWrite(
        "POST", f"{API_ROOT}/cleanrooms/{room_id}/cleanroom-flows/{path_id}/nodes/exports", body,
        f"node-export:{flow_id}:{node_id}",
        "One export job per destination sends this node's results after each flow run.",
        lambda c: c.create_node_exports(room_id, flow_id, body), snapshot=snapshot, find=find,
        ids=lambda answer: [j for r in answer or [] for j in r.job_ids])


def node_exports_status(room_id: str, flow_id: str, path_id: str, node_ids: Sequence[str],
                            status: str) -> ExportWrite:
    body = {"nodeIds": list(node_ids), "status": status}
    return ExportWrite(
        "PATCH", f"{API_ROOT}/cleanrooms/{room_id}/cleanroom-flows/{path_id}/nodes/exports/status", body,
        f"node-export:{flow_id}:{','.join(node_ids)}",
        "Every export job of these nodes " + ("stops until resumed." if status == "PAUSED" else "runs again."),
        lambda c: c.set_node_exports_status(room_id, flow_id, list(node_ids), status))


def latest_run(runs: Any) -> Any | None:
    """The newest run of an ``ExportJobRuns`` answer."""
    found = runs.runs() if runs is not None else []
    return found[0] if found else None


__all__ = [
    "ACTIVE_RUNS", "API_ROOT", "Created", "ExportNotCreated", "ExportUnknown", "ExportWrite", "JOB_STATUSES",
    "RUN_STATUSES", "TROUBLE", "USABLE_CHANNEL", "create_job", "new_node_exports", "job_runs", "latest_run",
    "node_runs", "node_exports_of", "parse_parameters", "set_job_status", "node_exports_status",
    "suggested_parameters", "usable",
]
