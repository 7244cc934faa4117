"""Question runs: a run, its results, audit and activation summary."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .base import (
    LenientDatetime,
    LRModel,
    StrList,
    StrMap,
    alias,
    models_of,
)

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


__all__ = models_of(globals()) + ["QuestionRunMetadata"]
