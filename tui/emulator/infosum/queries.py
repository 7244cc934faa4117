"""Insight queries on the shared clock (v1 ``/queries`` and the playbook ``/insights`` alias).

A query is accepted at once and finishes ``duration`` world seconds later (20–90 s, a third of
that with ``sample``; deterministic per query id). Whether it fails is decided when it is
created and revealed only when it is done (GUESS, reference §10.2): the text contains ``FAIL``,
it uses an attribute the dataset's permission does not allow, a column the dataset does not
have, or queries an ``intersection_only`` dataset on its own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import iql, messages
from .catalog import ATTRIBUTES
from .errors import forbidden, invalid, not_found, precondition
from .events import EventDetail
from .model import STATUS_CLOSED, Dataset, DatasetPermission, User
from .world import World

PENDING_SECONDS = 5  # the playbook's "pending" phase before "running"
BODY_FIELDS = {"query", "collaboration_id", "sample", "path_overrides", "count_overrides"}


@dataclass
class Source:
    dataset: Dataset
    name: str  # collaboration_dataset_name inside a collaboration, else the private id
    permission: DatasetPermission | None = None


@dataclass
class Query:
    id: str
    company_id: str
    user_id: str
    text: str
    parsed: iql.IqlQuery
    sources: list[Source]
    collaboration_id: str | None
    sample: bool
    created: datetime
    duration: float
    failure: str | None = None
    _result: dict | None = field(default=None, repr=False)

    @property
    def finishes(self) -> datetime:
        return self.created + timedelta(seconds=self.duration)

    def done(self, now: datetime) -> bool:
        return now >= self.finishes

    def status(self, now: datetime) -> str:
        """Playbook vocabulary: pending, running, completed, failed."""
        if self.done(now):
            return "failed" if self.failure else "completed"
        return "pending" if (now - self.created).total_seconds() < PENDING_SECONDS else "running"

    def refs(self) -> list[tuple[str, str, str]]:
        return [(s.dataset.id, s.name, s.dataset.owner_id) for s in self.sources]

    def success_detail(self, world: World) -> EventDetail:
        return messages.insight_query(world.company_name(self.company_id), self.id, self.text, self.refs(),
                                      self.result()["audience"], self.sample)

    # ------------------------------------------------------------------ results

    def result(self) -> dict:
        if self._result is None:
            self._result = _build_result(self)
        return self._result


def _rng(query: Query) -> random.Random:
    return random.Random(f"query:{query.id}")


def _audience(query: Query, rng: random.Random) -> int:
    rows = min(s.dataset.rows for s in query.sources)
    share = rng.uniform(0.08, 0.45) if len(query.sources) > 1 else rng.uniform(0.6, 0.95)
    if " where " in query.text.lower():
        share *= rng.uniform(0.3, 0.7)
    return max(100, int(rows * share) // 100 * 100)


def _values_for(column: str, limit: int | None) -> list[tuple[str, bool]]:
    spec = ATTRIBUTES.get(column)
    if spec is None:
        return [(f"value {n}", False) for n in range(1, 5)]
    if spec.values:
        values = [(v, False) for v, _ in spec.values]
    elif spec.ranges:
        values = [(f"[{lo}, {hi})", True) for lo, hi in spec.ranges]
    else:
        lo, hi = spec.span or (0, 100)
        step = max(1, int((hi - lo) / 5))
        values = [(f"[{int(lo + i * step)}, {int(lo + (i + 1) * step)})", True) for i in range(5)]
    return values[:limit] if limit else values


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    weights = [rng.uniform(0.3, 1.7) for _ in range(parts)]
    scale = sum(weights)
    return [int(total * w / scale) // 10 * 10 for w in weights]


def _dimensions(query: Query, dims: list[tuple[str | None, str]], total: int, rng: random.Random,
                limit: int | None) -> list[dict]:
    if not dims:
        return []
    (ds_name, column), rest = dims[0], dims[1:]
    source = next((s for s in query.sources if s.name == ds_name), query.sources[0])
    spec = ATTRIBUTES.get(column)
    values = _values_for(column, limit)
    counts = _split(total, len(values), rng)
    out = []
    for (value, continuous), count in zip(values, counts, strict=True):
        out.append({"category": spec.label if spec else column, "value": value, "count": count,
                    "continuous": continuous, "private_id": source.name,
                    "dimensions": _dimensions(query, rest, count, rng, None)})
    return out


def _keys(ds: Dataset) -> list[dict]:
    return [{"key_id": str(k.key_id), "name": k.label} for k in ds.keys]


def _build_result(query: Query) -> dict:
    rng = _rng(query)
    audience = _audience(query, rng)
    limit = None
    if "TOPN" in query.parsed.functions:
        digits = [int(t) for t in query.text.replace(")", ",").split(",") if t.strip().isdigit()]
        limit = digits[0] if digits else None
    first = query.sources[0]
    joins = []
    for other in query.sources[1:]:
        common = [k for k in first.dataset.keys if any(o.key_id == k.key_id for o in other.dataset.keys)]
        joins.append({"from_dataset": {"id": first.dataset.id, "name": first.name},
                      "to_dataset": {"id": other.dataset.id, "name": other.name},
                      "keys": [{"key_id": str(k.key_id), "name": k.label} for k in common]})
    result: dict = {
        "dimensions": _dimensions(query, query.parsed.dimensions, audience, rng, limit),
        "audience": audience,
        "quality_measures": {
            "redaction_threshold_outlier": round(rng.uniform(0, 0.02), 4),
            "rounding_threshold_outlier": round(rng.uniform(0, 0.05), 4),
            "model_accuracy": round(rng.uniform(0.9, 0.99), 4),
            "result_precision_include_empty_bins": round(rng.uniform(0.85, 0.99), 4),
            "result_precision_exclude_empty_bins": round(rng.uniform(0.9, 0.999), 4),
            "sum_confidence_score": round(rng.uniform(0.8, 0.99), 4),
        },
        "join_metadata": joins,
        "count_metadata": [{"dataset": {"id": first.dataset.id, "name": first.name}, "keys": _keys(first.dataset)}],
    }
    if "SUM" in query.parsed.functions:
        result["sum"] = round(audience * rng.uniform(20, 400), 2)
    if "AVG" in query.parsed.functions:
        result["user_average"] = {"mean": round(rng.uniform(20, 400), 2)}
        result["value_average"] = {"mean": round(rng.uniform(10, 200), 2)}
    return result


def result_rows(query: Query) -> list[dict]:
    """The playbook's flat ``results``: one row per leaf of the dimension tree (or one count row)."""
    result = query.result()
    rows: list[dict] = []

    def walk(dims: list[dict], prefix: dict) -> None:
        for d in dims:
            row = {**prefix, d["category"]: d["value"]}
            if d["dimensions"]:
                walk(d["dimensions"], row)
            else:
                rows.append({**row, "count": d["count"]})

    walk(result["dimensions"], {})
    return rows or [{"count": result["audience"]}]


# ---------------------------------------------------------------------- creation

def _resolve_sources(world: World, user: User, parsed: iql.IqlQuery, collab_id: str | None) -> list[Source]:
    sources = []
    if collab_id:
        collab = world.collaborations[collab_id]
        for name in parsed.sources:
            perm = collab.permission_by_name(name)
            if perm is None:
                names = ", ".join(p.collaboration_dataset_name for p in collab.datasets) or "none"
                raise invalid(f"query could not be parsed: unknown dataset '{name}' in collaboration "
                              f"(collaboration dataset names: {names})")
            sources.append(Source(world.datasets[perm.dataset_id], name, perm))
        return sources
    own = {d.private_id: d for d in world.datasets.values() if d.owner_id == user.company_id}
    for name in parsed.sources:
        if name not in own:
            raise invalid(f"query could not be parsed: unknown dataset '{name}' (use the private id of one of "
                          f"your datasets, or pass collaboration_id)")
        sources.append(Source(own[name], name))
    return sources


def _failure(parsed: iql.IqlQuery, sources: list[Source]) -> str | None:
    if "FAIL" in parsed.text:
        return "query execution failed: simulated failure (the query text contains FAIL)"
    by_name = {s.name: s for s in sources}
    for ds_name, column in parsed.columns:
        source = by_name.get(ds_name) if ds_name else sources[0]
        if source is None:
            return f"query execution failed: '{ds_name}.{column}' refers to a dataset not in FROM"
        if source.dataset.attribute(column) is None:
            return f"query execution failed: dataset '{source.name}' has no attribute '{column}'"
        perm = source.permission
        if perm and perm.attribute_restriction and column not in perm.allowed_attributes:
            return (f"query execution failed: attribute '{column}' of dataset '{source.name}' is not allowed "
                    "in this collaboration")
    if len(sources) == 1 and sources[0].permission and sources[0].permission.intersection_only:
        return (f"query execution failed: dataset '{sources[0].name}' may only be queried in intersection "
                "with another dataset")
    return None


def create_query(world: World, user: User, body: dict) -> Query:
    unknown = sorted(set(body) - BODY_FIELDS)
    if unknown:
        raise invalid(f"unknown field '{unknown[0]}' in request body")
    try:
        parsed = iql.parse(body.get("query"))
    except iql.IqlError as exc:
        raise invalid(str(exc)) from None
    sample = body.get("sample", False)
    if not isinstance(sample, bool):
        raise invalid("sample must be a boolean")
    collab_id = body.get("collaboration_id") or None
    if collab_id is not None:
        if not isinstance(collab_id, str):
            raise invalid("collaboration_id must be a string")
        collab = world.collaborations.get(collab_id)
        if collab is None or not collab.is_member(user.company_id):
            raise not_found(f"collaboration {collab_id} not found")
        if collab.status == STATUS_CLOSED:
            raise precondition(f"collaboration {collab_id} is closed: it cannot be used for new queries")
        rights = collab.rights_of(user.company_id)
        if rights is None or not rights.operator:
            raise forbidden("running queries in this collaboration needs the operator right")
    sources = _resolve_sources(world, user, parsed, collab_id)
    query_id = world.ids.uuid()
    duration = random.Random(f"duration:{query_id}").uniform(20, 90)
    if sample:
        duration = max(5.0, duration / 3)
    query = Query(id=query_id, company_id=user.company_id, user_id=user.id, text=parsed.text, parsed=parsed,
                  sources=sources, collaboration_id=collab_id, sample=sample, created=world.now(),
                  duration=round(duration, 1))
    query.failure = _failure(parsed, sources)
    world.track_query(query)
    return query


def visible_query(world: World, user: User, query_id: str) -> Query:
    query = world.queries.get(query_id)
    if query is None or query.company_id != user.company_id:
        raise not_found(f"query {query_id} not found")
    return query


__all__ = ["Query", "create_query", "result_rows", "visible_query"]
