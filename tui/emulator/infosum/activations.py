"""v1 activation queries (reference §11.2; the AD playbook's steps 1–2): ``POST /v1/activations``
queues one, ``GET /v1/activations/{id}`` answers ``{activation: {summary, output_columns, pushes,
query_string, join_metadata}}`` (the [V1] shape; the playbook's GET example is an insight result,
which the reference calls a copy-paste slip).

GUESSes: an activation runs 30–120 world seconds (deterministic per id); ``total_rows`` is derived
from its id; the output columns are the ``self.X`` names in the SELECT list (``ID`` if none);
it never fails.

Pushes (§11.3, the AD playbook's step 4; issue 20.3): ``POST /v2/activations/queries/{id}/destinations/
{did}/push {push_config: {filename}}`` → ``{push_id}``; the push shows in the activation's ``pushes``
and in ``GET /v2/activations/queries/{id}/pushes``: PUSH_PENDING for 10 s, PUSH_RUNNING until 60 s,
then PUSH_COMPLETED with ``push_successful`` (~15 % fail with a ``push_error``, deterministic per push).

Rights (GUESS, from §8.5 and the dataset permission fields): inside a collaboration the caller needs
``operator``, and the query must use a dataset activation is allowed on (``activation_allowed``, or one
added through ``activation-datasets``); a push needs the activation to have completed, the destination
added to the collaboration, and its owner among that dataset's ``exportable_to_members`` (403 otherwise).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from starlette.routing import Route

from ..common import iso_z
from .bodies import check_fields, json_body
from .endpoint import endpoint
from .errors import forbidden, invalid, not_found, precondition
from .model import ACTIVATION_LIST, Collaboration, DatasetPermission
from .rights import require_active, require_right
from .world import World

BODY_FIELDS = {"query", "campaign_name", "collaboration_id", "column_separator", "header_overrides",
               "string_literal_columns", "multi_value_delimiter", "identities_to_flatten", "path_overrides",
               "string_literal_column"}


PUSH_FAILURES = ("destination rejected the file: the seat's API token has expired",
                 "destination refused the upload: the bucket policy denies InfoSum's role")


@dataclass
class Push:
    id: str
    destination_id: str
    destination_type_id: str
    filename: str
    started: datetime

    def view(self, now: datetime) -> dict:
        rng = random.Random(f"push:{self.id}")
        failed = rng.random() < 0.15
        view = {"push_id": self.id, "connector_type": self.destination_type_id,
                "pushed_at": iso_z(self.started)}
        if now < self.started + timedelta(seconds=10):
            return {**view, "status": "PUSH_PENDING", "push_successful": False}
        if now < self.started + timedelta(seconds=60):
            return {**view, "status": "PUSH_RUNNING", "push_successful": False}
        view.update(status="PUSH_COMPLETED", completed_at=iso_z(self.started + timedelta(seconds=60)),
                    push_successful=not failed)
        if failed:
            view["push_error"] = {"code": 9, "message": PUSH_FAILURES[rng.randrange(len(PUSH_FAILURES))],
                                  "details": []}
        return view


def _activatable(perm: DatasetPermission) -> bool:
    return perm.activation_allowed or perm.via == ACTIVATION_LIST


def _activation_dataset(collab: Collaboration, query: str, company_id: str) -> DatasetPermission:
    """The first dataset the query names that activation is allowed on; ``self`` (the playbook's
    ``SELECT self.ID FROM self INTERSECT them``) is the caller's own such dataset. 403 when none."""
    words = re.findall(r"[A-Za-z0-9_]+", query)
    for word in words:
        perm = collab.permission_by_name(word)
        if perm is not None and _activatable(perm):
            return perm
    own = [p for p in collab.datasets if _activatable(p) and p.owner_id == company_id]
    if "self" in words and own:
        return own[0]
    raise forbidden(f"the query uses no dataset of collaboration {collab.id} that activation is allowed on")


@dataclass
class Activation:
    id: str
    company_id: str
    query: str
    campaign_name: str
    collaboration_id: str
    column_separator: str
    submitted: datetime
    duration: float
    #: the collaboration dataset activated (by its collaboration name), when in a collaboration
    dataset: str = ""
    pushes: list[Push] = field(default_factory=list)

    def done(self, now: datetime) -> bool:
        return now >= self.submitted + timedelta(seconds=self.duration)

    def columns(self) -> list[str]:
        select = self.query.split(" FROM ", 1)[0] if " FROM " in self.query.upper() else self.query
        return re.findall(r"self\.(\w+)", select, flags=re.IGNORECASE) or ["ID"]


def routes(world: World) -> list[Route]:
    store: dict[str, Activation] = {}

    async def create(request, user):
        body = await json_body(request)
        check_fields(body, BODY_FIELDS)
        query = body.get("query")
        if not isinstance(query, str) or not query.strip():
            raise invalid("query is required: the activation query to run")
        collab_id = body.get("collaboration_id") or ""
        dataset = ""
        if collab_id:
            collab = world.collaborations.get(collab_id)
            if collab is None or not collab.is_member(user.company_id):
                raise not_found(f"collaboration {collab_id} not found")
            require_active(collab, "run an activation")
            require_right(collab, user.company_id, "operator", "an activation query")
            dataset = _activation_dataset(collab, query, user.company_id).collaboration_dataset_name
        activation_id = world.ids.uuid()
        store[activation_id] = Activation(
            activation_id, user.company_id, query.strip(), str(body.get("campaign_name") or ""), collab_id,
            str(body.get("column_separator") or ","), world.now(),
            round(random.Random(f"activation:{activation_id}").uniform(30, 120), 1), dataset)
        return {"activation_id": activation_id, "query_completed": False}

    def mine(request, user) -> Activation:
        activation = store.get(request.path_params["query_id"])
        if activation is None or activation.company_id != user.company_id:
            raise not_found(f"activation {request.path_params['query_id']} not found")
        return activation

    async def push(request, user):
        activation = mine(request, user)
        body = await json_body(request)
        check_fields(body, {"push_config"})
        config = body.get("push_config")
        if not isinstance(config, dict):
            raise invalid("push_config is required: an object matching the destination's push schema")
        filename = config.get("filename")
        if not isinstance(filename, str) or not filename.strip() or "/" in filename:
            raise invalid("push_config.filename must be a file name (no '/')")
        if not activation.done(world.now()):
            raise precondition(f"activation {activation.id} has not completed: push its results once it has")
        destination_id = request.path_params["destination_id"]
        destination = world.destinations.get(destination_id)
        if destination is None:
            raise not_found(f"destination {destination_id} not found")
        if activation.collaboration_id:
            collab = world.collaborations[activation.collaboration_id]
            require_active(collab, "push an activation")
            if collab.destination(destination_id) is None:
                raise forbidden(f"destination {destination_id} is not in collaboration {collab.id}")
            perm = collab.permission_by_name(activation.dataset)
            if perm is None or destination.owner_id not in perm.exportable_to_members:
                raise forbidden(f"dataset {activation.dataset} may not be exported to destinations of "
                                f"{destination.owner_id} in collaboration {collab.id}")
        elif destination.owner_id != user.company_id:
            raise forbidden(f"destination {destination_id} is not yours")
        made = Push(world.ids.uuid(), destination_id, destination.type_id, filename.strip(), world.now())
        activation.pushes.append(made)
        return {"push_id": made.id}

    async def pushes(request, user):
        activation = mine(request, user)
        now = world.now()
        out = []
        for p in activation.pushes:
            view = p.view(now)
            out.append({"push_id": p.id, "query_id": activation.id, "destination_id": p.destination_id,
                        "destination_type_id": p.destination_type_id, "status": view["status"],
                        "push_successful": view["push_successful"], "rejected_rows": "0",
                        "started_at_date_time": view["pushed_at"],
                        **({"completed_at_date_time": view["completed_at"]} if "completed_at" in view else {}),
                        **({"push_error": view["push_error"]} if "push_error" in view else {})})
        return {"activation_pushes": out,
                "pagination_response": {"page": 1, "per_page": len(out), "total_items": str(len(out)),
                                        "total_pages": 1}}

    async def get(request, user):
        activation = mine(request, user)
        now = world.now()
        done = activation.done(now)
        summary = {"activation_id": activation.id, "campaign_name": activation.campaign_name,
                   "status": "QUERY_COMPLETED" if done else "QUERY_RUNNING",
                   "submitted_at": iso_z(activation.submitted), "query_successful": done,
                   "results_expired": False, "column_separator": activation.column_separator,
                   "collaboration_id": activation.collaboration_id}
        if done:
            rows = random.Random(f"rows:{activation.id}").randint(10_000, 2_000_000)
            summary.update({"total_rows": str(rows), "original_record_count": str(rows + rows // 9)})
        return {"activation": {"summary": summary, "output_columns": activation.columns(),
                               "pushes": [p.view(now) for p in activation.pushes],
                               "query_string": activation.query, "join_metadata": []}}

    return [
        Route("/v1/activations", endpoint(world, create), methods=["POST"]),
        Route("/v1/activations/{query_id}", endpoint(world, get), methods=["GET"]),
        Route("/v2/activations/queries/{query_id}/destinations/{destination_id}/push", endpoint(world, push),
              methods=["POST"]),
        Route("/v2/activations/queries/{query_id}/pushes", endpoint(world, pushes), methods=["GET"]),
    ]
