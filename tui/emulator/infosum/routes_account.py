"""Account, the caller's own datasets and destinations, and health (reference §11.5, §12)."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.routing import Route

from . import render
from .endpoint import endpoint, list_page
from .errors import invalid, not_found
from .filters import DATE, STRING
from .world import World

DESTINATION_FIELDS = {"name": STRING, "owner_id": STRING, "destination_type_id": STRING,
                      "outgoing_permission_id": STRING, "creator_id": STRING}
DATASET_FIELDS = {"dataset_id": STRING, "public_name": STRING, "private_id": STRING, "description": STRING,
                  "owner_id": STRING, "created_by": STRING, "dataset_type": STRING, "region": STRING,
                  "recordset_id": STRING, "execution_id": STRING, "publish_date_time": DATE,
                  "created_date_time": DATE, "expiration_date_time": DATE}
NEVER = datetime.max.replace(tzinfo=UTC)


def _folded(getter):
    """Sort key: strings case-insensitively, anything else as is."""
    def key(item):
        value = getter(item)
        return value.casefold() if isinstance(value, str) else value
    return key


def routes(world: World) -> list[Route]:
    async def me(request, user):
        company = world.companies[user.company_id]
        return {"id": user.id, "display_name": user.display_name,
                "company": {"id": company.id, "display_name": company.display_name}}

    async def company_name(request, user):
        company_id = request.query_params.get("company_id", "")
        if not company_id:
            raise invalid("company_id is required")
        company = world.companies.get(company_id)
        if company is None:
            raise not_found(f"company {company_id} not found")
        return {"company_display_name": company.display_name}

    async def destination_instances(request, user):
        mine = [d for d in world.destinations.values() if d.owner_id == user.company_id]
        getters = {"name": lambda d: d.name, "owner_id": lambda d: d.owner_id,
                   "destination_type_id": lambda d: d.type_id, "outgoing_permission_id": lambda d: "",
                   "creator_id": lambda d: d.creator_id}
        order = {"id": lambda d: d.id, "created_time": lambda d: d.created, "name": lambda d: d.name.casefold(),
                 "updated_time": lambda d: d.updated, "destination_type_id": lambda d: d.type_id,
                 "creator_id": lambda d: d.creator_id}
        return list_page(mine, request.query_params, key="destinations", fields=DESTINATION_FIELDS,
                         getters=getters, order_keys=order, default_order=[("created_time", True)],
                         render=lambda d: render.destination_instance(d))

    async def destination_instance(request, user):
        """One destination: the caller's own, or one a collaboration it belongs to lists (the
        collaboration lists it, so the playbook's "confirm the destination exists" step must work for
        it). Only the owner sees its configuration (GUESS: partners get the summary)."""
        dest_id = request.path_params["destination_id"]
        dest = world.destinations.get(dest_id)
        visible = dest is not None and (dest.owner_id == user.company_id or any(
            c.is_member(user.company_id) and c.destination(dest_id) is not None
            for c in world.collaborations.values()))
        if not visible:
            raise not_found(f"destination {dest_id} not found")
        return {"destination": render.destination_instance(dest, full=dest.owner_id == user.company_id)}

    async def destination_types(request, user):
        return {"destination_types": [{"id": i, "name": n} for i, n in world.destination_types.items()]}

    def dataset_getters() -> dict:
        def rendered(field):
            return lambda d: render.dataset_v2(world, d)["publish_details"][field]
        return {
            "dataset_id": lambda d: d.id, "public_name": lambda d: d.public_name,
            "private_id": lambda d: d.private_id, "description": lambda d: d.description,
            "owner_id": lambda d: d.owner_id, "created_by": lambda d: d.created_by,
            "dataset_type": lambda d: d.type, "region": lambda d: d.region,
            "recordset_id": rendered("recordset_id"), "execution_id": rendered("execution_id"),
            "publish_date_time": lambda d: d.published, "created_date_time": lambda d: d.created,
            "expiration_date_time": lambda d: NEVER,  # seeded datasets never expire
        }

    async def datasets(request, user):
        mine = [d for d in world.datasets.values() if d.owner_id == user.company_id]
        getters = dataset_getters()
        order = {k: _folded(g) for k, g in getters.items()}
        return list_page(mine, request.query_params, key="datasets", fields=DATASET_FIELDS, getters=getters,
                         order_keys=order, default_order=[("created_date_time", True)],
                         render=lambda d: render.dataset_v2(world, d))

    async def dataset(request, user):
        ds = world.datasets.get(request.path_params["dataset_id"])
        if ds is None or ds.owner_id != user.company_id:
            raise not_found(f"dataset {request.path_params['dataset_id']} not found")
        return {"dataset": render.dataset_v2(world, ds)}

    async def health(request, user):
        return {"status": "AVAILABLE"}

    return [
        Route("/v2/accounts/me", endpoint(world, me), methods=["GET"]),
        Route("/v2/accounts/companies/display_name", endpoint(world, company_name), methods=["GET"]),
        Route("/v2/destinations/instances", endpoint(world, destination_instances), methods=["GET"]),
        Route("/v2/destinations/types", endpoint(world, destination_types), methods=["GET"]),
        Route("/v2/destinations/instances/{destination_id}", endpoint(world, destination_instance),
              methods=["GET"]),
        Route("/v2/datasets", endpoint(world, datasets), methods=["GET"]),
        Route("/v2/datasets/{dataset_id}", endpoint(world, dataset), methods=["GET"]),
        # health answers without a key so a client can tell "server up" from "key wrong" (GUESS)
        Route("/v1/health", endpoint(world, health, auth=False), methods=["GET"]),
    ]
