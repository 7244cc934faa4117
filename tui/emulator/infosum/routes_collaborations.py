"""Create, list, get, close and leave collaborations (reference §8.3.1–8.3.5)."""

from __future__ import annotations

from starlette.routing import Route

from . import collaborations, render
from .bodies import json_body
from .endpoint import endpoint, list_page
from .filters import DATE, LIST, STRING
from .rights import visible_collaboration
from .world import World

FILTER_FIELDS = {"id": STRING, "name": STRING, "description": STRING, "created_date_time": DATE,
                 "updated_date_time": DATE, "owner": STRING, "members": LIST, "status": STRING}


def routes(world: World) -> list[Route]:
    getters = {
        "id": lambda c: c.id, "name": lambda c: c.name, "description": lambda c: c.description,
        "created_date_time": lambda c: c.created, "updated_date_time": lambda c: c.updated,
        "owner": lambda c: c.owner_id, "members": lambda c: list(c.members), "status": lambda c: c.status,
    }
    # GUESS: ``owner`` sorts by the owner's display name, ``name`` case-insensitively
    order_keys = {
        "created_date_time": lambda c: c.created, "updated_date_time": lambda c: c.updated,
        "owner": lambda c: (world.company_name(c.owner_id).casefold(), c.owner_id),
        "status": lambda c: c.status, "name": lambda c: c.name.casefold(),
    }

    async def create(request, user):
        collab = collaborations.create(world, user, await json_body(request))
        return {"collaboration_id": collab.id}

    async def list_all(request, user):
        mine = [c for c in world.collaborations.values() if c.is_member(user.company_id)]
        return list_page(mine, request.query_params, key="collaborations", fields=FILTER_FIELDS, getters=getters,
                         order_keys=order_keys, default_order=[("created_date_time", True)],
                         render=lambda c: render.collaboration_summary(world, c))

    async def get_one(request, user):
        collab = visible_collaboration(world, user.company_id, request.path_params["collaboration_id"])
        return {"collaboration": render.collaboration_detail(world, collab)}

    async def close(request, user):
        await json_body(request, optional=True)
        collaborations.close(world, user, request.path_params["collaboration_id"])
        return {}

    async def leave(request, user):
        await json_body(request, optional=True)
        collaborations.leave(world, user, request.path_params["collaboration_id"])
        return {}

    base = "/v2/collaborations"
    return [
        Route(base, endpoint(world, create), methods=["POST"]),
        Route(base, endpoint(world, list_all), methods=["GET"]),
        Route(base + "/{collaboration_id}", endpoint(world, get_one), methods=["GET"]),
        Route(base + "/{collaboration_id}/close", endpoint(world, close), methods=["POST"]),
        Route(base + "/{collaboration_id}/leave", endpoint(world, leave), methods=["POST"]),
    ]
