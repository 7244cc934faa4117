"""Collaborations, their datasets, destinations and dataset stats: an ``InfoSumClient`` mixin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ...http import ApiError
from ..models import (
    AttributeStatsResponse,
    Collaboration,
    CollaborationDataset,
    CollaborationDestination,
    CollaborationSummary,
    ExportColumnStatsResponse,
    KeyColumnStatsResponse,
    MemberRights,
    Page,
    SummaryStats,
)
from .core import (
    MAX_PER_PAGE,
    PLATFORM,
    ClientCore,
    M,
    _page_params,
    _rights,
    _segment,
    _unwrap,
    validate_dataset_name,
)


class CollaborationsApi(ClientCore):
    """Collaborations, their datasets and destinations, dataset stats."""

    # ------------------------------------------------------------------ collaborations

    async def list_collaborations(self, page: int = 1, per_page: int = 100, order_by: str | None = None,
                                  filter: str | None = None) -> Page[CollaborationSummary]:
        return await self._list("/api/v2/collaborations", ("collaborations",), CollaborationSummary,
                                page, per_page, order_by, filter)

    def iter_collaborations(self, order_by: str | None = None, filter: str | None = None,
                            per_page: int = MAX_PER_PAGE) -> AsyncIterator[CollaborationSummary]:
        _page_params(1, per_page, None, None)  # fail fast on a bad per_page
        return self._iterate(lambda n: self.list_collaborations(n, per_page, order_by, filter))

    async def get_collaboration(self, cid: str) -> Collaboration:
        path = f"/api/v2/collaborations/{_segment(cid, 'collaboration id')}"
        return self._parse(Collaboration, _unwrap(await self._get(path), "collaboration"), path)

    async def create_collaboration(
        self,
        name: str,
        collaborators: list[tuple[str, MemberRights | dict[str, Any]]],
        creator_rights: MemberRights | dict[str, Any],
        description: str | None = None,
    ) -> str:
        """``POST /api/v2/collaborations`` → the new ``CLB.…`` id. Members cannot be added later."""
        if not name or not name.strip():
            raise ValueError("a collaboration needs a name")
        members = []
        for company_id, rights in collaborators:
            if not company_id or not str(company_id).strip():
                raise ValueError("every collaborator needs a company id")
            members.append({"company_id": company_id, "rights": _rights(rights)})
        body: dict[str, Any] = {"name": name, "creator_rights": _rights(creator_rights),
                                "collaborators": members}
        if description:
            body["description"] = description
        path = "/api/v2/collaborations"
        answer = await self._create(path, body)
        cid = answer.get("collaboration_id") if isinstance(answer, dict) else None
        if not cid:
            raise ApiError(message="the create answer carried no collaboration_id; list collaborations "
                                   "to see whether it was created", code="BAD_RESPONSE",
                           platform=PLATFORM, method="POST", path=path)
        return str(cid)

    async def close_collaboration(self, cid: str) -> None:
        """Owner only; irreversible. No body: the CM playbook declares none."""
        await self._write("POST", f"/api/v2/collaborations/{_segment(cid, 'collaboration id')}/close")

    async def leave_collaboration(self, cid: str) -> None:
        """Members only (the owner gets 403 and must close instead). No body, as the playbook declares."""
        await self._write("POST", f"/api/v2/collaborations/{_segment(cid, 'collaboration id')}/leave")

    # ------------------------------------------------------------------ datasets in a collaboration

    def _collab_path(self, cid: str, *rest: str) -> str:
        return "/".join(["/api/v2/collaborations", _segment(cid, "collaboration id"), *rest])

    async def add_dataset(
        self,
        cid: str,
        dataset_id: str,
        collaboration_dataset_name: str,
        *,
        intersection_only: bool = False,
        attribute_restriction: bool = False,
        allowed_attributes: tuple[str, ...] | list[str] = (),
        activation_allowed: bool = False,
        exportable_to_members: tuple[str, ...] | list[str] = (),
        destination_type_restriction: bool = False,
        allowed_destination_types: tuple[str, ...] | list[str] = (),
    ) -> None:
        """``POST …/datasets`` (unified endpoint)."""
        _segment(dataset_id, "dataset id")
        validate_dataset_name(collaboration_dataset_name)
        if allowed_destination_types and not destination_type_restriction:
            raise ValueError("allowed_destination_types may only be set with destination_type_restriction")
        body = {
            "dataset_id": dataset_id,
            "collaboration_dataset_name": collaboration_dataset_name,
            "intersection_only": intersection_only,
            "attribute_restriction": attribute_restriction,
            "allowed_attributes": list(allowed_attributes),
            "activation_allowed": activation_allowed,
            "exportable_to_members": list(exportable_to_members),
            "destination_type_restriction": destination_type_restriction,
            "allowed_destination_types": list(allowed_destination_types),
        }
        await self._write("POST", self._collab_path(cid, "datasets"), body)

    async def remove_dataset(self, cid: str, dataset_id: str) -> None:
        await self._write("DELETE", self._collab_path(cid, "datasets", _segment(dataset_id, "dataset id")))

    async def add_insight_dataset(
        self,
        cid: str,
        dataset_id: str,
        collaboration_dataset_name: str,
        *,
        intersection_only: bool = False,
        attribute_restriction: bool = False,
        allowed_attributes: tuple[str, ...] | list[str] = (),
        activation_allowed: bool = False,
    ) -> None:
        """Legacy ``POST …/insight-datasets`` (§8.3.6b)."""
        _segment(dataset_id, "dataset id")
        validate_dataset_name(collaboration_dataset_name)
        body = {"dataset_id": dataset_id, "collaboration_dataset_name": collaboration_dataset_name,
                "intersection_only": intersection_only, "attribute_restriction": attribute_restriction,
                "allowed_attributes": list(allowed_attributes), "activation_allowed": activation_allowed}
        await self._write("POST", self._collab_path(cid, "insight-datasets"), body)

    async def add_activation_dataset(
        self,
        cid: str,
        dataset_id: str,
        collaboration_dataset_name: str,
        *,
        exportable_to_members: tuple[str, ...] | list[str] = (),
        intersection_only: bool = False,
    ) -> None:
        """Legacy ``POST …/activation-datasets`` (§8.3.6c)."""
        _segment(dataset_id, "dataset id")
        validate_dataset_name(collaboration_dataset_name)
        body = {"dataset_id": dataset_id, "collaboration_dataset_name": collaboration_dataset_name,
                "exportable_to_members": list(exportable_to_members), "intersection_only": intersection_only}
        await self._write("POST", self._collab_path(cid, "activation-datasets"), body)

    async def remove_insight_dataset(self, cid: str, dataset_id: str) -> None:
        await self._write("DELETE", self._collab_path(cid, "insight-datasets",
                                                      _segment(dataset_id, "dataset id")))

    async def remove_activation_dataset(self, cid: str, dataset_id: str) -> None:
        await self._write("DELETE", self._collab_path(cid, "activation-datasets",
                                                      _segment(dataset_id, "dataset id")))

    async def list_collaboration_datasets(self, cid: str, page: int = 1, per_page: int = 100,
                                          order_by: str | None = None, filter: str | None = None,
                                          ) -> Page[CollaborationDataset]:
        return await self._list(self._collab_path(cid, "datasets"), ("datasets",), CollaborationDataset,
                                page, per_page, order_by, filter)

    async def get_collaboration_dataset(self, cid: str, dataset_id: str) -> CollaborationDataset:
        path = self._collab_path(cid, "datasets", _segment(dataset_id, "dataset id"))
        return self._parse(CollaborationDataset, _unwrap(await self._get(path), "dataset"), path)

    # ------------------------------------------------------------------ destinations in a collaboration

    async def add_destination(self, cid: str, destination_id: str) -> None:
        _segment(destination_id, "destination id")
        await self._write("POST", self._collab_path(cid, "destinations"), {"destination_id": destination_id})

    async def remove_destination(self, cid: str, destination_id: str) -> None:
        await self._write("DELETE", self._collab_path(cid, "destinations",
                                                      _segment(destination_id, "destination id")))

    async def list_collaboration_destinations(self, cid: str, page: int = 1, per_page: int = 100,
                                              order_by: str | None = None, filter: str | None = None,
                                              ) -> Page[CollaborationDestination]:
        return await self._list(self._collab_path(cid, "destinations"), ("destinations",),
                                CollaborationDestination, page, per_page, order_by, filter)

    async def get_collaboration_destination(self, cid: str, destination_id: str) -> CollaborationDestination:
        path = self._collab_path(cid, "destinations", _segment(destination_id, "destination id"))
        return self._parse(CollaborationDestination, _unwrap(await self._get(path), "destination"), path)

    # ------------------------------------------------------------------ stats

    async def _stats(self, model: type[M], cid: str, dataset_id: str, kind: str) -> M:
        path = self._collab_path(cid, "datasets", _segment(dataset_id, "dataset id"), "stats", kind)
        return self._parse(model, await self._get(path), path)

    async def summary_stats(self, cid: str, dataset_id: str) -> SummaryStats:
        return await self._stats(SummaryStats, cid, dataset_id, "summary")

    async def key_column_stats(self, cid: str, dataset_id: str) -> KeyColumnStatsResponse:
        """Map and list forms merged in ``.stats``."""
        return await self._stats(KeyColumnStatsResponse, cid, dataset_id, "key_columns")

    async def attribute_stats(self, cid: str, dataset_id: str) -> AttributeStatsResponse:
        """Map and list forms merged in ``.stats``."""
        return await self._stats(AttributeStatsResponse, cid, dataset_id, "attribute_columns")

    async def export_column_stats(self, cid: str, dataset_id: str) -> ExportColumnStatsResponse:
        """Map and list forms merged in ``.stats``."""
        return await self._stats(ExportColumnStatsResponse, cid, dataset_id, "export_columns")
