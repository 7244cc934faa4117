"""Schedules, destinations (partner accounts) and export jobs."""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from .base import (
    CredentialField,
    LenientDatetime,
    LRModel,
    StrList,
    TimeAudit,
    UserAudit,
    _drop_values,
    alias,
    models_of,
)

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


__all__ = models_of(globals()) + ["Destination"]
