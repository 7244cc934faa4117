"""Collaboration events (the audit feed)."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from .base import (
    Model,
    StrMap,
    Time,
)

# --------------------------------------------------------------------------- events

class EventEntity(Model):
    id: str = ""
    name: str = ""
    company_id: str = ""
    type: str = ""


class CollaborationEvent(Model):
    #: the filter field is ``event_type`` while the object's field is ``type`` (§5.4): accept both
    type: str = Field(default="", validation_alias=AliasChoices("type", "event_type"))
    company_id: str = ""
    event_date_time: Time = None
    message: str = ""
    metadata: StrMap = Field(default_factory=dict)
    entities: list[EventEntity] = Field(default_factory=list)
