"""Pydantic models of the LiveRamp Clean Room API (reference: liveramp-api.md).

Parsing is deliberately liberal, because the platform is inconsistent and sparse:

- python names are snake_case, wire names camelCase (generated), plus ``AliasChoices`` wherever
  sources disagree (``ID``/``id``, ``displayID``/``displayId``, ``Status``/``status`` …);
- every field is optional with a default: zero/empty values are often left out, and ``null`` is
  treated like a missing key;
- statuses are plain ``str`` so unknown values survive as-is;
- timestamps accept ``Z``, ``+00:00``, millis/micros, ``""`` (→ None) and the live error format;
- unknown fields are ignored.

Credential ``value``s are never kept (see :class:`OrganizationCredential`, :class:`PartnerAccount`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from .lenient import as_text as _as_text
from .lenient import lenient_date as _lenient_date
from .lenient import parse_datetime
from .lenient import str_list as _str_list
from .lenient import str_map as _str_map

# --------------------------------------------------------------------------- lenient scalars
# (the readers are standard library, in .lenient: the headless fast path shapes plain JSON with them)

LenientDatetime = Annotated[datetime | None, BeforeValidator(parse_datetime)]
LenientDate = Annotated[date | None, BeforeValidator(_lenient_date)]
StrMap = Annotated[dict[str, str], BeforeValidator(_str_map)]
StrList = Annotated[list[str], BeforeValidator(_str_list)]


def alias(*names: str, default: Any = None) -> Any:
    """A field readable under several wire names (the python name is accepted too)."""
    return Field(default=default, validation_alias=AliasChoices(*names))


class LRModel(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        populate_by_name=True,
        alias_generator=to_camel,
        coerce_numbers_to_str=True,
        # validators are built on a model's first use, not at import (start-up time, issue 5)
        defer_build=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _null_is_missing(cls, data: Any) -> Any:
        # the platform sends null for empty lists/maps (e.g. "dimension": null): use the defaults
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


# --------------------------------------------------------------------------- shared pieces


class Success(LRModel):
    """``DeleteResponse`` / ``{success}`` answers (+ an optional message)."""

    success: bool | None = None
    message: str | None = None


class ReturnObject(LRModel):
    """``{code, message}``: the answer of a run status update."""

    code: str | None = None
    message: str | None = None


class TimeAudit(LRModel):
    created_at: LenientDatetime = None
    updated_at: LenientDatetime = None
    deleted_at: LenientDatetime = None


class UserAudit(LRModel):
    created_by: Any = None
    updated_by: Any = None
    created_by_user: Any = None
    updated_by_user: Any = None


class NamedRef(LRModel):
    """``{id, name, displayName}``: data types, identifier types, import data types."""

    id: str | None = alias("id", "ID", "Id")
    name: str = ""
    display_name: str = ""


DataType = NamedRef
IdentifierType = NamedRef


class NameValueType(LRModel):
    name: str = ""
    value: str = ""
    type: str | None = None


class NameType(LRModel):
    name: str = ""
    type: str | None = None


class NameDescription(LRModel):
    name: str = ""
    description: str | None = None


class UserRef(LRModel):
    id: str | None = alias("id", "ID")
    name: str = ""
    email: str = ""


# --------------------------------------------------------------------------- health / token


class Health(LRModel):
    status: str = ""
    status_code: int | None = None
    description: str = ""
    version: str = ""


class TokenInfo(LRModel):
    """The token answer (camelCase on this platform, not RFC 6749's snake_case)."""

    access_token: str = Field(default="", repr=False,
                              validation_alias=AliasChoices("accessToken", "access_token"))
    token_type: str = alias("tokenType", "token_type", default="Bearer")
    expires_in: int | None = alias("expiresIn", "expires_in")
    expires_at: LenientDatetime = alias("expiresAt", "expires_at")


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


# --------------------------------------------------------------------------- question runs


class PartitionParameterValue(LRModel):
    name: str = ""
    value: str = ""
    data_type: str | None = None


class RunDatasetParameter(LRModel):
    data_set_id: str | None = alias("dataSetId", "dataSetID", "datasetId")
    data_set_name: str = alias("dataSetName", "datasetName", default="")
    data_in_location: str | None = None
    hashed_columns: StrList = []


class RunMetadata(LRModel):
    data_out_location: str | None = None
    dataset_parameters: list[RunDatasetParameter] = []
    salt_key: str | None = Field(default=None, repr=False)


class QuestionRun(LRModel):
    """``QuestionRunMetadata``: one run of a cleanroom question."""

    id: str = alias("id", "ID", default="")
    name: str = ""
    status: str = alias("status", "Status", default="")
    submitted_at: LenientDatetime = None
    executed_at: LenientDatetime = None
    completed_at: LenientDatetime = None
    parameters: StrMap = {}
    partition_parameters: list[PartitionParameterValue] = []
    run_metadata: RunMetadata | None = None
    failure_reason: str | None = None
    is_retryable: bool | None = None
    run_message: str | None = None
    question_version: int | None = None


QuestionRunMetadata = QuestionRun


class ResultColumn(LRModel):
    field_name: str = ""
    data_type: str | None = None
    column_name: str = ""


class RunResultData(LRModel):
    """``QuestionRunResultData``: question-run results and flow-run node reports."""

    metadata: list[ResultColumn] = []
    stats: list[StrMap] = []
    count: int | None = None
    multiple_outputs: StrList = []


class AuditEntry(LRModel):
    event_time: LenientDatetime = None
    event_type: str = ""
    message: str = ""
    details: dict[str, Any] = {}


class RunAudit(LRModel):
    cleanroom_question_run_id: str | None = alias("cleanroomQuestionRunId", "cleanroomQuestionRunID")
    audit_details: list[AuditEntry] = []


class ActivationEntry(LRModel):
    activation_partner: str = ""
    activation_channel: str = ""
    segment_code: str = ""
    identity_type: str = ""
    last_processed: LenientDatetime = None
    records_sent: int | None = None
    status: str = ""


class ActivationSummary(LRModel):
    cleanroom_question_run_id: str | None = alias("cleanroomQuestionRunId", "cleanroomQuestionRunID")
    cleanroom_question_run_name: str = ""
    activation_summary: list[ActivationEntry] = []


# --------------------------------------------------------------------------- schedules


class ScheduleParameter(LRModel):
    name: str = ""
    value: str = ""
    qualifier: str | None = None
    type: str | None = None
    is_static: bool | None = None
    parameter_type: str | None = None


class Schedule(LRModel):
    """``GetCleanroomQuestionRunScheduleResponse`` (the read model, §8.6)."""

    id: str = alias("id", "ID", default="")
    name: str = ""
    description: str = ""
    owner_id: str | None = alias("ownerId", "ownerID")
    parameters: dict[str, ScheduleParameter] = {}
    # format undocumented: kept verbatim
    start_date_time: str | None = None
    end_date_time: str | None = None
    active: bool | None = None
    repeat_frequency: str = ""
    created_by: str | None = None
    modified_by: str | None = None
    created_date: LenientDatetime = None
    modified_date: LenientDatetime = None
    days_of_week: StrList = []
    repeat_dayof_month: list[int] = alias("repeatDayofMonth", "repeatDayOfMonth", default=[])
    display_id: str = alias("displayId", "displayID", default="")

    @field_validator("parameters", mode="before")
    @classmethod
    def _parameters_by_name(cls, value: Any) -> Any:
        if isinstance(value, list):  # the create-input shape, should a server echo it
            return {str(p.get("name", i)): p for i, p in enumerate(value) if isinstance(p, dict)}
        return value


# --------------------------------------------------------------------------- destinations, exports


class CredentialField(LRModel):
    """A credential entry, by name only: values are never kept."""

    id: str | None = alias("ID", "id")
    name: str = ""


def _drop_values(value: Any) -> Any:
    if isinstance(value, list):
        return [{k: v for k, v in item.items() if k.lower() != "value"} if isinstance(item, dict) else item
                for item in value]
    return value


class PartnerAccountCredential(LRModel):
    id: str | None = alias("ID", "id")
    name: str = ""
    credentials: list[CredentialField] = []

    @field_validator("credentials", mode="before")
    @classmethod
    def _no_values(cls, value: Any) -> Any:
        return _drop_values(value)


class DestinationPartner(LRModel):
    """A destination platform (``Partner`` in the destinations API)."""

    id: str = alias("ID", "id", default="")
    name: str = ""
    display_name: str = ""
    logo_url: str | None = None
    credential_source_name: str | None = None
    type: str | None = None


class JobCount(LRModel):
    job_type: str = ""
    count: int = 0


class PartnerAccount(LRModel):
    """A destination connection ("partner account")."""

    id: str = alias("ID", "id", default="")
    name: str = ""
    organization_id: str | None = alias("organizationID", "organizationId")
    partner: DestinationPartner | None = None
    credential: PartnerAccountCredential | None = None
    time_audit: TimeAudit | None = None
    user_audit: UserAudit | None = None
    job_count: list[JobCount] = []
    latest_job_run_status_count: dict[str, int] = {}
    config_status: str = ""
    error_message: str | None = None
    public_key: str | None = None


Destination = PartnerAccount


class DestinationList(LRModel):
    partner_accounts: list[PartnerAccount] = []
    total: int | None = None
    limit: int | None = None
    offset: int | None = None


class CleanroomDestination(LRModel):
    partner_account: PartnerAccount | None = None
    ownership: str = ""
    channel_status: str = ""
    is_used_for_activation: bool | None = None


class CleanroomDestinationList(LRModel):
    partner_accounts: list[CleanroomDestination] = []
    total: int | None = None
    limit: int | None = None
    offset: int | None = None


class ExportJob(LRModel):
    """``DataExportJob``."""

    id: str = alias("ID", "id", default="")
    name: str = ""
    organization_id: str | None = alias("organizationID", "organizationId")
    data_export_job_type: str | None = None
    status: str = ""
    partner_account: PartnerAccount | None = None
    job_type: str | None = None
    time_audit: TimeAudit | None = None
    user_audit: UserAudit | None = None
    question_id: str | None = alias("questionID", "questionId")
    question_name: str = ""
    question_display_name: str = ""
    job_last_run_time: LenientDatetime = None
    partner_account_cr_channel_status: str | None = None


class ExportJobRun(LRModel):
    id: str = alias("id", "ID", default="")
    job_id: str | None = alias("jobId", "jobID")
    status: str = ""
    submit_time: LenientDatetime = None
    start_time: LenientDatetime = None
    end_time: LenientDatetime = None
    total_records: int | None = None
    consented_records: int | None = None
    cumulative_records: int | None = None
    source_job_run_id: str | None = alias("sourceJobRunID", "sourceJobRunId")
    job_run_type: str | None = None
    details: Any = None
    error_message: str | None = None


class JobRunsByDate(LRModel):
    date: str = ""
    organization: Any = None
    job_runs: list[ExportJobRun] = []


class ExportJobRuns(LRModel):
    """``ListDataExportJobRunsResponse``."""

    organization: Any = None
    question: Any = None
    job_runs_by_date: list[JobRunsByDate] = []
    export_detail_parameters: list[Any] = []

    def runs(self) -> list[ExportJobRun]:
        """Every run, newest first (the platform groups them by date)."""
        found = [run for day in self.job_runs_by_date for run in day.job_runs]
        return sorted(found, key=lambda r: (r.submit_time is not None, r.submit_time), reverse=True)


class NodeExportJob(LRModel):
    """``FlowNodeExportJob``: an export job of a flow node."""

    id: str = alias("id", "ID", default="")
    name: str = ""
    status: str = ""
    channel_status: str | None = None
    partner_account_id: str | None = alias("partnerAccountId", "partnerAccountID")
    partner_account_name: str = ""
    created_at: LenientDatetime = None
    last_run_time: LenientDatetime = None
    export_parameters: list[Any] = []


class NodeExportJobs(LRModel):
    """``NodeExportJobList``: one node's export jobs."""

    node_id: str = ""
    jobs: list[NodeExportJob] = []


class NodeJobRuns(LRModel):
    """``NodeJobRunsList``: one node's export job runs."""

    node_id: str = ""
    job_runs: list[ExportJobRun] = []


class NodeExportResult(LRModel):
    node_id: str = ""
    job_ids: list[str] = []


class NodeStatusResult(LRModel):
    node_id: str = ""
    success: bool | None = None


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


# --------------------------------------------------------------------------- organization


class DataSource(LRModel):
    id: str = alias("id", "ID", default="")
    name: str = ""
    display_name: str = ""
    credential_source: str | None = None


class DataSourceSetting(LRModel):
    id: str | None = alias("id", "ID")
    name: str = ""
    display_name: str = ""
    value: str = ""


class DataConnection(LRModel):
    """``DataConnectionResponse``."""

    id: str = alias("id", "ID", default="")
    name: str = ""
    category: str = ""
    credential_id: str | None = alias("credentialId", "credentialID")
    data_type: NamedRef | None = None
    data_source: DataSource | None = None
    data_source_configuration: list[DataSourceSetting] = []
    config_status: str = ""
    run_status: str = ""
    stage: str = ""


class OrganizationUser(LRModel):
    role_name: str = ""
    user: UserRef | None = None


class OrganizationCredential(LRModel):
    """``OrganizationCredentialDetail`` without any credential value."""

    id: str = alias("id", "ID", default="")
    name: str = ""
    managed_credential: bool | None = None
    credential_source_id: str | None = alias("credentialSourceId", "credentialSourceID")
    credential_source_name: str = ""
    credentials: list[CredentialField] = []
    time_audit: TimeAudit | None = None
    user_audit: UserAudit | None = None

    @field_validator("credentials", mode="before")
    @classmethod
    def _no_values(cls, value: Any) -> Any:
        return _drop_values(value)


__all__ = [name for name, obj in dict(globals()).items()
           if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == __name__]
__all__ += ["parse_datetime", "DataType", "IdentifierType", "QuestionRunMetadata", "FlowRunMetadata",
            "Destination"]
