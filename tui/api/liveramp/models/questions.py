"""Questions: org-level templates, questions in a clean room, their parameters."""

from __future__ import annotations

from typing import Any

from .base import (
    LenientDatetime,
    LRModel,
    NameType,
    StrList,
    StrMap,
    alias,
    models_of,
)

# --------------------------------------------------------------------------- questions


class QueryDetail(LRModel):
    query: str = ""
    clean_room_type: str | None = None
    query_language: str | None = None


class QuestionDataType(LRModel):
    id: str | None = alias("id", "ID")
    macro: str = ""
    dataset_id: str | None = alias("datasetID", "datasetId")
    import_data_type: str | None = None
    data_set_type_fields: list[NameType] = []


class QuestionDetailParameter(LRModel):
    name: str = ""
    type: str | None = None
    display_name: str = ""
    description: str = ""
    example_value: str | None = None
    format: str | None = None
    is_synced: bool | None = None


class Measure(LRModel):
    name: str = ""
    type: str | None = None
    is_identity: bool | None = None
    noise: bool | int | None = None  # SPEC boolean, SDK int


class Dimension(LRModel):
    name: str = ""
    type: str | None = None
    display_name: str | None = None
    filterable: bool | None = None
    filter_type: str | None = None
    plottable: bool | None = None
    identifier_type: str | None = None


class QuestionDetails(LRModel):
    title: str = ""
    display_id: str = alias("displayId", "displayID", default="")
    category: str = ""
    tags: StrList = []
    description: str = ""
    version: int | None = None
    has_date_parameters: bool | None = None
    has_date_filter: bool | None = None
    is_analytics: bool | None = None
    is_user_list_question: bool | None = None
    is_clean_compute_question: bool | None = None
    has_multiple_outputs: bool | None = None
    output_format: str | None = None
    visualization: str | None = None
    query_details: list[QueryDetail] = []
    data_types: list[QuestionDataType] = []
    parameters: list[QuestionDetailParameter] = []
    measures: list[Measure] = []
    dimensions: list[Dimension] = []
    user_list_outputs: list[NameType] = []


class Question(LRModel):
    """An org-level question (template)."""

    id: str = alias("id", "ID", default="")
    clean_room_id: str | None = alias("cleanRoomID", "cleanRoomId")
    organization_id: str | None = alias("organizationID", "organizationId")
    settings: dict[str, Any] = {}
    question_details: QuestionDetails = QuestionDetails()


class CleanRoomQuestion(LRModel):
    """A question provisioned into a clean room (list / get shape)."""

    id: str = alias("id", "ID", default="")
    name: str = alias("name", "title", default="")
    display_id: str = alias("displayId", "displayID", default="")
    question_type: str = ""
    category: str = ""
    created_on: LenientDatetime = None
    status: str = alias("status", "Status", default="")
    data_types: StrMap = {}
    parameters: StrMap = {}
    dimension: StrMap = {}
    metrics: StrMap = {}
    cleanroom_id: str | None = alias("cleanroomId", "cleanRoomId", "cleanRoomID")
    owner_organization_id: str | None = alias("ownerOrganizationId", "ownerOrganizationID")
    customer_query_template: str | None = None
    question_id: str | None = alias("questionId", "questionID")


class LatestRun(LRModel):
    run_id: str | None = alias("runId", "runID")
    status: str = ""
    start_timestamp: LenientDatetime = None
    end_timestamp: LenientDatetime = None


class CleanRoomQuestionResponse(LRModel):
    """What adding a question to a room answers (a different shape from list/get)."""

    id: str = alias("id", "ID", default="")
    clean_room_id: str | None = alias("cleanRoomId", "cleanRoomID")
    owner_organization_id: str | None = alias("ownerOrganizationId", "ownerOrganizationID")
    question_id: str | None = alias("questionId", "questionID")
    title: str = ""
    category: str = ""
    stage: str = ""
    status: str = ""
    latest_run: LatestRun | None = None
    dataset_count: int = 0
    run_count: int = 0
    is_editable: bool | None = None
    question_status: str = ""
    question_version: int | None = None
    display_id: str = alias("displayId", "displayID", default="")
    description: str = ""


class PartitionFieldConfig(LRModel):
    type: str | None = None  # Fixed | Range | Rolling
    values: StrList = []
    rolling_unit: str | None = None  # Days | Months
    is_enforced: bool | None = None


class QuestionParameter(LRModel):
    """One run-time parameter; PascalCase on the wire (``Name``, ``DataType`` …)."""

    name: str = alias("Name", "name", default="")
    index: int | None = alias("Index", "index")
    data_type: str | None = alias("DataType", "dataType")
    parameter_type: str | None = alias("ParameterType", "parameterType")
    display_name: str = alias("DisplayName", "displayName", default="")
    description: str = alias("Description", "description", default="")
    example_value: str | None = alias("ExampleValue", "exampleValue")
    format: str | None = alias("Format", "format")
    is_synced: bool | None = alias("IsSynced", "isSynced")
    has_constraint: bool | None = alias("HasConstraint", "hasConstraint")
    constraint_type: str | None = alias("ConstraintType", "constraintType")
    allowed_values: StrList = alias("AllowedValues", "allowedValues", default=[])
    default_value: str | None = alias("DefaultValue", "defaultValue")
    partition_field_config: PartitionFieldConfig | None = alias(
        "partitionFieldConfig", "PartitionFieldConfig")


class QuestionParameters(LRModel):
    name: str = ""
    display_id: str = alias("displayId", "displayID", default="")
    parameters: list[QuestionParameter] = []


class Permission(LRModel):
    id: str | None = alias("id", "ID")
    permission: str = ""
    access: str = ""


class ResultShare(LRModel):
    id: str | None = alias("id", "ID")
    partner_id: str | None = alias("PartnerID", "partnerId", "partnerID")
    post_run_query_id: str | None = alias("PostRunQueryID", "postRunQueryId", "postRunQueryID")


__all__ = models_of(globals())
