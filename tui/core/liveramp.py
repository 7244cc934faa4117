"""LiveRamp Clean Room reads, described once: cache kind and key, client call, model, budget charge.

Every read a screen or a headless command makes of LiveRamp is a function here returning a
:class:`~tui.core.reads.Read`; the caller executes it with ``session.load(read)`` (TUI) or
``ctx.fetch(profile, read)`` (headless). Status reads — a run, a flow run, a question's run
list, a flow's run list — name the object the platform charges them to (``charge``), so the
profile's ledger is charged in one place (:func:`tui.core.reads.admit`) whichever screen asks.

One cache kind per concept: a question's runs are ``runs/<question id>`` wherever they are read
(the question screen, the timeline, the headless ``runs``), always the newest page of 100.

Each write is a :class:`~tui.core.reads.Write`: method, path and body, shown by the confirmation
screen before ``session.write`` sends it once. Imports nothing heavy: the models load when a read's
shape is asked for.
"""

from __future__ import annotations

from typing import Any

from .reads import Read, Write

#: result rows per page (the API's default page)
RESULT_PAGE = 500


def __getattr__(name: str) -> Any:
    # RUNS_PAGE (a question's or a flow's runs per read: the API's cap) and LIST_PAGE (rooms,
    # questions), spelled once in ``tui.api.liveramp.paths`` and loaded on first use
    if name == "RUNS_PAGE":
        return paths().MAX_RUNS_PAGE
    if name == "LIST_PAGE":
        return paths().LIST_PAGE
    raise AttributeError(name)


def paths() -> Any:
    # on first use, not on import: the app module must not load ``tui.api`` before its first paint
    from ..api.liveramp import paths as p

    return p


def models() -> Any:
    from ..api.liveramp import models as m

    return m


# ---------------------------------------------------------------------------- identity

async def _org(client: Any) -> dict[str, str]:
    # LiveRamp has no "who am I": the organization owning most rooms the API user sees is its org
    from collections import Counter

    rooms = await client.list_cleanrooms()
    owners = Counter(r.owner_organization for r in rooms if r.owner_organization)
    return {"name": owners.most_common(1)[0][0] if owners else "", "id": ""}


def identity() -> Read[dict[str, str]]:
    return Read("identity", "", _org, lambda: dict[str, str])


async def probe(client: Any) -> Any:
    """The cheapest read that proves the platform answers (the reconnector's)."""
    return await client.list_cleanrooms()


async def token_summary(client: Any) -> dict[str, Any]:
    """The token manager's own account (tokens this window, the cache, when the next is allowed):
    local state, no request."""
    return dict(client.tokens.summary())


# ---------------------------------------------------------------------------- clean rooms

def rooms() -> Read[list[Any]]:
    return Read("cleanrooms", "", lambda c: c.list_cleanrooms(), lambda: list[models().CleanRoom],
                path=paths().CLEANROOMS, params={"limit": paths().LIST_PAGE, "offset": 0})


def room(room_id: str) -> Read[Any]:
    return Read("cleanroom", room_id, lambda c: c.get_cleanroom(room_id), lambda: models().CleanRoom)


def room_types() -> Read[list[Any]]:
    return Read("cleanroom-types", "", lambda c: c.cleanroom_types(), lambda: list[models().CleanRoomType])


def partners_of(room_id: str) -> Read[list[Any]]:
    return Read("partners", room_id, lambda c: c.list_partners(room_id), lambda: list[models().Partner])


def users_of(room_id: str) -> Read[list[Any]]:
    return Read("room-users", room_id, lambda c: c.list_cleanroom_users(room_id),
                lambda: list[models().CleanRoomUser])


def roles_of(room_id: str, partner_id: str | None = None) -> Read[list[Any]]:
    """Roles a user of the room (or of one partner in it) may be given."""
    if partner_id is not None:
        return Read("partner-roles", f"{room_id}:{partner_id}", lambda c: c.partner_roles(room_id, partner_id),
                    lambda: list[models().Role])
    return Read("room-roles", room_id, lambda c: c.cleanroom_roles(room_id), lambda: list[models().Role])


def datasets_of(room_id: str) -> Read[list[Any]]:
    return Read("room-datasets", room_id, lambda c: c.list_cleanroom_datasets(room_id),
                lambda: list[models().CleanRoomDataset])


def export_jobs_of(room_id: str) -> Read[list[Any]]:
    return Read("export-jobs", room_id, lambda c: c.list_export_jobs(room_id), lambda: list[models().ExportJob])


def destinations_of(room_id: str) -> Read[Any]:
    return Read("room-destinations", room_id, lambda c: c.list_cleanroom_destinations(room_id),
                lambda: models().CleanroomDestinationList)


# ---------------------------------------------------------------------------- questions

def questions_of(room_id: str) -> Read[list[Any]]:
    return Read("questions", room_id, lambda c: c.list_cleanroom_questions(room_id),
                lambda: list[models().CleanRoomQuestion],
                path=paths().cleanroom_questions(room_id), params={"limit": paths().LIST_PAGE, "offset": 0})


def question(question_id: str) -> Read[Any]:
    return Read("question", question_id, lambda c: c.get_cleanroom_question(question_id),
                lambda: models().CleanRoomQuestion)


def parameters_of(question_id: str) -> Read[Any]:
    return Read("question-parameters", question_id, lambda c: c.question_parameters(question_id),
                lambda: models().QuestionParameters)


def question_datasets_of(question_id: str) -> Read[list[Any]]:
    return Read("question-datasets", question_id, lambda c: c.list_question_datasets(question_id),
                lambda: list[models().QuestionDataset])


def permissions_of(question_id: str) -> Read[list[Any]]:
    return Read("question-permissions", question_id, lambda c: c.question_permissions(question_id),
                lambda: list[models().Permission])


def schedules_of(question_id: str) -> Read[list[Any]]:
    return Read("schedules", question_id, lambda c: c.list_schedules(question_id), lambda: list[models().Schedule])


# ---------------------------------------------------------------------------- runs (status reads)

def runs_of(question_id: str) -> Read[list[Any]]:
    """The question's newest runs (a page of the API's maximum, 100): one status read, charged to
    the question. One cache entry per question, wherever they are read."""
    page = paths().MAX_RUNS_PAGE
    return Read("runs", question_id, lambda c: c.list_runs(question_id, limit=page),
                lambda: list[models().QuestionRun], charge=question_id,
                path=paths().question_runs(question_id), params={"limit": page, "offset": 0})


def last_run_of(question_id: str) -> Read[list[Any]]:
    """The question's newest run (a room lists one per question): a status read charged to the question."""
    return Read("last-run", question_id, lambda c: c.list_runs(question_id, limit=1),
                lambda: list[models().QuestionRun], charge=question_id)


def run(run_id: str) -> Read[Any]:
    """One run: a status read charged to the run."""
    return Read("run", run_id, lambda c: c.get_run(run_id), lambda: models().QuestionRun, charge=run_id,
                path=paths().question_run(run_id))


def run_audit(run_id: str) -> Read[Any]:
    return Read("run-audit", run_id, lambda c: c.run_audit(run_id), lambda: models().RunAudit)


def run_data(run_id: str, offset: int = 0) -> Read[Any]:
    return Read("run-data", f"{run_id}:{offset}", lambda c: c.run_data(run_id, limit=RESULT_PAGE, offset=offset),
                lambda: models().RunResultData)


def run_file(run_id: str, file_name: str) -> Any:
    """The run's output file as the platform sends it (bytes; a call for ``session.call``, never cached)."""
    return lambda c: c.download_run_file(run_id, file_name)


def run_data_count(run_id: str) -> Read[int]:
    return Read("run-data-count", run_id, lambda c: c.run_data_count(run_id), lambda: int)


# ---------------------------------------------------------------------------- flows

def flows_of(room_id: str) -> Read[Any]:
    return Read("flows", room_id, lambda c: c.list_flows(room_id), lambda: models().FlowList)


def flow(room_id: str, flow_id: str) -> Read[Any]:
    return Read("flow", flow_id, lambda c: c.get_flow(room_id, flow_id), lambda: models().Flow)


def flow_nodes(room_id: str, flow_id: str) -> Read[list[Any]]:
    return Read("flow-nodes", flow_id, lambda c: c.flow_node_details(room_id, flow_id),
                lambda: list[models().FlowNodeDetail])


def flow_runs_of(room_id: str, flow_id: str) -> Read[Any]:
    """The flow's newest runs: one status read, charged to the flow."""
    page = paths().MAX_RUNS_PAGE
    return Read("flow-runs", flow_id, lambda c: c.list_flow_runs(room_id, flow_id, limit=page),
                lambda: models().FlowRunList, charge=flow_id)


def flow_run(room_id: str, run_id: str) -> Read[Any]:
    """One flow run: a status read charged to the flow run."""
    return Read("flow-run", run_id, lambda c: c.get_flow_run(room_id, run_id), lambda: models().FlowRun,
                charge=run_id)


def flow_run_outputs(room_id: str, run_id: str) -> Read[list[Any]]:
    return Read("flow-run-nodes", run_id, lambda c: c.flow_run_output_nodes(room_id, run_id),
                lambda: list[models().FlowRunOutputNode])


def flow_run_report(room_id: str, run_id: str, node: str, offset: int = 0) -> Read[Any]:
    return Read("flow-report", f"{run_id}:{node}:{offset}",
                lambda c: c.flow_run_report(room_id, run_id, node, limit=RESULT_PAGE, offset=offset),
                lambda: models().RunResultData)


# ---------------------------------------------------------------------------- writes

def delete_question(question_id: str) -> Write[Any]:
    return Write("DELETE", f"/v1/cleanroom-questions/{question_id}",
                 lambda c: c.delete_cleanroom_question(question_id))


def set_role(room_id: str, partner_id: str | None, user_id: str, role_id: str) -> Write[Any]:
    """A user's clean-room role (a partner's user when ``partner_id`` is given)."""
    if partner_id is not None:
        return Write("PUT", f"/v1/cleanrooms/{room_id}/partners/{partner_id}/users/{user_id}/cleanRoomRoles/{role_id}",
                     lambda c: c.update_partner_user_role(room_id, partner_id, user_id, role_id))
    return Write("PUT", f"/v1/cleanrooms/{room_id}/users/{user_id}/cleanRoomRoles/{role_id}",
                 lambda c: c.update_cleanroom_user_role(room_id, user_id, role_id))


def create_run(question_id: str, request: dict[str, Any]) -> Write[Any]:
    """A question run from ``{name, parameters[, partitionParameters]}`` (sent by
    :class:`~tui.core.launch.Launcher`, which guards, journals and reconciles it)."""
    name = str(request.get("name", ""))
    parameters = {str(k): str(v) for k, v in (request.get("parameters") or {}).items()}
    partitions = request.get("partitionParameters")
    return Write("POST", f"/v1/cleanroom-questions/{question_id}/create-run",
                 lambda c: c.create_run(question_id, name, parameters, partition_parameters=partitions),
                 body=request)


def flow_path_id(session: Any, flow_id: str) -> str:
    """The id the session's client will put in a flow's path: the platform takes a flow's ID or its
    flowID, and the client remembers which (issue 21); a confirmation shows the one it will send."""
    client = getattr(session, "client", None)
    return getattr(client, "flow_path_id", lambda i: i)(flow_id)


def create_flow_run(room_id: str, flow_id: str, request: dict[str, Any], *, path_id: str | None = None) -> Write[Any]:
    """A flow run from ``{name, nodes[, pauseLevelID]}`` (``FlowLaunchForm.build_request()``);
    ``path_id``: the flow id as the path will carry it (:func:`flow_path_id`)."""
    name, nodes = str(request.get("name", "")), list(request.get("nodes") or [])
    return Write("POST", f"/v1/cleanrooms/{room_id}/cleanroom-flows/{path_id or flow_id}/cleanroom-flow-runs",
                 lambda c: c.create_flow_run(room_id, flow_id, name, nodes, pause_level=request.get("pauseLevelID")),
                 body=request)


def resume_flow_run(room_id: str, run_id: str, pause_level: int | str | None = None) -> Write[Any]:
    from ..api.liveramp.client import level_id

    level = level_id(pause_level)
    return Write("POST", f"/v1/cleanrooms/{room_id}/cleanroom-flow-runs/{run_id}/resume-flow-run",
                 lambda c: c.resume_flow_run(room_id, run_id, pause_level),
                 body={"pauseLevelID": level} if level is not None else {})


def replay_flow_run(room_id: str, run_id: str, request: dict[str, Any]) -> Write[Any]:
    """A replay from ``{startLevelID[, pauseLevelID], name[, nodes]}`` (a new run: counts as a creation)."""
    return Write("POST", f"/v1/cleanrooms/{room_id}/cleanroom-flow-runs/{run_id}/replay-flow-run",
                 lambda c: c.replay_flow_run(room_id, run_id, request["startLevelID"],
                                             pause_level=request.get("pauseLevelID"), name=request.get("name"),
                                             nodes=request.get("nodes")), body=request)


__all__ = [
    "RESULT_PAGE", "datasets_of", "destinations_of", "export_jobs_of", "flow",
    "flow_nodes", "flow_run", "flow_run_outputs", "flow_run_report", "flow_runs_of", "flows_of", "identity",
    "last_run_of", "models", "parameters_of", "paths", "roles_of", "delete_question", "set_role", "create_run",
    "create_flow_run", "flow_path_id", "resume_flow_run", "replay_flow_run", "partners_of", "permissions_of", "probe",
    "question", "question_datasets_of", "questions_of", "room", "room_types", "rooms", "run", "run_audit",
    "run_data", "run_data_count", "run_file", "runs_of", "schedules_of", "users_of",
]
