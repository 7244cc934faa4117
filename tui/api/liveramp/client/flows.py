"""Flows and flow runs (and the flow-id convention the platform accepts): a ``LiveRampClient`` mixin."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from ...http import ApiError
from ..models import (
    DecisionConfiguration,
    Flow,
    FlowList,
    FlowNodeDetail,
    FlowRun,
    FlowRunList,
    FlowRunOutputNode,
    FlowRunParameters,
    RunResultData,
    Success,
)
from .core import (
    FLOW_FLOW_ID,
    FLOW_ID,
    PLATFORM,
    ClientCore,
    T,
    _id_of,
    _node_input,
    _seg,
    level_id,
)


class FlowsApi(ClientCore):
    """Flows and flow runs."""

    # ------------------------------------------------------------------ flows

    def _flow(self, cleanroom_id: str, flow_id: str) -> str:
        return f"/cleanrooms/{_seg(cleanroom_id)}/cleanroom-flows/{_seg(flow_id)}"

    def _learn_flows(self, flows: Sequence[Flow]) -> None:
        for flow in flows:
            if flow.id and flow.flow_id:
                self._flow_aliases[flow.id] = self._flow_aliases[flow.flow_id] = (flow.id, flow.flow_id)

    async def _flow_ids(self, cleanroom_id: str, flow_id: str) -> tuple[str, str] | None:
        """(ID, flowID) of a flow named by either id: from answers seen, else from the room's flow list."""
        if flow_id not in self._flow_aliases:
            offset = 0
            while True:
                page = await self.list_flows(cleanroom_id, limit=100, offset=offset)
                if flow_id in self._flow_aliases or len(page.clean_room_flows) < 100:
                    break
                offset += 100
        return self._flow_aliases.get(flow_id)

    def flow_path_id(self, flow_id: str) -> str:
        """The id this client will put in a flow path for ``flow_id`` (what a confirmation shows)."""
        ids = self._flow_aliases.get(flow_id)
        if ids is None:
            return flow_id
        return ids[1] if self.flow_convention == FLOW_FLOW_ID else ids[0]

    def _remember_flow_convention(self, convention: str) -> None:
        if convention != self.flow_convention:
            self.flow_convention = convention
            if self._flow_memory is not None:
                self._flow_memory.set(convention)

    async def _on_flow(self, cleanroom_id: str, flow_id: str, suffix: str,
                       call: Callable[[str], Awaitable[T]]) -> T:
        """``call(path)`` for a flow path, with the id convention the platform accepts (class docstring)."""
        ids = self._flow_aliases.get(flow_id)
        if ids is None and self.flow_convention == FLOW_FLOW_ID:
            ids = await self._flow_ids(cleanroom_id, flow_id)  # go straight to the remembered convention
        first = flow_id if ids is None else ids[1 if self.flow_convention == FLOW_FLOW_ID else 0]
        try:
            result = await call(self._flow(cleanroom_id, first) + suffix)
        except ApiError as exc:
            if exc.status != 404:
                raise
            ids = ids or await self._flow_ids(cleanroom_id, flow_id)
            if ids is None or ids[0] == ids[1]:
                raise
            other = ids[1] if first == ids[0] else ids[0]
            result = await call(self._flow(cleanroom_id, other) + suffix)
            self._remember_flow_convention(FLOW_FLOW_ID if other == ids[1] else FLOW_ID)
            return result
        if ids is not None and ids[0] != ids[1]:
            self._remember_flow_convention(FLOW_FLOW_ID if first == ids[1] else FLOW_ID)
        return result

    def _flow_run(self, cleanroom_id: str, run_id: str) -> str:
        return f"/cleanrooms/{_seg(cleanroom_id)}/cleanroom-flow-runs/{_seg(run_id)}"

    async def list_flows(self, cleanroom_id: str, limit: int = 100, offset: int = 0,
                         search: str | None = None) -> FlowList:
        """``POST …/cleanroom-flows/list``: a read, but a POST — so HttpCore sends it once, no retry."""
        path = f"/cleanrooms/{_seg(cleanroom_id)}/cleanroom-flows/list"
        body: dict[str, Any] = {"filters": [], "limit": limit, "offset": offset}
        if search:
            body["search"] = search
        flows = self._one(FlowList, await self._json("POST", path, json_body=body, write=False), path)
        self._learn_flows(flows.clean_room_flows)
        return flows

    async def get_flow(self, cleanroom_id: str, flow_id: str) -> Flow:
        async def call(path: str) -> Flow:
            data = await self._json("GET", path)
            if isinstance(data, dict) and isinstance(data.get("cleanRoomFlow"), dict):
                data = data["cleanRoomFlow"]
            flow = self._one(Flow, data, path)
            self._learn_flows([flow])
            return flow

        return await self._on_flow(cleanroom_id, flow_id, "", call)

    async def flow_node_details(self, cleanroom_id: str, flow_id: str) -> list[FlowNodeDetail]:
        async def call(path: str) -> list[FlowNodeDetail]:
            data = await self._json("GET", path)
            if isinstance(data, dict) and isinstance(data.get("nodes"), list):
                data = data["nodes"]
            return self._many(FlowNodeDetail, data, path)

        return await self._on_flow(cleanroom_id, flow_id, "/node-details", call)

    async def flow_run_parameters(self, cleanroom_id: str, flow_id: str) -> FlowRunParameters:
        return await self._on_flow(cleanroom_id, flow_id, "/flow-run-parameters",
                                   lambda path: self._get_one(FlowRunParameters, path))

    async def decision_configurations(self, cleanroom_id: str, flow_id: str,
                                      node_identifier: str | None = None) -> DecisionConfiguration:
        return await self._on_flow(cleanroom_id, flow_id, "/decision-configurations", lambda path: self._get_one(
            DecisionConfiguration, path, {"nodeIdentifier": node_identifier}))

    async def create_flow_run(
        self,
        cleanroom_id: str,
        flow_id: str,
        name: str,
        nodes: list[dict[str, Any]],
        pause_level: int | str | None = None,
        branches: str | list[str] | None = None,
        exclude_nodes_without_tags: bool = False,
        ignore_parent_child_rule: bool = False,
        include_mismatching_tagged_nodes: bool = False,
        dataset_assignments: list[dict[str, Any]] | None = None,
    ) -> FlowRun:
        """Start a flow run (counts against the 20 creates/hour); sent once, never retried.

        ``nodes``: ``[{nodeIdentifier, parameters: {name: value}}]``; ``pause_level`` 2 → ``"Level-2"``.
        """
        branch_text = ",".join(branches) if isinstance(branches, list) else (branches or "")
        if not branch_text:  # as the SDK: without branches these switches must be off
            exclude_nodes_without_tags = ignore_parent_child_rule = False
        body: dict[str, Any] = {"name": name}
        if (level := level_id(pause_level)) is not None:
            body["pauseLevelID"] = level
        if branch_text:
            body["branches"] = branch_text
        body.update({
            "excludeNodesWithoutTags": exclude_nodes_without_tags,
            "ignoreParentChildRule": ignore_parent_child_rule,
            "includeMismatchingTaggedNodes": include_mismatching_tagged_nodes,
            "nodes": [_node_input(n) for n in nodes],
        })
        if dataset_assignments:
            body["datasetAssignments"] = dataset_assignments

        async def call(path: str) -> FlowRun:
            # sent once per id: a 404 created nothing, so the other id may be tried (_on_flow)
            return self._one(FlowRun, await self._json("POST", path, json_body=body), path)

        return await self._on_flow(cleanroom_id, flow_id, "/cleanroom-flow-runs", call)

    async def list_flow_runs(self, cleanroom_id: str, flow_id: str, search: str | None = None,
                             limit: int = 30, offset: int = 0) -> FlowRunList:
        return await self._on_flow(cleanroom_id, flow_id, "/cleanroom-flow-runs", lambda path: self._get_one(
            FlowRunList, path, {"search": search, "limit": limit, "offset": offset}))

    async def get_flow_run(self, cleanroom_id: str, run_id: str) -> FlowRun:
        return await self._get_one(FlowRun, self._flow_run(cleanroom_id, run_id))

    async def flow_run_status(self, cleanroom_id: str, run_id: str) -> str:
        data = await self._json("GET", f"{self._flow_run(cleanroom_id, run_id)}/status")
        if isinstance(data, dict):
            data = data.get("status", data.get("Status"))
        return "" if data is None else str(data)

    async def flow_run_report(self, cleanroom_id: str, run_id: str, node: str,
                              limit: int = 500, offset: int = 0) -> RunResultData:
        """One node's results; ``node`` is a node UUID or a ``Q-…`` label."""
        return await self._get_one(RunResultData, f"{self._flow_run(cleanroom_id, run_id)}/report",
                                   {"node": node, "limit": limit, "offset": offset})

    async def flow_run_output_nodes(self, cleanroom_id: str, run_id: str) -> list[FlowRunOutputNode]:
        return await self._get_many(FlowRunOutputNode, f"{self._flow_run(cleanroom_id, run_id)}/output-nodes")

    async def download_flow_node_file(self, cleanroom_id: str, run_id: str, node: str, file_name: str) -> bytes:
        return await self._bytes(f"{self._flow_run(cleanroom_id, run_id)}/node/{_seg(node)}/download/{_seg(file_name)}")

    async def resume_flow_run(self, cleanroom_id: str, run_id: str,
                              pause_level: int | str | None = None) -> Success:
        path = f"{self._flow_run(cleanroom_id, run_id)}/resume-flow-run"
        body: dict[str, Any] = {}
        if (level := level_id(pause_level)) is not None:
            body["pauseLevelID"] = level
        return self._one(Success, await self._json("POST", path, json_body=body), path)

    async def replay_flow_run(self, cleanroom_id: str, run_id: str, start_level: int | str,
                              pause_level: int | str | None = None, name: str | None = None,
                              nodes: list[dict[str, Any]] | None = None) -> str:
        """Re-run from ``start_level`` reusing earlier levels' results; returns the new run id."""
        path = f"{self._flow_run(cleanroom_id, run_id)}/replay-flow-run"
        body: dict[str, Any] = {"startLevelID": level_id(start_level)}
        if (level := level_id(pause_level)) is not None:
            body["pauseLevelID"] = level
        if name is not None:
            body["name"] = name
        if nodes is not None:
            body["nodes"] = [_node_input(n) for n in nodes]
        data = await self._json("POST", path, json_body=body)
        new_id = _id_of(data, "cleanRoomFlowRunID", "cleanRoomFlowRunId", "cleanroomFlowRunId")
        if not new_id:
            raise ApiError(message="the replay answer names no new flow run", code="BAD_RESPONSE",
                           platform=PLATFORM, method="POST", path=path)
        return new_id
