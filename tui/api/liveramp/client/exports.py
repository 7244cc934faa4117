"""Schedules, export jobs and destinations: a ``LiveRampClient`` mixin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..models import (
    CleanroomDestinationList,
    DestinationList,
    ExportJob,
    ExportJobRuns,
    NodeExportJobs,
    NodeExportResult,
    NodeJobRuns,
    NodeStatusResult,
    Schedule,
    Success,
)
from .core import (
    MAX_DESTINATIONS_PAGE,
    ClientCore,
    _id_of,
    _items,
    _seg,
    _str_dict,
)


class ExportsApi(ClientCore):
    """Schedules, export jobs, destinations."""

    # ------------------------------------------------------------------ schedules

    def _schedules(self, cleanroom_question_id: str) -> str:
        return f"/cleanroom-questions/{_seg(cleanroom_question_id)}/cleanroom-question-run-schedules"

    async def list_schedules(self, cleanroom_question_id: str) -> list[Schedule]:
        return await self._get_many(Schedule, self._schedules(cleanroom_question_id))

    async def get_schedule(self, cleanroom_question_id: str, schedule_id: str) -> Schedule:
        return await self._get_one(Schedule, f"{self._schedules(cleanroom_question_id)}/{_seg(schedule_id)}")

    async def create_schedule(self, cleanroom_question_id: str, body: dict[str, Any]) -> str:
        """``CreateCleanroomQuestionRunScheduleInput`` → the new schedule id."""
        path = self._schedules(cleanroom_question_id)
        return _id_of(await self._json("POST", path, json_body=body))

    async def update_schedule(self, cleanroom_question_id: str, schedule_id: str, body: dict[str, Any]) -> str:
        path = f"{self._schedules(cleanroom_question_id)}/{_seg(schedule_id)}"
        return _id_of(await self._json("PATCH", path, json_body=body)) or schedule_id

    async def delete_schedule(self, cleanroom_question_id: str, schedule_id: str) -> Success:
        path = f"{self._schedules(cleanroom_question_id)}/{_seg(schedule_id)}"
        return self._one(Success, await self._json("DELETE", path), path)

    # ------------------------------------------------------------------ exports, destinations

    async def list_export_jobs(self, cleanroom_id: str) -> list[ExportJob]:
        return await self._get_many(ExportJob, f"/cleanrooms/{_seg(cleanroom_id)}/exports/jobs")

    async def create_export_job(self, cleanroom_id: str, cleanroom_question_id: str,
                                partner_account_ids: list[str],
                                export_parameters: list[dict[str, str]] | None = None,
                                cleanroom_dataset_id: str | None = None) -> list[str]:
        """Returns the new job ids (one per partner account)."""
        path = f"/cleanrooms/{_seg(cleanroom_id)}/exports/jobs"
        body: dict[str, Any] = {"cleanroomQuestionId": cleanroom_question_id,
                                "partnerAccountIds": list(partner_account_ids)}
        if export_parameters is not None:
            body["exportParameters"] = [_str_dict(p) for p in export_parameters]
        if cleanroom_dataset_id is not None:
            body["cleanroomDatasetId"] = cleanroom_dataset_id
        data = await self._json("POST", path, json_body=body)
        return [item if isinstance(item, str) else _id_of(item) for item in _items(data)
                if isinstance(item, str | dict)]

    async def export_job_runs(self, job_id: str) -> ExportJobRuns:
        return await self._get_one(ExportJobRuns, f"/exports/jobs/{_seg(job_id)}/runs")

    async def set_export_job_status(self, job_id: str, status: str) -> Success:
        """``PATCH /exports/jobs/{id}/status {status: ACTIVE|PAUSED}``: pause or resume; sent once."""
        path = f"/exports/jobs/{_seg(job_id)}/status"
        return self._one(Success, await self._json("PATCH", path, json_body={"status": status}), path)

    async def list_node_exports(self, cleanroom_id: str, flow_id: str, node_ids: Sequence[str]) -> list[NodeExportJobs]:
        params = {"nodeIds": ",".join(node_ids), "limit": 500, "offset": 0}
        return await self._on_flow(cleanroom_id, flow_id, "/nodes/exports",
                                   lambda path: self._get_many(NodeExportJobs, path, params))

    async def node_export_runs(self, cleanroom_id: str, flow_id: str, node_ids: Sequence[str]) -> list[NodeJobRuns]:
        params = {"nodeIds": ",".join(node_ids)}
        return await self._on_flow(cleanroom_id, flow_id, "/nodes/exports/runs",
                                   lambda path: self._get_many(NodeJobRuns, path, params))

    async def create_node_exports(self, cleanroom_id: str, flow_id: str,
                                  items: Sequence[dict[str, Any]]) -> list[NodeExportResult]:
        """``POST …/nodes/exports [{nodeId, partnerAccountIds, exportParameters}]``: one job per
        destination per node; sent once (a 404 on the flow id created nothing, so the other id is tried)."""
        body = [{"nodeId": str(i["nodeId"]), "partnerAccountIds": [str(a) for a in i["partnerAccountIds"]],
                 "exportParameters": [_str_dict(p) for p in i.get("exportParameters") or []]} for i in items]

        async def call(path: str) -> list[NodeExportResult]:
            return self._many(NodeExportResult, await self._json("POST", path, json_body=body), path)

        return await self._on_flow(cleanroom_id, flow_id, "/nodes/exports", call)

    async def set_node_exports_status(self, cleanroom_id: str, flow_id: str, node_ids: Sequence[str],
                                      status: str) -> list[NodeStatusResult]:
        body = {"nodeIds": list(node_ids), "status": status}

        async def call(path: str) -> list[NodeStatusResult]:
            return self._many(NodeStatusResult, await self._json("PATCH", path, json_body=body), path)

        return await self._on_flow(cleanroom_id, flow_id, "/nodes/exports/status", call)

    async def list_destinations(self, limit: int = 30, offset: int = 0) -> DestinationList:
        return await self._get_one(DestinationList, "/destinations",
                                   {"limit": max(1, min(limit, MAX_DESTINATIONS_PAGE)), "offset": offset})

    async def list_cleanroom_destinations(self, cleanroom_id: str, type: str | None = None,
                                          limit: int = 30, offset: int = 0) -> CleanroomDestinationList:
        params = {"type": type, "limit": max(1, min(limit, MAX_DESTINATIONS_PAGE)), "offset": offset}
        return await self._get_one(CleanroomDestinationList, f"/cleanrooms/{_seg(cleanroom_id)}/destinations",
                                   params)
