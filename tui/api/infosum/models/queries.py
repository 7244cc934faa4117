"""Insight queries: a query's status and its result (either wire format)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from .base import (
    Int64,
    Model,
    _to_error_text,
)

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
