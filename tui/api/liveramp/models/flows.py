"""Flows: definitions, nodes, run parameters, flow runs."""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from ..lenient import as_text as _as_text
from .base import (
    LenientDatetime,
    LRModel,
    StrList,
    TimeAudit,
    UserAudit,
    alias,
    models_of,
)
from .rooms import AssetDataType, QuestionField

# --------------------------------------------------------------------------- flows


class FlowNode(LRModel):
    """A node of a flow (also what ``output-nodes`` returns under ``node``)."""

    id: str = alias("id", "ID", default="")
    flow_id: str | None = alias("flowId", "flowID")
    label: str = ""
    node_type: str | None = None
    reference_id: str | None = alias("referenceId", "referenceID")
    level: int | None = None
    title: str = ""
    cleanroom_question_id: str | None = alias("cleanroomQuestionId", "cleanroomQuestionID")
    time_audit: TimeAudit | None = None


class FlowDefinition(LRModel):
    id: str = alias("ID", "id", default="")
    display_id: str = alias("displayID", "displayId", default="")
    name: str = ""
    description: str = ""
    organization_id: str | None = alias("organizationID", "organizationId")
    status: str = ""
    time_audit: TimeAudit | None = None
    user_audit: UserAudit | None = None
    nodes: list[FlowNode] = []
    edges: list[dict[str, Any]] = []
    version: int | None = None


class Flow(LRModel):
    """``ListItemCleanroomFlow``: a flow as provisioned into a clean room."""

    id: str = alias("ID", "id", default="")
    display_id: str = alias("displayID", "displayId", default="")
    clean_room_id: str | None = alias("cleanRoomID", "cleanRoomId")
    flow_id: str | None = alias("flowID", "flowId")
    status: str = ""
    stage: str = ""
    time_audit: TimeAudit | None = None
    user_audit: UserAudit | None = None
    flow: FlowDefinition | None = None
    run_count: int = 0
    crypto_key_id: str | None = alias("CryptoKeyID", "cryptoKeyId", "cryptoKeyID")
    flow_version: int | None = None
    is_provisioned: bool | None = None
    billable_config_id: str | None = alias("billableConfigID", "billableConfigId")
    is_billable: bool | None = None
    owner_organization_id: str | None = alias("ownerOrganizationID", "ownerOrganizationId")

    @property
    def name(self) -> str:
        return self.flow.name if self.flow else ""


class FlowList(LRModel):
    clean_room_flows: list[Flow] = alias("cleanRoomFlows", "cleanroomFlows", default=[])
    count: int | None = None


class FlowNodeDetail(LRModel):
    node_identifier: str = ""
    node_id: str | None = alias("nodeID", "nodeId")
    node_level: int | None = None
    id: str | None = alias("ID", "id")
    display_id: str = alias("displayID", "displayId", default="")
    title: str = ""
    category: str = ""
    description: str = ""
    status: str = ""
    has_date_filter: bool | None = None
    has_date_parameters: bool | None = None
    has_multiple_outputs: bool | None = None
    is_aggregate: bool | None = None
    is_user_list_question: bool | None = None
    default_compute_capacity: str | None = None
    dimensions: list[QuestionField] = []
    metrics: list[QuestionField] = []
    parameters: list[QuestionField] = []
    data_types: list[AssetDataType] = []
    user_list_outputs: list[QuestionField] = []
    branches: StrList = []


class FlowParameterMetadata(LRModel):
    id: str | None = alias("Id", "ID", "id")
    name: str = ""
    display_name: str = ""
    index: int | None = None
    field_type: str | None = None
    parameter_type: str | None = None


class FlowNodeParameters(LRModel):
    node_id: str = alias("nodeId", "nodeID", default="")
    node_question_name: str = ""
    parameter_metadata_list: list[FlowParameterMetadata] = []


class FlowRunParameters(LRModel):
    """Run-time parameters per flow node (SPEC ``flowRunParameters``; docs wrap them in ``response``)."""

    flow_run_parameters: list[FlowNodeParameters] = []

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, data: Any) -> Any:
        if isinstance(data, list):
            return {"flowRunParameters": data}
        if isinstance(data, dict) and "flowRunParameters" not in data and "flow_run_parameters" not in data:
            inner = data.get("response")
            if isinstance(inner, dict):
                inner = inner.get("flowRunParameters", inner.get("flow_run_parameters"))
            if isinstance(inner, list):
                return {"flowRunParameters": inner}
        return data


class DecisionNode(LRModel):
    node_id: str | None = alias("nodeID", "nodeId")
    node_label: str | None = None
    node_identifier: str | None = None
    condition_logic: str | None = None
    conditions: list[dict[str, Any]] = []
    retry_config: dict[str, Any] = {}
    conditions_fail_action: str | None = None
    gated_edges: dict[str, Any] = {}


class DecisionConfiguration(LRModel):
    decision_nodes: list[DecisionNode] = []
    clean_room_override: bool | None = None


class FlowRunParameterValue(LRModel):
    value: str = ""
    parameter_type: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_value(cls, data: Any) -> Any:
        return data if isinstance(data, dict) else {"value": _as_text(data)}


class FlowRunNodeParameters(LRModel):
    node_id: str = alias("nodeId", "nodeID", "nodeIdentifier", default="")
    parameters: dict[str, FlowRunParameterValue] = {}


class FlowRun(LRModel):
    """``FlowRunMetadata``."""

    id: str = alias("id", "ID", "Id", default="")
    name: str = ""
    status: str = alias("status", "Status", default="")
    submitted_at: LenientDatetime = None
    executed_at: LenientDatetime = None
    completed_at: LenientDatetime = None
    flow_run_parameters: list[FlowRunNodeParameters] = []
    run_message: str | None = None


FlowRunMetadata = FlowRun


class FlowRunList(LRModel):
    clean_room_flow_runs: list[FlowRun] = alias("cleanRoomFlowRuns", "cleanroomFlowRuns", default=[])
    count: int | None = None


class FlowRunOutputNode(LRModel):
    node: FlowNode = FlowNode()
    run_status: str = ""
    run_id: str | None = alias("runID", "runId")


__all__ = models_of(globals()) + ["FlowRunMetadata"]
