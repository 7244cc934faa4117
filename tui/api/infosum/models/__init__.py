"""InfoSum response models (pydantic v2), written from reference/infosum-api.md.

Parsing is deliberately lenient, because the server is grpc-gateway output (reference §1):

- every field is optional with a zero default: zero values (false, 0, "", [], enum zero) may be omitted;
- ``null`` anywhere means "absent" and falls back to the default;
- 64-bit integers arrive as JSON strings in v2 and as numbers in parts of v1: :data:`Int64` takes both;
- times are RFC 3339 (``Z``, offsets, 0–9 fraction digits) or a bare date: :data:`Time` gives aware UTC;
- enums stay plain ``str`` so a value added to the platform next month is kept, never dropped;
- the playbook and the generated spec disagree in places (stats maps vs lists, ``multi_value`` vs
  ``multi_values``, rights on summary members): both spellings are accepted and merged.

One module per concern (``base``: the lenient scalars, ``Model``, open enums, pages, health;
``collaborations`` (and accounts), ``datasets`` (and destinations), ``stats``, ``events``, ``queries``);
this package re-exports every model, so ``tui.api.infosum.models`` is the one import point, and it is in
``sys.modules`` whenever any InfoSum model is (tests/ui/test_home_imports.py counts on that).
"""

from __future__ import annotations

from .base import (
    COLLABORATION_STATUSES,
    ENTITY_TYPES,
    QUERY_STATUSES,
    STATUS_ACTIVE,
    STATUS_CLOSED,
    Health,
    Int64,
    Model,
    Page,
    Pagination,
    Time,
    parse_time,
)

# the other lenient scalars and their readers stay importable from here, as they were (not in __all__)
from .base import IntOrStr as IntOrStr
from .base import StrMap as StrMap
from .base import _to_error_text as _to_error_text
from .base import _to_int as _to_int
from .base import _to_int_or_str as _to_int_or_str
from .base import _to_str_map as _to_str_map
from .collaborations import (
    Account,
    ActivationDatasetPermission,
    Collaboration,
    CollaborationMember,
    CollaborationMemberSummary,
    CollaborationSummary,
    Company,
    DatasetPermission,
    InsightDatasetPermission,
    MemberRights,
)
from .datasets import (
    CollaborationDataset,
    CollaborationDestination,
    Dataset,
    DatasetAttribute,
    DatasetKey,
    DestinationInstance,
)

# the pieces of Dataset, importable from here as they were
from .datasets import DatasetExpiration as DatasetExpiration
from .datasets import PublishDetails as PublishDetails
from .events import CollaborationEvent, EventEntity
from .queries import (
    Average,
    CountMetadata,
    DatasetRef,
    Dimension,
    JoinKey,
    JoinMetadata,
    QualityMeasures,
    QueryResult,
    QueryStatus,
    ResultMetadata,
)
from .stats import (
    AttributeStatsResponse,
    ExportColumnStats,
    ExportColumnStatsResponse,
    IntRange,
    KeyColumnStats,
    KeyColumnStatsResponse,
    MostCommon,
    Occurrence,
    Percentiles,
    RepresentationsStatsList,
    RepresentationStats,
    SummaryStats,
)

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
