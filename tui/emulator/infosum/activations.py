"""v1 activation queries (reference §11.2; the AD playbook's steps 1–2): ``POST /v1/activations``
queues one, ``GET /v1/activations/{id}`` answers ``{activation: {summary, output_columns, pushes,
query_string, join_metadata}}`` (the [V1] shape; the playbook's GET example is an insight result,
which the reference calls a copy-paste slip).

GUESSes: an activation runs 30–120 world seconds (deterministic per id); ``total_rows`` is derived
from its id; the output columns are the ``self.X`` names in the SELECT list (``ID`` if none);
it never fails; no pushes until one is made (pushes are not emulated).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from starlette.routing import Route

from ..common import iso_z
from .bodies import check_fields, json_body
from .endpoint import endpoint
from .errors import invalid, not_found
from .world import World

BODY_FIELDS = {"query", "campaign_name", "collaboration_id", "column_separator", "header_overrides",
               "string_literal_columns", "multi_value_delimiter", "identities_to_flatten", "path_overrides",
               "string_literal_column"}


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
        if collab_id:
            collab = world.collaborations.get(collab_id)
            if collab is None or not collab.is_member(user.company_id):
                raise not_found(f"collaboration {collab_id} not found")
        activation_id = world.ids.uuid()
        store[activation_id] = Activation(
            activation_id, user.company_id, query.strip(), str(body.get("campaign_name") or ""), collab_id,
            str(body.get("column_separator") or ","), world.now(),
            round(random.Random(f"activation:{activation_id}").uniform(30, 120), 1))
        return {"activation_id": activation_id, "query_completed": False}

    async def get(request, user):
        activation = store.get(request.path_params["query_id"])
        if activation is None or activation.company_id != user.company_id:
            raise not_found(f"activation {request.path_params['query_id']} not found")
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
        return {"activation": {"summary": summary, "output_columns": activation.columns(), "pushes": [],
                               "query_string": activation.query, "join_metadata": []}}

    return [
        Route("/v1/activations", endpoint(world, create), methods=["POST"]),
        Route("/v1/activations/{query_id}", endpoint(world, get), methods=["GET"]),
    ]
