"""The emulated LiveRamp world's records. Plain dataclasses; JSON shapes live in ``views*.py``.

Statuses that change with time (runs, flow runs, expired rooms) are *not* stored: they are derived
from the clock in ``lifecycle.py``; records only hold what was decided when they were created.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class Org:
    id: str
    name: str
    domain: str  # e-mail domain of its people


@dataclass
class Person:
    id: str
    name: str
    email: str
    org_id: str
    org_role: str = "Organization User"  # roleName on GET /users (own org only)


@dataclass
class RoomType:
    id: str
    name: str  # the CleanRoomTypeRequest value, e.g. "Hybrid"
    display_name: str
    list_support: bool
    analytical_support: bool
    wall_garden: bool


@dataclass
class Role:
    id: str
    name: str
    room_id: str
    org_id: str


@dataclass
class RoomUser:
    id: str
    room_id: str
    person: Person
    role_id: str
    created_at: datetime
    created_by: str


@dataclass
class RoomPartner:
    id: str
    room_id: str
    org_id: str


@dataclass
class Invitation:
    id: str
    room_id: str
    org_id: str
    partner_org_id: str
    note: str
    partner_email: str
    inviter_email: str
    status: str
    created_at: datetime


@dataclass
class DatasetField:
    id: str
    name: str
    type: str
    identifier_type: str = ""
    is_user_id: bool = False


@dataclass
class RoomDataset:
    id: str
    room_id: str
    name: str
    org_id: str
    macro: str  # the question macro it is meant for (e.g. "exposures")
    import_type: str  # QuestionImportDataType, e.g. "AdExposure"
    data_connection_id: str
    data_connection_type: str
    fields: list[DatasetField]
    stage: str = "READY"
    configuration_status: str = "CONFIGURED"
    partner_can_assign: bool = False
    field_mappings: list[dict] = field(default_factory=list)
    filters: list[dict] = field(default_factory=list)


@dataclass
class CleanRoom:
    id: str
    display_id: str
    name: str
    description: str
    owner_org_id: str
    type_id: str
    start_at: date
    end_at: date | None
    #: the stored lifecycle state; ``EXPIRED`` is derived from ``end_at`` and the clock
    base_status: str
    parameters: dict[str, str]
    created_at: datetime
    updated_at: datetime
    #: False = the API user has no admin role here: sub-resources answer 403
    api_admin: bool = True
    partners: list[RoomPartner] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    users: list[RoomUser] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    datasets: list[RoomDataset] = field(default_factory=list)
    destinations: list[RoomDestination] = field(default_factory=list)


@dataclass
class ParamSpec:
    name: str
    data_type: str  # DATE | INTEGER | STRING
    display_name: str
    description: str = ""
    example: str = ""
    allowed: list[str] | None = None  # ENFORCED_LIST
    default: str | None = None  # DEFAULT_VALUE
    partition: dict | None = None  # partitionFieldConfig for PARTITION_PARAMETERs
    minimum: int | None = None

    @property
    def parameter_type(self) -> str:
        return "PARTITION_PARAMETER" if self.partition is not None else "RUN_TIME_PARAMETER"

    @property
    def required(self) -> bool:
        return self.partition is None and self.default is None


@dataclass
class OutputColumn:
    field_name: str
    data_type: str  # STRING | LONG | DOUBLE | INTEGER
    kind: str  # generator name in results.py
    values: tuple[str, ...] = ()
    low: float = 0
    high: float = 0

    @property
    def column_name(self) -> str:
        return self.field_name.upper()


@dataclass
class Template:
    title: str
    category: str
    description: str
    question_type: str  # ANALYTICAL | LIST
    data_types: dict[str, tuple[str, str]]  # macro -> (importDataType, display name)
    params: list[ParamSpec]
    columns: list[OutputColumn]
    base_rows: int
    query: str
    tags: list[str] = field(default_factory=list)
    exact_rows: bool = False  # row count is exactly base_rows × scale (the large export)


@dataclass
class OrgQuestion:
    id: str
    display_id: str  # Q-%06d: flow node labels derive from it
    org_id: str
    room_id: str
    template: Template
    created_at: datetime
    version: int = 1
    title: str = ""
    details_override: dict | None = None  # a PUT /question body, echoed back


@dataclass
class Binding:
    id: str
    macro: str
    dataset_id: str | None
    org_id: str
    assigned_at: datetime | None
    fields: list[dict] = field(default_factory=list)


@dataclass
class RoomQuestion:
    id: str
    display_id: str  # CRQ-%06d
    room_id: str
    question: OrgQuestion
    created_on: datetime
    is_editable: bool = True
    bindings: dict[str, Binding] = field(default_factory=dict)
    ownership: dict[str, str] = field(default_factory=dict)  # macro -> org id
    permissions: list[dict] = field(default_factory=list)
    result_shares: list[dict] = field(default_factory=list)
    compute_capacity: str = "DEFAULT"

    @property
    def template(self) -> Template:
        return self.question.template

    @property
    def title(self) -> str:
        return self.question.title or self.template.title

    @property
    def status(self) -> str:
        missing = [m for m in self.template.data_types if m not in self.bindings]
        return "MISSING_DATASETS" if missing else "READY"


@dataclass
class RunPlan:
    """What will happen to a run, decided at submission: phases then a final status."""

    phases: list[tuple[str, float]]  # (status, seconds) in order, starting with QUEUED
    final: str  # COMPLETED | FAILED | ERROR | PENDING_RETRY | PARTNER_FAILED | ...
    failure_reason: str = ""
    run_message: str = ""
    retryable: bool = False


@dataclass
class Run:
    id: str
    name: str
    question_id: str  # the cleanroom question
    submitted_at: datetime
    parameters: dict[str, str]
    partition_parameters: list[dict]
    plan: RunPlan
    question_version: int = 1
    client_id: str = ""
    #: a status reported through PUT /cleanroom-question-runs/{id}: (status, at, postRunDetails)
    reported: tuple[str, datetime, dict] | None = None


@dataclass
class Schedule:
    id: str
    display_id: str
    question_id: str
    name: str
    description: str
    owner_id: str
    start: str
    end: str
    frequency: str
    days_of_week: list[str]
    days_of_month: list[int]
    parameters: list[dict]
    active: bool
    created_by: str
    created_at: datetime
    modified_at: datetime


@dataclass
class FlowNode:
    id: str
    label: str  # Q-%06d, with _1, _2 for repeated questions
    level: int
    question_id: str  # cleanroom question id
    parents: list[str]
    x: int = 0
    y: int = 0


@dataclass
class Flow:
    id: str  # the clean-room flow id used in paths
    flow_id: str  # the underlying flow definition id
    display_id: str
    room_id: str
    name: str
    description: str
    org_id: str
    nodes: list[FlowNode]
    created_at: datetime
    created_by: str
    version: int = 1
    decision_nodes: list[dict] = field(default_factory=list)

    @property
    def levels(self) -> int:
        return max((n.level for n in self.nodes), default=0)

    def node(self, ident: str) -> FlowNode | None:
        for n in self.nodes:
            if ident in (n.id, n.label):
                return n
        return None


@dataclass
class FlowPlan:
    queue_s: float
    node_s: dict[str, float]  # node id -> seconds
    fail_node: str | None = None
    failure: str = ""


@dataclass
class FlowRun:
    id: str
    flow_id: str  # Flow.id
    room_id: str
    name: str
    submitted_at: datetime
    node_parameters: list[dict]  # [{nodeId, parameters: {name: {value, parameterType}}}]
    plan: FlowPlan
    start_level: int = 1
    pause_level: int | None = None
    #: resume-flow-run calls: (world time, new pause level or None)
    resumes: list[tuple[datetime, int | None]] = field(default_factory=list)
    parent_run_id: str | None = None
    client_id: str = ""


@dataclass
class PartnerPlatform:
    id: str
    name: str
    display_name: str
    type: str
    credential_source_name: str


@dataclass
class PartnerAccount:
    id: str
    name: str
    org_id: str
    platform_id: str
    credential_name: str
    credential_fields: list[tuple[str, str]]  # (name, secret) — values are never echoed
    created_at: datetime
    config_status: str = "CONFIG_CONFIGURED"
    public_key: str = ""


@dataclass
class RoomDestination:
    account_id: str
    ownership: str  # OWNER | PARTNER
    channel_status: str
    used_for_activation: bool
    created_at: datetime


@dataclass
class ExportJob:
    id: str
    room_id: str
    name: str
    question_id: str  # cleanroom question id
    account_id: str
    status: str  # ACTIVE | PAUSED
    created_at: datetime
    created_by: str
    parameters: list[dict] = field(default_factory=list)
    #: the flow node it exports (a ``…/nodes/exports`` job), else None
    node_id: str | None = None
    #: [paused at, resumed at or None]: runs due inside a pause are skipped
    pauses: list[list] = field(default_factory=list)


@dataclass
class DataSource:
    id: str
    name: str
    display_name: str
    credential_source: str


@dataclass
class DataType:
    id: str
    name: str
    display_name: str


@dataclass
class DataConnection:
    id: str
    name: str
    org_id: str
    category: str
    source_id: str
    type_id: str
    credential_id: str
    config_status: str
    stage: str
    created_at: datetime
    fields: list[DatasetField]
    location: str


@dataclass
class OrgCredential:
    id: str
    name: str
    source_id: str
    source_name: str
    fields: list[tuple[str, str]]  # (name, secret) — never echoed
    created_at: datetime
    managed: bool = False
