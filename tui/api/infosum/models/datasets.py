"""Datasets and destinations: a collaboration's, and the company's own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasChoices, Field

from .base import (
    Int64,
    Model,
    Time,
)

# --------------------------------------------------------------------------- datasets / destinations

class DatasetKey(Model):
    id: Int64 = 0
    label: str = ""
    fill_rate: float = 0.0


class DatasetAttribute(Model):
    id: str = ""
    label: str = ""
    type: str = ""
    value_type: str = ""
    fill_rate: float = 0.0


class CollaborationDataset(Model):
    """A dataset as seen inside a collaboration (list item and detail, §9)."""

    id: str = Field(default="", validation_alias=AliasChoices("id", "dataset_id"))
    collaboration_dataset_name: str = ""
    public_dataset_name: str = ""
    owner_id: str = ""
    row_count: Int64 = 0
    type: str = ""
    region: str = ""
    published_date_time: Time = None
    keys: list[DatasetKey] = Field(default_factory=list)
    attributes: list[DatasetAttribute] = Field(default_factory=list)
    #: identity datasets only; the element shape is undocumented, so it is kept as sent
    output_columns: list[Any] = Field(default_factory=list)

    @property
    def dataset_id(self) -> str:
        return self.id


class CollaborationDestination(Model):
    """A destination inside a collaboration; the detail adds config and uses ``created_time``."""

    id: str = Field(default="", validation_alias=AliasChoices("id", "destination_id"))
    name: str = ""
    description: str = ""
    destination_type_id: str = ""
    owner_id: str = ""
    creator_id: str = ""
    config: dict[str, Any] = Field(default_factory=dict)
    editable_paths: list[str] = Field(default_factory=list)
    created_date_time: Time = None
    updated_date_time: Time = None
    created_time: Time = None
    updated_time: Time = None

    @property
    def created(self) -> datetime | None:
        return self.created_date_time or self.created_time

    @property
    def updated(self) -> datetime | None:
        return self.updated_date_time or self.updated_time


class DestinationInstance(Model):
    """A company-owned destination (§11.5)."""

    id: str = Field(default="", validation_alias=AliasChoices("id", "destination_id"))
    name: str = ""
    description: str = ""
    destination_type_id: str = ""
    owner_id: str = ""
    creator_id: str = ""
    config: dict[str, Any] = Field(default_factory=dict)
    editable_paths: list[str] = Field(default_factory=list)
    incoming_share_id: str = ""
    permission_ids: list[str] = Field(default_factory=list)
    #: type undocumented; kept as sent
    permissioned_to_permitted_company: Any = None
    created_time: Time = None
    updated_time: Time = None


class DatasetExpiration(Model):
    do_not_expire: bool = False
    expiration_date_time: Time = None


class PublishDetails(Model):
    execution_id: str = ""
    recordset_id: str = ""
    publish_date_time: Time = None


class Dataset(Model):
    """A v2 dataset (Bunker) visible to the company (§12.2)."""

    dataset_id: str = Field(default="", validation_alias=AliasChoices("dataset_id", "id"))
    private_id: str = ""
    public_name: str = ""
    description: str = ""
    dataset_type: str = ""
    region: str = ""
    owner_id: str = ""
    created_by: str = ""
    created_date_time: Time = None
    expiration: DatasetExpiration = Field(default_factory=DatasetExpiration)
    published_by: str = ""
    publish_details: PublishDetails = Field(default_factory=PublishDetails)
