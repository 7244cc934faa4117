"""Clean rooms, their assets, partners, users and datasets."""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from .base import (
    LenientDate,
    LenientDatetime,
    LRModel,
    NameDescription,
    NameValueType,
    StrList,
    StrMap,
    TimeAudit,
    UserAudit,
    UserRef,
    alias,
    models_of,
)

# --------------------------------------------------------------------------- clean rooms


class CleanRoom(LRModel):
    id: str = alias("id", "ID", default="")
    display_id: str = alias("displayId", "displayID", default="")
    name: str = ""
    description: str = ""
    owner_organization: str = ""
    partners: StrList = []
    start_at: LenientDate = None
    end_at: LenientDate = None
    questions_count: int = 0
    status: str = ""
    clean_room_parameters: StrMap = {}
    time_audit: TimeAudit | None = None
    clean_room_type_id: str | None = alias("cleanRoomTypeId", "cleanRoomTypeID")

    @field_validator("partners", mode="before")
    @classmethod
    def _partner_names(cls, value: Any) -> Any:
        # names in practice; keep the name if an object ever shows up
        if isinstance(value, list):
            return [(v.get("name") or v.get("id") or "") if isinstance(v, dict) else v for v in value]
        return value


class CleanRoomType(LRModel):
    id: str = alias("id", "ID", default="")
    name: str = ""
    display_name: str = ""
    list_question_support: bool | None = None
    analytical_question_support: bool | None = None
    wall_garden: bool | None = None


class QuestionField(LRModel):
    """A dimension / metric / parameter / user-list output in the newer ``ID``-style payloads."""

    id: str | None = alias("ID", "id", "Id")
    name: str = ""
    display_name: str = ""
    type: str | None = None
    filterable: bool | None = None
    plottable: bool | None = None
    computed: bool | None = None
    index: int | None = None
    parameter_type: str | None = None
    is_encrypt: bool | None = None


class AssetDataType(LRModel):
    id: str | None = alias("ID", "id")
    macro: str = ""
    description: str = ""
    import_data_type: str | None = None
    optional: bool | None = None
    fields: list[Any] = []


class AssetQuestion(LRModel):
    """``QuestionMetadata`` in the assets payload (upper-case ``ID``/``displayID``)."""

    id: str = alias("ID", "id", default="")
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


class DatasetField(LRModel):
    id: str | None = alias("ID", "id")
    field_name: str = ""
    data_type: str | None = None
    is_filterable: bool | None = None
    is_user_id_field: bool | None = alias("isUserIDField", "isUserIdField")
    is_pii: bool | None = None
    is_excluded: bool | None = None
    field_label: str | None = None


class AssetDataset(LRModel):
    id: str = alias("ID", "id", default="")
    name: str = ""
    organization_id: str | None = alias("organizationID", "organizationId")
    organization_name: str = ""
    data_import_type: str | None = None
    macro: str = ""
    fields: list[DatasetField] = []


class Stakeholder(LRModel):
    organization_id: str | None = alias("organizationId", "organizationID")
    organization_name: str = ""
    ownership: str = ""


class CleanroomAssets(LRModel):
    questions: list[AssetQuestion] = []
    datasets: list[AssetDataset] = []
    compute_capacity_options: list[NameDescription] = []
    field_types: list[NameDescription] = []
    stakeholders: list[Stakeholder] = []


# --------------------------------------------------------------------------- partners and users


class Role(LRModel):
    """``CleanRoomRole``."""

    id: str = alias("id", "ID", default="")
    name: str = ""
    clean_room_id: str | None = alias("cleanRoomId", "cleanRoomID")
    organization_id: str | None = alias("organizationId", "organizationID")


class CleanRoomUser(LRModel):
    id: str = alias("id", "ID", default="")
    clean_room_id: str | None = alias("cleanRoomId", "cleanRoomID")
    user: UserRef | None = None
    time_audit: TimeAudit | None = None
    user_audit: UserAudit | None = None
    role: Role | None = None


class Partner(LRModel):
    """``CleanRoomPartnerResponse``."""

    id: str = alias("id", "ID", default="")
    partner_organization_id: str | None = alias("partnerOrganizationId", "partnerOrganizationID")
    name: str = ""
    user_count: int = 0
    clean_room_users: list[CleanRoomUser] = []


class Invitation(LRModel):
    """``InvitationDetail`` (note the capitalised ``InvitorEmail`` and ``Status`` on the wire)."""

    id: str = alias("id", "ID", default="")
    organization_id: str | None = alias("organizationId", "organizationID")
    partner_organization_id: str | None = alias("partnerOrganizationId", "partnerOrganizationID")
    clean_room_id: str | None = alias("cleanRoomId", "cleanRoomID")
    invitation_note: str = ""
    partner_admin_email: str = ""
    invitor_email: str = alias("InvitorEmail", "invitorEmail", default="")
    status: str = alias("Status", "status", default="")
    time_audit: TimeAudit | None = None


# --------------------------------------------------------------------------- datasets


class DatasetFieldValue(LRModel):
    dataset_id: str | None = alias("datasetId", "datasetID")
    id: str | None = alias("id", "ID")
    name: str = ""
    value: str = ""
    type: str | None = None


class DatasetFilter(LRModel):
    dataset_id: str | None = alias("datasetId", "datasetID")
    id: str | None = alias("id", "ID")
    dataset_field_name: str = ""
    dataset_field_type: str | None = None
    operator: str = ""
    values: StrList = []


class CleanRoomDataset(LRModel):
    id: str = alias("id", "ID", default="")
    name: str = ""
    clean_room_id: str | None = alias("cleanRoomId", "cleanRoomID")
    organization_name: str = ""
    data_connection_type: str | None = None
    data_connection_id: str | None = alias("dataConnectionId", "dataConnectionID")
    stage: str = ""
    configuration_status: str = ""
    dataset_fields: list[DatasetFieldValue] = []
    dataset_field_mappings: list[dict[str, Any]] = []
    dataset_filters: list[DatasetFilter] = []
    dataset_parameters: list[NameValueType] = []
    partition_parameters: dict[str, Any] = {}
    is_view: bool | None = None
    partner_can_assign: bool | None = None


class QuestionDataset(LRModel):
    """``CleanRoomQuestionDataset``: a dataset bound to one of a question's macros."""

    id: str = alias("id", "ID", default="")
    data_type_display_name: str = ""
    ownership: str = ""
    status: str = alias("status", "Status", default="")
    dataset_id: str | None = alias("datasetId", "datasetID")
    dataset_name: str = ""
    data_type_name: str = ""
    question_data_type_id: str | None = alias("questionDataTypeId", "questionDataTypeID")
    data_connection_id: str | None = alias("dataConnectionId", "dataConnectionID")
    parameters: list[NameValueType] = []
    data_source_id: str | None = alias("dataSourceId", "dataSourceID")
    organization_id: str | None = alias("organizationId", "organizationID")
    organization_name: str = ""
    macro: str = ""
    assigned_at: LenientDatetime = None
    fields: list[DatasetFieldValue] = []


__all__ = models_of(globals())
