"""The emulated InfoSum objects (plain dataclasses; JSON shapes live in ``render.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .events import EventLog

STATUS_ACTIVE, STATUS_CLOSED = "STATUS_ACTIVE", "STATUS_CLOSED"
INSIGHT, IDENTITY = "DATASET_TYPE_INSIGHT", "DATASET_TYPE_IDENTITY"

#: how a dataset entered a collaboration: the unified route or one of the legacy typed routes
UNIFIED, INSIGHT_LIST, ACTIVATION_LIST = "datasets", "insight_datasets", "activation_datasets"


@dataclass
class Company:
    id: str
    display_name: str


@dataclass
class User:
    id: str
    display_name: str
    company_id: str


@dataclass
class Rights:
    contributor: bool = False
    detailed_logs: bool = False
    operator: bool = False

    def to_json(self) -> dict:
        return {"contributor": self.contributor, "detailed_logs": self.detailed_logs, "operator": self.operator}


@dataclass
class KeyColumn:
    key_id: int
    label: str
    fill_rate: float
    distinct_ratio: float
    multi_value: bool = False


@dataclass
class Representation:
    rep_id: str
    label: str
    value_type: str
    multi_value: bool = False


@dataclass
class Attribute:
    attr_id: int
    name: str  # what queries and allowed_attributes use
    label: str
    category: str  # GLOBAL (InfoSum Global Schema) or CUSTOM — GUESS for the ``type`` field
    fill_rate: float
    representations: list[Representation]

    @property
    def value_type(self) -> str:
        return self.representations[0].value_type


@dataclass
class Dataset:
    id: str
    private_id: str
    public_name: str
    description: str
    type: str
    region: str
    owner_id: str
    created_by: str
    created: datetime
    published: datetime
    rows: int
    keys: list[KeyColumn]
    attributes: list[Attribute]
    export_columns: list[str]
    stats_seed: int

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


@dataclass
class Destination:
    id: str
    name: str
    description: str
    type_id: str
    owner_id: str
    creator_id: str
    config: dict
    editable_paths: list[str]
    created: datetime
    updated: datetime


@dataclass
class DatasetPermission:
    via: str  # UNIFIED, INSIGHT_LIST or ACTIVATION_LIST
    dataset_id: str
    owner_id: str
    collaboration_dataset_name: str
    added: datetime
    intersection_only: bool = False
    attribute_restriction: bool = False
    allowed_attributes: list[str] = field(default_factory=list)
    activation_allowed: bool = False
    exportable_to_members: list[str] = field(default_factory=list)
    destination_type_restriction: bool = False
    allowed_destination_types: list[str] = field(default_factory=list)


@dataclass
class DestinationLink:
    destination_id: str
    owner_id: str
    added: datetime


@dataclass
class Collaboration:
    id: str
    name: str
    description: str
    status: str
    owner_id: str
    owner_rights: Rights
    members: dict[str, Rights]  # current non-owner members, in the order they were invited
    created: datetime
    updated: datetime
    last_activity: datetime
    events: EventLog
    datasets: list[DatasetPermission] = field(default_factory=list)
    destinations: list[DestinationLink] = field(default_factory=list)
    left: dict[str, datetime] = field(default_factory=dict)  # company id -> when it left
    private_path_enabled: bool = False

    def is_member(self, company_id: str) -> bool:
        return company_id == self.owner_id or company_id in self.members

    def rights_of(self, company_id: str) -> Rights | None:
        if company_id == self.owner_id:
            return self.owner_rights
        return self.members.get(company_id)

    def permission(self, dataset_id: str, via: str | None = None) -> DatasetPermission | None:
        return next((p for p in self.datasets if p.dataset_id == dataset_id and (via is None or p.via == via)),
                    None)

    def permission_by_name(self, name: str) -> DatasetPermission | None:
        return next((p for p in self.datasets if p.collaboration_dataset_name == name), None)

    def destination(self, destination_id: str) -> DestinationLink | None:
        return next((d for d in self.destinations if d.destination_id == destination_id), None)
