"""The four dataset stats endpoints (reference §8.3.10–13); they need ``detailed_logs``."""

from __future__ import annotations

from starlette.routing import Route

from . import stats
from .endpoint import endpoint
from .errors import not_found
from .rights import require_right, visible_collaboration
from .world import World


def routes(world: World) -> list[Route]:
    def resolve(request, user):
        collab = visible_collaboration(world, user.company_id, request.path_params["collaboration_id"])
        require_right(collab, user.company_id, "detailed_logs", "reading dataset stats")
        dataset_id = request.path_params["dataset_id"]
        perm = collab.permission(dataset_id)
        if perm is None or dataset_id not in world.datasets:
            raise not_found(f"dataset {dataset_id} not found in collaboration {collab.id}")
        return world.datasets[dataset_id], perm

    async def summary(request, user):
        ds, perm = resolve(request, user)
        return stats.summary(ds, perm)

    async def key_columns(request, user):
        ds, _perm = resolve(request, user)
        return stats.key_columns(ds)

    async def attribute_columns(request, user):
        ds, perm = resolve(request, user)
        return stats.attribute_columns(ds, perm)

    async def export_columns(request, user):
        ds, _perm = resolve(request, user)
        return stats.export_columns(ds)

    base = "/v2/collaborations/{collaboration_id}/datasets/{dataset_id}/stats"
    return [
        Route(f"{base}/summary", endpoint(world, summary), methods=["GET"]),
        Route(f"{base}/key_columns", endpoint(world, key_columns), methods=["GET"]),
        Route(f"{base}/attribute_columns", endpoint(world, attribute_columns), methods=["GET"]),
        Route(f"{base}/export_columns", endpoint(world, export_columns), methods=["GET"]),
    ]
