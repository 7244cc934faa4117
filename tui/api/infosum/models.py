"""InfoSum response models (pydantic v2), written from reference/infosum-api.md.

Parsing is deliberately lenient, because the server is grpc-gateway output (reference §1):

- every field is optional with a zero default: zero values (false, 0, "", [], enum zero) may be omitted;
- ``null`` anywhere means "absent" and falls back to the default;
- 64-bit integers arrive as JSON strings in v2 and as numbers in parts of v1: :data:`Int64` takes both;
- times are RFC 3339 (``Z``, offsets, 0–9 fraction digits) or a bare date: :data:`Time` gives aware UTC;
- enums stay plain ``str`` so a value added to the platform next month is kept, never dropped;
- the playbook and the generated spec disagree in places (stats maps vs lists, ``multi_value`` vs
  ``multi_values``, rights on summary members): both spellings are accepted and merged.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

# --------------------------------------------------------------------------- lenient scalars


def _to_int(value: Any) -> Any:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise ValueError(f"not an integer: {value!r}")
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:  # "12.0" / "1e3" from a sloppy encoder
                as_float = float(text)
            except ValueError:
                raise ValueError(f"not an integer: {value!r}") from None
            return _to_int(as_float)
    return value


def _to_int_or_str(value: Any) -> Any:
    """Numeric ids become ints; anything else stays the string it was (never a crash)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _to_int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return value
    return "" if value is None else str(value)


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FRACTION = re.compile(r"\.(\d+)")


def parse_time(value: Any) -> datetime | None:
    """RFC 3339 (and the looser forms the filter docs mention) → aware UTC datetime, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, time(), tzinfo=UTC)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        dt = datetime.fromtimestamp(value, UTC)  # epoch seconds: not in the spec, but harmless
    elif isinstance(value, str):
        text = value.strip()
        if _DATE_ONLY.match(text):
            return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
        text = text.replace("t", "T").replace("z", "Z").replace(" ", "T", 1)
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        # protojson writes 3, 6 or 9 fraction digits; Python keeps microseconds
        text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not an RFC 3339 time: {value!r}") from None
    else:
        raise ValueError(f"not a time: {value!r}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)  # no offset given: the API speaks UTC
    return dt.astimezone(UTC)


def _to_str_map(value: Any) -> Any:
    """map<string,string>: non-string values (a sloppy server) are kept as JSON text."""
    if not isinstance(value, dict):
        return {} if value is None else value
    return {str(k): v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))
            for k, v in value.items() if v is not None}


def _to_error_text(value: Any) -> Any:
    if isinstance(value, dict):  # a v2/rpcStatus error object where the playbook says string
        inner = value.get("error")
        if isinstance(inner, dict):
            value = inner
        return str(value.get("message") or value.get("code") or json.dumps(value))
    return "" if value is None else value


Int64 = Annotated[int, BeforeValidator(_to_int)]
IntOrStr = Annotated[int | str, BeforeValidator(_to_int_or_str)]
Time = Annotated[datetime | None, BeforeValidator(parse_time)]
StrMap = Annotated[dict[str, str], BeforeValidator(_to_str_map)]


class Model(BaseModel):
    """Base for every InfoSum model: unknown fields ignored, nulls mean "absent"."""

    # defer_build: validators are built on a model's first use, not at import (start-up time, issue 5)
    model_config = ConfigDict(extra="ignore", populate_by_name=True, coerce_numbers_to_str=True,
                              defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


# --------------------------------------------------------------------------- enums (open)

STATUS_ACTIVE = "STATUS_ACTIVE"
STATUS_CLOSED = "STATUS_CLOSED"
COLLABORATION_STATUSES = ("STATUS_INVALID", STATUS_ACTIVE, STATUS_CLOSED)
ENTITY_TYPES = ("ENTITY_INVALID", "ENTITY_USER", "ENTITY_COMPANY", "ENTITY_DATASET", "ENTITY_DESTINATION",
                "ENTITY_AUDIENCE", "ENTITY_SEGMENT", "ENTITY_ACTIVATION_SEGMENT")
#: the playbook's lower-case insight query statuses (§10.3); v1 only has done true/false
QUERY_STATUSES = ("pending", "running", "completed", "failed")


# --------------------------------------------------------------------------- pages

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a v2 list, with the ``pagination`` block (§5.1) flattened onto it.

    ``total_results`` is None when the server sent no pagination block at all.
    """

    items: list[T] = Field(default_factory=list)
    page: int = 1
    per_page: int = 100
    next_page: int = 0
    results: int = 0
    total_results: int | None = None
    #: items of this page that could not be read (``tui.api.items.ItemProblem``), left out of ``items``
    problems: list[Any] = Field(default_factory=list, exclude=True)

    @property
    def has_more(self) -> bool:
        if not self.items or self.next_page <= self.page:
            return False  # next_page missing/0 (or not moving forward) ends the list
        if self.total_results is None:
            return True
        return (self.page - 1) * self.per_page + self.results < self.total_results


class Pagination(Model):
    next_page: Int64 = 0
    results: Int64 = 0
    total_results: Int64 = 0


# --------------------------------------------------------------------------- accounts

class Company(Model):
    id: str = ""
    display_name: str = ""


class Account(Model):
    """``GET /api/v2/accounts/me``: the key's user and its company (§12.5)."""

    id: str = ""
    display_name: str = ""
    company: Company = Field(default_factory=Company)


# --------------------------------------------------------------------------- collaborations

class MemberRights(Model):
    contributor: bool = False
    detailed_logs: bool = False
    operator: bool = False

    def labels(self) -> list[str]:
        return [name for name, on in (("contributor", self.contributor),
                                      ("detailed logs", self.detailed_logs),
                                      ("operator", self.operator)) if on]


class CollaborationMemberSummary(Model):
    id: str = ""
    display_name: str = ""


class CollaborationMember(CollaborationMemberSummary):
    """A member company. ``rights`` is None where the server did not send it (current summaries)."""

    rights: MemberRights | None = None


class _DatasetPermissionBase(Model):
    dataset_id: str = ""
    owner_id: str = ""
    collaboration_dataset_name: str = ""
    intersection_only: bool = False


class InsightDatasetPermission(_DatasetPermissionBase):
    attribute_restriction: bool = False
    allowed_attributes: list[str] = Field(default_factory=list)
    activation_allowed: bool = False


class ActivationDatasetPermission(_DatasetPermissionBase):
    exportable_to_members: list[str] = Field(default_factory=list)


class DatasetPermission(InsightDatasetPermission):
    """A dataset added through the unified ``/datasets`` endpoint (§8.2)."""

    exportable_to_members: list[str] = Field(default_factory=list)
    destination_type_restriction: bool = False
    allowed_destination_types: list[str] = Field(default_factory=list)


class CollaborationSummary(Model):
    """A list item of ``GET /api/v2/collaborations``.

    ``owner``/``members`` carry ``rights`` in the playbook and older specs, not in the current one.
    """

    id: str = ""
    name: str = ""
    description: str = ""
    status: str = ""
    owner: CollaborationMember = Field(default_factory=CollaborationMember)
    members: list[CollaborationMember] = Field(default_factory=list)
    private_path_enabled: bool = False
    created_date_time: Time = None
    updated_date_time: Time = None
    last_activity_date_time: Time = None

    @property
    def active(self) -> bool:
        return self.status == STATUS_ACTIVE

    def participants(self) -> list[CollaborationMember]:
        """Owner first, then members; the owner once even if ``members`` also lists it."""
        out = [self.owner] if self.owner.id else []
        out += [m for m in self.members if m.id != self.owner.id]
        return out

    def member(self, company_id: str) -> CollaborationMember | None:
        return next((m for m in self.participants() if m.id == company_id), None)


class Collaboration(CollaborationSummary):
    """``GET /api/v2/collaborations/{id}`` → ``collaboration``.

    Detail members always have rights: an omitted ``rights`` is the all-false zero value.
    """

    datasets: list[DatasetPermission] = Field(default_factory=list)
    insight_datasets: list[InsightDatasetPermission] = Field(default_factory=list)
    activation_datasets: list[ActivationDatasetPermission] = Field(default_factory=list)
    destination_ids: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _default_rights(self) -> Collaboration:
        for m in [self.owner, *self.members]:
            if m.rights is None:
                m.rights = MemberRights()
        return self

    def rights_of(self, company_id: str) -> MemberRights | None:
        m = self.member(company_id)
        return m.rights if m else None

    def dataset_ids(self) -> list[str]:
        """Every dataset in the collaboration, whichever endpoint added it, without duplicates."""
        seen: dict[str, None] = {}
        for d in [*self.datasets, *self.insight_datasets, *self.activation_datasets]:
            if d.dataset_id:
                seen.setdefault(d.dataset_id)
        return list(seen)


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


# --------------------------------------------------------------------------- stats

class SummaryStats(Model):
    total_rows: Int64 = 0
    key_columns: Int64 = 0
    attribute_columns: Int64 = 0
    export_columns: Int64 = 0


class KeyColumnStats(Model):
    #: documented as a string id; numeric ids become ints, anything else stays a string
    key_id: IntOrStr = ""
    key_label: str = ""
    identifiers: Int64 = 0
    distinct_identifiers: Int64 = 0
    valid_values: Int64 = 0
    distinct_values: Int64 = 0
    multi_value: bool = False
    null_fraction: float = 0.0


def _merge(listed: list[Any], mapped: dict[str, Any], id_field: str) -> list[Any]:
    """One list from the [V2] list and the [CM] map: list entries win, map-only entries follow.

    A map entry without its own id gets the map key as id.
    """
    out = list(listed)
    known = {str(getattr(x, id_field)) for x in listed if getattr(x, id_field) not in ("", None)}
    for key, item in mapped.items():
        if getattr(item, id_field) in ("", None):
            item = item.model_copy(update={id_field: _to_int_or_str(key) if id_field == "key_id" else key})
        if str(getattr(item, id_field)) not in known:
            known.add(str(getattr(item, id_field)))
            out.append(item)
    return out


class KeyColumnStatsResponse(Model):
    key_id_to_stats: dict[str, KeyColumnStats] = Field(default_factory=dict)
    key_stats: list[KeyColumnStats] = Field(default_factory=list)

    @property
    def stats(self) -> list[KeyColumnStats]:
        return _merge(self.key_stats, self.key_id_to_stats, "key_id")


class IntRange(Model):
    lower: Int64 = 0  # inclusive
    upper: Int64 = 0  # exclusive


class Occurrence(Model):
    frequency: float = 0.0
    string_value: str | None = None
    int_value: Annotated[int | None, BeforeValidator(_to_int)] = None
    int_range: IntRange | None = None

    @property
    def value(self) -> str:
        if self.string_value is not None:
            return self.string_value
        if self.int_value is not None:
            return str(self.int_value)
        if self.int_range is not None:
            return f"[{self.int_range.lower}, {self.int_range.upper})"
        return ""


class Percentiles(Model):
    values: list[float] = Field(default_factory=list)  # 101 values: 0 %..100 %, first=min, last=max


class MostCommon(Model):
    occurrences: list[Occurrence] = Field(default_factory=list)


class RepresentationStats(Model):
    representation_id: str = ""
    representation_label: str = ""
    value_type: str = ""
    valid_values: Int64 = 0
    distinct_values: Int64 = 0
    multi_value: bool = False
    null_fraction: float = 0.0
    percentiles: Percentiles = Field(default_factory=Percentiles)
    most_common: MostCommon = Field(default_factory=MostCommon)
    #: not on the wire: the attribute column id when the entry came from the map form
    attribute_id: str = ""


class RepresentationsStatsList(Model):
    representations_stats: list[RepresentationStats] = Field(default_factory=list)


class AttributeStatsResponse(Model):
    id_to_representations_stats: dict[str, RepresentationsStatsList] = Field(default_factory=dict)
    attribute_stats: list[RepresentationStats] = Field(default_factory=list)

    @property
    def stats(self) -> list[RepresentationStats]:
        # the list form names no attribute column: take it from the map (columns ≠ representations)
        column_of = {rep.representation_id: attr_id for attr_id, group in self.id_to_representations_stats.items()
                     for rep in group.representations_stats if rep.representation_id}
        out = [s.model_copy(update={"attribute_id": column_of[s.representation_id]})
               if not s.attribute_id and s.representation_id in column_of else s for s in self.attribute_stats]
        known = {s.representation_id for s in out if s.representation_id}
        for attr_id, group in self.id_to_representations_stats.items():
            for rep in group.representations_stats:
                if rep.representation_id and rep.representation_id in known:
                    continue
                known.add(rep.representation_id)
                out.append(rep.model_copy(update={"attribute_id": rep.attribute_id or attr_id}))
        return out


class ExportColumnStats(Model):
    column_label: str = ""
    valid_values: Int64 = 0
    distinct_values: Int64 = 0
    #: the spec spells it ``multi_values`` here (``multi_value`` elsewhere); both accepted
    multi_values: bool = Field(default=False, validation_alias=AliasChoices("multi_values", "multi_value"))
    null_fraction: float = 0.0


class ExportColumnStatsResponse(Model):
    label_to_stats: dict[str, ExportColumnStats] = Field(default_factory=dict)
    export_column_stats: list[ExportColumnStats] = Field(default_factory=list)

    @property
    def stats(self) -> list[ExportColumnStats]:
        return _merge(self.export_column_stats, self.label_to_stats, "column_label")


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


# --------------------------------------------------------------------------- insight queries

class QueryStatus(Model):
    """Where an insight query is.

    ``status`` is the playbook's ``pending|running|completed|failed`` for ``query_api="insights"``;
    the v1 API only says ``done``, so there it is derived as ``"done"`` or ``"pending"``.
    """

    query_id: str = ""
    done: bool = False
    status: str = ""
    error: Annotated[str, BeforeValidator(_to_error_text)] = ""

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = {k: v for k, v in data.items() if v is not None}
        status = str(data.get("status") or "").strip()
        if "done" not in data:
            data["done"] = status.lower() in {"completed", "failed", "done"}
        if not status:
            data["status"] = "done" if data.get("done") else "pending"
        return data

    @property
    def failed(self) -> bool:
        return self.status.lower() == "failed" or bool(self.error)


class DatasetRef(Model):
    id: str = ""
    name: str = ""


class JoinKey(Model):
    key_id: Int64 = 0
    name: str = ""


class JoinMetadata(Model):
    from_dataset: DatasetRef = Field(default_factory=DatasetRef)
    to_dataset: DatasetRef = Field(default_factory=DatasetRef)
    keys: list[JoinKey] = Field(default_factory=list)


class CountMetadata(Model):
    dataset: DatasetRef = Field(default_factory=DatasetRef)
    keys: list[JoinKey] = Field(default_factory=list)


class QualityMeasures(Model):
    redaction_threshold_outlier: float = 0.0
    rounding_threshold_outlier: float = 0.0
    model_accuracy: float = 0.0
    result_precision_include_empty_bins: float = 0.0
    result_precision_exclude_empty_bins: float = 0.0
    sum_confidence_score: float = 0.0


class Average(Model):
    mean: float = 0.0


class Dimension(Model):
    """A node of the v1 result tree. ``value`` is always text: "Engineer", "144", "true", "[5, 10)"."""

    category: str = ""
    value: str = ""
    count: Int64 = 0
    continuous: bool = False
    private_id: str = ""
    dimensions: list[Dimension] = Field(default_factory=list)


class ResultMetadata(Model):
    total_rows: Int64 = 0
    execution_time_ms: Int64 = 0


class QueryResult(Model):
    """An insight query's result, from either wire format.

    v1 ``/api/v1/queries/{id}/result``: ``dimensions`` tree, ``audience``, ``quality_measures``,
    ``join_metadata``, ``count_metadata``, ``sum``, ``user_average``, ``value_average``.
    Playbook ``/api/v1/insights/{id}/results``: ``query_id``, ``status``, ``results`` (rows), ``metadata``.
    Use :meth:`rows` to read either the same way.
    """

    # v1
    dimensions: list[Dimension] = Field(default_factory=list)
    audience: Int64 = 0
    quality_measures: QualityMeasures = Field(default_factory=QualityMeasures)
    join_metadata: list[JoinMetadata] = Field(default_factory=list)
    count_metadata: list[CountMetadata] = Field(default_factory=list)
    sum: float = 0.0
    user_average: Average | None = None
    value_average: Average | None = None
    # playbook
    query_id: str = ""
    status: str = ""
    results: list[Any] = Field(default_factory=list)
    metadata: ResultMetadata = Field(default_factory=ResultMetadata)

    def rows(self) -> list[dict[str, Any]]:
        """The result as a list of flat dicts.

        Playbook results come back as sent. A v1 dimensions tree becomes one row per node (parents
        are subtotals), each ``{"path", "depth", "category", "value", "count", "continuous"}`` where
        ``path`` is ``"category=value > category=value"``. A v1 result without dimensions (a plain
        ``COUNT()``/``SUM``/``AVG``) becomes one total row with ``count`` = audience and the measures.
        """
        if self.results:
            return [dict(r) if isinstance(r, dict) else {"value": r} for r in self.results]
        if self.dimensions:
            out: list[dict[str, Any]] = []
            _flatten(self.dimensions, (), out)
            return out
        measured = self.model_fields_set & {"audience", "sum", "user_average", "value_average"}
        if not measured:
            return []
        row: dict[str, Any] = {"path": "", "depth": 0, "category": "", "value": "",
                               "count": self.audience, "continuous": False}
        if "sum" in measured:
            row["sum"] = self.sum
        if self.user_average is not None:
            row["user_average"] = self.user_average.mean
        if self.value_average is not None:
            row["value_average"] = self.value_average.mean
        return [row]

    @property
    def total_rows(self) -> int:
        return self.metadata.total_rows or len(self.rows())


def _flatten(nodes: list[Dimension], path: tuple[str, ...], out: list[dict[str, Any]]) -> None:
    for node in nodes:
        here = (*path, f"{node.category}={node.value}")
        out.append({"path": " > ".join(here), "depth": len(path), "category": node.category,
                    "value": node.value, "count": node.count, "continuous": node.continuous})
        _flatten(node.dimensions, here, out)


class Health(Model):
    status: str = ""  # UNKNOWN | AVAILABLE


__all__ = [
    "Account", "ActivationDatasetPermission", "AttributeStatsResponse", "Average", "COLLABORATION_STATUSES",
    "Collaboration", "CollaborationDataset", "CollaborationDestination", "CollaborationEvent",
    "CollaborationMember", "CollaborationMemberSummary", "CollaborationSummary", "Company", "CountMetadata",
    "Dataset", "DatasetAttribute", "DatasetKey", "DatasetPermission", "DatasetRef", "DestinationInstance",
    "Dimension", "ENTITY_TYPES", "EventEntity", "ExportColumnStats", "ExportColumnStatsResponse", "Health",
    "InsightDatasetPermission", "Int64", "IntRange", "JoinKey", "JoinMetadata", "KeyColumnStats",
    "KeyColumnStatsResponse", "MemberRights", "Model", "MostCommon", "Occurrence", "Page", "Pagination",
    "Percentiles", "QUERY_STATUSES", "QualityMeasures", "QueryResult", "QueryStatus", "RepresentationStats",
    "RepresentationsStatsList", "ResultMetadata", "STATUS_ACTIVE", "STATUS_CLOSED", "SummaryStats", "Time",
    "parse_time",
]
