"""v1 activation queries and their pushes to destinations (reference §11.2–11.3; issue 20.3).

``POST /api/v1/activations`` queues one; ``GET /api/v1/activations/{id}`` answers ``{activation:
{summary, output_columns, pushes, query_string}}``; ``POST /api/v2/activations/queries/{id}/destinations/
{destination_id}/push {push_config}`` pushes the result to a destination → ``{push_id}``. Lenient like
the other InfoSum models: unknown fields ignored, int64 counters that arrive as strings read as ints.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from .models import Int64, Model, Time, _to_error_text

ErrorText = Annotated[str, BeforeValidator(_to_error_text)]

#: ``tyraelActivationQueryExecutionStatus`` and the v1 ``Push`` status
QUERY_DONE = "QUERY_COMPLETED"
PUSH_DONE = "PUSH_COMPLETED"


class ActivationCreated(Model):
    activation_id: str = ""
    query_completed: bool = False
    query_error: ErrorText = ""


class ActivationSummary(Model):
    activation_id: str = ""
    campaign_name: str = ""
    status: str = ""
    total_rows: Int64 = 0
    submitted_at: Time = None
    query_successful: bool = False
    results_expired: bool = False
    collaboration_id: str = ""
    original_record_count: Int64 = 0


class Push(Model):
    push_id: str = ""
    status: str = ""
    connector_type: str = ""
    pushed_at: Time = None
    completed_at: Time = None
    push_successful: bool = False
    push_error: ErrorText = ""


class Activation(Model):
    """``{activation: …}`` unwrapped."""

    summary: ActivationSummary = Field(default_factory=ActivationSummary)
    query_error: ErrorText = ""
    output_columns: list[Any] = Field(default_factory=list)
    pushes: list[Push] = Field(default_factory=list)
    query_string: str = ""

    @property
    def done(self) -> bool:
        return self.summary.status == QUERY_DONE


class PushCreated(Model):
    push_id: str = ""


__all__ = ["Activation", "ActivationCreated", "ActivationSummary", "PUSH_DONE", "Push", "PushCreated", "QUERY_DONE"]
