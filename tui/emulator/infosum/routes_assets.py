"""Datasets and destinations inside a collaboration: add/remove (reference §8.3.6–8.3.9, incl.
the legacy ``insight-datasets``/``activation-datasets`` routes) and the member views of §9."""

from __future__ import annotations

from starlette.routing import Route

from . import collaborations, render
from .bodies import json_body
from .endpoint import endpoint, list_page
from .errors import not_found
from .filters import STRING
from .model import ACTIVATION_LIST, INSIGHT_LIST, UNIFIED
from .rights import visible_collaboration
from .world import World

DATASET_FILTER = {"dataset_id": STRING, "owner_id": STRING}
DESTINATION_FILTER = {"destination_id": STRING, "owner_id": STRING, "destination_type_id": STRING}
SEGMENTS = {UNIFIED: "datasets", INSIGHT_LIST: "insight-datasets", ACTIVATION_LIST: "activation-datasets"}


def routes(world: World) -> list[Route]:
    base = "/v2/collaborations/{collaboration_id}"

    def adder(via: str):
        async def add(request, user):
            collaborations.add_dataset(world, user, request.path_params["collaboration_id"],
                                       await json_body(request), via)
            return {}
        return add

    def remover(via: str):
        async def remove(request, user):
            collaborations.remove_dataset(world, user, request.path_params["collaboration_id"],
                                          request.path_params["dataset_id"], via)
            return {}
        return remove

    async def add_destination(request, user):
        collaborations.add_destination(world, user, request.path_params["collaboration_id"], await json_body(request))
        return {}

    async def remove_destination(request, user):
        collaborations.remove_destination(world, user, request.path_params["collaboration_id"],
                                          request.path_params["destination_id"])
        return {}

    def owner_name(company_id: str) -> tuple[str, str]:
        return (world.company_name(company_id).casefold(), company_id)

    async def list_datasets(request, user):
        collab = visible_collaboration(world, user.company_id, request.path_params["collaboration_id"])
        pairs = [(world.datasets[p.dataset_id], p) for p in collab.datasets]
        return list_page(
            pairs, request.query_params, key="datasets", fields=DATASET_FILTER,
            getters={"dataset_id": lambda dp: dp[0].id, "owner_id": lambda dp: dp[0].owner_id},
            order_keys={"created_date_time": lambda dp: dp[1].added,
                        "updated_date_time": lambda dp: max(dp[1].added, dp[0].published),
                        "owner": lambda dp: owner_name(dp[0].owner_id),
                        "name": lambda dp: dp[1].collaboration_dataset_name.casefold()},
            default_order=[("created_date_time", True)],
            render=lambda dp: render.collaboration_dataset(dp[0], dp[1]))

    async def get_dataset(request, user):
        collab = visible_collaboration(world, user.company_id, request.path_params["collaboration_id"])
        dataset_id = request.path_params["dataset_id"]
        perm = collab.permission(dataset_id)
        if perm is None:
            raise not_found(f"dataset {dataset_id} not found in collaboration {collab.id}")
        return render.collaboration_dataset(world.datasets[dataset_id], perm, detail=True)

    async def list_destinations(request, user):
        collab = visible_collaboration(world, user.company_id, request.path_params["collaboration_id"])
        pairs = [(world.destinations[link.destination_id], link) for link in collab.destinations]
        return list_page(
            pairs, request.query_params, key="destinations", fields=DESTINATION_FILTER,
            getters={"destination_id": lambda dl: dl[0].id, "owner_id": lambda dl: dl[0].owner_id,
                     "destination_type_id": lambda dl: dl[0].type_id},
            order_keys={"created_date_time": lambda dl: dl[1].added,
                        "updated_date_time": lambda dl: max(dl[1].added, dl[0].updated),
                        "owner": lambda dl: owner_name(dl[0].owner_id), "name": lambda dl: dl[0].name.casefold()},
            default_order=[("created_date_time", True)],
            render=lambda dl: render.collaboration_destination(dl[0], dl[1]))

    async def get_destination(request, user):
        collab = visible_collaboration(world, user.company_id, request.path_params["collaboration_id"])
        dest_id = request.path_params["destination_id"]
        if collab.destination(dest_id) is None:
            raise not_found(f"destination {dest_id} not found in collaboration {collab.id}")
        return {"destination": render.destination_instance(world.destinations[dest_id])}

    out = []
    for via, segment in SEGMENTS.items():
        out.append(Route(f"{base}/{segment}", endpoint(world, adder(via)), methods=["POST"]))
        out.append(Route(f"{base}/{segment}/{{dataset_id}}", endpoint(world, remover(via)), methods=["DELETE"]))
    out += [
        Route(f"{base}/datasets", endpoint(world, list_datasets), methods=["GET"]),
        Route(f"{base}/datasets/{{dataset_id}}", endpoint(world, get_dataset), methods=["GET"]),
        Route(f"{base}/destinations", endpoint(world, add_destination), methods=["POST"]),
        Route(f"{base}/destinations", endpoint(world, list_destinations), methods=["GET"]),
        Route(f"{base}/destinations/{{destination_id}}", endpoint(world, remove_destination), methods=["DELETE"]),
        Route(f"{base}/destinations/{{destination_id}}", endpoint(world, get_destination), methods=["GET"]),
    ]
    return out
